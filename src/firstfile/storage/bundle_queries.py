"""Reading what a counsel bundle shows: full views and counsel's decision, in four queries.

`disclosure_queries.build_views` loads ORM objects and asks one IN-list per related table
per 500 disclosures; for a bundle of thousands that object building is most of the read. Here
every query selects plain columns, and the related tables are filtered by the same selection
as a subquery, so a bundle reads the disclosures, their people, their events and their
components in one query each, whatever their number. The views are the same values
`build_views` makes (tests/integration/test_bundle_export.py compares them).

Reviewer notes and the decision's rationale are not selected: nothing in a bundle may show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from firstfile.domain.views import DisclosureView, EventView, InventorView
from firstfile.storage.attachment_queries import attachment_views
from firstfile.storage.disclosure_queries import ListFilter, split_references
from firstfile.storage.tables import (
    Component,
    Disclosure,
    DisclosureComponent,
    DisclosureEvent,
    DisclosureInventor,
    Engagement,
    Person,
    Vendor,
)

# Columns copied into the DisclosureView field of the same name.
_VIEW_COLUMNS: tuple[Any, ...] = (
    Disclosure.summary,
    Disclosure.phase,
    Disclosure.submitter,
    Disclosure.business_unit,
    Disclosure.submitted_on,
    Disclosure.problem,
    Disclosure.description,
    Disclosure.variants,
    Disclosure.advantages,
    Disclosure.prior_art,
    Disclosure.conception_date,
    Disclosure.reduction_to_practice_date,
    Disclosure.prototype_exists,
    Disclosure.records_location,
    Disclosure.third_parties,
    Disclosure.jurisdictions,
    Disclosure.reverse_engineerable,
    Disclosure.completed_in_china,
    Disclosure.made_in_us,
)
_VIEW_NAMES: tuple[str, ...] = tuple(column.key for column in _VIEW_COLUMNS)
_DISCLOSURE_COLUMNS: tuple[Any, ...] = (
    Disclosure.id, Disclosure.key, Disclosure.title, Disclosure.status, Engagement.key,
    Engagement.name, *_VIEW_COLUMNS, Disclosure.deleted_at, Disclosure.created_at,
    Disclosure.updated_at, Disclosure.version, Disclosure.decision, Disclosure.decided_on,
    Disclosure.german_employee_invention, Person.name,
)
_INVENTOR_COLUMNS: tuple[Any, ...] = (
    DisclosureInventor.disclosure_id, Person.key, Person.name, Person.email,
    DisclosureInventor.organization_key, DisclosureInventor.organization_name,
    DisclosureInventor.role, DisclosureInventor.contribution, Vendor.country,
    DisclosureInventor.postal_address, DisclosureInventor.citizenship,
    DisclosureInventor.employer_entity, DisclosureInventor.contribution_note,
)
_EVENT_COLUMNS: tuple[Any, ...] = (
    DisclosureEvent.disclosure_id, DisclosureEvent.kind, DisclosureEvent.happened_on,
    DisclosureEvent.jurisdiction, DisclosureEvent.reference, DisclosureEvent.note,
    DisclosureEvent.claims_priority_of, DisclosureEvent.restored,
)
_COMPONENT_COLUMNS: tuple[Any, ...] = (DisclosureComponent.disclosure_id, Component.key)
_ID: tuple[Any, ...] = (Disclosure.id,)


@dataclass(frozen=True, slots=True)
class CounselFields:
    """Counsel's part of a disclosure that a bundle shows (never the notes or rationale)."""

    decision: str
    decided_on: date | None
    german_employee_invention: bool


@dataclass(frozen=True, slots=True)
class BundleRows:
    """The selected disclosures, oldest first, and counsel's fields by key."""

    views: list[DisclosureView]
    counsel: dict[str, CounselFields]


def _select(*columns: Any) -> Any:
    # sqlmodel types its column attributes as their values; the statements are plain Core.
    return select(*columns)


def _selected(filt: ListFilter) -> Any:
    """The ids of the disclosures filt selects (all_views' filter), as a statement."""
    stmt = _select(*_ID).outerjoin(Engagement, Engagement.id == Disclosure.engagement_id)
    if not filt.include_deleted:
        stmt = stmt.where(Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
    if filt.engagement_key:
        stmt = stmt.where(Engagement.key == filt.engagement_key)
    if filt.status:
        stmt = stmt.where(Disclosure.status == filt.status)
    if filt.keys:
        stmt = stmt.where(Disclosure.key.in_(filt.keys))  # type: ignore[attr-defined]
    return stmt


def bundle_rows(*, db: Session, filt: ListFilter) -> BundleRows:
    """Every disclosure filt selects as a full view (as `build_views` makes it), oldest
    first, with counsel's decision; one query per table."""
    ids = _selected(filt).scalar_subquery()
    people: dict[int, list[InventorView]] = {}
    for row in db.execute(
        _select(*_INVENTOR_COLUMNS)
        .join(Person, Person.id == DisclosureInventor.person_id)
        .outerjoin(Vendor, Vendor.key == DisclosureInventor.organization_key)
        .where(DisclosureInventor.disclosure_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(DisclosureInventor.position, DisclosureInventor.id)
    ):
        people.setdefault(row[0], []).append(
            InventorView(row[1], row[2], row[3], row[4], row[5], row[4] != "internal",
                         row[6], row[7], row[8] or "", row[9], row[10], row[11], row[12])
        )
    events: dict[int, list[EventView]] = {}
    for row in db.execute(
        _select(*_EVENT_COLUMNS)
        .where(DisclosureEvent.disclosure_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(DisclosureEvent.happened_on, DisclosureEvent.id)
    ):
        events.setdefault(row[0], []).append(EventView(row[1], row[2], row[3], row[4], row[5],
                                                       split_references(row[6]), row[7]))
    components: dict[int, list[str]] = {}
    for disclosure_id, component_key in db.execute(
        _select(*_COMPONENT_COLUMNS)
        .join(Component, Component.id == DisclosureComponent.component_id)
        .where(DisclosureComponent.disclosure_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(Component.key)
    ):
        components.setdefault(disclosure_id, []).append(component_key)

    attachments = attachment_views(db=db, disclosure_ids=ids)

    stmt = _select(*_DISCLOSURE_COLUMNS).outerjoin(
        Engagement, Engagement.id == Disclosure.engagement_id).outerjoin(
        Person, Person.key == Disclosure.submitter)
    stmt = stmt.where(Disclosure.id.in_(ids))  # type: ignore[union-attr]
    views: list[DisclosureView] = []
    counsel: dict[str, CounselFields] = {}
    fields = len(_VIEW_COLUMNS)
    for row in db.execute(stmt.order_by(Disclosure.id)):
        identity, key = row[0], row[1]
        own = row[6:6 + fields]
        rest = row[6 + fields:]
        views.append(DisclosureView(
            key=key, title=row[2], status=row[3],
            engagement_key=row[4] or "", engagement_name=row[5] or "",
            **dict(zip(_VIEW_NAMES, own, strict=True)),
            inventors=tuple(people.get(identity, ())),
            events=tuple(events.get(identity, ())),
            components=tuple(components.get(identity, ())),
            attachments=tuple(attachments.get(identity, ())),
            deleted=rest[0] is not None,
            created_at=rest[1],
            updated_at=rest[2],
            version=rest[3],
            submitter_name=rest[7] or "",
        ))
        counsel[key] = CounselFields(rest[4], rest[5], rest[6])
    return BundleRows(views, counsel)


__all__ = ["BundleRows", "CounselFields", "bundle_rows"]
