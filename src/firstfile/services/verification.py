"""`firstfile verify`: check every evidence record in the database against its hashes,
signatures and tokens, and say where the first thing that does not match is.

What is checked (docs/EVIDENCE.md says what each proves and what it does not):
- the audit chain, row by row in order: each row's values, its content (who, when, what,
  which fields) and its link to the row before; rows a purge emptied are recognised (their
  values cannot be checked; the chain through them can); the head row against the last row;
- every anchor: its statement, its token (imprint and signature), and the chain as
  recomputed now against the hash the anchor stamped, which finds rows changed (and the
  chain recomputed) after the anchor was made;
- every disclosure timestamp: the content stamped against its hash and the token;
- every signature against its public key, its statement against its record, and whether
  the content it covers is the disclosure's content now;
- every disclosure's content against the hash its newest audit row recorded, which finds
  content changed outside firstfile;
- every entry of the transfer register against what its audit row recorded (files and their
  hashes, vendor, day, agreement, the NDA item's status), and entries deleted or added.

Reads only, in one unit of work; the chain is streamed, so memory stays flat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain.evidence import (
    ChainWalk,
    content_hashes,
    parse_anchor,
    sha256_hex,
)
from firstfile.services.signatures import verify_signature
from firstfile.services.tsa import check_token, read_ca
from firstfile.storage.disclosure_queries import build_views
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import (
    audit_rows,
    chain_head,
    signatures,
    timestamps,
)
from firstfile.storage.tables import Disclosure, TrustedTimestamp

_BATCH = 500
_ORDER = ("audit-row", "chain-head", "anchor", "disclosure", "timestamp", "signature",
          "transfer")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that does not match: what kind of record, which one, and what is wrong."""

    kind: str  # audit-row | chain-head | anchor | timestamp | signature | disclosure
    where: str
    what: str
    seq: int = 0

    def line(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class VerifyReport:
    """Everything `verify` found: problems (tampering or damage) and notes (facts worth
    knowing that are not wrong, such as a signature that no longer covers edited text)."""

    rows: int = 0
    purged_rows: int = 0
    head: tuple[int, str] | None = None
    anchors: int = 0
    anchors_stamped: int = 0
    timestamps: int = 0
    signatures: int = 0
    disclosures: int = 0
    transfers: int = 0
    ca_configured: bool = False
    problems: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Finding | None:
        return self.problems[0] if self.problems else None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "audit_rows": self.rows,
            "purged_rows": self.purged_rows,
            "chain_head": {"seq": self.head[0], "chain_sha256": self.head[1]}
            if self.head else None,
            "anchors": self.anchors,
            "anchors_timestamped": self.anchors_stamped,
            "timestamps": self.timestamps,
            "signatures": self.signatures,
            "disclosures": self.disclosures,
            "transfers": self.transfers,
            "tsa_ca_configured": self.ca_configured,
            "problems": [{"kind": p.kind, "where": p.where, "what": p.what, "seq": p.seq}
                         for p in self.problems],
            "notes": self.notes,
        }


def verify(store: Store, *, tsa_ca: Path | None = None) -> VerifyReport:
    """Check every evidence record (see the module docstring). Raises UserError only for an
    unreadable CA file; everything found in the database is in the report."""
    ca = read_ca(tsa_ca)
    report = VerifyReport(ca_configured=bool(ca))
    with store.read() as db:
        anchors = timestamps(db, kind="anchor")
        walk = ChainWalk(anchored=frozenset(a.seq for a in anchors if a.seq is not None))
        rows_by_seq: dict[int, tuple[str, str, str]] = {}
        last_content: dict[str, tuple[int, str]] = {}
        audited_tokens: set[tuple[str, str]] = set()
        audited_signatures: set[str] = set()
        audited_transfers: dict[str, tuple[int, Any]] = {}
        for row in audit_rows(db):
            walk.add(row)
            rows_by_seq[row.seq] = (row.entity, row.entity_key, row.action)
            if row.entity == "disclosure":
                if row.record_sha256:
                    last_content[row.entity_key] = (row.seq, row.record_sha256)
                _collect(row.changes, audited_tokens, audited_signatures)
            elif row.entity == "audit-chain":
                _collect(row.changes, audited_tokens, audited_signatures)
            elif row.entity == "transfer" and row.action == "create":
                audited_transfers[row.entity_key.rsplit("/", 1)[-1]] = (
                    row.seq, _value(row.changes, "transfer"))
        report.head = chain_head(db)
        walk.finish(*(report.head or (None, None)))
        report.rows, report.purged_rows = walk.rows, walk.purged
        if report.head is None:
            report.problems.append(Finding("chain-head", "the chain head",
                                           "its row is missing (deleted)"))
        for problem in walk.problems:
            entity, key, action = rows_by_seq.get(problem.seq, ("", "", ""))
            where = f"audit row {problem.seq}" + (f" ({action} {entity} {key})" if entity
                                                  else "")
            report.problems.append(Finding("audit-row" if problem.row_id else "chain-head",
                                           where, problem.what, problem.seq))
        _check_anchors(anchors, walk, ca, audited_tokens, report)
        _check_timestamps(timestamps(db, kind="disclosure"), ca, audited_tokens, report)
        current = _check_disclosures(db, last_content, report)
        _check_signatures(db, current, audited_signatures, report)
        _check_transfers(db, audited_transfers, report)
    # The chain first (a content mismatch can follow from a deleted row), each kind in chain
    # order.
    report.problems.sort(key=lambda p: (_ORDER.index(p.kind), p.seq == 0, p.seq))
    return report


