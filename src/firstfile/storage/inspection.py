"""Looking at an existing database before anything writes to it.

Opening a SQLite file with firstfile's settings writes to it at once (journal_mode=WAL rewrites
two header bytes), and migrating writes much more. So before either, the file is opened
read-only (`mode=ro`, no pragma that writes) and asked three things: whose tables it holds,
which schema revision it records, and whether its pages are sound (`PRAGMA quick_check`; when
that runs is decided in storage/engine.py, since it reads the whole file). Another
application's database, a database made by a newer firstfile and a damaged file are refused
with a message, and the database file is left byte for byte as it was.

The same judgement of tables and revision serves PostgreSQL, where reading the catalogue
writes nothing.
"""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# Tables every firstfile schema has had since the first revision: a database holding these
# and an unknown revision was made by a newer firstfile, not by another application.
FIRSTFILE_TABLES = frozenset({"disclosure", "auditevent", "keysequence", "engagement"})
# The newest revision in migrations/versions, which every database is upgraded to (here,
# beside the judgement of revisions, so that looking needs no SQLAlchemy); a test checks that
# it is Alembic's head.
HEAD_REVISION = "0014_search_stemming"
# Opening checks every page of a file up to this size (about 5,000 disclosures; the check
# costs some 4 ms per MB on a loaded 2-core machine, docs/PERFORMANCE.md). A larger file
# that was closed cleanly is checked later, off the critical path.
FULL_CHECK_UP_TO = 32 * 1024 * 1024
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


def full_check_due(path: Path) -> bool:
    """Whether opening must check every page first: the file is small enough for the check
    to cost little, or it was not closed cleanly (its log still holds pages: after a crash,
    or while another process has it open)."""
    if path.stat().st_size <= FULL_CHECK_UP_TO:
        return True
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot write: mode=ro, and no pragma that writes is ever sent."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=30)
    except sqlite3.Error as error:
        raise InspectionError(f"cannot open {path} ({error}); check that the file is "
                              "readable") from None
    try:
        yield conn
    except sqlite3.DatabaseError as error:
        # "database disk image is malformed", "file is not a database": the pages that say
        # what the file holds are themselves damaged.
        raise InspectionError(damaged_message(path, [str(error)])) from None
    finally:
        conn.close()


def sqlite_contents(path: Path) -> Contents:
    """Read the tables and recorded revision of a SQLite file without writing to it.

    Also compares the size the file's header gives with the file's real size, which costs
    nothing and finds a truncated copy. Raises InspectionError when the file cannot be read
    or is damaged.
    """
    with read_only(path) as conn:
        tables = frozenset(
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        )
        versions: tuple[str, ...] | None = None
        if "alembic_version" in tables:
            versions = tuple(str(r[0]) for r in conn.execute(
                "SELECT version_num FROM alembic_version"))
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    wal = path.with_name(path.name + "-wal")
    in_log = wal.stat().st_size if wal.exists() else 0
    if pages * page_size > path.stat().st_size + in_log:
        raise InspectionError(damaged_message(
            path, [f"it holds {path.stat().st_size:,} bytes but its header counts "
                   f"{pages:,} pages of {page_size:,} (a cut-off copy?)"]))
    return Contents(tables=tables, versions=versions)


def check_pages(path: Path) -> None:
    """Run `PRAGMA quick_check` over the whole file, read-only: every page's structure,
    without comparing indexes with their tables. Raises InspectionError naming the first
    problems found.

    Its cost grows with the file (docs/PERFORMANCE.md: about 2.5 s for 100,000 disclosures
    on a loaded 2-core machine); `quick_check(N)` would only cap how many problems are
    reported, not the work.
    """
    with read_only(path) as conn:
        problems = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({MAX_PROBLEMS})")]
    if problems != ["ok"]:
        raise InspectionError(damaged_message(path, problems))


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
