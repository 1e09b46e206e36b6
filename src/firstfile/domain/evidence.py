"""The exact bytes that evidence is computed over: audit rows, the chain that links them,
a disclosure's content, signature statements and anchor statements (docs/EVIDENCE.md).

Everything here is pure and deterministic: the same values always give the same bytes and
the same SHA-256, on SQLite and PostgreSQL, today and in a bundle read years later without
firstfile. Canonical JSON is UTF-8 with sorted keys and no spaces; times are UTC written
`YYYY-MM-DDTHH:MM:SS.ffffffZ`. Each chain link is the SHA-256 of two hex strings on two
lines, so that anyone can recompute it with `printf` and `openssl dgst -sha256`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from firstfile.domain.views import DisclosureView

AUDIT_FORMAT = "firstfile-audit/1"
# The canonical content's shape. /2 adds each inventor's filing details (postal address,
# citizenship, employer at conception, contribution in words) and the attached files (name,
# SHA-256, caption). The format is inside the hashed bytes, so a hash names its shape: a
# signature or timestamp made over /1 content still covers what /1 held, and is checked
# against /1 content of the disclosure as it stands now.
DISCLOSURE_FORMAT = "firstfile-disclosure/2"
DISCLOSURE_FORMAT_V1 = "firstfile-disclosure/1"
CONTENT_FORMATS: tuple[str, ...] = (DISCLOSURE_FORMAT, DISCLOSURE_FORMAT_V1)
SIGNATURE_FORMAT = "firstfile-signature/2"  # /2 names the content format it signed
ANCHOR_FORMAT = "firstfile-anchor/1"
# The link before the first row of a chain.
GENESIS = "0" * 64
PURGED = "(purged)"

# What a signature means, in the words the signer agrees to (REFERENCE.md section 6).
MEANINGS: dict[str, str] = {
    "inventor": "I am an inventor of what is described",
    "witness": "I have read and understood what is described",
}

# The fields of a disclosure whose content is hashed, signed and timestamped: what the
# invention is, who conceived it and when. Workflow (status, version, counsel's decision),
# filing facts and events are left out: they change after a signature without changing what
# was described.
CONTENT_FIELDS: tuple[str, ...] = (
    "key",
    "engagement_key",
    "title",
    "summary",
    "problem",
    "description",
    "variants",
    "advantages",
    "prior_art",
    "conception_date",
    "reduction_to_practice_date",
    "prototype_exists",
    "records_location",
    "third_parties",
)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of data, as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(data: Any) -> bytes:
    """data as canonical JSON: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False, default=_plain).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as canonical JSON")


def utc_text(moment: datetime) -> str:
    """A moment as UTC text with microseconds; a naive moment is taken to be UTC already
    (SQLite hands back what was stored in UTC without its zone)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_link(previous: str, content_sha256: str) -> str:
    """The chain hash of a row: SHA-256 of the previous row's chain hash and this row's
    content hash, each as hex on its own line (`printf '%s\\n%s\\n' PREV CONTENT`)."""
    return sha256_hex(f"{previous}\n{content_sha256}\n".encode("ascii"))


# --- audit rows ------------------------------------------------------------------------------


def field_names(changes: str) -> list[str]:
    """The field names of an audit row's changes (its JSON object's keys), sorted."""
    try:
        data = json.loads(changes)
    except ValueError:
        return []
    return sorted(data) if isinstance(data, dict) else []


def purged_changes(fields: Sequence[str]) -> str:
    """The changes text a purge leaves in an audit row: its field names, values "(purged)"."""
    return json.dumps({name: [PURGED, PURGED] for name in fields}, sort_keys=True)


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit row as stored, with its hashes (plain values: storage fills it)."""

    seq: int
    at: datetime
    actor: str  # who: the database role (PostgreSQL) or the operating-system account
    actor_name: str  # the display name they chose ($FIRSTFILE_USER), or the same
    entity: str
    entity_key: str
    action: str
    changes: str  # the JSON text exactly as stored
    record_sha256: str = ""  # the record's content after the change, where kept
    values_sha256: str = ""
    content_sha256: str = ""
    chain_sha256: str = ""
    id: int = 0

    def envelope(self) -> bytes:
        """The canonical bytes whose SHA-256 is the row's content hash: everything about the
        row, its values through their hash (so a purge can remove them and leave the chain
        checkable) and its field names in the clear."""
        return audit_envelope(
            seq=self.seq, at=self.at, actor=self.actor, actor_name=self.actor_name,
            entity=self.entity, entity_key=self.entity_key, action=self.action,
            fields=field_names(self.changes), values_sha256=self.values_sha256,
            record_sha256=self.record_sha256,
        )


def audit_envelope(
    *, seq: int, at: datetime, actor: str, actor_name: str, entity: str, entity_key: str,
    action: str, fields: Sequence[str], values_sha256: str, record_sha256: str,
) -> bytes:
    """The canonical envelope of an audit row (see AuditRow.envelope)."""
    return canonical_json({
        "format": AUDIT_FORMAT,
        "seq": seq,
        "at": utc_text(at),
        "actor": actor,
        "actor_name": actor_name,
        "entity": entity,
        "entity_key": entity_key,
        "action": action,
        "fields": list(fields),
        "values_sha256": values_sha256,
        "record_sha256": record_sha256,
    })


