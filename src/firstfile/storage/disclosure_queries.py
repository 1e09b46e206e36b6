"""Reading disclosures: one full view, pages of list rows (keyset paging). Full-text search
is storage/search_queries.py, with plain SQL.

The list never loads the long text columns and never uses OFFSET: a page is the next 100 rows
after the last one shown, found through an index, so paging costs the same at row 90,000 as at
row 1 (PERFORMANCE-NOTES.md: keyset 0.05 ms against OFFSET 36 ms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    func,
    select,
    tuple_,
)
from sqlmodel import Session, col

from firstfile.domain.views import DisclosureRow, DisclosureView, EventView
from firstfile.storage.disclosure_views import (
    ListFilter,
    assemble,
    event_view,
    related_parts,
    split_references,
)
from firstfile.storage.search_queries import search_rows
from firstfile.storage.stored_values import disclosure_row
from firstfile.storage.tables import Disclosure, DisclosureEvent, Engagement

# Sort orders the list offers: name -> the column to order by (the id breaks ties).
SORTS: dict[str, Any] = {
    "key": Disclosure.id,
    "updated": Disclosure.updated_at,
    "title": Disclosure.title,
    "status": Disclosure.status,
}


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ends: the sort value and id of its last (or first) row."""

    value: Any
    id: int


def _row_columns() -> tuple[Any, ...]:
    return (
        Disclosure.id,
        Disclosure.key,
        Disclosure.title,
        Disclosure.status,
        Engagement.key,
        Disclosure.joint,
        Disclosure.updated_at,
        Disclosure.vendor_invention,
    )


def _filtered(stmt: Any, filt: ListFilter, *, join: bool = True) -> Any:
    """Apply filt. The engagement is matched by id (a scalar subquery), so counting needs no
    join and can be answered from an index; join=True adds the engagement's key for display."""
    if join:
        stmt = stmt.outerjoin(Engagement, Engagement.id == Disclosure.engagement_id)
    if filt.deleted_only:
        stmt = stmt.where(Disclosure.deleted_at.is_not(None))  # type: ignore[union-attr]
    elif not filt.include_deleted:
        stmt = stmt.where(Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
    if filt.engagement_key:
        engagement_id = (
            select(col(Engagement.id))
            .where(col(Engagement.key) == filt.engagement_key).scalar_subquery()
        )
        stmt = stmt.where(Disclosure.engagement_id == engagement_id)
    if filt.status:
        stmt = stmt.where(Disclosure.status == filt.status)
    return stmt


def page_rows(
    *,
    db: Session,
    filt: ListFilter,
    sort: str = "updated",
    descending: bool = True,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = 100,
) -> list[DisclosureRow]:
    """One page of list rows in display order, after (or before) a cursor."""
    column = SORTS[sort]
    stmt = _filtered(select(*_row_columns()), filt)
    # Sorting by key is sorting by id alone; (id, id) pairs would hide that from the planner.
    key = Disclosure.id if column is Disclosure.id else tuple_(column, Disclosure.id)
    # Walking backwards (before a cursor) reverses the order, then the page is flipped back.
    backwards = before is not None
    forward_desc = descending != backwards
    cursor = before if backwards else after
    if cursor is not None:
        bound = cursor.id if column is Disclosure.id else tuple_(cursor.value, cursor.id)
        stmt = stmt.where(key < bound if forward_desc else key > bound)
    columns = [Disclosure.id] if column is Disclosure.id else [column, Disclosure.id]
    stmt = stmt.order_by(*(c.desc() if forward_desc else c.asc() for c in columns))
    rows = [disclosure_row(r) for r in db.execute(stmt.limit(limit))]
    if backwards:
        rows.reverse()
    return rows


def cursor_for(row: DisclosureRow, sort: str) -> Cursor:
    value = {"key": row.id, "updated": row.updated_at, "title": row.title, "status": row.status}
    return Cursor(value=value[sort], id=row.id)


def count_rows(*, db: Session, filt: ListFilter) -> int:
    """How many disclosures match; a full count, so call it once per filter, not per key."""
    stmt = _filtered(select(func.count()).select_from(Disclosure), filt, join=False)
    return int(db.execute(stmt).scalar_one())


def find_disclosure(*, db: Session, key: str) -> Disclosure | None:
    return db.execute(select(Disclosure).where(col(Disclosure.key) == key)).scalar_one_or_none()


def build_view(*, db: Session, disclosure: Disclosure) -> DisclosureView:
    """The full plain view of one disclosure, with its people, events and components."""
    return build_views(db=db, disclosures=[disclosure])[0]


def content_hash(*, db: Session, disclosure: Disclosure) -> str:
    """The SHA-256 of the disclosure's canonical content as it stands in db's transaction
    (domain/evidence.disclosure_content)."""
    from firstfile.domain.evidence import content_sha256

    db.flush()
    return content_sha256(build_view(db=db, disclosure=disclosure))


def build_views(*, db: Session, disclosures: list[Disclosure]) -> list[DisclosureView]:
    """Full views of many ORM disclosures as they stand in db's transaction, with one query
    per related table (not one per row), so exporting or listing thousands stays fast.

    The disclosures' own values come from the objects; their related rows are read with
    plain SQL (disclosure_views.related_parts) after a flush, which is what the ORM's
    autoflush would do before its own query."""
    if not disclosures:
        return []
    db.flush()
    engagement_ids = {d.engagement_id for d in disclosures if d.engagement_id}
    engagements = {
        e.id: e
        for e in db.execute(
            select(Engagement).where(Engagement.id.in_(engagement_ids))  # type: ignore[union-attr]
        ).scalars()
    } if engagement_ids else {}
    parts = related_parts(db, [d.id for d in disclosures if d.id is not None],
                          (d.submitter for d in disclosures))
    views = []
    for d in disclosures:
        engagement = engagements.get(d.engagement_id)
        views.append(assemble(d, engagement.key if engagement else "",
                              engagement.name if engagement else "", parts))
    return views


def event_row(disclosure_id: int, event: EventView) -> DisclosureEvent:
    """The row that stores event on the disclosure with disclosure_id."""
    return DisclosureEvent(disclosure_id=disclosure_id, **event_values(event))


def event_values(event: EventView) -> dict[str, Any]:
    """The columns that store event (all but its disclosure), for a row or a bulk insert."""
    return {"kind": event.kind, "happened_on": event.date, "jurisdiction": event.jurisdiction,
            "reference": event.reference, "note": event.note,
            "claims_priority_of": "\n".join(event.claims_priority_of),
            "restored": event.restored}


__all__ = [
    "SORTS",
    "event_row",
    "event_view",
    "split_references",
    "Cursor",
    "ListFilter",
    "build_view",
    "build_views",
    "count_rows",
    "cursor_for",
    "find_disclosure",
    "page_rows",
    "search_rows",
]
