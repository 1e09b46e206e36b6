"""Opening databases: migrations, SQLite settings, refusing what is not ours, concurrent writers."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures
from firstfile.storage.database_location import resolve_db_url
from firstfile.storage.engine import (
    CACHE_FLOOR,
    IMPORT_CACHE_BYTES,
    Store,
    StoreError,
    open_store,
    refresh_statistics_after_growth,
)
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from tests.factories import seed_basics


def test_head_revision_constant_matches_the_migrations(sqlite_store: Store) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_store))
    assert script.get_current_head() == HEAD_REVISION


def test_open_migrates_a_new_database_to_head(store: Store) -> None:
    assert current_revision(store) == HEAD_REVISION


def test_sqlite_runs_in_wal_with_full_sync_foreign_keys_secure_delete(
    sqlite_store: Store,
) -> None:
    with sqlite_store.read() as db:
        conn = db.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_sizes_its_page_cache_and_maps_no_memory(sqlite_store: Store) -> None:
    """The cache holds a bounded write transaction's pages; reads never go through a memory
    map, where an I/O error would kill the process instead of raising an error."""
    with sqlite_store.read() as db:
        conn = db.connection()
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -(CACHE_FLOOR // 1024)
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0


def test_an_import_gives_its_connections_the_cache_one_write_transaction_needs(
    tmp_path: Path,
) -> None:
    """However big the file (a connection to a big one gets up to CACHE_CEILING), an import
    opens its connections with IMPORT_CACHE_BYTES, less than any file gets by default."""
    assert IMPORT_CACHE_BYTES < CACHE_FLOOR
    store = open_store(str(tmp_path / "big.db"), cache_bytes=IMPORT_CACHE_BYTES)
    try:
        for _ in range(2):  # each connection the pool makes, not only the first
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -(
                    IMPORT_CACHE_BYTES // 1024)
            store.engine.pool.dispose()
    finally:
        store.dispose()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my meeting notes\n" * 100)
    before = notes.read_bytes()
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(str(notes))
    assert notes.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(StoreError, match="not firstfile's"):
        open_store(str(other))
    with sqlite3.connect(other) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert names == ["customers"]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        open_store(str(tmp_path))


def test_an_unsupported_url_is_refused() -> None:
    with pytest.raises(StoreError, match="SQLite or PostgreSQL"):
        open_store("mysql://localhost/x")


def test_paths_become_sqlite_urls_and_the_environment_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_db_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv("FIRSTFILE_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_db_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME into tmp_path, so the default file lands there.
    store = open_store(None)
    try:
        assert store.url.startswith(f"sqlite:///{tmp_path}/xdg-data/firstfile/")
        assert Path(store.url.removeprefix("sqlite:///")).exists()
    finally:
        store.dispose()


def test_a_failed_write_leaves_nothing_behind(sqlite_store: Store) -> None:
    seed_basics(sqlite_store)
    with pytest.raises(RuntimeError), sqlite_store.write() as db:
        db.execute(text("UPDATE person SET name = 'changed' WHERE key = 'jdoe'"))
        raise RuntimeError("power cut")
    with sqlite_store.read() as db:
        assert db.execute(text("SELECT name FROM person WHERE key='jdoe'")).scalar() == "Jane Doe"


def _log_many(path: str, who: str, count: int) -> None:
    store = open_store(path)
    try:
        for n in range(count):
            disclosures.create_disclosure(
                store,
                DisclosureDraft(title=f"{who} idea {n}", summary="s",
                                inventors=(InventorEntry("jdoe", "inventor", 100),)),
                actor=who,
            )
    finally:
        store.dispose()


def test_two_processes_writing_at_once_wait_for_each_other(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    store = open_store(path)
    seed_basics(store)
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_log_many, args=(path, who, 40)) for who in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    rows = disclosures.all_views(store)
    assert len(rows) == 80
    # Every key handed out once, with no gaps: the counter was never raced.
    numbers = sorted(int(v.key.rsplit("-", 1)[1]) for v in rows)
    assert numbers == list(range(1, 81))
    store.dispose()


def test_the_migrations_build_exactly_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from firstfile.storage.migrate import include_object

    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrading_an_old_database_keeps_its_disclosures_searchable(db_url: str) -> None:
    from alembic import command

    from firstfile.storage.engine import create_store_engine

    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0001_initial")
    with old.write() as db:
        db.execute(text(
            "INSERT INTO disclosure (key, title, status, phase, submitter, business_unit, "
            "summary, problem, description, variants, advantages, prior_art, prototype_exists, "
            "records_location, third_parties, jurisdictions, completed_in_china, joint, "
            "created_at, updated_at, version) VALUES ('FF-2025-0001', 'Potting compound "
            "for sensors', 'draft', '', '', '', '', '', '', '', '', '', false, '', '', '', "
            "false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
        ))
    old.dispose()
    store = open_store(db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        assert [r.key for r in disclosures.search(store, "potting")] == ["FF-2025-0001"]
        made = disclosures.create_disclosure(
            store, DisclosureDraft(title="Conformal coating mask", summary="s"), actor="a"
        )
        assert [r.key for r in disclosures.search(store, "conformal")] == [made.key]
    finally:
        store.dispose()


def test_statistics_are_taken_again_once_the_disclosures_double(sqlite_store: Store) -> None:
    """A bulk writer's statistics follow the table (sampled, so the write lock is held
    briefly), and nothing is taken again until the disclosures have doubled."""
    for n in range(3):
        disclosures.create_disclosure(sqlite_store, DisclosureDraft(title=f"Clamp {n}"),
                                      actor="jdoe")
    assert refresh_statistics_after_growth(sqlite_store) is True
    with sqlite_store.read() as db:
        conn = db.connection()
        stats = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'disclosure' AND idx IS NOT NULL"
        ).scalars().all()
        # The sample limit is set for that ANALYZE only.
        assert conn.exec_driver_sql("PRAGMA analysis_limit").scalar() == 0
    assert stats and all(int(str(stat).split()[0]) == 3 for stat in stats)
    assert refresh_statistics_after_growth(sqlite_store) is False
    for n in range(4):
        disclosures.create_disclosure(sqlite_store, DisclosureDraft(title=f"Mask {n}"),
                                      actor="jdoe")
    assert refresh_statistics_after_growth(sqlite_store) is True
