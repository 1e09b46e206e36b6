"""The disclosure layout is the one both writers follow: table widths, and the base they read."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
import pytest

from firstfile.rendering.disclosure_docx import (
    base_document_path,
    load_base,
    render_disclosure_docx,
)
from firstfile.rendering.disclosure_layout import (
    EVENT_TABLE,
    FACT_TABLE,
    FILING_DETAILS_TABLE,
    PEOPLE_TABLE,
    SIGNATURE_TABLE,
    text_width,
)
from firstfile.rendering.disclosure_skeleton import DisclosureSkeleton
from firstfile.rendering.safe_files import ExportError
from tests.unit.disclosure_samples import sample_view

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _grids(data: bytes) -> list[list[int]]:
    body = docx.Document(BytesIO(data)).element.body
    return [[int(col.get(f"{_W}w")) for col in grid.iter(f"{_W}gridCol")]
            for grid in body.iter(f"{_W}tblGrid")]


def test_both_writers_lay_tables_out_as_the_layout_says() -> None:
    view = sample_view()
    assert view.inventors and view.events  # every kind of table is in the document
    base = load_base(base_document_path(None))
    assert base.text_width == text_width(docx.Document(BytesIO(base.data)).sections[0])
    expected = [[int(base.text_width * share) for share in table.shares]
                for table in (FACT_TABLE, PEOPLE_TABLE, FILING_DETAILS_TABLE, FACT_TABLE,
                              EVENT_TABLE, FACT_TABLE, SIGNATURE_TABLE)]
    skeleton = DisclosureSkeleton.build()
    assert skeleton is not None
    assert _grids(render_disclosure_docx(view)) == expected
    assert _grids(skeleton.render(view)) == expected


def test_a_broken_base_stops_the_skeleton_with_the_builders_message(tmp_path: Path) -> None:
    (tmp_path / "disclosure").mkdir()
    (tmp_path / "disclosure" / "base.docx").write_bytes(b"not a zip at all")
    with pytest.raises(ExportError, match="not a Word document"):
        DisclosureSkeleton.build(tmp_path)
