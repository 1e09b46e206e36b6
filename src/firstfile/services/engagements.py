"""Use cases of an engagement's life: its overview, the phase guide, phases and cross-checks.

Each function is one unit of work; every change writes its audit record in the same
transaction. templates_dir is the user's template folder (or None), read for checklist items
before the shipped one.

Moving an engagement to "during" while a vendor's checklist has open critical items is refused
unless the caller passes override=True; the override and the items it overrode are recorded in
the audit trail (action "phase-override").

The vendor use cases live in services/vendors.py and the checklist ones in
services/agreements.py; this module re-exports them so `services.engagements` stays the one
entry point for the engagement screen and commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from firstfile.domain.checklist import (
    Blocker,
    Checklist,
    Flag,
    InternalChecklistDocument,
    competitor_flags,
    joint_ip_flags,
    needs_override,
)
from firstfile.domain.phase_guide import (
    EngagementFacts,
    PhaseSteps,
    Tick,
    phase_guide,
    step_definition,
)
from firstfile.domain.risk.cross_checks import disclosure_risk_flags, engagement_risk_flags
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import ENGAGEMENT_PHASES
from firstfile.services.agreements import (
    ItemUpdate,
    checklist_items,
    checklist_json,
    update_item,
    vendor_checklist,
    vendor_checklist_document,
)
from firstfile.services.checklist_items import ItemLoad
from firstfile.services.errors import Conflict, NotFound, UserError, unknown_engagement
from firstfile.services.organization import organization_name
from firstfile.services.races import retried
from firstfile.services.vendors import (
    ContactView,
    VendorChanges,
    VendorView,
    attach_vendor,
    create_vendor,
    delete_vendor,
    detach_vendor,
    get_vendor,
    list_vendors,
    require_engagement,
    update_vendor,
)
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage import risk_queries as rq
from firstfile.storage.engine import Store
from firstfile.storage.tables import Engagement, EngagementStep

# --- views --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementOverview:
    """One engagement: its phase, the phase guide, each vendor's checklist and the flags."""

    key: str
    name: str
    product: str
    phase: str
    guide: tuple[PhaseSteps, ...]
    vendors: tuple[VendorView, ...]
    checklists: tuple[Checklist, ...]
    flags: tuple[Flag, ...]
    blockers: tuple[Blocker, ...]  # critical items open: what a move to "during" would override
    problems: tuple[str, ...] = ()  # problems in checklist files (`path:line: what`)
    version: int = 1  # the engagement record's version, to pass back when changing it

    def checklist_for(self, vendor_key: str) -> Checklist | None:
        return next((c for c in self.checklists if c.vendor.key == vendor_key), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "product": self.product, "phase": self.phase,
            "guide": [
                {"phase": p.phase, "current": p.current, "steps": [
                    {"id": s.step.id, "title": s.step.title, "practice": s.step.practice,
                     "derived": s.step.derived, "done": s.done, "detail": s.detail,
                     "done_on": s.tick.done_on.isoformat() if s.tick else None,
                     "who": s.tick.who if s.tick else None,
                     "note": s.tick.note if s.tick else None}
                    for s in p.steps]}
                for p in self.guide
            ],
            "checklists": [checklist_json(c) for c in self.checklists],
            "flags": [{"kind": f.kind, "vendor": f.vendor_key, "disclosure": f.disclosure_key,
                       "message": f.message} for f in self.flags],
            "blockers": [{"vendor": b.vendor_key, "item": b.item_id, "status": b.status}
                         for b in self.blockers],
            "problems": list(self.problems), "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class PhaseChange:
    engagement_key: str
    old: str
    new: str
    overridden: tuple[Blocker, ...] = ()


@dataclass(frozen=True, slots=True)
class LastPhaseMove:
    """The engagement's latest phase move as the audit trail has it: the row's place in the
    chain (seq), the phases, when and by whom, and whether that move was itself an undo."""

    seq: int
    old: str
    new: str
    at: datetime
    actor_name: str
    was_undo: bool

    def __str__(self) -> str:
        return (f"{self.old} -> {self.new} by {self.actor_name} "
                f"on {self.at:%Y-%m-%d %H:%M}")


class PhaseBlocked(Conflict):
    """The move to "during" would share information while critical terms are still open."""

    def __init__(self, engagement_key: str, blockers: tuple[Blocker, ...]) -> None:
        self.blockers = blockers
        listed = "; ".join(str(b) for b in blockers[:5])
        more = f" and {len(blockers) - 5} more" if len(blockers) > 5 else ""
        super().__init__(
            f"{engagement_key} has {len(blockers)} open critical checklist item(s): "
            f"{listed}{more}. Finish them, or confirm the move with an override "
            "(it is recorded in the audit trail)"
        )


# --- the engagement, its guide and phases ---------------------------------------------------


def engagement_overview(
    store: Store, key: str, *, templates_dir: Path | None = None, today: date | None = None
) -> EngagementOverview:
    """The engagement with its phase guide, vendors, checklists, cross-check flags and blockers."""
    load = checklist_items(templates_dir)
    with store.read() as db:
        engagement = require_engagement(db=db, key=key)
        return _overview(db=db, engagement=engagement, load=load, today=today or date.today())


def _overview(
    *, db: Session, engagement: Engagement, load: ItemLoad, today: date
) -> EngagementOverview:
    vendors = q.engagement_vendors(db=db, engagement=engagement)
    checklists = q.checklists(db=db, engagement=engagement, vendors=vendors, items=load.items)
    by_vendor = {c.vendor.key: c for c in checklists}
    joint = q.joint_disclosures(db=db, engagement=engagement)
    joint_flags = joint_ip_flags(joint, by_vendor)
    facts = EngagementFacts(
        phase=engagement.phase,
        vendor_names={v.key: v.name for v in vendors},
        components=q.component_facts(db=db, engagement=engagement),
        critical_sets=rq.critical_sets(db=db, engagement_id=engagement.id or 0),
        session_phases=q.session_phases(db=db, engagement=engagement),
        disclosures=q.disclosure_facts(db=db, engagement=engagement),
        checklists=checklists,
        joint_ip_flag_count=len(joint_flags),
        ticks=q.ticks(db=db, engagement=engagement),
    )
    return EngagementOverview(
        key=engagement.key, name=engagement.name, product=engagement.product,
        phase=engagement.phase, guide=phase_guide(facts, today), vendors=tuple(vendors),
        checklists=tuple(checklists),
        flags=tuple(engagement_risk_flags(facts) + joint_flags + competitor_flags(checklists)),
        blockers=needs_override("during", checklists),
        problems=tuple(load.problems), version=engagement.version,
    )


@retried
def tick_step(
    store: Store, engagement_key: str, step_id: str, *, actor: str, done_on: date | None = None,
    note: str = "", who: str | None = None,
) -> Tick:
    """Tick a hand-ticked phase-guide step with a date, who and a note."""
    step = step_definition(step_id)
    if step is None:
        raise NotFound(f"no phase-guide step {step_id!r}")
    if step.derived:
        raise UserError(f"{step_id} is worked out from the data ({step.help}); it cannot be "
                        "ticked by hand")
    tick = Tick(done_on or date.today(), clean_line(who if who is not None else actor),
                clean_text(note).strip())
    if len(tick.who) > 200:  # EngagementStep.who
        raise UserError(f"who ticked it takes {len(tick.who):,} characters: the database "
                        "keeps 200; shorten it")
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = db.get(EngagementStep, (engagement.id, step_id))
        old = (row.done_on, row.who, row.note) if row else (None, None, None)
        if row is None:
            row = EngagementStep(engagement_id=engagement.id or 0, step_id=step_id,
                                 done_on=tick.done_on)
            db.add(row)
        row.done_on, row.who, row.note = tick.done_on, tick.who, tick.note
        audit.record(db=db, actor=actor, entity="engagement-step", entity_key=engagement_key,
                     action="tick", changes={"step": (step_id, step_id),
                                             "done_on": (old[0], tick.done_on),
                                             "who": (old[1], tick.who),
                                             "note": (old[2], tick.note)})
    return tick


@retried
def untick_step(store: Store, engagement_key: str, step_id: str, *, actor: str) -> bool:
    """Take a hand tick back; False when the step was not ticked."""
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = db.get(EngagementStep, (engagement.id, step_id))
        if row is None:
            return False
        audit.record(db=db, actor=actor, entity="engagement-step", entity_key=engagement_key,
                     action="untick", changes={"step": (step_id, step_id),
                                               "done_on": (row.done_on, None),
                                               "note": (row.note, None)})
        db.delete(row)
        return True


@retried
def change_phase(
    store: Store, engagement_key: str, phase: str, *, actor: str, override: bool = False,
    reason: str = "", templates_dir: Path | None = None, expected_version: int | None = None,
) -> PhaseChange:
    """Move an engagement to another phase.

    To "during" with open critical checklist items: refused (PhaseBlocked, listing them)
    unless override is True, in which case the move, the items overridden and the reason are
    recorded in the audit trail as a "phase-override". expected_version is the
    EngagementOverview.version the move was decided on: when the engagement was changed
    since, nothing is written and Conflict carries the stored overview.
    """
    if phase not in ENGAGEMENT_PHASES:
        raise UserError(f"phase must be one of {', '.join(ENGAGEMENT_PHASES)}, not {phase!r}")
    load = checklist_items(templates_dir)
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        if expected_version is not None and engagement.version != expected_version:
            raise Conflict(f"{engagement_key} was changed elsewhere since you opened it "
                           f"(version {engagement.version}, yours {expected_version}); "
                           "nothing was saved",
                           current=_overview(db=db, engagement=engagement, load=load,
                                             today=date.today()))
        old = engagement.phase
        if old == phase:
            return PhaseChange(engagement_key, old, phase)
        vendors = q.engagement_vendors(db=db, engagement=engagement)
        checklists = q.checklists(db=db, engagement=engagement, vendors=vendors, items=load.items)
        blocking = needs_override(phase, checklists)
        if blocking and not override:
            raise PhaseBlocked(engagement_key, blocking)
        engagement.phase = phase
        changes: dict[str, tuple[Any, Any]] = {"phase": (old, phase)}
        if blocking:
            changes["open_critical_items"] = (None, [f"{b.vendor_key}:{b.item_id}"
                                                     for b in blocking])
            changes["reason"] = (None, clean_text(reason).strip())
        audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                     action="phase-override" if blocking else "change-phase", changes=changes)
        return PhaseChange(engagement_key, old, phase, blocking)


