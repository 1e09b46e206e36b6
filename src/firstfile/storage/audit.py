"""Writing the audit trail: one row per change, in the caller's transaction, each row linked
to the one before it in a hash chain (domain/evidence.py, docs/EVIDENCE.md).

Appending takes the chain head (`auditchainhead`, one row) under a lock: SQLite's write
transactions are serial already (BEGIN IMMEDIATE); on PostgreSQL the head row is read with
SELECT ... FOR UPDATE, which makes a second writer wait until the first commits or rolls
back, so no two transactions ever link to the same predecessor. The lock is held from the
first audited change of a transaction to its end.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session

from firstfile.domain.evidence import seal
from firstfile.storage.engine import StoreError
from firstfile.storage.identity import os_account
from firstfile.storage.tables import AuditChainHead, AuditEvent

_HEAD_FOR_UPDATE = text(
    "SELECT seq, chain_sha256, current_user, clock_timestamp() FROM auditchainhead "
    "WHERE id = 1 FOR UPDATE")
_HEAD = text("SELECT seq, chain_sha256 FROM auditchainhead WHERE id = 1")


def record(
    *,
    db: Session,
    actor: str,
    entity: str,
    entity_key: str,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    record_sha256: str = "",
) -> AuditEvent:
    """Add an AuditEvent to db's transaction: it commits or rolls back with the change itself.

    actor is the display name the caller acts under (settings.actor); who acts and when are
    taken from the database connection (storage/identity.py). record_sha256 is the hash of the
    record's content after the change, where one is kept (a disclosure's).
    """
    text_changes = json.dumps(
        {k: [_plain(old), _plain(new)] for k, (old, new) in (changes or {}).items()},
        ensure_ascii=False,
        sort_keys=True,
    )
    seq, previous, who, at = _take_head(db)
    seq += 1
    name = actor or who
    sealed = seal(previous=previous, seq=seq, at=at, actor=who, actor_name=name,
                  entity=entity, entity_key=entity_key, action=action, changes=text_changes,
                  record_sha256=record_sha256)
    event = AuditEvent(
        seq=seq, at=at, actor=who, actor_name=name, entity=entity, entity_key=entity_key,
        action=action, changes=text_changes, record_sha256=record_sha256,
        values_sha256=sealed.values_sha256, content_sha256=sealed.content_sha256,
        chain_sha256=sealed.chain_sha256,
    )
    db.add(event)
    db.execute(update(AuditChainHead).where(AuditChainHead.id == 1)  # type: ignore[arg-type]
               .values(seq=seq, chain_sha256=sealed.chain_sha256))
    return event


def _take_head(db: Session) -> tuple[int, str, str, Any]:
    """The chain head (locked until the transaction ends), who acts, and the time now."""
    from datetime import UTC, datetime

    if db.get_bind().dialect.name == "postgresql":
        found = db.execute(_HEAD_FOR_UPDATE).first()
        if found is None:
            raise _missing_head()
        return int(found[0]), str(found[1]), str(found[2]), found[3]
    found = db.execute(_HEAD).first()
    if found is None:
        raise _missing_head()
    return int(found[0]), str(found[1]), os_account(), datetime.now(UTC)


def _missing_head() -> StoreError:
    return StoreError("the audit chain's head row is missing, so nothing can be recorded; "
                      "someone changed the database directly: run `firstfile verify` and "
                      "keep a copy of the file before anything else")


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
