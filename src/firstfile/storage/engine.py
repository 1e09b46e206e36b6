"""Opening a firstfile database: SQLite by default, PostgreSQL for a team.

SQLite is tuned for a desktop tool that several processes may write at once: WAL so readers
never block the writer, synchronous=FULL so a committed disclosure survives a power cut, a
busy timeout, BEGIN IMMEDIATE for every write transaction so that two writers queue on
the lock instead of failing half-way with "database is locked", and secure_delete so that
what is deleted is overwritten. Each connection's page cache is sized for the file it opens
(sqlite_cache_bytes; no memory map), and the planner's statistics follow a table that grows
(refresh_statistics_after_growth), so large writes do not thrash (docs/PERFORMANCE.md).

A unit of work the database cannot take right now (the lock still held after the busy
timeout, a full disk, a PostgreSQL server gone) ends in a StoreUnavailable that says so in
words; nothing of the unit was written, and the next one works once the cause is gone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)

from firstfile.storage.database_location import resolve_db_url
from firstfile.storage.private_files import (
    create_private_database,
    exposure_warnings,
    make_companions_private,
)

if TYPE_CHECKING:
    # Imported where a unit of work opens: a command that reads with plain SQL
    # (plain_read) then never loads SQLModel.
    from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30
# SQLite's page cache per connection. SQLite's default cache (2 MB) is far smaller than what
# one transaction of a few thousand disclosures touches (the full-text segments and nine
# indexes): seeding 100,000 ran at 4,700 rows/s for the first 10,000 and 35 rows/s past
# 75,000. The ceiling is an upper bound: SQLite takes cache pages as it uses them, so a small
# database costs no more memory. Measured in docs/PERFORMANCE.md ("Portfolio scale").
CACHE_FLOOR = 32 * 1024 * 1024
CACHE_CEILING = 96 * 1024 * 1024
# An import's connections, however big the file. Its write transactions are groups of 250
# disclosures' worth (importer.GROUP_SIZE), and it wrote as fast with 16 MB as with more: 10
# files of 10,000 into a new file in 129.5 s of writing with 16 MB and 132.7 s with 32; 10,000
# more into a file of 100,000 in 14.4 s with 16 MB, 15.2 s with 32 and 16.4 s with the 96 MB
# a connection to that file gets otherwise. Every MB of it is a MB of the importing process
# (161 MB at its peak there, against 237 MB with 96; docs/PERFORMANCE.md, "Memory").
IMPORT_CACHE_BYTES = 16 * 1024 * 1024
# The TUI's connections. What a person does there writes a record at a time and reads a page
# at a time, which SQLite's own default cache serves (the list's targets were first met with
# it). A cache sized for the file kept what the list's count read: the app with the list on
# 100,000 disclosures peaked at 104 MB against its 100 MB target, 92 MB with this one
# (docs/PERFORMANCE.md, "The screens' page cache").
SCREEN_CACHE_BYTES = 2 * 1024 * 1024
# Rows of each index that refresh_statistics_after_growth's ANALYZE reads (SQLite's own
# suggestion for PRAGMA optimize is a few hundred).
ANALYSIS_LIMIT = 1000
ENV_BUSY_TIMEOUT = "FIRSTFILE_BUSY_TIMEOUT"


class StoreError(Exception):
    """A database that cannot be opened or written; the message says what to do about it."""


class StoreUnavailable(StoreError):
    """The database cannot take a unit of work right now; nothing of it was written."""


class DatabaseBusy(StoreUnavailable):
    """Another program held the database's lock for longer than the busy timeout."""


class DiskFull(StoreUnavailable):
    """The disk (or the database's size limit) has no room for the change."""


class StoreRefused(StoreError):
    """The database refused a statement (a constraint, a value it cannot keep, a fault);
    the unit of work was rolled back. The message is storage/errors.py's sentence for it."""


class DuplicateKey(StoreRefused):
    """Another row already holds the key: a unique or primary-key violation."""


# A duplicate key: sqlite3's extended error names, PostgreSQL's SQLSTATE unique_violation.
_SQLITE_DUPLICATES = ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")
_PG_UNIQUE_VIOLATION = "23505"


def is_duplicate_key(exc: IntegrityError) -> bool:
    """True when exc is a unique or primary-key violation (another row has that key)."""
    orig = exc.orig
    name = getattr(orig, "sqlite_errorname", None)
    if name is not None:
        return name in _SQLITE_DUPLICATES
    return getattr(orig, "sqlstate", None) == _PG_UNIQUE_VIOLATION


