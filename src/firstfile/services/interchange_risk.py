"""The outsourcing-risk part of a `firstfile/1` file: the component tree, score reasons,
assessor and date, decisions, pins, design-tactic actions, safeguards and critical sets.

`export_parts` reads them for services/interchange_export.py; `assessment_values` and
`import_parts` write them for services/importer.py, in the importer's transaction, each
difference with its audit record, so importing the same file twice changes nothing.

What an import leaves alone: a field the file does not give keeps what is stored. A file from
before these fields existed, or one that simply leaves a decision, a parent or a pin out,
never withdraws a decision, moves a component to the top, unpins an assignment or drops a
safeguard or design-tactic record: those are done in the app, where they are audited as such
(the importer already never removes an assignment). A score's reason is the exception: when
the file changes the score and gives no reason, the stored reason (given for the old value)
is cleared, and so are the assessor and date the file does not give. A critical set the file
gives is made exactly the file's (its members define it); one it does not give is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlmodel import Session, col

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.tree import ComponentNode, loop_problems, scored
from firstfile.interchange.document import (
    ActionDoc,
    ComponentDoc,
    CriticalSetDoc,
    DecisionDoc,
    InterchangeDocument,
    SafeguardDoc,
)
from firstfile.services.errors import ValidationFailed
from firstfile.storage import audit, upserts
from firstfile.storage import risk_queries as rq
from firstfile.storage.tables import (
    AgreementItem,
    Component,
    ComponentDecision,
    ComponentVendor,
    CriticalSet,
    CriticalSetMember,
    Engagement,
    TacticAction,
    VendorSafeguard,
)

SCORES = ("value_add", "differentiation", "reverse_engineering_difficulty")


class Report(Protocol):
    def count(self, kind: str, outcome: str) -> None: ...


# --- export ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiskParts:
    """What the file carries of the analysis, by record."""

    components: dict[str, dict[str, Any]] = field(default_factory=dict)  # ComponentDoc fields
    safeguards: dict[str, tuple[SafeguardDoc, ...]] = field(default_factory=dict)  # by vendor
    critical_sets: tuple[CriticalSetDoc, ...] = ()


def export_parts(*, db: Session, engagement_id: int, term_items: Mapping[str, str]) -> RiskParts:
    """The engagement's risk data as ComponentDoc fields, SafeguardDocs and CriticalSetDocs."""
    pinned: dict[str, list[str]] = {}
    for assignment in rq.assignments(db=db, engagement_id=engagement_id):
        if assignment.pinned:
            pinned.setdefault(assignment.component, []).append(assignment.vendor)
    actions: dict[str, list[ActionDoc]] = {}
    for state, who in rq.tactic_records(db=db, engagement_id=engagement_id):
        actions.setdefault(state.component, []).append(
            ActionDoc(
                state.vendor,
                state.tactic,
                state.status,
                state.on,
                state.evidence,
                state.reason,
                who,
            )
        )
    components = {}
    for node in rq.components(db=db, engagement_id=engagement_id):
        a = node.assessment
        d = node.decision
        components[node.key] = {
            "parent": node.parent,
            "value_add_reason": a.value_add.rationale,
            "differentiation_reason": a.differentiation.rationale,
            "reverse_engineering_difficulty_reason": a.reverse_engineering_difficulty.rationale,
            "assessor": a.assessor,
            "assessed_on": a.assessed_on,
            "decision": None
            if d is None
            else DecisionDoc(d.disposition, d.reason, d.decided_by, d.decided_on),
            "pinned": tuple(sorted(pinned.get(node.key, ()))),
            "actions": tuple(actions.get(node.key, ())),
        }
    safeguards = {
        vendor: tuple(
            SafeguardDoc(s.kind, s.status, s.on, s.evidence, s.reason, who) for s, who in recorded
        )
        for vendor, recorded in rq.safeguard_records(
            db=db, engagement_id=engagement_id, term_items=term_items
        ).items()
    }
    critical_sets = tuple(
        CriticalSetDoc(s.key, s.name, s.members, s.reveals, s.note)
        for s in rq.critical_sets(db=db, engagement_id=engagement_id)
    )
    return RiskParts(components, safeguards, critical_sets)


# --- import ---------------------------------------------------------------------------------------


