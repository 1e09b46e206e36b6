"""Checked documents put aside until they are written: given back equal, from a private
folder that is gone afterwards; when they cannot be put aside, the file is read again."""

from __future__ import annotations

import stat
from pathlib import Path

from firstfile.interchange.reader import parse_document
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


def test_a_document_put_aside_comes_back_equal_with_its_places(tmp_path: Path) -> None:
    document = parse_document(FILE, "acme.yaml")
    with CheckedDocuments(under=tmp_path) as checked:
        checked.add(tmp_path / "acme.yaml", "d1", document)
        (folder,) = tmp_path.iterdir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # this user's alone
        (item,) = checked.files
        back = checked.take(item)
        assert back == document
        assert back is not None and back.where("disclosures[0].summary") == (
            "acme.yaml:8: disclosures[0].summary")
        assert list(folder.iterdir()) == []  # taken back, removed
    assert list(tmp_path.iterdir()) == []  # the folder goes with the import


def test_a_held_document_is_given_back_once(tmp_path: Path) -> None:
    document = parse_document(FILE, "acme.yaml")
    with CheckedDocuments(under=tmp_path) as checked:
        checked.add(tmp_path / "acme.yaml", "d1", document, hold=True)
        assert list(tmp_path.iterdir()) == []  # nothing on disk
        (item,) = checked.files
        assert checked.take(item) is document
        assert checked.take(item) is None  # let go of: the file would be read again


def test_a_document_that_cannot_be_put_aside_is_read_again(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with CheckedDocuments(under=not_a_folder) as checked:
        checked.add(tmp_path / "acme.yaml", "d1", parse_document(FILE, "acme.yaml"))
        (item,) = checked.files
        assert (item.digest, item.aside, item.held) == ("d1", None, None)
        assert checked.take(item) is None
