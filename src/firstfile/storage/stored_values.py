"""Stored values read into Python types, as the table classes read them, from any driver:
SQLite keeps times and dates as text and flags as integers, PostgreSQL hands back its own
types. Used by the plain reads (storage/home_queries.py on SQLAlchemy's connection or a
sqlite3 one, and storage/disclosure_views.py through SQLAlchemy)."""

from __future__ import annotations

from datetime import UTC, date, datetime


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
