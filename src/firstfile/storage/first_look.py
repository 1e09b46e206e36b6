"""Home's first look: a SQLite file read straight through Python's sqlite3, before
SQLAlchemy is loaded.

Importing SQLAlchemy takes about 300 ms of a start, more than everything else home needs
after its first frame (docs/PERFORMANCE.md, "Home's first look"). A file that needs nothing
done before it is read (firstfile's, at the current revision, its pages sound) is read here
read-only, after the same look the store's opening takes (storage/inspection.py), and home
shows what it holds while the store opens. Anything else (a server database, a new, older
or newer file, one that cannot be read) gets no first look: the store's opening then says
what is wrong, in words, as it always did.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from firstfile.storage.database_location import plain_sqlite_file, resolve_db_url
from firstfile.storage.inspection import (
    HEAD_REVISION,
    InspectionError,
    check_pages,
    full_check_due,
    read_only,
    recorded_revision,
    sqlite_contents,
)

T = TypeVar("T")


def look_first(given: str | None, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """read(connection) on the SQLite file given names (--db, $FIRSTFILE_DB or the default
    file), read-only, or None when the file gets no first look (see above)."""
    path = plain_sqlite_file(resolve_db_url(given))
    try:
        if path is None or not path.is_file() or path.stat().st_size == 0:
            return None
        if recorded_revision(str(path), sqlite_contents(path)) != HEAD_REVISION:
            return None  # to be created, upgraded or refused by the store's opening
        if full_check_due(path):  # the check the store's opening makes first, made first
            check_pages(path)
        with read_only(path) as conn:
            conn.execute("BEGIN")  # one snapshot for every statement of read, as a store read
            try:
                return read(conn)
            finally:
                conn.rollback()
    except (InspectionError, sqlite3.Error, OSError):
        return None
