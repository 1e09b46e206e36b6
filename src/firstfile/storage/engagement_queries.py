"""Reading an engagement and its vendors: vendor views, checklists, phase-guide facts.

Every function runs inside the caller's unit of work (`db`) and writes nothing. Lookups by key
return None when nothing matches; the services turn that into a message that says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from firstfile.domain.checklist import (
    Checklist,
    ItemDefinition,
    ItemState,
    JointDisclosure,
    VendorFacts,
    build_checklist,
)
from firstfile.domain.phase_guide import ComponentFacts, DisclosureFacts, Tick
from firstfile.domain.vocabulary import INTERNAL
from firstfile.storage.tables import (
    AgreementItem,
    AuditEvent,
    Component,
    ComponentDecision,
    ComponentVendor,
    Disclosure,
    DisclosureComponent,
    DisclosureInventor,
    Engagement,
    EngagementStep,
    EngagementVendor,
    ExtractionSession,
    Person,
    Tracer,
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
    nda_signed_on: date | None = None
    nda_expires_on: date | None = None
    version: int = 1  # the vendor record's version, to pass back when changing it

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
            "nda_signed_on": self.nda_signed_on.isoformat() if self.nda_signed_on else None,
            "nda_expires_on": self.nda_expires_on.isoformat() if self.nda_expires_on else None,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class VendorTermsFacts:
    """What decides which terms a vendor is sent: no status, evidence, note, date or name."""

    vendor_id: int
    name: str
    kind: str
    country: str
    serves_competitor: bool


# --- engagements and vendors by key -------------------------------------------------------------


def find_engagement(*, db: Session, key: str) -> Engagement | None:
    """The engagement with this key, or None."""
    return db.execute(select(Engagement).where(col(Engagement.key) == key)).scalar()


def vendor_facing_facts(*, db: Session, engagement_id: int, vendor_id: int) -> tuple[str, int]:
    """The engagement's vendor-facing name, and on how many engagements the vendor is (its
    vendor checklist files would share a name when the name is not set)."""
    name = db.execute(select(col(Engagement.vendor_facing_name))
                      .where(col(Engagement.id) == engagement_id)).scalar() or ""
    count = db.execute(select(func.count()).select_from(EngagementVendor)
                       .where(col(EngagementVendor.vendor_id) == vendor_id)).scalar() or 0
    return str(name), int(count)


def find_engagement_id(*, db: Session, key: str) -> int | None:
    """The id of the engagement with this key (nothing else of it is read), or None."""
    return db.execute(select(col(Engagement.id)).where(col(Engagement.key) == key)).scalar()


def engagements_by_key(*, db: Session, key: str | None = None) -> list[Engagement]:
    """Every engagement by key, or only the one with this key (an empty list if none)."""
    stmt = select(Engagement).order_by(col(Engagement.key))
    if key is not None:
        stmt = stmt.where(col(Engagement.key) == key)
    return list(db.execute(stmt).scalars())


def find_vendor(*, db: Session, key: str) -> Vendor | None:
    """The vendor with this key, or None."""
    return db.execute(select(Vendor).where(col(Vendor.key) == key)).scalar()


def vendor_key_taken(*, db: Session, key: str) -> bool:
    """Whether a vendor has this key already."""
    return db.execute(select(col(Vendor.id)).where(col(Vendor.key) == key)).first() is not None


def vendor_id(*, db: Session, key: str) -> int:
    """The id of a vendor known to exist."""
    return int(db.execute(select(col(Vendor.id)).where(col(Vendor.key) == key)).scalar_one())


def vendor_uses(*, db: Session, vendor: Vendor) -> dict[str, int]:
    """How many engagements, contacts, components, checklist items and tracers refer to a
    vendor."""
    counted: dict[str, tuple[Any, Any]] = {
        "engagements": (EngagementVendor, col(EngagementVendor.vendor_id)),
        "contacts": (Person, col(Person.vendor_id)),
        "components": (ComponentVendor, col(ComponentVendor.vendor_id)),
        "checklist items": (AgreementItem, col(AgreementItem.vendor_id)),
        "tracers": (Tracer, col(Tracer.vendor_id)),
    }
    return {
        what: int(db.execute(select(func.count()).select_from(table)
                             .where(column == vendor.id)).scalar_one())
        for what, (table, column) in counted.items()
    }


def find_component(*, db: Session, engagement: Engagement, key: str) -> Component | None:
    """The engagement's component with this key, or None."""
    return db.execute(select(Component).where(
        col(Component.engagement_id) == engagement.id, col(Component.key) == key)).scalar()


def find_disclosure_engagement(*, db: Session, disclosure_key: str) -> tuple[bool, str | None]:
    """Whether the disclosure exists, and the key of its engagement (None if it has none)."""
    row = db.execute(select(col(Disclosure.engagement_id)).where(
        col(Disclosure.key) == disclosure_key)).first()
    if row is None:
        return False, None
    if row[0] is None:
        return True, None
    return True, db.execute(select(col(Engagement.key)).where(
        col(Engagement.id) == row[0])).scalar_one()


