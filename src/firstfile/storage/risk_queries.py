"""Reading an engagement's outsourcing-risk data: the component tree, decisions, assignments,
critical sets, safeguards and design-tactic actions, as the domain's plain RiskInputs.

Every function runs inside the caller's unit of work (`db`) and writes nothing. `risk_inputs`
reads one engagement in seven queries whatever its size. Components come in key order, so the
tree lists siblings the same way after any export and import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from firstfile.domain.risk.assessment import RiskInputs, TacticState
from firstfile.domain.risk.exposure import Assignment, CriticalSet
from firstfile.domain.risk.tree import Assessment, ComponentNode, Decision, Score
from firstfile.domain.risk.vendor_risk import RiskVendor, Safeguard
from firstfile.domain.risk.vocabulary import SAFEGUARD_KINDS
from firstfile.storage.tables import (
    AgreementItem,
    AuditEvent,
    Component,
    ComponentDecision,
    ComponentVendor,
    CriticalSetMember,
    EngagementVendor,
    TacticAction,
    Vendor,
    VendorSafeguard,
)
from firstfile.storage.tables import (
    CriticalSet as CriticalSetRow,
)


def risk_inputs(
    *, db: Session, engagement_id: int, engagement_key: str, term_items: Mapping[str, str]
) -> RiskInputs:
    """Everything the analysis of one engagement reads.

    term_items: safeguard kind -> the agreement-checklist item that is that term
    (`vendor_risk.safeguard_items`); those safeguards are read from the checklist, the others
    from their own table.
    """
    return RiskInputs(
        engagement_key=engagement_key,
        components=tuple(components(db=db, engagement_id=engagement_id)),
        vendors=tuple(risk_vendors(db=db, engagement_id=engagement_id, term_items=term_items)),
        assignments=tuple(assignments(db=db, engagement_id=engagement_id)),
        critical_sets=tuple(critical_sets(db=db, engagement_id=engagement_id)),
        tactics=tuple(tactic_states(db=db, engagement_id=engagement_id)),
    )


def components(*, db: Session, engagement_id: int) -> list[ComponentNode]:
    """The engagement's component tree, each node with its decision (one query)."""
    parent = aliased(Component)
    rows = db.execute(
        select(Component, col(parent.key), ComponentDecision)
        .outerjoin(parent, col(parent.id) == col(Component.parent_id))
        .outerjoin(ComponentDecision, col(ComponentDecision.component_id) == col(Component.id))
        .where(col(Component.engagement_id) == engagement_id)
        .order_by(col(Component.key))
    ).all()
    return [node(row, parent_key or "", decision) for row, parent_key, decision in rows]


def node(row: Component, parent_key: str, decision: ComponentDecision | None) -> ComponentNode:
    """A stored component as the domain's node."""
    return ComponentNode(
        key=row.key,
        name=row.name,
        kind=row.kind,
        assessment=Assessment(
            Score(row.value_add, row.value_add_reason),
            Score(row.differentiation, row.differentiation_reason),
            Score(row.reverse_engineering_difficulty, row.reverse_engineering_difficulty_reason),
            row.assessor,
            row.assessed_on,
        ),
        parent=parent_key,
        decision=None
        if decision is None
        else Decision(
            decision.disposition, decision.reason, decision.decided_by, decision.decided_on
        ),
    )


