"""Autosaved, not-yet-saved editor contents (the DraftBuffer table).

The editor and quick capture write what is on screen here a second or two after typing stops,
so a crash, a closed terminal or a kill loses at most those seconds. A buffer is keyed by its
owner ("edit:FF-2026-0001", "capture"); saving the record for real clears it.

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

from firstfile.storage.engine import Store
from firstfile.storage.tables import DraftBuffer

CAPTURE_OWNER = "capture"

__all__ = [
    "CAPTURE_OWNER",
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


def save_buffer(
    store: Store, owner: str, disclosure_key: str, payload: dict[str, Any],
    *, now: datetime | None = None,
) -> datetime:
    """Write (or replace) owner's buffer with payload; returns the time it was saved."""
    saved_at = now or datetime.now(UTC)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    with store.write() as db:
        row = db.execute(select(DraftBuffer).where(col(DraftBuffer.owner) == owner)).scalar()
        if row is None:
            db.add(DraftBuffer(owner=owner, disclosure_key=disclosure_key, payload=text,
                               saved_at=saved_at))
        else:
            row.disclosure_key = disclosure_key
            row.payload = text
            row.saved_at = saved_at
    return saved_at


def load_buffer(store: Store, owner: str) -> tuple[dict[str, Any], datetime] | None:
    """owner's buffer as (payload, saved_at in UTC), or None when there is none.

    A payload that is not a JSON object (a damaged row) counts as no buffer.
    """
    with store.read() as db:
        row = db.execute(select(DraftBuffer).where(col(DraftBuffer.owner) == owner)).scalar()
    if row is None:
        return None
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    return payload, as_utc(row.saved_at)


def clear_buffer(store: Store, owner: str) -> None:
    """Forget owner's buffer (after a real save, or when the user discards the changes)."""
    with store.write() as db:
        db.execute(delete(DraftBuffer).where(col(DraftBuffer.owner) == owner))


def pending_buffers(store: Store) -> list[PendingBuffer]:
    """Every buffer still waiting, newest first."""
    with store.read() as db:
        rows = db.execute(
            select(col(DraftBuffer.owner), col(DraftBuffer.disclosure_key),
                   col(DraftBuffer.saved_at))
            .order_by(col(DraftBuffer.saved_at).desc())
        ).all()
    return [PendingBuffer(owner, key, as_utc(saved_at)) for owner, key, saved_at in rows]
