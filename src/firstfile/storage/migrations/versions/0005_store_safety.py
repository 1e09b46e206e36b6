"""Deleted disclosures leave the search index; who holds which team role.

SQLite: the full-text triggers index a disclosure only while it is not deleted (deleting it
takes its words out of the index, restoring puts them back), and disclosures deleted before
this revision are taken out now. PostgreSQL: the generated search vector is NULL for a
deleted disclosure (PostgreSQL 15 cannot change a generated column's expression, so the
column and its index are made again).

`actorrole` records who holds a team role (engineer, facilitator, counsel, admin), granted
through `firstfile roles`; purging a disclosure needs the counsel role.

Revision ID: 0005_store_safety
Revises: 0004_deadline_facts
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_store_safety"
down_revision = "0004_deadline_facts"
branch_labels = None
depends_on = None

# The searched columns, in the order they weigh in ranking (as in 0001_initial).
SEARCHED = ("title", "summary", "problem", "description", "variants", "advantages", "prior_art")
_COLUMNS = ", ".join(SEARCHED)
_NEW = ", ".join(f"new.{c}" for c in SEARCHED)
_OLD = ", ".join(f"old.{c}" for c in SEARCHED)


def upgrade() -> None:
    op.create_table(
        "actorrole",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("actor", "role"),
    )
    if op.get_bind().dialect.name == "sqlite":
        _drop_triggers()
        op.execute(
            "CREATE TRIGGER disclosure_fts_insert AFTER INSERT ON disclosure "
            "WHEN new.deleted_at IS NULL BEGIN "
            f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
        )
        op.execute(
            "CREATE TRIGGER disclosure_fts_delete AFTER DELETE ON disclosure "
            "WHEN old.deleted_at IS NULL BEGIN "
            f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
            f"VALUES ('delete', old.id, {_OLD}); END"
        )
        # One trigger with both steps, so the old words always leave before the new arrive;
        # only a change to a searched column or to deleted_at touches the index.
        op.execute(
            f"CREATE TRIGGER disclosure_fts_update AFTER UPDATE OF {_COLUMNS}, deleted_at "
            "ON disclosure BEGIN "
            f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
            f"SELECT 'delete', old.id, {_OLD} WHERE old.deleted_at IS NULL; "
            f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) "
            f"SELECT new.id, {_NEW} WHERE new.deleted_at IS NULL; END"
        )
        op.execute(
            f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
            f"SELECT 'delete', id, {_COLUMNS} FROM disclosure WHERE deleted_at IS NOT NULL"
        )
    else:
        _search_vector(live_only=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_triggers()
        op.execute(
            f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) "
            f"SELECT id, {_COLUMNS} FROM disclosure WHERE deleted_at IS NOT NULL"
        )
        op.execute(
            "CREATE TRIGGER disclosure_fts_insert AFTER INSERT ON disclosure BEGIN "
            f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
        )
        op.execute(
            "CREATE TRIGGER disclosure_fts_delete AFTER DELETE ON disclosure BEGIN "
            f"INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
            f"VALUES ('delete', old.id, {_OLD}); END"
        )
        op.execute(
            f"CREATE TRIGGER disclosure_fts_update AFTER UPDATE OF {_COLUMNS} ON disclosure "
            f"BEGIN INSERT INTO disclosure_fts(disclosure_fts, rowid, {_COLUMNS}) "
            f"VALUES ('delete', old.id, {_OLD}); "
            f"INSERT INTO disclosure_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
        )
    else:
        _search_vector(live_only=False)
    op.drop_table("actorrole")


def _drop_triggers() -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS disclosure_fts_{trigger}")


def _search_vector(*, live_only: bool) -> None:
    """(Re)make PostgreSQL's generated, weighted search vector and its GIN index."""
    weights = {"title": "A", "summary": "B"}
    parts = " || ".join(
        f"setweight(to_tsvector('simple', left(coalesce({c}, ''), 100000)), "
        f"'{weights.get(c, 'C')}')"
        for c in SEARCHED
    )
    expression = f"CASE WHEN deleted_at IS NULL THEN {parts} END" if live_only else parts
    op.execute("DROP INDEX IF EXISTS ix_disclosure_search")
    op.execute("ALTER TABLE disclosure DROP COLUMN IF EXISTS search_vector")
    op.execute(
        f"ALTER TABLE disclosure ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED"
    )
    op.execute("CREATE INDEX ix_disclosure_search ON disclosure USING gin (search_vector)")
