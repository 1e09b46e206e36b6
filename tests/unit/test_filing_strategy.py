"""The filing strategy against the worked example of docs/RISK.md, figures checked by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from firstfile.analysis.budget_solver import solve_knapsack
from firstfile.domain.deadlines import compute_deadlines
from firstfile.domain.filing_strategy import (
    FILE,
    SKIP,
    UNKNOWN,
    assess,
    deadlines_by_country,
    filing_cost,
)
from firstfile.domain.strategy_inputs import (
    CompetitorPresence,
    Market,
    Site,
    StrategyInputError,
    VendorSite,
    sites_from_vendors,
)
from firstfile.domain.views import EventView
from firstfile.domain.what_if import BUDGET, ENFORCEABILITY, HORIZON, Change, what_if
from tests.unit.strategy_samples import EXAMPLE_INPUTS, example_table

TABLE = example_table()


def test_the_worked_example_by_hand() -> None:
    strategy = assess(EXAMPLE_INPUTS, TABLE)
    # R * H = 200,000 * 5 = 1,000,000. A 5-year horizon is charged the whole 10-year cost.
    us = strategy.get("US")
    de = strategy.get("DE")
    jp = strategy.get("JP")
    cn = strategy.get("CN")
    assert us and de and jp and cn
    # US: 1,000,000 * 0.5 * 0.5 * 0.90 = 225,000 for 50,000: 4.5x
    assert us.protected_value == pytest.approx(225_000) and us.cost == pytest.approx(50_000)
    assert us.value_per_cost == pytest.approx(4.5) and us.verdict == FILE and us.rank == 1
    # DE: 1,000,000 * 0.2 * 0.5 * 0.80 = 80,000 for 48,000 EUR / 0.8 = 60,000 USD: 1.33x
    assert de.protected_value == pytest.approx(80_000) and de.cost == pytest.approx(60_000)
    assert de.verdict == FILE and de.rank == 2
    # JP: 1,000,000 * 0.1 * 0.5 * 0.80 = 40,000 for 70,000: 0.57x, costs more than it protects
    assert jp.protected_value == pytest.approx(40_000) and jp.verdict == SKIP and jp.rank == 3
    # CN: made there, so filed whatever it earns: no sales there, value 0, cost 40,000.
    assert cn.required and cn.verdict == FILE and cn.protected_value == 0 and cn.rank is None
    assert cn.made_by == ("Huaxin PCBA",) and "cn-confidentiality-exam" in cn.deadline_rules
    assert cn.grace_months == 0
    assert strategy.recommended == ("CN", "US", "DE")
    # 0 + 225,000 + 80,000 = 305,000 protected for 40,000 + 50,000 + 60,000 = 150,000.
    assert strategy.recommended_value == pytest.approx(305_000)
    assert strategy.recommended_cost == pytest.approx(150_000)
    assert strategy.unpriced == ()
    assert [c.code for c in strategy.countries] == ["CN", "US", "DE", "JP", "VN", "TW"]


def test_every_country_has_its_reason_in_words() -> None:
    strategy = assess(EXAMPLE_INPUTS, TABLE)
    reasons = {c.code: c.reason for c in strategy.countries}
    assert reasons["CN"].startswith("File: where the product is made or designed")
    assert "Made here by Huaxin PCBA." in reasons["CN"]
    assert reasons["US"] == (
        "File: protects more than it costs. Sold here (50% of revenue). "
        "Protects 225,000 USD over 5 years for 50,000 USD (4.5x)."
    )
    assert reasons["JP"].startswith("Skip: costs more than it protects.")
    # TW has a cost but no cited score: it is not weighed, and the missing value is named.
    tw = strategy.get("TW")
    assert tw and tw.verdict == UNKNOWN and tw.protected_value is None
    assert reasons["TW"].startswith(
        "Cannot be weighed: the table has no cited enforceability score for TW: ask counsel."
    )
    # VN: only a competitor there; no revenue, so the formula gives it nothing, and says so.
    assert "Competitor VoltCore Mobility (served by a vendor) operates here." in reasons["VN"]
    assert reasons["VN"].startswith("Skip on cost-benefit: no revenue recorded here")


def test_a_country_missing_from_the_table_is_named_not_guessed() -> None:
    inputs = replace(EXAMPLE_INPUTS, markets=(*EXAMPLE_INPUTS.markets, Market("KR", 0.05)))
    kr = assess(inputs, TABLE).get("KR")
    assert kr and kr.verdict == UNKNOWN
    assert "KR is not in the jurisdiction table: ask counsel to add its row" in kr.reason


def test_the_cost_over_a_horizon() -> None:
    # Up to 10 years: the whole 10-year figure; 15 years: 1.5 times; 20 years: twice.
    assert filing_cost(50_000, 3) == 50_000
    assert filing_cost(50_000, 10) == 50_000
    assert filing_cost(50_000, 15) == pytest.approx(75_000)
    assert filing_cost(50_000, 20) == pytest.approx(100_000)


def test_what_if_a_countrys_enforceability_falls() -> None:
    change = Change(ENFORCEABILITY, 40, "DE")
    result = what_if(EXAMPLE_INPUTS, TABLE, change)
    # DE at 40: 1,000,000 * 0.2 * 0.5 * 0.40 = 40,000 for 60,000: it leaves the set.
    assert result.removed == ("DE",) and result.added == ()
    assert [(c.code, c.verdict_before, c.verdict_after) for c in result.countries] == [
        ("DE", FILE, SKIP)
    ]
    assert result.countries[0].value_after == pytest.approx(40_000)
    assert result.summary == (
        "With the enforceability of DE set to 40:",
        "DE leaves the filing set.",
        "It protects 225,000 USD (was 305,000) for 90,000 USD (was 150,000).",
    )
    after_de = result.after.get("DE")
    assert after_de and after_de.enforceability_source == "entered for this strategy"


def test_what_if_the_horizon_grows() -> None:
    result = what_if(EXAMPLE_INPUTS, TABLE, Change(HORIZON, 20))
    # R * H = 4,000,000; costs are charged twice the 10-year figure.
    # JP: 4,000,000 * 0.1 * 0.5 * 0.8 = 160,000 for 140,000: it joins.
    jp = result.after.get("JP")
    assert jp and jp.protected_value == pytest.approx(160_000)
    assert jp.cost == pytest.approx(140_000)
    assert result.added == ("JP",) and result.removed == ()
    # Every priced country's cost doubled (TW's too, though it still cannot be weighed).
    assert {c.code for c in result.countries} == {"CN", "US", "DE", "JP", "TW"}


def test_what_if_a_budget_is_set_and_what_it_buys() -> None:
    # CN (required) costs 40,000; 120,000 leaves 80,000: US (50,000) or DE (60,000), not
    # both; US protects more (225,000 against 80,000).
    result = what_if(EXAMPLE_INPUTS, TABLE, Change(BUDGET, 120_000), solve=solve_knapsack)
    budgeted = result.after.budgeted
    assert budgeted and budgeted.codes == ("CN", "US") and budgeted.left_out == ("DE",)
    assert budgeted.cost == pytest.approx(90_000) and budgeted.message == ""
    assert result.removed == ("DE",)
    assert result.after.as_json()["filing_set"] == ["CN", "US"]


def test_a_budget_that_buys_nothing_says_why() -> None:
    below_required = assess(replace(EXAMPLE_INPUTS, budget=30_000), TABLE, solve=solve_knapsack)
    assert below_required.budgeted and below_required.budgeted.chosen == ()
    assert below_required.budgeted.message == (
        "a budget of 30,000 USD buys nothing: the countries where the product is made or "
        "designed (CN) already cost 40,000 USD; raise the budget to at least that"
    )
    # 80,000 - 40,000 = 40,000 left; the cheapest recommended country, US, costs 50,000.
    too_small = assess(replace(EXAMPLE_INPUTS, budget=80_000), TABLE, solve=solve_knapsack)
    assert too_small.budgeted and too_small.budgeted.chosen == ()
    assert too_small.budgeted.message.endswith(
        "40,000 USD is left after them, and the cheapest recommended country, US, costs 50,000 USD"
    )
    enough = assess(replace(EXAMPLE_INPUTS, budget=1_000_000), TABLE, solve=solve_knapsack)
    assert enough.budgeted and enough.budgeted.codes == enough.recommended


def test_a_budget_needs_a_solver() -> None:
    with pytest.raises(ValueError, match="needs a solver"):
        assess(replace(EXAMPLE_INPUTS, budget=100), TABLE)


def test_bad_inputs_are_refused_with_every_problem_named() -> None:
    inputs = replace(
        EXAMPLE_INPUTS,
        currency="JPY",
        horizon_years=25,
        exposure=1.5,
        budget=-1,
        markets=(Market("US", 0.7), Market("UK", 0.2), Market("US", 0.3), Market("WO", 0)),
        sites=(Site("CN", "assembled", "Huaxin PCBA"), Site("EP", "made", "Nobody GmbH")),
        competitors=(CompetitorPresence("ZZ", "Nobody"),),
        enforceability_scores=(("DE", 120),),
    )
    with pytest.raises(StrategyInputError) as caught:
        assess(inputs, TABLE)
    problems = caught.value.problems
    assert problems[:4] == (
        "the jurisdiction table has no exchange rate for JPY: add one to its rates, or give "
        "the revenue in USD",
        "the horizon must be 1 to 20 years (a patent lasts 20 years from filing), not 25",
        "the exposure must be a share from 0 to 1, not 1.5",
        "the budget cannot be negative (-1)",
    )
    assert any(p.startswith("market: 'UK' is not an ISO 3166-1 alpha-2") for p in problems)
    assert "market US is listed twice: give one share per country" in problems
    assert any(p.startswith("market: WO is an international application") for p in problems)
    assert "the revenue shares add up to 120%: they cannot exceed 100%" in problems
    assert "site of Huaxin PCBA: 'assembled' is not one of made, designed" in problems
    assert "site of Nobody GmbH: EP is a patent office, not a country: name the country" in problems
    assert any(p.startswith("competitor Nobody: 'ZZ' is not") for p in problems)
    assert (
        "enforceability for DE: 120 is outside the table's scale, 0 to 100 (Example index)"
        in problems
    )


def test_sites_come_from_the_vendors_kinds_and_countries() -> None:
    sites = sites_from_vendors(
        [
            VendorSite("Huaxin PCBA", "contract-manufacturer", "CN"),
            VendorSite("Tamsui Embedded", "design-firm", "tw"),
            VendorSite("Shenzhen ODM", "odm", "CN"),
            VendorSite("Nowhere Ltd", "test-house", ""),
        ]
    )
    assert sites == (
        Site("CN", "made", "Huaxin PCBA"),
        Site("TW", "designed", "Tamsui Embedded"),
        Site("CN", "made", "Shenzhen ODM"),
        Site("CN", "designed", "Shenzhen ODM"),
    )


def test_the_strategy_is_json_ready() -> None:
    data = assess(EXAMPLE_INPUTS, TABLE).as_json()
    text = json.dumps(data)
    assert data["countries"][0]["code"] == "CN" and data["table_reviewed"] == "2026-06-01"
    assert json.loads(text)["recommended"] == ["CN", "US", "DE"]


def test_a_budget_that_covers_every_recommended_country_needs_no_solver() -> None:
    def no_solver(items: object, capacity: float) -> tuple[int, ...]:
        raise AssertionError("the solver was called although everything fits")

    # CN 40,000 + US 50,000 + DE 60,000 = 150,000: exactly the budget.
    strategy = assess(replace(EXAMPLE_INPUTS, budget=150_000), TABLE, solve=no_solver)
    assert strategy.budgeted and strategy.budgeted.codes == ("CN", "US", "DE")
    assert strategy.filing_set == strategy.recommended


def test_the_deadline_engines_rows_sit_next_to_their_country() -> None:
    # A public disclosure before any filing: CN novelty is lost, the US grace year runs.
    rows = compute_deadlines(
        [EventView("public-disclosure", date(2026, 1, 10))], as_of=date(2026, 6, 1)
    )
    by_country = deadlines_by_country(assess(EXAMPLE_INPUTS, TABLE), rows)
    assert {code: [row.rule for row in found] for code, found in by_country.items()} == {
        "CN": ["cn-absolute-novelty"],
        "US": ["us-grace-period"],
    }
    assert by_country["US"][0].due == date(2027, 1, 11)  # 10 Jan 2027 is a Sunday


def test_a_name_ending_in_a_full_stop_ends_its_sentence_once() -> None:
    sites = (Site("CN", "made", "Shenzhen Huaxin Precision Electronics Co., Ltd."),)
    cn = assess(replace(EXAMPLE_INPUTS, sites=sites), TABLE).get("CN")
    assert cn and "Made here by Shenzhen Huaxin Precision Electronics Co., Ltd. Protects" in (
        cn.reason
    )
    assert ".." not in cn.reason
