"""Use cases of an engagement's life: vendors, the phase guide, agreement checklists, phases.

Each function is one unit of work; every change writes its audit record in the same
transaction. Checklist items are data (services/checklist_items.py) read from the user's
template folder first, then the shipped one; templates_dir is that user folder (or None).

Moving an engagement to "during" while a vendor's checklist has open critical items is refused
unless the caller passes override=True; the override and the items it overrode are recorded in
the audit trail (action "phase-override").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from firstfile.domain.checklist import (
    ITEM_STATUSES,
    Blocker,
    Checklist,
    ChecklistLine,
    Flag,
    InternalChecklistDocument,
    ItemDefinition,
    ItemState,
    JointDisclosure,
    VendorChecklistDocument,
    VendorFacts,
    build_checklist,
    competitor_flags,
    joint_ip_flags,
    needs_override,
    state_problems,
    vendor_terms,
)
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.phase_guide import (
    ComponentFacts,
    DisclosureFacts,
    EngagementFacts,
    PhaseSteps,
    Tick,
    phase_guide,
    step_definition,
)
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import ENGAGEMENT_PHASES, INTERNAL, VENDOR_KINDS
from firstfile.services.checklist_items import ItemLoad, load_items
from firstfile.services.errors import Conflict, NotFound, UserError
from firstfile.storage import audit
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    AgreementItem,
    Component,
    ComponentVendor,
    Disclosure,
    DisclosureInventor,
    Engagement,
    EngagementStep,
    EngagementVendor,
    ExtractionSession,
    Person,
    Vendor,
)

# --- views --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactView:
    key: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class VendorView:
    """A vendor with everything the company knows about it (internal: notes, competitors)."""

    key: str
    name: str
    kind: str
    country: str
    competitors: tuple[str, ...] = ()
    notes: str = ""
    contacts: tuple[ContactView, ...] = ()
    engagements: tuple[str, ...] = ()

    @property
    def facts(self) -> VendorFacts:
        return VendorFacts(self.key, self.name, self.kind, self.country,
                           serves_competitor=bool(self.competitors))

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "kind": self.kind, "country": self.country,
            "competitors": list(self.competitors), "notes": self.notes,
            "contacts": [{"key": c.key, "name": c.name, "email": c.email} for c in self.contacts],
            "engagements": list(self.engagements),
        }


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
            "problems": list(self.problems),
        }


def checklist_json(checklist: Checklist) -> dict[str, Any]:
    """A checklist as the CLI's JSON prints it (internal: status, evidence, notes)."""
    return {
        "vendor": checklist.vendor.key,
        "complete": checklist.complete,
        "items": [
            {"id": line.item.id, "title": line.item.title, "critical": line.item.critical,
             "status": line.state.status, "reason": line.state.reason,
             "evidence": line.state.evidence, "internal_note": line.state.internal_note,
             "done_on": line.state.done_on.isoformat() if line.state.done_on else None,
             "who": line.state.who}
            for line in checklist.lines
        ],
    }


@dataclass(frozen=True, slots=True)
class PhaseChange:
    engagement_key: str
    old: str
    new: str
    overridden: tuple[Blocker, ...] = ()


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


@dataclass(frozen=True, slots=True)
class VendorChanges:
    """Fields to change on a vendor; None leaves a field as it is."""

    name: str | None = None
    kind: str | None = None
    country: str | None = None
    competitors: Sequence[str] | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class ItemUpdate:
    """A checklist item's new state; None leaves a field as it is."""

    status: str | None = None
    reason: str | None = None
    evidence: str | None = None
    internal_note: str | None = None
    done_on: date | None = None
    who: str | None = None


# --- vendors ------------------------------------------------------------------------------------


def list_vendors(store: Store) -> list[VendorView]:
    """Every vendor with its contacts and engagements, by name."""
    with store.read() as db:
        vendors = list(db.execute(select(Vendor).order_by(Vendor.name, Vendor.key)).scalars())
        return _vendor_views(db, vendors)


