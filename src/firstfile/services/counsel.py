"""Use cases of counsel: move a disclosure through review, decide, note, record events, and
see every deadline and what waits in the review queue.

Each public function is one unit of work; every change is audited in the same transaction.
Reviewer notes are returned only in ReviewState, which no export reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain import workflow
from firstfile.domain.deadline_rules import VendorNda
from firstfile.domain.deadlines import (
    Deadline,
    DisclosureEvents,
    DocketRow,
    compute_deadlines,
    compute_docket,
    designated_offices,
)
from firstfile.domain.disclosure import Problem, errors, validate
from firstfile.domain.filings import claim_problems, event_problems
from firstfile.domain.office_calendars import ClosureTable
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.views import DisclosureView, EventView
from firstfile.domain.vocabulary import EVENT_KINDS, INTERNAL
from firstfile.domain.workflow import ReviewState
from firstfile.services.disclosures import view_to_draft
from firstfile.services.errors import Conflict, NotFound, ValidationFailed, require_engagement_key
from firstfile.services.races import retried
from firstfile.storage import audit
from firstfile.storage.disclosure_queries import (
    build_view,
    event_row,
    event_view,
    find_disclosure,
)
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    Disclosure,
    DisclosureEvent,
    DisclosureInventor,
    Engagement,
    EngagementVendor,
    Vendor,
)

JURISDICTION_MAX = 8  # DisclosureEvent.jurisdiction
REFERENCE_MAX = 200  # DisclosureEvent.reference
NOTES_MAX_CHARS = 200_000


def _now() -> datetime:
    return datetime.now(UTC)


# --- reading -------------------------------------------------------------------------------


def review_state(store: Store, key: str) -> ReviewState:
    """Where one disclosure stands with counsel (with its internal reviewer notes)."""
    with store.read() as db:
        disclosure = _require(db=db, key=key)
        return _states(db=db, disclosures=[disclosure])[0]


def review_states(store: Store, keys: Iterable[str]) -> list[ReviewState]:
    """Review states of many disclosures (unknown keys are left out), in key order given."""
    wanted = list(keys)
    found: dict[str, ReviewState] = {}
    with store.read() as db:
        for start in range(0, len(wanted), 900):
            chunk = wanted[start:start + 900]
            disclosures = list(db.execute(
                select(Disclosure).where(Disclosure.key.in_(chunk))  # type: ignore[attr-defined]
            ).scalars())
            found.update((s.key, s) for s in _states(db=db, disclosures=disclosures))
    return [found[key] for key in wanted if key in found]


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One disclosure waiting on counsel, with its nearest unmet deadline."""

    state: ReviewState
    waiting_since: date | None
    nearest: Deadline | None
    engagement_key: str = ""


def review_queue(
    store: Store, *, as_of: date, closures: ClosureTable | None = None
) -> list[QueueItem]:
    """What waits on counsel (submitted, in review, decided, filed), oldest first.

    "Oldest" is the date submitted (a disclosure without one counts from its creation);
    ties go by key. Each item carries its nearest dated deadline that is not yet met or lost.
    closures are the offices' published closed days (default: the shipped table).
    """
    closures = _closures(closures)
    with store.read() as db:
        rows = list(
            db.execute(
                select(Disclosure, col(Engagement.key))
                .outerjoin(Engagement, col(Engagement.id) == col(Disclosure.engagement_id))
                .where(
                    Disclosure.deleted_at.is_(None),  # type: ignore[union-attr]
                    Disclosure.status.in_(workflow.AWAITING_COUNSEL),  # type: ignore[attr-defined]
                )
                .order_by(Disclosure.id)  # type: ignore[arg-type]
            )
        )
        disclosures = [d for d, _ in rows]
        states = _states(db=db, disclosures=disclosures)
        events = _events_by_id(db=db, ids=[d.id for d in disclosures if d.id is not None])
        ndas = _ndas_by_engagement(db=db, disclosures=disclosures)
    items: list[QueueItem] = []
    for (disclosure, engagement_key), state in zip(rows, states, strict=True):
        deadlines = compute_deadlines(
            events.get(disclosure.id or 0, ()),
            as_of=as_of,
            completed_in_china=disclosure.completed_in_china,
            german_employee_invention=disclosure.german_employee_invention,
            made_in_us=disclosure.made_in_us,
            designated=designated_offices(disclosure.jurisdictions),
            closures=closures,
            ndas=ndas.get(disclosure.engagement_id or 0, ()),
        )
        since = disclosure.submitted_on or disclosure.created_at.date()
        items.append(QueueItem(state, since, nearest_deadline(deadlines), engagement_key or ""))
    items.sort(key=lambda item: (item.waiting_since or date.max, item.state.key))
    return items


