"""The risk data through `firstfile/1`: exported, imported into another database and exported
again it is the same file; imported twice it changes nothing; an older file takes nothing
away."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from firstfile.interchange import dump_document, parse_document
from firstfile.services import engagements as svc
from firstfile.services import risk, risk_safeguards, risk_sets
from firstfile.services.errors import ValidationFailed
from firstfile.services.importer import Policy, import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.services.risk_safeguards import ActionUpdate
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.integration.risk_fixtures import ENGAGEMENT as E
from tests.integration.risk_fixtures import ON, build
from tests.integration.test_risk_service import counts


@pytest.fixture
def example(store: Store) -> Store:
    """The worked example with one of everything the format carries."""
    build(store)
    risk.decide(store, E, "soc-estimator", "firewall", actor="ana", today=ON)
    risk.assign(store, E, "bms", "tamsui", actor="ana")
    risk.pin(store, E, "cal-fixture", "huaxin", actor="ana")
    risk_sets.create_critical_set(
        store,
        E,
        "cell-balancing",
        name="cell balancing",
        members=["afe-board", "balancing-fw", "cal-fixture"],
        reveals="bms",
        note="the balancing scheme",
        actor="ana",
    )
    risk_safeguards.record_safeguard(
        store,
        E,
        "huaxin",
        "field-of-business",
        ActionUpdate("done", evidence="NNN clause 9"),
        actor="ana",
        today=ON,
    )
    risk_safeguards.record_safeguard(
        store, E, "huaxin", "premium-rate", ActionUpdate("in-progress"), actor="ana"
    )
    risk_safeguards.record_tactic(
        store,
        E,
        "soc-estimator",
        "tamsui",
        "onshore-servers",
        ActionUpdate("done", evidence="soc.example runs it"),
        actor="ana",
        today=ON,
    )
    return store


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(str(tmp_path / "other.db"))
    yield opened
    opened.dispose()


def audits(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_risk_data_round_trips_exactly(example: Store, other: Store, fmt: str) -> None:
    exported = export_engagement(example, E)
    text = dump_document(exported, fmt)
    for field in (
        "parent: bms",
        "rationale",
        "assessor",
        "decision",
        "pinned",
        "actions",
        "safeguards",
        "critical_sets",
    ):
        assert field.split(":")[0] in text, field
    doc = parse_document(text, f"bms.{fmt}")
    assert doc == exported
    import_document(other, doc, actor="importer")
    assert dump_document(export_engagement(other, E), fmt) == text
    # The analysis reads the same picture from both databases.
    assert risk.assessment(other, E).as_json() == risk.assessment(example, E).as_json()
    # The checklist term came in as the checklist item, the premium rate on its own.
    lines = {line.item.id: line.state for line in svc.vendor_checklist(other, E, "huaxin").lines}
    assert (lines["field-of-business"].status, lines["field-of-business"].evidence) == (
        "done",
        "NNN clause 9",
    )


def test_importing_the_export_again_changes_nothing(example: Store) -> None:
    doc = parse_document(dump_document(export_engagement(example, E)), "bms.yaml")
    before = (counts(example), audits(example))
    report = import_document(example, doc, actor="importer")
    assert not report.changed, report.summary()
    assert (counts(example), audits(example)) == before


def test_an_older_file_takes_nothing_away(example: Store) -> None:
    exported = export_engagement(example, E)
    bare = replace(
        exported,
        vendors=tuple(replace(v, safeguards=()) for v in exported.vendors),
        components=tuple(
            replace(
                c,
                parent="",
                value_add_reason="",
                differentiation_reason="",
                reverse_engineering_difficulty_reason="",
                assessor="",
                assessed_on=None,
                decision=None,
                pinned=(),
                actions=(),
            )
            for c in exported.components
        ),
        critical_sets=(),
    )
    picture = risk.assessment(example, E).as_json()
    report = import_document(example, bare, actor="importer")
    assert not report.changed, report.summary()
    assert risk.assessment(example, E).as_json() == picture


def test_a_score_changed_by_a_file_loses_its_old_reason(example: Store) -> None:
    exported = export_engagement(example, E)
    changed = replace(
        exported,
        components=tuple(
            replace(c, value_add=5, value_add_reason="", assessor="", assessed_on=None)
            if c.key == "afe-board"
            else c
            for c in exported.components
        ),
    )
    # A new score is a conflict with the stored one; counsel's --overwrite writes it.
    import_document(example, changed, actor="importer", policy=Policy.OVERWRITE)
    afe = risk.assessment(example, E).component("afe-board").assessment
    # The reason was for 3, not 5; the reasons of unchanged scores stay, and who assessed the
    # new score is not known.
    assert (afe.value_add.value, afe.value_add.rationale) == (5, "")
    assert afe.differentiation.rationale == "afe-board: differentiation"
    assert (afe.assessor, afe.assessed_on) == ("", None)


def test_parents_that_loop_with_the_stored_ones_are_refused(example: Store) -> None:
    # Stored: afe-board under bms. The file hangs bms under afe-board and leaves afe-board's
    # parent out, so together they would loop.
    exported = export_engagement(example, E)
    looping = replace(
        exported,
        components=tuple(
            replace(c, parent="afe-board")
            if c.key == "bms"
            else replace(c, parent="")
            if c.key == "afe-board"
            else c
            for c in exported.components
        ),
    )
    before = (counts(example), audits(example))
    with pytest.raises(ValidationFailed, match="its own ancestor"):
        import_document(example, looping, actor="importer")
    assert (counts(example), audits(example)) == before


def test_a_decision_from_a_file_is_audited(example: Store) -> None:
    exported = export_engagement(example, E)
    decided = replace(
        exported,
        components=tuple(
            replace(
                c,
                decision=replace(
                    c.decision, reason="kept for the tuning tables", decided_on=date(2026, 6, 1)
                ),
            )
            if c.key == "soc-estimator" and c.decision
            else c
            for c in exported.components
        ),
    )
    report = import_document(example, decided, actor="importer")
    assert report.outcomes["decision updated"] == 1
    with example.read() as db:
        last = (
            db.execute(
                select(AuditEvent)
                .where(AuditEvent.entity_key == f"{E}/soc-estimator")
                .order_by(AuditEvent.id.desc())
            )
            .scalars()
            .first()
        )  # type: ignore[union-attr]
    assert (last is not None and last.actor_name == "importer"
            and "kept for the tuning" in last.changes)
