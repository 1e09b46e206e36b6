"""Applying Alembic migrations when a database is opened.

Opening checks the recorded revision with one query and only loads Alembic when the database
is new or behind, so an up-to-date database opens fast.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

from firstfile.storage import inspection
from firstfile.storage.engine import Store, StoreError, database_label
from firstfile.storage.inspection import HEAD_REVISION, Contents, InspectionError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# Full-text search objects are made by hand in the first migration (FTS5 on SQLite, a
# generated tsvector on PostgreSQL): autogenerate must neither drop nor re-create them.
SEARCH_OBJECTS = ("disclosure_fts", "search_vector", "ix_disclosure_search")


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic filter: leave the hand-made search objects out of comparisons."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def current_revision(store: Store) -> str | None:
    """The revision recorded in the database, or None for an empty database.

    Raises StoreError for a database that holds tables but is not a firstfile database.
    Reading the catalogue and alembic_version writes nothing.
    """
    with store.engine.connect() as conn:
        return recorded_revision(database_label(store.url), database_contents(conn))


def database_contents(conn: Connection) -> Contents:
    """The tables and alembic_version rows of the database behind conn (read only)."""
    names = frozenset(inspect(conn).get_table_names())
    versions = None
    if "alembic_version" in names:
        versions = tuple(str(v) for v in conn.execute(
            text("SELECT version_num FROM alembic_version")).scalars())
    conn.rollback()
    return Contents(tables=names, versions=versions)


def recorded_revision(where: str, contents: Contents) -> str | None:
    """inspection.recorded_revision, raising StoreError."""
    try:
        return inspection.recorded_revision(where, contents)
    except InspectionError as error:
        raise StoreError(str(error)) from None


def check_known_revision(where: str, revision: str | None, contents: Contents) -> None:
    """Refuse (StoreError) a revision this firstfile's migrations do not know: a newer
    firstfile's database or another application's. The migrations are only read when the
    revision is not the head, so an up-to-date database opens without loading Alembic."""
    if revision is None or revision == HEAD_REVISION:
        return
    try:
        inspection.check_known_revision(where, revision, contents, known_revisions())
    except InspectionError as error:
        raise StoreError(str(error)) from None


def known_revisions() -> set[str]:
    """Every revision id in migrations/versions."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return {revision.revision for revision in script.walk_revisions()}


def _stored_revision(store: Store) -> str | None:
    """The one revision alembic_version records, or None when it records none, several, or
    has no such table (a new or foreign database: upgrade_to_head then looks closer)."""
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            conn.rollback()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def alembic_config(store: Store):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["store"] = store
    return config


def upgrade_to_head(store: Store) -> bool:
    """Bring the database to the newest schema. Returns True when anything was applied.

    Raises StoreError, with nothing written, for a database that is not firstfile's or that a
    newer firstfile made. An up-to-date database costs one query; the catalogue is only read
    when it is not.
    """
    if _stored_revision(store) == HEAD_REVISION:
        return False
    with store.engine.connect() as conn:
        contents = database_contents(conn)
    where = database_label(store.url)
    revision = recorded_revision(where, contents)
    if revision == HEAD_REVISION:
        return False
    check_known_revision(where, revision, contents)
    from alembic import command

    command.upgrade(alembic_config(store), "head")
    _renew_team_rights(store)
    return True


def _renew_team_rights(store: Store) -> None:
    """Grant the team's roles the tables an upgrade added and install the guards it brought.

    The grants and guard triggers of a team database are made by `init --team` for the tables
    that exist then; without this, a table added later (a session's sittings) would be closed
    to every member and a table guarded later (the organisation's name) open to all of them
    until someone thought to run `init --team` again. Whoever upgrades owns the tables (only
    the owner may change the schema), so may grant them; the same statements as `init --team`,
    which change nothing that is already in place.
    """
    if store.engine.dialect.name != "postgresql":
        return
    from firstfile.storage import team_roles

    with store.write() as db:
        prefix = team_roles.team_prefix(db)
        if prefix is not None:
            team_roles.set_up(db, prefix)