@dataclass(frozen=True, slots=True)
class SealedRow:
    """The hashes of a new audit row."""

    values_sha256: str
    content_sha256: str
    chain_sha256: str


def seal(
    *, previous: str, seq: int, at: datetime, actor: str, actor_name: str, entity: str,
    entity_key: str, action: str, changes: str, record_sha256: str = "",
) -> SealedRow:
    """The values, content and chain hashes of a row about to be written after previous."""
    values = sha256_hex(changes.encode("utf-8"))
    content = sha256_hex(audit_envelope(
        seq=seq, at=at, actor=actor, actor_name=actor_name, entity=entity,
        entity_key=entity_key, action=action, fields=field_names(changes),
        values_sha256=values, record_sha256=record_sha256))
    return SealedRow(values, content, chain_link(previous, content))


# --- walking the chain -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """A row that does not match: where and why, in words for the user."""

    seq: int
    row_id: int
    what: str


@dataclass
class ChainWalk:
    """Walks audit rows in seq order, checking each against its hashes and its predecessor.

    Feed rows with `add`, then `finish` with the stored chain head. Rows whose values a purge
    removed are recognised (their changes are exactly what a purge leaves, and a later purge
    row names them): their values cannot be checked, but everything else about them and the
    chain through them can.
    """

    anchored: frozenset[int] = frozenset()  # seqs whose recomputed link is kept
    rows: int = 0
    purged: int = 0
    last_seq: int = 0
    last_chain: str = GENESIS  # recomputed
    problems: list[ChainProblem] = field(default_factory=list)
    recomputed: dict[int, str] = field(default_factory=dict)
    # Purged rows seen so far whose purge row has not come yet: seq -> row id.
    _awaiting_purge: dict[int, int] = field(default_factory=dict)
    _stored_chain: str = GENESIS

    def add(self, row: AuditRow) -> None:
        """Check one row (rows must come in increasing seq order)."""
        self.rows += 1
        expected_seq = self.last_seq + 1
        if row.seq != expected_seq:
            missing = (f"row {expected_seq} is missing" if row.seq == expected_seq + 1
                       else f"rows {expected_seq} to {row.seq - 1} are missing")
            self.problems.append(ChainProblem(row.seq, row.id, f"{missing} (deleted): row "
                                              f"{row.seq} follows row {self.last_seq}"))
        values = sha256_hex(row.changes.encode("utf-8"))
        if values != row.values_sha256:
            if row.changes == purged_changes(field_names(row.changes)):
                self._awaiting_purge[row.seq] = row.id
            else:
                self.problems.append(ChainProblem(
                    row.seq, row.id, "its values (old and new) were changed after it was "
                                     "written"))
        content = sha256_hex(row.envelope())
        if content != row.content_sha256:
            self.problems.append(ChainProblem(
                row.seq, row.id, "who, when, what or which fields were changed after it was "
                                 "written (its content does not match its hash)"))
        link = chain_link(self.last_chain, content)
        if row.chain_sha256 != chain_link(self._stored_chain, row.content_sha256):
            self.problems.append(ChainProblem(
                row.seq, row.id, "its chain hash does not follow from the row before it"))
        if row.action == "purge":
            self._settle_purge(row)
        self.last_seq, self.last_chain, self._stored_chain = row.seq, link, row.chain_sha256
        if row.seq in self.anchored:
            self.recomputed[row.seq] = link

    def _settle_purge(self, row: AuditRow) -> None:
        try:
            emptied = json.loads(row.changes).get("removed", [None, {}])[1] or {}
            seqs = {int(s) for s in emptied.get("emptied_rows", ())}
        except (ValueError, AttributeError, TypeError, IndexError):
            seqs = set()
        for seq in sorted(set(self._awaiting_purge) & seqs):
            del self._awaiting_purge[seq]
            self.purged += 1

    def finish(self, head_seq: int | None, head_chain: str | None) -> None:
        """Check the end of the chain against the stored head (None: no head recorded)."""
        for seq, row_id in sorted(self._awaiting_purge.items()):
            self.problems.append(ChainProblem(
                seq, row_id, "its values were replaced by \"(purged)\" but no purge row "
                             "names it"))
        self._awaiting_purge.clear()
        if head_seq is None:
            return
        if head_seq != self.last_seq:
            what = (f"rows {self.last_seq + 1} to {head_seq} are missing (deleted from the end)"
                    if head_seq > self.last_seq
                    else f"the chain head says {head_seq} rows but there are {self.last_seq}")
            self.problems.append(ChainProblem(head_seq, 0, what))
        elif head_chain != self._stored_chain:
            self.problems.append(ChainProblem(head_seq, 0, "the chain head does not match the "
                                                           "last row"))
        self.problems.sort(key=lambda p: p.seq)

    @property
    def intact(self) -> bool:
        return not self.problems


