"""Row versions: every update of an editable record is conditional on the version it was read at.

A table that mixes in `Versioned` maps its `version` column as SQLAlchemy's version counter, so
the ORM writes `UPDATE ... SET version = :new WHERE id = :id AND version = :read` (and the same
condition on DELETE) and raises StaleDataError when no row matched: another transaction
changed the row after this one read it. On SQLite, where BEGIN IMMEDIATE serialises writers,
that never happens; on PostgreSQL (read committed) it is what stops the second of two
simultaneous saves from silently overwriting the first.

The version goes up by exactly one per unit of work that changes the row, however many times
the unit flushes it, so a version names one committed state: `before_flush` bumps each changed
row once per transaction unless the unit already set the version itself. A row inserted in the
transaction keeps the version it was inserted with (1).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, declared_attr

_BUMPED = "firstfile_versions_bumped"


class Versioned:
    """Mixin for tables with an integer `version` column guarding every update."""

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        table = cls.__table__  # type: ignore[attr-defined]
        # The application sets the new value (once per unit of work, below); SQLAlchemy adds
        # the "AND version = <as read>" condition and checks the row count.
        return {"version_id_col": table.c.version, "version_id_generator": False}


@event.listens_for(Session, "before_flush")
def _bump_versions(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    bumped: set[Any] = session.info.setdefault(_BUMPED, set())
    for row in session.dirty:
        if not isinstance(row, Versioned) or not session.is_modified(row):
            continue
        state = inspect(row)
        if state.identity_key in bumped:
            continue
        bumped.add(state.identity_key)
        if not state.attrs.version.history.has_changes():
            row.version += 1  # type: ignore[attr-defined]


@event.listens_for(Session, "pending_to_persistent")
def _inserted(session: Session, row: Any) -> None:
    if isinstance(row, Versioned):
        session.info.setdefault(_BUMPED, set()).add(inspect(row).identity_key)


@event.listens_for(Session, "after_transaction_end")
def _forget_bumps(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)
