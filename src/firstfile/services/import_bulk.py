"""Writing an import's new disclosures with bulk statements: one statement per table for a
whole batch instead of some nine statements and four flushes per disclosure.

It writes exactly what services/disclosures.py writes for each disclosure it inserts (the
same rows, the same key numbers in the same order, the same "create" audit record); the
tests in tests/integration/test_import_bulk.py compare the two databases row by row. The
rows are built by the per-record path's own functions (new_disclosure_values,
inventor_values, event_values), and the audit records are sealed into the hash chain by
storage/audit.record_many, the code audit.record seals with. The records a disclosure refers
to (its engagement, its inventors with their organisation, its components) are looked up once
per file (FileKeys), not once per disclosure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain.disclosure import DisclosureDraft, Problem
from firstfile.domain.evidence import content_of, sha256_hex
from firstfile.domain.keys import disclosure_key, parse_disclosure_key
from firstfile.domain.views import EventView, ownership
from firstfile.domain.vocabulary import EVENT_KINDS, INTERNAL
from firstfile.services import disclosures as disclosure_service
from firstfile.services.errors import ValidationFailed
from firstfile.storage import audit, sequences
from firstfile.storage.bulk_rows import insert_rows
from firstfile.storage.disclosure_queries import event_values
from firstfile.storage.setting_queries import ORGANIZATION, read_setting
from firstfile.storage.tables import (
    Component,
    Disclosure,
    DisclosureComponent,
    DisclosureEvent,
    DisclosureInventor,
    Engagement,
    KeySequence,
    Person,
    Vendor,
)

# Bound parameters per IN list: SQLite caps the number a statement may hold.
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class NewDisclosure:
    """A disclosure the import creates: its cleaned, validated draft, key and events, and
    what its "create" audit record holds (prepared by services/import_prepared.py)."""

    draft: DisclosureDraft
    key: str | None
    events: tuple[EventView, ...]
    creation: audit.PreparedChanges
    # The day a record beyond draft was submitted, when the file says it.
    submitted_on: date | None = None


@dataclass
class FileKeys:
    """Ids of the records a file's disclosures refer to, read once per file.

    Read at the first batch of disclosures, after the file's people and components were
    written (records go in dependency order), inside that batch's transaction.
    """

    engagements: dict[str, int | None] = field(default_factory=dict)
    # person key -> (id, organisation key, organisation name), as at the import.
    people: dict[str, tuple[int, str, str]] | None = None
    components: dict[int, dict[str, int]] = field(default_factory=dict)

    def engagement_id(self, db: Session, key: str) -> int | None:
        """The engagement's id (None for no engagement); ValidationFailed when unknown."""
        if not key:
            return None
        if key not in self.engagements:
            self.engagements[key] = db.execute(
                select(col(Engagement.id)).where(col(Engagement.key) == key)
            ).scalar()
        found = self.engagements[key]
        if found is None:
            raise ValidationFailed([Problem("engagement", f"unknown engagement {key!r}")])
        return int(found)

    def person(self, db: Session, key: str) -> tuple[int, str, str] | None:
        """(id, organisation key, organisation name) of the person, or None when unknown."""
        if self.people is None:
            # Our own staff carry the organisation's name as it is at conception, as the
            # per-record path records it.
            own = read_setting(db=db, name=ORGANIZATION)
            self.people = {
                person_key: (int(person_id), vendor_key or INTERNAL,
                             vendor_name if vendor_key else own)
                for person_key, person_id, vendor_key, vendor_name in db.execute(
                    select(
                        col(Person.key), col(Person.id), col(Vendor.key), col(Vendor.name)
                    ).outerjoin(Vendor, col(Vendor.id) == col(Person.vendor_id))
                ).all()
            }
        return self.people.get(key)

    def component_id(self, db: Session, engagement_id: int | None, key: str) -> int | None:
        """The id of the component key in the engagement, or None."""
        if engagement_id is None:
            return None
        if engagement_id not in self.components:
            self.components[engagement_id] = {
                component_key: int(component_id)
                for component_key, component_id in db.execute(
                    select(col(Component.key), col(Component.id)).where(
                        col(Component.engagement_id) == engagement_id
                    )
                ).all()
            }
        return self.components[engagement_id].get(key)