def refused(exc: DBAPIError) -> StoreRefused:
    """The driver's error as StoreRefused (DuplicateKey for a taken key), in words."""
    from firstfile.storage.errors import explain

    words = explain(exc) or "the database refused the change"
    if isinstance(exc, IntegrityError) and is_duplicate_key(exc):
        return DuplicateKey(words)
    return StoreRefused(words)


# SQLite result codes (the low byte of an extended code), and PostgreSQL SQLSTATEs.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_FULL = 5, 6, 8, 13
_PG_DISK_FULL = ("53100",)
_PG_BUSY = ("55P03", "40P01", "40001", "57014")  # lock timeout, deadlock, serialisation, timeout


def unavailable(exc: OperationalError, *, busy_seconds: float) -> StoreUnavailable | None:
    """The words for an error that means "not now" rather than a fault in firstfile."""
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        primary = code & 0xFF
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            from firstfile.storage.errors import BUSY_SAYING  # it imports this module

            return DatabaseBusy(BUSY_SAYING.format(timeout=busy_seconds)
                                + " (nothing was written)")
        if primary == _SQLITE_FULL:
            return DiskFull("the disk is full: free space, then try again (nothing was "
                            "written)")
        if primary == _SQLITE_READONLY:
            return StoreUnavailable("the database file cannot be written (read-only): check "
                                    "its permissions and the folder's (nothing was written)")
        return None
    if orig is None or not hasattr(orig, "sqlstate"):
        return None  # neither SQLite's nor psycopg's
    state = orig.sqlstate
    if state in _PG_DISK_FULL:
        return DiskFull("the database server's disk is full: ask its administrator to free "
                        "space, then try again (nothing was written)")
    if state in _PG_BUSY:
        return DatabaseBusy("another user holds the same records on the database server: "
                            "try again (nothing was written)")
    if state is None or state.startswith("08"):
        reason = _first_line(orig or exc)
        return StoreUnavailable(f"cannot reach the database server ({reason}): check the "
                                "connection, then try again (nothing was written)")
    return None


def busy_timeout_seconds() -> float:
    """How long a write waits for another writer: $FIRSTFILE_BUSY_TIMEOUT seconds, else 30."""
    try:
        value = float(os.environ.get(ENV_BUSY_TIMEOUT, BUSY_TIMEOUT_SECONDS))
    except ValueError:
        return BUSY_TIMEOUT_SECONDS
    return value if 0 < value <= 3600 else BUSY_TIMEOUT_SECONDS


def sqlite_cache_bytes(path: Path | None) -> int:
    """The page cache for a connection to the SQLite file at path: the size of the file, at
    least CACHE_FLOOR (what one bounded write transaction needs), at most CACHE_CEILING. An
    in-memory database gets the floor."""
    try:
        size = path.stat().st_size if path is not None else 0
    except OSError:
        size = 0
    return min(CACHE_CEILING, max(CACHE_FLOOR, size))


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database, so it is never overwritten."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give --db a file name such as {path}/firstfile.db")
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a SQLite database; firstfile will not touch it. "
            "Give --db a new file name or an existing firstfile database."
        )


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def database_label(url: str) -> str:
    """How messages name a database: the file of a SQLite URL, else the URL, password hidden."""
    try:
        path = sqlite_path(url)
    except ArgumentError:
        return url
    return str(path) if path is not None else redacted_url(url)


