"""The strategy inputs and the tracer register travel in `firstfile/1`: exported, imported into
a fresh database and exported again unchanged; imports idempotent and audited; a register entry
never rewritten by a file; files without them leave what is recorded alone."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from firstfile.domain.strategy_record import CostIndex
from firstfile.domain.tracers import ALTERED
from firstfile.interchange.reader import parse_document, read_document
from firstfile.interchange.writer import dump_document
from firstfile.resources import sample_sessions
from firstfile.services import engagements as engagement_svc
from firstfile.services import strategy as strategy_svc
from firstfile.services import tracers as tracer_svc
from firstfile.services.importer import ImportRefused, Policy, import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.integration.test_engagement_service import import_samples

BMS = "bms48-shenzhen"
DAY = date(2026, 3, 2)
BMS_FILE = sample_sessions() / "bms-shenzhen.yaml"


@pytest.fixture
def recorded(store: Store) -> Store:
    """The samples, with a cost index, two tracers and a document canary on the BMS engagement."""
    import_samples(store)
    strategy_svc.record_strategy_inputs(
        store,
        BMS,
        strategy_svc.StrategyChanges(
            set_cost_indexes=(CostIndex("VN", 55, "RFQ round 1, March 2026"),)
        ),
        actor="m",
    )
    tracer_svc.issue_tracers(
        store,
        BMS,
        "afe-board",
        ["huaxin-pcba", "tamsui-embedded"],
        kind="pcb-mark",
        actor="m",
        today=DAY,
    )
    engagement_svc.vendor_checklist_document(store, BMS, "gd-battery-lab", actor="m", today=DAY)
    return store


def audit_of(store: Store, entities: tuple[str, ...]) -> list[AuditEvent]:
    with store.read() as db:
        return list(
            db.execute(
                select(AuditEvent)
                .where(AuditEvent.entity.in_(entities))  # type: ignore[attr-defined]
                .order_by(AuditEvent.id)  # type: ignore[arg-type]
            ).scalars()
        )


def test_the_sample_carries_strategy_inputs_and_the_demo_shows_a_recommended_set(
    store: Store,
) -> None:
    import_samples(store)
    inputs = strategy_svc.recorded_inputs(store, BMS)
    assert {m.code for m in inputs.markets} == {"DE", "NL", "FR", "US", "JP"}
    assert inputs.cost_indexes == ()  # the sample invents no index
    report = strategy_svc.compute_strategy(store, BMS)
    assert report.strategy.recommended == ("CN", "TW")
    assert all(c.cost is None for c in report.strategy.countries)  # and no cost
    rows = audit_of(store, ("strategy",))
    assert [(r.action, r.actor_name) for r in rows] == [("import", "seed")]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_exported_imported_into_a_fresh_database_and_exported_again_unchanged(
    recorded: Store, tmp_path: Path, fmt: str
) -> None:
    exported = export_engagement(recorded, BMS)
    assert exported.strategy == strategy_svc.recorded_inputs(recorded, BMS)
    register = tracer_svc.list_tracers(recorded, BMS)
    assert exported.tracers == tuple(register) and len(register) == 3
    text = dump_document(exported, fmt)
    fresh = open_store(str(tmp_path / "fresh.db"))
    try:
        report = import_document(fresh, parse_document(text, f"bms.{fmt}"), actor="importer")
        assert report.outcomes["strategy created"] == 1 and report.outcomes["tracer created"] == 3
        again = export_engagement(fresh, BMS)
        assert again.strategy == exported.strategy and again.tracers == exported.tracers
        assert dump_document(again, fmt) == text
        assert [(r.entity, r.action) for r in audit_of(fresh, ("strategy", "tracer"))] == [
            ("strategy", "import"),
            ("tracer", "import"),
            ("tracer", "import"),
            ("tracer", "import"),
        ]
        first = json.loads(audit_of(fresh, ("tracer",))[0].changes)
        assert first["code"] == [None, register[0].code]
        # The codes came without the secret they were derived with: the fresh database
        # cannot vouch for them, and says so, while the one that issued them can.
        found = tracer_svc.lookup_code(fresh, register[0].code)
        assert found.status == ALTERED and "cannot be checked here" in found.message
        assert tracer_svc.lookup_code(recorded, register[0].code).authentic
        # Importing the same file again changes nothing and writes nothing.
        count = len(audit_of(fresh, ("strategy", "tracer", "tracer-secret")))
        assert not import_document(
            fresh, parse_document(text, f"bms.{fmt}"), actor="importer"
        ).changed
        assert len(audit_of(fresh, ("strategy", "tracer", "tracer-secret"))) == count
    finally:
        fresh.dispose()
    # Into the database it came from: nothing changes either.
    assert not import_document(recorded, parse_document(text, f"bms.{fmt}"), actor="m").changed


def test_a_file_never_rewrites_a_register_entry(recorded: Store) -> None:
    text = dump_document(export_engagement(recorded, BMS))
    huaxin = next(t for t in tracer_svc.list_tracers(recorded, BMS) if t.vendor == "huaxin-pcba")
    entry = f"  vendor: huaxin-pcba\n  issued_on: {DAY.isoformat()}\n  code: {huaxin.code}"
    assert entry in text
    forged = text.replace(entry, entry.replace("huaxin-pcba", "gd-battery-lab"))
    before = len(audit_of(recorded, ("strategy", "tracer")))
    # Refused before anything is written, even with --overwrite: the register is evidence.
    with pytest.raises(
        ImportRefused,
        # A code's check character may be $, *, = or ~: matched as text, not as a pattern.
        match=re.escape(f"{huaxin.code}: the register already holds it for vendor huaxin-pcba"),
    ):
        import_document(recorded, parse_document(forged, "forged.yaml"), actor="m",
                        policy=Policy.OVERWRITE)
    assert len(audit_of(recorded, ("strategy", "tracer"))) == before
    assert tracer_svc.lookup_code(recorded, huaxin.code).tracer == huaxin


def test_a_file_without_them_leaves_the_recorded_inputs_alone(recorded: Store) -> None:
    before = strategy_svc.recorded_inputs(recorded, BMS)
    text = BMS_FILE.read_text(encoding="utf-8")
    old_style = text[: text.index("\n# Where to file")] + "\n"
    doc = parse_document(old_style, "old.yaml")
    assert doc.strategy is None and doc.tracers == ()
    import_document(recorded, doc, actor="m")
    assert strategy_svc.recorded_inputs(recorded, BMS) == before
    assert len(tracer_svc.list_tracers(recorded, BMS)) == 3
    # The sample itself records other inputs: a conflict, which --overwrite settles by
    # putting the file's back (the cost index goes), audited as an overwrite.
    with pytest.raises(ImportRefused, match="the database records other inputs"):
        import_document(recorded, read_document(BMS_FILE), actor="m")
    import_document(recorded, read_document(BMS_FILE), actor="m", policy=Policy.OVERWRITE)
    assert strategy_svc.recorded_inputs(recorded, BMS).cost_indexes == ()
    assert audit_of(recorded, ("strategy",))[-1].action == "overwrite"


def test_a_vendor_taken_off_the_engagement_travels_with_its_tracers(
    recorded: Store, tmp_path: Path
) -> None:
    engagement_svc.detach_vendor(recorded, BMS, "gd-battery-lab", actor="m")
    exported = export_engagement(recorded, BMS)
    assert "gd-battery-lab" in {v.key for v in exported.vendors}
    doc = parse_document(dump_document(exported), "bms.yaml")
    fresh = open_store(str(tmp_path / "fresh.db"))
    try:
        import_document(fresh, doc, actor="importer")
        assert {t.vendor for t in tracer_svc.list_tracers(fresh, BMS)} == {
            "huaxin-pcba",
            "tamsui-embedded",
            "gd-battery-lab",
        }
    finally:
        fresh.dispose()