def get_vendor(store: Store, key: str) -> VendorView:
    with store.read() as db:
        return _vendor_views(db, [_vendor(db, key)])[0]


def create_vendor(
    store: Store, *, key: str, name: str, kind: str = "contract-manufacturer",
    country: str = "", competitors: Sequence[str] = (), notes: str = "", actor: str,
) -> VendorView:
    """Add a vendor; the key must be new."""
    values = _vendor_values(name=name, kind=kind, country=country, competitors=competitors,
                            notes=notes)
    if not is_valid_record_key(key):
        raise UserError(f"{key!r} is not a usable vendor key: letters, digits, '.', '_' or '-'")
    with store.write() as db:
        if db.execute(select(Vendor.id).where(Vendor.key == key)).first() is not None:
            raise Conflict(f"a vendor with the key {key!r} exists already; choose another key")
        vendor = Vendor(key=key, **values)
        db.add(vendor)
        db.flush()
        audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="create",
                     changes={k: (None, v) for k, v in values.items() if v})
        return _vendor_views(db, [vendor])[0]


def update_vendor(store: Store, key: str, changes: VendorChanges, *, actor: str) -> VendorView:
    """Change a vendor's fields; only what differs is written and audited."""
    with store.write() as db:
        vendor = _vendor(db, key)
        values = _vendor_values(
            name=vendor.name if changes.name is None else changes.name,
            kind=vendor.kind if changes.kind is None else changes.kind,
            country=vendor.country if changes.country is None else changes.country,
            competitors=(vendor.competitors.split("\n") if changes.competitors is None
                         else changes.competitors),
            notes=vendor.notes if changes.notes is None else changes.notes,
        )
        diff = {k: (getattr(vendor, k), v) for k, v in values.items() if getattr(vendor, k) != v}
        for name, (_old, new) in diff.items():
            setattr(vendor, name, new)
        if diff:
            db.flush()
            audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="update",
                         changes=diff)
        return _vendor_views(db, [vendor])[0]


def delete_vendor(store: Store, key: str, *, actor: str) -> None:
    """Remove a vendor nothing refers to; a vendor with history is kept (Conflict)."""
    with store.write() as db:
        vendor = _vendor(db, key)
        uses = {
            "engagements": db.execute(select(func.count()).select_from(EngagementVendor)
                                      .where(EngagementVendor.vendor_id == vendor.id)),
            "contacts": db.execute(select(func.count()).select_from(Person)
                                   .where(Person.vendor_id == vendor.id)),
            "components": db.execute(select(func.count()).select_from(ComponentVendor)
                                     .where(ComponentVendor.vendor_id == vendor.id)),
            "checklist items": db.execute(select(func.count()).select_from(AgreementItem)
                                          .where(AgreementItem.vendor_id == vendor.id)),
        }
        used = [f"{n} {what}" for what, result in uses.items() if (n := int(result.scalar_one()))]
        if used:
            raise Conflict(f"{key} is still referred to ({', '.join(used)}); remove it from its "
                           "engagements and people first — its history is kept otherwise")
        db.delete(vendor)
        audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="delete",
                     changes={"name": (vendor.name, None)})


def attach_vendor(store: Store, engagement_key: str, vendor_key: str, *, actor: str) -> bool:
    """Put a vendor on an engagement; False when it was already there."""
    with store.write() as db:
        engagement, vendor = _engagement(db, engagement_key), _vendor(db, vendor_key)
        link = db.get(EngagementVendor, (engagement.id, vendor.id))
        if link is not None:
            return False
        db.add(EngagementVendor(engagement_id=engagement.id or 0, vendor_id=vendor.id or 0))
        audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                     action="add-vendor", changes={"vendor": (None, vendor_key)})
        return True


