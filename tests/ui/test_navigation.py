"""Getting everywhere from the keyboard: home to an engagement and back, the review queue and
the deadlines from the palette, a session started and reached again, and no way out of a
screen with unsaved work that does not ask first."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList
from textual.widgets._footer import FooterKey

from firstfile.services import sessions
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.commands import APP_COMMANDS
from firstfile.ui.dialogs.choice import LeaveDialog
from firstfile.ui.screens.deadlines import DeadlinesScreen
from firstfile.ui.screens.editor import EditorScreen
from firstfile.ui.screens.engagement import EngagementScreen
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.screens.home import HomeScreen
from firstfile.ui.screens.review_queue import ReviewQueueScreen
from firstfile.ui.screens.session_setup import SessionSetupScreen
from tests.ui.helpers import editor_ready, make_app, run_palette, until


def table_keys(table: DataTable[object]) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def home_loaded(pilot: Pilot[None]) -> HomeScreen:
    app = pilot.app
    def ready() -> bool:
        # Home mounts its tables after its first frame, so they may not exist yet.
        if not isinstance(app.screen, HomeScreen):
            return False
        tables = app.screen.query("#home-sessions")
        return bool(tables) and tables.first(DataTable).row_count > 0

    await until(pilot, ready, "the home summary")
    assert isinstance(app.screen, HomeScreen)
    return app.screen


def footer_keys(app: FirstfileApp) -> set[str]:
    return {key.description for key in app.screen.query(FooterKey)}


async def test_home_to_an_engagement_and_back(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_loaded(pilot)
        engagements = home.query_one("#home-engagements", DataTable)
        assert table_keys(engagements) == ["aq7-second-cm", "bms48-shenzhen"]
        await pilot.press("ctrl+b")  # the cursor goes to the engagements
        assert app.focused is engagements
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, EngagementScreen), "the engagement")
        screen = app.screen
        assert isinstance(screen, EngagementScreen)
        assert screen.engagement_key == "bms48-shenzhen"
        await until(pilot, lambda: screen.overview is not None, "the phase guide")
        assert screen.overview is not None and screen.overview.key == "bms48-shenzhen"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is home, "home again")
        assert len(app.screen_stack) == 1


async def test_palette_opens_the_review_queue_and_the_deadlines(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {c.title for c in APP_COMMANDS} - {"Home", "Extraction sessions",
                                                  "Engagements"} <= titles
        assert {"Start an extraction session", "Extraction sessions", "Engagements",
                "Review queue", "Deadlines"} <= titles
        # the navigation keys show in home's footer at 80 columns (the footer redraws its
        # keys after focus settles, so wait for it rather than read it mid-update)
        wanted = {"Queue", "Dates", "List", "Log", "New session", "Quit"}
        await until(pilot, lambda: wanted <= footer_keys(app), "home's footer keys")

        await run_palette(pilot, "review queue", "Review queue")
        await until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        await until(pilot, lambda: len(queue.items) > 0, "the queue's rows")
        # enter on a row opens the disclosure over the queue; escape comes back to it
        key = queue.items[0].state.key
        await pilot.press("enter")
        # Escape is the editor's once its form is there; pressed earlier it may go nowhere.
        await until(pilot, lambda: editor_ready(pilot), "the editor's form")
        assert isinstance(app.screen, EditorScreen) and app.screen.disclosure_key == key
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is queue, "the queue again")

        await run_palette(pilot, "deadlines", "Deadlines")
        await until(pilot, lambda: isinstance(app.screen, DeadlinesScreen), "the deadlines")
        # the queue was left: home, then one section
        assert [type(s) for s in app.screen_stack] == [HomeScreen, DeadlinesScreen]
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen), "the queue")
        assert [type(s) for s in app.screen_stack] == [HomeScreen, ReviewQueueScreen]


async def test_a_session_is_started_from_the_keyboard_and_reached_again(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_loaded(pilot)
        before = table_keys(home.query_one("#home-sessions", DataTable))
        await pilot.press("ctrl+f")  # the sessions table; its first row is aq7-second-cm's
        assert app.focused is home.query_one("#home-sessions", DataTable)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SessionSetupScreen), "the set-up")
        setup = app.screen
        assert isinstance(setup, SessionSetupScreen)
        assert setup.engagement_key == "aq7-second-cm"  # from the highlighted session
        participants = setup.query_one("#setup-participants", SelectionList)
        await until(pilot, lambda: participants.option_count > 0, "the people")

        setup.query_one("#setup-key", Input).focus()
        await pilot.press(*"post-1", "tab", *"What did the line change?")
        setup.query_one("#setup-facilitator").focus()
        await pilot.press("enter", "down", "enter")  # the first person facilitates
        participants.focus()
        await pilot.press("space", "down", "space")  # two people in the room
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FacilitationScreen), "the session")
        assert [type(s) for s in app.screen_stack] == [HomeScreen, FacilitationScreen]
        room = app.screen
        assert isinstance(room, FacilitationScreen)
        assert room.session_ref == "aq7-second-cm/post-1"
        assert "aq7-second-cm/post-1" in {r.ref for r in sessions.list_sessions(loaded)}

        # back home: the new session is listed; enter opens it again
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is home and "aq7-second-cm/post-1" in
                    table_keys(home.query_one("#home-sessions", DataTable)), "the list")
        table = home.query_one("#home-sessions", DataTable)
        assert len(table_keys(table)) == len(before) + 1
        await pilot.press("ctrl+f")
        table.move_cursor(row=table_keys(table).index("aq7-second-cm/post-1"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FacilitationScreen), "the room")
        assert isinstance(app.screen, FacilitationScreen)
        assert app.screen.session_ref == "aq7-second-cm/post-1"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is home, "home")


async def test_leaving_typed_work_always_asks(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await home_loaded(pilot)
        # an idea typed in the room, then the room's own Back key
        app.open_session(table_keys(home.query_one("#home-sessions", DataTable))[0])
        await until(pilot, lambda: isinstance(app.screen, FacilitationScreen), "the room")
        room = app.screen
        assert isinstance(room, FacilitationScreen)
        await until(pilot, lambda: room.view is not None, "the session")
        await pilot.press(*"Half an idea")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("escape")  # cancel: still in the room, the text kept
        await until(pilot, lambda: app.screen is room, "the room again")
        assert room.query_one("#session-capture", Input).value == "Half an idea"
        # a section key asks too; discarding goes on to the deadlines
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DeadlinesScreen), "the deadlines")
        assert [type(s) for s in app.screen_stack] == [HomeScreen, DeadlinesScreen]

        # a half-filled session set-up asks before it is left
        await pilot.press("ctrl+f")
        await until(pilot, lambda: app.screen is home, "home")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SessionSetupScreen)
                    and bool(app.screen.query("#setup-title")), "the set-up")
        setup = app.screen
        setup.query_one("#setup-title", Input).value = "Half a plan"
        await pilot.press("ctrl+g")
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("s")  # "save" cannot keep a set-up: it stays, with a hint
        await until(pilot, lambda: app.screen is setup, "the set-up again")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("d")
        await until(pilot, lambda: app.screen is home, "home")
        assert len(app.screen_stack) == 1
