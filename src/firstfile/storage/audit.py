"""Writing the audit trail: one row per change, in the caller's transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from firstfile.storage.tables import AuditEvent


def record(
    *,
    db: Session,
    actor: str,
    entity: str,
    entity_key: str,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an AuditEvent to db's transaction: it commits or rolls back with the change itself."""
    event = AuditEvent(
        at=at or datetime.now(UTC),
        actor=actor,
        entity=entity,
        entity_key=entity_key,
        action=action,
        changes=json.dumps(
            {k: [_plain(old), _plain(new)] for k, (old, new) in (changes or {}).items()},
            ensure_ascii=False,
            sort_keys=True,
        ),
    )
    db.add(event)
    return event


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
