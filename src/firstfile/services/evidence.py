"""The evidence a document shows for each disclosure: its content hash now, its signatures
(checked, and whether each still covers the current text) and its newest timestamp."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlmodel import Session

from firstfile.domain.evidence import MEANINGS, content_hashes, content_sha256
from firstfile.domain.views import (
    DisclosureEvidence,
    DisclosureView,
    SignatureView,
    TimestampView,
)
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import signatures, timestamps
from firstfile.storage.tables import TrustedTimestamp

if TYPE_CHECKING:
    from firstfile.rendering.evidence_files import EvidenceInput


def disclosure_evidence(store: Store, view: DisclosureView) -> DisclosureEvidence:
    """The evidence of one disclosure (read in one unit of work)."""
    with store.read() as db:
        return evidence_in(db, [view])[view.key]


def with_evidence(db: Session, views: Sequence[DisclosureView]) -> list[DisclosureView]:
    """The views with their evidence attached, for documents that show it."""
    found = evidence_in(db, views)
    return [replace(view, evidence=found[view.key]) for view in views]


def disclosure_for_document(store: Store, key: str) -> DisclosureView:
    """One disclosure with its evidence, read in one unit of work (raises NotFound)."""
    from firstfile.services.errors import NotFound
    from firstfile.storage.disclosure_queries import build_view, find_disclosure

    with store.read() as db:
        disclosure = find_disclosure(db=db, key=key)
        if disclosure is None:
            raise NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")
        return with_evidence(db, [build_view(db=db, disclosure=disclosure)])[0]


def evidence_in(db: Session, views: Sequence[DisclosureView]) -> dict[str, DisclosureEvidence]:
    """The evidence of many disclosures, by key, with a fixed number of queries."""
    from firstfile.services.signatures import fingerprint, verify_signature

    keys = [v.key for v in views]
    newest: dict[str, TrustedTimestamp] = {}
    for stamp in timestamps(db, kind="disclosure", keys=keys):
        newest[stamp.disclosure_key] = stamp  # oldest first, so the last one wins
    signed: dict[str, list[SignatureView]] = {}
    current = {v.key: content_sha256(v) for v in views}
    covered = {v.key: content_hashes(v) for v in views}
    for key, row, signer in signatures(db, keys=keys):
        signed.setdefault(key, []).append(SignatureView(
            meaning=row.meaning, statement=MEANINGS.get(row.meaning, row.meaning),
            signer_name=row.signer_name, person_key=row.person_key, actor=row.actor,
            signed_at=row.signed_at, content_sha256=row.content_sha256,
            fingerprint=fingerprint(signer.public_key),
            valid=verify_signature(signer.public_key, row.statement.encode("utf-8"),
                                   row.signature),
            covers_current=row.content_sha256 in covered[key]))
    return {
        key: DisclosureEvidence(
            content_sha256=current[key],
            signatures=tuple(signed.get(key, ())),
            timestamp=timestamp_view(newest[key], covered[key]) if key in newest else None,
        )
        for key in keys
    }


def timestamp_view(row: TrustedTimestamp, current: frozenset[str]) -> TimestampView:
    """A stored timestamp as documents show it (the authority named from its token);
    current: the disclosure's content hashes now, in every content format."""
    authority, serial = row.tsa_url, ""
    if row.token:
        from firstfile.services.tsa import token_facts

        subject, serial = token_facts(row.token)
        authority = subject or authority
    return TimestampView(
        status=row.status, subject_sha256=row.subject_sha256, requested_at=row.requested_at,
        stamped_at=row.stamped_at, authority=authority, serial=serial, message=row.message,
        covers_current=row.subject_sha256 in current)


def signed_format(statement: str) -> str:
    """The content format a signature statement covers: the one it names, else (a
    firstfile-signature/1 statement names none) the first format."""
    import json

    from firstfile.domain.evidence import CONTENT_FORMATS, DISCLOSURE_FORMAT_V1

    try:
        named = json.loads(statement).get("content_format", DISCLOSURE_FORMAT_V1)
    except (ValueError, AttributeError):
        return DISCLOSURE_FORMAT_V1
    return named if named in CONTENT_FORMATS else DISCLOSURE_FORMAT_V1


def bundle_evidence(db: Session, views: Sequence[DisclosureView], ca_pem: str
                    ) -> EvidenceInput:
    """What a counsel bundle carries to be checked offline (rendering/evidence_files.py):
    the whole chain and its head, the bundled disclosures' content, their stamped
    timestamps and signatures with the signers' keys, every stamped anchor, and the
    authority's CA (configured now, else as recorded with a token)."""
    from firstfile.domain.evidence import disclosure_content
    from firstfile.rendering.evidence_files import EvidenceInput, SignatureFile, StampFile
    from firstfile.services.signatures import fingerprint
    from firstfile.storage.evidence_queries import audit_rows, chain_head

    keys = [v.key for v in views]
    stamps: list[StampFile] = []
    counts: dict[str, int] = {}
    recorded_ca = ""
    for row in timestamps(db, kind="disclosure", keys=keys):
        if row.status == "stamped" and row.token:
            counts[row.disclosure_key] = counts.get(row.disclosure_key, 0) + 1
            stamps.append(StampFile(f"{row.disclosure_key}-{counts[row.disclosure_key]}",
                                    row.subject.encode("utf-8"), row.token, row.stamped_at))
            recorded_ca = recorded_ca or row.tsa_ca
    anchors: list[StampFile] = []
    for row in timestamps(db, kind="anchor"):
        if row.status == "stamped" and row.token:
            counts[f"anchor-{row.seq}"] = counts.get(f"anchor-{row.seq}", 0) + 1
            anchors.append(StampFile(f"anchor-{row.seq}-{counts[f'anchor-{row.seq}']}",
                                     row.subject.encode("utf-8"), row.token, row.stamped_at))
            recorded_ca = recorded_ca or row.tsa_ca
    by_key = {v.key: v for v in views}
    signed: list[SignatureFile] = []
    for key, signature, signer in signatures(db, keys=keys):
        counts[f"sig-{key}"] = counts.get(f"sig-{key}", 0) + 1
        signed.append(SignatureFile(
            stem=f"{key}-{counts[f'sig-{key}']}", key=key, meaning=signature.meaning,
            signer_name=signature.signer_name, statement=signature.statement.encode("utf-8"),
            signature=bytes.fromhex(signature.signature),
            public_key=bytes.fromhex(signer.public_key),
            fingerprint=fingerprint(signer.public_key),
            content=disclosure_content(by_key[key], signed_format(signature.statement))))
    return EvidenceInput(
        rows=list(audit_rows(db)), head=chain_head(db), keys=frozenset(keys),
        contents={v.key: disclosure_content(v) for v in views}, stamps=stamps,
        anchors=anchors, signatures=signed, ca_pem=ca_pem or recorded_ca)
