"""Opening a firstfile database: SQLite by default, PostgreSQL for a team.

SQLite is tuned for a desktop tool that several processes may write at once: WAL so readers
never block the writer, synchronous=FULL so a committed disclosure survives a power cut, a
busy timeout, and BEGIN IMMEDIATE for every write transaction so that two writers queue on
the lock instead of failing half-way with "database is locked".

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
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30
ENV_DB = "FIRSTFILE_DB"


class StoreError(Exception):
    """A database that cannot be opened or written; the message says what to do about it."""


class StoreUnavailable(StoreError):
    """The database cannot take a unit of work right now; nothing of it was written."""


class DatabaseBusy(StoreUnavailable):
    """Another program held the database's lock for longer than the busy timeout."""


class DiskFull(StoreUnavailable):
    """The disk (or the database's size limit) has no room for the change."""


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
            return DatabaseBusy(
                "another program holds the database: try again (it kept it locked for more "
                f"than {busy_seconds:g} s; nothing was written)")
        if primary == _SQLITE_FULL:
            return DiskFull("the disk is full: free space, then try again (nothing was "
                            "written)")
        if primary == _SQLITE_READONLY:
            return StoreUnavailable("the database file cannot be written (read-only): check "
                                    "its permissions and the folder's (nothing was written)")
        return None
    if not hasattr(orig, "sqlstate"):
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
    return "sqlite:///" + str(Path(value).expanduser().resolve())


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


def _sqlite_engine(url: str, busy_timeout: float) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        path = Path(database)
        _check_sqlite_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
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
    busy_timeout: float = BUSY_TIMEOUT_SECONDS

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (a deferred transaction, rolled back at the end)."""
        with self._in_words(), self.engine.connect() as conn, Session(bind=conn) as db:
            try:
                yield db
            finally:
                # Detach before the rollback so rows read here stay usable afterwards.
                db.expunge_all()
                db.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write unit of work: one transaction, committed on success, rolled back on error.

        On SQLite the transaction starts with BEGIN IMMEDIATE, taking the write lock up front.
        Raises StoreUnavailable (DatabaseBusy, DiskFull) when the database cannot take it.
        """
        with self._in_words(), self.engine.connect() as conn:
            conn.execution_options(firstfile_write=True)
            with Session(bind=conn, expire_on_commit=False) as db:
                try:
                    yield db
                    db.commit()
                except BaseException:
                    db.rollback()
                    raise

    @contextmanager
    def _in_words(self) -> Iterator[None]:
        """Turn "not now" errors of the database into StoreUnavailable with words."""
        try:
            yield
        except OperationalError as exc:
            words = unavailable(exc, busy_seconds=self.busy_timeout)
            if words is None:
                raise
            raise words from exc

    def dispose(self) -> None:
        self.engine.dispose()


def create_store_engine(url: str, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Engine:
    """An engine for url with firstfile's connection settings.

    busy_timeout is how long a writer waits for another one to finish (SQLite's busy
    timeout, PostgreSQL's lock_timeout).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"{url!r} is not a database URL or path ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout)
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
    given: str | None = None, *, migrate: bool = True,
    busy_timeout: float = BUSY_TIMEOUT_SECONDS,
) -> Store:
    """Open (creating or upgrading as needed) the database named by given, $FIRSTFILE_DB or
    the default file. busy_timeout: how long a SQLite writer waits for another one."""
    url = resolve_db_url(given)
    engine = create_store_engine(url, busy_timeout=busy_timeout)
    store = Store(engine=engine, url=url, busy_timeout=busy_timeout)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        raise StoreError(f"cannot open the database {_redact(url)}: {_first_line(exc)}") from exc
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


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