def _sqlite_engine(url: str, busy_timeout: float, cache_bytes: int | None) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
        create_private_database(path)
    engine = create_engine(url, connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below (the pysqlite driver
        # would otherwise issue its own deferred BEGIN).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted and overwritten text is zeroed in the file, not left in its free space, so
        # a purged disclosure leaves no trace (many builds default to this; not all do).
        cursor.execute("PRAGMA secure_delete = ON")
        # A negative cache_size is in KiB rather than pages.
        cache = sqlite_cache_bytes(path) if cache_bytes is None else cache_bytes
        cursor.execute(f"PRAGMA cache_size = {-(cache // 1024)}")
        # No memory map, whatever the build's default: an I/O error on a mapped page kills
        # the process (SIGBUS) where a read() error is an exception the user gets in words,
        # and a map bought nothing measurable here (docs/PERFORMANCE.md, "Portfolio scale").
        cursor.execute("PRAGMA mmap_size = 0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("firstfile_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class Store:
    """An open database: the engine plus read and write units of work."""

    engine: Engine
    url: str
    # How long a writer waits for another one (SQLite busy timeout, PostgreSQL lock_timeout).
    busy_timeout: float = BUSY_TIMEOUT_SECONDS
    # Things the user should know about the database, e.g. that others can read the file.
    warnings: tuple[str, ...] = ()
    # The full page check was left for later (a large file closed cleanly).
    unchecked: bool = False
    # Why writing is refused (the file was found damaged), or None.
    refused: str | None = None

    def refuse_writes(self, reason: str) -> None:
        """Make every later write unit of work fail with reason (StoreError)."""
        self.refused = reason

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (a deferred transaction, rolled back at the end)."""
        from sqlmodel import Session

        with self._in_words(), self.engine.connect() as conn, Session(bind=conn) as db:
            try:
                yield db
            finally:
                # Detach before the rollback so rows read here stay usable afterwards.
                db.expunge_all()
                db.rollback()

    @contextmanager
    def plain_read(self) -> Iterator[Connection]:
        """A read-only unit of work on the connection itself, for plain SQL statements (a
        deferred transaction, rolled back at the end). No ORM session: reading through it
        needs none of the table classes (storage/disclosure_views.py)."""
        with self._in_words(), self.engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write unit of work: one transaction, committed on success, rolled back on error.

        On SQLite the transaction starts with BEGIN IMMEDIATE, taking the write lock up front.
        Raises StoreError when writes are refused (refuse_writes), StoreUnavailable
        (DatabaseBusy, DiskFull) when the database cannot take it.
        """
        if self.refused is not None:
            raise StoreError(self.refused)
        from sqlmodel import Session

        with self._in_words(), self.engine.connect() as conn:
            conn.execution_options(firstfile_write=True)
            with Session(bind=conn, expire_on_commit=False) as db:
                try:
                    yield db
                    db.commit()
                except BaseException:  # any way out, an interrupt too, rolls back; re-raised
                    db.rollback()
                    raise

    @contextmanager
    def _in_words(self) -> Iterator[None]:
        """Turn the database's errors into StoreError with words: "not now" into
        StoreUnavailable, anything else the driver raises into StoreRefused, so that no
        driver exception reaches the services' callers (screens, commands)."""
        try:
            yield
        except OperationalError as exc:
            words = unavailable(exc, busy_seconds=self.busy_timeout)
            raise (words if words is not None else refused(exc)) from exc
        except DBAPIError as exc:
            raise refused(exc) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def create_store_engine(url: str, *, busy_timeout: float | None = None,
                        cache_bytes: int | None = None) -> Engine:
    """An engine for url with firstfile's connection settings.

    busy_timeout is how long a writer waits for another one to finish (SQLite's busy
    timeout, PostgreSQL's lock_timeout); default busy_timeout_seconds(). cache_bytes is each
    SQLite connection's page cache (default: sqlite_cache_bytes, sized for the file).
    """
    if busy_timeout is None:
        busy_timeout = busy_timeout_seconds()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"{url!r} is not a database URL or path ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout, cache_bytes)
    if parsed.get_backend_name() == "postgresql":
        # A writer waits for another one's row locks as long as a SQLite writer would, then
        # says so (DatabaseBusy) instead of hanging behind a forgotten transaction.
        return create_engine(url, pool_pre_ping=True, connect_args={
            "options": f"-c lock_timeout={int(busy_timeout * 1000)}"})
    raise StoreError(
        f"firstfile stores data in SQLite or PostgreSQL, not {parsed.get_backend_name()!r}; "
        "use a file path or postgresql+psycopg://user@host/dbname"
    )


def open_store(
    given: str | None = None, *, migrate: bool = True, busy_timeout: float | None = None,
    cache_bytes: int | None = None,
) -> Store:
    """Open (creating or upgrading as needed) the database named by given, $FIRSTFILE_DB or
    the default file. busy_timeout: how long a writer waits for another one (default
    $FIRSTFILE_BUSY_TIMEOUT seconds, else 30). cache_bytes: each SQLite connection's page
    cache (default sized for the file; an import gives IMPORT_CACHE_BYTES).

    An existing SQLite file is looked at read-only first (storage/inspection.py): another
    application's database, one made by a newer firstfile and a damaged file are refused
    with StoreError before anything is written. Every page is checked when the file is at
    most inspection.FULL_CHECK_UP_TO, was not closed cleanly, or is about to be migrated;
    otherwise store.unchecked is set and `check_pages_later` does it (the TUI, in a thread). A new
    SQLite file is made private (0600 in a 0700 folder); an existing one that others can
    read is opened, with store.warnings saying so and how to fix it.
    """
    url = resolve_db_url(given)
    if busy_timeout is None:
        busy_timeout = busy_timeout_seconds()
    try:
        path = sqlite_path(url)
    except ArgumentError as exc:
        raise StoreError(f"{url!r} is not a database URL or path ({exc})") from exc
    new_file = unchecked = False
    if path is not None:
        _check_sqlite_file(path)
        new_file = not path.exists() or path.stat().st_size == 0
        if not new_file:
            unchecked = _inspect_sqlite_file(path)
    engine = create_store_engine(url, busy_timeout=busy_timeout, cache_bytes=cache_bytes)
    store = Store(engine=engine, url=url, busy_timeout=busy_timeout, unchecked=unchecked)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open the database {redacted_url(url)}: {_first_line(exc)}"
        ) from exc
    if path is not None:
        if new_file:
            make_companions_private(path)
        store.warnings = tuple(exposure_warnings(path))
    if migrate:
        from firstfile.storage.migrate import upgrade_to_head

        try:
            upgrade_to_head(store)
        except StoreError:
            engine.dispose()
            raise
    if store.is_sqlite:
        _refresh_statistics(store)
    return store


def _inspect_sqlite_file(path: Path) -> bool:
    """Refuse, before anything writes, a file that is another application's, a newer
    firstfile's, or damaged (StoreError). Returns True when the full page check was left
    for later (see inspection.FULL_CHECK_UP_TO)."""
    from firstfile.storage.inspection import (
        HEAD_REVISION,
        InspectionError,
        check_pages,
        full_check_due,
        sqlite_contents,
    )
    from firstfile.storage.migrate import check_known_revision, recorded_revision

    try:
        contents = sqlite_contents(path)
        revision = recorded_revision(str(path), contents)
        check_known_revision(str(path), revision, contents)
        if not full_check_due(path) and revision == HEAD_REVISION:
            return True
        check_pages(path)
    except InspectionError as error:
        raise StoreError(str(error)) from None
    return False


def check_pages_later(store: Store) -> None:
    """The full page check that opening left for later: run it (it reads the whole file;
    never on the event loop), and if it finds damage make the store refuse every write.

    Returns quietly when there is nothing to check; raises StoreError with what to do when
    the file is damaged.
    """
    from firstfile.storage.inspection import InspectionError, check_pages

    path = sqlite_path(store.url)
    if not store.unchecked or path is None:
        return
    try:
        check_pages(path)
    except InspectionError as error:
        store.refuse_writes(str(error))
        raise StoreError(str(error)) from None
    finally:
        store.unchecked = False


def _refresh_statistics(store: Store) -> None:
    """Give SQLite's planner table statistics (sqlite_stat1) when it has none.

    Without them it takes "deleted_at IS NULL" for a selective filter and sorts 100,000 rows
    for a page that the right index returns in 1 ms. ANALYZE runs when the disclosures have
    no statistics yet (about 70 ms at 100,000 rows; nothing to record while the table is
    empty); later opens only check that they exist. It writes, so it takes the write lock
    up front like every other write.
    """
    with store.engine.connect() as conn:
        has_stats = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).first() and conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'disclosure'"
        ).first()
        conn.rollback()
    if not has_stats:
        with store.write() as db:
            db.connection().exec_driver_sql("ANALYZE")