def detach_vendor(store: Store, engagement_key: str, vendor_key: str, *, actor: str) -> bool:
    """Take a vendor off an engagement (its checklist states are kept); False if not on it."""
    with store.write() as db:
        engagement, vendor = _engagement(db, engagement_key), _vendor(db, vendor_key)
        link = db.get(EngagementVendor, (engagement.id, vendor.id))
        if link is None:
            return False
        db.delete(link)
        audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                     action="remove-vendor", changes={"vendor": (vendor_key, None)})
        return True


def set_firewalled(
    store: Store, engagement_key: str, component_key: str, firewalled: bool, *, actor: str
) -> bool:
    """Mark a component as kept in-house (practice 1) or not; True when it changed."""
    with store.write() as db:
        engagement = _engagement(db, engagement_key)
        component = db.execute(select(Component).where(
            Component.engagement_id == engagement.id, Component.key == component_key)).scalar()
        if component is None:
            raise NotFound(f"no component {component_key!r} on {engagement_key}")
        if component.firewalled == firewalled:
            return False
        audit.record(db=db, actor=actor, entity="component", entity_key=component_key,
                     action="update", changes={"firewalled": (component.firewalled, firewalled),
                                               "engagement": (engagement_key, engagement_key)})
        component.firewalled = firewalled
        return True


# --- the engagement, its guide and checklists ----------------------------------------------------


def checklist_items(templates_dir: Path | None = None) -> ItemLoad:
    """The checklist item definitions (user folder first, then shipped) and any file problems."""
    return load_items([templates_dir] if templates_dir is not None else [])


def engagement_overview(
    store: Store, key: str, *, templates_dir: Path | None = None, today: date | None = None
) -> EngagementOverview:
    """The engagement with its phase guide, vendors, checklists, cross-check flags and blockers."""
    load = checklist_items(templates_dir)
    today = today or date.today()
    with store.read() as db:
        engagement = _engagement(db, key)
        vendors = _engagement_vendors(db, engagement)
        checklists = _checklists(db, engagement, vendors, load.items)
        by_vendor = {c.vendor.key: c for c in checklists}
        joint = _joint_disclosures(db, engagement)
        joint_flags = joint_ip_flags(joint, by_vendor)
        facts = EngagementFacts(
            phase=engagement.phase,
            vendor_names={v.key: v.name for v in vendors},
            components=_components(db, engagement),
            session_phases=_session_phases(db, engagement),
            disclosures=_disclosure_facts(db, engagement),
            checklists=checklists,
            joint_ip_flag_count=len(joint_flags),
            ticks=_ticks(db, engagement),
        )
        return EngagementOverview(
            key=engagement.key, name=engagement.name, product=engagement.product,
            phase=engagement.phase, guide=phase_guide(facts, today), vendors=tuple(vendors),
            checklists=tuple(checklists),
            flags=tuple(joint_flags + competitor_flags(checklists)),
            blockers=needs_override("during", checklists),
            problems=tuple(load.problems),
        )


def vendor_checklist(
    store: Store, engagement_key: str, vendor_key: str, *, templates_dir: Path | None = None
) -> Checklist:
    """One vendor's checklist in one engagement (the vendor must be on the engagement)."""
    load = checklist_items(templates_dir)
    with store.read() as db:
        engagement = _engagement(db, engagement_key)
        vendor = _engagement_vendor(db, engagement, vendor_key)
        return _checklists(db, engagement, [vendor], load.items)[0]