def risk_vendors(
    *, db: Session, engagement_id: int, term_items: Mapping[str, str]
) -> list[RiskVendor]:
    """The engagement's vendors by name, each with its competitors and recorded safeguards
    (three queries: vendors, checklist terms, the other safeguards)."""
    vendors = list(
        db.execute(
            select(Vendor)
            .join(EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
            .where(col(EngagementVendor.engagement_id) == engagement_id)
            .order_by(col(Vendor.name), col(Vendor.key))
        ).scalars()
    )
    recorded = safeguards(db=db, engagement_id=engagement_id, term_items=term_items)
    return [
        RiskVendor(
            key=v.key,
            name=v.name,
            kind=v.kind,
            competitors=tuple(c for c in v.competitors.split("\n") if c.strip()),
            safeguards=tuple(recorded.get(v.key, ())),
        )
        for v in vendors
    ]


def safeguards(
    *, db: Session, engagement_id: int, term_items: Mapping[str, str]
) -> dict[str, list[Safeguard]]:
    """vendor key -> its recorded safeguards in the order of SAFEGUARD_KINDS: the terms from
    their checklist items, the others from their own table. A kind never recorded is left out
    (it is open)."""
    return {vendor: [safeguard for safeguard, _who in recorded]
            for vendor, recorded in safeguard_records(
                db=db, engagement_id=engagement_id, term_items=term_items).items()}


def safeguard_records(
    *, db: Session, engagement_id: int, term_items: Mapping[str, str]
) -> dict[str, list[tuple[Safeguard, str]]]:
    """safeguards, each with who settled it (two queries)."""
    kind_of_item = {item: kind for kind, item in term_items.items()}
    found: dict[str, dict[str, tuple[Safeguard, str]]] = {}
    if kind_of_item:
        for row, vendor_key in db.execute(
            select(AgreementItem, col(Vendor.key))
            .join(Vendor, col(Vendor.id) == col(AgreementItem.vendor_id))
            .where(col(AgreementItem.engagement_id) == engagement_id,
                   col(AgreementItem.item_id).in_(list(kind_of_item)))
        ):
            kind = kind_of_item[row.item_id]
            found.setdefault(vendor_key, {})[kind] = (
                Safeguard(kind, row.status, row.done_on, row.evidence, row.reason), row.who)
    for row, vendor_key in db.execute(
        select(VendorSafeguard, col(Vendor.key))
        .join(Vendor, col(Vendor.id) == col(VendorSafeguard.vendor_id))
        .where(col(VendorSafeguard.engagement_id) == engagement_id)
    ):
        if row.kind in term_items:
            continue  # the checklist item is the record of a term
        found.setdefault(vendor_key, {})[row.kind] = (
            Safeguard(row.kind, row.status, row.done_on, row.evidence, row.reason), row.who)
    order = {kind: i for i, kind in enumerate(SAFEGUARD_KINDS)}
    return {
        vendor: sorted(kinds.values(),
                       key=lambda r: (order.get(r[0].kind, len(order)), r[0].kind))
        for vendor, kinds in found.items()
    }


def assignments(*, db: Session, engagement_id: int) -> list[Assignment]:
    """Who is assigned which component, pinned or not, by component then vendor key."""
    return [
        Assignment(component_key, vendor_key, bool(pinned))
        for component_key, vendor_key, pinned in db.execute(
            select(col(Component.key), col(Vendor.key), col(ComponentVendor.pinned))
            .join(Component, col(Component.id) == col(ComponentVendor.component_id))
            .join(Vendor, col(Vendor.id) == col(ComponentVendor.vendor_id))
            .where(col(Component.engagement_id) == engagement_id)
            .order_by(col(Component.key), col(Vendor.key))
        )
    ]


def critical_sets(*, db: Session, engagement_id: int) -> list[CriticalSet]:
    """The engagement's critical sets by key, members in the order they were named."""
    member = aliased(Component)
    reveals = aliased(Component)
    sets: dict[str, tuple[CriticalSetRow, str, list[str]]] = {}
    for row, reveals_key, member_key in db.execute(
        select(CriticalSetRow, col(reveals.key), col(member.key))
        .outerjoin(reveals, col(reveals.id) == col(CriticalSetRow.reveals_id))
        .outerjoin(
            CriticalSetMember, col(CriticalSetMember.critical_set_id) == col(CriticalSetRow.id)
        )
        .outerjoin(member, col(member.id) == col(CriticalSetMember.component_id))
        .where(col(CriticalSetRow.engagement_id) == engagement_id)
        .order_by(col(CriticalSetRow.key), col(CriticalSetMember.position), col(member.key))
    ):
        entry = sets.setdefault(row.key, (row, reveals_key or "", []))
        if member_key is not None:
            entry[2].append(member_key)
    return [
        CriticalSet(
            key=row.key, name=row.name, members=tuple(members), reveals=reveals_key, note=row.note
        )
        for row, reveals_key, members in sets.values()
    ]


def tactic_states(*, db: Session, engagement_id: int) -> list[TacticState]:
    """The recorded design-tactic actions of the engagement's components."""
    return [state for state, _who in tactic_records(db=db, engagement_id=engagement_id)]


def tactic_records(*, db: Session, engagement_id: int) -> list[tuple[TacticState, str]]:
    """tactic_states, each with who settled it, by component, vendor and tactic."""
    return [
        (TacticState(component_key, vendor_key, row.tactic, row.status, row.done_on,
                     row.evidence, row.reason), row.who)
        for row, component_key, vendor_key in db.execute(
            select(TacticAction, col(Component.key), col(Vendor.key))
            .join(Component, col(Component.id) == col(TacticAction.component_id))
            .join(Vendor, col(Vendor.id) == col(TacticAction.vendor_id))
            .where(col(Component.engagement_id) == engagement_id)
            .order_by(col(Component.key), col(Vendor.key), col(TacticAction.tactic))
        )
    ]


# --- single rows, for the use cases that change them ---------------------------------------


def find_component_row(*, db: Session, engagement_id: int, key: str) -> Component | None:
    """The engagement's component with this key, or None."""
    return db.execute(
        select(Component).where(
            col(Component.engagement_id) == engagement_id, col(Component.key) == key
        )
    ).scalar()


def component_ids(*, db: Session, engagement_id: int) -> dict[str, int]:
    """component key -> id, for the engagement."""
    return {
        key: int(id_)
        for key, id_ in db.execute(
            select(col(Component.key), col(Component.id)).where(
                col(Component.engagement_id) == engagement_id
            )
        )
    }


def parents(*, db: Session, engagement_id: int) -> dict[int, int | None]:
    """component id -> parent id, for the engagement (what a move is checked against)."""
    return {
        int(id_): parent
        for id_, parent in db.execute(
            select(col(Component.id), col(Component.parent_id)).where(
                col(Component.engagement_id) == engagement_id
            )
        )
    }


def find_critical_set(*, db: Session, engagement_id: int, key: str) -> CriticalSetRow | None:
    """The engagement's critical set with this key, or None."""
    return db.execute(
        select(CriticalSetRow).where(
            col(CriticalSetRow.engagement_id) == engagement_id, col(CriticalSetRow.key) == key
        )
    ).scalar()


def critical_set_members(*, db: Session, critical_set_id: int) -> list[CriticalSetMember]:
    """A critical set's member rows, in order."""
    return list(
        db.execute(
            select(CriticalSetMember)
            .where(col(CriticalSetMember.critical_set_id) == critical_set_id)
            .order_by(col(CriticalSetMember.position))
        ).scalars()
    )


def find_assignment(*, db: Session, component_id: int, vendor_id: int) -> ComponentVendor | None:
    """The assignment of a component to a vendor, or None."""
    return db.get(ComponentVendor, (component_id, vendor_id))


def assignment_rows(*, db: Session, engagement_id: int) -> list[tuple[ComponentVendor, str, str]]:
    """Every assignment row of the engagement with its component and vendor keys."""
    return [
        (row, component_key, vendor_key)
        for row, component_key, vendor_key in db.execute(
            select(ComponentVendor, col(Component.key), col(Vendor.key))
            .join(Component, col(Component.id) == col(ComponentVendor.component_id))
            .join(Vendor, col(Vendor.id) == col(ComponentVendor.vendor_id))
            .where(col(Component.engagement_id) == engagement_id)
        )
    ]


def find_safeguard(
    *, db: Session, engagement_id: int, vendor_id: int, kind: str
) -> VendorSafeguard | None:
    """A vendor's recorded safeguard of this kind (not a checklist term), or None."""
    return db.execute(
        select(VendorSafeguard).where(
            col(VendorSafeguard.engagement_id) == engagement_id,
            col(VendorSafeguard.vendor_id) == vendor_id,
            col(VendorSafeguard.kind) == kind,
        )
    ).scalar()


def find_tactic_action(
    *, db: Session, component_id: int, vendor_id: int, tactic: str
) -> TacticAction | None:
    """The recorded state of one design-tactic action, or None while it was never set."""
    return db.execute(
        select(TacticAction).where(
            col(TacticAction.component_id) == component_id,
            col(TacticAction.vendor_id) == vendor_id,
            col(TacticAction.tactic) == tactic,
        )
    ).scalar()


def component_history(
    *, db: Session, engagement_key: str, component_key: str
) -> list[dict[str, Any]]:
    """The audit trail of one component, oldest first: what each change was, who made it and
    when ({at, actor, action, changes}); scores and decisions are kept there, not overwritten
    in place."""
    history = []
    for event in db.execute(
        select(AuditEvent)
        .where(
            col(AuditEvent.entity) == "component",
            col(AuditEvent.entity_key).in_([component_key, f"{engagement_key}/{component_key}"]),
        )
        .order_by(col(AuditEvent.id))
    ).scalars():
        changes = json.loads(event.changes or "{}")
        engagement = changes.get("engagement")
        if event.entity_key == component_key and (
            not isinstance(engagement, list) or engagement[-1] != engagement_key
        ):
            continue  # the same key in another engagement
        history.append(
            {"at": event.at, "actor": event.actor, "action": event.action, "changes": changes}
        )
    return history
