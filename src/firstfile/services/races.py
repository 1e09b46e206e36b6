"""Units of work that lost a race with another writer: run again on what is stored now.

Two writers can read the same row at once on PostgreSQL (SQLite's BEGIN IMMEDIATE makes
them take turns). The second one's versioned UPDATE then matches no row (StaleDataError,
storage/versions.py), or its INSERT of a new row with a unique key finds the first one's row
(a unique violation). Either way its transaction is rolled back with nothing written.

`retried` runs such a unit of work again from the start: it reads what the other writer
committed, so every check runs on the current data and the audit record's "old" values are
what was really there. A change made against a version the user saw (expected_version) is
then refused with a Conflict carrying the stored record, and a change that needs no version
(a command-line edit of one field, a vote) is applied on top of the other one. Nothing is
silently overwritten either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.orm.exc import StaleDataError

from firstfile.services.errors import Conflict
from firstfile.storage.engine import DuplicateKey

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 4  # each lost race means another writer committed; more in a row is very unlikely


def retried(unit: Callable[P, R]) -> Callable[P, R]:
    """unit (one whole unit of work, free of side effects outside the database), run again
    when it lost a race; Conflict when it keeps losing."""

    @functools.wraps(unit)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        lost: Exception | None = None
        for _attempt in range(ATTEMPTS):
            try:
                return unit(*args, **kwargs)
            except StaleDataError as exc:
                lost = exc
            except DuplicateKey as exc:
                lost = exc
        if isinstance(lost, DuplicateKey):
            raise lost  # the same key every time: not a race, the key is taken
        raise Conflict(
            "other users kept changing the same record while this change was being saved; "
            "nothing was written: look at it again and retry"
        ) from lost

    return run

