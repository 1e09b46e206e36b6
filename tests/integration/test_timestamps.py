"""Trusted timestamps from a real RFC 3161 authority (openssl ts on 127.0.0.1): a submitted
disclosure's content is stamped and the chain anchored; the token verifies with
`openssl ts -verify`; no authority and a failing one are recorded and said, never silent;
a swapped token, a wrong CA and a chain recomputed after its anchor are caught."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.evidence import parse_anchor, sha256_hex
from firstfile.services import counsel, disclosures, timestamps
from firstfile.services.evidence import disclosure_evidence
from firstfile.services.verification import verify
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import chain_head
from firstfile.storage.evidence_queries import timestamps as stored
from tests.factories import seed_basics
from tests.local_tsa import LocalTsa, Served


def _submitted(store: Store, title: str = "Cell balancing by temperature") -> str:
    seed_basics(store)
    made = disclosures.create_disclosure(
        store,
        DisclosureDraft(
            title=title,
            summary="Balance by temperature.",
            engagement_key="ACME-2026",
            conception_date=date(2026, 1, 12),
            inventors=(InventorEntry("jdoe", "inventor", 100),),
        ),
        actor="jdoe",
    )
    counsel.move_status(store, made.key, "submitted", actor="jdoe")
    return made.key


def _openssl_verify(tmp_path: Path, subject: str, token: bytes, ca: Path) -> str:
    data, reply = tmp_path / "subject.bin", tmp_path / "token.tsr"
    data.write_bytes(subject.encode("utf-8"))
    reply.write_bytes(token)
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(data), "-in", str(reply), "-CAfile", str(ca)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip() + done.stderr.strip()


def test_a_submission_is_stamped_and_openssl_verifies_the_token(
    store: Store, local_tsa: Served, tsa_files: LocalTsa, tmp_path: Path
) -> None:
    key = _submitted(store)
    with store.read() as db:
        head = chain_head(db)
    outcome = timestamps.stamp_disclosure(
        store,
        key,
        actor="jdoe",
        tsa_url=local_tsa.url,
        tsa_ca=tsa_files.ca_pem,
        reason="submission",
    )
    assert outcome.stamped and outcome.stamped_at is not None
    assert outcome.describe(key).startswith(f"{key} timestamped at ")
    assert len(local_tsa.requests) == 2  # the content and the anchor
    with store.read() as db:
        (content,) = stored(db, kind="disclosure")
        (anchor,) = stored(db, kind="anchor")
    assert content.subject_sha256 == outcome.subject_sha256 == sha256_hex(content.subject.encode())
    assert content.token is not None and anchor.token is not None
    assert "Verification: OK" in _openssl_verify(
        tmp_path, content.subject, content.token, tsa_files.ca_pem
    )
    assert "Verification: OK" in _openssl_verify(
        tmp_path, anchor.subject, anchor.token, tsa_files.ca_pem
    )
    assert head is not None and parse_anchor(anchor.subject.encode()) == head
    evidence = disclosure_evidence(store, disclosures.get_disclosure(store, key))
    assert evidence.timestamp is not None
    assert (evidence.timestamp.status, evidence.timestamp.covers_current) == ("stamped", True)
    assert evidence.timestamp.authority == "CN=Test TSA"
    report = verify(store, tsa_ca=tsa_files.ca_pem)
    assert report.ok, report.problems
    assert (report.timestamps, report.anchors, report.anchors_stamped) == (1, 1, 1)
    assert report.notes == []


def test_without_an_authority_it_says_not_timestamped(store: Store) -> None:
    key = _submitted(store)
    outcome = timestamps.stamp_disclosure(store, key, actor="jdoe", tsa_url=None)
    assert outcome.status == "not-timestamped"
    assert outcome.describe(key) == (
        f"{key} is not timestamped: no timestamp authority is "
        "configured: give --tsa URL or set $FIRSTFILE_TSA_URL"
    )
    evidence = disclosure_evidence(store, disclosures.get_disclosure(store, key))
    assert evidence.timestamp is not None and evidence.timestamp.status == "not-timestamped"
    assert verify(store).ok


def test_a_failing_authority_is_recorded_and_a_retry_stamps(
    store: Store, broken_tsa: Served, local_tsa: Served
) -> None:
    key = _submitted(store)
    failed = timestamps.stamp_disclosure(store, key, actor="jdoe", tsa_url=broken_tsa.url)
    assert failed.status == "failed"
    assert f"the timestamp authority at {broken_tsa.url} answered HTTP 500" in failed.message
    assert "`firstfile timestamp " in failed.describe(key)
    assert len(broken_tsa.requests) == 1  # the anchor is not asked of an authority that failed
    assert counsel.review_state(store, key).status == "submitted"  # the submission stands
    again = timestamps.stamp_disclosure(store, key, actor="jdoe", tsa_url=local_tsa.url)
    assert again.stamped
    with store.read() as db:
        assert [t.status for t in stored(db, kind="disclosure")] == ["failed", "stamped"]
    report = verify(store)
    assert report.ok, report.problems
    # No CA was given: the token is intact, but who made it is not proven; verify says so.
    assert any("no CA was given to trust" in note for note in report.notes)


def test_an_unreachable_authority_is_said(store: Store) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    key = _submitted(store)
    outcome = timestamps.stamp_disclosure(
        store, key, actor="jdoe", tsa_url=f"http://127.0.0.1:{port}/tsa"
    )
    assert outcome.status == "failed"
    assert outcome.message.startswith(
        f"cannot reach the timestamp authority at http://127.0.0.1:{port}/tsa"
    )


def test_a_swapped_token_is_caught(store: Store, local_tsa: Served, tsa_files: LocalTsa) -> None:
    first = _submitted(store)
    made = disclosures.create_disclosure(
        store,
        DisclosureDraft(title="Busbar clamp", summary="Clamp.", engagement_key="ACME-2026"),
        actor="jdoe",
    )
    for key in (first, made.key):
        assert timestamps.stamp_disclosure(
            store, key, actor="jdoe", tsa_url=local_tsa.url, tsa_ca=tsa_files.ca_pem
        ).stamped
    with store.engine.begin() as conn:
        ids = (
            conn.execute(
                text("SELECT id FROM trustedtimestamp WHERE kind = 'disclosure' ORDER BY id")
            )
            .scalars()
            .all()
        )
        conn.execute(
            text(
                "UPDATE trustedtimestamp SET token = (SELECT token FROM "
                "trustedtimestamp WHERE id = :b) WHERE id = :a"
            ),
            {"a": ids[0], "b": ids[1]},
        )
    report = verify(store, tsa_ca=tsa_files.ca_pem)
    assert [(p.kind, p.where.split(" (")[0]) for p in report.problems] == [
        ("timestamp", f"timestamp of {first}"),
        ("timestamp", f"timestamp of {first}"),
    ]
    assert [p.what.split(" (")[0] for p in report.problems] == [
        "its token is not the one its audit record names",
        "the token is for other content",
    ]


def test_a_token_from_another_authority_does_not_verify_against_the_ca(
    store: Store, local_tsa: Served, tmp_path: Path
) -> None:
    key = _submitted(store)
    timestamps.stamp_disclosure(store, key, actor="jdoe", tsa_url=local_tsa.url)
    stranger = LocalTsa.create(tmp_path / "stranger", name="Stranger TSA")
    report = verify(store, tsa_ca=stranger.ca_pem)
    assert not report.ok
    assert report.problems[0].what.startswith("the token's signature does not verify")


def test_a_recomputed_chain_is_caught_by_its_timestamped_anchor(
    store: Store, local_tsa: Served, tsa_files: LocalTsa
) -> None:
    from tests.integration.test_audit_chain import _rewrite_chain_from

    key = _submitted(store)
    timestamps.stamp_disclosure(
        store,
        key,
        actor="jdoe",
        tsa_url=local_tsa.url,
        tsa_ca=tsa_files.ca_pem,
        reason="submission",
    )
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE auditevent SET at = :at WHERE seq = 2"), {"at": "2025-01-01 00:00:00"}
        )
    _rewrite_chain_from(store, 2)
    report = verify(store, tsa_ca=tsa_files.ca_pem)
    assert [p.kind for p in report.problems] == ["anchor"]
    assert "were changed after this anchor was timestamped at" in report.problems[0].what
