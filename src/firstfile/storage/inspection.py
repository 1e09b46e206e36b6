"""Looking at an existing database before anything writes to it.

Opening a SQLite file with firstfile's settings writes to it at once (journal_mode=WAL rewrites
two header bytes), and migrating writes much more. So before either, the file is opened
read-only (`mode=ro`, no pragma that writes) and asked three things: whose tables it holds,
which schema revision it records, and whether its pages are sound (`PRAGMA quick_check`).
Another application's database, a database made by a newer firstfile and a damaged file are
refused with a message, and the file is left byte for byte as it was.

The same judgement of tables and revision serves PostgreSQL, where reading the catalogue
writes nothing.
"""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# Tables every firstfile schema has had since the first revision: a database holding these
# and an unknown revision was made by a newer firstfile, not by another application.
FIRSTFILE_TABLES = frozenset({"disclosure", "auditevent", "keysequence", "engagement"})
# quick_check reports at most this many problems; the first is shown, the count tells how bad.
MAX_PROBLEMS = 20


class InspectionError(Exception):
    """The database must not be opened for writing; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Contents:
    """What a database holds, as far as deciding whether firstfile may write to it."""

    tables: frozenset[str]
    # The rows of alembic_version, or None when there is no such table.
    versions: tuple[str, ...] | None


def recorded_revision(where: str, contents: Contents) -> str | None:
    """The schema revision firstfile recorded, or None for an empty database.

    Raises InspectionError for a database that holds tables but no single recorded revision
    (another application's, even one that also uses Alembic and has not stamped it yet).
    """
    if not contents.tables:
        return None
    if contents.versions is None or len(contents.versions) != 1:
        raise InspectionError(
            f"{where} already holds tables that are not firstfile's; firstfile will not "
            "change it. Give --db a new file or database."
        )
    return contents.versions[0]


def check_known_revision(where: str, revision: str, contents: Contents,
                         known: Collection[str]) -> None:
    """Refuse a revision this firstfile's migrations do not know.

    With firstfile's tables it is a newer firstfile's database (upgrading is the fix; an
    older program must not write to a schema it does not know); without them it belongs to
    another application.
    """
    if revision in known:
        return
    if contents.tables >= FIRSTFILE_TABLES:
        raise InspectionError(
            f"{where} was made by a newer firstfile (revision {revision}); upgrade firstfile "
            "to open it. Nothing was changed."
        )
    raise InspectionError(
        f"{where} already holds tables that are not firstfile's (schema revision "
        f"{revision!r}); firstfile will not change it. Give --db a new file or database."
    )


def sqlite_contents(path: Path, *, quick_check: bool) -> Contents:
    """Read the tables and recorded revision of a SQLite file without writing to it, and,
    when quick_check is set, check its pages.

    Raises InspectionError when the file cannot be read or is damaged.
    """
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=30)
    except sqlite3.Error as error:
        raise InspectionError(f"cannot open {path} ({error}); check that the file is "
                              "readable") from None
    try:
        tables = frozenset(
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        )
        versions: tuple[str, ...] | None = None
        if "alembic_version" in tables:
            versions = tuple(str(r[0]) for r in conn.execute(
                "SELECT version_num FROM alembic_version"))
        if quick_check:
            problems = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({MAX_PROBLEMS})")]
            if problems != ["ok"]:
                raise InspectionError(damaged_message(path, problems))
    except sqlite3.DatabaseError as error:
        # "database disk image is malformed", "file is not a database": the pages that say
        # what the file holds are themselves damaged.
        raise InspectionError(damaged_message(path, [str(error)])) from None
    finally:
        conn.close()
    return Contents(tables=tables, versions=versions)


def damaged_message(path: Path, problems: Sequence[str]) -> str:
    """What to tell the user about a damaged file: the first problem and how to recover."""
    more = len(problems) - 1
    shown = shlex.quote(str(path))
    extra = f" (and {more}{'+' if len(problems) >= MAX_PROBLEMS else ''} more)" if more else ""
    return (
        f"{path} is damaged: {problems[0]}{extra}. firstfile will not write to it. Restore it "
        f"from a backup, or copy out what is still readable with: sqlite3 {shown} .recover "
        "| sqlite3 recovered.db"
    )
