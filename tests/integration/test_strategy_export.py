"""The filing-strategy memo: real DOCX, Markdown and xlsx files written for the sample BMS
engagement and opened again, every table checked; unknown costs stay unknown; a source that
looks like a formula stays text; a bad format writes nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.domain.strategy_record import CostIndex
from firstfile.rendering.safe_files import ExportError
from firstfile.rendering.strategy_memo import COST_COLUMNS, MARKING, UNKNOWN_COST
from firstfile.services import exports
from firstfile.services import strategy as strategy_svc
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import import_samples

runner = CliRunner()
BMS = "bms48-shenzhen"
AS_OF = date(2026, 12, 1)
ILLUSTRATIVE = (
    Path(__file__).resolve().parents[2]
    / "docs"
    / "examples"
    / "illustrative-jurisdictions"
    / "jurisdictions.yaml"
)
COUNTRIES = ["CN", "TW", "DE", "US", "NL", "FR", "JP"]  # required first, then by rank


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    return store


@pytest.fixture
def costed(tmp_path: Path) -> Path:
    """A template folder holding the illustrative table (made-up costs, marked so)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(ILLUSTRATIVE, folder / "jurisdictions.yaml")
    return folder


def rows_of(table: object) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def test_the_docx_memo_holds_every_table(samples: Store, costed: Path, tmp_path: Path) -> None:
    strategy_svc.record_strategy_inputs(
        samples,
        BMS,
        strategy_svc.StrategyChanges(
            cost_indexes=(
                CostIndex("CN", 100, "supplier quotes, 2026"),
                CostIndex("TW", 140, "supplier quotes, 2026"),
            )
        ),
        actor="m",
        templates_dir=costed,
    )
    out = tmp_path / "out"
    [path] = exports.export_strategy(samples, BMS, out, ["docx"], templates_dir=costed, as_of=AS_OF)
    assert path == (out / f"{BMS}-filing-strategy.docx").resolve()
    document = docx.Document(str(path))
    body = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == f"Filing strategy: {BMS}"
    assert MARKING in body
    assert MARKING in document.sections[0].footer.paragraphs[0].text
    assert document.core_properties.title == f"Filing strategy: {BMS}"
    for heading in (
        "Inputs",
        "Recommended filing set",
        "Cost-benefit",
        "Cost table",
        "Deadlines beside each country",
        "Where to outsource",
        "Sources of the jurisdiction table",
    ):
        assert heading in body
    assert (
        "Recommended set: CN, TW, DE, US, NL, FR, JP; protects 7,182,171 USD over 10 years for "
        "300,000 USD." in body
    )
    facts, recommended, costs, deadlines, outsourcing, sources, cost_sources = document.tables
    facts_by_label = dict((label, value) for label, value in rows_of(facts))
    assert facts_by_label["Annual revenue"] == "1,200,000 USD"
    assert facts_by_label["Horizon"] == "10 years"
    assert facts_by_label["Sold and used in"] == "DE 35%, FR 10%, JP 5%, NL 15%, US 25%"
    assert facts_by_label["Designed in"] == "TW (Tamsui Embedded Labs)"
    assert "reviewed 2026-11-30 (0 months ago)" in facts_by_label["Jurisdiction table"]
    recommended_rows = rows_of(recommended)
    assert recommended_rows[0] == ["Country", "Reason"]
    assert [r[0].split()[0] for r in recommended_rows[1:]] == COUNTRIES
    assert recommended_rows[1][1].startswith("File: where the product is made or designed")
    cost_rows = rows_of(costs)
    assert cost_rows[0] == [
        "Country",
        "Verdict",
        "Share",
        "Exposure",
        "Enforceability",
        "Protected value",
        "Cost over horizon",
        "Value per cost",
    ]
    by_country = {row[0]: row for row in cost_rows[1:]}
    assert list(by_country) == [*COUNTRIES, "Total"]
    assert by_country["JP"][1:] == ["file", "5%", "71%", "91%", "391,114 USD", "55,000 USD", "7.11"]
    assert by_country["CN"][1] == "file (made or designed here)"
    assert by_country["Total"][5:7] == ["7,182,171 USD", "300,000 USD"]
    deadline_rows = rows_of(deadlines)
    assert deadline_rows[0] == ["Country", "Disclosure", "Rule", "Due", "State"]
    assert ["JP", "FF-2026-0003", "jp-grace-period", "2027-06-23", "open"] in deadline_rows
    assert ["CN", "FF-2026-0003", "cn-absolute-novelty", "2027-05-17", "open"] in deadline_rows
    outsourcing_rows = rows_of(outsourcing)
    assert outsourcing_rows[0][:3] == ["Rank", "Country", "Cost index"]
    assert sorted(r[1].split()[0] for r in outsourcing_rows[1:]) == ["CN", "TW"]
    source_rows = rows_of(sources)
    assert source_rows[0][0] == "Code"
    jp = next(r for r in source_rows if r[0] == "JP")
    assert jp[1] == "U.S. Chamber International IP Index, 12th ed., overall score (2024)"
    assert "ILLUSTRATIVE ONLY" in jp[4]
    assert [r[0] for r in rows_of(cost_sources)[1:]] == COUNTRIES