def insert_disclosures(
    *, db: Session, new: Sequence[NewDisclosure], actor: str, keys: FileKeys
) -> list[str]:
    """Insert new disclosures with their inventors, events, components and "create" audit
    records, in the caller's transaction; return their keys in order.

    Raises ValidationFailed, before writing anything, for a key that is not well formed, an
    unknown person, component or event kind (the problems of the first disclosure that has
    any, as services/disclosures.py reports them).
    """
    if not new:
        return []
    db.flush()
    now = datetime.now(UTC)
    numbered = _keys(db, new, now.year)
    rows: list[dict[str, Any]] = []
    links: list[tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]] = []
    defaults = _defaults(Disclosure, key="", title="", created_at=now, updated_at=now)
    for item, key in zip(new, numbered, strict=True):
        engagement_id = keys.engagement_id(db, item.draft.engagement_key)
        inventors, owner, events, components = _links(db, item, engagement_id, keys)
        rows.append(
            {
                **defaults,
                **disclosure_service.new_disclosure_values(
                    item.draft, now=now, submitted_on=item.submitted_on
                ),
                "key": key,
                "engagement_id": engagement_id,
                "joint": owner == "joint",
                "vendor_invention": owner == "vendor",
            }
        )
        links.append((inventors, events, components))
    conn = db.connection()
    # Plain bulk inserts without RETURNING (storage/bulk_rows.py); the new ids are read back
    # by key.
    insert_rows(conn, _table(Disclosure), rows)
    ids = _ids_by_key(db, numbered)
    inventor_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    component_rows: list[dict[str, Any]] = []
    inventor_defaults = _defaults(DisclosureInventor, disclosure_id=0, person_id=0)
    event_defaults = _defaults(DisclosureEvent, disclosure_id=0, kind="", happened_on=now.date())
    for key, (inventors, events, components) in zip(numbered, links, strict=True):
        disclosure_id = ids[key]
        inventor_rows.extend(
            {**inventor_defaults, **row, "disclosure_id": disclosure_id} for row in inventors
        )
        event_rows.extend(
            {**event_defaults, **row, "disclosure_id": disclosure_id} for row in events
        )
        component_rows.extend(
            {"disclosure_id": disclosure_id, "component_id": component_id}
            for component_id in components
        )
    for model, values in (
        (DisclosureInventor, inventor_rows),
        (DisclosureEvent, event_rows),
        (DisclosureComponent, component_rows),
    ):
        insert_rows(conn, _table(model), values)
    audit.record_many(db=db, actor=actor, entries=_created(new, numbered, rows, links))
    return numbered


def _created(
    new: Sequence[NewDisclosure],
    numbered: list[str],
    rows: list[dict[str, Any]],
    links: list[tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]],
) -> list[audit.Entry]:
    """The "create" audit entry of each new disclosure, as services/disclosures.py records
    it: the draft's values and the hash of its content, taken from the very values just
    inserted (domain/evidence.content_of, the code disclosure_content hashes a stored view
    with) instead of reading the rows back. A new disclosure has no attached files here
    (one with files goes through the per-record path)."""
    entries = []
    for item, key, row, (inventors, _, _) in zip(new, numbered, rows, links, strict=True):
        content = content_of(
            {**row, "engagement_key": item.draft.engagement_key},
            [
                {**link, "person": entry.person_key, "organization": link["organization_key"]}
                for entry, link in zip(item.draft.inventors, inventors, strict=True)
            ],
        )
        entries.append(
            audit.Entry(
                entity="disclosure",
                entity_key=key,
                action="create",
                changes=item.creation,
                record_sha256=sha256_hex(content),
            )
        )
    return entries