def update_item(
    store: Store, engagement_key: str, vendor_key: str, item_id: str, update: ItemUpdate, *,
    actor: str, templates_dir: Path | None = None, today: date | None = None,
) -> ChecklistLine:
    """Change where a checklist item stands: status, reason, evidence, note, date, who.

    Marking an item done without a date records today, and without a name records the actor.
    Not applicable needs a reason. Only applicable items of the vendor can be set.
    """
    items = {i.id: i for i in checklist_items(templates_dir).items}
    with store.write() as db:
        engagement = _engagement(db, engagement_key)
        vendor = _engagement_vendor(db, engagement, vendor_key)
        item = items.get(item_id)
        if item is None or not item.when.holds_for(vendor.facts):
            known = ", ".join(i.id for i in items.values() if i.when.holds_for(vendor.facts))
            raise NotFound(f"{item_id!r} is not on {vendor_key}'s checklist; items: {known}")
        row = db.execute(select(AgreementItem).where(
            AgreementItem.engagement_id == engagement.id,
            AgreementItem.vendor_id == _vendor_id(db, vendor_key),
            AgreementItem.item_id == item_id)).scalar()
        old = _state(row) if row is not None else ItemState()
        new = _merge(old, update, actor=actor, today=today or date.today())
        problems = state_problems(new)
        if problems:
            raise UserError(f"{item_id}: " + "; ".join(problems))
        diff = {name: (getattr(old, name), getattr(new, name)) for name in _STATE_FIELDS
                if getattr(old, name) != getattr(new, name)}
        if diff:
            if row is None:
                row = AgreementItem(engagement_id=engagement.id or 0,
                                    vendor_id=_vendor_id(db, vendor_key), item_id=item_id)
                db.add(row)
            for name, (_old, value) in diff.items():
                setattr(row, name, value)
            db.flush()
            changes: dict[str, tuple[Any, Any]] = {"vendor": (vendor_key, vendor_key),
                                                   "item": (item_id, item_id)}
            audit.record(db=db, actor=actor, entity="agreement-item", entity_key=engagement_key,
                         action="update", changes={**changes, **diff})
        return ChecklistLine(item, new)


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
    with store.write() as db:
        engagement = _engagement(db, engagement_key)
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


def untick_step(store: Store, engagement_key: str, step_id: str, *, actor: str) -> bool:
    """Take a hand tick back; False when the step was not ticked."""
    with store.write() as db:
        engagement = _engagement(db, engagement_key)
        row = db.get(EngagementStep, (engagement.id, step_id))
        if row is None:
            return False
        audit.record(db=db, actor=actor, entity="engagement-step", entity_key=engagement_key,
                     action="untick", changes={"step": (step_id, step_id),
                                               "done_on": (row.done_on, None),
                                               "note": (row.note, None)})
        db.delete(row)
        return True


def change_phase(
    store: Store, engagement_key: str, phase: str, *, actor: str, override: bool = False,
    reason: str = "", templates_dir: Path | None = None,
) -> PhaseChange:
    """Move an engagement to another phase.

    To "during" with open critical checklist items: refused (PhaseBlocked, listing them)
    unless override is True, in which case the move, the items overridden and the reason are
    recorded in the audit trail as a "phase-override".
    """
    if phase not in ENGAGEMENT_PHASES:
        raise UserError(f"phase must be one of {', '.join(ENGAGEMENT_PHASES)}, not {phase!r}")
    load = checklist_items(templates_dir)
    with store.write() as db:
        engagement = _engagement(db, engagement_key)
        old = engagement.phase
        if old == phase:
            return PhaseChange(engagement_key, old, phase)
        vendors = _engagement_vendors(db, engagement)
        blocking = needs_override(phase, _checklists(db, engagement, vendors, load.items))
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


def cross_checks(
    store: Store, *, engagement_key: str | None = None, templates_dir: Path | None = None
) -> list[Flag]:
    """Cross-check flags of one engagement, or of every engagement."""
    load = checklist_items(templates_dir)
    with store.read() as db:
        stmt = select(Engagement).order_by(Engagement.key)
        if engagement_key is not None:
            stmt = stmt.where(Engagement.key == engagement_key)
        engagements = list(db.execute(stmt).scalars())
        if engagement_key is not None and not engagements:
            raise NotFound(f"no engagement {engagement_key!r}")
        flags: list[Flag] = []
        for engagement in engagements:
            checklists = _checklists(db, engagement, _engagement_vendors(db, engagement),
                                     load.items)
            flags += joint_ip_flags(_joint_disclosures(db, engagement),
                                    {c.vendor.key: c for c in checklists})
            flags += competitor_flags(checklists)
        return flags


