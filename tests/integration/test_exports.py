"""services/exports.py: one call reads the record, renders it and writes the files."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures, exports
from firstfile.storage.engine import Store


def test_a_disclosure_is_written_once_per_format_and_read_back(
    store: Store, tmp_path: Path
) -> None:
    key = disclosures.create_disclosure(
        store, DisclosureDraft(title="Sensorless start-up"), actor="tester"
    ).key
    out = tmp_path / "out"
    written = exports.export_disclosure(store, key, out, ("docx", "md"))
    assert written == [out / f"{key}.docx", out / f"{key}.md"]
    text = "\n".join(p.text for p in docx.Document(str(written[0])).paragraphs)
    assert "Sensorless start-up" in text
    assert "Sensorless start-up" in written[1].read_text(encoding="utf-8")


def test_an_unknown_format_is_refused_before_anything_is_written(
    store: Store, tmp_path: Path
) -> None:
    key = disclosures.create_disclosure(
        store, DisclosureDraft(title="Sensorless start-up"), actor="tester"
    ).key
    out = tmp_path / "out"
    with pytest.raises(exports.ExportError, match="unknown format 'pdf'"):
        exports.export_disclosure(store, key, out, ("docx", "pdf"))
    assert not out.exists()


def test_an_unknown_checklist_audience_is_refused(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(exports.ExportError, match="unknown audience 'press'"):
        exports.export_checklist(store, "ACME", "v1", out, audiences=("press",), actor="tester")
    assert not out.exists()