def assessment_values(stored: Component | None, c: ComponentDoc) -> dict[str, Any]:
    """The reasons, assessor and date to store for c (see the module docstring)."""
    given = {
        "value_add": c.value_add_reason,
        "differentiation": c.differentiation_reason,
        "reverse_engineering_difficulty": c.reverse_engineering_difficulty_reason,
    }
    values: dict[str, Any] = {}
    rescored = stored is None or any(getattr(stored, n) != getattr(c, n) for n in SCORES)
    for name in SCORES:
        if given[name]:
            values[f"{name}_reason"] = given[name]
        elif stored is not None and getattr(stored, name) == getattr(c, name):
            values[f"{name}_reason"] = getattr(stored, f"{name}_reason")
        else:
            values[f"{name}_reason"] = ""
    keep = stored is not None and not rescored
    values["assessor"] = c.assessor or (stored.assessor if keep and stored else "")
    values["assessed_on"] = c.assessed_on or (stored.assessed_on if keep and stored else None)
    return values


def import_parts(
    *,
    db: Session,
    engagement: Engagement,
    doc: InterchangeDocument,
    component_ids: Mapping[str, int],
    vendor_ids: Mapping[str, int],
    term_items: Mapping[str, str],
    actor: str,
    report: Report,
) -> None:
    """Write the file's tree, decisions, pins, actions, safeguards and critical sets."""
    e = engagement.key
    engagement_id = engagement.id or 0
    for c in doc.components:
        component_id = component_ids[c.key]
        entity_key = f"{e}/{c.key}"
        if c.parent:
            _set_parent(
                db, component_id, component_ids[c.parent], c.parent, actor, entity_key, report
            )
        for vendor in c.pinned:
            link = db.get(ComponentVendor, (component_id, vendor_ids[vendor]))
            if link is not None and not link.pinned:
                link.pinned = True
                db.flush()
                audit.record(
                    db=db,
                    actor=actor,
                    entity="component",
                    entity_key=entity_key,
                    action="pin",
                    changes={"pinned": (False, True), "vendor": (vendor, vendor)},
                )
                report.count("pin", "created")
        if c.decision is not None:
            _, outcome = upserts.upsert(
                db=db,
                model=ComponentDecision,
                match={"component_id": component_id},
                values={
                    "disposition": c.decision.disposition,
                    "reason": c.decision.reason,
                    "decided_by": c.decision.decided_by,
                    "decided_on": c.decision.decided_on,
                },
                actor=actor,
                entity="component",
                entity_key=entity_key,
            )
            report.count("decision", outcome)
        for a in c.actions:
            _, outcome = _upsert(
                db,
                TacticAction,
                {
                    "component_id": component_id,
                    "vendor_id": vendor_ids[a.vendor],
                    "tactic": a.tactic,
                },
                _state(a),
                actor=actor,
                entity="component",
                entity_key=entity_key,
                head={"vendor": a.vendor, "tactic": a.tactic},
            )
            report.count("design-tactic action", outcome)
    _check_loops(db, engagement_id)
    for v in doc.vendors:
        for s in v.safeguards:
            _import_safeguard(
                db, engagement_id, e, vendor_ids[v.key], v.key, s, term_items, actor, report
            )
    for critical in doc.critical_sets:
        _import_critical_set(db, engagement_id, e, critical, component_ids, actor, report)


def _state(record: ActionDoc | SafeguardDoc) -> dict[str, Any]:
    return {
        "status": record.status,
        "done_on": record.date,
        "evidence": record.evidence,
        "reason": record.reason,
        "who": record.who,
    }


def _set_parent(
    db: Session,
    component_id: int,
    parent_id: int,
    parent_key: str,
    actor: str,
    entity_key: str,
    report: Report,
) -> None:
    row = db.get(Component, component_id)
    assert row is not None
    if row.parent_id == parent_id:
        return
    old = db.get(Component, row.parent_id).key if row.parent_id else None  # type: ignore[union-attr]
    row.parent_id = parent_id
    db.flush()
    audit.record(
        db=db,
        actor=actor,
        entity="component",
        entity_key=entity_key,
        action="move",
        changes={"parent": (old, parent_key)},
    )
    report.count("parent", "updated")


