"""The filing strategy and the tracer register (practices 2 and 1).

Adds per engagement the strategy inputs (annual revenue, currency, horizon, budget), the
markets with their revenue shares, the competitor countries and the manufacturing-cost index
of each candidate vendor country; the register of issued tracers; and the per-database tracer
secret, one row made on first use. Only new tables: nothing existing is touched, so a database
with data in it upgrades in place.

Revision ID: 0009_strategy_tracers
Revises: 0008_risk
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_strategy_tracers"
down_revision = "0008_risk"
branch_labels = None
depends_on = None


def _engagement() -> sa.Column:
    return sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "engagementstrategy",
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"),
                  autoincrement=False, nullable=False),
        sa.Column("annual_revenue", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("horizon_years", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("engagement_id"),
    )
    op.create_table(
        "strategymarket",
        _engagement(),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("revenue_share", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("engagement_id", "code"),
    )
    op.create_table(
        "strategycompetitor",
        _engagement(),
        sa.Column("competitor", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("engagement_id", "competitor", "code"),
    )
    op.create_table(
        "outsourcingcostindex",
        _engagement(),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("cost_index", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("engagement_id", "code"),
    )
    op.create_table(
        "tracer",
        sa.Column("id", sa.Integer(), nullable=False),
        _engagement(),
        sa.Column("vendor_id", sa.Integer(), sa.ForeignKey("vendor.id"), nullable=False),
        sa.Column("component", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        # A lookup finds the code through this constraint's index: one row, whatever the size.
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_tracer_engagement_id", "tracer", ["engagement_id"])
    op.create_index("ix_tracer_vendor_id", "tracer", ["vendor_id"])
    op.create_table(
        "tracersecret",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("tracersecret")
    for name in ("ix_tracer_vendor_id", "ix_tracer_engagement_id"):
        op.drop_index(name, table_name="tracer")
    for table in ("tracer", "outsourcingcostindex", "strategycompetitor", "strategymarket",
                  "engagementstrategy"):
        op.drop_table(table)
