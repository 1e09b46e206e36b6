"""Row versions on every editable record, and autosave buffers kept per user.

Engagements, vendors, people, components, extraction sessions, ideas, phase-guide ticks and
agreement-checklist items get the `version` column disclosures already have (1 for every
existing row), so an update only applies to the version it read (storage/versions.py).

Autosave buffers were keyed by what was edited alone ("edit:FF-2026-0001"), so two users
editing one disclosure shared one buffer. They are now keyed by (actor, owner). Existing
buffers keep an empty actor: the first user to open the same thing again is given it
(services/drafts.py), so no unsaved text disappears on upgrade.

Columns are added with plain ALTER TABLE ADD COLUMN (a server default fills existing rows), so
SQLite keeps the disclosure table's full-text triggers; only the small draft-buffer table is
rebuilt on SQLite, to swap its unique constraint.

Revision ID: 0007_row_versions
Revises: 0006_import_merge
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_row_versions"
down_revision = "0006_import_merge"
branch_labels = None
depends_on = None

VERSIONED = ("engagement", "vendor", "person", "component", "extractionsession", "idea",
             "engagementstep", "agreementitem")

# The name PostgreSQL gave the old unnamed UNIQUE (owner); on SQLite the batch rebuild names
# it through the naming convention below.
_OLD_UNIQUE = "draftbuffer_owner_key"
_CONVENTION = {"uq": "%(table_name)s_%(column_0_name)s_key"}


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False,
                                       server_default="1"))
    with op.batch_alter_table("draftbuffer", naming_convention=_CONVENTION) as batch:
        batch.add_column(sa.Column("actor", sa.String(length=200), nullable=False,
                                   server_default=""))
        batch.drop_constraint(_OLD_UNIQUE, type_="unique")
        batch.create_unique_constraint("uq_draftbuffer_actor_owner", ["actor", "owner"])


def downgrade() -> None:
    # Buffers of several users for one thing cannot share one owner again: keep the one
    # saved last.
    op.execute(
        "DELETE FROM draftbuffer WHERE EXISTS (SELECT 1 FROM draftbuffer AS newer "
        "WHERE newer.owner = draftbuffer.owner AND (newer.saved_at > draftbuffer.saved_at "
        "OR (newer.saved_at = draftbuffer.saved_at AND newer.id > draftbuffer.id)))"
    )
    with op.batch_alter_table("draftbuffer", naming_convention=_CONVENTION) as batch:
        batch.drop_constraint("uq_draftbuffer_actor_owner", type_="unique")
        batch.create_unique_constraint(_OLD_UNIQUE, ["owner"])
        batch.drop_column("actor")
    for table in reversed(VERSIONED):
        op.drop_column(table, "version")
