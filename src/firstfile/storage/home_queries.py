"""What home shows, read with plain SQL: the engagements, the sessions, the counts, the
latest disclosures and the edits waiting to be restored.

Home is the first screen after every start. These statements name their columns themselves
and need neither SQLModel, the table classes of storage/tables.py, nor SQLAlchemy itself:
each runs on SQLAlchemy's Connection or Session (the store's units of work) or on a plain
sqlite3 connection (home's first look, storage/first_look.py, which shows home's data
before SQLAlchemy has even been imported: docs/PERFORMANCE.md, "Home's first look").
Values are read into Python types the same from either (storage/stored_values.py). The
engagement and session lists and the waiting edits are read here for every caller, so there
is one reading of each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from firstfile.domain.sessions import PROMOTED, SessionRow
from firstfile.domain.views import DisclosureRow, EngagementView
from firstfile.storage.stored_values import day, disclosure_row, utc_time

# SQLAlchemy's Connection or Session, or a sqlite3 connection.
Reader = Any


def _rows(db: Reader, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """The rows of sql (named :parameters) as tuples, from any Reader."""
    if isinstance(db, sqlite3.Connection):
        return db.execute(sql, dict(params or {})).fetchall()
    from sqlalchemy import text  # loaded already wherever a store is open

    return [tuple(row) for row in db.execute(text(sql), dict(params or {}))]


def engagement_views(db: Reader) -> list[EngagementView]:
    """Every engagement by key, with its live disclosures counted and its vendors' names."""
    counts = _counts(_rows(db,
        "SELECT engagement_id, count(*) FROM disclosure WHERE deleted_at IS NULL "
        "AND engagement_id IS NOT NULL GROUP BY engagement_id"))
    vendors: dict[int, list[str]] = {}
    for engagement_id, name in _rows(db,
            "SELECT ev.engagement_id, v.name FROM engagementvendor ev "
            "JOIN vendor v ON v.id = ev.vendor_id ORDER BY v.name"):
        vendors.setdefault(engagement_id, []).append(name)
    return [
        EngagementView(key=key, name=name, product=product, phase=phase,
                       disclosure_count=counts.get(engagement_id, 0),
                       vendors=tuple(vendors.get(engagement_id, ())))
        for engagement_id, key, name, product, phase in _rows(db,
            "SELECT id, key, name, product, phase FROM engagement ORDER BY key")
    ]


def status_counts(db: Reader) -> dict[str, int]:
    """How many live disclosures have each status."""
    return {status: int(n) for status, n in _rows(db,
        "SELECT status, count(*) FROM disclosure WHERE deleted_at IS NULL GROUP BY status")}


def people_count(db: Reader) -> int:
    """How many people the directory holds."""
    return int(_rows(db, "SELECT count(*) FROM person")[0][0])


_RECENT = """
    SELECT d.id, d.key, d.title, d.status, e.key, d.joint, d.updated_at, d.vendor_invention
    FROM disclosure d LEFT JOIN engagement e ON e.id = d.engagement_id
    WHERE d.deleted_at IS NULL
    ORDER BY d.updated_at DESC, d.id DESC LIMIT :limit
"""


def recent_rows(db: Reader, limit: int) -> list[DisclosureRow]:
    """The live disclosures changed last, newest first: the list's first page sorted by
    update, as disclosure_queries.page_rows reads it."""
    return [disclosure_row(row) for row in _rows(db, _RECENT, {"limit": limit})]


_SESSIONS = """
    SELECT s.id, e.key, s.key, s.title, s.phase, s.held_on, s.status, p.key
    FROM extractionsession s
    JOIN engagement e ON e.id = s.engagement_id
    LEFT JOIN person p ON p.id = s.facilitator_id
"""


def session_rows(db: Reader, engagement_key: str | None = None) -> list[SessionRow]:
    """Every session (of one engagement), newest first, with its counts: participants,
    ideas not merged into another, promoted ideas."""
    sql = _SESSIONS + (" WHERE e.key = :engagement_key" if engagement_key else "")
    rows = _rows(db, sql, {"engagement_key": engagement_key} if engagement_key else None)
    people = _counts(_rows(db,
        "SELECT session_id, count(*) FROM sessionparticipant GROUP BY session_id"))
    ideas = _counts(_rows(db,
        "SELECT session_id, count(*) FROM idea WHERE merged_into_id IS NULL "
        "GROUP BY session_id"))
    promoted = _counts(_rows(db,
        "SELECT session_id, count(*) FROM idea WHERE status = :promoted GROUP BY session_id",
        {"promoted": PROMOTED}))
    result = [
        SessionRow(engagement_key=engagement, key=key, title=title, phase=phase,
                   held_on=day(held_on), status=status, facilitator=facilitator or "",
                   participants=people.get(id_, 0), ideas=ideas.get(id_, 0),
                   promoted=promoted.get(id_, 0))
        for id_, engagement, key, title, phase, held_on, status, facilitator in rows
    ]
    return sorted(result, key=lambda r: (r.held_on.toordinal() if r.held_on else 0,
                                         r.engagement_key, r.key), reverse=True)


def _counts(rows: Iterable[Any]) -> dict[int, int]:
    return {int(key): int(n) for key, n in rows}


# The actor of buffers written before they were kept per user.
UNCLAIMED = ""


def waiting_buffers(db: Reader, actors: Iterable[str]) -> list[tuple[str, str, datetime]]:
    """(owner, disclosure key, saved at) of the autosave buffers of these actors (UNCLAIMED
    for those from before buffers were kept per user), newest first."""
    names = {f"actor{i}": actor for i, actor in enumerate(dict.fromkeys(actors))}
    if not names:
        return []
    placeholders = ", ".join(f":{name}" for name in names)  # the actors themselves are bound
    sql = ("SELECT owner, disclosure_key, saved_at FROM draftbuffer "  # noqa: S608 - names made here
           f"WHERE actor IN ({placeholders}) ORDER BY saved_at DESC")
    return [(owner, key, utc_time(saved_at))
            for owner, key, saved_at in _rows(db, sql, names)]
