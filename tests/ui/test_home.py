"""The home screen: a loading state, then engagements, recent disclosures and counts."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures
from firstfile.storage.engine import Store
from firstfile.ui.app import HOME_FIRST_SECONDS
from firstfile.ui.dialogs.capture import QuickCaptureScreen
from firstfile.ui.screens.editor import EditorScreen
from firstfile.ui.screens.home import HomeScreen
from tests.factories import seed_basics
from tests.ui.helpers import make_app, run_palette

MARKUP_TITLE = "R&D [bold]x[/bold] closing [/] tag"



async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def seed(store: Store) -> None:
    seed_basics(store)
    disclosures.create_disclosure(
        store,
        DisclosureDraft(title=MARKUP_TITLE, summary="s", engagement_key="ACME-2026",
                        inventors=(InventorEntry("wli", "inventor", 100),)),
        actor="seed", key="FF-2026-0001",
    )
    disclosures.create_disclosure(
        store,
        DisclosureDraft(title="Thermal pad layout", engagement_key="ACME-2026",
                        status="draft", inventors=(InventorEntry("jdoe"),)),
        actor="seed", key="FF-2026-0002",
    )


def cell_text(table: DataTable[object], row: str, column: str) -> str:
    value = table.get_cell(row, column)
    return getattr(value, "plain", str(value))


async def test_home_shows_engagements_recent_and_counts(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        engagements = home.query_one("#home-engagements", DataTable)
        assert cell_text(engagements, "ACME-2026", "vendors") == "Shenzhen PCBA Co."
        assert cell_text(engagements, "ACME-2026", "count") == "2"
        recent = home.query_one("#home-recent", DataTable)
        assert recent.row_count == 2
        # markup in a title is shown literally and does not crash the table
        assert cell_text(recent, "FF-2026-0001", "title") == MARKUP_TITLE
        # Its only inventor works for the vendor: a vendor invention, not a joint one.
        assert cell_text(recent, "FF-2026-0001", "joint") == "VENDOR"
        assert cell_text(recent, "FF-2026-0002", "joint") == ""
        assert "draft 2" in str(home.query_one("#home-counts", Static).render())
        assert app.is_running


async def test_home_points_at_unsaved_edits(sqlite_store: Store, tmp_path: Path) -> None:
    from firstfile.services import drafts

    seed(sqlite_store)
    drafts.save_buffer(sqlite_store, drafts.editor_owner("FF-2026-0002"), "FF-2026-0002",
                       {"form": {"title": "typed before a crash"}, "base_version": 1},
                       actor="tester")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hint = str(app.screen.query_one("#home-hint", Static).render())
        assert "Unsaved edits waiting in FF-2026-0002" in hint


async def test_home_refreshes_when_returning(sqlite_store: Store, tmp_path: Path) -> None:
    seed(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        recent = app.screen.query_one("#home-recent", DataTable)
        assert recent.cursor_row == 0
        first_key = recent.coordinate_to_cell_key(Coordinate(0, 0)).row_key.value
        await pilot.press("enter")  # the recent table has focus: enter opens the editor
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.disclosure_key == first_key
        # a disclosure logged meanwhile shows up once home is back in front
        disclosures.create_disclosure(sqlite_store, DisclosureDraft(title="Busbar clamp"),
                                      actor="other", key="FF-2026-0003")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert recent.row_count == 3
        assert "draft 3" in str(app.screen.query_one("#home-counts", Static).render())


async def test_loading_state_comes_first(sqlite_store: Store, tmp_path: Path) -> None:
    seed(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    # Hold the store back, as while the real app is still opening the database.
    app._store_ready.clear()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert home.query_one("#home-loading").display
        assert not home.query_one("#home-body").display
        app._store_ready.set()
        await settle(pilot)
        assert not home.query_one("#home-loading").display
        assert home.query_one("#home-body").display
        assert home.query_one("#home-recent", DataTable).row_count == 2


async def test_palette_lists_every_action(sqlite_store: Store, tmp_path: Path) -> None:
    seed(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Log an invention", "Disclosure list", "Home", "Quit", "Refresh home"} <= titles
        app.open_disclosure("FF-2026-0001")
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Save disclosure", "Export disclosure", "Delete disclosure",
                "Log an invention", "Quit"} <= titles
        assert "Restore disclosure" not in titles  # only offered for a deleted disclosure
        # and for real: the palette finds quick capture by name and runs it
        await run_palette(pilot, "log an inv", "Log an invention")
        await settle(pilot)
        assert isinstance(app.screen, QuickCaptureScreen)


QUIT_CHILD = """
import asyncio, sys
from firstfile.settings import Settings
from firstfile.ui.app import FirstfileApp

app = FirstfileApp(Settings(db=sys.argv[1], actor="tester", templates_dir=sys.argv[2]))

async def drive(pilot):
    if sys.argv[3] == "after":
        while not app.screen.query_one("#home-body").display:
            await asyncio.sleep(0.02)
    await pilot.press("ctrl+q")

asyncio.run(app.run_async(headless=True, size=(80, 24), auto_pilot=drive))
"""


def _quit(db: str, tmp_path: Path, when: str) -> float:
    """Seconds a process that opens the app on db takes to end, ctrl+q pressed at once or
    once home shows its data: the process ends only when the opening thread has."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", QUIT_CHILD, db, str(tmp_path), when],
                   capture_output=True, check=True, timeout=120)
    return time.monotonic() - started


def test_the_app_quits_before_and_after_home_has_its_data(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed(sqlite_store)
    db = sqlite_store.url.removeprefix("sqlite:///")
    # Quit at once: the opening thread, waiting for home, stops instead of loading the other
    # screens' services, so the process does not wait the five seconds for it.
    assert _quit(db, tmp_path, "at-once") < HOME_FIRST_SECONDS
    assert _quit(db, tmp_path, "after") < 30
