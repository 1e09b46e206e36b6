"""Purging a deleted disclosure: its content removed from every table, index and audit
record, by counsel only, with an audit record that says who purged what key and when.

Deleting is a state (the record stays, hidden, and can be restored); purging is for content
that must not be kept at all. In one write transaction: the disclosure, its inventors,
events, components and autosave buffers are deleted; every earlier audit record of it keeps
who, when and which fields, but its values become "(purged)"; and a "purge" record is
written. Its attached files go too, unless another disclosure holds the same bytes. On
SQLite the rows are deleted with `secure_delete` on (SQLite overwrites them with
zeros instead of leaving them in free space) and the full-text index is merged
(`optimize`), which drops the entries a deleted row leaves behind in older segments. After
the commit the log is checkpointed and emptied and, unless told not to, the file is
rewritten (`VACUUM`), so that no copy of the text survives even in free space left by
versions that did not zero deleted content. On PostgreSQL the touched tables are vacuumed;
PostgreSQL keeps no way to overwrite freed space, so copies can remain in its files and
write-ahead log until it reuses them (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlmodel import Session, col

from firstfile.domain.evidence import PURGED, field_names, purged_changes
from firstfile.domain.views import DisclosureView
from firstfile.services.errors import NotFound, UserError
from firstfile.services.roles import require_in
from firstfile.storage import audit
from firstfile.storage.attachment_queries import remove_attachments
from firstfile.storage.disclosure_queries import build_view, find_disclosure
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    AuditEvent,
    Disclosure,
    DisclosureComponent,
    DisclosureEvent,
    DisclosureInventor,
    DisclosureSignature,
    DraftBuffer,
    TrustedTimestamp,
)

__all__ = ["PURGED", "PurgeResult", "purge_disclosure", "purgeable"]
# Tables a purge deletes from or rewrites, vacuumed afterwards on PostgreSQL.
_TOUCHED = ("disclosure", "disclosureinventor", "disclosureevent", "disclosurecomponent",
            "disclosureattachment", "attachmentblob", "draftbuffer", "auditevent")


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What a purge did."""

    key: str
    audit_records: int  # earlier audit records whose values were removed
    log_emptied: bool  # SQLite: the log was checkpointed and emptied (no reader held it)
    rewritten: bool  # SQLite: VACUUM; PostgreSQL: the touched tables were vacuumed


def purgeable(store: Store, key: str, *, actor: str) -> DisclosureView:
    """The disclosure actor could purge now, for showing before asking to confirm.

    Raises what purge_disclosure would (NotAllowed, NotFound, UserError); writes nothing.
    """
    with store.read() as db:
        disclosure = _purgeable(db, key, actor)
        return build_view(db=db, disclosure=disclosure)


def purge_disclosure(store: Store, key: str, *, actor: str, rewrite: bool = True
                     ) -> PurgeResult:
    """Remove a deleted disclosure and every copy of its content from the database.

    Raises NotAllowed unless actor holds the counsel role, NotFound for an unknown key and
    UserError for a disclosure that is not deleted (delete it first); nothing is written then.
    """
    with store.write() as db:
        disclosure = _purgeable(db, key, actor)
        counts = _remove(db, disclosure)
        emptied_rows = _clear_audit(db, key)
        cleared = len(emptied_rows)
        # The purge row names the rows it emptied, so that `firstfile verify` can tell them
        # from rows whose values were changed behind firstfile's back (docs/EVIDENCE.md).
        audit.record(db=db, actor=actor, entity="disclosure", entity_key=key, action="purge",
                     changes={"removed": (None, {**counts, "audit_records_cleared": cleared,
                                                 "emptied_rows": emptied_rows})})
        if store.is_sqlite:
            _tidy_sqlite_indexes(db)
    if store.is_sqlite:
        emptied, rewritten = _scrub_sqlite_file(store, rewrite=rewrite)
    else:
        emptied, rewritten = True, _vacuum_postgresql(store)
    return PurgeResult(key=key, audit_records=cleared, log_emptied=emptied,
                       rewritten=rewritten)


