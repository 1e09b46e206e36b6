"""Insert-or-update of the records an interchange file carries, matched by their keys.

Each function compares the stored values with the incoming ones and writes (with an audit
record) only when something differs, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from firstfile.storage import audit

Row = TypeVar("Row", bound=SQLModel)


def upsert(
    *,
    db: Session,
    model: type[Row],
    match: dict[str, Any],
    values: dict[str, Any],
    actor: str,
    entity: str,
    entity_key: str,
    create_only: dict[str, Any] | None = None,
) -> tuple[Row, str]:
    """Find the row of model matching match; create it or bring it up to date with values.

    Returns the row and what happened: "created", "updated" or "unchanged".
    create_only holds values set on creation and never changed afterwards (creation dates).
    """
    stmt = select(model)
    for name, value in match.items():
        stmt = stmt.where(getattr(model, name) == value)
    row = db.execute(stmt).scalar_one_or_none()
    if row is None:
        row = model(**match, **values, **(create_only or {}))
        db.add(row)
        db.flush()
        audit.record(
            db=db, actor=actor, entity=entity, entity_key=entity_key, action="create",
            changes={k: (None, v) for k, v in values.items() if v not in (None, "")},
        )
        return row, "created"
    changes = {
        name: (getattr(row, name), value)
        for name, value in values.items()
        if getattr(row, name) != value
    }
    if not changes:
        return row, "unchanged"
    for name, (_old, new) in changes.items():
        setattr(row, name, new)
    db.flush()
    audit.record(
        db=db, actor=actor, entity=entity, entity_key=entity_key, action="update",
        changes=changes,
    )
    return row, "updated"


def link(
    *, db: Session, model: type[Row], keys: dict[str, Any], actor: str, entity: str,
    entity_key: str, field: str, linked: str,
) -> bool:
    """Make sure a link row exists; True when it was added.

    A new link is a change like any other (a vendor added to a component is what a
    derivation case asks about), so it is audited as a "link" of entity_key: `{field: [null,
    linked]}`."""
    stmt = select(model)
    for name, value in keys.items():
        stmt = stmt.where(getattr(model, name) == value)
    if db.execute(stmt).first() is not None:
        return False
    db.add(model(**keys))
    db.flush()
    audit.record(db=db, actor=actor, entity=entity, entity_key=entity_key, action="link",
                 changes={field: (None, linked)})
    return True


def now() -> datetime:
    return datetime.now(UTC)
