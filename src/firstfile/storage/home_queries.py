"""What home shows, read with plain SQL: the engagements, the sessions, the counts, the
latest disclosures and the edits waiting to be restored.

Home is the first screen after every start, and defining the table classes of
storage/tables.py took about a second of the two home needed to show its data
(docs/PERFORMANCE.md, "Home"). These statements name their columns themselves and import
neither SQLModel nor the tables; the engagement and session lists and the waiting edits are
read here for every caller, so there is one reading of each. Every statement runs on a core
Connection or an ORM Session alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Date, text

from firstfile.domain.sessions import PROMOTED, SessionRow
from firstfile.domain.views import DisclosureRow, EngagementView
from firstfile.storage.disclosure_views import Reader, UtcTime, typed


def engagement_views(db: Reader) -> list[EngagementView]:
    """Every engagement by key, with its live disclosures counted and its vendors' names."""
    counts: dict[int, int] = dict(db.execute(text(
        "SELECT engagement_id, count(*) FROM disclosure WHERE deleted_at IS NULL "
        "GROUP BY engagement_id")).all())
    vendors: dict[int, list[str]] = {}
    for engagement_id, name in db.execute(text(
            "SELECT ev.engagement_id, v.name FROM engagementvendor ev "
            "JOIN vendor v ON v.id = ev.vendor_id ORDER BY v.name")):
        vendors.setdefault(engagement_id, []).append(name)
    return [
        EngagementView(key=key, name=name, product=product, phase=phase,
                       disclosure_count=int(counts.get(engagement_id, 0)),
                       vendors=tuple(vendors.get(engagement_id, ())))
        for engagement_id, key, name, product, phase in db.execute(text(
            "SELECT id, key, name, product, phase FROM engagement ORDER BY key"))
    ]


def status_counts(db: Reader) -> dict[str, int]:
    """How many live disclosures have each status."""
    return {status: int(n) for status, n in db.execute(text(
        "SELECT status, count(*) FROM disclosure WHERE deleted_at IS NULL GROUP BY status"))}


def people_count(db: Reader) -> int:
    """How many people the directory holds."""
    return int(db.execute(text("SELECT count(*) FROM person")).scalar_one())


_RECENT = typed(
    """SELECT d.id, d.key, d.title, d.status, e.key AS engagement_key, d.joint, d.updated_at,
              d.vendor_invention
       FROM disclosure d LEFT JOIN engagement e ON e.id = d.engagement_id
       WHERE d.deleted_at IS NULL
       ORDER BY d.updated_at DESC, d.id DESC LIMIT :limit""",
    joint=Boolean(), updated_at=UtcTime(), vendor_invention=Boolean())


def recent_rows(db: Reader, limit: int) -> list[DisclosureRow]:
    """The live disclosures changed last, newest first: the list's first page sorted by
    update, as disclosure_queries.page_rows reads it."""
    return [DisclosureRow(id=row.id, key=row.key, title=row.title, status=row.status,
                          engagement_key=row.engagement_key or "", joint=row.joint,
                          updated_at=row.updated_at, vendor_invention=row.vendor_invention)
            for row in db.execute(_RECENT, {"limit": limit})]


_SESSIONS = """
    SELECT s.id, e.key AS engagement_key, s.key, s.title, s.phase, s.held_on, s.status,
           p.key AS facilitator
    FROM extractionsession s
    JOIN engagement e ON e.id = s.engagement_id
    LEFT JOIN person p ON p.id = s.facilitator_id
"""


def session_rows(db: Reader, engagement_key: str | None = None) -> list[SessionRow]:
    """Every session (of one engagement), newest first, with its counts: participants,
    ideas not merged into another, promoted ideas."""
    sql = _SESSIONS + (" WHERE e.key = :engagement_key" if engagement_key else "")
    rows = db.execute(typed(sql, held_on=Date()),
                      {"engagement_key": engagement_key} if engagement_key else {}).all()
    people = _counts(db.execute(text(
        "SELECT session_id, count(*) FROM sessionparticipant GROUP BY session_id")))
    ideas = _counts(db.execute(text(
        "SELECT session_id, count(*) FROM idea WHERE merged_into_id IS NULL "
        "GROUP BY session_id")))
    promoted = _counts(db.execute(text(
        "SELECT session_id, count(*) FROM idea WHERE status = :promoted GROUP BY session_id"),
        {"promoted": PROMOTED}))
    result = [
        SessionRow(engagement_key=row.engagement_key, key=row.key, title=row.title,
                   phase=row.phase, held_on=row.held_on, status=row.status,
                   facilitator=row.facilitator or "", participants=people.get(row.id, 0),
                   ideas=ideas.get(row.id, 0), promoted=promoted.get(row.id, 0))
        for row in rows
    ]
    return sorted(result, key=lambda r: (r.held_on.toordinal() if r.held_on else 0,
                                         r.engagement_key, r.key), reverse=True)


def _counts(rows: Iterable[Any]) -> dict[int, int]:
    return {int(key): int(n) for key, n in rows}


# The actor of buffers written before they were kept per user.
UNCLAIMED = ""

_WAITING = typed(
    """SELECT owner, disclosure_key, saved_at FROM draftbuffer
       WHERE actor IN :actors ORDER BY saved_at DESC""",
    lists=["actors"], saved_at=UtcTime())


def waiting_buffers(db: Reader, actors: Iterable[str]) -> list[tuple[str, str, datetime]]:
    """(owner, disclosure key, saved at) of the autosave buffers of these actors (UNCLAIMED
    for those from before buffers were kept per user), newest first."""
    return [(owner, key, saved_at) for owner, key, saved_at in
            db.execute(_WAITING, {"actors": list(actors)})]