def _keys(db: Session, new: Sequence[NewDisclosure], year_now: int) -> list[str]:
    """Each new disclosure's key, numbered as one insert after another would number them:
    a disclosure without a key takes the next number of this year, one with a key moves the
    counter past it. The counter rows are locked while they are read and moved."""
    parsed: list[tuple[int, int] | None] = []
    for item in new:
        if item.key is None:
            parsed.append(None)
            continue
        found = parse_disclosure_key(item.key)
        if found is None:
            raise ValidationFailed([Problem("key", f"{item.key!r} is not a key like FF-2026-0001")])
        parsed.append(found)
    years = {year_now if p is None else p[0] for p in parsed}
    table = _table(KeySequence)
    for year in sorted(years):
        # Makes the counter row exist without moving it, so that it can be locked.
        sequences.reserve_at_least(db=db, year=year, number=0)
    last = {
        int(year): int(value)
        for year, value in db.execute(
            select(table.c.year, table.c.last)
            .where(table.c.year.in_(sorted(years)))
            .with_for_update()
        ).all()
    }
    keys: list[str] = []
    for item, found in zip(new, parsed, strict=True):
        if found is None:
            last[year_now] += 1
            keys.append(disclosure_key(year_now, last[year_now]))
        else:
            last[found[0]] = max(last[found[0]], found[1])
            keys.append(str(item.key))
    for year in sorted(years):
        sequences.reserve_at_least(db=db, year=year, number=last[year])
    return keys


def _links(
    db: Session, item: NewDisclosure, engagement_id: int | None, keys: FileKeys
) -> tuple[list[dict[str, Any]], str, list[dict[str, Any]], list[int]]:
    """The inventor, event and component rows of one new disclosure (without its id) and
    who may own it (domain/views.ownership); as services/disclosures.py writes them for a new
    disclosure."""
    problems: list[Problem] = []
    inventors: list[dict[str, Any]] = []
    organizations: list[str] = []
    for position, entry in enumerate(item.draft.inventors):
        found = keys.person(db, entry.person_key)
        if found is None:
            problems.append(
                Problem(f"inventors[{position}].person", f"unknown person {entry.person_key!r}")
            )
            continue
        person_id, org_key, org_name = found
        if entry.role == "inventor":
            organizations.append(org_key)
        inventors.append(
            {
                "person_id": person_id,
                **disclosure_service.inventor_values(
                    entry,
                    position=position,
                    organization_key=org_key,
                    organization_name=org_name,
                ),
            }
        )
    events: list[dict[str, Any]] = []
    for index, event in enumerate(item.events):
        if event.kind not in EVENT_KINDS:
            problems.append(Problem(f"events[{index}].kind", f"unknown event kind {event.kind!r}"))
            continue
        events.append(event_values(event))
    components: list[int] = []
    for index, component_key in enumerate(dict.fromkeys(item.draft.components)):
        component_id = keys.component_id(db, engagement_id, component_key)
        if component_id is None:
            problems.append(
                Problem(
                    f"components[{index}]",
                    f"unknown component {component_key!r} in this disclosure's engagement",
                )
            )
            continue
        components.append(component_id)
    if problems:
        raise ValidationFailed(problems)
    return inventors, ownership(organizations), events, components


def _ids_by_key(db: Session, keys: list[str]) -> dict[str, int]:
    table = _table(Disclosure)
    found: dict[str, int] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        found.update(
            (key, int(disclosure_id))
            for key, disclosure_id in db.execute(
                select(table.c.key, table.c.id).where(
                    table.c.key.in_(keys[start : start + _IN_CHUNK])
                )
            ).all()
        )
    return found


def _table(model: Any) -> Any:
    return model.__table__


def _defaults(model: Any, **required: Any) -> dict[str, Any]:
    """What an insert of a new model(**required) would write in each column (the model's
    own defaults), the id left to the database. Built once per batch: constructing an ORM
    object per row costs more than the insert itself."""
    template = model(**required)
    return {
        column.name: getattr(template, column.name)
        for column in _table(model).columns
        if column.name != "id"
    }
