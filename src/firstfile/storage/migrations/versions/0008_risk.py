"""Outsourcing risk: the component tree, score reasons, decisions, critical sets, safeguards,
design-tactic actions and pinned assignments (docs/RISK.md).

Schema: a component gets its parent, a one-line reason per score, who assessed it and when;
an assignment (componentvendor) can be pinned; new tables hold the decision per component,
critical sets and their members, the safeguards that are not agreement-checklist terms, and
the design-tactic actions.

Data, each change written to the audit trail by this migration (actor "migration 0008_risk"):

- `firewalled = true` becomes a decision to keep the component in-house (firewall). Who
  decided and when come from the audit trail's last change that set the flag; without one
  they stay empty. The reason stays empty: whether it went against a recommendation depends
  on the policy in force, and the analysis flags an unexplained one (`decision-unexplained`)
  so that someone gives it. `firewalled = false` was only ever the default, so it becomes no
  decision (the recommendation applies). The column is then dropped: the decision is the one
  place that says what to keep in-house.
- The existing 1-5 scores keep their values. Their assessor and date are who recorded them
  and when, from the audit trail's last change of a score (an import or an edit); without one
  they stay empty. Their reasons stay empty until someone re-scores the component.

Columns are added without recreating tables (plain ALTER TABLE ADD COLUMN), as in 0002.

Revision ID: 0008_risk
Revises: 0007_row_versions
"""

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008_risk"
down_revision = "0007_row_versions"
branch_labels = None
depends_on = None

ACTOR = "migration 0008_risk"
SCORES = ("value_add", "differentiation", "reverse_engineering_difficulty")

