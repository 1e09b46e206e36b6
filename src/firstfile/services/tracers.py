"""Use cases of tracers (practice 1): the register, issuing one marker per vendor, looking up a
code found on a copy, and the document canary every vendor document carries.

Each public function is one unit of work; every issue is audited in the same transaction
(entity "tracer", keyed by the code). The per-database secret is made on the first issue (and
audited, without its bytes); it is read here and nowhere else, and nothing this module returns
holds it. docs/RISK.md ("Tracers") says how a code is made and what a lookup proves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from firstfile.domain import crockford
from firstfile.domain.json_ready import json_ready
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.risk.vocabulary import FIREWALL
from firstfile.domain.tracers import (
    ALTERED,
    TRACER_KINDS,
    LookupResult,
    Tracer,
    TracerIssue,
    TracerRegister,
    format_code,
    issue_tracer,
    lookup,
    new_secret,
    parse_code,
)
from firstfile.services.errors import Conflict, NotFound, UserError
from firstfile.services.vendors import require_engagement, require_engagement_vendor
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage import tracer_queries as tq
from firstfile.storage.engine import DuplicateKey, Store
from firstfile.storage.tables import Component, ComponentDecision, ComponentVendor, Engagement

DOCUMENT_CANARY = "document-canary"
DEFAULT_KIND = "non-functional-part"
# What a document canary's register entry names as its "component": the documents sent to the
# vendor for the engagement. One canary per vendor and engagement, issued on the first export.
CANARY_DOCUMENTS = "vendor-documents"


@dataclass(frozen=True, slots=True)
class IssuedTracers:
    """The tracers an issue gave, one per vendor, and what the user should know about them.

    already_issued names the vendors whose tracer was issued before (same component, kind and
    day give the same code): it is returned as it is, not issued twice.
    """

    tracers: tuple[Tracer, ...]
    already_issued: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def list_tracers(store: Store, engagement_key: str) -> list[Tracer]:
    """The engagement's tracer register, oldest first."""
    with store.read() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        return tq.engagement_tracers(db=db, engagement=engagement)


def issue_tracers(
    store: Store,
    engagement_key: str,
    component_key: str,
    vendor_keys: Sequence[str],
    *,
    kind: str = DEFAULT_KIND,
    actor: str,
    today: date | None = None,
) -> IssuedTracers:
    """Issue a tracer of kind for component_key, one for each vendor, each with its own code.

    The component must be one of the engagement's and each vendor on it. Issuing again what
    was issued the same day returns the same tracer. Document canaries are issued by the
    vendor documents themselves, never here. Nothing is written when anything is wrong.
    """
    problems = _issue_problems(component_key, vendor_keys, kind)
    if problems:
        raise UserError("; ".join(problems))
    issued_on = today or date.today()
    try:
        return _issue(store, engagement_key, component_key, vendor_keys, kind, actor, issued_on)
    except (IntegrityError, DuplicateKey):  # the unit of work hands it on as DuplicateKey
        # Someone issued the same tracer at the same moment (its code is unique): the same
        # fields give the same code, so the second attempt finds it and returns it.
        return _issue(store, engagement_key, component_key, vendor_keys, kind, actor, issued_on)


def _issue(
    store: Store,
    engagement_key: str,
    component_key: str,
    vendor_keys: Sequence[str],
    kind: str,
    actor: str,
    issued_on: date,
) -> IssuedTracers:
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        component = q.find_component(db=db, engagement=engagement, key=component_key)
        if component is None:
            raise NotFound(_no_component(db, engagement, component_key))
        vendor_ids = {}
        for vendor_key in dict.fromkeys(vendor_keys):
            require_engagement_vendor(db=db, engagement=engagement, vendor_key=vendor_key)
            vendor_ids[vendor_key] = q.vendor_id(db=db, key=vendor_key)
        secret = _secret_for_issue(db=db, actor=actor)
        tracers: list[Tracer] = []
        again: list[str] = []
        for vendor_key, vendor_id in vendor_ids.items():
            issue = TracerIssue(engagement.key, component_key, vendor_key, issued_on, kind)
            tracer, new = _register(
                db=db,
                secret=secret,
                issue=issue,
                engagement_id=engagement.id or 0,
                vendor_id=vendor_id,
                actor=actor,
                reason="",
            )
            tracers.append(tracer)
            if not new:
                again.append(vendor_key)
        warnings = _issue_warnings(db, component, vendor_ids)
        return IssuedTracers(tuple(tracers), tuple(again), tuple(warnings))


def lookup_code(store: Store, code: str) -> LookupResult:
    """What a code found on a copy is: which vendor, component, engagement and date it was
    issued for and whether it is authentic, or that it is not ours, mistyped or unreadable.

    The check symbol is checked before the database is read; a code that checks is found by
    one index probe, and its entry's code derived again with this database's secret.
    """
    typed = code.strip()
    try:
        value = parse_code(typed)
    except crockford.CodeError:
        # Mistyped or unreadable: the domain says which, without the register or the secret.
        return lookup(typed, TracerRegister(()), b"")
    canonical = format_code(value)
    with store.read() as db:
        tracer = tq.tracer_by_code(db=db, code=canonical)
        secret = tq.tracer_secret(db=db)
    if tracer is None:
        return lookup(canonical, TracerRegister(()), b"")  # not ours; the secret is not used
    if secret is None:
        return LookupResult(
            ALTERED,
            canonical,
            tracer,
            f"{canonical} is in the register (vendor {tracer.vendor}, component "
            f"{tracer.component}), but this database has never issued a tracer, so the entry "
            "came from another database and cannot be checked here: look it up in the "
            "database that issued it",
        )
    return lookup(canonical, TracerRegister((tracer,)), secret)


