"""Use cases of the safeguards against a vendor's competitor work (practice 7) and of the
design-tactic actions for components kept in-house (practice 1).

A safeguard that is a term of the agreement (field-of-business restriction, exclusivity,
licensing incentive in the shipped checklist: the item tagged with the safeguard's kind) is
recorded once, as that agreement-checklist item of the vendor: the checklist and the risk
analysis then read the same status, date and evidence, and can never disagree. A safeguard
that is not a term (a premium rate for loyalty, by default, or a kind the organisation's
checklist has no item for) is recorded on its own (table vendorsafeguard). Either way the
rules of a safeguard apply when it is recorded here: done needs its date (default: today) and
where the evidence is; not applicable needs the reason.

Each function is one unit of work with its audit record: a checklist term as an
"agreement-item" update (as `firstfile checklist set` writes it, the safeguard named), any
other safeguard as a "safeguard" record, a tactic on the component's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.assessment import TacticState, tactic_state_problems
from firstfile.domain.risk.vendor_risk import Safeguard, safeguard_problems
from firstfile.domain.risk.vocabulary import DONE, NOT_APPLICABLE, SAFEGUARD_KINDS
from firstfile.domain.text import clean_line, clean_text
from firstfile.services.agreements import checklist_items
from firstfile.services.errors import UserError, ValidationFailed
from firstfile.services.risk import (
    policy,
    record_component_change,
    require_component,
    term_items,
)
from firstfile.services.vendors import require_engagement, require_engagement_vendor
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage import risk_queries as rq
from firstfile.storage.engine import Store
from firstfile.storage.tables import AgreementItem, TacticAction, VendorSafeguard


@dataclass(frozen=True, slots=True)
class ActionUpdate:
    """Where a safeguard or a design-tactic action stands now."""

    status: str
    on: date | None = None  # default: today when done or not applicable
    evidence: str = ""
    reason: str = ""
    who: str | None = None  # default: the actor


def record_safeguard(
    store: Store,
    engagement_key: str,
    vendor_key: str,
    kind: str,
    update: ActionUpdate,
    *,
    actor: str,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> Safeguard:
    """Record where one of the article's safeguards stands for a vendor of the engagement."""
    if kind not in SAFEGUARD_KINDS:
        raise UserError(f"{kind!r} is not a safeguard: use one of {', '.join(SAFEGUARD_KINDS)}")
    safeguard = Safeguard(kind, *_state(update, today))
    problems = safeguard_problems(vendor_key, safeguard)
    if problems:
        raise ValidationFailed(_options(problems))
    who = clean_line(update.who if update.who is not None else actor)
    items = term_items(checklist_items(templates_dir).items)
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        require_engagement_vendor(db=db, engagement=engagement, vendor_key=vendor_key)
        vendor_id = q.vendor_id(db=db, key=vendor_key)
        values: dict[str, Any] = {
            "status": safeguard.status,
            "done_on": safeguard.on,
            "evidence": safeguard.evidence,
            "reason": safeguard.reason,
            "who": who,
        }
        item_id = items.get(kind)
        row: AgreementItem | VendorSafeguard | None
        if item_id is not None:
            row = q.find_agreement_item(
                db=db, engagement=engagement, vendor_id=vendor_id, item_id=item_id
            )
            if row is None:
                row = AgreementItem(
                    engagement_id=engagement.id or 0, vendor_id=vendor_id, item_id=item_id
                )
                db.add(row)
            entity, head = (
                "agreement-item",
                {
                    "vendor": (vendor_key, vendor_key),
                    "item": (item_id, item_id),
                    "safeguard": (kind, kind),
                },
            )
        else:
            row = rq.find_safeguard(
                db=db, engagement_id=engagement.id or 0, vendor_id=vendor_id, kind=kind
            )
            if row is None:
                row = VendorSafeguard(
                    engagement_id=engagement.id or 0, vendor_id=vendor_id, kind=kind
                )
                db.add(row)
            entity, head = "safeguard", {"vendor": (vendor_key, vendor_key), "kind": (kind, kind)}
        diff = _diff(row, values)
        if diff:
            for name, (_old, value) in diff.items():
                setattr(row, name, value)
            db.flush()
            audit.record(
                db=db,
                actor=actor,
                entity=entity,
                entity_key=engagement_key,
                action="update",
                changes={**head, **diff},
            )
        return safeguard


def record_tactic(
    store: Store,
    engagement_key: str,
    component_key: str,
    vendor_key: str,
    tactic: str,
    update: ActionUpdate,
    *,
    actor: str,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> TacticState:
    """Record where one of the policy's design tactics stands for a component and a vendor
    that touches it (a sealed module supplied, the algorithm kept on on-shore servers, a
    tracer)."""
    tactics = {t.id for t in policy(templates_dir).tactics}
    if tactic not in tactics:
        raise UserError(
            f"{tactic!r} is not a design tactic of the firewall policy: use one of "
            f"{', '.join(sorted(tactics))}"
        )
    state = TacticState(component_key, vendor_key, tactic, *_state(update, today))
    problems = tactic_state_problems(state)
    if problems:
        raise ValidationFailed(_options(problems))
    who = clean_line(update.who if update.who is not None else actor)
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        component = require_component(db=db, engagement=engagement, key=component_key)
        require_engagement_vendor(db=db, engagement=engagement, vendor_key=vendor_key)
        vendor_id = q.vendor_id(db=db, key=vendor_key)
        row = rq.find_tactic_action(
            db=db, component_id=component.id or 0, vendor_id=vendor_id, tactic=tactic
        )
        if row is None:
            row = TacticAction(component_id=component.id or 0, vendor_id=vendor_id, tactic=tactic)
            db.add(row)
        diff = _diff(
            row,
            {
                "status": state.status,
                "done_on": state.on,
                "evidence": state.evidence,
                "reason": state.reason,
                "who": who,
            },
        )
        if diff:
            for name, (_old, value) in diff.items():
                setattr(row, name, value)
            db.flush()
            record_component_change(
                db,
                actor,
                engagement_key,
                component_key,
                "tactic",
                {"vendor": (vendor_key, vendor_key), "tactic": (tactic, tactic), **diff},
            )
        return state


def _state(update: ActionUpdate, today: date | None) -> tuple[str, date | None, str, str]:
    """(status, on, evidence, reason), cleaned; one settled (done, not applicable) is dated
    today unless a date is given."""
    status = update.status.strip().lower()
    on = update.on
    if on is None and status in (DONE, NOT_APPLICABLE):
        on = today or date.today()
    return status, on, clean_text(update.evidence).strip(), clean_text(update.reason).strip()


def _diff(row: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What differs between a row (a new one holds its defaults) and values."""
    return {
        name: (getattr(row, name), value)
        for name, value in values.items()
        if getattr(row, name) != value
    }


def _options(problems: list[Problem]) -> list[Problem]:
    """Problems with the option that fixes each."""
    hints = {".on": "--date", ".evidence": "--evidence", ".reason": "--reason"}
    shown = []
    for p in problems:
        hint = next((h for suffix, h in hints.items() if p.field.endswith(suffix)), "")
        if not hint and "evidence" in p.message:
            hint = "--evidence"
        shown.append(Problem(p.field, f"{p.message} ({hint})" if hint else p.message, p.severity))
    return shown