def _purgeable(db: Session, key: str, actor: str) -> Disclosure:
    require_in(db=db, actor=actor, role="counsel", doing="purge a disclosure")
    disclosure = find_disclosure(db=db, key=key)
    if disclosure is None:
        raise NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")
    if disclosure.deleted_at is None:
        raise UserError(f"{key} is not deleted; purging removes it for good, so delete it "
                        f"first (`firstfile disclosures delete {key}`), then purge it")
    return disclosure


def _remove(db: Session, disclosure: Disclosure) -> dict[str, int]:
    if db.get_bind().dialect.name == "sqlite":
        # Set on every connection already (storage/engine.py); said again where it matters.
        db.connection().exec_driver_sql("PRAGMA secure_delete = ON")
    counts: dict[str, int] = {}
    for name, table, column in (
        ("inventors", DisclosureInventor, DisclosureInventor.disclosure_id),
        ("events", DisclosureEvent, DisclosureEvent.disclosure_id),
        ("components", DisclosureComponent, DisclosureComponent.disclosure_id),
    ):
        counts[name] = _deleted(db.execute(delete(table).where(col(column) == disclosure.id)))
    assert disclosure.id is not None
    # Files no other disclosure names go with it; a file another disclosure holds stays.
    counts["attachments"] = remove_attachments(db=db, disclosure_id=disclosure.id)
    counts["autosave_buffers"] = _deleted(db.execute(
        delete(DraftBuffer).where(col(DraftBuffer.disclosure_key) == disclosure.key)))
    # Signatures name the signers and timestamps keep the content stamped: both go.
    counts["signatures"] = _deleted(db.execute(delete(DisclosureSignature).where(
        col(DisclosureSignature.disclosure_id) == disclosure.id)))
    counts["timestamps"] = _deleted(db.execute(delete(TrustedTimestamp).where(
        col(TrustedTimestamp.kind) == "disclosure",
        col(TrustedTimestamp.disclosure_key) == disclosure.key)))
    db.delete(disclosure)
    db.flush()
    return counts


def _clear_audit(db: Session, key: str) -> list[int]:
    """Keep who, when, what action and which fields of every audit record of key; drop the
    values (each row keeps the hash of its values, so the chain stays checkable). Returns the
    chain positions (seq) of the records changed."""
    rows = db.execute(select(AuditEvent).where(
        col(AuditEvent.entity) == "disclosure", col(AuditEvent.entity_key) == key)
        .order_by(col(AuditEvent.seq))).scalars()
    emptied = []
    for row in rows:
        row.changes = purged_changes(field_names(row.changes))
        emptied.append(row.seq)
    db.flush()
    return emptied


def _tidy_sqlite_indexes(db: Session) -> None:
    """Merge the full-text index into one segment, dropping what deleted rows left in older
    ones; and resample the planner's statistics where the build keeps samples of index keys
    (sqlite_stat4 can hold titles)."""
    conn = db.connection()
    conn.exec_driver_sql("INSERT INTO disclosure_fts(disclosure_fts) VALUES ('optimize')")
    if conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").first() is not None:
        conn.exec_driver_sql("ANALYZE disclosure")


def _scrub_sqlite_file(store: Store, *, rewrite: bool) -> tuple[bool, bool]:
    """VACUUM (when rewrite) and empty the log; (log emptied, rewritten)."""
    raw = store.engine.raw_connection()
    try:
        driver = raw.driver_connection  # autocommit: VACUUM cannot run in a transaction
        assert driver is not None
        if rewrite:
            driver.execute("VACUUM")
        busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    return not busy, rewrite


def _vacuum_postgresql(store: Store) -> bool:
    """Vacuum the touched tables (outside a transaction); False when not allowed."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {', '.join(_TOUCHED)}")
    except SQLAlchemyError:
        return False
    return True


def _deleted(result: object) -> int:
    """Rows a DELETE removed (a DELETE always returns a cursor result)."""
    return cast(CursorResult[Any], result).rowcount
