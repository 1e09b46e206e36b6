"""The workflow tables: counsel decisions, facilitated sessions, agreement checklists.

Adds to disclosures the counsel decision and internal reviewer notes, the German
employee-invention mark and where a promoted idea came from; to extraction sessions their
running state (time box, decks, current prompt, dots); idea authors and votes; components in
focus; firewalled components; vendor notes; phase-guide steps ticked by hand; and the state of
each agreement-checklist item per engagement and vendor.

Columns are added without recreating tables (plain ALTER TABLE ADD COLUMN with a server
default), so SQLite keeps the disclosure table's full-text triggers.

Revision ID: 0002_workflow
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_workflow"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_FALSE = sa.false()


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def upgrade() -> None:
    op.add_column("vendor", _text("notes"))
    op.add_column("component", sa.Column("firewalled", sa.Boolean(), nullable=False,
                                         server_default=_FALSE))
    for column in (
        sa.Column("source_session_id", sa.Integer(), nullable=True),
        sa.Column("source_prompt_id", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("german_employee_invention", sa.Boolean(), nullable=False,
                  server_default=_FALSE),
        sa.Column("decision", sa.String(length=32), nullable=False, server_default=""),
        _text("decision_rationale"),
        sa.Column("decided_on", sa.Date(), nullable=True),
        _text("reviewer_notes"),
    ):
        op.add_column("disclosure", column)
    for column in (
        sa.Column("status", sa.String(length=16), nullable=False, server_default="planned"),
        sa.Column("time_box_minutes", sa.Integer(), nullable=False, server_default="60"),
        sa.Column("prompt_minutes", sa.Integer(), nullable=False, server_default="5"),
        sa.Column("dots_per_participant", sa.Integer(), nullable=False, server_default="3"),
        sa.Column("decks", sa.String(length=400), nullable=False, server_default=""),
        sa.Column("current_prompt", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("extractionsession", column)
    op.add_column("idea", sa.Column("merged_into_id", sa.Integer(), nullable=True))

    op.create_table(
        "sessioncomponent",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("extractionsession.id"),
                  nullable=False),
        sa.Column("component_id", sa.Integer(), sa.ForeignKey("component.id"), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "component_id"),
    )
    op.create_table(
        "ideaauthor",
        sa.Column("idea_id", sa.Integer(), sa.ForeignKey("idea.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.PrimaryKeyConstraint("idea_id", "person_id"),
    )
    op.create_table(
        "ideavote",
        sa.Column("idea_id", sa.Integer(), sa.ForeignKey("idea.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("idea_id", "person_id"),
    )
    # Ideas imported before this revision had one author: record it as the first.
    op.execute(
        "INSERT INTO ideaauthor (idea_id, person_id) "
        "SELECT id, author_id FROM idea WHERE author_id IS NOT NULL"
    )
    op.create_table(
        "engagementstep",
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"),
                  nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        _text("note"),
        sa.PrimaryKeyConstraint("engagement_id", "step_id"),
    )
    op.create_table(
        "agreementitem",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"),
                  nullable=False),
        sa.Column("vendor_id", sa.Integer(), sa.ForeignKey("vendor.id"), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _text("reason"),
        _text("evidence"),
        _text("internal_note"),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.UniqueConstraint("engagement_id", "vendor_id", "item_id"),
    )
    op.create_index("ix_agreementitem_engagement_id", "agreementitem", ["engagement_id"])


def downgrade() -> None:
    op.drop_index("ix_agreementitem_engagement_id", table_name="agreementitem")
    for table in ("agreementitem", "engagementstep", "ideavote", "ideaauthor",
                  "sessioncomponent"):
        op.drop_table(table)
    # SQLite (3.35+) and PostgreSQL both drop plain columns in place.
    for table, columns in (
        ("idea", ("merged_into_id",)),
        ("extractionsession", ("ended_at", "started_at", "current_prompt", "decks",
                               "dots_per_participant", "prompt_minutes", "time_box_minutes",
                               "status")),
        ("disclosure", ("reviewer_notes", "decided_on", "decision_rationale", "decision",
                        "german_employee_invention", "source_prompt_id",
                        "source_session_id")),
        ("component", ("firewalled",)),
        ("vendor", ("notes",)),
    ):
        for column in columns:
            op.drop_column(table, column)
