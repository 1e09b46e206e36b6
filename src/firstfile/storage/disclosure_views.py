"""Full views of disclosures, read with plain SQL: no ORM class is defined to read them.

A command that only reads whole disclosures (`firstfile disclosures list --json`) spent more
time defining the 45 SQLModel classes of storage/tables.py than doing its work
(docs/PERFORMANCE.md, "The command line"). This module names its columns itself and imports
neither SQLModel nor the tables, so such a read costs SQLAlchemy's core and the query.

The people, events, components and attachments of a disclosure are read here for the lists
and for the ORM's full views too: disclosure_queries.build_views, which works inside a
transaction on ORM objects, flushes them and then reads their related rows through
related_parts. (Counsel's bundle keeps its own reading, storage/bundle_queries.py, through a
subquery of its filter rather than lists of ids.) A test holds the plain and the ORM views
equal on SQLite and PostgreSQL (tests/integration/test_disclosure_views.py).

Every statement here runs on a core Connection or an ORM Session alike: both execute text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    TextClause,
    TextualSelect,
    TypeDecorator,
    bindparam,
    text,
)

from firstfile.domain.views import AttachmentView, DisclosureView, EventView, InventorView
from firstfile.storage.stored_values import utc_time

# A Connection or a Session: anything that executes a TextClause with parameters.
Reader = Any
T = TypeVar("T")

# Bounded IN lists: SQLite caps the number of bound parameters per statement.
CHUNK = 500


@dataclass(frozen=True, slots=True)
class ListFilter:
    engagement_key: str | None = None
    status: str | None = None
    include_deleted: bool = False
    deleted_only: bool = False  # only the deleted ones, to find and restore them
    keys: tuple[str, ...] = ()  # only these disclosures (what a screen shows); () for all


def in_chunks(items: Sequence[T], size: int = CHUNK) -> list[Sequence[T]]:
    """items in slices short enough for one IN list."""
    return [items[i:i + size] for i in range(0, len(items), size)]


class UtcTime(TypeDecorator[datetime]):
    """A stored time read as the table classes read it (SQLModel's UTCDateTime): aware, in
    UTC. SQLite keeps no offset, so a time it holds is UTC as stored."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc_time(value)


def typed(sql: str, *, lists: Iterable[str] = (), **types: Any) -> TextClause | TextualSelect:
    """sql with its IN-list parameters expanded and its result columns typed, so dates,
    times and flags come back as Python values from SQLite's text and integers too."""
    clause = text(sql).bindparams(*(bindparam(name, expanding=True) for name in lists))
    return clause.columns(**types) if types else clause


# The disclosure's own columns a view shows, with the engagement's key and name beside them.
# The names are the ORM attributes' names, so assemble reads a row and an ORM object alike.
_DISCLOSURES = """
    SELECT d.id, d.key, d.title, d.status, d.summary, d.phase, d.submitter, d.business_unit,
           d.submitted_on, d.problem, d.description, d.variants, d.advantages, d.prior_art,
           d.conception_date, d.reduction_to_practice_date, d.prototype_exists,
           d.records_location, d.third_parties, d.jurisdictions, d.reverse_engineerable,
           d.completed_in_china, d.made_in_us, d.deleted_at, d.created_at, d.updated_at,
           d.version, e.key AS engagement_key, e.name AS engagement_name
    FROM disclosure d LEFT JOIN engagement e ON e.id = d.engagement_id
"""
_DISCLOSURE_TYPES: dict[str, Any] = {
    "submitted_on": Date(), "conception_date": Date(), "reduction_to_practice_date": Date(),
    "prototype_exists": Boolean(), "reverse_engineerable": Boolean(),
    "completed_in_china": Boolean(), "made_in_us": Boolean(),
    "deleted_at": UtcTime(), "created_at": UtcTime(), "updated_at": UtcTime(),
}
_INVENTORS = typed(
    """SELECT l.disclosure_id, p.key AS person_key, p.name, p.email, l.organization_key,
              l.organization_name, l.role, l.contribution, v.country, l.postal_address,
              l.citizenship, l.employer_entity, l.contribution_note
       FROM disclosureinventor l
       JOIN person p ON p.id = l.person_id
       LEFT JOIN vendor v ON v.key = l.organization_key
       WHERE l.disclosure_id IN :ids
       ORDER BY l.position, l.id""",
    lists=["ids"], contribution=Float())
_EVENTS = typed(
    """SELECT disclosure_id, kind, happened_on, jurisdiction, reference, note,
              claims_priority_of, restored
       FROM disclosureevent WHERE disclosure_id IN :ids ORDER BY happened_on, id""",
    lists=["ids"], happened_on=Date(), restored=Boolean())
_COMPONENTS = typed(
    """SELECT dc.disclosure_id, c.key
       FROM disclosurecomponent dc JOIN component c ON c.id = dc.component_id
       WHERE dc.disclosure_id IN :ids ORDER BY c.key""",
    lists=["ids"])
_ATTACHMENTS = typed(
    """SELECT disclosure_id, file_name, media_type, size, sha256, caption
       FROM disclosureattachment WHERE disclosure_id IN :ids ORDER BY position, id""",
    lists=["ids"])
_NAMES = typed("SELECT key, name FROM person WHERE key IN :keys", lists=["keys"])


@dataclass
class RelatedParts:
    """What full views show beside the disclosure's own columns, by disclosure id."""

    inventors: dict[int, list[InventorView]] = field(default_factory=dict)
    events: dict[int, list[EventView]] = field(default_factory=dict)
    components: dict[int, list[str]] = field(default_factory=dict)
    attachments: dict[int, list[AttachmentView]] = field(default_factory=dict)
    # The submitter is a person's key when it came from a file or the directory: shown by
    # that person's name.
    submitter_names: dict[str, str] = field(default_factory=dict)


def related_parts(db: Reader, ids: Sequence[int], submitters: Iterable[str]) -> RelatedParts:
    """The people, events, components and attachments of the disclosures with ids, and the
    names of the submitters that are people's keys: one query per table and chunk of ids,
    not one per disclosure, so thousands of views stay fast."""
    parts = RelatedParts()
    keys = sorted({key for key in submitters if key})
    for names in in_chunks(keys):
        parts.submitter_names.update(
            (key, name) for key, name in db.execute(_NAMES, {"keys": list(names)}))
    for chunk in in_chunks(ids):
        given = {"ids": list(chunk)}
        for row in db.execute(_INVENTORS, given):
            parts.inventors.setdefault(row[0], []).append(inventor_view(*row[1:]))
        for row in db.execute(_EVENTS, given):
            parts.events.setdefault(row.disclosure_id, []).append(event_view(row))
        for disclosure_id, component_key in db.execute(_COMPONENTS, given):
            parts.components.setdefault(disclosure_id, []).append(component_key)
        for row in db.execute(_ATTACHMENTS, given):
            parts.attachments.setdefault(row.disclosure_id, []).append(AttachmentView(
                file_name=row.file_name, media_type=row.media_type, size=row.size,
                sha256=row.sha256, caption=row.caption))
    return parts


def inventor_view(person_key: str, name: str, email: str, organization_key: str,
                  organization_name: str, role: str, contribution: float | None,
                  country: str | None, postal_address: str, citizenship: str,
                  employer_entity: str, contribution_note: str) -> InventorView:
    """One person on a disclosure from the columns of a row of _INVENTORS, in order (taken
    by position: a Row's lookup by name costs about 2 microseconds a column, a third of the
    time a thousand views took)."""
    return InventorView(
        person_key=person_key,
        name=name,
        email=email,
        organization=organization_key,
        organization_name=organization_name,
        is_vendor=organization_key != "internal",
        role=role,
        contribution=contribution,
        organization_country=country or "",
        postal_address=postal_address,
        citizenship=citizenship,
        employer_entity=employer_entity,
        contribution_note=contribution_note,
    )


def split_references(text: str) -> tuple[str, ...]:
    """The references a stored claims_priority_of column holds (one per line)."""
    return tuple(line for line in text.split("\n") if line)


def event_view(row: Any) -> EventView:
    """The plain view of one stored event (an ORM DisclosureEvent or a row of its columns)."""
    return EventView(kind=row.kind, date=row.happened_on, jurisdiction=row.jurisdiction,
                     reference=row.reference, note=row.note,
                     claims_priority_of=split_references(row.claims_priority_of),
                     restored=row.restored)


def assemble(disclosure: Any, engagement_key: str, engagement_name: str,
             parts: RelatedParts) -> DisclosureView:
    """The full view of disclosure (an ORM Disclosure or a row of _DISCLOSURES) with the
    related parts read for it."""
    return DisclosureView(
        key=disclosure.key,
        title=disclosure.title,
        status=disclosure.status,
        summary=disclosure.summary,
        engagement_key=engagement_key,
        engagement_name=engagement_name,
        phase=disclosure.phase,
        submitter=disclosure.submitter,
        submitter_name=parts.submitter_names.get(disclosure.submitter, ""),
        business_unit=disclosure.business_unit,
        submitted_on=disclosure.submitted_on,
        problem=disclosure.problem,
        description=disclosure.description,
        variants=disclosure.variants,
        advantages=disclosure.advantages,
        prior_art=disclosure.prior_art,
        conception_date=disclosure.conception_date,
        reduction_to_practice_date=disclosure.reduction_to_practice_date,
        prototype_exists=disclosure.prototype_exists,
        records_location=disclosure.records_location,
        third_parties=disclosure.third_parties,
        jurisdictions=disclosure.jurisdictions,
        reverse_engineerable=disclosure.reverse_engineerable,
        completed_in_china=disclosure.completed_in_china,
        made_in_us=disclosure.made_in_us,
        inventors=tuple(parts.inventors.get(disclosure.id, ())),
        events=tuple(parts.events.get(disclosure.id, ())),
        components=tuple(parts.components.get(disclosure.id, ())),
        attachments=tuple(parts.attachments.get(disclosure.id, ())),
        deleted=disclosure.deleted_at is not None,
        created_at=disclosure.created_at,
        updated_at=disclosure.updated_at,
        version=disclosure.version,
    )


def _views(db: Reader, found: Sequence[Any]) -> list[DisclosureView]:
    # Each row's columns made plain attributes once: assemble reads some thirty of them,
    # and a Row looks each name up anew.
    rows = [SimpleNamespace(**row._mapping) for row in found]
    parts = related_parts(db, [row.id for row in rows], (row.submitter for row in rows))
    return [assemble(row, row.engagement_key or "", row.engagement_name or "", parts)
            for row in rows]


def filter_clauses(filt: ListFilter) -> tuple[list[str], dict[str, Any]]:
    """The conditions filt's deleted, engagement and status choices put on disclosures `d`
    joined to their engagement `e`, with their parameters (its keys are the caller's)."""
    where: list[str] = []
    given: dict[str, Any] = {}
    if filt.deleted_only:
        where.append("d.deleted_at IS NOT NULL")
    elif not filt.include_deleted:
        where.append("d.deleted_at IS NULL")
    if filt.engagement_key:
        where.append("e.key = :engagement_key")
        given["engagement_key"] = filt.engagement_key
    if filt.status:
        where.append("d.status = :status")
        given["status"] = filt.status
    return where, given


def listed_views(db: Reader, filt: ListFilter) -> list[DisclosureView]:
    """Full views of every disclosure filt lets through, oldest first (filt.keys: only
    those)."""
    where, given = filter_clauses(filt)
    if filt.keys:
        where.append("d.key IN :keys")
    sql = _DISCLOSURES + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY d.id"
    statement = typed(sql, lists=["keys"] if filt.keys else [], **_DISCLOSURE_TYPES)
    if not filt.keys:
        return _views(db, db.execute(statement, given).all())
    # Keys go in bounded IN lists, one statement a chunk; the rows are put back in id order.
    rows = [row for chunk in in_chunks(sorted(set(filt.keys)))
            for row in db.execute(statement, {**given, "keys": list(chunk)})]
    return _views(db, sorted(rows, key=lambda row: row.id))


_BY_KEY = typed(_DISCLOSURES + " WHERE d.key IN :keys", lists=["keys"], **_DISCLOSURE_TYPES)


def views_by_key(db: Reader, keys: Sequence[str]) -> dict[str, DisclosureView]:
    """Full views of the disclosures with these keys, deleted or not, by key; a key that
    names no disclosure is not in the result."""
    rows = [row for chunk in in_chunks(sorted(set(keys)))
            for row in db.execute(_BY_KEY, {"keys": list(chunk)})]
    return {view.key: view for view in _views(db, rows)}


def engagement_exists(db: Reader, key: str) -> bool:
    """Whether an engagement has this key."""
    return db.execute(text("SELECT 1 FROM engagement WHERE key = :key"),
                      {"key": key}).first() is not None
