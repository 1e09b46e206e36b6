"""A database that cannot take a write right now: held by another program, or out of room.

The conditions are real: another connection holding the lock (SQLite's write lock, a
PostgreSQL row lock) past a short busy timeout, and SQLite's own SQLITE_FULL from a page limit
(`PRAGMA max_page_count`, the same error a full disk gives). Each ends in firstfile's own
error with words, writes nothing, and the same write succeeds once the cause is gone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.storage.engine import DatabaseBusy, DiskFull, Store, open_store

BUSY_TIMEOUT = 0.3


@contextmanager
def lock_held(db_url: str, key: str) -> Iterator[None]:
    """Another program in the middle of writing: SQLite's write lock, or the row's lock."""
    if db_url.startswith("sqlite"):
        other = sqlite3.connect(make_url(db_url).database or "", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(db_url)
    try:
        with engine.connect() as other:
            other.execute(text("SELECT id FROM disclosure WHERE key = :key FOR UPDATE"),
                          {"key": key})
            try:
                yield
            finally:
                other.rollback()
    finally:
        engine.dispose()


@contextmanager
def disk_full(store: Store) -> Iterator[None]:
    """No room left: every new connection of store may not grow the file by a single page."""

    def limit(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(store.engine, "connect", limit)
    store.engine.dispose()  # the pooled connections were opened without the limit
    try:
        yield
    finally:
        event.remove(store.engine, "connect", limit)
        store.engine.dispose()


@pytest.fixture
def impatient(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url, busy_timeout=BUSY_TIMEOUT)
    yield opened
    opened.dispose()


def test_a_held_lock_is_reported_in_words_and_the_next_save_works(
    impatient: Store, db_url: str
) -> None:
    made = disclosures.create_disclosure(impatient, DisclosureDraft(title="Potting", summary="s"),
                                         actor="a")
    with lock_held(db_url, made.key), pytest.raises(DatabaseBusy) as caught:
        disclosures.update_disclosure(impatient, made.key, DisclosureDraft(title="Potted",
                                                                           summary="s"),
                                      actor="a", expected_version=made.version)
    assert str(caught.value).startswith("another ")
    assert "try again" in str(caught.value)
    assert disclosures.get_disclosure(impatient, made.key).title == "Potting"
    saved = disclosures.update_disclosure(impatient, made.key,
                                          DisclosureDraft(title="Potted", summary="s"),
                                          actor="a", expected_version=made.version)
    assert saved.title == "Potted"


def test_a_full_disk_is_reported_in_words_and_the_next_save_works(sqlite_store: Store) -> None:
    made = disclosures.create_disclosure(sqlite_store, DisclosureDraft(title="Potting",
                                                                       summary="s"), actor="a")
    longer = DisclosureDraft(title="Potting", summary="s", description="measured " * 20_000)
    with disk_full(sqlite_store), pytest.raises(DiskFull, match="the disk is full: free space"):
        disclosures.update_disclosure(sqlite_store, made.key, longer, actor="a",
                                      expected_version=made.version)
    assert disclosures.get_disclosure(sqlite_store, made.key).description == ""
    saved = disclosures.update_disclosure(sqlite_store, made.key, longer, actor="a",
                                          expected_version=made.version)
    assert saved.description == longer.description
