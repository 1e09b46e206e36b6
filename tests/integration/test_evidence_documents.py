"""The disclosure DOCX shows its evidence: electronic signatures in the signature table and a
section with the content hash, the trusted timestamp (or that there is none) and every
signature, current or not. Written to a real file and opened again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import docx

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.rendering.export import export_disclosure
from firstfile.services import disclosures, timestamps
from firstfile.services.evidence import disclosure_for_document
from firstfile.services.signatures import sign
from firstfile.storage.engine import Store
from tests.factories import seed_basics
from tests.local_tsa import LocalTsa, Served


def _disclosure(store: Store) -> str:
    seed_basics(store)
    draft = DisclosureDraft(
        title="Cell balancing by temperature",
        summary="Balance by temperature.",
        engagement_key="ACME-2026",
        conception_date=date(2026, 1, 12),
        inventors=(InventorEntry("jdoe", "inventor", 100),),
    )
    return disclosures.create_disclosure(store, draft, actor="jdoe").key


def _tables(path: Path) -> list[list[list[str]]]:
    document = docx.Document(str(path))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _facts(path: Path) -> dict[str, str]:
    """The evidence section's label -> value rows (the last table of the document)."""
    return {row[0]: row[1] for row in _tables(path)[-1]}


def test_the_docx_shows_signatures_and_the_timestamp(
    store: Store, local_tsa: Served, tsa_files: LocalTsa, tmp_path: Path
) -> None:
    key = _disclosure(store)
    signed = sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    stamp = timestamps.stamp_disclosure(
        store, key, actor="jdoe", tsa_url=local_tsa.url, tsa_ca=tsa_files.ca_pem
    )
    path = export_disclosure(disclosure_for_document(store, key), tmp_path / "out")
    tables = _tables(path)
    signature_table = next(t for t in tables if t[0] == ["Role", "Name", "Signature", "Date"])
    assert signature_table[1][:3] == [
        "Inventor",
        "Jane Doe",
        f"Signed electronically (key {signed.fingerprint[:16]})",
    ]
    assert signature_table[1][3].endswith(" UTC")
    assert signature_table[2] == ["Witness", "", "", ""]  # room for a witness still
    facts = _facts(path)
    assert facts["Content SHA-256"] == signed.content_sha256 == stamp.subject_sha256
    assert stamp.stamped_at is not None
    assert facts["Trusted timestamp (RFC 3161)"].startswith(
        f"Timestamped {stamp.stamped_at:%Y-%m-%d %H:%M:%S} UTC by CN=Test TSA, serial "
    )
    assert facts["Inventor: Jane Doe"].endswith(": covers this text")


def test_without_an_authority_the_docx_says_not_timestamped(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    path = export_disclosure(disclosure_for_document(store, key), tmp_path / "out")
    facts = _facts(path)
    assert facts["Trusted timestamp (RFC 3161)"] == "Not timestamped"
    timestamps.stamp_disclosure(store, key, actor="jdoe", tsa_url=None)
    path = export_disclosure(disclosure_for_document(store, key), tmp_path / "again")
    assert _facts(path)["Trusted timestamp (RFC 3161)"] == (
        "Not timestamped: no timestamp authority is configured: give --tsa URL or set "
        "$FIRSTFILE_TSA_URL"
    )


def test_a_signature_of_an_earlier_version_is_not_shown_as_signing_this_one(
    store: Store, local_tsa: Served, tmp_path: Path
) -> None:
    key = _disclosure(store)
    sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    timestamps.stamp_disclosure(store, key, actor="jdoe", tsa_url=local_tsa.url)
    view = disclosures.get_disclosure(store, key)
    draft = replace(disclosures.view_to_draft(view), summary="Balance by voltage.")
    disclosures.update_disclosure(store, key, draft, actor="jdoe")
    path = export_disclosure(disclosure_for_document(store, key), tmp_path / "out")
    signature_table = next(t for t in _tables(path) if t[0][0] == "Role")
    assert signature_table[1] == ["Inventor", "Jane Doe", "", ""]
    facts = _facts(path)
    assert facts["Inventor: Jane Doe"].endswith(
        ": signed an earlier version: does not cover this text"
    )
    assert facts["Trusted timestamp (RFC 3161)"].endswith(
        "; covers an earlier version, not this text"
    )
