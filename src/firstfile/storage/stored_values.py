"""Stored values read into Python types, as the table classes read them, from any driver:
SQLite keeps times and dates as text and flags as integers, PostgreSQL hands back its own
types. Used by the plain reads (storage/home_queries.py on SQLAlchemy's connection or a
sqlite3 one, storage/disclosure_views.py and storage/search_queries.py through SQLAlchemy),
and for the list's rows by the ORM's pages too."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from firstfile.domain.views import DisclosureRow


def utc_time(value: str | datetime) -> datetime:
    """A stored time as the table classes read it (SQLModel's UTCDateTime): aware, in UTC.
    SQLite keeps no offset, so a time it holds is UTC as stored."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


def day(value: str | date | None) -> date | None:
    """A stored date: SQLite keeps it as text (YYYY-MM-DD)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def flag(value: int | bool | None) -> bool:
    """A stored flag: SQLite keeps it as 0 or 1."""
    return bool(value)


def disclosure_row(values: Sequence[Any], rank: float | None = None) -> DisclosureRow:
    """A line of the disclosure list from its stored id, key, title, status, engagement key,
    joint flag, update time and vendor-invention flag, in that order."""
    id_, key, title, status, engagement_key, joint, updated_at, vendor_invention = values[:8]
    return DisclosureRow(id=id_, key=key, title=title, status=status,
                         engagement_key=engagement_key or "", joint=flag(joint),
                         updated_at=utc_time(updated_at),
                         vendor_invention=flag(vendor_invention), rank=rank)
