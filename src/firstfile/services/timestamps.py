"""Trusted timestamps (RFC 3161) on a disclosure's content, and anchors of the audit chain.

When a disclosure is submitted (and whenever asked: `firstfile timestamp KEY`), its
canonical content (domain/evidence.disclosure_content) is sent, as a SHA-256, to the
configured authority, and so is an anchor: a short statement naming the audit chain's head
(its position and hash) at that moment. A chain kept in the database can be recomputed by
whoever rewrites the database; an anchor signed by an outside authority cannot, so `verify`
finds rows changed after their anchor. A bundle anchors the chain too.

The request runs between two units of work, never inside one: the content and the head are
read, the authority is asked (seconds, perhaps), and the token, or the reason there is none,
is written with its audit record. With no authority configured, or one that fails, the
attempt is still recorded ("not-timestamped" or "failed", with the reason), documents say
"not timestamped", and the caller gets the message to show: nothing fails silently, and a
later `firstfile timestamp KEY` retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from firstfile.domain.evidence import anchor_statement, disclosure_content, sha256_hex
from firstfile.services.errors import NotFound, UserError
from firstfile.services.tsa import TimestampError, read_ca, request_token
from firstfile.storage import audit
from firstfile.storage.disclosure_queries import build_view, find_disclosure
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import chain_head
from firstfile.storage.identity import actor_and_time
from firstfile.storage.tables import TrustedTimestamp

STAMPED = "stamped"
NOT_TIMESTAMPED = "not-timestamped"
FAILED = "failed"
NO_AUTHORITY = ("no timestamp authority is configured: give --tsa URL or set "
                "$FIRSTFILE_TSA_URL")


@dataclass(frozen=True, slots=True)
class StampOutcome:
    """What a timestamp request ended in, for the user to see."""

    status: str  # stamped | not-timestamped | failed
    message: str
    stamped_at: datetime | None = None
    subject_sha256: str = ""

    @property
    def stamped(self) -> bool:
        return self.status == STAMPED

    def describe(self, what: str) -> str:
        """One line for the user: `FF-2026-0001 timestamped at ...` or why not."""
        if self.stamped and self.stamped_at is not None:
            return f"{what} timestamped at {self.stamped_at.isoformat(timespec='seconds')}"
        if self.status == NOT_TIMESTAMPED:
            return f"{what} is not timestamped: {self.message}"
        return (f"{what} is not timestamped: {self.message}; it is recorded as not "
                f"timestamped, and `firstfile timestamp {what}` tries again")


@dataclass(frozen=True, slots=True)
class _Attempt:
    status: str
    message: str
    token: bytes | None = None
    stamped_at: datetime | None = None


def _ask(url: str | None, subject: bytes) -> _Attempt:
    if not url:
        return _Attempt(NOT_TIMESTAMPED, NO_AUTHORITY)
    try:
        token = request_token(url, subject)
    except TimestampError as error:
        return _Attempt(FAILED, str(error))
    return _Attempt(STAMPED, "", token.response, token.stamped_at)


def stamp_disclosure(
    store: Store, key: str, *, actor: str, tsa_url: str | None, tsa_ca: Path | None = None,
    reason: str = "on request",
) -> StampOutcome:
    """Timestamp the disclosure's content as it stands, and anchor the audit chain.

    Raises NotFound for an unknown key, UserError for a deleted disclosure or an unreadable
    CA file. A missing or failing authority is not an error: it is recorded and returned.
    """
    ca = read_ca(tsa_ca) if tsa_url else ""
    with store.read() as db:
        disclosure = find_disclosure(db=db, key=key)
        if disclosure is None:
            raise NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")
        if disclosure.deleted_at is not None:
            raise UserError(f"{key} is deleted; restore it before timestamping it")
        content = disclosure_content(build_view(db=db, disclosure=disclosure))
        head = chain_head(db)
    if head is None:
        raise UserError("the audit chain's head row is missing; run `firstfile verify`")
    digest = sha256_hex(content)
    anchor = anchor_statement(seq=head[0], chain_sha256=head[1], reason=f"{reason} {key}")
    stamp = _ask(tsa_url, content)
    # The chain is anchored whatever became of the content's stamp, and one failure is
    # enough: an authority that just failed is not asked twice.
    anchored = _ask(tsa_url, anchor) if stamp.status == STAMPED else stamp
    with store.write() as db:
        _store(db, kind="disclosure", key=key, seq=None, subject=content, reason=reason,
               attempt=stamp, url=tsa_url, ca=ca, actor=actor, record_sha256=digest)
        _store(db, kind="anchor", key="", seq=head[0], subject=anchor, reason=f"{reason} {key}",
               attempt=anchored, url=tsa_url, ca=ca, actor=actor)
    return StampOutcome(stamp.status, stamp.message, stamp.stamped_at, digest)


def anchor_chain(store: Store, *, actor: str, tsa_url: str | None, tsa_ca: Path | None = None,
                 reason: str) -> tuple[int, str, StampOutcome]:
    """Anchor the audit chain's head as it is now; (seq, chain hash, outcome)."""
    ca = read_ca(tsa_ca) if tsa_url else ""
    with store.read() as db:
        head = chain_head(db)
    if head is None:
        raise UserError("the audit chain's head row is missing; run `firstfile verify`")
    anchor = anchor_statement(seq=head[0], chain_sha256=head[1], reason=reason)
    attempt = _ask(tsa_url, anchor)
    with store.write() as db:
        _store(db, kind="anchor", key="", seq=head[0], subject=anchor, reason=reason,
               attempt=attempt, url=tsa_url, ca=ca, actor=actor)
    return head[0], head[1], StampOutcome(attempt.status, attempt.message, attempt.stamped_at,
                                          sha256_hex(anchor))


def _store(
    db: Session, *, kind: str, key: str, seq: int | None, subject: bytes, reason: str,
    attempt: _Attempt, url: str | None, ca: str, actor: str, record_sha256: str = "",
) -> TrustedTimestamp:
    who, now = actor_and_time(db)
    row = TrustedTimestamp(
        kind=kind, disclosure_key=key, seq=seq, subject=subject.decode("utf-8"),
        subject_sha256=sha256_hex(subject), reason=reason[:64], status=attempt.status,
        message=attempt.message, tsa_url=(url or "")[:500], tsa_ca=ca, token=attempt.token,
        stamped_at=attempt.stamped_at, requested_at=now, actor=who,
    )
    db.add(row)
    db.flush()
    summary = {
        "status": attempt.status,
        "subject_sha256": row.subject_sha256,
        "token_sha256": sha256_hex(attempt.token) if attempt.token else None,
        "stamped_at": attempt.stamped_at,
        "authority": url or None,
    }
    if kind == "disclosure":
        audit.record(db=db, actor=actor, entity="disclosure", entity_key=key,
                     action="timestamp", changes={"timestamp": (None, summary)},
                     record_sha256=record_sha256)
    else:
        audit.record(db=db, actor=actor, entity="audit-chain", entity_key=str(seq),
                     action="anchor", changes={"anchor": (None, summary)})
    return row
