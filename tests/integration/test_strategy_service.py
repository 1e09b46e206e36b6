"""The filing strategy on real databases: recording its inputs (audited, bad input writing
nothing) and computing it from what is recorded, against the worked example of docs/RISK.md.

The worked example's table (tests/unit/strategy_samples.py) is put in a user template folder;
the engagement is made so that its vendor sees exactly half its knowledge (x = 0.5): two
components scored alike, one assigned to the vendor.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from firstfile.domain.strategy_inputs import CompetitorPresence, Market
from firstfile.domain.strategy_record import CostIndex, RecordedStrategy
from firstfile.domain.what_if import BUDGET, ENFORCEABILITY, Change
from firstfile.interchange.reader import parse_document
from firstfile.services import strategy as svc
from firstfile.services.errors import NotFound, UserError, ValidationFailed
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    AuditEvent,
    EngagementStrategy,
    OutsourcingCostIndex,
    StrategyCompetitor,
    StrategyMarket,
)
from tests.integration.test_engagement_service import audit_rows, import_samples
from tests.unit.strategy_samples import TABLE_TEXT

EXAMPLE = "example"
BMS = "bms48-shenzhen"
AS_OF = date(2026, 6, 2)

ENGAGEMENT = """\
format: firstfile/1
engagement: {key: example, name: Worked example, product: Example product}
vendors:
  - {key: huaxin, name: Huaxin PCBA, kind: contract-manufacturer, country: CN,
     competitors: [VoltCore Mobility]}
people:
  - {key: ana, name: Ana Example}
components:
  - {key: board, name: Main board, value_add: 3, differentiation: 3,
     reverse_engineering_difficulty: 3, vendors: [huaxin]}
  - {key: model, name: Calibration model, value_add: 3, differentiation: 3,
     reverse_engineering_difficulty: 3}
disclosures:
  - key: FF-2026-0001
    title: Self-calibrating sense amplifier
    summary: Calibrates itself at power-up.
    submitter: ana
    inventors: [{person: ana, contribution: 100}]
    events:
      - {kind: public-disclosure, date: 2026-01-10, jurisdiction: US, reference: Trade show}
