"""The jurisdiction and strategy commands through the command line: JSON shapes, exit codes,
and bad input refused with a message and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.interchange.reader import parse_document
from firstfile.services import strategy as svc
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import audit_rows, import_samples
from tests.integration.test_strategy_service import ENGAGEMENT
from tests.unit.strategy_samples import TABLE_TEXT

runner = CliRunner()
BMS = "bms48-shenzhen"


def invoke(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", store.url.removeprefix("sqlite:///")])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    return store


@pytest.fixture
def example_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The worked example's table as the user's own jurisdiction table."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "jurisdictions.yaml").write_text(TABLE_TEXT)
    monkeypatch.setenv("FIRSTFILE_TEMPLATES", str(folder))
    return folder


def test_jurisdictions_lists_every_office_with_its_code(tmp_path: Path) -> None:
    result = runner.invoke(app, ["jurisdictions", "--json"])
    assert result.exit_code == 0 and result.stderr == ""
    offices = json.loads(result.stdout)
    assert isinstance(offices, list) and all(office["code"] for office in offices)
    us = next(office for office in offices if office["code"] == "US")
    assert us["enforceability"]["score"] == 95.48 and us["cost_10y"] is None
    assert us["deadline_rules"] == ["us-grace-period", "us-nonprovisional"]
    text = runner.invoke(app, ["jurisdictions"]).stdout
    assert "US  United States  enforceability 95.48 (2024)  grace 12 months" in text
    assert "10-year cost unknown" in text


def test_jurisdictions_warns_when_the_table_is_over_a_year_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    old = (
        TABLE_TEXT.replace("reviewed: 2026-06-01", "reviewed: 2024-03-01")
        .replace("date: 2026-06-01", "date: 2024-03-01")
        .replace("2026-05-01", "2024-02-01")
        .replace("year: 2026", "year: 2024")
    )
    (folder / "jurisdictions.yaml").write_text(old)
    monkeypatch.setenv("FIRSTFILE_TEMPLATES", str(folder))
    result = runner.invoke(app, ["jurisdictions", "--json"])
    assert result.exit_code == 0
    assert "last reviewed on 2024-03-01, more than 12 months ago" in result.stderr
    assert "the exchange rates are of 2024-03-01" in result.stderr
    assert [o["code"] for o in json.loads(result.stdout)][:3] == ["CN", "US", "DE"]


def test_a_broken_user_table_is_reported_and_the_shipped_one_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "jurisdictions.yaml").write_text(TABLE_TEXT.replace("code: JP", "code: JPN"))
    monkeypatch.setenv("FIRSTFILE_TEMPLATES", str(folder))
    result = runner.invoke(app, ["jurisdictions"])
    assert result.exit_code == 0
    assert "jurisdictions.yaml:21: offices[3].code: 'JPN' is not an ISO 3166-1" in result.stderr
    assert "using " in result.stderr and "United States  enforceability 95.48" in result.stdout


def test_set_then_show_the_strategy_of_the_sample(samples: Store) -> None:
    code, out, err = invoke(
        samples,
        "strategy",
        "set",
        BMS,
        "--revenue",
        "1200000",
        "--currency",
        "usd",
        "--sold",
        "DE:35",
        "--sold",
        "US:25%",
        "--competitor",
        "DE:Pedalion GmbH",
        "--json",
    )
    assert code == 0, err
    recorded = json.loads(out)
    assert recorded == {
        "engagement": BMS,
        "annual_revenue": 1200000.0,
        "currency": "USD",
        "horizon_years": 10,
        "budget": None,
        "markets": [{"code": "DE", "revenue_share": 0.35}, {"code": "US", "revenue_share": 0.25}],
        "competitors": [{"code": "DE", "competitor": "Pedalion GmbH"}],
        "cost_indexes": [],
    }
    # The sample's own inputs were imported by "seed"; the command's change is the tester's.
    assert [r.actor_name for r in audit_rows(samples, "strategy", BMS)] == ["seed", "tester"]
    code, out, err = invoke(samples, "strategy", BMS, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "engagement",
        "name",
        "table",
        "inputs",
        "exposure",
        "strategy",
        "outsourcing",
        "what_if",
        "notes",
    }
    strategy = data["strategy"]
    assert strategy["recommended"] == ["CN", "TW"] and strategy["filing_set"] == ["CN", "TW"]
    countries = {c["code"]: c for c in strategy["countries"]}
    assert list(countries) == ["CN", "TW", "DE", "US"]
    assert countries["DE"]["verdict"] == "unknown" and countries["DE"]["cost"] is None
    assert {d["rule"] for d in countries["CN"]["deadlines"]} == {
        "cn-absolute-novelty",
        "cn-confidentiality-exam",
    }
    assert data["what_if"] is None and data["outsourcing"] is None
    assert any("no 10-year cost for CN, TW, DE, US" in note for note in data["notes"])
    # The same through `strategy show`, as text.
    code, out, _ = invoke(samples, "strategy", "show", BMS)
    assert code == 0
    assert "Recommended: CN, TW: protects 0 USD for an unknown cost" in out
    assert "DE  Germany: unknown; protects" in out and "To do:" in out


def test_horizon_budget_and_what_if_options(store: Store, example_templates: Path) -> None:
    import_document(store, parse_document(ENGAGEMENT, "example.yaml"), actor="seed")
    code, _, err = invoke(
        store,
        "strategy",
        "set",
        "example",
        "--revenue",
        "200000",
        "--currency",
        "USD",
        "--horizon",
        "5",
        "--sold",
        "US:50",
        "--sold",
        "DE:20",
        "--sold",
        "JP:10",
        "--sold",
        "TW:10",
        "--competitor",
        "VN:VoltCore Mobility",
    )
    assert code == 0, err
    code, out, err = invoke(store, "strategy", "example", "--budget", "120000", "--json")
    assert code == 0, err
    budgeted = json.loads(out)["strategy"]["budgeted"]
    assert budgeted["required"] == ["CN"] and budgeted["chosen"] == ["US"]
    assert json.loads(out)["strategy"]["filing_set"] == ["CN", "US"]
    code, out, _ = invoke(store, "strategy", "example", "--what-if", "DE=40", "--json")
    what_if = json.loads(out)["what_if"]
    assert code == 0 and what_if["removed"] == ["DE"] and what_if["change"]["code"] == "DE"
    code, out, _ = invoke(store, "strategy", "example", "--what-if", "horizon=20")
    assert code == 0 and "JP joins the filing set." in out
    code, out, _ = invoke(store, "strategy", "example", "--horizon", "20", "--json")
    assert "JP" in json.loads(out)["strategy"]["recommended"]
    code, _, err = invoke(store, "strategy", "example", "--budget", "80000")
    assert code == 1 and "buys nothing beyond the countries where the product is made" in err
    code, _, err = invoke(store, "strategy", "example", "--what-if", "DE=140")
    assert code == 1 and "outside the table's scale, 0 to 100" in err
    code, _, err = invoke(store, "strategy", "example", "--what-if", "DE")
    assert code == 1 and "--what-if takes CODE=SCORE" in err
    code, out, _ = invoke(
        store, "strategy", "cost-index", "example", "VN", "55", "--source", "RFQ round 1"
    )
    assert code == 0 and "cost indexes VN 55" in out
    code, out, _ = invoke(store, "strategy", "example", "--json")
    assert [o["code"] for o in json.loads(out)["outsourcing"]["options"]] == ["VN"]
    assert svc.recorded_inputs(store, "example").horizon_years == 5  # options wrote nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sold", "UK:30"), "the United Kingdom is GB"),
        (("--sold", "DE"), "--sold takes CODE:PERCENT"),
        (("--sold", "DE:lots"), "is not a percentage"),
        (("--sold", "DE:70", "--sold", "US:40"), "add up to 110%"),
        (("--sold", "XX:10"), "is not an ISO 3166-1 alpha-2 country code"),
        (("--revenue", "-5", "--currency", "USD"), "cannot be negative"),
        (("--revenue", "5", "--currency", "EUR"), "no exchange rate for EUR"),
        (("--revenue", "5", "--currency", ""), "give the currency"),
        (("--horizon", "40"), "the horizon must be 1 to 20 years"),
        (("--competitor", "DE:Acme Rival"), "no vendor of this engagement is recorded"),
        (("--competitor", "DE"), "--competitor takes CODE:NAME"),
        (("--budget", "5000", "--currency", "USD"), "cannot be weighed"),
        (("--budget", "5", "--no-budget"), "give --budget or --no-budget, not both"),
        ((), "nothing to record"),
    ],
)
def test_bad_input_to_strategy_set_writes_nothing(
    samples: Store, args: tuple[str, ...], message: str
) -> None:
    before = svc.recorded_inputs(samples, BMS)
    code, out, err = invoke(samples, "strategy", "set", BMS, *args)
    assert code == 1 and message in err and "Traceback" not in err
    assert svc.recorded_inputs(samples, BMS) == before
    assert [r.action for r in audit_rows(samples, "strategy", BMS)] == ["import"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("CN", "0", "--source", "RFQ"), "the cost index must be above 0"),
        (("CN", "60"), "give --source"),
        (("CN", "60", "--source", " "), "give its source"),
        (("EP", "60", "--source", "RFQ"), "a patent office, not a country"),
        (("CN",), "give the index"),
        (("CN", "--remove"), "none is recorded, so there is none to remove"),
        (("CN", "60", "--remove"), "--remove takes only the country"),
    ],
)
def test_bad_cost_indexes_write_nothing(
    samples: Store, args: tuple[str, ...], message: str
) -> None:
    before = svc.recorded_inputs(samples, BMS)
    code, _, err = invoke(samples, "strategy", "cost-index", BMS, *args)
    assert code == 1 and message in err
    assert svc.recorded_inputs(samples, BMS) == before
    assert [r.action for r in audit_rows(samples, "strategy", BMS)] == ["import"]


def test_an_unknown_engagement_is_named(samples: Store) -> None:
    code, _, err = invoke(samples, "strategy", "nope")
    assert code == 1 and "no engagement 'nope'" in err
    code, _, err = invoke(samples, "strategy", "set", "nope", "--horizon", "5")
    assert code == 1 and "no engagement 'nope'" in err
