"""Errors a user can act on. The CLI prints them without a traceback; the TUI shows them."""

from __future__ import annotations

from firstfile.domain.disclosure import Problem


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
    """The record changed since it was read (another user or window saved it)."""
