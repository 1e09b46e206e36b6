"""Databases firstfile must not write to are refused before anything is written: another
application's, one made by a newer firstfile, and a damaged file. Each is a real file whose
bytes are compared before and after."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.storage.engine import Store, StoreError, open_store


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


def _damage_a_table(path: Path, table: str) -> None:
    """Overwrite the first page of table's b-tree (not page 1, which says what the file holds)
    with bytes no page can start with."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    assert root > 1
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xee" * 64)


def test_a_damaged_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    store = open_store(str(path))
    for n in range(50):
        disclosures.create_disclosure(
            store, DisclosureDraft(title=f"Snap-fit clip variant {n}", summary="s" * 400),
            actor="tester")
    store.dispose()  # a clean close: the log is folded into the file and removed
    assert not path.with_name(path.name + "-wal").exists()
    _damage_a_table(path, "disclosureinventor")
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
