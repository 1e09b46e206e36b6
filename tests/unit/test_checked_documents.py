"""Checked documents put aside until they are written: given back equal, from a file no other
process can open and that leaves nothing behind; when they cannot be put aside, the file is
read again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from firstfile.interchange.document import InterchangeDocument
from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import parse_document, read_document_and_digest
from firstfile.services.checked_documents import CheckedDocuments

FILE = """\
format: firstfile/1
engagement:
  key: acme-2026
  name: ACME controller
disclosures:
  - key: FF-2026-0001
    title: Pulse balancing
    summary: Balances cells with pulses.
"""


def test_a_document_put_aside_comes_back_equal_and_leaves_no_file(tmp_path: Path) -> None:
    document = parse_document(FILE, "acme.yaml")
    with CheckedDocuments(under=tmp_path) as checked:
        checked.add(tmp_path / "acme.yaml", "d1", document)
        (item,) = checked.files
        assert item.aside is not None and os.fstat(item.aside.fileno()).st_size > 0
        # Confidential text is on disk, but under no name: a kill leaves nothing behind.
        assert list(tmp_path.iterdir()) == []
        back = checked.take(item)
        assert back == document
        assert back is not None and back.where("disclosures[0].summary") == (
            "acme.yaml:8: disclosures[0].summary")
        assert item.aside is None


def test_leaving_lets_go_of_documents_not_taken_back(tmp_path: Path) -> None:
    with CheckedDocuments(under=tmp_path) as checked:
        checked.add(tmp_path / "acme.yaml", "d1", parse_document(FILE, "acme.yaml"))
        (item,) = checked.files
        aside = item.aside
    assert aside is not None and aside.closed and item.aside is None


def test_a_held_document_is_given_back_once(tmp_path: Path) -> None:
    document = parse_document(FILE, "acme.yaml")
    with CheckedDocuments(under=tmp_path) as checked:
        checked.add(tmp_path / "acme.yaml", "d1", document, hold=True)
        (item,) = checked.files
        assert item.aside is None
        assert checked.take(item) is document
        assert item.held is None  # let go of


def _unplaceable(tmp_path: Path) -> Path:
    """A place to put documents aside that is not a folder: putting aside fails for real."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    return not_a_folder


def _file(tmp_path: Path) -> tuple[Path, InterchangeDocument, str]:
    """FILE written to disk and read back as the import reads it: path, document, digest."""
    path = tmp_path / "acme.yaml"
    path.write_text(FILE, encoding="utf-8")
    return (path, *read_document_and_digest(path))


def test_a_document_that_cannot_be_put_aside_is_read_again(tmp_path: Path) -> None:
    path, document, digest = _file(tmp_path)
    with CheckedDocuments(under=_unplaceable(tmp_path)) as checked:
        checked.add(path, digest, document)
        (item,) = checked.files
        assert (item.digest, item.aside, item.held) == (digest, None, None)
        assert checked.take(item) == document


def test_a_file_read_again_is_refused_when_it_changed_after_its_check(tmp_path: Path) -> None:
    path, document, digest = _file(tmp_path)
    with CheckedDocuments(under=_unplaceable(tmp_path)) as checked:
        checked.add(path, digest, document)
        (item,) = checked.files
        path.write_text(FILE.replace("Pulse balancing", "Changed after the check"),
                        encoding="utf-8")
        with pytest.raises(InterchangeError) as refused:
            checked.take(item)
    (problem,) = refused.value.problems
    assert problem.startswith(f"{path}: the file changed after it was checked")
    assert "import it again" in problem
