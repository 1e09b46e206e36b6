"""The home screen: a loading state, then engagements, recent disclosures and counts."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

import firstfile.ui.app as app_module
from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import HOME_FIRST_SECONDS, FirstfileApp
from firstfile.ui.dialogs.capture import QuickCaptureScreen
from firstfile.ui.screens.editor import EditorScreen
from firstfile.ui.screens.home import HomeScreen
from tests.factories import seed_basics
from tests.ui.helpers import make_app, run_palette, until

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


FIRST_LOOK_CHILD = """
import asyncio, json, sys
from pathlib import Path
from textual.widgets import DataTable
import firstfile.ui.app
from firstfile.settings import Settings
from firstfile.ui.app import FirstfileApp

def recent(app):
    table = app.screen.query_one("#home-recent", DataTable)
    return [str(key.value) for key in table.rows]

class Watched(FirstfileApp):
    CSS_PATH = Path(firstfile.ui.app.__file__).with_name("app.tcss")  # not beside "-c"
    seen = None
    def home_shown(self):  # home has painted its first data
        if self.seen is None:
            self.seen = {"sqlalchemy": "sqlalchemy" in sys.modules,
                         "store_open": self.store is not None, "recent": recent(self)}
        super().home_shown()

app = Watched(Settings(db=sys.argv[1], actor="tester", templates_dir=sys.argv[2]))

async def drive(pilot):
    while app.seen is None or app.store is None:
        await asyncio.sleep(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()
    print(json.dumps({**app.seen, "recent_from_store": recent(app)}), flush=True)
    await pilot.press("ctrl+q")

asyncio.run(app.run_async(headless=True, size=(80, 24), auto_pilot=drive))
"""


def test_home_shows_the_file_before_the_database_library_is_loaded(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed(sqlite_store)
    db = sqlite_store.url.removeprefix("sqlite:///")
    done = subprocess.run([sys.executable, "-c", FIRST_LOOK_CHILD, db, str(tmp_path)],
                          capture_output=True, text=True, check=True, timeout=120)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # The first data painted came from the first look: SQLAlchemy not yet imported, the
    # store not yet open; the store's own reading then showed the same.
    assert seen["sqlalchemy"] is False and seen["store_open"] is False
    assert seen["recent"] == ["FF-2026-0002", "FF-2026-0001"]
    assert seen["recent_from_store"] == seen["recent"]


async def test_what_the_first_look_showed_goes_when_the_store_cannot_open(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sqlite_store)
    path = Path(sqlite_store.url.removeprefix("sqlite:///"))
    sqlite_store.dispose()
    # Opening writes the planner's statistics when they are missing, and another program
    # holds the write lock for longer than the busy timeout: the store does not open.
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("DELETE FROM sqlite_stat1")
    writer.execute("BEGIN IMMEDIATE")
    monkeypatch.setenv("FIRSTFILE_BUSY_TIMEOUT", "0.2")
    shown: list[int] = []

    class Watched(FirstfileApp):
        CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))  # not beside this file

        def home_shown(self) -> None:
            if not shown:
                shown.append(self.screen.query_one("#home-recent", DataTable).row_count)
            super().home_shown()

    app = Watched(Settings(db=str(path), actor="tester", templates_dir=tmp_path))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "Cannot load" in str(
                app.screen.query_one("#home-counts", Static).render()), "home's error")
            assert shown == [2]  # the first look showed both disclosures
            assert app.screen.query_one("#home-recent", DataTable).row_count == 0
            assert app.screen.query_one("#home-engagements", DataTable).row_count == 0
            assert any(n.title == "Cannot open the database" for n in app._notifications)
    finally:
        writer.rollback()
        writer.close()
