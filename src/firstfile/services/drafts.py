"""Autosaved, not-yet-saved editor contents (the DraftBuffer table).

The editor and quick capture write what is on screen here a second or two after typing stops,
so a crash, a closed terminal or a kill loses at most those seconds. A buffer belongs to the
user who typed it (the audit trail's actor) and is keyed by what was being edited, its owner
("edit:FF-2026-0001", "capture"): two people editing one disclosure each keep their own text.
Saving the record for real clears it.

Buffers written before they were kept per user have no actor. Such a buffer is given to the
first user who opens the same thing (it is theirs from then on), and shows among every user's
pending buffers until then, so no unsaved text disappears on upgrade.

The payload is whatever the form holds, as JSON: raw field text, including values that are
not valid yet (a half-typed date), because the point is to give the user back exactly what
they typed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import col

from firstfile.services.races import retried
from firstfile.storage.engine import Store
from firstfile.storage.home_queries import UNCLAIMED, waiting_buffers
from firstfile.storage.tables import DraftBuffer

CAPTURE_OWNER = "capture"

__all__ = [
    "CAPTURE_OWNER",
    "UNCLAIMED",
    "PendingBuffer",
    "clear_buffer",
    "editor_owner",
    "load_buffer",
    "pending_buffers",
    "save_buffer",
]


@dataclass(frozen=True, slots=True)
class PendingBuffer:
    """An unsaved buffer waiting to be restored or discarded."""

    owner: str
    disclosure_key: str
    saved_at: datetime


def editor_owner(disclosure_key: str) -> str:
    """The buffer owner of the editor open on disclosure_key."""
    return f"edit:{disclosure_key}"


def as_utc(moment: datetime) -> datetime:
    """moment as an aware UTC datetime (SQLite hands back naive datetimes that were UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@retried
def save_buffer(
    store: Store, owner: str, disclosure_key: str, payload: dict[str, Any],
    *, actor: str, now: datetime | None = None,
) -> datetime:
    """Write (or replace) actor's buffer for owner with payload; returns when it was saved."""
    saved_at = now or datetime.now(UTC)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    with store.write() as db:
        row = db.execute(select(DraftBuffer).where(
            col(DraftBuffer.actor) == actor, col(DraftBuffer.owner) == owner)).scalar()
        if row is None:
            db.add(DraftBuffer(actor=actor, owner=owner, disclosure_key=disclosure_key,
                               payload=text, saved_at=saved_at))
        else:
            row.disclosure_key = disclosure_key
            row.payload = text
            row.saved_at = saved_at
    return saved_at


def load_buffer(
    store: Store, owner: str, *, actor: str
) -> tuple[dict[str, Any], datetime] | None:
    """actor's buffer for owner as (payload, saved_at in UTC), or None when there is none.

    Without one of actor's own, an unclaimed buffer from before buffers were kept per user
    is claimed for actor and returned (once: it is actor's from then on). A payload that is
    not a JSON object (a damaged row) counts as no buffer.
    """
    with store.read() as db:
        rows = {row.actor: row for row in db.execute(select(DraftBuffer).where(
            col(DraftBuffer.actor).in_((actor, UNCLAIMED)),
            col(DraftBuffer.owner) == owner)).scalars()}
    row = rows.get(actor)
    if row is None and UNCLAIMED in rows:
        row = _claim(store, owner, actor=actor)
    if row is None:
        return None
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    return payload, as_utc(row.saved_at)


@retried
def _claim(store: Store, owner: str, *, actor: str) -> DraftBuffer | None:
    """Make the unclaimed buffer of owner actor's; None when there is none (or another user
    claimed it first)."""
    with store.write() as db:
        row = db.execute(select(DraftBuffer).where(
            col(DraftBuffer.actor) == UNCLAIMED, col(DraftBuffer.owner) == owner)).scalar()
        if row is None:
            return None
        row.actor = actor
        db.flush()
        db.expunge(row)
        return row


def clear_buffer(store: Store, owner: str, *, actor: str) -> None:
    """Forget actor's buffer for owner (after a real save, or when the user discards it)."""
    with store.write() as db:
        db.execute(delete(DraftBuffer).where(col(DraftBuffer.actor) == actor,
                                             col(DraftBuffer.owner) == owner))


def pending_buffers(store: Store, *, actor: str) -> list[PendingBuffer]:
    """actor's buffers still waiting (and unclaimed ones from before buffers were kept per
    user), newest first."""
    with store.plain_read() as db:
        rows = waiting_buffers(db, (actor, UNCLAIMED))
    return [PendingBuffer(owner, key, saved_at) for owner, key, saved_at in rows]