def last_phase_move(store: Store, engagement_key: str) -> LastPhaseMove | None:
    """The engagement's latest phase move from the audit trail, or None when it never moved."""
    with store.read() as db:
        require_engagement(db=db, key=engagement_key)
        event = q.last_phase_event(db=db, engagement_key=engagement_key)
        return None if event is None else _phase_move(event)


def _phase_move(event: Any) -> LastPhaseMove:
    old, new = json.loads(event.changes)["phase"]
    return LastPhaseMove(seq=event.seq, old=old, new=new, at=event.at,
                         actor_name=event.actor_name or event.actor,
                         was_undo=event.action == "undo-phase-change")


@retried
def undo_phase_change(
    store: Store, engagement_key: str, *, actor: str, expected_seq: int | None = None,
    templates_dir: Path | None = None,
) -> PhaseChange:
    """Move the engagement back to the phase before its last phase move.

    The undo is a change of its own (audit action "undo-phase-change", naming the row it
    undoes); the row of the move stays. Refused, with nothing written, when there is no move
    to undo, when the last move was an undo already, when the phase is no longer the one the
    move set (something else changed it since), or when expected_seq (the LastPhaseMove.seq
    the user confirmed) is no longer the latest move. Going back to "during" over open
    critical items is refused as a move would be (PhaseBlocked): that needs a move with an
    override and a reason.
    """
    load = checklist_items(templates_dir)
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        event = q.last_phase_event(db=db, engagement_key=engagement_key)
        if event is None:
            raise UserError(f"{engagement_key} has no phase change to undo")
        move = _phase_move(event)
        if expected_seq is not None and move.seq != expected_seq:
            raise Conflict(f"{engagement_key}'s phase was changed again since ({move}); "
                           "nothing was undone")
        if move.was_undo:
            raise UserError(f"{engagement_key}'s last phase change was undone already "
                            f"({move}); move the phase on instead")
        if engagement.phase != move.new:
            raise Conflict(f"{engagement_key} is in {engagement.phase}, not {move.new} as the "
                           f"last recorded move ({move}) left it: something else changed the "
                           "phase since, so nothing was undone")
        vendors = q.engagement_vendors(db=db, engagement=engagement)
        checklists = q.checklists(db=db, engagement=engagement, vendors=vendors, items=load.items)
        blocking = needs_override(move.old, checklists)
        engagement.phase = move.old
        changes: dict[str, tuple[Any, Any]] = {"phase": (move.new, move.old),
                                               "undoes_seq": (None, move.seq)}
        if blocking:
            changes["open_critical_items"] = (None, [f"{b.vendor_key}:{b.item_id}"
                                                     for b in blocking])
        audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                     action="undo-phase-change", changes=changes)
        return PhaseChange(engagement_key, move.new, move.old)