def nearest_deadline(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The soonest dated deadline still to be met (overdue, due soon or open)."""
    live = [d for d in deadlines if d.due is not None and d.state in ("overdue", "due-soon",
                                                                         "open")]
    return min(live, key=lambda d: d.due or date.max, default=None)


def docket(
    store: Store,
    *,
    as_of: date,
    engagement_key: str | None = None,
    keys: Iterable[str] | None = None,
    include_inactive: bool = False,
    closures: ClosureTable | None = None,
) -> list[DocketRow]:
    """Every deadline of every disclosure, soonest first (domain/deadlines.compute_docket).

    Drafts are included: a bar date runs from the engineer's trade-show talk whether or not
    the disclosure was submitted. Closed and withdrawn disclosures are left out unless
    include_inactive, since nothing will be filed for them; deleted ones always are.
    closures are the offices' published closed days (default: the shipped table; the CLI and
    the screen pass the user's, services/office_closures.load_closures).
    """
    closures = _closures(closures)
    with store.read() as db:
        require_engagement_key(db, engagement_key)
        stmt = (
            select(Disclosure)
            .outerjoin(Engagement, col(Engagement.id) == col(Disclosure.engagement_id))
            .where(Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
            .order_by(Disclosure.id)  # type: ignore[arg-type]
        )
        if engagement_key:
            stmt = stmt.where(col(Engagement.key) == engagement_key)
        if keys is not None:
            stmt = stmt.where(Disclosure.key.in_(list(keys)))  # type: ignore[attr-defined]
        if not include_inactive:
            stmt = stmt.where(Disclosure.status.not_in(workflow.INACTIVE))  # type: ignore[attr-defined]
        disclosures = list(db.execute(stmt).scalars())
        events = _events_by_id(db=db, ids=[d.id for d in disclosures if d.id is not None])
        ndas = _ndas_by_engagement(db=db, disclosures=disclosures)
    return compute_docket(
        (
            DisclosureEvents(
                d.key,
                events.get(d.id or 0, ()),
                d.completed_in_china,
                d.german_employee_invention,
                d.made_in_us,
                designated_offices(d.jurisdictions),
                ndas.get(d.engagement_id or 0, ()),
            )
            for d in disclosures
        ),
        as_of=as_of,
        closures=closures,
    )


# --- changing ------------------------------------------------------------------------------


@retried
def move_status(
    store: Store,
    key: str,
    target: str,
    *,
    actor: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewState:
    """Move a disclosure to target along the workflow (domain/workflow.TRANSITIONS).

    Submitting checks the whole disclosure strictly (inventors' shares total 100, a summary,
    ...); a refused move raises ValidationFailed and writes nothing.
    """
    with store.write() as db:
        disclosure = _require_live(db=db, key=key, expected_version=expected_version)
        problem = workflow.check_move(disclosure.status, target, disclosure.decision)
        if problem:
            raise ValidationFailed([Problem("status", problem)])
        if target == "submitted":
            view = build_view(db=db, disclosure=disclosure)
            draft = replace(view_to_draft(view), status="submitted")
            bad = errors(validate(draft, today=today))
            if bad:
                raise ValidationFailed(bad)
        now = _now()
        before = disclosure.status
        disclosure.status = target
        changes: dict[str, tuple[Any, Any]] = {"status": (before, target)}
        if target == "submitted" and disclosure.submitted_on is None:
            disclosure.submitted_on = today or now.date()
            changes["submitted_on"] = (None, disclosure.submitted_on)
        _touch(db=db, disclosure=disclosure, actor=actor, action="status", changes=changes,
               now=now)
        return _states(db=db, disclosures=[disclosure])[0]


@retried
def record_decision(
    store: Store,
    key: str,
    decision: str,
    rationale: str,
    *,
    actor: str,
    expected_version: int | None = None,
    today: date | None = None,
) -> ReviewState:
    """Record counsel's decision and why; the disclosure moves to "decided"."""
    rationale = clean_text(rationale).strip()
    with store.write() as db:
        disclosure = _require_live(db=db, key=key, expected_version=expected_version)
        problems = workflow.check_decision(disclosure.status, decision, rationale)
        if problems:
            raise ValidationFailed([Problem("decision", p) for p in problems])
        now = _now()
        decided_on = today or now.date()
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in (("decision", decision), ("decision_rationale", rationale),
                            ("decided_on", decided_on), ("status", "decided")):
            if getattr(disclosure, name) != value:
                changes[name] = (getattr(disclosure, name), value)
                setattr(disclosure, name, value)
        _touch(db=db, disclosure=disclosure, actor=actor, action="decide", changes=changes,
               now=now)
        return _states(db=db, disclosures=[disclosure])[0]


@retried
def set_reviewer_notes(
    store: Store, key: str, notes: str, *, actor: str, expected_version: int | None = None
) -> ReviewState:
    """Replace counsel's internal notes (never exported to inventors or vendors)."""
    notes = clean_text(notes)
    if len(notes) > NOTES_MAX_CHARS:
        raise ValidationFailed([Problem("reviewer_notes", f"shorten the notes to "
                                                          f"{NOTES_MAX_CHARS:,} characters")])
    with store.write() as db:
        disclosure = _require_live(db=db, key=key, expected_version=expected_version)
        if disclosure.reviewer_notes != notes:
            changes = {"reviewer_notes": (disclosure.reviewer_notes, notes)}
            disclosure.reviewer_notes = notes
            _touch(db=db, disclosure=disclosure, actor=actor, action="notes", changes=changes)
        return _states(db=db, disclosures=[disclosure])[0]


@retried
def set_german_employee_invention(
    store: Store, key: str, marked: bool, *, actor: str
) -> ReviewState:
    """Mark (or unmark) a German employee invention, which starts the ArbnErfG 4-month rule."""
    with store.write() as db:
        disclosure = _require_live(db=db, key=key, expected_version=None)
        if disclosure.german_employee_invention != marked:
            changes = {"german_employee_invention": (disclosure.german_employee_invention,
                                                     marked)}
            disclosure.german_employee_invention = marked
            _touch(db=db, disclosure=disclosure, actor=actor, action="update", changes=changes)
        return _states(db=db, disclosures=[disclosure])[0]


def check_event(event: EventView) -> tuple[EventView, list[Problem]]:
    """The event cleaned for storage, and what is wrong with it on its own.

    A filing or phase entry must name its office (the engine never guesses one), a date
    before 1980 is a typing mistake, and only a filing claims priority. Whether the claimed
    filings exist is checked against the disclosure by add_event.
    """
    claims: list[str] = []
    for reference in event.claims_priority_of:
        cleaned_reference = clean_line(reference)
        if cleaned_reference and cleaned_reference not in claims:
            claims.append(cleaned_reference)
    cleaned = EventView(
        kind=event.kind,
        date=event.date,
        jurisdiction=clean_line(event.jurisdiction).upper(),
        reference=clean_line(event.reference),
        note=clean_text(event.note),
        claims_priority_of=tuple(claims),
        restored=event.restored,
    )
    problems: list[Problem] = []
    if cleaned.kind not in EVENT_KINDS:
        problems.append(Problem("kind", f"use one of {', '.join(EVENT_KINDS)}, not "
                                        f"{cleaned.kind!r}"))
    problems.extend(event_problems(cleaned))
    if len(cleaned.jurisdiction) > JURISDICTION_MAX:
        problems.append(Problem("jurisdiction", "use a country or office code such as US, EP, "
                                                "CN or WO"))
    if len(cleaned.reference) > REFERENCE_MAX:
        problems.append(Problem("reference", f"shorten the reference to {REFERENCE_MAX} "
                                             "characters"))
    return cleaned, problems


@retried
def add_event(store: Store, key: str, event: EventView, *, actor: str) -> DisclosureView:
    """Record a disclosure, offer, filing or other event; returns the updated disclosure."""
    event, problems = check_event(event)
    if problems:
        raise ValidationFailed(problems)
    with store.write() as db:
        disclosure = _require_live(db=db, key=key, expected_version=None)
        assert disclosure.id is not None
        recorded = _events_by_id(db=db, ids=[disclosure.id]).get(disclosure.id, ())
        problems = claim_problems(event, recorded)
        if problems:
            raise ValidationFailed(problems)
        db.add(event_row(disclosure.id, event))
        _touch(db=db, disclosure=disclosure, actor=actor, action="event-add",
               changes={"events": (None, _event_text(event))})
        return build_view(db=db, disclosure=disclosure)


@retried
def remove_event(store: Store, key: str, event: EventView, *, actor: str) -> DisclosureView:
    """Remove one recorded event equal to event (kind, date, jurisdiction, reference)."""
    with store.write() as db:
        disclosure = _require_live(db=db, key=key, expected_version=None)
        found = db.execute(
            select(DisclosureEvent)
            .where(
                col(DisclosureEvent.disclosure_id) == disclosure.id,
                col(DisclosureEvent.kind) == event.kind,
                col(DisclosureEvent.happened_on) == event.date,
                col(DisclosureEvent.jurisdiction) == event.jurisdiction,
                col(DisclosureEvent.reference) == event.reference,
            )
            .order_by(DisclosureEvent.id)  # type: ignore[arg-type]
        ).scalars().first()
        if found is None:
            raise NotFound(f"{key} has no {event.kind} event on {event.date.isoformat()}"
                           f"{' in ' + event.jurisdiction if event.jurisdiction else ''}; "
                           f"`firstfile review show {key}` lists its events")
        removed = event_view(found)
        db.delete(found)
        _touch(db=db, disclosure=disclosure, actor=actor, action="event-remove",
               changes={"events": (_event_text(removed), None)})
        return build_view(db=db, disclosure=disclosure)


# --- helpers -------------------------------------------------------------------------------


def _event_text(event: EventView) -> str:
    text = f"{event.kind}:{event.date.isoformat()}:{event.jurisdiction}:{event.reference}"
    if event.claims_priority_of:
        text += f":claims {','.join(event.claims_priority_of)}"
    if event.restored:
        text += ":restored"
    return text


def _closures(closures: ClosureTable | None) -> ClosureTable:
    if closures is not None:
        return closures
    from firstfile.services.office_closures import load_closures

    return load_closures().table


def _ndas_by_engagement(
    *, db: Session, disclosures: list[Disclosure]
) -> dict[int, tuple[VendorNda, ...]]:
    """The recorded NDAs of the vendors on each engagement of these disclosures."""
    engagement_ids = sorted({d.engagement_id for d in disclosures if d.engagement_id})
    found: dict[int, list[VendorNda]] = defaultdict(list)
    for chunk in _chunks(engagement_ids):
        for engagement_id, vendor in db.execute(
            select(col(EngagementVendor.engagement_id), Vendor)
            .join(Vendor, col(Vendor.id) == col(EngagementVendor.vendor_id))
            .where(EngagementVendor.engagement_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(Vendor.key)
        ):
            if vendor.nda_signed_on is not None or vendor.nda_expires_on is not None:
                found[engagement_id].append(VendorNda(vendor.key, vendor.name,
                                                      vendor.nda_signed_on,
                                                      vendor.nda_expires_on))
    return {key: tuple(value) for key, value in found.items()}


def _touch(
    *,
    db: Session,
    disclosure: Disclosure,
    actor: str,
    action: str,
    changes: dict[str, tuple[Any, Any]],
    now: datetime | None = None,
) -> None:
    """Mark the disclosure changed and audit the change.

    Its version goes up with it (storage/versions.py), so an editor holding the old one is
    warned rather than saving over counsel's change.
    """
    now = now or _now()
    disclosure.updated_at = now
    db.add(disclosure)
    audit.record(db=db, actor=actor, entity="disclosure", entity_key=disclosure.key,
                 action=action, changes=changes)
    db.flush()


def _require(*, db: Session, key: str) -> Disclosure:
    disclosure = find_disclosure(db=db, key=key)
    if disclosure is None:
        raise NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")
    return disclosure


def _require_live(*, db: Session, key: str, expected_version: int | None) -> Disclosure:
    disclosure = _require(db=db, key=key)
    if disclosure.deleted_at is not None:
        raise ValidationFailed([Problem("disclosure", f"{key} is deleted; restore it first")])
    if expected_version is not None and disclosure.version != expected_version:
        raise Conflict(f"{key} was changed elsewhere since you opened it (version "
                       f"{disclosure.version}, yours {expected_version}); nothing was saved",
                       current=_states(db=db, disclosures=[disclosure])[0])
    return disclosure


def _states(*, db: Session, disclosures: list[Disclosure]) -> list[ReviewState]:
    ids = [d.id for d in disclosures if d.id is not None]
    vendors: dict[int, list[str]] = defaultdict(list)
    if ids:
        for chunk in _chunks(ids):
            links = db.execute(
                select(DisclosureInventor)
                .where(
                    DisclosureInventor.disclosure_id.in_(chunk),  # type: ignore[attr-defined]
                    col(DisclosureInventor.role) == "inventor",
                    col(DisclosureInventor.organization_key) != INTERNAL,
                )
                .order_by(DisclosureInventor.disclosure_id,  # type: ignore[arg-type]
                          col(DisclosureInventor.position))
            ).scalars()
            for link in links:
                name = link.organization_name or link.organization_key
                if name not in vendors[link.disclosure_id]:
                    vendors[link.disclosure_id].append(name)
    return [
        ReviewState(
            key=d.key,
            title=d.title,
            status=d.status,
            decision=d.decision,
            decision_rationale=d.decision_rationale,
            decided_on=d.decided_on,
            reviewer_notes=d.reviewer_notes,
            german_employee_invention=d.german_employee_invention,
            submitted_on=d.submitted_on,
            reverse_engineerable=d.reverse_engineerable,
            joint_vendors=tuple(vendors.get(d.id or 0, ())),
            version=d.version,
        )
        for d in disclosures
    ]


def _events_by_id(*, db: Session, ids: list[int]) -> dict[int, tuple[EventView, ...]]:
    found: dict[int, list[EventView]] = defaultdict(list)
    for chunk in _chunks(ids):
        for row in db.execute(
            select(DisclosureEvent)
            .where(DisclosureEvent.disclosure_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(DisclosureEvent.happened_on, DisclosureEvent.id)  # type: ignore[arg-type]
        ).scalars():
            found[row.disclosure_id].append(event_view(row))
    return {key: tuple(value) for key, value in found.items()}


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # SQLite limits bound parameters per statement; 900 stays well inside every limit.
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
