"""Indexes for the disclosure list at 100,000 rows.

Counting live disclosures, sorting by title and filtering by engagement or status each
scanned the whole table (285-384 ms at 100k rows); these indexes let SQLite and PostgreSQL
walk the rows in order or count from the index alone. The composite indexes replace the
single-column engagement and status indexes they start with.

Revision ID: 0003_list_indexes
Revises: 0002_workflow
"""

from alembic import op

revision = "0003_list_indexes"
down_revision = "0002_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_disclosure_engagement_id", table_name="disclosure")
    op.drop_index("ix_disclosure_status", table_name="disclosure")
    # (deleted_at, column): the live rows in sort order; the id breaking ties is the rowid
    # (SQLite) or found in the same index page range (PostgreSQL).
    op.create_index("ix_disclosure_live_updated", "disclosure", ["deleted_at", "updated_at"])
    op.create_index("ix_disclosure_live_title", "disclosure", ["deleted_at", "title"])
    op.create_index("ix_disclosure_live_status", "disclosure", ["deleted_at", "status"])
    op.create_index("ix_disclosure_engagement_live", "disclosure",
                    ["engagement_id", "deleted_at", "updated_at"])
    op.create_index("ix_disclosure_status_live", "disclosure",
                    ["status", "deleted_at", "updated_at"])


def downgrade() -> None:
    for name in ("ix_disclosure_status_live", "ix_disclosure_engagement_live",
                 "ix_disclosure_live_status", "ix_disclosure_live_title",
                 "ix_disclosure_live_updated"):
        op.drop_index(name, table_name="disclosure")
    op.create_index("ix_disclosure_status", "disclosure", ["status"])
    op.create_index("ix_disclosure_engagement_id", "disclosure", ["engagement_id"])