@retried
def set_vendor_facing_name(store: Store, engagement_key: str, name: str, *, actor: str) -> str:
    """Set the name vendors see for the engagement (audited); returns it as stored. Their
    checklist files are named after it (rendering/checklist_export.py), so it needs a Latin
    letter or digit; "" clears it. UserError, and nothing written, otherwise."""
    from firstfile.domain.limits import NAME_CHARS, too_long
    from firstfile.rendering.safe_files import file_name_part

    cleaned = clean_line(name)
    message = too_long(cleaned, NAME_CHARS)
    if message:
        raise UserError(f"the vendor-facing name: {message}")
    if cleaned and not file_name_part(cleaned):
        raise UserError(f"the vendor-facing name {cleaned!r} names the vendor's files, so it "
                        "needs at least one Latin letter or digit (e.g. \"Project Falcon\")")
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        old = engagement.vendor_facing_name
        if old != cleaned:
            engagement.vendor_facing_name = cleaned
            audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                         action="update",
                         changes={"vendor_facing_name": (old or None, cleaned or None)})
    return cleaned


def cross_checks(
    store: Store, *, engagement_key: str | None = None, templates_dir: Path | None = None
) -> list[Flag]:
    """Cross-check flags of one engagement, or of every engagement: what to keep in-house
    that a vendor has, a vendor that could reproduce a critical set (on the engagement and on
    every disclosure about a member), joint IP not agreed, competitors not restricted."""
    load = checklist_items(templates_dir)
    with store.read() as db:
        engagements = q.engagements_by_key(db=db, key=engagement_key)
        if engagement_key is not None and not engagements:
            raise unknown_engagement(engagement_key)
        flags: list[Flag] = []
        for engagement in engagements:
            vendors = q.engagement_vendors(db=db, engagement=engagement)
            checklists = q.checklists(db=db, engagement=engagement, vendors=vendors,
                                      items=load.items)
            facts = EngagementFacts(
                phase=engagement.phase,
                vendor_names={v.key: v.name for v in vendors},
                components=q.component_facts(db=db, engagement=engagement),
                critical_sets=rq.critical_sets(db=db, engagement_id=engagement.id or 0),
            )
            flags += engagement_risk_flags(facts)
            flags += disclosure_risk_flags(
                facts, q.disclosure_components(db=db, engagement=engagement))
            flags += joint_ip_flags(q.joint_disclosures(db=db, engagement=engagement),
                                    {c.vendor.key: c for c in checklists})
            flags += competitor_flags(checklists)
        return flags


