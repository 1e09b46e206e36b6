"""Which database a run uses: --db, else $FIRSTFILE_DB, else the file in the user's data
folder. No database library is imported here, so that home's first look
(storage/first_look.py) can find the file before SQLAlchemy is loaded."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "FIRSTFILE_DB"
_SQLITE_FILE_URL = "sqlite:///"


def default_db_path() -> Path:
    """The SQLite file in the user's data folder (platformdirs), used when nothing is given."""
    from platformdirs import user_data_path

    return user_data_path("firstfile", appauthor=False) / "firstfile.db"


def resolve_db_url(given: str | None) -> str:
    """A SQLAlchemy URL from --db, else $FIRSTFILE_DB, else the default file.

    A plain path means a SQLite file; URLs are passed through.
    """
    value = given or os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in value:
        return value
    return _SQLITE_FILE_URL + str(Path(value).expanduser().resolve())


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL with nothing but a path (what resolve_db_url makes of a
    path), or None for any other URL: the store's own opening reads every other kind."""
    if not url.startswith(_SQLITE_FILE_URL):
        return None
    path = url[len(_SQLITE_FILE_URL):]
    if not path or path == ":memory:" or "?" in path:
        return None
    return Path(path)
