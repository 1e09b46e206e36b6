"""Row versions on every editable record.

Engagements, vendors, people, components, extraction sessions, ideas, phase-guide ticks and
agreement-checklist items get the `version` column disclosures already have (1 for every
existing row), so an update only applies to the version it read (storage/versions.py).

Columns are added with plain ALTER TABLE ADD COLUMN (a server default fills existing rows), so
SQLite keeps the disclosure table's full-text triggers.

Revision ID: 0006_row_versions
Revises: 0003_list_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_row_versions"
down_revision = "0003_list_indexes"
branch_labels = None
depends_on = None

VERSIONED = ("engagement", "vendor", "person", "component", "extractionsession", "idea",
             "engagementstep", "agreementitem")


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False,
                                       server_default="1"))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        op.drop_column(table, "version")
