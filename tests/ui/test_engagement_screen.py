"""The engagement screen: tick checklist items, see the phase guide change, move phases."""

from __future__ import annotations

import json
from pathlib import Path

from rich.text import Text
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from firstfile.services import engagements as svc
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.screens.engagement import EngagementScreen, TextDialog
from tests.factories import seed_basics
from tests.ui.helpers import make_app

ACME = "ACME-2026"
MARKUP_NAME = "R&D [bold]x[/bold] closing [/] tag"



async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def guide_mark(screen: EngagementScreen, step_id: str) -> str:
    table = screen.query_one("#engagement-guide", DataTable)
    cell = table.get_cell(step_id, "done")
    return cell.plain if isinstance(cell, Text) else str(cell)


def item_status(screen: EngagementScreen, item_id: str) -> str:
    cell = screen.query_one("#engagement-checklist", DataTable).get_cell(item_id, "status")
    return cell.plain if isinstance(cell, Text) else str(cell)


def settle_all_but(store: Store, keep: set[str]) -> list[str]:
    """Mark every item of sz-pcba done except those in keep; return the checklist's item ids."""
    checklist = svc.vendor_checklist(store, ACME, "sz-pcba")
    for line in checklist.lines:
        if line.item.id not in keep:
            svc.update_item(store, ACME, "sz-pcba", line.item.id, svc.ItemUpdate(status="done"),
                            actor="seed")
    return [line.item.id for line in checklist.lines]


