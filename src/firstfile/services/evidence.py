"""The evidence a document shows for each disclosure: its content hash now, its signatures
(checked, and whether each still covers the current text) and its newest timestamp."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlmodel import Session

from firstfile.domain.evidence import MEANINGS, content_sha256
from firstfile.domain.views import (
    DisclosureEvidence,
    DisclosureView,
    SignatureView,
    TimestampView,
)
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import signatures, timestamps
from firstfile.storage.tables import TrustedTimestamp


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
    for key, row, signer in signatures(db, keys=keys):
        signed.setdefault(key, []).append(SignatureView(
            meaning=row.meaning, statement=MEANINGS.get(row.meaning, row.meaning),
            signer_name=row.signer_name, person_key=row.person_key, actor=row.actor,
            signed_at=row.signed_at, content_sha256=row.content_sha256,
            fingerprint=fingerprint(signer.public_key),
            valid=verify_signature(signer.public_key, row.statement.encode("utf-8"),
                                   row.signature),
            covers_current=row.content_sha256 == current[key]))
    return {
        key: DisclosureEvidence(
            content_sha256=current[key],
            signatures=tuple(signed.get(key, ())),
            timestamp=timestamp_view(newest[key], current[key]) if key in newest else None,
        )
        for key in keys
    }


def timestamp_view(row: TrustedTimestamp, current: str) -> TimestampView:
    """A stored timestamp as documents show it (the authority named from its token)."""
    authority, serial = row.tsa_url, ""
    if row.token:
        from firstfile.services.tsa import token_facts

        subject, serial = token_facts(row.token)
        authority = subject or authority
    return TimestampView(
        status=row.status, subject_sha256=row.subject_sha256, requested_at=row.requested_at,
        stamped_at=row.stamped_at, authority=authority, serial=serial, message=row.message,
        covers_current=row.subject_sha256 == current)
