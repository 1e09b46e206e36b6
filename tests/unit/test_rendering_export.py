"""Exporting a disclosure to a file: names from keys, folders created, failures harmless."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstfile.rendering.export import export_disclosure
from firstfile.rendering.safe_files import ExportError
from tests.unit.disclosure_samples import sample_view
from tests.unit.docx_reading import open_docx


def test_docx_export_creates_the_folder_and_names_the_file_by_key(tmp_path: Path) -> None:
    view = sample_view(title="A title / with slashes")
    out_dir = tmp_path / "exports" / "2026"
    path = export_disclosure(view, out_dir)
    assert path == out_dir.resolve() / f"{view.key}.docx"
    document = open_docx(path)
    assert document.paragraphs[0].text == view.title


def test_markdown_export(tmp_path: Path) -> None:
    view = sample_view()
    path = export_disclosure(view, tmp_path, "md")
    assert path.name == f"{view.key}.md"
    assert view.summary in path.read_text(encoding="utf-8")


def test_unknown_format_says_which_to_use(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="use --format docx or md"):
        export_disclosure(sample_view(), tmp_path, "pdf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_a_key_that_escapes_the_folder_is_refused(tmp_path: Path, fmt: str) -> None:
    out_dir = tmp_path / "a" / "b" / "out"
    with pytest.raises(ExportError):
        export_disclosure(sample_view(key="../../etc/passwd"), out_dir, fmt)
    # Nothing was written anywhere, not even the output folder.
    assert [p for p in tmp_path.rglob("*")] == []


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_failed_export_leaves_the_earlier_file_byte_identical(tmp_path: Path, fmt: str) -> None:
    view = sample_view()
    path = export_disclosure(view, tmp_path / "out", fmt)
    earlier = path.read_bytes()

    # An organisation's wording template that names something that does not exist:
    # rendering fails after the export has started.
    broken = tmp_path / "templates" / "disclosure" / "wording"
    broken.mkdir(parents=True)
    (broken / "description.j2").write_text("{% set heading = no_such_name %}", encoding="utf-8")
    changed = sample_view(title="A new title that must not appear")
    with pytest.raises(ExportError, match="description.j2"):
        export_disclosure(changed, tmp_path / "out", fmt, templates_dir=tmp_path / "templates")

    assert path.read_bytes() == earlier
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_export_replaces_an_earlier_export(tmp_path: Path) -> None:
    first = export_disclosure(sample_view(title="First"), tmp_path)
    second = export_disclosure(sample_view(title="Second"), tmp_path)
    assert first == second
    assert open_docx(second).paragraphs[0].text == "Second"
