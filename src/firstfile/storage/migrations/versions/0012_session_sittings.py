"""Each sitting of an extraction session keeps its own start and end.

A session reopened after it ended used to overwrite its start and end (only the audit trail
kept the earlier sitting). `session_sittings` holds one row per sitting; reopening adds one.
A database with sessions gets one sitting per session that was ever started, from its stored
start and end (a running session's sitting stays open).

Revision ID: 0012_session_sittings
Revises: 0011_counsel_records
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_session_sittings"
down_revision = "0011_counsel_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_sittings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["extractionsession.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "number"),
    )
    op.create_index("ix_session_sittings_session_id", "session_sittings", ["session_id"])
    op.execute(
        "INSERT INTO session_sittings (session_id, number, started_at, ended_at) "
        "SELECT id, 1, started_at, ended_at FROM extractionsession "
        "WHERE started_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_session_sittings_session_id", table_name="session_sittings")
    op.drop_table("session_sittings")