def disclosure_flags(
    store: Store, disclosure_key: str, *, templates_dir: Path | None = None
) -> list[Flag]:
    """The flags of one disclosure, shown in its editor: joint IP not agreed, and a vendor
    that could reproduce a critical set the disclosure's components belong to (or has one of
    them although it is to be kept in-house)."""
    with store.read() as db:
        exists, engagement_key = q.find_disclosure_engagement(db=db,
                                                              disclosure_key=disclosure_key)
    if not exists:
        raise NotFound(f"no disclosure {disclosure_key!r}")
    if engagement_key is None:
        return []
    return [f for f in cross_checks(store, engagement_key=engagement_key,
                                    templates_dir=templates_dir)
            if f.disclosure_key == disclosure_key]


# --- the company's own checklist document --------------------------------------------------------


def internal_checklist_document(
    store: Store, engagement_key: str, vendor_key: str, *, actor: str,
    templates_dir: Path | None = None, today: date | None = None,
) -> InternalChecklistDocument:
    """The company's own checklist document for one vendor: status, evidence, notes, flags."""
    overview = engagement_overview(store, engagement_key, templates_dir=templates_dir,
                                   today=today)
    checklist = overview.checklist_for(vendor_key)
    vendor = next((v for v in overview.vendors if v.key == vendor_key), None)
    if checklist is None or vendor is None:
        get_vendor(store, vendor_key)  # an unknown vendor says so
        raise NotFound(f"{vendor_key} is not a vendor on {engagement_key}")
    return InternalChecklistDocument(
        engagement_key=overview.key, engagement_name=overview.name, product=overview.product,
        phase=overview.phase, vendor_key=vendor.key, vendor_name=vendor.name,
        vendor_kind=vendor.kind, vendor_country=vendor.country, competitors=vendor.competitors,
        vendor_notes=vendor.notes, checklist=checklist,
        flags=tuple(f for f in overview.flags if f.vendor_key == vendor_key),
        issued_on=today or date.today(), prepared_by=actor,
        organization_name=organization_name(store),
    )


# The vendor and checklist use cases are re-exported: callers keep `services.engagements`.
__all__ = [
    "ContactView", "EngagementOverview", "ItemUpdate", "PhaseBlocked", "PhaseChange",
    "VendorChanges", "VendorView", "attach_vendor", "change_phase", "last_phase_move",
    "undo_phase_change", "checklist_items",
    "checklist_json", "create_vendor", "cross_checks", "delete_vendor", "detach_vendor",
    "disclosure_flags", "engagement_overview", "get_vendor", "internal_checklist_document",
    "list_vendors", "set_vendor_facing_name", "tick_step", "untick_step", "update_item",
    "update_vendor", "vendor_checklist", "vendor_checklist_document",
]