def disclosure_flags(
    store: Store, disclosure_key: str, *, templates_dir: Path | None = None
) -> list[Flag]:
    """The joint-IP flags of one disclosure (shown on the disclosure)."""
    with store.read() as db:
        row = db.execute(select(Disclosure.engagement_id).where(
            Disclosure.key == disclosure_key)).first()
        if row is None:
            raise NotFound(f"no disclosure {disclosure_key!r}")
        if row[0] is None:
            return []
        engagement_key = db.execute(select(Engagement.key).where(
            Engagement.id == row[0])).scalar_one()
    return [f for f in cross_checks(store, engagement_key=engagement_key,
                                    templates_dir=templates_dir)
            if f.disclosure_key == disclosure_key]


# --- the checklist documents -------------------------------------------------------------------


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
    )


def vendor_checklist_document(
    store: Store, engagement_key: str, vendor_key: str, *, templates_dir: Path | None = None,
    today: date | None = None,
) -> VendorChecklistDocument:
    """The checklist to send to the vendor, built from an allowlist of fields.

    It reads only what the vendor may see or what decides which terms apply: the vendor's
    name, kind and country, whether it serves any competitor (never whom), and which items
    were ruled out. Nothing from the internal checklist (status, evidence, notes, dates,
    names), no other vendor, component or disclosure is read at all, so none can leak.
    """
    items = checklist_items(templates_dir).items
    with store.read() as db:
        engagement_id = db.execute(select(Engagement.id).where(
            Engagement.key == engagement_key)).scalar()
        if engagement_id is None:
            raise NotFound(f"no engagement {engagement_key!r}; `firstfile engagements list` "
                           "shows them")
        row = db.execute(
            select(Vendor.id, Vendor.name, Vendor.kind, Vendor.country,
                   func.length(func.trim(Vendor.competitors)) > 0)
            .join(EngagementVendor, EngagementVendor.vendor_id == Vendor.id)
            .where(EngagementVendor.engagement_id == engagement_id, Vendor.key == vendor_key)
        ).first()
        if row is None:
            _vendor(db, vendor_key)
            raise NotFound(f"{vendor_key} is not a vendor on {engagement_key}")
        vendor_id, name, kind, country, serves_competitor = row
        ruled_out = set(db.execute(select(AgreementItem.item_id).where(
            AgreementItem.engagement_id == engagement_id, AgreementItem.vendor_id == vendor_id,
            AgreementItem.status == "not-applicable")).scalars())
    facts = VendorFacts(vendor_key, name, kind, country, serves_competitor=bool(serves_competitor))
    return VendorChecklistDocument(vendor_name=name, issued_on=today or date.today(),
                                   terms=vendor_terms(items, facts, ruled_out))


# --- reading helpers ------------------------------------------------------------------------


_STATE_FIELDS = ("status", "reason", "evidence", "internal_note", "done_on", "who")


def _state(row: AgreementItem) -> ItemState:
    return ItemState(status=row.status, reason=row.reason, evidence=row.evidence,
                     internal_note=row.internal_note, done_on=row.done_on, who=row.who)


def _merge(old: ItemState, update: ItemUpdate, *, actor: str, today: date) -> ItemState:
    status = old.status if update.status is None else update.status.strip().lower()
    if status not in ITEM_STATUSES:
        raise UserError(f"status must be one of {', '.join(ITEM_STATUSES)}, not {status!r}")
    done_on = old.done_on if update.done_on is None else update.done_on
    who = old.who if update.who is None else clean_line(update.who)
    if status in ("done", "not-applicable") and old.status != status:
        # The date and the name are the evidence of when, and by whom, it was settled.
        done_on = update.done_on or today
        who = clean_line(update.who) if update.who else actor
    elif status in ("open", "in-progress") and update.done_on is None:
        done_on = None
    reason = old.reason if update.reason is None else clean_text(update.reason).strip()
    if status != "not-applicable" and update.reason is None:
        reason = ""
    return ItemState(
        status=status, reason=reason,
        evidence=old.evidence if update.evidence is None else clean_text(update.evidence).strip(),
        internal_note=(old.internal_note if update.internal_note is None
                       else clean_text(update.internal_note).strip()),
        done_on=done_on, who=who,
    )


