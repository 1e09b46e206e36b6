"""Alembic environment: runs migrations on the connection of an open firstfile Store."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import firstfile.storage.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from firstfile.storage.migrate import include_object

config = context.config
store = config.attributes["store"]

with store.engine.connect() as connection:
    # A write transaction: on SQLite this is BEGIN IMMEDIATE, so two processes opening a new
    # database at once migrate one after the other.
    connection.execution_options(firstfile_write=True)
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        compare_type=True,
        include_object=include_object,
        # Plain ALTER TABLE where SQLite allows it: recreating the disclosure table would drop
        # its full-text triggers.
        render_as_batch=False,
    )
    with context.begin_transaction():
        context.run_migrations()