# --- a disclosure's content --------------------------------------------------------------


def disclosure_content(view: DisclosureView, content_format: str = DISCLOSURE_FORMAT) -> bytes:
    """The canonical content of a disclosure in content_format: CONTENT_FIELDS and its
    inventors as they stand on the disclosure (person key, role, share and organisation at
    conception; from /2 also their filing details), and from /2 its attached files (name,
    SHA-256 and caption, in the order they were attached)."""
    return content_of(
        {name: getattr(view, name) for name in CONTENT_FIELDS},
        [{"person": p.person_key, "role": p.role, "contribution": p.contribution,
          "organization": p.organization, "organization_name": p.organization_name,
          "postal_address": p.postal_address, "citizenship": p.citizenship,
          "employer_entity": p.employer_entity, "contribution_note": p.contribution_note}
         for p in view.inventors],
        [{"file_name": a.file_name, "sha256": a.sha256, "caption": a.caption}
         for a in view.attachments],
        content_format,
    )


def content_of(
    fields: Mapping[str, Any],
    inventors: Iterable[Mapping[str, Any]],
    attachments: Iterable[Mapping[str, Any]] = (),
    content_format: str = DISCLOSURE_FORMAT,
) -> bytes:
    """The canonical content (as disclosure_content) from plain values: fields holds at least
    CONTENT_FIELDS, each inventor the keys of _INVENTOR_V1 and _INVENTOR_DETAILS, each
    attachment file_name, sha256 and caption. A writer of many new disclosures at once hashes
    the values it inserts here, without reading them back (services/import_bulk.py)."""
    if content_format not in CONTENT_FORMATS:
        raise ValueError(f"unknown content format {content_format!r}")
    data: dict[str, Any] = {"format": content_format}
    for name in CONTENT_FIELDS:
        data[name] = fields[name]
    names = (_INVENTOR_V1 if content_format == DISCLOSURE_FORMAT_V1
             else (*_INVENTOR_V1, *_INVENTOR_DETAILS))
    data["inventors"] = [{name: p[name] for name in names} for p in inventors]
    if content_format != DISCLOSURE_FORMAT_V1:
        data["attachments"] = [
            {"file_name": a["file_name"], "sha256": a["sha256"], "caption": a["caption"]}
            for a in attachments
        ]
    return canonical_json(data)


# An inventor's values in the content: /1 holds these, /2 adds the filing details.
_INVENTOR_V1 = ("person", "role", "contribution", "organization", "organization_name")
_INVENTOR_DETAILS = ("postal_address", "citizenship", "employer_entity", "contribution_note")


def content_sha256(view: DisclosureView) -> str:
    """The SHA-256 of the disclosure's canonical content (the current format)."""
    return sha256_hex(disclosure_content(view))


def content_hashes(view: DisclosureView) -> frozenset[str]:
    """The SHA-256 of the disclosure's content in every format: a recorded hash (signed,
    stamped or audited) that is among them still covers the disclosure as it stands, for
    what its format held."""
    return frozenset(sha256_hex(disclosure_content(view, f)) for f in CONTENT_FORMATS)


# --- signatures and anchors ------------------------------------------------------------------


def signature_statement(
    *, key: str, content_sha256: str, meaning: str, person_key: str, signer_name: str,
    actor: str, signed_at: datetime, public_key: str,
) -> bytes:
    """The exact bytes an Ed25519 signature covers: what is signed (the content hash), its
    meaning in words, who signs (name, person, account, key) and when."""
    if meaning not in MEANINGS:
        raise ValueError(f"unknown meaning {meaning!r}")
    return canonical_json({
        "format": SIGNATURE_FORMAT,
        "disclosure": key,
        "content_format": DISCLOSURE_FORMAT,
        "content_sha256": content_sha256,
        "meaning": meaning,
        "statement": MEANINGS[meaning],
        "person": person_key,
        "signer": signer_name,
        "actor": actor,
        "signed_at": utc_text(signed_at),
        "public_key": public_key,
    })


def anchor_statement(*, seq: int, chain_sha256: str, reason: str) -> bytes:
    """The text timestamped to anchor the chain: its position and hash at that moment."""
    return (f"{ANCHOR_FORMAT}\nseq {seq}\nchain-sha256 {chain_sha256}\n"
            f"reason {reason}\n").encode()


def parse_anchor(statement: bytes) -> tuple[int, str] | None:
    """(seq, chain hash) named by an anchor statement, or None when it is not one."""
    lines = statement.decode("utf-8", "replace").split("\n")
    if len(lines) < 3 or lines[0] != ANCHOR_FORMAT:
        return None
    fields: Mapping[str, str] = dict(line.split(" ", 1) for line in lines[1:] if " " in line)
    try:
        return int(fields["seq"]), fields["chain-sha256"]
    except (KeyError, ValueError):
        return None


def newest_record_hashes(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """For (entity_key, record_sha256) pairs in chain order, each key's last non-empty hash."""
    found: dict[str, str] = {}
    for key, digest in rows:
        if digest:
            found[key] = digest
    return found
