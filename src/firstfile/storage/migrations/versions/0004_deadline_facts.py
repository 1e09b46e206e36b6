"""The facts the deadline engine reads that had nowhere to live.

Adds to disclosure events the priority claims a filing makes (the references of the earlier
filings, one per line) and whether a late claim was restored; to disclosures whether any part
was made in the US (the foreign filing licence, 35 USC 184); to vendors the NDA's signing and
expiry dates. Existing rows get the defaults: no claims recorded (the engine infers them and
says so), not restored, not made in the US, no NDA dates.

Columns are added without recreating tables (ALTER TABLE ADD COLUMN with a server default),
so SQLite keeps the disclosure table's full-text triggers.

Revision ID: 0004_deadline_facts
Revises: 0003_list_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_deadline_facts"
down_revision = "0003_list_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("disclosureevent", sa.Column("claims_priority_of", sa.Text(), nullable=False,
                                               server_default=""))
    op.add_column("disclosureevent", sa.Column("restored", sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    op.add_column("disclosure", sa.Column("made_in_us", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    op.add_column("vendor", sa.Column("nda_signed_on", sa.Date(), nullable=True))
    op.add_column("vendor", sa.Column("nda_expires_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop plain columns in place.
    for table, column in (("vendor", "nda_expires_on"), ("vendor", "nda_signed_on"),
                          ("disclosure", "made_in_us"), ("disclosureevent", "restored"),
                          ("disclosureevent", "claims_priority_of")):
        op.drop_column(table, column)
