"""Databases firstfile must not write to are refused before anything is written: another
application's, one made by a newer firstfile, and a damaged file. Each is a real file whose
bytes are compared before and after."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures, drafts
from firstfile.storage.engine import (
    Store,
    StoreError,
    check_pages_later,
    open_store,
)
from tests.database_files import damage_a_table, large_database


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in folder with its bytes: a refused open must change none and add none."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _assert_unchanged(folder: Path, before: dict[str, bytes]) -> None:
    """The database files as they were. Reading a WAL-mode database (as firstfile's are) makes
    SQLite create its shared-memory index and an empty log beside it, as any reader does;
    neither holds data, and the database file itself is byte for byte the same."""
    after = _snapshot(folder)
    for name, data in before.items():
        assert after.pop(name) == data, f"{name} changed"
    for name, data in after.items():
        assert name.endswith("-shm") or (name.endswith("-wal") and data == b""), name


def _foreign(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Acme')")
        for statement in statements:
            conn.execute(statement)
    conn.close()


def test_a_foreign_database_is_refused_before_the_wal_pragma_touches_it(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    _foreign(other)
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match="not firstfile's"):
        open_store(str(other))
    # The header's journal-mode bytes (18, 19) stay 1, 1: WAL was never switched on.
    assert _snapshot(tmp_path) == before


def test_a_foreign_database_with_an_empty_alembic_table_is_not_migrated(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    _foreign(other, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match="not firstfile's"):
        open_store(str(other))
    assert _snapshot(tmp_path) == before


def test_another_alembic_application_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    _foreign(other, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
             "INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match=r"not firstfile's \(schema revision 'ae1027a6acf'\)"):
        open_store(str(other))
    assert _snapshot(tmp_path) == before


def _made_by_newer_firstfile(store: Store) -> None:
    with store.write() as db:
        db.execute(text("UPDATE alembic_version SET version_num = '0042_holographic_claims'"))


def test_a_database_from_a_newer_firstfile_says_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    store = open_store(str(path))
    _made_by_newer_firstfile(store)
    store.dispose()
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(str(path))
    assert str(caught.value) == (
        f"{path} was made by a newer firstfile (revision 0042_holographic_claims); upgrade "
        "firstfile to open it. Nothing was changed."
    )
    _assert_unchanged(tmp_path, before)


def test_a_newer_firstfile_database_is_refused_on_every_backend(db_url: str) -> None:
    store = open_store(db_url)
    _made_by_newer_firstfile(store)
    store.dispose()
    with pytest.raises(StoreError, match=r"newer firstfile \(revision 0042_holographic_claims\)"):
        open_store(db_url)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
                "0042_holographic_claims"
    finally:
        engine.dispose()


def test_the_command_line_reports_a_newer_database_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    store = open_store(str(path))
    _made_by_newer_firstfile(store)
    store.dispose()
    result = subprocess.run([sys.executable, "-m", "firstfile", "disclosures", "list", "--db",
                             str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "made by a newer firstfile (revision 0042_holographic_claims); upgrade" in \
        result.stderr


def test_a_damaged_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    store = open_store(str(path))
    for n in range(50):
        disclosures.create_disclosure(
            store, DisclosureDraft(title=f"Snap-fit clip variant {n}", summary="s" * 400),
            actor="tester")
    store.dispose()  # a clean close: the log is folded into the file and removed
    assert not path.with_name(path.name + "-wal").exists()
    damage_a_table(path, "disclosureinventor")
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError) as caught:
        open_store(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path} is damaged: ")
    assert "firstfile will not write to it" in message
    assert f"sqlite3 {path} .recover" in message
    _assert_unchanged(tmp_path, before)


def test_a_database_whose_catalogue_is_damaged_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    open_store(str(path)).dispose()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xee" * (4096 - 100)  # page 1 after the file header: sqlite_master
    path.write_bytes(bytes(data))
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match="is damaged: .*firstfile will not write to it"):
        open_store(str(path))
    _assert_unchanged(tmp_path, before)


def test_a_large_cleanly_closed_file_is_checked_later_and_then_refuses_writes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "firstfile.db"
    large_database(path)
    damage_a_table(path, "disclosureinventor")
    store = open_store(str(path))  # opening stays fast: the full check is left for later
    try:
        assert store.unchecked
        with pytest.raises(StoreError, match=f"^{path} is damaged: "):
            check_pages_later(store)
        with pytest.raises(StoreError, match="firstfile will not write to it"):
            disclosures.create_disclosure(
                store, DisclosureDraft(title="Written to a damaged file", summary="s"),
                actor="tester")
    finally:
        store.dispose()


def test_a_large_sound_file_passes_the_later_check_and_stays_writable(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    large_database(path)
    store = open_store(str(path))
    try:
        assert store.unchecked
        check_pages_later(store)
        assert not store.unchecked
        disclosures.create_disclosure(store, DisclosureDraft(title="Still writable", summary="s"),
                                      actor="tester")
    finally:
        store.dispose()


def _crash_after_a_write(path: str) -> None:
    store = open_store(path)
    drafts.save_buffer(store, "edit:crash", "", {"notes": "unsaved words"}, actor="tester")
    os._exit(0)  # no clean close: the log keeps the pages


def test_a_large_file_not_closed_cleanly_is_checked_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    large_database(path)
    child = multiprocessing.get_context("spawn").Process(target=_crash_after_a_write,
                                                         args=(str(path),))
    child.start()
    child.join(120)
    assert child.exitcode == 0
    damage_a_table(path, "disclosureinventor")
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    with pytest.raises(StoreError, match=f"^{path} is damaged: "):
        open_store(str(path))
