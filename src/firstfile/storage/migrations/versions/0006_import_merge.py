"""Room in the audit trail for the keys of records inside an engagement.

An audit record names what changed by its key; a component, a session or an idea is named
ENGAGEMENT/KEY (and #N), up to 64 + 1 + 64 + 7 characters, but the column held 64. SQLite
kept the longer keys anyway; PostgreSQL refused them, so a file that imported into SQLite
failed on PostgreSQL. PostgreSQL widens the column in place (no rows are rewritten); SQLite
cannot change a column's type, so the table is copied into one with the wider column (the
audit table has no triggers or references to lose).

Revision ID: 0006_import_merge
Revises: 0005_store_safety
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_import_merge"
down_revision = "0005_store_safety"
branch_labels = None
depends_on = None


def _resize(old: int, new: int) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("auditevent", "entity_key", type_=sa.String(new),
                        existing_type=sa.String(old), existing_nullable=False)
        return
    with op.batch_alter_table("auditevent", recreate="always") as batch:
        batch.alter_column("entity_key", type_=sa.String(new), existing_type=sa.String(old),
                           existing_nullable=False)


def upgrade() -> None:
    _resize(64, 200)


def downgrade() -> None:
    _resize(200, 64)