"""

EXAMPLE_CHANGES = svc.StrategyChanges(
    annual_revenue=200_000,
    currency="USD",
    horizon_years=5,
    markets=(Market("US", 0.5), Market("DE", 0.2), Market("JP", 0.1), Market("TW", 0.1)),
    competitors=(CompetitorPresence("VN", "VoltCore Mobility"),),
)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "jurisdictions.yaml").write_text(TABLE_TEXT)
    return folder


@pytest.fixture
def example(store: Store) -> Store:
    import_document(store, parse_document(ENGAGEMENT, "example.yaml"), actor="seed")
    return store


def stored_rows(store: Store) -> tuple[int, ...]:
    with store.read() as db:
        return tuple(
            int(db.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (
                EngagementStrategy,
                StrategyMarket,
                StrategyCompetitor,
                OutsourcingCostIndex,
            )
        )


def audit_count(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_recording_the_inputs_writes_one_audit_record_with_what_changed(
    example: Store, templates: Path
) -> None:
    assert svc.recorded_inputs(example, EXAMPLE).is_empty
    recorded = svc.record_strategy_inputs(
        example, EXAMPLE, EXAMPLE_CHANGES, actor="maria", templates_dir=templates
    )
    # Lists come back in their stored order: markets by code.
    assert [m.code for m in recorded.markets] == ["DE", "JP", "TW", "US"]
    assert svc.recorded_inputs(example, EXAMPLE) == recorded
    rows = audit_rows(example, "strategy", EXAMPLE)
    assert [(r.action, r.actor_name) for r in rows] == [("update", "maria")]
    changes = json.loads(rows[0].changes)
    assert changes["annual_revenue"] == [0.0, 200_000]
    assert changes["horizon_years"] == [10, 5]
    assert changes["markets"][1][0] == {"code": "DE", "revenue_share": 0.2}
    assert changes["competitors"] == [[], [{"code": "VN", "competitor": "VoltCore Mobility"}]]
    # The same inputs again change nothing and write nothing.
    before = audit_count(example)
    svc.record_strategy_inputs(
        example, EXAMPLE, EXAMPLE_CHANGES, actor="maria", templates_dir=templates
    )
    assert audit_count(example) == before
    # A later change writes only what moved; a list given replaces the recorded one.
    svc.record_strategy_inputs(
        example,
        EXAMPLE,
        svc.StrategyChanges(markets=(Market("us", 0.6),), budget=150_000),
        actor="raj",
        templates_dir=templates,
    )
    latest = json.loads(audit_rows(example, "strategy", EXAMPLE)[-1].changes)
    assert set(latest) == {"markets", "budget"} and latest["budget"] == [None, 150_000]
    assert svc.recorded_inputs(example, EXAMPLE).markets == (Market("US", 0.6),)
    assert stored_rows(example) == (1, 1, 1, 0)


def test_the_strategy_is_the_worked_example(example: Store, templates: Path) -> None:
    svc.record_strategy_inputs(
        example, EXAMPLE, EXAMPLE_CHANGES, actor="m", templates_dir=templates
    )
    report = svc.compute_strategy(example, EXAMPLE, templates_dir=templates, as_of=AS_OF)
    # x: the vendor sees one of two components scored alike.
    assert report.exposure.combined == pytest.approx(0.5)
    assert dict(report.exposure.by_vendor) == {"huaxin": pytest.approx(0.5)}
    strategy = report.strategy
    us, de, jp, cn = (strategy.get(code) for code in ("US", "DE", "JP", "CN"))
    assert us and de and jp and cn
    # US: 200,000 * 5 * 0.5 * 0.5 * 0.90 = 225,000 for 50,000; DE: 80,000 for 60,000.
    assert us.protected_value == pytest.approx(225_000) and us.cost == pytest.approx(50_000)
    assert de.protected_value == pytest.approx(80_000) and de.cost == pytest.approx(60_000)
    assert jp.verdict == "skip" and cn.required and cn.made_by == ("Huaxin PCBA",)
    assert strategy.recommended == ("CN", "US", "DE")
    assert strategy.recommended_value == pytest.approx(305_000)
    assert strategy.recommended_cost == pytest.approx(150_000)
    vn = strategy.get("VN")
    assert vn and vn.competitors == ("VoltCore Mobility",) and vn.verdict == "skip"
    # The deadline engine's rows sit next to their country: the trade-show talk before any
    # filing has cost CN its novelty; the US grace year is still running (to 2027-01-10, a
    # Sunday, so the next working day).
    cn_rows = report.deadlines_for("CN")
    assert [(r.disclosure, r.rule, r.state) for r in cn_rows] == [
        ("FF-2026-0001", "cn-absolute-novelty", "lost")
    ]
    assert [(r.rule, r.due) for r in report.deadlines_for("US")] == [
        ("us-grace-period", date(2027, 1, 11))
    ]
    assert report.deadlines_for("JP") == ()
    data = report.as_json()
    assert data["strategy"]["recommended"] == ["CN", "US", "DE"]
    cn_json = next(c for c in data["strategy"]["countries"] if c["code"] == "CN")
    assert cn_json["deadlines"][0]["state"] == "lost"
    assert data["table"]["source"].endswith("templates/jurisdictions.yaml")
    json.dumps(data)  # every value is JSON


def test_horizon_budget_and_what_if_for_one_computation(example: Store, templates: Path) -> None:
    svc.record_strategy_inputs(
        example, EXAMPLE, EXAMPLE_CHANGES, actor="m", templates_dir=templates
    )
    before = audit_count(example)
    budgeted = svc.compute_strategy(
        example, EXAMPLE, templates_dir=templates, budget=120_000, as_of=AS_OF
    ).strategy.budgeted
    # CN takes 40,000 of 120,000; US (50,000) beats DE (60,000) for the 80,000 left.
    assert budgeted and budgeted.codes == ("CN", "US") and budgeted.left_out == ("DE",)
    with pytest.raises(UserError, match="a budget of 80,000 USD buys nothing beyond"):
        svc.compute_strategy(example, EXAMPLE, templates_dir=templates, budget=80_000)
    longer = svc.compute_strategy(example, EXAMPLE, templates_dir=templates, horizon_years=20)
    assert "JP" in longer.strategy.recommended
    moved = svc.compute_strategy(
        example, EXAMPLE, templates_dir=templates, change=Change(ENFORCEABILITY, 40, "DE")
    ).what_if
    assert moved and moved.removed == ("DE",) and moved.summary[1] == "DE leaves the filing set."
    budget_if = svc.compute_strategy(
        example, EXAMPLE, templates_dir=templates, change=Change(BUDGET, 120_000)
    ).what_if
    assert budget_if and budget_if.removed == ("DE",)
    with pytest.raises(UserError, match="KR is not a country this strategy weighs"):
        svc.compute_strategy(
            example, EXAMPLE, templates_dir=templates, change=Change(ENFORCEABILITY, 40, "KR")
        )
    with pytest.raises(UserError, match="outside the table's scale"):
        svc.compute_strategy(
            example, EXAMPLE, templates_dir=templates, change=Change(ENFORCEABILITY, 140, "DE")
        )
    with pytest.raises(UserError, match="the horizon must be 1 to 20 years"):
        svc.compute_strategy(example, EXAMPLE, templates_dir=templates, horizon_years=30)
    # Computing writes nothing.
    assert audit_count(example) == before
    assert svc.recorded_inputs(example, EXAMPLE).horizon_years == 5


def test_where_to_outsource_from_the_recorded_cost_indexes(example: Store, templates: Path) -> None:
    indexes = tuple(
        CostIndex(code, index, "RFQ round 1, March 2026")
        for code, index in (("VN", 55), ("CN", 60), ("MX", 80), ("DE", 150), ("TH", 85))
    )
    svc.record_strategy_inputs(
        example,
        EXAMPLE,
        svc.StrategyChanges(cost_indexes=indexes),
        actor="m",
        templates_dir=templates,
    )
    report = svc.compute_strategy(example, EXAMPLE, templates_dir=templates)
    assert report.outsourcing is not None
    # The worked example: CN 0.458, VN 0.450, MX 0.413, DE 0.293 unbeaten; TH beaten by MX.
    assert [o.code for o in report.outsourcing.options] == ["CN", "VN", "MX", "DE", "TH"]
    th = report.outsourcing.options[-1]
    assert th.dominated_by == ("MX",) and not th.frontier


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (svc.StrategyChanges(markets=(Market("UK", 0.3),)), "the United Kingdom is GB"),
        (svc.StrategyChanges(markets=(Market("US", 1.2),)), "revenue share must be from 0 to 1"),
        (svc.StrategyChanges(markets=(Market("US", 0.7), Market("DE", 0.6))), "add up to 130%"),
        (svc.StrategyChanges(markets=(Market("WO", 0.3),)), "WO is an international application"),
        (svc.StrategyChanges(annual_revenue=-5, currency="USD"), "cannot be negative"),
        (svc.StrategyChanges(annual_revenue=5, currency="CHF"), "no exchange rate for CHF"),
        (svc.StrategyChanges(annual_revenue=5), "give the currency"),
        (svc.StrategyChanges(horizon_years=25), "the horizon must be 1 to 20 years"),
        (
            svc.StrategyChanges(competitors=(CompetitorPresence("DE", "Acme Rival"),)),
            "no vendor of this engagement is recorded as serving it",
        ),
        (
            svc.StrategyChanges(competitors=(CompetitorPresence("EP", "VoltCore Mobility"),)),
            "EP is a patent office, not a country",
        ),
        (
            svc.StrategyChanges(cost_indexes=(CostIndex("CN", -5, "RFQ"),)),
            "the cost index must be above 0",
        ),
        (svc.StrategyChanges(cost_indexes=(CostIndex("CN", 60, " "),)), "give its source"),
        (svc.StrategyChanges(cost_indexes=(CostIndex("EP", 60, "RFQ"),)), "a patent office"),
        (svc.StrategyChanges(annual_revenue=float("nan"), currency="USD"), "must be a number"),
    ],
)
def test_bad_input_is_refused_whole_and_nothing_is_written(
    example: Store, templates: Path, changes: svc.StrategyChanges, message: str
) -> None:
    before = audit_count(example)
    with pytest.raises(ValidationFailed) as refused:
        svc.record_strategy_inputs(example, EXAMPLE, changes, actor="m", templates_dir=templates)
    assert message in str(refused.value)
    assert stored_rows(example) == (0, 0, 0, 0) and audit_count(example) == before


def test_a_budget_that_buys_nothing_is_refused_with_what_it_would_take(
    example: Store, templates: Path
) -> None:
    svc.record_strategy_inputs(
        example, EXAMPLE, EXAMPLE_CHANGES, actor="m", templates_dir=templates
    )
    before = audit_count(example)
    with pytest.raises(ValidationFailed, match="already cost 40,000 USD") as refused:
        svc.record_strategy_inputs(
            example, EXAMPLE, svc.StrategyChanges(budget=30_000), actor="m", templates_dir=templates
        )
    assert "raise the budget to at least that" in str(refused.value)
    assert audit_count(example) == before
    assert svc.recorded_inputs(example, EXAMPLE).budget is None


def test_with_the_shipped_table_costs_are_unknown_and_counsel_is_told_what_to_enter(
    store: Store,
) -> None:
    import_samples(store)
    svc.record_strategy_inputs(
        store,
        BMS,
        svc.StrategyChanges(
            annual_revenue=1_000_000,
            currency="USD",
            markets=(Market("DE", 0.4), Market("US", 0.3)),
            competitors=(CompetitorPresence("DE", "Pedalion GmbH"),),
        ),
        actor="m",
    )
    report = svc.compute_strategy(store, BMS)
    strategy = report.strategy
    # Made in CN (Huaxin, the test house), designed in TW (Tamsui): both recommended; no
    # cost anywhere, so nothing else can be weighed, and nothing is guessed.
    assert strategy.recommended == ("CN", "TW") and strategy.unpriced == ("CN", "TW")
    assert {c.code: c.verdict for c in strategy.countries} == {
        "CN": "file",
        "TW": "file",
        "DE": "unknown",
        "US": "unknown",
    }
    assert all(c.cost is None for c in strategy.countries)
    de = strategy.get("DE")
    assert de and de.protected_value and de.protected_value > 0
    notes = "\n".join(report.notes)
    assert "no 10-year cost for CN, TW, DE, US" in notes and "never guesses" in notes
    assert "no cited enforceability score for CN, TW" in notes
    assert "Where to outsource: enter a manufacturing-cost index" in notes
    with pytest.raises(
        ValidationFailed,
        match="cannot be weighed: the jurisdiction table has no 10-year cost for any country",
    ):
        svc.record_strategy_inputs(store, BMS, svc.StrategyChanges(budget=50_000), actor="m")


def test_a_broken_user_table_is_reported_and_the_shipped_one_used(
    example: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "jurisdictions.yaml").write_text(TABLE_TEXT.replace("score: 90", "score: 190"))
    report = svc.compute_strategy(example, EXAMPLE, templates_dir=folder)
    assert report.table_source.endswith("templates/jurisdictions.yaml")
    assert any("190 is outside the table's scale" in p for p in report.table_problems)


def test_unknown_engagement_and_nothing_recorded(example: Store) -> None:
    with pytest.raises(NotFound, match="no engagement 'nope'"):
        svc.compute_strategy(example, "nope")
    report = svc.compute_strategy(example, EXAMPLE)
    assert report.inputs == RecordedStrategy(EXAMPLE)
    assert report.strategy.recommended == ("CN",)
    assert report.strategy.currency == "USD"  # the table's base until one is recorded
    assert any(note.startswith("No markets recorded") for note in report.notes)


def test_a_table_edited_between_two_computations_is_read_again(
    example: Store, templates: Path
) -> None:
    svc.record_strategy_inputs(example, EXAMPLE, EXAMPLE_CHANGES, actor="m",
                               templates_dir=templates)
    first = svc.compute_strategy(example, EXAMPLE, templates_dir=templates).strategy.get("US")
    assert first and first.cost == pytest.approx(50_000)
    table = templates / "jurisdictions.yaml"
    table.write_text(table.read_text().replace("amount: 50000", "amount: 500000"))
    second = svc.compute_strategy(example, EXAMPLE, templates_dir=templates).strategy.get("US")
    assert second and second.cost == pytest.approx(500_000) and second.verdict == "skip"
