"""The database is private to its owner: made 0600 in a 0700 folder, and an existing one that
others can read is reported with the chmod that fixes it (real files, real modes)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.storage.engine import open_store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask, so a private mode cannot come from the umask."""
    before = os.umask(0)
    yield
    os.umask(before)


def test_a_new_database_is_private_with_its_wal_and_shm(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "data" / "firstfile"
    path = folder / "firstfile.db"
    store = open_store(str(path))
    try:
        disclosures.create_disclosure(store, DisclosureDraft(title="Heat stake jig", summary="s"),
                                      actor="tester")
        wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
        assert wal.exists() and shm.exists()  # the store is open: SQLite keeps both
        assert _mode(folder) == 0o700
        assert {p.name: _mode(p) for p in (path, wal, shm)} == {
            path.name: 0o600, wal.name: 0o600, shm.name: 0o600}
        assert store.warnings == ()
    finally:
        store.dispose()


def test_the_default_database_folder_is_private(tmp_path: Path, open_umask: None) -> None:
    store = open_store(None)
    try:
        path = Path(store.url.removeprefix("sqlite:///"))
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
    finally:
        store.dispose()


def test_an_existing_database_others_can_read_is_reported_not_changed(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "firstfile.db"
    open_store(str(path)).dispose()
    os.chmod(path, 0o644)  # noqa: S103
    os.chmod(folder, 0o755)  # noqa: S103  (the exposure being tested)
    store = open_store(str(path))
    try:
        file_warning, folder_warning = store.warnings
    finally:
        store.dispose()
    assert f"{path} (mode 0644)" in file_warning
    assert f"chmod 600 {path}" in file_warning
    assert f"chmod 700 {folder}" in folder_warning
    # Reported, never changed behind the owner's back.
    assert _mode(path) == 0o644 and _mode(folder) == 0o755


def test_a_private_existing_database_opens_without_warnings(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    open_store(str(path)).dispose()
    store = open_store(str(path))
    try:
        assert store.warnings == ()
    finally:
        store.dispose()


def test_the_command_line_warns_on_stderr_and_carries_on(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    open_store(str(path)).dispose()
    os.chmod(path, 0o604)
    result = subprocess.run([sys.executable, "-m", "firstfile", "init", "--db", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "database ready" in result.stdout
    assert f"firstfile: warning: other users of this machine can read the database: {path}" \
        in result.stderr
    assert f"chmod 600 {path}" in result.stderr
