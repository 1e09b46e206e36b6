"""Files attached to disclosures, stored once by their SHA-256.

`attachmentblob` holds each file's bytes under its hash (the same drawing attached to two
disclosures is stored once); `disclosureattachment` names a blob on a disclosure with its
file name, media type, caption, who attached it and when. Both live in the database, on
SQLite and PostgreSQL alike (docs/ARCHITECTURE.md, "Attachments").

Revision ID: 0011_counsel_records
Revises: 0006_import_merge
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_counsel_records"
down_revision = "0006_import_merge"
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


def downgrade() -> None:
    op.drop_index("ix_disclosureattachment_disclosure_id", table_name="disclosureattachment")
    op.drop_table("disclosureattachment")
    op.drop_table("attachmentblob")