def _collect(changes: str, tokens: set[tuple[str, str]], signed: set[str]) -> None:
    """The (subject hash, token hash) pairs and the signatures that audit rows record (a
    token or signature in the database with no audit row of its own, or a token moved to
    another subject, was put there behind firstfile's back)."""
    try:
        data = json.loads(changes)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    for name in ("timestamp", "anchor", "signature"):
        value = data.get(name)
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], dict)):
            continue
        said = value[1]
        if name == "signature":
            if said.get("signature"):
                signed.add(said["signature"])
        elif said.get("token_sha256"):
            tokens.add((str(said.get("subject_sha256")), said["token_sha256"]))


def _check_token(row: TrustedTimestamp, where: str, kind: str, ca: str,
                 audited: set[tuple[str, str]], report: VerifyReport) -> bool:
    if sha256_hex(row.subject.encode("utf-8")) != row.subject_sha256:
        report.problems.append(Finding(kind, where, "what was stamped was changed afterwards "
                                                    "(it does not match its hash)", row.seq or 0))
        return False
    if row.token is None:
        return row.status != "stamped" or _bad(report, kind, where, "its token is missing")
    if (row.subject_sha256, sha256_hex(row.token)) not in audited:
        report.problems.append(Finding(kind, where, "its token is not the one its audit "
                                                    "record names (swapped or added later)"))
    checked = check_token(row.token, row.subject_sha256, ca or row.tsa_ca)
    if not checked.ok:
        report.problems.append(Finding(kind, where, checked.message, row.seq or 0))
        return False
    if not checked.anchored:
        report.notes.append(f"{where}: {checked.message}")
    return True


def _bad(report: VerifyReport, kind: str, where: str, what: str) -> bool:
    report.problems.append(Finding(kind, where, what))
    return False


def _check_anchors(anchors: list[TrustedTimestamp], walk: ChainWalk, ca: str,
                   audited: set[tuple[str, str]], report: VerifyReport) -> None:
    report.anchors = len(anchors)
    for anchor in anchors:
        when = anchor.stamped_at or anchor.requested_at
        where = f"anchor of row {anchor.seq} ({when.isoformat(timespec='seconds')})"
        named = parse_anchor(anchor.subject.encode("utf-8"))
        if named is None or named[0] != anchor.seq:
            report.problems.append(Finding("anchor", where, "its statement is not an anchor "
                                                            "of this row"))
            continue
        if not _check_token(anchor, where, "anchor", ca, audited, report):
            continue
        if anchor.status == "stamped":
            report.anchors_stamped += 1
        recomputed = walk.recomputed.get(named[0])
        if recomputed is None:
            report.problems.append(Finding("anchor", where, f"row {named[0]} it anchors is "
                                                            "missing", named[0]))
        elif recomputed != named[1]:
            stamped = "timestamped" if anchor.status == "stamped" else "recorded"
            report.problems.append(Finding(
                "anchor", where, f"rows up to {named[0]} were changed after this anchor was "
                f"{stamped} at {when.isoformat(timespec='seconds')} (the chain recomputed "
                "now does not reach the hash it stamped)", named[0]))