# --- vendor views -------------------------------------------------------------------------------


def all_vendors(*, db: Session) -> list[VendorView]:
    """Every vendor with its contacts and engagements, by name."""
    vendors = list(db.execute(select(Vendor).order_by(col(Vendor.name),
                                                      col(Vendor.key))).scalars())
    return vendor_views(db=db, vendors=vendors)


def vendor_views(*, db: Session, vendors: list[Vendor]) -> list[VendorView]:
    """The vendors with their contacts and engagements, in the order given."""
    ids = [v.id for v in vendors]
    contacts: dict[int, list[ContactView]] = {}
    for person in db.execute(select(Person).where(col(Person.vendor_id).in_(ids))
                             .order_by(col(Person.name))).scalars():
        contacts.setdefault(person.vendor_id or 0, []).append(
            ContactView(person.key, person.name, person.email))
    engagements: dict[int, list[str]] = {}
    for vendor_id_, key in db.execute(
        select(col(EngagementVendor.vendor_id), col(Engagement.key))
        .join(Engagement, col(Engagement.id) == col(EngagementVendor.engagement_id))
        .where(col(EngagementVendor.vendor_id).in_(ids))
        .order_by(col(Engagement.key))
    ):
        engagements.setdefault(vendor_id_, []).append(key)
    return [
        VendorView(
            key=v.key, name=v.name, kind=v.kind, country=v.country,
            competitors=tuple(c for c in v.competitors.split("\n") if c.strip()),
            notes=v.notes, contacts=tuple(contacts.get(v.id or 0, ())),
            engagements=tuple(engagements.get(v.id or 0, ())),
            nda_signed_on=v.nda_signed_on, nda_expires_on=v.nda_expires_on, version=v.version,
        )
        for v in vendors
    ]


