"""Reading the audit trail: every change to one record (or to everything), oldest first, as
plain entries for the CLI, the TUI's history view and the bundle's audit.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firstfile.domain.evidence import AuditRow, utc_text
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import audit_rows, chain_head


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row as people read it: when, who (and the name they chose), what."""

    seq: int
    at: datetime
    actor: str
    actor_name: str
    entity: str
    entity_key: str
    action: str
    changes: dict[str, Any]  # {field: [old, new]}
    chain_sha256: str

    @property
    def who(self) -> str:
        """`login` or `login (Name)` when they chose another name."""
        if self.actor_name and self.actor_name != self.actor:
            return f"{self.actor} ({self.actor_name})"
        return self.actor

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": utc_text(self.at), "actor": self.actor,
                "actor_name": self.actor_name, "entity": self.entity,
                "entity_key": self.entity_key, "action": self.action, "changes": self.changes,
                "chain_sha256": self.chain_sha256}


@dataclass(frozen=True, slots=True)
class Trail:
    """Entries and the chain head they were read with."""

    entries: list[AuditEntry]
    head_seq: int
    head_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"chain_head": {"seq": self.head_seq, "chain_sha256": self.head_sha256},
                "entries": [e.as_json() for e in self.entries]}


def entry(row: AuditRow) -> AuditEntry:
    """An AuditRow as an entry (its changes parsed; text that is not JSON kept as text)."""
    try:
        changes = json.loads(row.changes)
    except ValueError:
        changes = {"(unreadable)": [row.changes, None]}
    if not isinstance(changes, dict):
        changes = {"(unreadable)": [row.changes, None]}
    return AuditEntry(row.seq, row.at, row.actor, row.actor_name, row.entity, row.entity_key,
                      row.action, changes, row.chain_sha256)


def read_trail(store: Store, key: str | None = None, *, last: int | None = None) -> Trail:
    """Every change to the record with this key (a disclosure's key, a vendor's, ...), or
    to everything when key is None; only the newest `last` when given. Oldest first."""
    with store.read() as db:
        head = chain_head(db) or (0, "")
        entries = [entry(row) for row in audit_rows(db, entity_key=key)]
    if last is not None:
        entries = entries[-last:] if last else []
    return Trail(entries, head[0], head[1])
