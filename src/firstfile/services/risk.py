"""Use cases of the outsourcing-risk analysis (docs/RISK.md): the component tree, scores with
their reasons, decisions, assignments and pins, and the assessment of an engagement.

Each function is one unit of work; every change writes its audit record in the same
transaction and is checked in full first, so bad input changes nothing. A component's audit
records name it by key, with the engagement among the changes; its scores and decisions are
overwritten in place and their earlier values live only in those records
(`component_history`).

The firewall policy is read from the user's template folder first (services/firewall_policy.py);
a broken policy is reported with its lines and nothing is analysed or recorded that needs it.
Critical sets are in services/risk_sets.py, safeguards and design-tactic actions in
services/risk_safeguards.py, the best split in services/risk_split.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from firstfile.domain.checklist import ItemDefinition
from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.assessment import RiskAssessment, RiskInputs, assess
from firstfile.domain.risk.policy import FirewallPolicy, recommend
from firstfile.domain.risk.tree import (
    Assessment,
    ComponentNode,
    Decision,
    RiskInputError,
    Score,
    assessment_problems,
    decision_problems,
    tree_problems,
    where,
)
from firstfile.domain.risk.vendor_risk import safeguard_items
from firstfile.domain.risk.vocabulary import SCORE_LABELS, SCORE_NAMES
from firstfile.domain.text import clean_line, clean_text
from firstfile.services.agreements import checklist_items
from firstfile.services.errors import Conflict, NotFound, UserError, ValidationFailed
from firstfile.services.firewall_policy import load_policy
from firstfile.services.vendors import require_engagement, require_engagement_vendor
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage import risk_queries as rq
from firstfile.storage.engine import Store
from firstfile.storage.tables import Component, ComponentDecision, ComponentVendor, Engagement

# The user-facing option name of each score, for messages that say what to fix.
SCORE_OPTIONS: dict[str, str] = {
    "value_add": "value-add",
    "differentiation": "differentiation",
    "reverse_engineering_difficulty": "reverse-engineering",
}


class RiskDataError(UserError):
    """The engagement's risk data cannot be analysed as it is; the message lists every
    problem, each saying what to fix."""

    def __init__(self, problems: Sequence[Problem], what: str = "the analysis") -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{what} cannot be made; fix these and try again:\n{lines}")


# --- the policy and the inputs ------------------------------------------------------------------


def policy(templates_dir: Path | None = None) -> FirewallPolicy:
    """The firewall policy in force (the user's copy first), or PolicyError with its lines."""
    return load_policy([templates_dir] if templates_dir is not None else [])


def term_items(items: Sequence[ItemDefinition]) -> dict[str, str]:
    """safeguard kind -> checklist item id, for the safeguards that are agreement terms."""
    return safeguard_items(items)


def read_inputs(db: Session, engagement: Engagement, items: Sequence[ItemDefinition]) -> RiskInputs:
    """The engagement's RiskInputs, inside the caller's unit of work."""
    return rq.risk_inputs(
        db=db,
        engagement_id=engagement.id or 0,
        engagement_key=engagement.key,
        term_items=term_items(items),
    )


def risk_inputs(
    store: Store, engagement_key: str, *, templates_dir: Path | None = None
) -> RiskInputs:
    """Everything the analysis of one engagement reads, in one read."""
    items = checklist_items(templates_dir).items
    with store.read() as db:
        return read_inputs(db, require_engagement(db=db, key=engagement_key), items)


def assessment(
    store: Store, engagement_key: str, *, templates_dir: Path | None = None
) -> RiskAssessment:
    """The engagement's outsourcing-risk picture: components with recommendation and
    decision, vendors by risk, the exposure matrix, critical sets, flags and actions."""
    in_force = policy(templates_dir)
    inputs = risk_inputs(store, engagement_key, templates_dir=templates_dir)
    try:
        return assess(inputs, in_force)
    except RiskInputError as exc:
        raise RiskDataError(exc.problems, f"the risk picture of {engagement_key}") from exc


def component_history(
    store: Store, engagement_key: str, component_key: str
) -> list[dict[str, Any]]:
    """Every recorded change of a component (scores, reasons, decisions, moves, assignments),
    oldest first."""
    with store.read() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        require_component(db=db, engagement=engagement, key=component_key)
        return rq.component_history(
            db=db, engagement_key=engagement_key, component_key=component_key
        )


# --- components ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """New values and reasons for some of a component's scores; None leaves one as it is.

    `reason` is the reason for every score given here that has no reason of its own.
    """

    value_add: int | None = None
    value_add_reason: str | None = None
    differentiation: int | None = None
    differentiation_reason: str | None = None
    reverse_engineering_difficulty: int | None = None
    reverse_engineering_difficulty_reason: str | None = None
    reason: str | None = None
    assessor: str | None = None  # default: the actor
    assessed_on: date | None = None  # default: today

    def value(self, name: str) -> int | None:
        value: int | None = getattr(self, name)
        return value

    def reason_for(self, name: str) -> str | None:
        own: str | None = getattr(self, f"{name}_reason")
        if own is not None:
            return own
        return self.reason if self.value(name) is not None else None


def add_component(
    store: Store,
    engagement_key: str,
    key: str,
    *,
    name: str,
    kind: str = "",
    parent: str = "",
    scores: ScoreChange,
    actor: str,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> ComponentNode:
    """Add a node to the engagement's component tree with its three scores, each with its
    reason. The key must be new in the engagement; the parent, when given, a node of it."""
    aliases = policy(templates_dir).aliases
    name = clean_line(name)
    kind = clean_line(kind)
    parent = clean_line(parent)
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        nodes = rq.components(db=db, engagement_id=engagement.id or 0)
        if any(n.key == key for n in nodes):
            raise Conflict(
                f"{engagement_key} has a component {key!r} already; choose another "
                "key, or re-score it with `firstfile risk score`"
            )
        blank = Assessment(Score(0), Score(0), Score(0))
        new = _assessed(key, blank, scores, actor=actor, today=today, complete=True)
        node = ComponentNode(key, name, kind, new, parent)
        problems = [
            p for p in tree_problems([*nodes, node], aliases) if p.field.startswith(where(key))
        ]
        if problems:
            raise ValidationFailed(problems)
        ids = rq.component_ids(db=db, engagement_id=engagement.id or 0)
        row = Component(
            engagement_id=engagement.id or 0,
            key=key,
            name=name,
            kind=kind,
            parent_id=ids[parent] if parent else None,
            **_score_columns(new),
        )
        db.add(row)
        db.flush()
        _record(
            db,
            actor,
            engagement_key,
            key,
            "create",
            {
                "name": (None, name),
                "kind": (None, kind or None),
                "parent": (None, parent or None),
                **{f: (None, v) for f, v in _score_columns(new).items() if v not in ("", None)},
            },
        )
        return node


def rescore_component(
    store: Store,
    engagement_key: str,
    key: str,
    change: ScoreChange,
    *,
    actor: str,
    today: date | None = None,
) -> ComponentNode:
    """Re-score a component: each score given with its reason; scores not given keep theirs.

    A score that changes needs its reason in the same change (the old reason was for the old
    value), and after the change every score must have one; the assessor (default: the actor)
    and the date (default: today) become the whole assessment's. The old and new values and
    reasons are kept in the audit trail. Nothing given that differs: nothing written.
    """
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = require_component(db=db, engagement=engagement, key=key)
        old = _assessment_of(row)
        problems = []
        for name in SCORE_NAMES:
            value = change.value(name)
            if (
                value is not None
                and value != old.score(name).value
                and not (change.reason_for(name) or "").strip()
            ):
                option = SCORE_OPTIONS[name]
                problems.append(
                    Problem(
                        where(key, f"{name}.rationale"),
                        f"{SCORE_LABELS[name]} changes from {old.score(name).value} to {value}: "
                        f"say why in one line (--{option}-reason, or --reason)",
                    )
                )
        if problems:
            raise ValidationFailed(problems)
        new = _assessed(key, old, change, actor=actor, today=today, complete=False)
        if all(new.score(n) == old.score(n) for n in SCORE_NAMES):
            return rq.node(row, _parent_key(db, row), db.get(ComponentDecision, row.id))
        problems = assessment_problems(key, new)
        if problems:
            raise ValidationFailed(_with_options(problems))
        before, after = _score_columns(old), _score_columns(new)
        diff = {f: (before[f], after[f]) for f in after if before[f] != after[f]}
        for field, (_old, value) in diff.items():
            setattr(row, field, value)
        db.flush()
        _record(db, actor, engagement_key, key, "score", diff)
        return rq.node(row, _parent_key(db, row), db.get(ComponentDecision, row.id))


def update_component(
    store: Store,
    engagement_key: str,
    key: str,
    *,
    name: str | None = None,
    kind: str | None = None,
    actor: str,
    templates_dir: Path | None = None,
) -> bool:
    """Rename a component or change its kind; True when anything changed."""
    aliases = policy(templates_dir).aliases
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = require_component(db=db, engagement=engagement, key=key)
        values = {
            "name": row.name if name is None else clean_line(name),
            "kind": row.kind if kind is None else clean_line(kind),
        }
        nodes = rq.components(db=db, engagement_id=engagement.id or 0)
        changed = [
            replace(n, name=values["name"], kind=values["kind"]) if n.key == key else n
            for n in nodes
        ]
        problems = [p for p in tree_problems(changed, aliases) if p.field.startswith(where(key))]
        if problems:
            raise ValidationFailed(problems)
        diff = {f: (getattr(row, f), v) for f, v in values.items() if getattr(row, f) != v}
        for field, (_old, value) in diff.items():
            setattr(row, field, value)
        if diff:
            db.flush()
            _record(db, actor, engagement_key, key, "update", diff)
        return bool(diff)


def move_component(store: Store, engagement_key: str, key: str, parent: str, *, actor: str) -> bool:
    """Hang a component under another node ("" puts it directly under the product); True
    when it moved. A move that would make a node its own ancestor is refused, the loop named."""
    parent = clean_line(parent)
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = require_component(db=db, engagement=engagement, key=key)
        nodes = rq.components(db=db, engagement_id=engagement.id or 0)
        old_parent = next(n.parent for n in nodes if n.key == key)
        if old_parent == parent:
            return False
        if parent and not any(n.key == parent for n in nodes):
            raise NotFound(
                f"{engagement_key} has no component {parent!r} to hang {key} under; "
                "`firstfile risk ENGAGEMENT` lists them"
            )
        # The moved node first, so a loop is spelled out from it: bms → afe-board → bms.
        moved = [replace(n, parent=parent) for n in nodes if n.key == key]
        moved += [n for n in nodes if n.key != key]
        loops = [p for p in tree_problems(moved) if p.field.endswith(".parent")]
        if loops:
            raise ValidationFailed(loops)
        ids = rq.component_ids(db=db, engagement_id=engagement.id or 0)
        row.parent_id = ids[parent] if parent else None
        db.flush()
        _record(
            db, actor, engagement_key, key, "move", {"parent": (old_parent or None, parent or None)}
        )
        return True


# --- decisions ----------------------------------------------------------------------------------


def decide(
    store: Store,
    engagement_key: str,
    key: str,
    disposition: str,
    *,
    reason: str = "",
    actor: str,
    decided_by: str | None = None,
    decided_on: date | None = None,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> Decision:
    """Record the user's decision for a component next to the policy's recommendation.

    A decision against the recommendation needs the reason (what a reader in a dispute will
    ask about); who decided defaults to the actor, the date to today. The previous decision,
    if any, is kept in the audit trail.
    """
    in_force = policy(templates_dir)
    decision = Decision(
        disposition=clean_line(disposition).lower(),
        reason=clean_text(reason).strip(),
        decided_by=clean_line(decided_by if decided_by is not None else actor),
        decided_on=decided_on or today or date.today(),
    )
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = require_component(db=db, engagement=engagement, key=key)
        recommended = recommend(_assessment_of(row), in_force)
        problems = decision_problems(key, decision, recommended.disposition)
        if problems:
            raise ValidationFailed(_decision_options(problems))
        stored = db.get(ComponentDecision, row.id)
        old = _decision_of(stored)
        if old == decision:
            return decision
        if stored is None:
            stored = ComponentDecision(component_id=row.id or 0, disposition=decision.disposition)
            db.add(stored)
        stored.disposition = decision.disposition
        stored.reason = decision.reason
        stored.decided_by = decision.decided_by
        stored.decided_on = decision.decided_on
        db.flush()
        _record(
            db,
            actor,
            engagement_key,
            key,
            "decide",
            {
                "decision": (old.disposition if old else None, decision.disposition),
                "reason": (old.reason if old else None, decision.reason),
                "decided_by": (old.decided_by if old else None, decision.decided_by),
                "decided_on": (old.decided_on if old else None, decision.decided_on),
                "recommendation": (recommended.disposition, recommended.disposition),
            },
        )
        return decision


def withdraw_decision(
    store: Store, engagement_key: str, key: str, *, actor: str, reason: str = ""
) -> bool:
    """Take a decision back, so the recommendation applies again; False when there was none.
    The decision withdrawn, and why, stay in the audit trail."""
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = require_component(db=db, engagement=engagement, key=key)
        stored = db.get(ComponentDecision, row.id)
        if stored is None:
            return False
        _record(
            db,
            actor,
            engagement_key,
            key,
            "withdraw-decision",
            {
                "decision": (stored.disposition, None),
                "reason": (stored.reason, None),
                "decided_by": (stored.decided_by, None),
                "decided_on": (stored.decided_on, None),
                "why": (None, clean_text(reason).strip()),
            },
        )
        db.delete(stored)
        return True


# --- assignments and pins -----------------------------------------------------------------------


def assign(
    store: Store,
    engagement_key: str,
    component_key: str,
    vendor_key: str,
    *,
    actor: str,
    pinned: bool | None = None,
) -> bool:
    """Assign a component to a vendor of the engagement, or change whether the assignment is
    pinned (kept by the best split); pinned None leaves a standing assignment as it is and
    makes a new one unpinned. True when anything changed."""
    with store.write() as db:
        return _assign_in(
            db, engagement_key, component_key, vendor_key, actor=actor, pinned=pinned, create=True
        )


def _assign_in(
    db: Session,
    engagement_key: str,
    component_key: str,
    vendor_key: str,
    *,
    actor: str,
    pinned: bool | None,
    create: bool,
) -> bool:
    engagement = require_engagement(db=db, key=engagement_key)
    row = require_component(db=db, engagement=engagement, key=component_key)
    require_engagement_vendor(db=db, engagement=engagement, vendor_key=vendor_key)
    vendor_id = q.vendor_id(db=db, key=vendor_key)
    before = _vendors_of(db, engagement, component_key)
    link = rq.find_assignment(db=db, component_id=row.id or 0, vendor_id=vendor_id)
    if link is None:
        if not create:
            raise NotFound(f"{component_key} is not assigned to {vendor_key}; nothing to unpin")
        link = ComponentVendor(component_id=row.id or 0, vendor_id=vendor_id, pinned=bool(pinned))
        db.add(link)
        db.flush()
        _record(
            db,
            actor,
            engagement_key,
            component_key,
            "assign",
            {
                "vendors": (before, sorted({*before, vendor_key})),
                "pinned": (None, [vendor_key] if link.pinned else None),
            },
        )
        return True
    if pinned is None or link.pinned == pinned:
        return False
    link.pinned = pinned
    db.flush()
    _record(
        db,
        actor,
        engagement_key,
        component_key,
        "pin" if pinned else "unpin",
        {"pinned": (not pinned, pinned), "vendor": (vendor_key, vendor_key)},
    )
    return True


def unassign(
    store: Store, engagement_key: str, component_key: str, vendor_key: str, *, actor: str
) -> bool:
    """Take a component away from a vendor; False when it was not assigned to it."""
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = require_component(db=db, engagement=engagement, key=component_key)
        vendor = q.find_vendor(db=db, key=vendor_key)
        if vendor is None:
            raise NotFound(f"no vendor {vendor_key!r}; `firstfile vendors list` shows them")
        link = rq.find_assignment(db=db, component_id=row.id or 0, vendor_id=vendor.id or 0)
        if link is None:
            return False
        before = _vendors_of(db, engagement, component_key)
        _record(
            db,
            actor,
            engagement_key,
            component_key,
            "unassign",
            {
                "vendors": (before, [v for v in before if v != vendor_key]),
                "pinned": ([vendor_key] if link.pinned else None, None),
            },
        )
        db.delete(link)
        return True


def pin(
    store: Store,
    engagement_key: str,
    component_key: str,
    vendor_key: str,
    *,
    actor: str,
    pinned: bool = True,
) -> bool:
    """Pin an assignment so the best split keeps it (assigning the component first when it
    is not yet), or unpin a standing one; True when anything changed."""
    with store.write() as db:
        return _assign_in(
            db, engagement_key, component_key, vendor_key, actor=actor, pinned=pinned, create=pinned
        )


# --- lookups and helpers shared by the risk services -------------------------------------------


def require_component(*, db: Session, engagement: Engagement, key: str) -> Component:
    """The engagement's component with this key; NotFound saying where to look otherwise."""
    row = rq.find_component_row(db=db, engagement_id=engagement.id or 0, key=key)
    if row is None:
        raise NotFound(
            f"{engagement.key} has no component {key!r}; `firstfile risk "
            f"{engagement.key}` lists them"
        )
    return row


def record_component_change(
    db: Session,
    actor: str,
    engagement_key: str,
    component_key: str,
    action: str,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    """An audit record of a component change, naming the engagement among the changes."""
    _record(db, actor, engagement_key, component_key, action, changes)


def _record(
    db: Session,
    actor: str,
    engagement_key: str,
    component_key: str,
    action: str,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    audit.record(
        db=db,
        actor=actor,
        entity="component",
        entity_key=component_key,
        action=action,
        changes={"engagement": (engagement_key, engagement_key), **changes},
    )


def _assessment_of(row: Component) -> Assessment:
    return Assessment(
        Score(row.value_add, row.value_add_reason),
        Score(row.differentiation, row.differentiation_reason),
        Score(row.reverse_engineering_difficulty, row.reverse_engineering_difficulty_reason),
        row.assessor,
        row.assessed_on,
    )


def _decision_of(row: ComponentDecision | None) -> Decision | None:
    if row is None:
        return None
    return Decision(row.disposition, row.reason, row.decided_by, row.decided_on)


def _score_columns(assessment: Assessment) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name in SCORE_NAMES:
        score = assessment.score(name)
        columns[name] = score.value
        columns[f"{name}_reason"] = score.rationale
    columns["assessor"] = assessment.assessor
    columns["assessed_on"] = assessment.assessed_on
    return columns


def _assessed(
    key: str,
    old: Assessment,
    change: ScoreChange,
    *,
    actor: str,
    today: date | None,
    complete: bool,
) -> Assessment:
    """old with change applied, assessed by change.assessor (default: the actor) on
    change.assessed_on (default: today). complete: every score must be given and the result
    pass assessment_problems (a new component)."""
    scores = {}
    missing = []
    for name in SCORE_NAMES:
        value = change.value(name)
        reason = change.reason_for(name)
        if value is None and complete:
            missing.append(
                Problem(
                    where(key, name),
                    f"give {SCORE_LABELS[name]} from 1 to 5 (--{SCORE_OPTIONS[name]})",
                )
            )
            continue
        current = old.score(name)
        scores[name] = Score(
            current.value if value is None else value,
            current.rationale if reason is None else clean_line(reason),
        )
    if missing:
        raise ValidationFailed(missing)
    new = Assessment(
        scores["value_add"],
        scores["differentiation"],
        scores["reverse_engineering_difficulty"],
        clean_line(change.assessor if change.assessor is not None else actor),
        change.assessed_on or today or date.today(),
    )
    if complete:
        problems = assessment_problems(key, new)
        if problems:
            raise ValidationFailed(_with_options(problems))
    return new


def _with_options(problems: list[Problem]) -> list[Problem]:
    """Problems about a score's reason, with the option that gives it."""
    shown = []
    for problem in problems:
        message = problem.message
        for name, option in SCORE_OPTIONS.items():
            if problem.field.endswith(f".{name}.rationale") and message.startswith("say in"):
                message = f"{message} (--{option}-reason, or --reason)"
        shown.append(Problem(problem.field, message, problem.severity))
    return shown


def _decision_options(problems: list[Problem]) -> list[Problem]:
    return [
        Problem(
            p.field,
            f"{p.message} (--reason)" if p.field.endswith(".reason") else p.message,
            p.severity,
        )
        for p in problems
    ]


def _parent_key(db: Session, row: Component) -> str:
    if row.parent_id is None:
        return ""
    parent = db.get(Component, row.parent_id)
    return parent.key if parent is not None else ""


def _vendors_of(db: Session, engagement: Engagement, component_key: str) -> list[str]:
    return sorted(
        vendor
        for _row, component, vendor in rq.assignment_rows(db=db, engagement_id=engagement.id or 0)
        if component == component_key
    )
