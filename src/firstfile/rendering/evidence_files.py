"""The evidence part of a counsel bundle: everything needed to check it without firstfile or
its database, with `openssl` and a POSIX shell (VERIFY.md says how).

    evidence/VERIFY.md                   how to check each file below
    evidence/audit.json                  the whole audit chain and its head (values only of
                                         the bundled disclosures' rows and of rows about no
                                         disclosure; other rows keep their hashes)
    evidence/chain.txt                   `seq content-sha256 chain-sha256`, one row a line
    evidence/envelopes.txt               each row's canonical content, one a line
    evidence/content/KEY.json            each disclosure's canonical content now
    evidence/timestamps/KEY-N.json|.tsr  what was timestamped, and the authority's token
    evidence/anchors/anchor-SEQ-N.txt|.tsr  anchors of the chain head, and their tokens
    evidence/signatures/KEY-N.json|.sig|.pem  what each signer signed, the raw signature,
                                         and the signer's public key
    evidence/signatures/KEY-N.content    the disclosure's content now, in the content format
                                         that signature covers (an older signature covers an
                                         older format than content/KEY.json)
    evidence/tsa-ca.pem                  the authority's CA certificate, when configured

Plain data in, bytes out: services/bundle.py reads the records in the bundle's unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firstfile.domain.evidence import AuditRow, field_names, utc_text
from firstfile.domain.text import clean_line

FOLDER = "evidence"
AUDIT_NAME = f"{FOLDER}/audit.json"
VERIFY_NAME = f"{FOLDER}/VERIFY.md"
AUDIT_BUNDLE_FORMAT = "firstfile-audit-export/1"


@dataclass(frozen=True, slots=True)
class StampFile:
    """A stamped subject (a disclosure's content or an anchor statement) and its token."""

    stem: str  # the file name without extension, e.g. FF-2026-0001-1 or anchor-12-1
    subject: bytes
    token: bytes
    stamped_at: datetime | None


@dataclass(frozen=True, slots=True)
class SignatureFile:
    """A signature with the exact statement it covers and the signer's public key."""

    stem: str
    key: str
    meaning: str
    signer_name: str
    statement: bytes
    signature: bytes  # raw, 64 bytes
    public_key: bytes  # raw, 32 bytes
    fingerprint: str
    # The disclosure's canonical content now, in the format the statement names: its SHA-256
    # is the statement's content hash when the signature covers the current text.
    content: bytes = b""


@dataclass(frozen=True, slots=True)
class EvidenceInput:
    """What the bundle's evidence shows, read in one unit of work."""

    rows: Sequence[AuditRow]
    head: tuple[int, str] | None
    keys: frozenset[str]  # the bundled disclosures: their rows keep their values
    contents: dict[str, bytes]  # key -> canonical content now
    stamps: Sequence[StampFile]
    anchors: Sequence[StampFile]
    signatures: Sequence[SignatureFile]
    ca_pem: str


def _row_json(row: AuditRow, keep_values: bool) -> dict[str, Any]:
    return {
        "seq": row.seq, "at": utc_text(row.at), "actor": row.actor,
        "actor_name": row.actor_name, "entity": row.entity, "entity_key": row.entity_key,
        "action": row.action, "fields": field_names(row.changes),
        "changes": row.changes if keep_values else None,
        "values_sha256": row.values_sha256, "record_sha256": row.record_sha256,
        "content_sha256": row.content_sha256, "chain_sha256": row.chain_sha256,
        "envelope": row.envelope().decode("utf-8"),
    }


# Counsel's internal fields: no part of a bundle holds them (services/bundle.py), so a row
# that changed one keeps only its hashes, like a row of a disclosure not in the bundle.
INTERNAL_FIELDS = frozenset({"reviewer_notes", "decision_rationale"})


def _keeps_values(row: AuditRow, keys: frozenset[str]) -> bool:
    """Values of rows about the bundled disclosures (and their timestamps and signatures),
    and of rows about no disclosure at all; another disclosure's values stay at home, and
    so do counsel's internal notes."""
    if INTERNAL_FIELDS.intersection(field_names(row.changes)):
        return False
    return row.entity != "disclosure" or row.entity_key in keys


def _pem_public_key(raw: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def evidence_files(data: EvidenceInput) -> list[tuple[str, bytes]]:
    """Every evidence file of the bundle, by name (VERIFY.md first)."""
    files: list[tuple[str, bytes]] = [(VERIFY_NAME, verify_md(data).encode("utf-8"))]
    head = ({"seq": data.head[0], "chain_sha256": data.head[1]} if data.head else None)
    audit = {
        "format": AUDIT_BUNDLE_FORMAT,
        "chain_head": head,
        "disclosures": sorted(data.keys),
        "rows": [_row_json(row, _keeps_values(row, data.keys)) for row in data.rows],
    }
    files.append((AUDIT_NAME, (json.dumps(audit, ensure_ascii=False, indent=1) + "\n")
                  .encode("utf-8")))
    files.append((f"{FOLDER}/chain.txt", "".join(
        f"{row.seq} {row.content_sha256} {row.chain_sha256}\n" for row in data.rows
    ).encode("ascii")))
    files.append((f"{FOLDER}/envelopes.txt", b"".join(
        row.envelope() + b"\n" for row in data.rows)))
    for key in sorted(data.contents):
        files.append((f"{FOLDER}/content/{key}.json", data.contents[key]))
    for folder, stamps, ext in (("timestamps", data.stamps, "json"),
                                ("anchors", data.anchors, "txt")):
        for stamp in stamps:
            files.append((f"{FOLDER}/{folder}/{stamp.stem}.{ext}", stamp.subject))
            files.append((f"{FOLDER}/{folder}/{stamp.stem}.tsr", stamp.token))
    for signed in data.signatures:
        files.append((f"{FOLDER}/signatures/{signed.stem}.json", signed.statement))
        files.append((f"{FOLDER}/signatures/{signed.stem}.sig", signed.signature))
        files.append((f"{FOLDER}/signatures/{signed.stem}.pem",
                      _pem_public_key(signed.public_key)))
        files.append((f"{FOLDER}/signatures/{signed.stem}.content", signed.content))
    if data.ca_pem:
        files.append((f"{FOLDER}/tsa-ca.pem", data.ca_pem.encode("ascii")))
    return files


def verify_md(data: EvidenceInput) -> str:
    """VERIFY.md: how to check this bundle's evidence with openssl and a POSIX shell."""
    head = (f"row {data.head[0]}, chain hash `{data.head[1]}`" if data.head
            else "missing (the database's head row was gone when the bundle was made)")
    ca = ("`tsa-ca.pem` is the authority's CA certificate as configured when the bundle was "
          "made; check that it is the certificate the authority publishes before trusting it."
          if data.ca_pem else
          "No CA certificate of the timestamp authority was configured: get it from the "
          "authority and save it as `tsa-ca.pem` here.")
    stamps = "\n".join(f"- `timestamps/{s.stem}`" + (f", stamped {utc_text(s.stamped_at)}"
                                                      if s.stamped_at else "")
                       for s in data.stamps) or "- none: no disclosure here was timestamped"
    anchors = "\n".join(f"- `anchors/{s.stem}`" + (f", stamped {utc_text(s.stamped_at)}"
                                                   if s.stamped_at else "")
                        for s in data.anchors) or "- none: no anchor was timestamped"
    signed = "\n".join(f"- `signatures/{s.stem}`: {s.meaning}, {clean_line(s.signer_name)}, "
                       f"key fingerprint `{s.fingerprint}`" for s in data.signatures
                       ) or "- none"
    return _VERIFY.format(head=head, ca=ca, stamps=stamps, anchors=anchors, signed=signed)


_VERIFY = """\
# Checking this bundle's evidence

Everything here can be checked with `openssl` (1.1.1 or later; 3.x for the signatures) and
a POSIX shell, without firstfile and without its database. Run the commands from this
`evidence` folder. docs/EVIDENCE.md in firstfile says what each record proves and what it
does not.

The audit chain's head when the bundle was made: {head}.

## 1. The files are the ones the bundle was made with

`../manifest.json` lists the SHA-256 of every file. For any file:

    openssl dgst -sha256 -r content/FF-2026-0001.json

## 2. The audit chain is unbroken

Every row's content hash is the SHA-256 of its canonical content (one line of
`envelopes.txt`), and its chain hash is the SHA-256 of the previous row's chain hash and its
own content hash, each as hex on its own line. The first row follows 64 zeros.

    while IFS= read -r envelope; do
      printf '%s' "$envelope" | openssl dgst -sha256 -r | cut -d' ' -f1
    done < envelopes.txt > recomputed.txt
    cut -d' ' -f2 chain.txt | diff - recomputed.txt && echo "contents match"

    prev=0000000000000000000000000000000000000000000000000000000000000000
    while read -r seq content chain; do
      link=$(printf '%s\\n%s\\n' "$prev" "$content" | openssl dgst -sha256 -r | cut -d' ' -f1)
      [ "$link" = "$chain" ] || echo "row $seq does not follow the row before it"
      prev=$chain
    done < chain.txt; echo "last chain hash: $prev"

The rows' numbers (`seq`) must run 1, 2, 3, ... without a gap, and the last chain hash must be
the head named above. `audit.json` holds the same rows readably; where it holds a row's
values (`changes`), their SHA-256 is the row's `values_sha256`, which its envelope holds.
Rows of disclosures that are not in this bundle, and rows that changed counsel's internal
notes or a decision's rationale, carry no values, only their hashes and field names.

## 3. The anchors: the chain as it was, signed by an outside authority

An anchor is a short statement naming the chain's position and hash at a moment, timestamped
by the authority. It shows that the chain up to that row existed then, and was not rewritten
since: the chain hash of the anchored row in `chain.txt` must be the one the anchor names.

{ca}

    for statement in anchors/*.txt; do
      openssl ts -verify -data "$statement" -in "${{statement%.txt}}.tsr" -CAfile tsa-ca.pem
      cat "$statement"
    done

{anchors}

## 4. The disclosures' timestamps

Each `timestamps/KEY-N.json` is exactly what was timestamped: the disclosure's canonical
content at that moment. Its token proves it existed no later than the time in the token
(`openssl ts -reply -in FILE.tsr -text` shows the time and the authority):

    for content in timestamps/*.json; do
      echo "$content:"
      openssl ts -verify -data "$content" -in "${{content%.json}}.tsr" -CAfile tsa-ca.pem
    done

When the content stamped is the disclosure's content now, the two files are the same, e.g.
`cmp timestamps/FF-2026-0001-1.json content/FF-2026-0001.json`.

{stamps}

## 5. The signatures

Each `signatures/KEY-N.json` is the exact statement signed: the disclosure, its content
format and hash, the meaning in words, the signer, when, and the signer's public key (hex; the
same key as `KEY-N.pem`). `KEY-N.content` is the disclosure's content now in the format that
signature covers: the same bytes as `content/KEY.json` for a signature made in today's format,
the older format for an older signature (a `firstfile-signature/1` statement names no format
and covers `firstfile-disclosure/1`). Check each signature with its key, then compare the
content hash it names with the SHA-256 of its content file:

    for statement in signatures/*.json; do
      echo "$statement:"
      openssl pkeyutl -verify -pubin -inkey "${{statement%.json}}.pem" -rawin \\
        -in "$statement" -sigfile "${{statement%.json}}.sig"
      named=$(sed 's/.*"content_sha256":"\\([0-9a-f]*\\)".*/\\1/' "$statement")
      actual=$(openssl dgst -sha256 -r "${{statement%.json}}.content" | cut -d' ' -f1)
      if [ "$named" = "$actual" ]; then echo "covers the content now: $actual"
      else echo "made over an earlier version: $named"; fi
    done

That the key is the signer's is in the audit chain: the row that registered it (action
`register`, entity `signer-key`) names the key and the login that holds it.

A signature whose content hash is not the content's now was made over an earlier version:
it stands, but does not cover the current text.

{signed}
"""
