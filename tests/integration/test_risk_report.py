"""`firstfile export risk`: the internal risk report, written through services/exports.py as
a real DOCX (read back with python-docx, every table under its heading) and as Markdown,
marked confidential everywhere it can be, with the tracer register and without any way to
ask for a vendor version."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.services import exports, risk_split
from firstfile.services import tracers as tracer_svc
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import import_samples
from tests.unit.docx_reading import open_docx, rows, sections

BMS = "bms48-shenzhen"
AQ7 = "aq7-second-cm"
DAY = date(2026, 3, 2)
MARK = "CONFIDENTIAL - INTERNAL"


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    tracer_svc.issue_tracers(
        store, BMS, "afe-board", ["huaxin-pcba", "tamsui-embedded"], actor="m", today=DAY
    )
    return store


def test_the_docx_has_every_table_under_its_heading_and_the_marking(
    samples: Store, tmp_path: Path
) -> None:
    [path] = exports.export_risk(samples, BMS, tmp_path / "out", actor="rf", today=DAY)
    assert path == tmp_path / "out" / f"{BMS}-risk-report-internal.docx"
    document = open_docx(path)
    parts = sections(document)
    assert MARK in parts[""].paragraphs[1].text  # right under the title
    facts = rows(parts["Engagement"].tables[0])
    assert facts[0] == ["Engagement", f"{BMS}: BMS-48 production transfer to Shenzhen"]
    assert facts[-1] == ["Prepared", "2026-03-02, rf"]
    # Firewall table: every component, its scores, recommendation, reason and decision.
    firewall = rows(parts["Firewall assessment"].tables[0])
    assert firewall[0] == ["Component", "V/D/R", "Recommended", "Reason", "Decision"]
    by_key = {r[0].split("\n")[-1].strip(): r for r in firewall[1:]}
    assert len(by_key) == 6
    assert by_key["soc-estimator"][1:4] == [
        "5/5/5",
        "Keep in-house (firewall)",
        "adds the most value, differentiates the product and cannot be reverse engineered",
    ]
    assert by_key["eol-station"][4].startswith(
        "Outsource with safeguards\n(against the recommendation: the station has to stand"
    )
    # Each vendor's exposure, highest risk first, with what it could reproduce.
    vendors = rows(parts["Exposure per vendor"].tables[0])
    assert vendors[1][0].endswith("huaxin-pcba")
    assert vendors[1][1:3] == ["71.4%", "71.4%"]
    assert vendors[1][4] == "cell-balancing"
    # Critical sets with the warning.
    sets = rows(parts["Critical sets"].tables[0])
    assert sets[1][3] == "COULD REPRODUCE: Shenzhen Huaxin Precision Electronics Co., Ltd."
    # Safeguards and open actions.
    safeguards = rows(parts["Safeguards"].tables[0])
    assert safeguards[1][1:3] == ["Field-of-business restriction", "In progress"]
    actions = rows(parts["Open design-tactic actions"].tables[0])
    assert [a[:3] for a in actions[1:]] == [["soc-estimator", "huaxin-pcba", "bms-module"]] * 2
    # The tracer register: the codes, never the secret they were made with.
    tracers = rows(parts["Tracer register"].tables[0])
    codes = {t.vendor: t.code for t in tracer_svc.list_tracers(samples, BMS)}
    assert [(r[2], r[4]) for r in tracers[1:]] == sorted(codes.items())
    # The matrix, on a landscape page: vendors as columns, the exposure row first, shaded.
    matrix = parts["Exposure matrix"].tables[0]
    cells = rows(matrix)
    assert cells[0] == ["Component", "huaxin-pcba", "tamsui-embedded", "gd-battery-lab"]
    assert cells[1] == ["All (exposure)", "71.4%", "16.7%", "0.0%"]
    assert cells[2][:3] == ["bms-module", "full 19.0%", "interface 4.8%"]
    fills = [
        shd.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill")
        for shd in matrix._tbl.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd"
        )
    ]
    assert "B71C1C" in fills  # the cell that shows the most is the darkest
    assert document.sections[-1].page_width > document.sections[-1].page_height
    # A long matrix names its vendors again on every page it runs onto.
    assert matrix.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    # Marked in every header and footer and in the properties.
    for section in document.sections:
        assert MARK in section.header.paragraphs[0].text.upper()
        assert MARK in section.footer.paragraphs[0].text
    assert document.core_properties.subject == "Outsourcing risk report (internal)"
    assert "INTERNAL" in document.core_properties.category


def test_the_markdown_has_the_same_tables(samples: Store, tmp_path: Path) -> None:
    [path] = exports.export_risk(samples, AQ7, tmp_path, ["md"], actor="rf", today=DAY)
    assert path.name == f"{AQ7}-risk-report-internal.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(MARK) == 2  # first and last
    for heading in (
        "Firewall assessment",
        "Exposure per vendor",
        "Exposure matrix",
        "Critical sets",
        "Safeguards",
        "Open design-tactic actions",
        "Tracer register",
    ):
        assert f"\n## {heading}\n" in text
    assert "| **All (exposure)** | **67.5%** | **13.2%** | **0.0%** |" in text
    assert "**COULD REPRODUCE: Manufactura Electrónica Tlaquepaque S.A. de C.V.**" in text


def test_the_report_follows_an_applied_split(samples: Store, tmp_path: Path) -> None:
    proposal = risk_split.best_split(samples, AQ7)
    risk_split.apply_split(samples, AQ7, proposal, actor="rf")
    [path] = exports.export_risk(samples, AQ7, tmp_path, ["md"], actor="rf")
    text = path.read_text(encoding="utf-8")
    assert "COULD REPRODUCE" not in text
    assert "| **All (exposure)** | **57.0%** |" in text


def test_there_is_no_vendor_version_of_the_report(samples: Store, tmp_path: Path) -> None:
    assert "audience" not in inspect.signature(exports.export_risk).parameters
    db = samples.url.removeprefix("sqlite:///")
    if samples.dialect != "sqlite":
        db = samples.url
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["--db", db, "export", "risk", BMS, "-o", str(out), "--audience", "vendor"]
    )
    assert result.exit_code != 0
    assert "No such option: --audience" in result.stderr
    assert not out.exists()
    # The same command without it writes the internal report.
    result = CliRunner().invoke(app, ["--db", db, "export", "risk", BMS, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out / f"{BMS}-risk-report-internal.docx")


def test_an_unknown_engagement_or_format_writes_nothing(samples: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(exports.ExportError, match="unknown format 'pdf'"):
        exports.export_risk(samples, BMS, out, ["docx", "pdf"], actor="rf")
    with pytest.raises(Exception, match="no-such"):
        exports.export_risk(samples, "no-such", out, actor="rf")
    assert not out.exists()
