"""Signatures with meaning: Ed25519 over the disclosure's content hash, with the meaning in
words; who may sign as inventor and as witness; a signature that no longer covers edited
text is shown as such; a changed signature or signed text is caught by verify."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.evidence import MEANINGS, content_sha256
from firstfile.services import disclosures
from firstfile.services.errors import UserError
from firstfile.services.evidence import disclosure_evidence
from firstfile.services.signatures import sign, verify_signature
from firstfile.services.verification import verify
from firstfile.storage.engine import Store
from tests.factories import seed_basics


def _disclosure(store: Store) -> str:
    """A disclosure with jdoe as inventor and wli (the vendor's engineer) as contributor."""
    seed_basics(store)
    return disclosures.create_disclosure(
        store,
        DisclosureDraft(
            title="Cell balancing by temperature",
            summary="Balance by temperature.",
            engagement_key="ACME-2026",
            conception_date=date(2026, 1, 12),
            inventors=(
                InventorEntry("jdoe", "inventor", 100),
                InventorEntry("wli", "contributor", 0),
            ),
        ),
        actor="jdoe",
    ).key


def test_an_inventor_signs_and_the_signature_verifies(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    signed = sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    assert signed.key_registered and signed.signer_name == "Jane Doe"
    view = disclosures.get_disclosure(store, key)
    assert signed.content_sha256 == content_sha256(view)
    (shown,) = disclosure_evidence(store, view).signatures
    assert (shown.meaning, shown.statement, shown.valid, shown.covers_current) == (
        "inventor",
        MEANINGS["inventor"],
        True,
        True,
    )
    with store.read() as db:
        statement, signature, public = db.execute(
            text(
                "SELECT s.statement, s.signature, k.public_key FROM disclosuresignature s "
                "JOIN signerkey k ON k.id = s.key_id"
            )
        ).one()
    said = json.loads(statement)
    assert (said["meaning"], said["statement"], said["content_sha256"], said["signer"]) == (
        "inventor",
        "I am an inventor of what is described",
        signed.content_sha256,
        "Jane Doe",
    )
    assert verify_signature(public, statement.encode(), signature)
    assert not verify_signature(public, statement.replace("jdoe", "rsmith").encode(), signature)
    report = verify(store)
    assert report.ok, report.problems
    assert report.signatures == 1 and not any("no longer covers" in n for n in report.notes)


def test_the_first_signature_with_a_key_says_who_it_signs_as(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    with pytest.raises(UserError, match="--person KEY"):
        sign(store, key, meaning="inventor", actor="jdoe", key_file=tmp_path / "jdoe.pem")
    with pytest.raises(UserError, match="no person 'nobody'"):
        sign(
            store,
            key,
            meaning="inventor",
            actor="jdoe",
            person_key="nobody",
            key_file=tmp_path / "jdoe.pem",
        )


def test_only_a_named_inventor_signs_as_inventor(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    with pytest.raises(UserError, match="'rsmith' is not named as an inventor"):
        sign(
            store,
            key,
            meaning="inventor",
            actor="rsmith",
            person_key="rsmith",
            key_file=tmp_path / "rsmith.pem",
        )
    with pytest.raises(UserError, match="'wli' is not named as an inventor"):
        sign(
            store,
            key,
            meaning="inventor",
            actor="wli",
            person_key="wli",
            key_file=tmp_path / "wli.pem",
        )
    assert _signature_rows(store) == 0


def test_a_witness_is_nobody_named_on_the_disclosure(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    for person in ("jdoe", "wli"):
        with pytest.raises(UserError, match=f"'{person}' is named on {key} as"):
            sign(
                store,
                key,
                meaning="witness",
                actor=person,
                person_key=person,
                key_file=tmp_path / f"{person}.pem",
            )
    witnessed = sign(
        store,
        key,
        meaning="witness",
        actor="rsmith",
        person_key="rsmith",
        key_file=tmp_path / "rsmith.pem",
    )
    assert witnessed.meaning == "witness"
    (shown,) = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert shown.statement == "I have read and understood what is described"


def test_who_signed_as_inventor_cannot_witness_under_another_person(
    store: Store, tmp_path: Path
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
    # The same login (the database role, or the operating-system account) with a second key
    # that claims to be someone not named on the disclosure.
    with pytest.raises(UserError, match="cannot sign it as both"):
        sign(
            store,
            key,
            meaning="witness",
            actor="rsmith",
            person_key="rsmith",
            key_file=tmp_path / "second.pem",
        )
    assert _signature_rows(store) == 1


def test_signing_the_same_version_twice_is_refused(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    with pytest.raises(UserError, match="already signed this version"):
        sign(store, key, meaning="inventor", actor="jdoe", key_file=tmp_path / "jdoe.pem")


def test_an_edit_after_signing_shows_the_signature_as_no_longer_covering(
    store: Store, tmp_path: Path
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
    view = disclosures.get_disclosure(store, key)
    disclosures.update_disclosure(
        store,
        key,
        replace(disclosures.view_to_draft(view), summary="Balance by voltage."),
        actor="jdoe",
    )
    (shown,) = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert (shown.valid, shown.covers_current) == (True, False)
    report = verify(store)
    assert report.ok, report.problems  # an edit through firstfile is not tampering
    assert any("no longer covers the current text" in note for note in report.notes)
    # The inventor can sign the new version.
    again = sign(store, key, meaning="inventor", actor="jdoe", key_file=tmp_path / "jdoe.pem")
    assert not again.key_registered
    shown_now = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert [s.covers_current for s in shown_now] == [False, True]


def test_a_changed_signature_statement_is_caught(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE disclosuresignature SET statement = "
                "REPLACE(statement, 'Jane Doe', 'Raj Smith')"
            )
        )
    report = verify(store)
    assert [(p.kind, p.what.split(" (")[0]) for p in report.problems] == [
        ("signature", "the signature does not verify")
    ]
    (shown,) = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert not shown.valid


def test_signed_text_edited_behind_firstfiles_back_is_caught(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    sign(
        store,
        key,
        meaning="inventor",
        actor="jdoe",
        person_key="jdoe",
        key_file=tmp_path / "jdoe.pem",
    )
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE disclosure SET summary = 'Balance by voltage.'"))
    report = verify(store)
    assert [(p.kind, p.where) for p in report.problems] == [("disclosure", key)]
    assert "changed outside firstfile" in report.problems[0].what
    with pytest.raises(UserError, match="changed outside firstfile"):
        sign(
            store,
            key,
            meaning="witness",
            actor="rsmith",
            person_key="rsmith",
            key_file=tmp_path / "rsmith.pem",
        )


def test_a_signing_key_others_can_read_is_refused(store: Store, tmp_path: Path) -> None:
    key = _disclosure(store)
    key_file = tmp_path / "jdoe.pem"
    sign(store, key, meaning="inventor", actor="jdoe", person_key="jdoe", key_file=key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    key_file.chmod(0o644)
    with pytest.raises(UserError, match="others can read your signing key"):
        sign(store, key, meaning="inventor", actor="jdoe", key_file=key_file)


def _signature_rows(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(text("SELECT COUNT(*) FROM disclosuresignature")).scalar_one())


def test_an_attached_file_or_changed_inventor_detail_is_no_longer_covered(
    store: Store, tmp_path: Path
) -> None:
    from firstfile.services.attachments import NewFile, attach_files

    key = _disclosure(store)
    sign(store, key, meaning="inventor", actor="jdoe", person_key="jdoe",
         key_file=tmp_path / "jdoe.pem")
    attach_files(store, key, [NewFile("bench.csv", b"a,b\n1,2\n", "Bench run")], actor="jdoe")
    (shown,) = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert (shown.valid, shown.covers_current) == (True, False)
    report = verify(store)
    assert report.ok, report.problems  # attaching through firstfile is audited, not tampering
    assert any("no longer covers the current text" in note for note in report.notes)

    sign(store, key, meaning="inventor", actor="jdoe", key_file=tmp_path / "jdoe.pem")
    disclosures.set_inventor_details(store, key, "jdoe", {"postal_address": "1 Main St"},
                                     actor="jdoe")
    shown_now = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert [s.covers_current for s in shown_now] == [False, False]
    assert verify(store).ok


def test_a_signature_over_the_first_content_format_keeps_covering_what_it_covered(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database signed before attachments and inventor details were covered: its
    signatures, audit rows and content hashes are /1, and stay good after the upgrade."""
    from firstfile.domain import evidence
    from firstfile.services import signatures

    def first_format(view: object) -> str:
        return evidence.sha256_hex(
            evidence.disclosure_content(view, evidence.DISCLOSURE_FORMAT_V1)  # type: ignore[arg-type]
        )

    key = _disclosure(store)
    with monkeypatch.context() as old_release:
        old_release.setattr(evidence, "content_sha256", first_format)
        old_release.setattr(signatures, "content_sha256", first_format)
        old_release.setattr(evidence, "DISCLOSURE_FORMAT", evidence.DISCLOSURE_FORMAT_V1)
        old_release.setattr(evidence, "SIGNATURE_FORMAT", "firstfile-signature/1")
        signed = sign(store, key, meaning="inventor", actor="jdoe", person_key="jdoe",
                      key_file=tmp_path / "jdoe.pem")
    view = disclosures.get_disclosure(store, key)
    assert signed.content_sha256 == first_format(view) != content_sha256(view)
    (shown,) = disclosure_evidence(store, view).signatures
    assert (shown.valid, shown.covers_current) == (True, True)
    report = verify(store)
    assert report.ok, report.problems
    assert not any("no longer covers" in note for note in report.notes)
    # Signing again is allowed (a new signature covers attachments and details too), and an
    # edit of the text still shows the old signature as no longer covering.
    disclosures.update_disclosure(
        store, key, replace(disclosures.view_to_draft(view), summary="Balance by voltage."),
        actor="jdoe")
    (shown,) = disclosure_evidence(store, disclosures.get_disclosure(store, key)).signatures
    assert shown.covers_current is False
    assert verify(store).ok
