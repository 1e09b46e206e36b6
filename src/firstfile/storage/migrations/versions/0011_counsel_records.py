"""Files attached to disclosures, stored once by their SHA-256; vendor inventions.

`attachmentblob` holds each file's bytes under its hash (the same drawing attached to two
disclosures is stored once); `disclosureattachment` names a blob on a disclosure with its
file name, media type, caption, who attached it and when. Both live in the database, on
SQLite and PostgreSQL alike (docs/ARCHITECTURE.md, "Attachments").

A disclosure whose inventors all come from one vendor is a vendor invention, no longer
"joint": `disclosure.vendor_invention` is added and, with `joint`, recomputed from the
inventors' organisations at conception (joint: more than one organisation).

`setting` holds the database's own settings, first the organisation's name, which documents
use where they named no one ("For the customer"); each has a row version, like every editable
record.

Each inventor link gains what counsel needs to file: postal address, citizenship, the
employer's legal entity at conception and a sentence on what the person contributed.

Revision ID: 0011_counsel_records
Revises: 0010_evidence
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_counsel_records"
down_revision = "0010_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachmentblob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "disclosureattachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["attachmentblob.sha256"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("disclosure_id", "sha256"),
    )
    op.create_index(
        "ix_disclosureattachment_disclosure_id", "disclosureattachment", ["disclosure_id"]
    )

    op.create_table(
        "setting",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        # A row version like every editable record's (0007_row_versions).
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("name"),
    )
    # What counsel needs about each inventor to file (plain ADD COLUMN, see below).
    for name, kind in (
        ("postal_address", sa.Text()),
        ("citizenship", sa.String(length=2)),
        ("employer_entity", sa.String(length=200)),
        ("contribution_note", sa.Text()),
    ):
        op.add_column(
            "disclosureinventor", sa.Column(name, kind, nullable=False, server_default="")
        )
    # A plain ADD COLUMN on both: SQLite's batch mode would copy the table and lose the
    # full-text triggers on it.
    op.add_column(
        "disclosure",
        sa.Column("vendor_invention", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    organizations = (
        "(SELECT COUNT(DISTINCT i.organization_key) FROM disclosureinventor i "
        "WHERE i.disclosure_id = disclosure.id AND i.role = 'inventor')"
    )
    outside = (
        "EXISTS (SELECT 1 FROM disclosureinventor i WHERE i.disclosure_id = disclosure.id "
        "AND i.role = 'inventor' AND i.organization_key <> 'internal')"
    )
    op.execute(
        f"UPDATE disclosure SET joint = ({organizations} > 1), "
        f"vendor_invention = ({organizations} = 1 AND {outside})"
    )


def downgrade() -> None:
    for name in ("postal_address", "citizenship", "employer_entity", "contribution_note"):
        op.drop_column("disclosureinventor", name)
    op.drop_table("setting")
    op.execute("UPDATE disclosure SET joint = (joint OR vendor_invention)")
    op.drop_column("disclosure", "vendor_invention")
    op.drop_index("ix_disclosureattachment_disclosure_id", table_name="disclosureattachment")
    op.drop_table("disclosureattachment")
    op.drop_table("attachmentblob")
