"""Reading the evidence records: the audit chain in order, its head, timestamps and anchors,
signatures with their keys. Plain values out (domain/evidence.AuditRow and tuples)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain.evidence import AuditRow
from firstfile.storage.tables import (
    AuditChainHead,
    AuditEvent,
    Disclosure,
    DisclosureSignature,
    SignerKey,
    TrustedTimestamp,
)

BATCH = 2000


def chain_head(db: Session) -> tuple[int, str] | None:
    """(seq, chain hash) of the chain's last row as the head row records it; None when the
    head row is missing."""
    head = db.get(AuditChainHead, 1)
    return None if head is None else (head.seq, head.chain_sha256)


def audit_rows(
    db: Session, *, entity_key: str | None = None, entity: str | None = None,
) -> Iterator[AuditRow]:
    """Audit rows in chain order (by seq), read in batches of plain rows (no ORM objects
    kept) so a long trail never sits in memory whole; only one record's rows when entity_key
    (and entity) are given."""
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    after = -1
    while True:
        stmt = select(table).where(table.c.seq > after)
        if entity_key is not None:
            stmt = stmt.where(table.c.entity_key == entity_key)
        if entity is not None:
            stmt = stmt.where(table.c.entity == entity)
        rows = db.execute(stmt.order_by(table.c.seq).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            yield as_row(row)
        after = rows[-1].seq


def as_row(row: Any) -> AuditRow:
    """An AuditRow from an AuditEvent or a row of its table."""
    return AuditRow(
        seq=row.seq, at=row.at, actor=row.actor, actor_name=row.actor_name, entity=row.entity,
        entity_key=row.entity_key, action=row.action, changes=row.changes,
        record_sha256=row.record_sha256, values_sha256=row.values_sha256,
        content_sha256=row.content_sha256, chain_sha256=row.chain_sha256, id=row.id or 0,
    )


def timestamps(db: Session, *, kind: str, keys: Sequence[str] | None = None
               ) -> list[TrustedTimestamp]:
    """Timestamps of one kind (disclosure | anchor), oldest first; only these disclosures'
    when keys are given."""
    stmt = select(TrustedTimestamp).where(col(TrustedTimestamp.kind) == kind)
    found: list[TrustedTimestamp] = []
    if keys is None:
        return list(db.execute(stmt.order_by(col(TrustedTimestamp.id))).scalars())
    for start in range(0, len(keys), 900):
        chunk = list(keys[start:start + 900])
        found.extend(db.execute(stmt.where(col(TrustedTimestamp.disclosure_key).in_(chunk)))
                     .scalars())
    return sorted(found, key=lambda t: t.id or 0)


def signatures(db: Session, *, keys: Sequence[str] | None = None
               ) -> list[tuple[str, DisclosureSignature, SignerKey]]:
    """(disclosure key, signature, its key) in the order signed; only these disclosures'
    when keys are given."""
    stmt = (select(col(Disclosure.key), DisclosureSignature, SignerKey)
            .join(DisclosureSignature, col(DisclosureSignature.disclosure_id) == Disclosure.id)
            .join(SignerKey, col(SignerKey.id) == DisclosureSignature.key_id))
    rows: list[tuple[str, DisclosureSignature, SignerKey]] = []
    if keys is None:
        rows = [tuple(r) for r in db.execute(stmt)]
    else:
        for start in range(0, len(keys), 900):
            chunk = list(keys[start:start + 900])
            rows.extend(tuple(r) for r in db.execute(
                stmt.where(col(Disclosure.key).in_(chunk))))
    return sorted(rows, key=lambda r: r[1].id or 0)


def last_record_hashes(db: Session, keys: Sequence[str]) -> dict[str, str]:
    """The content hash the newest audit row of each disclosure records (where one does)."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), 900):
        chunk = list(keys[start:start + 900])
        for key, seq, digest in db.execute(
            select(col(AuditEvent.entity_key), col(AuditEvent.seq), col(AuditEvent.record_sha256))
            .where(col(AuditEvent.entity) == "disclosure",
                   col(AuditEvent.entity_key).in_(chunk),
                   col(AuditEvent.record_sha256) != "")
        ):
            if key not in found or seq > found[key][0]:
                found[key] = (seq, digest)
    return {key: digest for key, (_seq, digest) in found.items()}
