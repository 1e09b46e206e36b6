"""The jurisdiction table: the shipped file, user overrides, and every bad value by its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firstfile.domain.country_codes import ISO_3166_ALPHA_2, OFFICES, is_jurisdiction_code
from firstfile.domain.deadline_rules import RULES_BY_KEY
from firstfile.domain.jurisdictions import UnknownCurrency
from firstfile.resources import shipped_templates
from firstfile.services.jurisdiction_table import TABLE_FILE, load_table, parse_table

TODAY = date(2026, 11, 30)

HEADER = """\
reviewed: 2026-06-01
scale: {name: Counsel's score, low: 0, high: 10}
rates:
  base: USD
  date: 2026-06-01
  source: ECB reference rates
  units_per_base: {EUR: 0.8}
offices:
"""  # the offices start on line 9


def table_text(*offices: str) -> str:
    return HEADER + "".join(offices)


def errors_of(text: str) -> list[str]:
    table, problems, _ = parse_table(text, "t.yaml", today=TODAY)
    assert table is None
    return problems


def test_the_shipped_table_loads_cites_every_value_and_names_real_deadline_rules() -> None:
    load = load_table([], today=TODAY)
    assert load.problems == () and load.warnings == ()
    assert load.path == shipped_templates() / TABLE_FILE
    table = load.table
    assert table is not None
    us, cn, ep = table.get("US"), table.get("CN"), table.get("EP")
    assert us is not None and cn is not None and ep is not None
    assert us.grace_period is not None and us.grace_period.months == 12
    assert ep.grace_period is not None and not ep.grace_period.exists
    assert "cn-confidentiality-exam" in cn.deadline_rules and "confidentiality" in cn.notes
    for office in table.offices:
        assert set(office.deadline_rules) <= set(RULES_BY_KEY)
        for value in (
            office.enforceability,
            office.grace_period,
            office.utility_model,
            office.cost_10y,
            office.time_to_grant,
        ):
            assert value is None or value.source.strip()
    # Nothing the shipped file could not cite is filled in: no cost, no time to grant.
    assert all(o.cost_10y is None and o.time_to_grant is None for o in table.offices)
    assert table.enforceability("CN") is None
    assert table.enforceability("US") == pytest.approx(0.9548)


def test_a_table_reviewed_more_than_twelve_months_ago_is_warned_about_by_its_line() -> None:
    text = table_text("  - {code: US, name: United States}\n")
    _, _, warnings = parse_table(text, "t.yaml", today=date(2027, 6, 1))
    assert warnings == []  # exactly 12 months: still current
    table, problems, warnings = parse_table(text, "t.yaml", today=date(2027, 6, 2))
    assert table is not None and problems == []
    assert warnings[0].startswith(
        "t.yaml:1: reviewed: the jurisdiction table was last "
        "reviewed on 2026-06-01, more than 12 months ago"
    )
    assert warnings[1].startswith("t.yaml:5: rates.date: the exchange rates are of 2026-06-01")


def test_a_valid_row_reads_every_field() -> None:
    table, problems, _ = parse_table(
        table_text(
            "  - code: DE\n"
            "    name: Germany\n"
            "    enforceability: {score: 7.5, source: Counsel memo 12, year: 2026}\n"
            "    grace_period: {months: 0, source: PatG 3, year: 1980}\n"
            "    deadline_rules: [de-employee-invention]\n"
            "    utility_model: {available: true, source: GebrMG, year: 1986}\n"
            "    cost_10y: {amount: 30000, currency: EUR, source: Counsel, date: 2026-05-01}\n"
            "    time_to_grant: {months: 30, source: DPMA annual report, year: 2025}\n"
            "    notes: Utility model as a fallback.\n"
        ),
        "t.yaml",
        today=TODAY,
    )
    assert problems == [] and table is not None
    de = table.get("DE")
    assert de is not None and de.cost_10y is not None and de.time_to_grant is not None
    assert table.enforceability("DE") == pytest.approx(0.75)
    assert (de.cost_10y.amount, de.cost_10y.currency, de.cost_10y.as_of) == (
        30000,
        "EUR",
        date(2026, 5, 1),
    )
    # 30,000 EUR at 0.8 EUR per USD is 37,500 USD.
    assert table.rates.convert(30000, "EUR", "USD") == pytest.approx(37500)
    assert de.as_json()["code"] == "DE"
    assert table.as_json()["rates"]["units_per_base"] == {"EUR": 0.8}


def test_a_score_out_of_the_scale_is_refused_with_its_line() -> None:
    assert errors_of(
        table_text(
            "  - code: US\n    name: United States\n"
            "    enforceability: {score: 95.5, source: Index, year: 2024}\n"
        )
    ) == [
        "t.yaml:11: offices[0].enforceability.score: 95.5 is outside the table's scale, "
        "0 to 10 (Counsel's score): convert it to that scale"
    ]


def test_an_unknown_country_code_is_refused_and_a_lower_case_one_explained() -> None:
    problems = errors_of(
        table_text("  - {code: UK, name: United Kingdom}\n  - {code: de, name: Germany}\n")
    )
    assert problems[0].startswith(
        "t.yaml:9: offices[0].code: 'UK' is not an ISO 3166-1 "
        "alpha-2 country code or a known office"
    )
    assert "the United Kingdom is GB" in problems[0]
    assert problems[1] == "t.yaml:10: offices[1].code: 'de' must be written in capitals: 'DE'"


def test_a_code_given_twice_is_refused() -> None:
    assert errors_of(table_text("  - {code: JP, name: Japan}\n  - {code: JP, name: Nippon}\n")) == [
        "t.yaml:10: offices[1].code: JP is in the table twice (first on line 9)"
    ]


def test_a_negative_cost_is_refused() -> None:
    assert errors_of(
        table_text(
            "  - code: US\n    name: United States\n"
            "    cost_10y: {amount: -5, currency: USD, source: Counsel, date: 2026-01-01}\n"
        )
    ) == ["t.yaml:11: offices[0].cost_10y.amount: a cost cannot be negative (-5)"]


def test_a_cost_in_a_currency_with_no_rate_is_refused() -> None:
    problems = errors_of(
        table_text(
            "  - code: CN\n    name: China\n"
            "    cost_10y: {amount: 90000, currency: CNY, source: Counsel, date: 2026-01-01}\n"
        )
    )
    assert problems == [
        "t.yaml:11: offices[0].cost_10y.currency: CNY has no rate in "
        "rates.units_per_base: add its rate (units of CNY per one unit of the "
        "base currency) or give the cost in a currency that has one"
    ]


def test_a_value_without_a_source_or_a_year_is_refused() -> None:
    problems = errors_of(
        table_text(
            "  - code: US\n    name: United States\n"
            "    enforceability: {score: 9, year: 2024}\n"
            "    time_to_grant: {months: 25, source: USPTO}\n"
            "    cost_10y: {amount: 20000, currency: USD, source: '  ', date: 2026-01-01}\n"
        )
    )
    assert problems[0].startswith(
        "t.yaml:11: offices[0].enforceability: has no source: every "
        "value needs the name of its source and its year"
    )
    assert problems[1] == (
        "t.yaml:12: offices[0].time_to_grant: has no year: give the year of its source"
    )
    assert problems[2].startswith(
        "t.yaml:13: offices[0].cost_10y: has no source: every value "
        "needs the name of its source and its date"
    )


def test_a_source_without_its_value_is_refused_but_an_empty_value_is_fine() -> None:
    problems = errors_of(
        table_text(
            "  - code: US\n    name: United States\n"
            "    enforceability: {source: Index, year: 2024}\n"
        )
    )
    assert problems == [
        "t.yaml:11: offices[0].enforceability: has no score: give the value, "
        "or leave 'enforceability' out (empty) when no source gives one"
    ]
    table, problems, _ = parse_table(
        table_text("  - code: US\n    name: United States\n    enforceability:\n    cost_10y: ~\n"),
        "t.yaml",
        today=TODAY,
    )
    assert problems == [] and table is not None
    assert table.enforceability("US") is None


def test_an_unknown_deadline_rule_and_a_year_after_the_review_are_refused() -> None:
    problems = errors_of(
        table_text(
            "  - code: US\n    name: United States\n"
            "    deadline_rules: [us-grace-period, us-grace]\n"
            "    grace_period: {months: 12, source: 35 USC 102, year: 2031}\n"
        )
    )
    assert problems[0].startswith(
        "t.yaml:11: offices[0].deadline_rules[1]: 'us-grace' is not "
        "a deadline rule; the rules are: "
    )
    assert "us-grace-period" in problems[0]
    assert problems[1] == (
        "t.yaml:12: offices[0].grace_period.year: 2031 is out of range: "
        "use a number from 1883 to 2026"
    )


def test_a_rate_that_is_not_positive_and_a_bad_scale_are_refused() -> None:
    text = HEADER.replace("{EUR: 0.8}", "{EUR: 0, usd: 1}").replace("high: 10", "high: -1")
    problems = errors_of(text + "  - {code: US, name: United States}\n")
    assert problems == [
        "t.yaml:2: scale.high: the high end (-1) must be above the low end (0)",
        "t.yaml:7: rates.units_per_base.EUR: a rate must be above 0, not 0",
        "t.yaml:7: rates.units_per_base: 'usd' is not an ISO 4217 currency code (three "
        "capital letters, such as EUR)",
    ]


def test_an_empty_file_a_second_document_and_a_python_tag_are_refused(tmp_path: Path) -> None:
    assert errors_of("") == [
        "t.yaml:1: the file is empty: expected reviewed, scale, rates and offices"
    ]
    problems = errors_of(table_text("  - {code: US, name: United States}\n") + "---\nx: 1\n")
    assert problems == [
        "t.yaml:10: one jurisdiction table per file: found a second YAML document ('---')"
    ]
    marker = tmp_path / "ran"
    problems = errors_of(table_text(f"  - !!python/object/apply:os.system ['touch {marker}']\n"))
    assert "is not allowed" in problems[0] and not marker.exists()


def test_a_user_table_replaces_the_shipped_one_whole(tmp_path: Path) -> None:
    (tmp_path / TABLE_FILE).write_text(
        table_text("  - {code: MY, name: Malaysia}\n"), encoding="utf-8"
    )
    load = load_table([tmp_path], today=TODAY)
    assert load.problems == () and load.path == tmp_path / TABLE_FILE
    assert load.table is not None and [o.code for o in load.table.offices] == ["MY"]


def test_a_broken_user_table_is_reported_by_line_and_the_shipped_one_used(
    tmp_path: Path,
) -> None:
    path = tmp_path / TABLE_FILE
    path.write_text(table_text("  - {code: XX, name: Nowhere}\n"), encoding="utf-8")
    load = load_table([tmp_path], today=TODAY)
    assert len(load.problems) == 1 and load.problems[0].startswith(f"{path}:9: offices[0].code")
    assert load.path == shipped_templates() / TABLE_FILE
    assert load.table is not None and load.table.get("US") is not None


def test_converting_from_a_currency_with_no_rate_says_what_to_add() -> None:
    table, _, _ = parse_table(
        table_text("  - {code: US, name: United States}\n"), "t.yaml", today=TODAY
    )
    assert table is not None
    assert table.rates.convert(80, "EUR", "EUR") == 80
    with pytest.raises(UnknownCurrency, match="no exchange rate for JPY"):
        table.rates.convert(1000, "JPY", "USD")


def test_codes_are_the_249_assigned_iso_codes_and_the_regional_offices() -> None:
    assert len(ISO_3166_ALPHA_2) == 249
    assert {"GB", "DE", "CN", "TW", "KR", "XK"} & ISO_3166_ALPHA_2 == {"GB", "DE", "CN", "TW", "KR"}
    assert not ISO_3166_ALPHA_2 & set(OFFICES)  # ST.3 office codes never clash with a country
    assert is_jurisdiction_code("EP") and is_jurisdiction_code("WO")
    assert not is_jurisdiction_code("UK") and not is_jurisdiction_code("EU")


def test_the_illustrative_example_is_the_shipped_table_with_labelled_made_up_costs() -> None:
    folder = Path(__file__).resolve().parents[2] / "docs" / "examples"
    path = folder / "illustrative-jurisdictions" / TABLE_FILE
    assert path.read_text(encoding="utf-8").startswith(
        "# ILLUSTRATIVE ONLY: NOT REAL DATA. DO NOT USE FOR A FILING DECISION."
    )
    load = load_table([path.parent], include_shipped=False, today=TODAY)
    shipped = load_table([], today=TODAY).table
    assert load.problems == () and load.table is not None and shipped is not None
    costs = [o.cost_10y for o in load.table.offices if o.cost_10y is not None]
    assert costs and all(c.source.startswith("ILLUSTRATIVE ONLY, made up") for c in costs)
    # Apart from those costs it says exactly what the shipped table says, citations included.
    without = [
        (o.code, o.name, o.enforceability, o.grace_period, o.utility_model, o.deadline_rules)
        for o in load.table.offices
    ]
    assert without == [
        (o.code, o.name, o.enforceability, o.grace_period, o.utility_model, o.deadline_rules)
        for o in shipped.offices
    ]
