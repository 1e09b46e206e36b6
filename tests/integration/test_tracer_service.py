"""Tracers on real databases: issuing one marker per vendor, the register, lookups, the secret
made once, the document canary, every issue audited and bad input writing nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from firstfile.domain.tracers import (
    ALTERED,
    AUTHENTIC,
    MISTYPED,
    NOT_OURS,
    UNREADABLE,
    TracerIssue,
    format_code,
    issue_tracer,
    parse_code,
)
from firstfile.services import engagements as engagement_svc
from firstfile.services import tracers as svc
from firstfile.services.errors import Conflict, NotFound, UserError
from firstfile.storage import tracer_queries as tq
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent, Tracer, TracerSecret
from tests.integration.test_engagement_service import audit_rows, import_samples

BMS = "bms48-shenzhen"
DAY = date(2026, 3, 2)


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    return store


def tracer_audit(store: Store) -> list[AuditEvent]:
    with store.read() as db:
        return list(
            db.execute(
                select(AuditEvent)
                .where(AuditEvent.entity.in_(("tracer", "tracer-secret")))  # type: ignore[attr-defined]
                .order_by(AuditEvent.id)  # type: ignore[arg-type]
            ).scalars()
        )


def counts(store: Store) -> tuple[int, int]:
    """(tracers in the register, secret rows)."""
    with store.read() as db:
        tracers = db.execute(select(func.count()).select_from(Tracer)).scalar_one()
        secrets = db.execute(select(func.count()).select_from(TracerSecret)).scalar_one()
    return int(tracers), int(secrets)


def test_one_distinct_marker_per_vendor_each_audited_and_the_secret_made_once(
    samples: Store,
) -> None:
    issued = svc.issue_tracers(
        samples, BMS, "afe-board", ["huaxin-pcba", "tamsui-embedded"], actor="maria", today=DAY
    )
    codes = [t.code for t in issued.tracers]
    assert [t.vendor for t in issued.tracers] == ["huaxin-pcba", "tamsui-embedded"]
    assert len(set(codes)) == 2 and issued.already_issued == ()
    # Tamsui is not assigned the AFE board in the sample: the tracer would never reach it.
    assert issued.warnings == (
        "tamsui-embedded is not assigned afe-board: the tracer only helps once that vendor "
        "receives it",
    )
    rows = tracer_audit(samples)
    assert [(r.entity, r.action, r.actor_name) for r in rows] == [
        ("tracer-secret", "create", "maria"),
        ("tracer", "issue", "maria"),
        ("tracer", "issue", "maria"),
    ]
    assert [r.entity_key for r in rows[1:]] == codes
    first = json.loads(rows[1].changes)
    assert first == {
        "engagement": [None, BMS],
        "component": [None, "afe-board"],
        "vendor": [None, "huaxin-pcba"],
        "kind": [None, "non-functional-part"],
        "issued_on": [None, "2026-03-02"],
        "code": [None, codes[0]],
    }
    # The audit of the secret says it was made; it never holds the secret itself.
    with samples.read() as db:
        secret = tq.tracer_secret(db=db)
    assert secret is not None and len(secret) == 32
    assert secret.hex() not in rows[0].changes
    # The register lists both; a second vendor later gets a third, different code.
    assert [t.code for t in svc.list_tracers(samples, BMS)] == codes
    third = svc.issue_tracers(samples, BMS, "afe-board", ["gd-battery-lab"], actor="m", today=DAY)
    assert third.tracers[0].code not in codes
    assert counts(samples) == (3, 1)


def test_codes_are_derived_and_stable_across_runs(samples: Store) -> None:
    issued = svc.issue_tracers(
        samples,
        BMS,
        "bms-firmware",
        ["tamsui-embedded"],
        kind="firmware-mark",
        actor="m",
        today=DAY,
    )
    tracer = issued.tracers[0]
    with samples.read() as db:
        secret = tq.tracer_secret(db=db)
    assert secret is not None
    # The code is the HMAC of the fields under the stored secret, nothing else.
    issue = TracerIssue(BMS, "bms-firmware", "tamsui-embedded", DAY, "firmware-mark")
    assert issue_tracer(secret, issue).code == tracer.code
    # Issuing the same again, from another connection, gives the same tracer, not a new one.
    again_store = open_store(samples.url)
    try:
        again = svc.issue_tracers(
            again_store,
            BMS,
            "bms-firmware",
            ["tamsui-embedded"],
            kind="firmware-mark",
            actor="m",
            today=DAY,
        )
    finally:
        again_store.dispose()
    assert again.tracers == issued.tracers and again.already_issued == ("tamsui-embedded",)
    assert len(tracer_audit(samples)) == 2  # the secret and the one issue: nothing more


def test_lookup_names_the_vendor_and_catches_mistyped_foreign_and_altered_codes(
    samples: Store,
) -> None:
    issued = svc.issue_tracers(
        samples,
        BMS,
        "afe-board",
        ["huaxin-pcba", "tamsui-embedded"],
        kind="pcb-mark",
        actor="m",
        today=DAY,
    )
    huaxin, tamsui = issued.tracers
    found = svc.lookup_code(samples, huaxin.code)
    assert found.status == AUTHENTIC and found.tracer == huaxin
    assert "issued to vendor huaxin-pcba for component afe-board" in found.message
    # Typed by hand off a board: lower case, no hyphens, O for 0 and I or L for 1 are read.
    typed = huaxin.code.lower().replace("-", "").replace("0", "o").replace("1", "l")
    assert svc.lookup_code(samples, typed).tracer == huaxin
    assert svc.lookup_code(samples, tamsui.code).tracer == tamsui
    # One symbol wrong: the check symbol catches it before anything is looked up.
    body = huaxin.code.replace("-", "")
    wrong = ("1" if body[0] != "1" else "2") + body[1:]
    assert svc.lookup_code(samples, wrong).status == MISTYPED
    # A well-formed code with a right check symbol that nobody issued.
    foreign = format_code(parse_code(huaxin.code) ^ 1)
    assert svc.lookup_code(samples, foreign).status == NOT_OURS
    assert svc.lookup_code(samples, "not a code!").status == UNREADABLE
    # Someone rewrites the register entry to blame another vendor: the HMAC no longer checks.
    with samples.write() as db:
        db.execute(
            text(
                "UPDATE tracer SET vendor_id = (SELECT id FROM vendor WHERE key = "
                "'gd-battery-lab') WHERE code = :code"
            ),
            {"code": huaxin.code},
        )
    altered = svc.lookup_code(samples, huaxin.code)
    assert altered.status == ALTERED and altered.tracer is not None
    assert altered.tracer.vendor == "gd-battery-lab" and not altered.authentic


def test_bad_input_is_refused_and_nothing_is_written(samples: Store) -> None:
    before = tracer_audit(samples)
    with pytest.raises(UserError, match="unknown tracer kind 'sticker'"):
        svc.issue_tracers(samples, BMS, "afe-board", ["huaxin-pcba"], kind="sticker", actor="m")
    with pytest.raises(UserError, match="issued by the first export"):
        svc.issue_tracers(
            samples, BMS, "afe-board", ["huaxin-pcba"], kind="document-canary", actor="m"
        )
    with pytest.raises(
        NotFound,
        match="no component 'afe-boards' on bms48-shenzhen; its "
        "components: afe-board, bms-firmware",
    ):
        svc.issue_tracers(samples, BMS, "afe-boards", ["huaxin-pcba"], actor="m")
    with pytest.raises(NotFound, match="bayan-ems is not a vendor on bms48-shenzhen"):
        svc.issue_tracers(samples, BMS, "afe-board", ["huaxin-pcba", "bayan-ems"], actor="m")
    with pytest.raises(NotFound, match="no vendor 'nobody'"):
        svc.issue_tracers(samples, BMS, "afe-board", ["nobody"], actor="m")
    with pytest.raises(UserError, match="name at least one vendor"):
        svc.issue_tracers(samples, BMS, "afe-board", [], actor="m")
    assert counts(samples) == (0, 0) and tracer_audit(samples) == before == []


def test_a_vendor_with_tracers_is_kept(samples: Store) -> None:
    svc.issue_tracers(samples, BMS, "afe-board", ["gd-battery-lab"], actor="m", today=DAY)
    engagement_svc.detach_vendor(samples, BMS, "gd-battery-lab", actor="m")
    with pytest.raises(Conflict, match="1 tracers"):
        engagement_svc.delete_vendor(samples, "gd-battery-lab", actor="m")
    assert svc.lookup_code(samples, svc.list_tracers(samples, BMS)[0].code).authentic


def test_the_document_canary_is_issued_on_the_first_vendor_document_only(
    samples: Store,
) -> None:
    first = engagement_svc.vendor_checklist_document(
        samples, BMS, "huaxin-pcba", actor="maria", today=DAY
    )
    later = engagement_svc.vendor_checklist_document(
        samples, BMS, "huaxin-pcba", actor="raj", today=date(2026, 4, 1)
    )
    other = engagement_svc.vendor_checklist_document(
        samples, BMS, "tamsui-embedded", actor="maria", today=DAY
    )
    assert first.canary and later.canary == first.canary and other.canary != first.canary
    register = {t.vendor: t for t in svc.list_tracers(samples, BMS)}
    canary = register["huaxin-pcba"]
    assert (canary.kind, canary.component, canary.issued_on, canary.code) == (
        "document-canary",
        "vendor-documents",
        DAY,
        first.canary,
    )
    rows = [r for r in tracer_audit(samples) if r.entity == "tracer"]
    assert [(r.entity_key, r.actor_name) for r in rows] == [
        (first.canary, "maria"),
        (other.canary, "maria"),
    ]
    assert json.loads(rows[0].changes)["reason"] == [
        None,
        "first export of a document for the vendor",
    ]
    found = svc.lookup_code(samples, first.canary)
    assert (
        found.authentic
        and "a canary in the documents sent to the vendor issued to vendor huaxin-pcba"
        in found.message
    )
    # The engagement's own audit trail is untouched by a document being made.
    assert audit_rows(samples, "engagement", BMS)[-1].action != "issue"


def _issue_many(url: str, who: str, count: int) -> None:
    """count distinct tracers (kind, component and day vary), then the vendor's document."""
    kinds = sorted(svc_kinds())
    store = open_store(url)
    try:
        for n in range(count):
            component = ("afe-board", "bms-firmware")[(n // 4) % 2]
            svc.issue_tracers(
                store,
                BMS,
                component,
                ["huaxin-pcba"],
                kind=kinds[n % 4],
                actor=who,
                today=date(2026, 3, 1 + n // 8),
            )
            engagement_svc.vendor_checklist_document(
                store, BMS, "tamsui-embedded", actor=who, today=DAY
            )
    finally:
        store.dispose()


def svc_kinds() -> set[str]:
    from firstfile.domain.tracers import TRACER_KINDS

    return set(TRACER_KINDS) - {"document-canary"}


def test_two_processes_issuing_the_same_tracers_at_once_agree(samples: Store) -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_issue_many, args=(samples.url, who, 24)) for who in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(180)
    assert [w.exitcode for w in workers] == [0, 0]
    # One secret, one entry per distinct tracer (24 issues of 24 distinct tracers each, the
    # same 24 in both), one canary, and an audit row for each entry and for the secret alone.
    register = svc.list_tracers(samples, BMS)
    assert len(register) == 25 and len({t.code for t in register}) == 25
    assert counts(samples) == (25, 1)
    assert [r.entity for r in tracer_audit(samples)].count("tracer") == 25
    assert [r.entity for r in tracer_audit(samples)].count("tracer-secret") == 1
    assert all(svc.lookup_code(samples, t.code).authentic for t in register)


def test_the_secret_is_stored_once_and_a_second_store_says_it_stored_nothing(
    store: Store,
) -> None:
    first, second = b"1" * 32, b"2" * 32
    with store.write() as db:
        assert tq.ensure_tracer_secret(db=db, secret=first) == (first, True)
    with store.write() as db:
        assert tq.ensure_tracer_secret(db=db, secret=second) == (first, False)
    assert counts(store) == (0, 1)
