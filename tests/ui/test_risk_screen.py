"""The outsourcing-risk screen on the sample engagements: opened from the engagement screen by
its key and from the palette, and from home through the palette by the engagement's name; the
tree with recommendations and their reasons, the red could-reproduce warning, the best split
applied through its dialog (the assignment and its audit rows written), a decision recorded (a
reason required against the recommendation), and the report exported."""

from __future__ import annotations

from pathlib import Path

import docx
from rich.text import Text
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from firstfile.services import directory, risk
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.choice import FolderDialog
from firstfile.ui.dialogs.risk import DecisionDialog, SplitDialog
from firstfile.ui.screens.engagement import EngagementScreen
from firstfile.ui.screens.home import HomeScreen
from firstfile.ui.screens.risk import RiskScreen
from firstfile.ui.screens.strategy import StrategyScreen
from firstfile.ui.screens.tracers import TracersScreen
from tests.ui.helpers import make_app, run_palette, until

AQ7 = "aq7-second-cm"


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_engagement(pilot: Pilot[None], app: FirstfileApp) -> EngagementScreen:
    await settle(pilot)
    app.open_engagement(AQ7)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, EngagementScreen)
    return screen


async def risk_screen(pilot: Pilot[None]) -> RiskScreen:
    """Wait for the risk screen to be on top with its picture loaded."""
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, RiskScreen) and pilot.app.screen.assessment is not None
        ),
        "the risk screen with its picture",
    )
    screen = pilot.app.screen
    assert isinstance(screen, RiskScreen)
    return screen


def shown_text(widget: Static) -> Text:
    """What the screen put in the widget (its own Text, with its styles)."""
    content = widget.content
    assert isinstance(content, Text)
    return content


def plain(widget: Static) -> str:
    return shown_text(widget).plain