def refresh_statistics_after_growth(store: Store) -> bool:
    """Re-run ANALYZE when the disclosures have more than doubled since it last ran (SQLite).

    For writers that add many rows in one run (an import, benchmarks/seed.py): statistics
    taken while the table was small (or empty, on a new file) lead SQLite to plans that
    get slower with every row added (seeding fell from 1,100 to 130 rows/s by 35,000 with
    the cache sized; each batch after a fresh ANALYZE stayed at 1,100). Doubling bounds the
    total cost at about twice one ANALYZE of the final table. Returns True when it ran.
    """
    if not store.is_sqlite:
        return False
    with store.engine.connect() as conn:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
        stat = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'disclosure' AND idx IS NOT NULL "
            "LIMIT 1").first() if has_table else None
        # The highest id stands for the row count: one index probe, not a count.
        rows = int(conn.exec_driver_sql("SELECT max(id) FROM disclosure").scalar() or 0)
        conn.rollback()
    recorded = int(str(stat[0]).split()[0]) if stat else 0
    if rows <= 2 * recorded or rows == 0:
        return False
    with store.write() as db:
        conn = db.connection()
        # Statistics from a sample of each index: a full ANALYZE of 100,000 disclosures took
        # 13.5 s under the write lock (load 5), this 0.3 s, and the planner needs the
        # proportions, not exact counts (docs/PERFORMANCE.md, "Portfolio scale").
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        try:
            conn.exec_driver_sql("ANALYZE")
        finally:
            conn.exec_driver_sql("PRAGMA analysis_limit = 0")
    return True


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def redacted_url(url: str) -> str:
    """url with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