_FALSE = sa.false()


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite adds a column with its REFERENCES clause in place; a separate ALTER ... ADD
        # CONSTRAINT does not exist there.
        op.execute("ALTER TABLE component ADD COLUMN parent_id INTEGER REFERENCES component (id)")
    else:
        op.add_column("component", sa.Column("parent_id", sa.Integer(), nullable=True))
        op.create_foreign_key("component_parent_id_fkey", "component", "component",
                              ["parent_id"], ["id"])
    for name in ("value_add_reason", "differentiation_reason",
                 "reverse_engineering_difficulty_reason"):
        op.add_column("component", _text(name))
    op.add_column("component", sa.Column("assessor", sa.String(length=200), nullable=False,
                                         server_default=""))
    op.add_column("component", sa.Column("assessed_on", sa.Date(), nullable=True))
    op.add_column("componentvendor", sa.Column("pinned", sa.Boolean(), nullable=False,
                                               server_default=_FALSE))

    op.create_table(
        "componentdecision",
        sa.Column("component_id", sa.Integer(), sa.ForeignKey("component.id"), nullable=False),
        sa.Column("disposition", sa.String(length=32), nullable=False),
        _text("reason"),
        sa.Column("decided_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("component_id"),
    )
    op.create_table(
        "criticalset",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"),
                  nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reveals_id", sa.Integer(), sa.ForeignKey("component.id"), nullable=True),
        _text("note"),
        sa.UniqueConstraint("engagement_id", "key"),
    )
    op.create_table(
        "criticalsetmember",
        sa.Column("critical_set_id", sa.Integer(), sa.ForeignKey("criticalset.id"),
                  nullable=False),
        sa.Column("component_id", sa.Integer(), sa.ForeignKey("component.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("critical_set_id", "component_id"),
    )
    op.create_table(
        "vendorsafeguard",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("engagement_id", sa.Integer(), sa.ForeignKey("engagement.id"),
                  nullable=False),
        sa.Column("vendor_id", sa.Integer(), sa.ForeignKey("vendor.id"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        _text("evidence"),
        _text("reason"),
        sa.Column("who", sa.String(length=200), nullable=False, server_default=""),
        sa.UniqueConstraint("engagement_id", "vendor_id", "kind"),
    )
    op.create_table(
        "tacticaction",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("component_id", sa.Integer(), sa.ForeignKey("component.id"), nullable=False),
        sa.Column("vendor_id", sa.Integer(), sa.ForeignKey("vendor.id"), nullable=False),
        sa.Column("tactic", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        _text("evidence"),
        _text("reason"),
        sa.Column("who", sa.String(length=200), nullable=False, server_default=""),
        sa.UniqueConstraint("component_id", "vendor_id", "tactic"),
    )

    _migrate_data(bind)
    op.drop_column("component", "firewalled")


# Lightweight tables for the data step: only the columns it reads or writes, typed so that
# dates and times come back as Python values on SQLite too.
_component = sa.table(
    "component",
    sa.column("id", sa.Integer()),
    sa.column("engagement_id", sa.Integer()),
    sa.column("key", sa.String()),
    sa.column("firewalled", sa.Boolean()),
    sa.column("assessor", sa.String()),
    sa.column("assessed_on", sa.Date()),
)
_engagement = sa.table("engagement", sa.column("id", sa.Integer()), sa.column("key", sa.String()))
_audit = sa.table(
    "auditevent",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_key", sa.String()),
    sa.column("action", sa.String()),
    sa.column("changes", sa.Text()),
)
_decision = sa.table(
    "componentdecision",
    sa.column("component_id", sa.Integer()),
    sa.column("disposition", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("decided_by", sa.String()),
    sa.column("decided_on", sa.Date()),
)


def _migrate_data(bind: sa.Connection) -> None:
    engagements = dict(bind.execute(sa.select(_engagement.c.id, _engagement.c.key)).all())
    components = bind.execute(sa.select(
        _component.c.id, _component.c.engagement_id, _component.c.key, _component.c.firewalled
    ).order_by(_component.c.id)).all()
    if not components:
        return
    last_scored, last_walled = _provenance(bind)
    now = datetime.now(UTC)
    for component_id, engagement_id, key, firewalled in components:
        engagement_key = engagements.get(engagement_id, "")
        where = (engagement_key, key)
        changes: dict[str, list[object]] = {"engagement": [engagement_key, engagement_key]}
        scored = last_scored.get(where)
        if scored is not None:
            actor, day = scored
            bind.execute(sa.update(_component).where(_component.c.id == component_id)
                         .values(assessor=actor[:200], assessed_on=day))
            changes["assessor"] = ["", actor[:200]]
            changes["assessed_on"] = [None, day.isoformat()]
        if firewalled:
            # No audit row set the flag: who and when stay empty.
            walled_by, walled_on = last_walled.get(where, ("", None))
            bind.execute(sa.insert(_decision).values(
                component_id=component_id, disposition="firewall", reason="",
                decided_by=walled_by[:200], decided_on=walled_on))
            changes["firewalled"] = [True, None]
            changes["decision"] = [None, "firewall"]
            changes["decided_by"] = [None, walled_by[:200]]
            changes["decided_on"] = [None, walled_on.isoformat() if walled_on else None]
        if len(changes) > 1:
            bind.execute(sa.insert(_audit).values(
                at=now, actor=ACTOR, entity="component", entity_key=key, action="migrate",
                changes=json.dumps(changes, ensure_ascii=False, sort_keys=True)))


def _provenance(
    bind: sa.Connection,
) -> tuple[dict[tuple[str, str], tuple[str, date]], dict[tuple[str, str], tuple[str, date]]]:
    """(engagement key, component key) -> (actor, day) of the last change of a score, and of
    the last change that set `firewalled` to true, read from the audit trail.

    Component rows were audited two ways: by the importer as "ENGAGEMENT/COMPONENT", and by
    the firewall toggle as the component key with the engagement among the changes.
    """
    scored: dict[tuple[str, str], tuple[str, date]] = {}
    walled: dict[tuple[str, str], tuple[str, date]] = {}
    rows = bind.execute(
        sa.select(_audit.c.at, _audit.c.actor, _audit.c.entity_key, _audit.c.changes)
        .where(_audit.c.entity == "component").order_by(_audit.c.id)
    ).all()
    for at, actor, entity_key, text in rows:
        try:
            changes = json.loads(text or "{}")
        except ValueError:
            continue
        if not isinstance(changes, dict):
            continue
        if "/" in entity_key:
            engagement_key, key = entity_key.split("/", 1)
        else:
            pair = changes.get("engagement")
            engagement_key = pair[-1] if isinstance(pair, list) and pair else ""
            key = entity_key
        day = at.astimezone(UTC).date() if at.tzinfo else at.date()
        if any(name in changes for name in SCORES):
            scored[(engagement_key, key)] = (actor, day)
        flag = changes.get("firewalled")
        if isinstance(flag, list) and flag and flag[-1] is True:
            walled[(engagement_key, key)] = (actor, day)
    return scored, walled


def downgrade() -> None:
    op.add_column("component", sa.Column("firewalled", sa.Boolean(), nullable=False,
                                         server_default=_FALSE))
    op.execute("UPDATE component SET firewalled = true WHERE id IN "
               "(SELECT component_id FROM componentdecision WHERE disposition = 'firewall')")
    for table in ("tacticaction", "vendorsafeguard", "criticalsetmember", "criticalset",
                  "componentdecision"):
        op.drop_table(table)
    op.drop_column("componentvendor", "pinned")
    for column in ("assessed_on", "assessor", "reverse_engineering_difficulty_reason",
                   "differentiation_reason", "value_add_reason"):
        op.drop_column("component", column)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("component_parent_id_fkey", "component", type_="foreignkey")
    op.drop_column("component", "parent_id")