async def test_ticking_the_last_items_completes_the_guide_step(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    seed_basics(sqlite_store)
    last = {"verbal-reinforcement", "surviving-obligations"}
    ids = settle_all_but(sqlite_store, last)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        assert guide_mark(screen, "pre-agreements") == "[ ]"
        checklist = screen.query_one("#engagement-checklist", DataTable)
        checklist.focus()
        for item_id in sorted(last, key=ids.index):
            checklist.move_cursor(row=ids.index(item_id))
            await pilot.press("x")
            await settle(pilot)
            assert item_status(screen, item_id) == "done"
        assert guide_mark(screen, "pre-agreements") == "[x]"
        # Pressing x again reopens the item, and the guide follows.
        checklist.move_cursor(row=ids.index("verbal-reinforcement"))
        await pilot.press("x")
        await settle(pilot)
        assert item_status(screen, "verbal-reinforcement") == "open"
        assert guide_mark(screen, "pre-agreements") == "[ ]"
    stored = svc.vendor_checklist(sqlite_store, ACME, "sz-pcba")
    assert {line.item.id: line.state.status for line in stored.lines}[
        "surviving-obligations"] == "done"


async def test_not_applicable_asks_for_a_reason(sqlite_store: Store, tmp_path: Path) -> None:
    seed_basics(sqlite_store)
    ids = [line.item.id for line in svc.vendor_checklist(sqlite_store, ACME, "sz-pcba").lines]
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        checklist = screen.query_one("#engagement-checklist", DataTable)
        checklist.focus()
        checklist.move_cursor(row=ids.index("tooling"))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = "no moulds: bare boards only"
        await pilot.press("enter")
        await settle(pilot)
        assert item_status(screen, "tooling") == "not-applicable"
    tooling = next(line for line in svc.vendor_checklist(sqlite_store, ACME, "sz-pcba").lines
                   if line.item.id == "tooling")
    assert tooling.state.reason == "no moulds: bare boards only"


async def test_moving_to_during_with_open_critical_items_asks_and_records_the_override(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # cancel: nothing changes
        await settle(pilot)
        assert screen.overview is not None and screen.overview.phase == "pre"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = "prototype run booked"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.overview is not None and screen.overview.phase == "during"
    with sqlite_store.read() as db:
        event = db.execute(select(AuditEvent).where(AuditEvent.entity == "engagement",
                                                    AuditEvent.entity_key == ACME)
                           .order_by(AuditEvent.id.desc())).scalars().first()  # type: ignore[union-attr]
    assert event is not None and event.action == "phase-override" and event.actor_name == "tester"
    assert json.loads(event.changes)["reason"] == [None, "prototype run booked"]


async def test_a_phase_change_without_open_items_asks_first(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    seed_basics(sqlite_store)
    svc.change_phase(sqlite_store, ACME, "during", actor="tester", override=True,
                     reason="prototype run booked")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "to post" in app.screen._question
        await pilot.press("n")  # one key never moves the engagement
        await settle(pilot)
        assert app.screen is screen
        assert svc.engagement_overview(sqlite_store, ACME).phase == "during"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert screen.overview is not None and screen.overview.phase == "post"
    assert svc.engagement_overview(sqlite_store, ACME).phase == "post"


async def test_a_hand_ticked_step_and_markup_in_names(sqlite_store: Store, tmp_path: Path) -> None:
    seed_basics(sqlite_store)
    svc.update_vendor(sqlite_store, "sz-pcba", svc.VendorChanges(name=MARKUP_NAME), actor="t")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        vendors = screen.query_one("#engagement-vendors", DataTable)
        cell = vendors.get_cell("sz-pcba", "vendor")
        assert isinstance(cell, Text) and cell.plain == MARKUP_NAME
        guide = screen.query_one("#engagement-guide", DataTable)
        guide.focus()
        guide.move_cursor(row=screen._step_ids.index("pre-where"))
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one(Input).value = "CN chosen for assembly"
        await pilot.press("enter")
        await settle(pilot)
        assert guide_mark(screen, "pre-where") == "[x]"
        # A derived step is not ticked by hand.
        guide.move_cursor(row=screen._step_ids.index("pre-extract"))
        await pilot.press("t")
        await settle(pilot)
        assert guide_mark(screen, "pre-extract") == "[ ]"


async def test_an_item_changed_elsewhere_since_it_was_shown_is_not_overwritten(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    ids = settle_all_but(sqlite_store, set())
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        assert item_status(screen, "tooling") == "done"
        # A colleague rules the item out after this screen was drawn...
        svc.update_item(sqlite_store, ACME, "sz-pcba", "tooling",
                        svc.ItemUpdate(status="not-applicable", reason="bare boards only"),
                        actor="colleague")
        # ... so x, meant to reopen a done item, must not reopen theirs.
        checklist = screen.query_one("#engagement-checklist", DataTable)
        checklist.focus()
        checklist.move_cursor(row=ids.index("tooling"))
        await pilot.press("x")
        await settle(pilot)
        assert item_status(screen, "tooling") == "not-applicable"  # shown as it is now
    tooling = next(line for line in svc.vendor_checklist(sqlite_store, ACME, "sz-pcba").lines
                   if line.item.id == "tooling")
    assert (tooling.state.status, tooling.state.reason) == ("not-applicable", "bare boards only")


async def test_the_last_phase_change_can_be_undone_after_a_confirmation(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    seed_basics(sqlite_store)
    svc.change_phase(sqlite_store, ACME, "during", actor="tester", override=True,
                     reason="prototype run booked")
    svc.change_phase(sqlite_store, ACME, "post", actor="tester")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = EngagementScreen(ACME)
        await app.push_screen(screen)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "during -> post" in app.screen._question
        await pilot.press("n")  # cancelled: nothing changes
        await settle(pilot)
        assert svc.engagement_overview(sqlite_store, ACME).phase == "post"
        # A colleague moves the phase while the question is open: the undo is refused.
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        svc.change_phase(sqlite_store, ACME, "closed", actor="colleague")
        await pilot.press("y")
        await settle(pilot)
        assert svc.engagement_overview(sqlite_store, ACME).phase == "closed"
        assert any("changed again since" in n.message for n in app._notifications)
        # Now the last move is the colleague's; undone after a yes.
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "post -> closed" in app.screen._question
        await pilot.press("y")
        await settle(pilot)
        assert screen.overview is not None and screen.overview.phase == "post"
        # The undo is not undone: u says so and asks nothing.
        await pilot.press("u")
        await settle(pilot)
        assert app.screen is screen
        assert any("an undo already" in n.message for n in app._notifications)
    with sqlite_store.read() as db:
        actions = [e.action for e in db.execute(
            select(AuditEvent).where(AuditEvent.entity == "engagement",
                                     AuditEvent.entity_key == ACME)
            .order_by(AuditEvent.seq)).scalars()]
    assert actions[-4:] == ["phase-override", "change-phase", "change-phase",
                            "undo-phase-change"]
    assert "engagement-undo-phase" in {c.id for c in EngagementScreen.FIRSTFILE_COMMANDS}
