"""The vendor-facing name of an engagement.

The vendor's version of an agreement checklist was named after the vendor alone, so the terms
of two engagements with the same vendor overwrote each other's file. An engagement now has a
name the user sets for vendors to see (`engagement.vendor_facing_name`, "" until set), and
the vendor's file is named after the vendor and it; the internal key and name stay internal.

Revision ID: 0013_vendor_facing_name
Revises: 0011_counsel_records
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_vendor_facing_name"
down_revision = "0012_session_sittings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: rebuilding the table (a batch operation on
    # SQLite) would trip the foreign keys that point at it.
    op.add_column("engagement", sa.Column("vendor_facing_name", sa.String(length=200),
                                          nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("engagement", "vendor_facing_name")
