"""File names from keys only, never outside the output folder; writes that never half-happen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from firstfile.rendering.safe_files import ExportError, atomic_write_bytes, output_path


def test_output_path_is_the_key_inside_the_folder(tmp_path: Path) -> None:
    path = output_path(tmp_path, "FF-2026-0001", ".docx")
    assert path == tmp_path.resolve() / "FF-2026-0001.docx"
    assert output_path(tmp_path, "FF-2026-0001", "md").name == "FF-2026-0001.md"


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "a/b", "a\\b", "..", ".", "", ".hidden", "CON", "x" * 300]
)
def test_keys_that_are_not_plain_file_names_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ExportError) as caught:
        output_path(tmp_path, key, ".docx")
    assert "key" in str(caught.value) or "file name" in str(caught.value)


def test_refusal_says_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="letters, digits"):
        output_path(tmp_path, "../../etc/passwd", ".docx")


def test_a_link_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "FF-2026-0001.docx").symlink_to(outside / "stolen.docx")
    with pytest.raises(ExportError, match="outside the output folder"):
        output_path(out_dir, "FF-2026-0001", ".docx")


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "FF-2026-0001.docx"
    atomic_write_bytes(path, b"first")
    assert path.read_bytes() == b"first"
    atomic_write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FF-2026-0001.docx"]


def test_a_reader_holding_the_earlier_file_still_reads_it_whole(tmp_path: Path) -> None:
    """The new document is a new file renamed into place, never written over the old one:
    whoever has the earlier version open (a viewer, a mail client attaching it) keeps reading
    that version, and it is never seen half written."""
    path = tmp_path / "FF-2026-0001.docx"
    earlier = b"earlier version " * 4096
    atomic_write_bytes(path, earlier)
    before = path.stat()
    with path.open("rb") as reader:
        head = reader.read(10)
        atomic_write_bytes(path, b"new")
        assert head + reader.read() == earlier
        assert os.fstat(reader.fileno()).st_ino == before.st_ino
    after = path.stat()
    assert after.st_ino != before.st_ino  # another file took the name
    assert path.read_bytes() == b"new"


def test_new_files_are_private_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    path = tmp_path / "FF-2026-0001.md"
    atomic_write_bytes(path, b"first")
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"second")
    assert path.stat().st_mode & 0o777 == 0o640


def test_failed_write_leaves_the_earlier_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "FF-2026-0001.docx"
    path.write_bytes(b"earlier version")
    with pytest.raises(TypeError):
        atomic_write_bytes(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"earlier version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FF-2026-0001.docx"]


def test_failed_rename_removes_the_temporary_file(tmp_path: Path) -> None:
    # A folder where the file should go: the rename fails after the data is written.
    target = tmp_path / "FF-2026-0001.docx"
    target.mkdir()
    (target / "keep").write_bytes(b"x")
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FF-2026-0001.docx"]
    assert (target / "keep").read_bytes() == b"x"


def _aged(path: Path, seconds: float) -> Path:
    """path with its modification time set seconds into the past (a kill long ago)."""
    import time

    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def test_a_killed_exports_stale_temp_file_is_removed_by_the_next_export(tmp_path: Path) -> None:
    # Left behind by an export killed between creating its temporary file and renaming it.
    stale = tmp_path / ".FF-2026-0001.docx.firstfile-k3j9x_2a.tmp"
    stale.write_bytes(b"PK\x03\x04 half a document")
    _aged(stale, 3600)
    atomic_write_bytes(tmp_path / "FF-2026-0002.docx", b"new")
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FF-2026-0002.docx"]


def test_the_sweep_spares_fresh_temps_and_other_programs_files(tmp_path: Path) -> None:
    from firstfile.rendering.safe_files import STALE_TEMP_SECONDS, sweep_stale_temps

    fresh = tmp_path / ".FF-2026-0001.docx.firstfile-abcdefgh.tmp"
    fresh.write_bytes(b"an export still being written")
    others = [
        tmp_path / ".FF-2026-0001.docx.abcdefgh.tmp",  # not ours: no mark
        tmp_path / "notes.firstfile-abcdefgh.tmp",  # not hidden like ours
        tmp_path / ".report.docx.firstfile-abc.tmp",  # not mkstemp's 8 letters
        tmp_path / "report.tmp",
    ]
    for path in others:
        path.write_bytes(b"someone else's")
        _aged(path, 3600)
    kept = [fresh, *others]
    folder = tmp_path / ".x.docx.firstfile-abcdefgh.tmp.d"
    folder.mkdir()
    target = tmp_path / "precious.docx"
    target.write_bytes(b"keep me")
    link = tmp_path / ".y.docx.firstfile-abcdefgh.tmp"
    link.symlink_to(target)
    _aged(link, 3600)
    assert STALE_TEMP_SECONDS <= 3600
    assert sweep_stale_temps(tmp_path) == []
    assert all(path.exists() for path in kept) and link.is_symlink() and folder.is_dir()
    assert target.read_bytes() == b"keep me"
    _aged(fresh, STALE_TEMP_SECONDS + 60)
    assert sweep_stale_temps(tmp_path) == [fresh]
    assert not fresh.exists()


def test_a_write_leaves_no_temp_file_and_names_its_temp_as_firstfiles(tmp_path: Path) -> None:
    from firstfile.rendering.safe_files import is_firstfile_temp

    atomic_write_bytes(tmp_path / "FF-2026-0001.docx", b"whole")
    assert [p.name for p in tmp_path.iterdir()] == ["FF-2026-0001.docx"]
    assert is_firstfile_temp(".FF-2026-0001.docx.firstfile-k3j9x_2a.tmp")
    assert not is_firstfile_temp(".FF-2026-0001.docx.k3j9x_2a.tmp")