def _vendor_values(*, name: str, kind: str, country: str, competitors: Sequence[str],
                   notes: str) -> dict[str, str]:
    name = clean_line(name)
    if not name:
        raise UserError("give the vendor's name")
    if kind not in VENDOR_KINDS:
        raise UserError(f"kind must be one of {', '.join(VENDOR_KINDS)}, not {kind!r}")
    country = clean_line(country).upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise UserError(f"{country!r} is not a country code: use two letters, such as CN or MX")
    names: list[str] = []
    for competitor in competitors:
        cleaned = clean_line(competitor)
        if cleaned and cleaned not in names:
            names.append(cleaned)
    return {"name": name, "kind": kind, "country": country, "competitors": "\n".join(names),
            "notes": clean_text(notes).strip()}


def _engagement(db: Session, key: str) -> Engagement:
    engagement = db.execute(select(Engagement).where(Engagement.key == key)).scalar()
    if engagement is None:
        raise NotFound(f"no engagement {key!r}; `firstfile engagements list` shows them")
    return engagement


def _vendor(db: Session, key: str) -> Vendor:
    vendor = db.execute(select(Vendor).where(Vendor.key == key)).scalar()
    if vendor is None:
        raise NotFound(f"no vendor {key!r}; `firstfile vendors list` shows them")
    return vendor


def _vendor_id(db: Session, key: str) -> int:
    return int(db.execute(select(Vendor.id).where(Vendor.key == key)).scalar_one())


def _engagement_vendor(db: Session, engagement: Engagement, vendor_key: str) -> VendorView:
    for vendor in _engagement_vendors(db, engagement):
        if vendor.key == vendor_key:
            return vendor
    _vendor(db, vendor_key)  # an unknown key says so; a known one is not on the engagement
    raise NotFound(f"{vendor_key} is not a vendor on {engagement.key}")