def _check_loops(db: Session, engagement_id: int) -> None:
    """The file's parents together with those it leaves as stored may not form a loop."""
    nodes = [
        ComponentNode(n.key, n.name, "", scored(1, 1, 1), n.parent)
        for n in rq.components(db=db, engagement_id=engagement_id)
    ]
    problems = loop_problems(nodes)
    if problems:
        raise ValidationFailed(
            [
                Problem(
                    p.field,
                    f"{p.message} (with the parents already "
                    "recorded, which the file leaves as they are)",
                )
                for p in problems
            ]
        )


def _import_safeguard(
    db: Session,
    engagement_id: int,
    engagement_key: str,
    vendor_id: int,
    vendor_key: str,
    s: SafeguardDoc,
    term_items: Mapping[str, str],
    actor: str,
    report: Report,
) -> None:
    item_id = term_items.get(s.kind)
    if item_id is not None:
        # A term is the checklist item itself (services/risk_safeguards.py); its internal note
        # is the checklist's own and is left as it is.
        _, outcome = _upsert(
            db,
            AgreementItem,
            {"engagement_id": engagement_id, "vendor_id": vendor_id, "item_id": item_id},
            _state(s),
            actor=actor,
            entity="agreement-item",
            entity_key=engagement_key,
            head={"vendor": vendor_key, "item": item_id, "safeguard": s.kind},
        )
    else:
        _, outcome = _upsert(
            db,
            VendorSafeguard,
            {"engagement_id": engagement_id, "vendor_id": vendor_id, "kind": s.kind},
            _state(s),
            actor=actor,
            entity="safeguard",
            entity_key=engagement_key,
            head={"vendor": vendor_key, "kind": s.kind},
        )
    report.count("safeguard", outcome)


def _upsert(
    db: Session,
    model: Any,
    match: dict[str, Any],
    values: dict[str, Any],
    *,
    actor: str,
    entity: str,
    entity_key: str,
    head: dict[str, Any],
) -> tuple[Any, str]:
    """upserts.upsert, with head (what the record is about: vendor, kind, ...) in the audit
    record, since entity_key alone does not say it."""
    row = db.execute(select(model).filter_by(**match)).scalar_one_or_none()
    if row is None:
        row = model(**match, **values)
        db.add(row)
        db.flush()
        changes = {k: (None, v) for k, v in values.items() if v not in (None, "")}
        action, outcome = "create", "created"
    else:
        changes = {k: (getattr(row, k), v) for k, v in values.items() if getattr(row, k) != v}
        if not changes:
            return row, "unchanged"
        for name, (_old, new) in changes.items():
            setattr(row, name, new)
        db.flush()
        action, outcome = "update", "updated"
    audit.record(
        db=db,
        actor=actor,
        entity=entity,
        entity_key=entity_key,
        action=action,
        changes={**{k: (v, v) for k, v in head.items()}, **changes},
    )
    return row, outcome


def _import_critical_set(
    db: Session,
    engagement_id: int,
    engagement_key: str,
    critical: CriticalSetDoc,
    component_ids: Mapping[str, int],
    actor: str,
    report: Report,
) -> None:
    row, outcome = _upsert(
        db,
        CriticalSet,
        {"engagement_id": engagement_id, "key": critical.key},
        {
            "name": critical.name,
            "note": critical.note,
            "reveals_id": component_ids[critical.reveals] if critical.reveals else None,
        },
        actor=actor,
        entity="critical-set",
        entity_key=critical.key,
        head={"engagement": engagement_key},
    )
    stored = [
        key
        for (key,) in db.execute(
            select(col(Component.key))
            .join(CriticalSetMember, col(CriticalSetMember.component_id) == Component.id)
            .where(col(CriticalSetMember.critical_set_id) == row.id)
            .order_by(col(CriticalSetMember.position))
        )
    ]
    if stored != list(critical.members):
        db.execute(
            delete(CriticalSetMember).where(col(CriticalSetMember.critical_set_id) == row.id)
        )
        for position, member in enumerate(critical.members):
            db.add(
                CriticalSetMember(
                    critical_set_id=row.id or 0,
                    component_id=component_ids[member],
                    position=position,
                )
            )
        db.flush()
        audit.record(
            db=db,
            actor=actor,
            entity="critical-set",
            entity_key=critical.key,
            action="update",
            changes={
                "engagement": (engagement_key, engagement_key),
                "members": (stored, list(critical.members)),
            },
        )
        outcome = "updated" if outcome == "unchanged" else outcome
    report.count("critical set", outcome)
