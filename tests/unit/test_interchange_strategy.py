"""The strategy inputs and the tracer register in `firstfile/1`: read, checked with their
lines, written back exactly; files written before they existed read as before."""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.domain.strategy_inputs import CompetitorPresence, Market
from firstfile.domain.strategy_record import CostIndex, RecordedStrategy
from firstfile.domain.tracers import Tracer
from firstfile.interchange.writer import dump_document
from tests.unit.interchange_cases import BASE, line_of, parse, problems

STRATEGY = """\
strategy:
  annual_revenue: 1200000
  currency: USD
  horizon_years: 8
  budget: 90000.5
  markets:
    - {code: US, revenue_share: 0.25}
    - {code: DE, revenue_share: 0.35}
    - {code: EP, revenue_share: 0.1}
  competitors:
    - {code: DE, competitor: Rival Motors}
  cost_indexes:
    - {code: VN, cost_index: 55, source: RFQ round 1}
    - {code: CN, cost_index: 60.5, source: RFQ round 1}
tracers:
  - {kind: pcb-mark, component: motor-fw, vendor: sz-pcba, issued_on: 2026-03-02,
     code: 2e2s-m73v-qstn-1}
  - kind: document-canary
    component: vendor-documents
    vendor: sz-pcba
    issued_on: 2026-03-05
    code: TXHP-HZBS-CTR2-~
"""
FULL = BASE + STRATEGY


def edit(old: str, new: str) -> str:
    assert FULL.count(old) == 1, old
    return FULL.replace(old, new)


def test_the_strategy_and_the_register_are_read_in_their_stored_order() -> None:
    doc = parse(FULL)
    assert doc.strategy == RecordedStrategy(
        engagement="acme-2026",
        annual_revenue=1_200_000,
        currency="USD",
        horizon_years=8,
        budget=90_000.5,
        markets=(Market("DE", 0.35), Market("EP", 0.1), Market("US", 0.25)),
        competitors=(CompetitorPresence("DE", "Rival Motors"),),
        cost_indexes=(CostIndex("CN", 60.5, "RFQ round 1"), CostIndex("VN", 55, "RFQ round 1")),
    )
    # A code typed in lower case is read in its printed form.
    assert doc.tracers == (
        Tracer(
            "acme-2026", "motor-fw", "sz-pcba", date(2026, 3, 2), "pcb-mark", "2E2S-M73V-QSTN-1"
        ),
        Tracer(
            "acme-2026",
            "vendor-documents",
            "sz-pcba",
            date(2026, 3, 5),
            "document-canary",
            "TXHP-HZBS-CTR2-~",
        ),
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_written_and_read_back_exactly(fmt: str) -> None:
    doc = parse(FULL)
    again = parse(dump_document(doc, fmt), f"again.{fmt}")
    assert again == doc and again.strategy == doc.strategy and again.tracers == doc.tracers
    assert dump_document(again, fmt) == dump_document(doc, fmt)


def test_a_file_from_before_reads_as_before_and_an_empty_strategy_says_so() -> None:
    old = parse(BASE)
    assert old.strategy is None and old.tracers == ()
    assert "strategy" not in dump_document(old) and "tracers" not in dump_document(old)
    empty = parse(BASE + "strategy: {}\n")
    assert empty.strategy == RecordedStrategy("acme-2026")
    assert "strategy: {}" in dump_document(empty)
    assert parse(dump_document(empty)) == empty


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "{code: US, revenue_share: 0.25}",
            "{code: UK, revenue_share: 0.25}",
            "code: UK",
            "strategy.markets[0].code: 'UK' is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            "{code: US, revenue_share: 0.25}",
            "{code: WO, revenue_share: 0.25}",
            "code: WO",
            "strategy.markets[0].code: WO is an international application",
        ),
        (
            "{code: EP, revenue_share: 0.1}",
            "{code: US, revenue_share: 0.1}",
            "US, revenue_share: 0.1",
            "strategy.markets[2].code: US is listed twice",
        ),
        (
            "revenue_share: 0.25",
            "revenue_share: 25",
            "revenue_share: 25",
            "strategy.markets[0].revenue_share: 25 is not a share from 0 to 1",
        ),
        (
            "revenue_share: 0.25",
            "revenue_share: 0.65",
            "  markets:",
            "strategy.markets: the revenue shares add up to 110%",
        ),
        (
            "currency: USD",
            "currency: usd",
            "currency: usd",
            "strategy.currency: 'usd' is not an ISO 4217 currency code",
        ),
        (
            "  currency: USD\n",
            "",
            "strategy:",
            "strategy.currency: is required with an annual revenue or a budget",
        ),
        (
            "horizon_years: 8",
            "horizon_years: 25",
            "horizon_years: 25",
            "strategy.horizon_years: 25 is out of range: use a number from 1 to 20",
        ),
        ("budget: 90000.5", "budget: -1", "budget: -1", "strategy.budget: -1 is negative"),
        (
            "competitor: Rival Motors}",
            "competitor: Nobody Inc}",
            "Nobody Inc",
            "strategy.competitors[0].competitor: 'Nobody Inc' is not a competitor of this file's "
            "vendors",
        ),
        (
            "{code: DE, competitor: Rival",
            "{code: EP, competitor: Rival",
            "code: EP, comp",
            "strategy.competitors[0].code: EP is a patent office, not a country",
        ),
        (
            "cost_index: 55,",
            "cost_index: 0,",
            "cost_index: 0,",
            "strategy.cost_indexes[0].cost_index: 0 is not above 0",
        ),
        (
            "cost_index: 55, source: RFQ round 1",
            "cost_index: 55, source: ''",
            "source: ''",
            "strategy.cost_indexes[0].source: must not be empty",
        ),
        (
            "{code: VN, cost",
            "{code: CN, cost",
            "cost_index: 60.5",
            "strategy.cost_indexes[1].code: CN is listed twice",
        ),
        (
            "code: 2e2s-m73v-qstn-1",
            "code: 2e2s-m73v-qstn-2",
            "qstn-2",
            "tracers[0].code: '2e2s-m73v-qstn-2' is not a tracer code: the check symbol does not "
            "match",
        ),
        (
            "code: TXHP-HZBS-CTR2-~",
            "code: 2E2S-M73V-QSTN-1",
            "    code: 2E2S",
            "tracers[1].code: 2E2S-M73V-QSTN-1 is given twice (also tracers[0])",
        ),
        (
            "vendor: sz-pcba, issued_on",
            "vendor: nobody, issued_on",
            "vendor: nobody",
            "tracers[0].vendor: unknown vendor 'nobody'",
        ),
        (
            "{kind: pcb-mark,",
            "{kind: sticker,",
            "kind: sticker",
            "tracers[0].kind: 'sticker' is not allowed",
        ),
        (
            "  - kind: document-canary\n",
            "  - kind: document-canary\n    secret: 00ff\n",
            "secret: 00ff",
            "tracers[1].secret: unknown key 'secret'",
        ),
    ],
)
def test_each_mistake_is_reported_on_its_line(
    old: str, new: str, marker: str, message: str
) -> None:
    text = edit(old, new)
    found = problems(text)
    assert any(f"acme.yaml:{line_of(text, marker)}: {message}" in p for p in found), found
