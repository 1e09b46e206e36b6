"""The filing-strategy screen (what-if, saving inputs, export) and the tracer screens (issue for
two vendors, lookup from the palette, a mistyped code caught), driven by keys on the demo data."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.text import Text
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from firstfile.domain.tracers import AUTHENTIC, MISTYPED
from firstfile.services import strategy as strategy_svc
from firstfile.services import tracers as tracer_svc
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.screens.engagement import EngagementScreen, TextDialog
from firstfile.ui.screens.strategy import StrategyScreen
from firstfile.ui.screens.tracers import IssueDialog, LookupDialog, TracersScreen
from tests.ui.helpers import make_app, run_palette, until

BMS = "bms48-shenzhen"
ILLUSTRATIVE = (
    Path(__file__).resolve().parents[2]
    / "docs"
    / "examples"
    / "illustrative-jurisdictions"
    / "jurisdictions.yaml"
)


def with_costs(folder: Path) -> Path:
    """folder as the user's template folder, holding the illustrative table (made-up costs)."""
    shutil.copy(ILLUSTRATIVE, folder / "jurisdictions.yaml")
    return folder


def audit_of(store: Store, entity: str) -> list[AuditEvent]:
    with store.read() as db:
        return list(
            db.execute(
                select(AuditEvent)
                .where(AuditEvent.entity == entity)  # type: ignore[arg-type]
                .order_by(AuditEvent.id)  # type: ignore[arg-type]
            ).scalars()
        )


def cell(table: DataTable[object], row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return value.plain if isinstance(value, Text) else str(value)


def static_text(widget: Static) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


async def open_strategy(pilot: Pilot[None]) -> StrategyScreen:
    """From the engagement screen, by its key, as a user would."""
    app = pilot.app
    await app.push_screen(EngagementScreen(BMS))
    await pilot.pause()
    await pilot.press("j")
    await until(pilot, lambda: isinstance(app.screen, StrategyScreen), "the strategy screen")
    screen = app.screen
    assert isinstance(screen, StrategyScreen)
    await until(pilot, lambda: screen.report is not None, "the strategy")
    return screen


async def answer(pilot: Pilot[None], text: str) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, TextDialog), "the question")
    await pilot.press(*text, "enter")