def cell(table: DataTable[object], row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return value.plain if isinstance(value, Text) else str(value)


def audit_actions(store: Store, entity_key: str) -> list[str]:
    with store.read() as db:
        rows = db.execute(
            select(AuditEvent.action).where(AuditEvent.entity_key == entity_key)
        ).scalars()
        return list(rows)


async def test_r_on_the_engagement_screen_shows_the_tree_the_reasons_and_the_warning(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_engagement(pilot, app)
        await pilot.press("r")
        screen = await risk_screen(pilot)
        tree = screen.query_one("#risk-components", DataTable)
        assert tree.row_count == 9
        assert cell(tree, "co2-model", "recommendation") == "in-house"
        assert cell(tree, "co2-model", "scores") == "5/4/5"
        assert cell(tree, "co2-cal-station", "decision") == "safeguards !"  # against it
        # The highlighted component's recommendation is said in words, with its reason.
        keys = [c.key for c in screen.assessment.components]  # type: ignore[union-attr]
        tree.move_cursor(row=keys.index("co2-model"))
        await pilot.pause()
        detail = plain(screen.query_one("#risk-detail", Static))
        assert "Recommended: keep in-house (firewall): adds the most value" in detail
        # The vendor that sees the whole NDIR subsystem is named above the tabs.
        warning = screen.query_one("#risk-warning", Static)
        assert warning.display
        text = shown_text(warning)
        assert "COULD REPRODUCE: Manufactura Electrónica Tlaquepaque" in text.plain
        assert any("red" in str(span.style) for span in text.spans)
        # The matrix (filled when its tab is shown) has the vendors as columns and the
        # exposure row first.
        matrix = screen.query_one("#risk-matrix", DataTable)
        assert matrix.row_count == 0
        await pilot.press("2")
        await pilot.pause()
        assert [str(c.label) for c in matrix.columns.values()][1:] == list(
            screen.assessment.matrix.vendors
        )
        assert cell(matrix, "*", "tlaquepaque-ems").strip() == "67.5%"
        assert cell(matrix, "ndir-cavity", "tlaquepaque-ems") == "F 17.5%"
        # The vendors tab draws the bars.
        await pilot.press("3")
        bars = plain(screen.query_one("#risk-vendors", Static))
        assert "tlaquepaque-ems exposure █████" in bars
        # Back on the engagement screen, which loads its overview again.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EngagementScreen)


async def test_the_palette_opens_the_risk_screen_and_lists_its_actions(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_engagement(pilot, app)
        await run_palette(pilot, "outsourcing risk", "Outsourcing risk")
        screen = await risk_screen(pilot)
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {
            "Record a decision",
            "Best split across vendors",
            "Export the risk report",
            "Show the exposure matrix",
            "Show exposure per vendor",
        } <= titles
        await run_palette(pilot, "exposure matrix", "Show the exposure matrix")
        await until(
            pilot,
            lambda: screen.active_tab == "risk-tab-matrix",
            "the matrix tab",
        )


async def test_from_home_the_palette_opens_an_engagements_risk_by_its_name(
    loaded: Store, tmp_path: Path
) -> None:
    name = next(e.name for e in directory.list_engagements(loaded) if e.key == AQ7)
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await run_palette(pilot, "risk aq7", f"Outsourcing risk: {name} ({AQ7})")
        screen = await risk_screen(pilot)
        assert screen.engagement_key == AQ7
        tree = screen.query_one("#risk-components", DataTable)
        assert tree.row_count == 9
        assert cell(tree, "co2-model", "recommendation") == "in-house"
        assert "COULD REPRODUCE" in plain(screen.query_one("#risk-warning", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        # The strategy and tracer screens of an engagement are offered the same way.
        await run_palette(pilot, "tracers aq7", f"Tracers: {name} ({AQ7})")
        await until(pilot, lambda: isinstance(app.screen, TracersScreen), "the tracers")
        assert app.screen.engagement_key == AQ7  # type: ignore[attr-defined]
        await run_palette(pilot, "filing strategy aq7", f"Filing strategy: {name} ({AQ7})")
        await until(pilot, lambda: isinstance(app.screen, StrategyScreen), "the strategy")
        assert app.screen.engagement_key == AQ7  # type: ignore[attr-defined]
        assert len(app.screen_stack) == 2  # right above home: back leads home


async def test_r_on_home_opens_the_risk_of_the_engagement_under_the_cursor(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.focus_section("engagements")
        table = home.query_one("#home-engagements", DataTable)
        keys = [row.value for row in table.rows]
        table.move_cursor(row=keys.index(AQ7))
        await pilot.press("r")
        screen = await risk_screen(pilot)
        assert screen.engagement_key == AQ7
        assert screen.query_one("#risk-components", DataTable).row_count == 9
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        await pilot.press("c")  # the tracers, the same way
        await until(pilot, lambda: isinstance(app.screen, TracersScreen), "the tracers")


async def test_the_best_split_is_shown_beside_today_and_applied_in_one_audited_step(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_engagement(pilot, app)
        await pilot.press("r")
        screen = await risk_screen(pilot)
        await pilot.press("b")
        # The dialog's children mount one container after another: wait for the last one.
        await until(
            pilot,
            lambda: isinstance(app.screen, SplitDialog) and bool(app.screen.query("#split-moves")),
            "the split dialog",
            timeout=60,
        )
        dialog = app.screen
        assert isinstance(dialog, SplitDialog)
        vendors = dialog.query_one("#split-vendors", DataTable)
        assert cell(vendors, "tlaquepaque-ems", "before").strip() == "67.5%"
        assert cell(vendors, "tlaquepaque-ems", "after").strip() == "57.0%"
        moves = plain(dialog.query_one("#split-moves", Static))
        assert "ndir-frontend: tlaquepaque-ems -> bayan-ems" in moves
        # Nothing is written before the user says so.
        assert "apply-split" not in audit_actions(loaded, AQ7)
        await pilot.press("y")
        # Applying re-reads the inputs and checks the fingerprint in the writing transaction.
        await until(pilot, lambda: screen.message.startswith("Split applied"), "the apply",
                    timeout=60)
        await settle(pilot)
        assert not screen.query_one("#risk-warning", Static).display
    picture = risk.assessment(loaded, AQ7)
    assert picture.component("ndir-frontend").vendors == ("bayan-ems",)
    assert picture.flags_for_components(["ndir-frontend"]) == ()
    assert audit_actions(loaded, AQ7).count("apply-split") == 1
    assert "split-move" in audit_actions(loaded, "ndir-frontend")


async def test_a_decision_against_the_recommendation_needs_its_reason(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_engagement(pilot, app)
        await pilot.press("r")
        screen = await risk_screen(pilot)
        keys = [c.key for c in screen.assessment.components]  # type: ignore[union-attr]
        screen.query_one("#risk-components", DataTable).move_cursor(row=keys.index("enclosure"))
        await pilot.press("d")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, DecisionDialog)
                and bool(app.screen.query("#decision-choice"))
            ),
            "the dialog",
        )
        dialog = app.screen
        choice = dialog.query_one("#decision-choice", OptionList)
        choice.highlighted = 0  # keep in-house: against "outsource"
        dialog.query_one("#decision-reason", Input).focus()
        await pilot.press("enter")
        # Refused in the dialog, which stays open and says why; nothing written.
        await until(
            pilot,
            lambda: any("say why" in n.message for n in app._notifications),
            "the warning",
        )
        assert app.screen is dialog
        assert "decide" not in audit_actions(loaded, "enclosure")
        await pilot.press(*"the gasket design is ours")
        await pilot.press("enter")
        await until(pilot, lambda: screen.message.startswith("enclosure: decision"), "the save")
        await settle(pilot)
        tree = screen.query_one("#risk-components", DataTable)
        assert cell(tree, "enclosure", "decision") == "in-house !"
    decided = risk.assessment(loaded, AQ7).component("enclosure")
    assert decided.decision is not None
    assert decided.decision.disposition == "firewall"
    assert decided.decision.reason == "the gasket design is ours"
    assert decided.decision.decided_by == "tester"
    assert audit_actions(loaded, "enclosure").count("decide") == 1


async def test_the_report_is_exported_from_the_screen(loaded: Store, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_engagement(pilot, app)
        await pilot.press("r")
        screen = await risk_screen(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FolderDialog), "the folder dialog")
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await until(pilot, lambda: screen.message.startswith("Wrote"), "the export")

        def shown_whole() -> bool:  # wrapped over the status lines, the folder included
            status = screen.query_one("#risk-status").region
            strips = app.screen._compositor.render_strips()
            lines = [strips[y].text for y in range(status.y, status.bottom)]
            return "".join(line.strip() for line in lines).endswith(str(out).replace(" ", ""))

        await until(pilot, shown_whole, "the whole message on the screen")
    assert str(out) in screen.message and screen.message.endswith(str(out))
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"{AQ7}-risk-report-internal.docx", f"{AQ7}-risk-report-internal.md"]
    body = "\n".join(p.text for p in docx.Document(str(out / written[0])).paragraphs)
    assert "CONFIDENTIAL - INTERNAL" in body


async def test_a_broken_policy_is_shown_with_its_line_and_nothing_is_offered(
    loaded: Store, tmp_path: Path
) -> None:
    from firstfile.resources import shipped_templates

    own = tmp_path / "policies"
    own.mkdir()
    text = (shipped_templates() / "policies" / "firewall.yaml").read_text()
    (own / "firewall.yaml").write_text(text.replace("  safeguards: 2", "  safegards: 2"))
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_engagement(pilot, app)
        await pilot.press("r")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, RiskScreen)
                and "Cannot show" in plain(app.screen.query_one("#risk-title", Static))
            ),
            "the failure",
        )
        screen = app.screen
        assert isinstance(screen, RiskScreen)
        assert "firewall.yaml:" in plain(screen.query_one("#risk-title", Static))
        assert screen.assessment is None
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is screen  # no decision dialog without a picture
