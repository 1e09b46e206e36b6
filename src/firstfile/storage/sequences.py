"""Handing out disclosure numbers that never repeat, safely under concurrent writers."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from firstfile.storage.tables import KeySequence


def _upsert(db: Session):
    dialect = db.get_bind().dialect.name
    return (sqlite if dialect == "sqlite" else postgresql).insert(KeySequence)


def next_number(*, db: Session, year: int) -> int:
    """The next number for year: an atomic upsert, so two writers never get the same one."""
    table = KeySequence.__table__  # type: ignore[attr-defined]
    stmt = _upsert(db).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.year], set_={"last": table.c.last + 1}
    ).returning(table.c.last)
    return int(db.execute(stmt).scalar_one())


def reserve_at_least(*, db: Session, year: int, number: int) -> None:
    """Make sure later numbers for year come after number (after importing explicit keys)."""
    table = KeySequence.__table__  # type: ignore[attr-defined]
    stmt = _upsert(db).values(year=year, last=number)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.year],
        set_={"last": _greatest(db, table.c.last, stmt.excluded.last)},
    )
    db.execute(stmt)


def _greatest(db: Session, a, b):
    from sqlalchemy import func

    # SQLite's two-argument max() is its scalar GREATEST.
    if db.get_bind().dialect.name == "sqlite":
        return func.max(a, b)
    return func.greatest(a, b)
