"""Applying Alembic migrations when a database is opened.

Opening checks the recorded revision with one query and only loads Alembic when the database
is new or behind, so an up-to-date database opens fast.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from firstfile.storage.engine import Store, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; a unit test checks it matches Alembic's head.
HEAD_REVISION = "0009_strategy_tracers"


# Full-text search objects are made by hand in the first migration (FTS5 on SQLite, a
# generated tsvector on PostgreSQL): autogenerate must neither drop nor re-create them.
SEARCH_OBJECTS = ("disclosure_fts", "search_vector", "ix_disclosure_search")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Alembic filter: leave the hand-made search objects out of comparisons."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def current_revision(store: Store) -> str | None:
    """The revision recorded in the database, or None for an empty database.

    Raises StoreError for a database that holds tables but is not a firstfile database.
    """
    with store.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if "alembic_version" not in names:
            if names:
                raise StoreError(
                    f"{store.url} already holds tables that are not firstfile's; "
                    "firstfile will not change it. Give --db a new file or database."
                )
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(store: Store):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["store"] = store
    return config


def upgrade_to_head(store: Store) -> bool:
    """Bring the database to the newest schema. Returns True when anything was applied."""
    if current_revision(store) == HEAD_REVISION:
        return False
    from alembic import command

    command.upgrade(alembic_config(store), "head")
    return True