async def test_the_what_if_moves_a_country_out_of_the_set_and_writes_nothing(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, with_costs(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_strategy(pilot)
        report = screen.report
        assert report is not None
        assert "JP" in report.strategy.filing_set
        table = screen.query_one("#strategy-table", DataTable)
        assert cell(table, "JP", "verdict") == "file"
        assert cell(table, "JP", "cost") == "55,000 USD"
        summary = static_text(screen.query_one("#strategy-summary", Static))
        assert "File in: CN, TW, DE, US, NL, FR, JP" in summary
        assert "protects 7,182,171 USD for 300,000 USD" in summary
        # The country's deadline rows are beside it (the JP grace year of FF-2026-0003).
        table.move_cursor(row=screen._keys.index("JP"))
        await pilot.pause()
        detail = static_text(screen.query_one("#strategy-detail", Static))
        assert "FF-2026-0003 jp-grace-period" in detail
        before = len(audit_of(loaded, "strategy"))
        await pilot.press("e")
        await answer(pilot, "10")
        await until(
            pilot,
            lambda: screen.report is not None and screen.report.what_if is not None,
            "the what-if",
        )
        what_if = screen.report.what_if
        assert what_if is not None and what_if.removed == ("JP",)
        assert "JP" not in what_if.after.filing_set
        assert cell(table, "JP", "verdict") == "skip (leaves)"
        summary = static_text(screen.query_one("#strategy-summary", Static))
        assert "JP leaves the filing set" in summary
        assert "for 245,000 USD (was 300,000)" in summary
        # Back to the recorded strategy: JP is in again, and nothing was written.
        await pilot.press("c")
        await until(
            pilot,
            lambda: screen.report is not None and screen.report.what_if is None,
            "the strategy as recorded",
        )
        assert cell(table, "JP", "verdict") == "file"
    assert len(audit_of(loaded, "strategy")) == before
    assert strategy_svc.recorded_inputs(loaded, BMS).horizon_years == 10


async def test_costs_the_table_lacks_are_unknown_and_say_what_counsel_must_enter(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)  # the shipped table: it cites no cost
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_strategy(pilot)
        table = screen.query_one("#strategy-table", DataTable)
        assert cell(table, "DE", "cost") == "unknown"
        assert cell(table, "DE", "verdict") == "unknown"
        table.move_cursor(row=screen._keys.index("DE"))
        await pilot.pause()
        detail = static_text(screen.query_one("#strategy-detail", Static))
        assert "counsel must enter cost_10y for DE" in detail
        assert "never guesses" in detail
        assert "table reviewed 2026-11-30" in static_text(
            screen.query_one("#strategy-summary", Static)
        )


async def test_a_table_reviewed_over_a_year_ago_is_warned_about(
    loaded: Store, tmp_path: Path
) -> None:
    table = with_costs(tmp_path) / "jurisdictions.yaml"
    text = table.read_text()
    assert "\nreviewed: 2026-11-30\n" in text
    # Reviewed (with its rates and cost estimates) long ago.
    table.write_text(text.replace("2026-11-30", "2025-01-15"))
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_strategy(pilot)
        summary = static_text(screen.query_one("#strategy-summary", Static))
        assert "table reviewed 2025-01-15" in summary
        assert "Warning: " in summary
        assert "last reviewed on 2025-01-15, more than 12 months ago" in summary.replace("\n", " ")


async def test_a_horizon_what_if_is_saved_through_the_service_with_its_audit_record(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, with_costs(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_strategy(pilot)
        before = len(audit_of(loaded, "strategy"))
        await pilot.press("s")  # nothing moved yet: nothing to save
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("h")
        await answer(pilot, "12")
        await until(
            pilot,
            lambda: screen.report is not None and screen.report.what_if is not None,
            "the what-if",
        )
        assert screen.report.what_if is not None
        assert screen.report.what_if.after.horizon_years == 12
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the confirmation")
        await pilot.press("y")
        await until(
            pilot, lambda: len(audit_of(loaded, "strategy")) == before + 1, "the recorded input"
        )
        await until(
            pilot,
            lambda: (
                screen.report is not None
                and screen.report.what_if is None
                and screen.report.strategy.horizon_years == 12
            ),
            "the strategy with the recorded horizon",
        )
    assert strategy_svc.recorded_inputs(loaded, BMS).horizon_years == 12
    row = audit_of(loaded, "strategy")[-1]
    assert row.entity_key == BMS and row.actor_name == "tester"
    assert row.action == "update" and "horizon" in row.changes


async def test_the_memo_is_exported_from_the_strategy_screen(loaded: Store, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    out = tmp_path / "out"
    app = make_app(loaded, with_costs(templates))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_strategy(pilot)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, FolderDialog), "the folder question")
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        names = {f"{BMS}-filing-strategy.{ext}" for ext in ("docx", "md", "xlsx")}
        await until(
            pilot,
            lambda: out.is_dir() and {p.name for p in out.iterdir()} == names,
            "the memo files",
        )


async def test_issuing_a_tracer_for_two_vendors_then_looking_one_up(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(EngagementScreen(BMS))
        await pilot.pause()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, TracersScreen), "the tracer screen")
        screen = app.screen
        assert isinstance(screen, TracersScreen)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, IssueDialog), "the issue dialog")
        dialog = app.screen
        # Keys only: open the component list and take afe-board, tick two vendors, issue.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await until(
            pilot,
            lambda: dialog.query_one("#issue-component", Select).value == "afe-board",
            "the component",
        )
        await pilot.press("tab", "down", "space", "down", "space")
        vendors = dialog.query_one("#issue-vendors", SelectionList)
        await until(pilot, lambda: len(vendors.selected) == 2, "two vendors ticked")
        assert set(vendors.selected) == {"huaxin-pcba", "tamsui-embedded"}
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(screen.tracers) == 2, "two tracers in the register")
        table = screen.query_one("#tracers-table", DataTable)
        assert table.row_count == 2
        codes = {t.vendor: t.code for t in screen.tracers}
        assert set(codes) == {"huaxin-pcba", "tamsui-embedded"}
        assert codes["huaxin-pcba"] != codes["tamsui-embedded"]
        status = static_text(screen.query_one("#tracers-status", Static))
        assert codes["huaxin-pcba"] in status and codes["tamsui-embedded"] in status
        # Look the Huaxin code up as found on a board: typed by hand in lower case.
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LookupDialog), "the lookup")
        lookup = app.screen
        assert isinstance(lookup, LookupDialog)
        await pilot.press(*codes["huaxin-pcba"].lower(), "enter")
        await until(pilot, lambda: lookup.result is not None, "the lookup's answer")
        assert lookup.result is not None and lookup.result.status == AUTHENTIC
        shown = static_text(lookup.query_one("#lookup-result", Static))
        assert "issued to vendor huaxin-pcba for component afe-board" in shown
        assert f"engagement {BMS}" in shown
    rows = audit_of(loaded, "tracer")
    assert sorted(r.entity_key for r in rows) == sorted(codes.values())
    assert {r.action for r in rows} == {"issue"}
    assert {t.code for t in tracer_svc.list_tracers(loaded, BMS)} == set(codes.values())