def _check_timestamps(stamps: list[TrustedTimestamp], ca: str, audited: set[tuple[str, str]],
                      report: VerifyReport) -> None:
    report.timestamps = len(stamps)
    for stamp in stamps:
        where = (f"timestamp of {stamp.disclosure_key} "
                 f"({stamp.requested_at.isoformat(timespec='seconds')})")
        _check_token(stamp, where, "timestamp", ca, audited, report)


def _check_disclosures(db: Session, last_content: dict[str, tuple[int, str]],
                       report: VerifyReport) -> dict[str, frozenset[str]]:
    """Each disclosure's content against its newest audited content hash; returns the
    content hashes of each disclosure now, one per content format (an audit row written
    before a format was added recorded the older one)."""
    current: dict[str, frozenset[str]] = {}
    after = 0
    unaudited = 0
    while True:
        batch = list(db.execute(select(Disclosure).where(col(Disclosure.id) > after)
                                .order_by(col(Disclosure.id)).limit(_BATCH)).scalars())
        if not batch:
            break
        for view in build_views(db=db, disclosures=batch):
            digests = current[view.key] = content_hashes(view)
            audited = last_content.get(view.key)
            if audited is None:
                unaudited += 1
            elif audited[1] not in digests:
                report.problems.append(Finding(
                    "disclosure", view.key, f"its content differs from what audit row "
                    f"{audited[0]} recorded: it was changed outside firstfile", audited[0]))
        after = batch[-1].id or 0
        db.expunge_all()
    report.disclosures = len(current)
    if unaudited:
        report.notes.append(f"{unaudited} disclosures have not changed since before the audit "
                            "chain began, so their content has no audited hash to check yet")
    return current


def _check_signatures(db: Session, current: dict[str, frozenset[str]], audited: set[str],
                      report: VerifyReport) -> None:
    for key, row, signer in signatures(db):
        report.signatures += 1
        where = (f"{row.meaning} signature of {key} by {row.signer_name} "
                 f"({row.signed_at.isoformat(timespec='seconds')})")
        statement = row.statement.encode("utf-8")
        if not verify_signature(signer.public_key, statement, row.signature):
            report.problems.append(Finding("signature", where, "the signature does not verify "
                                                               "(the signed statement or the "
                                                               "signature was changed)"))
            continue
        try:
            said = json.loads(statement)
        except ValueError:
            said = {}
        if (said.get("disclosure"), said.get("content_sha256"), said.get("meaning"),
                said.get("public_key")) != (key, row.content_sha256, row.meaning,
                                            signer.public_key):
            report.problems.append(Finding("signature", where, "its record does not say what "
                                                               "the signed statement says"))
            continue
        if row.signature not in audited:
            report.problems.append(Finding("signature", where, "it has no audit record of its "
                                                               "own (added behind firstfile's "
                                                               "back)"))
            continue
        if row.content_sha256 not in current.get(key, frozenset()):
            report.notes.append(f"{where}: no longer covers the current text (the content "
                                "changed after it was signed)")


def _value(changes: str, name: str) -> Any:
    """The new value of one field of an audit row's changes (None when unreadable)."""
    try:
        data = json.loads(changes)
        return data[name][1]
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _check_transfers(db: Session, audited: dict[str, tuple[int, Any]],
                     report: VerifyReport) -> None:
    """Each entry of the transfer register against what its audit row recorded."""
    from firstfile.services.transfers import audited_form, transfers_in

    for entry in transfers_in(db):
        report.transfers += 1
        where = f"transfer {entry.id} ({entry.vendor_key}, {entry.sent_on.isoformat()})"
        recorded = audited.pop(str(entry.id), None)
        if recorded is None:
            report.problems.append(Finding("transfer", where, "it has no audit record of its "
                                                              "own (added behind firstfile's "
                                                              "back)"))
        elif recorded[1] != audited_form(entry):
            report.problems.append(Finding(
                "transfer", where, f"it differs from what audit row {recorded[0]} recorded: "
                "it was changed outside firstfile", recorded[0]))
    for entry_id, (seq, _recorded) in sorted(audited.items(), key=lambda item: item[1][0]):
        report.problems.append(Finding("transfer", f"transfer {entry_id}", f"audit row {seq} "
                                       "recorded it, but it is missing (deleted)", seq))