def engagement_vendors(*, db: Session, engagement: Engagement) -> list[VendorView]:
    """The vendors on an engagement, by name."""
    vendors = list(db.execute(
        select(Vendor).join(EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
        .where(col(EngagementVendor.engagement_id) == engagement.id)
        .order_by(col(Vendor.name), col(Vendor.key))
    ).scalars())
    return vendor_views(db=db, vendors=vendors)


# --- checklists ---------------------------------------------------------------------------------


def item_state(row: AgreementItem) -> ItemState:
    """A stored checklist item's state."""
    return ItemState(status=row.status, reason=row.reason, evidence=row.evidence,
                     internal_note=row.internal_note, done_on=row.done_on, who=row.who,
                     version=row.version)


def find_agreement_item(
    *, db: Session, engagement: Engagement, vendor_id: int, item_id: str
) -> AgreementItem | None:
    """The stored state of one vendor's checklist item, or None while it was never set."""
    return db.execute(select(AgreementItem).where(
        col(AgreementItem.engagement_id) == engagement.id,
        col(AgreementItem.vendor_id) == vendor_id,
        col(AgreementItem.item_id) == item_id)).scalar()


def checklists(
    *, db: Session, engagement: Engagement, vendors: list[VendorView],
    items: Sequence[ItemDefinition],
) -> list[Checklist]:
    """Each vendor's checklist on the engagement: the item definitions with the stored states."""
    states: dict[str, dict[str, ItemState]] = {}
    for row, vendor_key in db.execute(
        select(AgreementItem, col(Vendor.key))
        .join(Vendor, col(Vendor.id) == col(AgreementItem.vendor_id))
        .where(col(AgreementItem.engagement_id) == engagement.id)
    ):
        states.setdefault(vendor_key, {})[row.item_id] = item_state(row)
    return [build_checklist(items, v.facts, states.get(v.key, {})) for v in vendors]


def vendor_terms_facts(
    *, db: Session, engagement_id: int, vendor_key: str
) -> VendorTermsFacts | None:
    """The vendor facts that decide its terms, or None if it is not on the engagement.

    Only name, kind, country and whether the competitor list is empty are selected: the
    competitors themselves and the notes never leave the database here.
    """
    row = db.execute(
        select(col(Vendor.id), col(Vendor.name), col(Vendor.kind), col(Vendor.country),
               func.length(func.trim(col(Vendor.competitors))) > 0)
        .join(EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
        .where(col(EngagementVendor.engagement_id) == engagement_id,
               col(Vendor.key) == vendor_key)
    ).first()
    if row is None:
        return None
    vendor_id_, name, kind, country, serves_competitor = row
    return VendorTermsFacts(int(vendor_id_ or 0), name, kind, country, bool(serves_competitor))


def ruled_out_items(*, db: Session, engagement_id: int, vendor_id: int) -> set[str]:
    """The ids of the items marked not applicable for a vendor (only the ids are read)."""
    return set(db.execute(select(col(AgreementItem.item_id)).where(
        col(AgreementItem.engagement_id) == engagement_id,
        col(AgreementItem.vendor_id) == vendor_id,
        col(AgreementItem.status) == "not-applicable")).scalars())


# --- phase-guide and cross-check facts ----------------------------------------------------------


def joint_disclosures(*, db: Session, engagement: Engagement) -> list[JointDisclosure]:
    """The engagement's live disclosures with vendor inventors, and those vendors' keys."""
    found: dict[str, tuple[str, list[str]]] = {}
    for key, title, vendor_key in db.execute(
        select(col(Disclosure.key), col(Disclosure.title),
               col(DisclosureInventor.organization_key))
        .join(DisclosureInventor, col(DisclosureInventor.disclosure_id) == col(Disclosure.id))
        .where(col(Disclosure.engagement_id) == engagement.id,
               col(Disclosure.deleted_at).is_(None),
               col(DisclosureInventor.role) == "inventor",
               col(DisclosureInventor.organization_key) != INTERNAL)
        .order_by(col(Disclosure.key), col(DisclosureInventor.position))
    ):
        entry = found.setdefault(key, (title, []))
        if vendor_key not in entry[1]:
            entry[1].append(vendor_key)
    return [JointDisclosure(key, title, tuple(keys)) for key, (title, keys) in found.items()]


def component_facts(*, db: Session, engagement: Engagement) -> list[ComponentFacts]:
    """The engagement's components, the user's decision for each, and the vendors each is
    assigned to."""
    assigned: dict[int, list[str]] = {}
    for component_id, vendor_key in db.execute(
        select(col(ComponentVendor.component_id), col(Vendor.key))
        .join(Vendor, col(Vendor.id) == col(ComponentVendor.vendor_id))
        .join(Component, col(Component.id) == col(ComponentVendor.component_id))
        .where(col(Component.engagement_id) == engagement.id)
        .order_by(col(Vendor.key))
    ):
        assigned.setdefault(component_id, []).append(vendor_key)
    return [
        ComponentFacts(key, name, disposition or "", tuple(assigned.get(id_, ())))
        for id_, key, name, disposition in db.execute(
            select(col(Component.id), col(Component.key), col(Component.name),
                   col(ComponentDecision.disposition))
            .outerjoin(ComponentDecision,
                       col(ComponentDecision.component_id) == col(Component.id))
            .where(col(Component.engagement_id) == engagement.id)
            .order_by(col(Component.key)))
    ]


def disclosure_components(*, db: Session, engagement: Engagement) -> dict[str, tuple[str, ...]]:
    """The engagement's live disclosures that are about components: disclosure key -> the
    component keys, by disclosure key."""
    about: dict[str, list[str]] = {}
    for disclosure_key, component_key in db.execute(
        select(col(Disclosure.key), col(Component.key))
        .join(DisclosureComponent, col(DisclosureComponent.disclosure_id) == col(Disclosure.id))
        .join(Component, col(Component.id) == col(DisclosureComponent.component_id))
        .where(col(Disclosure.engagement_id) == engagement.id,
               col(Disclosure.deleted_at).is_(None))
        .order_by(col(Disclosure.key), col(Component.key))
    ):
        about.setdefault(disclosure_key, []).append(component_key)
    return {key: tuple(keys) for key, keys in about.items()}


def session_phases(*, db: Session, engagement: Engagement) -> dict[str, int]:
    """How many extraction sessions the engagement had in each phase."""
    return {
        phase: int(n) for phase, n in db.execute(
            select(col(ExtractionSession.phase), func.count())
            .where(col(ExtractionSession.engagement_id) == engagement.id)
            .group_by(col(ExtractionSession.phase)))
    }


def disclosure_facts(*, db: Session, engagement: Engagement) -> list[DisclosureFacts]:
    """Key, status, creation date and decision of the engagement's live disclosures."""
    return [
        DisclosureFacts(key, status, _as_date(created), decision or "")
        for key, status, created, decision in db.execute(
            select(col(Disclosure.key), col(Disclosure.status), col(Disclosure.created_at),
                   col(Disclosure.decision))
            .where(col(Disclosure.engagement_id) == engagement.id,
                   col(Disclosure.deleted_at).is_(None))
        )
    ]


# The audit actions that move an engagement's phase: a move, a move over open critical items,
# and the undo of either.
PHASE_ACTIONS = ("change-phase", "phase-override", "undo-phase-change")


def last_phase_event(*, db: Session, engagement_key: str) -> AuditEvent | None:
    """The audit row of the engagement's latest phase move (an undo included), or None."""
    return db.execute(
        select(AuditEvent)
        .where(col(AuditEvent.entity) == "engagement",
               col(AuditEvent.entity_key) == engagement_key,
               col(AuditEvent.action).in_(PHASE_ACTIONS))
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).scalars().first()


def ticks(*, db: Session, engagement: Engagement) -> dict[str, Tick]:
    """The hand ticks of the engagement's phase-guide steps, by step id."""
    return {
        row.step_id: Tick(row.done_on, row.who, row.note)
        for row in db.execute(select(EngagementStep).where(
            col(EngagementStep.engagement_id) == engagement.id)).scalars()
    }


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    return value