def test_costs_the_table_lacks_are_written_unknown_never_invented(
    samples: Store, tmp_path: Path
) -> None:
    empty = tmp_path / "templates"  # no table of the user's: the shipped one, with no costs
    empty.mkdir()
    paths = exports.export_strategy(
        samples, BMS, tmp_path / "out", ["docx", "md"], templates_dir=empty, as_of=AS_OF
    )
    document = docx.Document(str(paths[0]))
    costs = rows_of(document.tables[2])
    for row in costs[1:-1]:
        assert row[6] == "unknown", row
    assert costs[-1][6] == "0 USD + unknown"
    cost_sources = rows_of(document.tables[-1])
    assert {row[1] for row in cost_sources[1:]} == {UNKNOWN_COST}
    body = "\n".join(p.text for p in document.paragraphs)
    assert "What counsel or the team must still enter" in body
    assert "firstfile never guesses one" in body
    markdown = paths[1].read_text()
    assert markdown.startswith(f"# Filing strategy: {BMS}")
    assert "| DE | Germany | unknown |" in markdown
    assert "| Total |" in markdown


def test_the_cost_workbook_holds_the_cost_table_and_keeps_formulas_as_text(
    samples: Store, costed: Path, tmp_path: Path
) -> None:
    table = costed / "jurisdictions.yaml"
    text = table.read_text()
    # A source someone typed that a spreadsheet would run: it must arrive as text.
    table.write_text(
        text.replace(
            'source: "ILLUSTRATIVE ONLY, made up: not a real estimate"',
            "source: \"=HYPERLINK('http://example.invalid','x')\"",
            1,
        )
    )
    [path] = exports.export_strategy(
        samples, BMS, tmp_path / "out", ["xlsx"], templates_dir=costed, as_of=AS_OF
    )
    assert path.name == f"{BMS}-filing-strategy.xlsx"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Cost table", "Deadlines", "Sources"]
    sheet = workbook["Cost table"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(rows[0]) == COST_COLUMNS
    assert [r[0] for r in rows[1:]] == [*COUNTRIES, "Total"]
    us = next(r for r in rows if r[0] == "US")
    assert us[9] == "60,000 USD"
    assert us[12] == "'=HYPERLINK('http://example.invalid','x'), 2026-11-30"
    for row in rows:
        for value in row:
            assert not (isinstance(value, str) and value[:1] in "=+-@"), value
    deadlines = [[c.value for c in row] for row in workbook["Deadlines"].iter_rows()]
    assert deadlines[0] == ["Country", "Disclosure", "Rule", "Due", "State"]
    assert ["US", "FF-2026-0001", "us-nonprovisional", "2027-03-18", "open"] in deadlines
    sources = [[c.value for c in row] for row in workbook["Sources"].iter_rows()]
    assert {r[0] for r in sources[1:]} == set(COUNTRIES)


def test_the_command_writes_each_format_and_refuses_an_unknown_one(
    samples: Store, costed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRSTFILE_TEMPLATES", str(costed))
    out = tmp_path / "out"
    for fmt in ("docx", "md", "xlsx"):
        result = runner.invoke(
            app, ["--db", samples.url, "export", "strategy", BMS, "-o", str(out), "--format", fmt]
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip().endswith(f"{BMS}-filing-strategy.{fmt}")
    written = sorted(p.name for p in out.iterdir())
    result = runner.invoke(
        app, ["--db", samples.url, "export", "strategy", BMS, "-o", str(out), "--format", "pdf"]
    )
    assert result.exit_code != 0
    assert "--format must be docx, md or xlsx" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == written
    result = runner.invoke(
        app, ["--db", samples.url, "export", "strategy", "no-such", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code != 0 and "no-such" in result.stderr
    assert not (tmp_path / "x").exists()
    with pytest.raises(ExportError, match="use docx, md or xlsx"):
        exports.export_strategy(samples, BMS, out, ["pdf"])