def document_canary_in(
    *,
    db: Session,
    engagement_id: int,
    engagement_key: str,
    vendor_id: int,
    vendor_key: str,
    actor: str,
    today: date,
) -> Tracer:
    """The vendor's document canary for the engagement, issued (and audited) on first use.

    For use inside the caller's write unit of work, by every export meant for a vendor.
    """
    found = tq.find_canary(
        db=db,
        engagement_id=engagement_id,
        vendor_id=vendor_id,
        component=CANARY_DOCUMENTS,
        kind=DOCUMENT_CANARY,
    )
    if found is not None:
        return found
    secret = _secret_for_issue(db=db, actor=actor)
    issue = TracerIssue(engagement_key, CANARY_DOCUMENTS, vendor_key, today, DOCUMENT_CANARY)
    tracer, _ = _register(
        db=db,
        secret=secret,
        issue=issue,
        engagement_id=engagement_id,
        vendor_id=vendor_id,
        actor=actor,
        reason="first export of a document for the vendor",
    )
    return tracer


def find_document_canary(*, db: Session, engagement_id: int, vendor_id: int) -> Tracer | None:
    """The vendor's document canary for the engagement, or None before its first export."""
    return tq.find_canary(
        db=db,
        engagement_id=engagement_id,
        vendor_id=vendor_id,
        component=CANARY_DOCUMENTS,
        kind=DOCUMENT_CANARY,
    )


# --- inside a unit of work ---------------------------------------------------------------------


def _secret_for_issue(*, db: Session, actor: str) -> bytes:
    """The database's secret, made and audited on first use (the audit never holds it)."""
    found = tq.tracer_secret(db=db)
    if found is not None:
        return found
    secret, stored = tq.ensure_tracer_secret(db=db, secret=new_secret())
    if stored:
        audit.record(
            db=db,
            actor=actor,
            entity="tracer-secret",
            entity_key="tracers",
            action="create",
            changes={"secret": (None, "made for this database; never exported")},
        )
    return secret


def _register(
    *,
    db: Session,
    secret: bytes,
    issue: TracerIssue,
    engagement_id: int,
    vendor_id: int,
    actor: str,
    reason: str,
) -> tuple[Tracer, bool]:
    """Add the tracer for issue to the register, or return the one already there.

    True when it is new. A different tracer with the same code is refused (Conflict).
    """
    try:
        tracer = issue_tracer(secret, issue)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    existing = tq.tracer_by_code(db=db, code=tracer.code)
    if existing is not None:
        if existing == tracer:
            return existing, False
        raise Conflict(
            f"{issue.vendor}'s code {tracer.code} is already issued for {existing.vendor}, "
            f"{existing.component}: issue it on another day"
        )
    tq.add_tracer(db=db, tracer=tracer, engagement_id=engagement_id, vendor_id=vendor_id)
    changes: dict[str, tuple[Any, Any]] = {
        "engagement": (None, issue.engagement),
        "component": (None, issue.component),
        "vendor": (None, issue.vendor),
        "kind": (None, issue.kind),
        "issued_on": (None, issue.issued_on),
        "code": (None, tracer.code),
    }
    if reason:
        changes["reason"] = (None, reason)
    audit.record(
        db=db,
        actor=actor,
        entity="tracer",
        entity_key=tracer.code,
        action="issue",
        changes=changes,
    )
    return tracer, True


def _issue_problems(component_key: str, vendor_keys: Sequence[str], kind: str) -> list[str]:
    problems = []
    if kind == DOCUMENT_CANARY:
        problems.append(
            "a document canary is issued by the first export of a document for the vendor "
            "(firstfile export checklist ... --audience vendor): choose another kind"
        )
    elif kind not in TRACER_KINDS:
        kinds = ", ".join(k for k in TRACER_KINDS if k != DOCUMENT_CANARY)
        problems.append(f"unknown tracer kind {kind!r}: use one of {kinds}")
    if not is_valid_record_key(component_key):
        problems.append(f"{component_key!r} is not a component key")
    if not vendor_keys:
        problems.append("name at least one vendor")
    problems += [
        f"{key!r} is not a vendor key" for key in vendor_keys if not is_valid_record_key(key)
    ]
    return problems


def _no_component(db: Session, engagement: Engagement, key: str) -> str:
    keys = list(
        db.execute(
            select(col(Component.key))
            .where(col(Component.engagement_id) == engagement.id)
            .order_by(col(Component.key))
        ).scalars()
    )
    known = f"its components: {', '.join(keys)}" if keys else "it has no components yet"
    return f"no component {key!r} on {engagement.key}; {known}"


def _issue_warnings(db: Session, component: Component, vendor_ids: dict[str, int]) -> list[str]:
    """What makes a tracer useless as issued: a vendor that never receives the component."""
    warnings = []
    decision = db.get(ComponentDecision, component.id)
    if decision is not None and decision.disposition == FIREWALL:
        warnings.append(
            f"{component.key} is kept in-house (firewalled): a tracer only helps in what a "
            "vendor receives"
        )
    for vendor_key, vendor_id in vendor_ids.items():
        if db.get(ComponentVendor, (component.id, vendor_id)) is None:
            warnings.append(
                f"{vendor_key} is not assigned {component.key}: the tracer only helps once "
                "that vendor receives it"
            )
    return warnings


def tracer_json(tracer: Tracer) -> dict[str, Any]:
    """A register entry as the CLI's JSON prints it: the tracer with its `code` and what its
    kind means."""
    data: dict[str, Any] = json_ready(tracer)
    data["kind_meaning"] = TRACER_KINDS.get(tracer.kind, tracer.kind)
    return data