def _vendor_views(db: Session, vendors: list[Vendor]) -> list[VendorView]:
    ids = [v.id for v in vendors]
    contacts: dict[int, list[ContactView]] = {}
    for person in db.execute(select(Person).where(Person.vendor_id.in_(ids))  # type: ignore[union-attr]
                             .order_by(Person.name)).scalars():
        contacts.setdefault(person.vendor_id or 0, []).append(
            ContactView(person.key, person.name, person.email))
    engagements: dict[int, list[str]] = {}
    for vendor_id, key in db.execute(
        select(EngagementVendor.vendor_id, Engagement.key)
        .join(Engagement, Engagement.id == EngagementVendor.engagement_id)
        .where(EngagementVendor.vendor_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(Engagement.key)
    ):
        engagements.setdefault(vendor_id, []).append(key)
    return [
        VendorView(
            key=v.key, name=v.name, kind=v.kind, country=v.country,
            competitors=tuple(c for c in v.competitors.split("\n") if c.strip()),
            notes=v.notes, contacts=tuple(contacts.get(v.id or 0, ())),
            engagements=tuple(engagements.get(v.id or 0, ())),
        )
        for v in vendors
    ]


def _engagement_vendors(db: Session, engagement: Engagement) -> list[VendorView]:
    vendors = list(db.execute(
        select(Vendor).join(EngagementVendor, EngagementVendor.vendor_id == Vendor.id)
        .where(EngagementVendor.engagement_id == engagement.id)
        .order_by(Vendor.name, Vendor.key)
    ).scalars())
    return _vendor_views(db, vendors)


def _checklists(
    db: Session, engagement: Engagement, vendors: list[VendorView],
    items: Sequence[ItemDefinition],
) -> list[Checklist]:
    states: dict[str, dict[str, ItemState]] = {}
    for row, vendor_key in db.execute(
        select(AgreementItem, Vendor.key).join(Vendor, Vendor.id == AgreementItem.vendor_id)
        .where(AgreementItem.engagement_id == engagement.id)
    ):
        states.setdefault(vendor_key, {})[row.item_id] = _state(row)
    return [build_checklist(items, v.facts, states.get(v.key, {})) for v in vendors]


def _joint_disclosures(db: Session, engagement: Engagement) -> list[JointDisclosure]:
    found: dict[str, tuple[str, list[str]]] = {}
    for key, title, vendor_key in db.execute(
        select(Disclosure.key, Disclosure.title, DisclosureInventor.organization_key)
        .join(DisclosureInventor, DisclosureInventor.disclosure_id == Disclosure.id)
        .where(Disclosure.engagement_id == engagement.id,
               Disclosure.deleted_at.is_(None),  # type: ignore[union-attr]
               DisclosureInventor.role == "inventor",
               DisclosureInventor.organization_key != INTERNAL)
        .order_by(Disclosure.key, DisclosureInventor.position)
    ):
        entry = found.setdefault(key, (title, []))
        if vendor_key not in entry[1]:
            entry[1].append(vendor_key)
    return [JointDisclosure(key, title, tuple(keys)) for key, (title, keys) in found.items()]


def _components(db: Session, engagement: Engagement) -> list[ComponentFacts]:
    assigned: dict[int, list[str]] = {}
    for component_id, vendor_key in db.execute(
        select(ComponentVendor.component_id, Vendor.key)
        .join(Vendor, Vendor.id == ComponentVendor.vendor_id)
        .join(Component, Component.id == ComponentVendor.component_id)
        .where(Component.engagement_id == engagement.id)
        .order_by(Vendor.key)
    ):
        assigned.setdefault(component_id, []).append(vendor_key)
    return [
        ComponentFacts(c.key, c.name, c.firewalled, tuple(assigned.get(c.id or 0, ())))
        for c in db.execute(select(Component).where(Component.engagement_id == engagement.id)
                            .order_by(Component.key)).scalars()
    ]


def _session_phases(db: Session, engagement: Engagement) -> dict[str, int]:
    return {
        phase: int(n) for phase, n in db.execute(
            select(ExtractionSession.phase, func.count())
            .where(ExtractionSession.engagement_id == engagement.id)
            .group_by(ExtractionSession.phase))
    }


def _disclosure_facts(db: Session, engagement: Engagement) -> list[DisclosureFacts]:
    return [
        DisclosureFacts(key, status, _as_date(created), decision or "")
        for key, status, created, decision in db.execute(
            select(Disclosure.key, Disclosure.status, Disclosure.created_at, Disclosure.decision)
            .where(Disclosure.engagement_id == engagement.id,
                   Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
        )
    ]


def _ticks(db: Session, engagement: Engagement) -> dict[str, Tick]:
    return {
        row.step_id: Tick(row.done_on, row.who, row.note)
        for row in db.execute(select(EngagementStep).where(
            EngagementStep.engagement_id == engagement.id)).scalars()
    }


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    return value


__all__ = [
    "ContactView", "EngagementOverview", "ItemUpdate", "PhaseBlocked", "PhaseChange",
    "VendorChanges", "VendorView", "attach_vendor", "change_phase", "checklist_items",
    "checklist_json", "create_vendor", "cross_checks", "delete_vendor", "detach_vendor",
    "disclosure_flags", "engagement_overview", "get_vendor", "internal_checklist_document",
    "list_vendors", "set_firewalled", "tick_step", "untick_step", "update_item",
    "update_vendor", "vendor_checklist", "vendor_checklist_document",
]
