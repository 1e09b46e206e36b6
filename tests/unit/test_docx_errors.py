"""Every way a base document can be broken is refused in words, and nothing else is caught."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from firstfile.rendering.disclosure_skeleton import DisclosureSkeleton
from firstfile.rendering.docx_errors import BROKEN_PACKAGE
from firstfile.rendering.safe_files import ExportError

_CONTENT_TYPES = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
_NO_RELATIONSHIPS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)


def _zip(parts: dict[str, str]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"not a zip at all", id="not-a-zip"),
        pytest.param(_zip({"a.txt": "x"}), id="zip-without-parts"),
        pytest.param(_zip({"[Content_Types].xml": "<not xml"}), id="damaged-xml"),
        pytest.param(
            _zip({"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _NO_RELATIONSHIPS}),
            id="no-document-part",
        ),
    ],
)
def test_a_broken_base_document_is_refused_in_words(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "disclosure").mkdir()
    (tmp_path / "disclosure" / "base.docx").write_bytes(data)
    with pytest.raises(ExportError, match="not a Word document"):
        DisclosureSkeleton.build(tmp_path)


def test_programming_errors_are_not_taken_for_a_broken_package() -> None:
    # A bug in the export code must surface as itself, not as "restore your base document".
    for error in (TypeError, AttributeError, NameError, RuntimeError):
        assert not issubclass(error, BROKEN_PACKAGE)
