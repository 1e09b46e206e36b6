"""Errors a user can act on. The CLI prints them without a traceback; the TUI shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from firstfile.domain.disclosure import Problem

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session


class UserError(Exception):
    """Something the user asked for cannot be done; the message says what to fix."""


class NotFound(UserError):
    pass


class ValidationFailed(UserError):
    """The input has errors; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class Conflict(UserError):
    """The record changed since it was read (another user or window saved it).

    current is what is stored now (the service's own view of the record, e.g. a
    DisclosureView), so the caller can show both versions; None when there is nothing to show
    (the record was removed, or the clash was over a new key).
    """

    def __init__(self, message: str, *, current: object | None = None) -> None:
        self.current = current
        super().__init__(message)


def unknown_disclosure(key: str) -> NotFound:
    """The one message for a disclosure key that names nothing."""
    return NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")


def unknown_engagement(key: str) -> NotFound:
    """The one message for an engagement key that names nothing, wherever it was given."""
    return NotFound(f"no engagement {key!r}; `firstfile engagements list` shows the keys")


def require_engagement_key(db: Connection | Session, key: str | None) -> None:
    """Raise unknown_engagement when key is given and names no engagement (db: an ORM
    unit of work or a plain read)."""
    if not key:
        return
    from firstfile.storage.disclosure_views import engagement_exists

    if not engagement_exists(db, key):
        raise unknown_engagement(key)