async def test_the_lookup_is_in_the_palette_anywhere_and_catches_a_mistyped_code(
    loaded: Store, tmp_path: Path
) -> None:
    issued = tracer_svc.issue_tracers(
        loaded, BMS, "afe-board", ["huaxin-pcba", "tamsui-embedded"], actor="m"
    )
    code = issued.tracers[1].code
    body = code.replace("-", "")
    mistyped = ("1" if body[0] != "1" else "2") + body[1:]
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await run_palette(pilot, "look up a tracer", "Look up a tracer code")
        await until(pilot, lambda: isinstance(app.screen, LookupDialog), "the lookup")
        lookup = app.screen
        assert isinstance(lookup, LookupDialog)
        await pilot.press(*mistyped, "enter")
        await until(pilot, lambda: lookup.result is not None, "the lookup's answer")
        assert lookup.result is not None and lookup.result.status == MISTYPED
        assert lookup.result.tracer is None
        assert "mistyped" in static_text(lookup.query_one("#lookup-result", Static))
        lookup.query_one("#lookup-input", Input).value = ""
        await pilot.press(*code, "enter")
        await until(
            pilot,
            lambda: lookup.result is not None and lookup.result.status == AUTHENTIC,
            "the right code's answer",
        )
        assert lookup.result.tracer is not None
        assert lookup.result.tracer.vendor == "tamsui-embedded"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LookupDialog), "the dialog shut")


async def test_the_views_show_the_table_with_its_sources_and_where_to_outsource(
    loaded: Store, tmp_path: Path
) -> None:
    from firstfile.domain.strategy_record import CostIndex

    templates = with_costs(tmp_path)
    strategy_svc.record_strategy_inputs(
        loaded,
        BMS,
        strategy_svc.StrategyChanges(
            cost_indexes=(
                CostIndex("CN", 100, "supplier quotes, 2026"),
                CostIndex("TW", 140, "supplier quotes, 2026"),
            )
        ),
        actor="m",
        templates_dir=templates,
    )
    app = make_app(loaded, templates)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_strategy(pilot)
        table = screen.query_one("#strategy-table", DataTable)
        await pilot.press("v")
        await pilot.pause()
        assert cell(table, "JP", "cost") == "55,000 USD"
        assert cell(table, "KR", "enf") == "uncited"
        table.move_cursor(row=screen._keys.index("JP"))
        await pilot.pause()
        detail = static_text(screen.query_one("#strategy-detail", Static))
        assert "Enforceability: U.S. Chamber International IP Index" in detail
        assert "ILLUSTRATIVE ONLY" in detail
        await pilot.press("v")
        await pilot.pause()
        assert sorted(screen._keys) == ["CN", "TW"]
        assert cell(table, "CN", "index") == "100"
        assert cell(table, "TW", "relative") == "1.40x"
        await pilot.press("e")  # a what-if needs a country of the strategy's view
        await pilot.pause()
        assert not isinstance(app.screen, TextDialog)
        await pilot.press("v")
        await pilot.pause()
        assert "JP" in screen._keys
