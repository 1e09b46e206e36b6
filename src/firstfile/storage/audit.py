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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session

from firstfile.domain.evidence import seal
from firstfile.storage.bulk_rows import insert_rows
from firstfile.storage.engine import StoreError
from firstfile.storage.identity import os_account
from firstfile.storage.tables import AuditChainHead, AuditEvent

_HEAD_FOR_UPDATE = text(
    "SELECT seq, chain_sha256, current_user, clock_timestamp() FROM auditchainhead "
    "WHERE id = 1 FOR UPDATE")
_HEAD = text("SELECT seq, chain_sha256 FROM auditchainhead WHERE id = 1")


@dataclass(frozen=True, slots=True)
class PreparedChanges:
    """Changes already put into the text an audit row stores (made only by prepared), for a
    writer that works them out before it takes the write lock (services/import_prepared.py)."""

    text: str


def prepared(changes: dict[str, tuple[Any, Any]] | None) -> PreparedChanges:
    """changes as the audit row will store them (changes_text)."""
    return PreparedChanges(changes_text(changes))


@dataclass(frozen=True, slots=True)
class Entry:
    """One change to record with record_many: what changed, as record takes it, or
    prepared."""

    entity: str
    entity_key: str
    action: str
    changes: dict[str, tuple[Any, Any]] | PreparedChanges | None = None
    record_sha256: str = ""


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
    entry = Entry(entity=entity, entity_key=entity_key, action=action, changes=changes,
                  record_sha256=record_sha256)
    values = _sealed(db, actor, [entry])[0]
    event = AuditEvent(**values)
    db.add(event)
    _move_head(db, values)
    return event


def record_many(*, db: Session, actor: str, entries: Sequence[Entry]) -> None:
    """Record many changes in db's transaction, in order, with one insert: the rows are
    exactly what one record call after another would write (each sealed onto the one before
    it, by the same code), except that they share one moment, the moment the head was taken.

    For writers of many records at once (an import's new disclosures); the head is taken and
    locked as record takes it, so the rows join the chain between other writers' rows.
    """
    if not entries:
        return
    # Rows recorded earlier in this transaction go in first, so ids follow the chain.
    db.flush()
    rows = _sealed(db, actor, entries)
    insert_rows(db.connection(), AuditEvent.__table__, rows)  # type: ignore[attr-defined]
    _move_head(db, rows[-1])


def changes_text(changes: dict[str, tuple[Any, Any]] | None) -> str:
    """The changes as the audit row stores them: JSON {field: [old, new]}, keys sorted."""
    return json.dumps(
        {k: [_plain(old), _plain(new)] for k, (old, new) in (changes or {}).items()},
        ensure_ascii=False,
        sort_keys=True,
    )


def _sealed(db: Session, actor: str, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The column values of an audit row for each entry, chained in order after the head
    (taken and locked here), each sealed by domain/evidence.seal."""
    seq, previous, who, at = _take_head(db)
    name = actor or who
    rows: list[dict[str, Any]] = []
    for entry in entries:
        seq += 1
        text_changes = (entry.changes.text if isinstance(entry.changes, PreparedChanges)
                        else changes_text(entry.changes))
        sealed = seal(previous=previous, seq=seq, at=at, actor=who, actor_name=name,
                      entity=entry.entity, entity_key=entry.entity_key, action=entry.action,
                      changes=text_changes, record_sha256=entry.record_sha256)
        rows.append({
            "seq": seq, "at": at, "actor": who, "actor_name": name, "entity": entry.entity,
            "entity_key": entry.entity_key, "action": entry.action, "changes": text_changes,
            "record_sha256": entry.record_sha256, "values_sha256": sealed.values_sha256,
            "content_sha256": sealed.content_sha256, "chain_sha256": sealed.chain_sha256,
        })
        previous = sealed.chain_sha256
    return rows


def _move_head(db: Session, last: dict[str, Any]) -> None:
    db.execute(update(AuditChainHead).where(AuditChainHead.id == 1)  # type: ignore[arg-type]
               .values(seq=last["seq"], chain_sha256=last["chain_sha256"]))


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
