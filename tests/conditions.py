"""Real conditions a database meets, made on purpose: another program holding it, a full disk.

Nothing is imitated: another connection really holds SQLite's write lock (or a PostgreSQL
row lock), and SQLite really runs out of room (`PRAGMA max_page_count` makes it answer
SQLITE_FULL, "database or disk is full", exactly as a full disk does, without needing root).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from firstfile.storage.engine import Store


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
