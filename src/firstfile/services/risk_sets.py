"""Use cases of critical sets: components that together reveal a subsystem (docs/RISK.md,
section 5). Creating one, adding and removing members, deleting it.

Each function is one unit of work with its audit record (entity "critical-set", keyed by the
set's key, the engagement among the changes); a set is checked whole (known components, none
twice, at least two) before anything is written. A deleted set is gone from the analysis; its
name, members and note stay in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from firstfile.domain.risk.exposure import CriticalSet, critical_set_problems
from firstfile.domain.text import clean_line, clean_text
from firstfile.services.errors import Conflict, NotFound, ValidationFailed
from firstfile.services.vendors import require_engagement
from firstfile.storage import audit
from firstfile.storage import risk_queries as rq
from firstfile.storage.engine import Store
from firstfile.storage.tables import CriticalSet as CriticalSetRow
from firstfile.storage.tables import CriticalSetMember, Engagement


def create_critical_set(
    store: Store,
    engagement_key: str,
    key: str,
    *,
    name: str,
    members: Sequence[str],
    reveals: str = "",
    note: str = "",
    actor: str,
) -> CriticalSet:
    """Name a group of the engagement's components that together reveal a subsystem."""
    wanted = CriticalSet(
        key=key,
        name=clean_line(name),
        members=tuple(members),
        reveals=clean_line(reveals),
        note=clean_text(note).strip(),
    )
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        if rq.find_critical_set(db=db, engagement_id=engagement.id or 0, key=key) is not None:
            raise Conflict(
                f"{engagement_key} has a critical set {key!r} already; choose another "
                "key, or change its members with `firstfile risk set add|remove`"
            )
        ids = _checked(db, engagement, wanted)
        row = CriticalSetRow(
            engagement_id=engagement.id or 0,
            key=key,
            name=wanted.name,
            reveals_id=ids[wanted.reveals] if wanted.reveals else None,
            note=wanted.note,
        )
        db.add(row)
        db.flush()
        for position, member in enumerate(wanted.members):
            db.add(
                CriticalSetMember(
                    critical_set_id=row.id or 0, component_id=ids[member], position=position
                )
            )
        db.flush()
        _record(
            db,
            actor,
            engagement_key,
            key,
            "create",
            {
                "name": (None, wanted.name),
                "members": (None, list(wanted.members)),
                "reveals": (None, wanted.reveals or None),
                "note": (None, wanted.note or None),
            },
        )
        return wanted


def add_members(
    store: Store, engagement_key: str, key: str, members: Sequence[str], *, actor: str
) -> CriticalSet:
    """Add components to a critical set (those already in it are left as they are)."""
    return _change_members(
        store,
        engagement_key,
        key,
        actor=actor,
        change=lambda now: [*now, *(m for m in members if m not in now)],
    )


def remove_members(
    store: Store, engagement_key: str, key: str, members: Sequence[str], *, actor: str
) -> CriticalSet:
    """Take components out of a critical set; at least two must remain (delete the set
    otherwise), and each named must be in it."""

    def change(now: list[str]) -> list[str]:
        strangers = [m for m in members if m not in now]
        if strangers:
            raise NotFound(
                f"{', '.join(strangers)}: not in the critical set {key} ({', '.join(now)})"
            )
        return [m for m in now if m not in members]

    return _change_members(store, engagement_key, key, actor=actor, change=change)


def delete_critical_set(store: Store, engagement_key: str, key: str, *, actor: str) -> bool:
    """Delete a critical set; False when there was none. Its name, members and note are kept
    in the audit trail."""
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = rq.find_critical_set(db=db, engagement_id=engagement.id or 0, key=key)
        if row is None:
            return False
        sets = {s.key: s for s in rq.critical_sets(db=db, engagement_id=engagement.id or 0)}
        old = sets[key]
        for member in rq.critical_set_members(db=db, critical_set_id=row.id or 0):
            db.delete(member)
        db.flush()
        db.delete(row)
        _record(
            db,
            actor,
            engagement_key,
            key,
            "delete",
            {
                "name": (old.name, None),
                "members": (list(old.members), None),
                "reveals": (old.reveals or None, None),
                "note": (old.note or None, None),
            },
        )
        return True


def _change_members(
    store: Store, engagement_key: str, key: str, *, actor: str, change: Any
) -> CriticalSet:
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        row = rq.find_critical_set(db=db, engagement_id=engagement.id or 0, key=key)
        if row is None:
            raise NotFound(
                f"{engagement_key} has no critical set {key!r}; `firstfile risk "
                f"{engagement_key}` lists them"
            )
        old = next(
            s for s in rq.critical_sets(db=db, engagement_id=engagement.id or 0) if s.key == key
        )
        members = change(list(old.members))
        new = CriticalSet(old.key, old.name, tuple(members), old.reveals, old.note)
        if new.members == old.members:
            return old
        ids = _checked(db, engagement, new)
        for member in rq.critical_set_members(db=db, critical_set_id=row.id or 0):
            db.delete(member)
        db.flush()
        for position, member_key in enumerate(new.members):
            db.add(
                CriticalSetMember(
                    critical_set_id=row.id or 0, component_id=ids[member_key], position=position
                )
            )
        db.flush()
        _record(
            db,
            actor,
            engagement_key,
            key,
            "update",
            {"members": (list(old.members), list(new.members))},
        )
        return new


def _checked(db: Session, engagement: Engagement, critical: CriticalSet) -> dict[str, int]:
    """The engagement's component ids, once the set is known to be valid."""
    ids = rq.component_ids(db=db, engagement_id=engagement.id or 0)
    problems = critical_set_problems([critical], ids)
    if problems:
        raise ValidationFailed(problems)
    return ids


def _record(
    db: Session,
    actor: str,
    engagement_key: str,
    key: str,
    action: str,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    audit.record(
        db=db,
        actor=actor,
        entity="critical-set",
        entity_key=key,
        action=action,
        changes={"engagement": (engagement_key, engagement_key), **changes},
    )
