"""Workflow screens that handle their own behaviour: the session set-up asks and saves for
itself on the way out, the review queue and the deadlines open a row on enter, and an
engagement starts an extraction session for itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, Select, SelectionList, Static
from textual.widgets._footer import FooterKey

from firstfile.domain.views import EventView
from firstfile.services import counsel, sessions
from firstfile.services.disclosures import all_views
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp, Guarded, guard_of
from firstfile.ui.dialogs.choice import LeaveDialog
from firstfile.ui.screens.deadlines import DeadlinesScreen
from firstfile.ui.screens.editor import EditorScreen
from firstfile.ui.screens.engagement import EngagementScreen
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.screens.home import HomeScreen
from firstfile.ui.screens.review_queue import DecisionDialog, DecisionInput, ReviewQueueScreen
from firstfile.ui.screens.session_setup import SessionSetupScreen
from tests.factories import seed_basics
from tests.ui.helpers import editor_ready, make_app, run_palette, until

AS_OF = date(2026, 3, 1)
ACME = "ACME-2026"





async def open_setup(pilot: Pilot[None]) -> SessionSetupScreen:
    """The set-up form for ACME over home, with its people and components loaded."""
    app = pilot.app
    assert isinstance(app, FirstfileApp)
    app.start_session(ACME)
    await until(pilot, lambda: isinstance(app.screen, SessionSetupScreen)
                and bool(app.screen.query("#setup-components")), "the set-up")
    setup = app.screen
    assert isinstance(setup, SessionSetupScreen)
    await until(pilot, lambda: setup.query_one("#setup-participants",
                                               SelectionList).option_count == 3, "the people")
    await until(pilot, lambda: setup.query_one("#setup-components",
                                               SelectionList).option_count == 1,
                "the components")
    return setup


# --- the session set-up guards itself ------------------------------------------------------


async def test_set_up_is_its_own_guard_and_only_typed_work_counts(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot)
        assert isinstance(setup, Guarded)
        assert guard_of(setup) is setup
        # the engagement is chosen already: the cursor starts on the session key
        assert app.focused is setup.query_one("#setup-key", Input)
        # the engagement, phase, date and numbers come filled in: nothing to ask about yet
        assert not setup.has_unsaved_changes()
        setup.query_one("#setup-components", SelectionList).select("bms-fw")
        assert setup.has_unsaved_changes()
        assert setup.unsaved_label() == "The new session's set-up"
        # leaving without anything typed does not ask
        setup.query_one("#setup-components", SelectionList).deselect("bms-fw")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        assert len(app.screen_stack) == 1


async def test_saving_a_valid_set_up_on_the_way_out_creates_the_session(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot)
        setup.query_one("#setup-key", Input).value = "pre-9"
        setup.query_one("#setup-title", Input).value = "What will they change?"
        setup.query_one("#setup-facilitator", Select).value = "jdoe"
        setup.query_one("#setup-participants", SelectionList).select("wli")
        await pilot.press("ctrl+l")  # the deadlines: asks first
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("s")
        # created, then on to where the user was going (not into the room)
        await until(pilot, lambda: isinstance(app.screen, DeadlinesScreen), "the deadlines")
        assert [type(s) for s in app.screen_stack] == [HomeScreen, DeadlinesScreen]
        assert setup.created_ref == f"{ACME}/pre-9"
    view = sessions.get_session(sqlite_store, f"{ACME}/pre-9")
    assert view.title == "What will they change?"
    assert [p.key for p in view.participants] == ["jdoe", "wli"]


async def test_leaving_while_the_session_is_being_created_still_ends_where_asked(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot)
        setup.query_one("#setup-key", Input).value = "pre-8"
        setup.query_one("#setup-title", Input).value = "Created on the way out"
        setup.query_one("#setup-facilitator", Select).value = "jdoe"
        setup.query_one("#setup-participants", SelectionList).select("wli")
        # ctrl+s and a section key at once: whichever finishes first, the answer "save"
        # ends at home with the session created, never in the room over the question
        setup.action_create()
        app.go_home()
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog | HomeScreen),
                    "the question")
        if isinstance(app.screen, LeaveDialog):
            await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        # The session is created and every message after it handled: had the form gone on
        # into the room, the room would be on the stack by now.
        await until(pilot, lambda: setup.created_ref is not None, "the session")
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [HomeScreen]
        assert setup.created_ref == f"{ACME}/pre-8"
    assert sessions.get_session(sqlite_store, f"{ACME}/pre-8").title == "Created on the way out"


async def test_without_an_engagement_the_cursor_starts_on_the_engagement(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_session()
        await until(pilot, lambda: isinstance(app.screen, SessionSetupScreen)
                    and app.focused is not None, "the set-up")
        assert isinstance(app.screen, SessionSetupScreen)
        assert app.focused is app.screen.query_one("#setup-engagement", Select)


async def test_saving_an_invalid_set_up_keeps_the_form_and_says_what_to_fix(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        setup = await open_setup(pilot)
        setup.query_one("#setup-title", Input).value = "Half a plan"
        await pilot.press("ctrl+g")
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("s")
        problems = setup.query_one("#setup-problems", Static)
        await until(pilot, lambda: "session key" in str(problems.render()), "the problems")
        assert app.screen is setup
        assert setup.query_one("#setup-title", Input).value == "Half a plan"
        assert sessions.list_sessions(sqlite_store) == []
        # a date that cannot be read is named too, and still nothing is created
        setup.query_one("#setup-date", Input).value = "tomorrow"
        await pilot.press("ctrl+g")
        await until(pilot, lambda: isinstance(app.screen, LeaveDialog), "the question")
        await pilot.press("s")
        await until(pilot, lambda: "YYYY-MM-DD" in str(problems.render()), "the date problem")
        assert app.screen is setup
        assert sessions.list_sessions(sqlite_store) == []


# --- enter on a row opens it -----------------------------------------------------------------


async def test_enter_on_a_queue_row_opens_that_disclosure(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = ReviewQueueScreen(as_of=AS_OF)
        await app.push_screen(queue)
        await until(pilot, lambda: len(queue.items) >= 2, "the queue's rows")
        table = queue.query_one("#queue-table", DataTable)
        assert app.focused is table
        table.move_cursor(row=1)
        await pilot.press("enter")
        # Waiting for the form, not just the screen: leaving while it mounts races Textual.
        await until(pilot, lambda: editor_ready(pilot), "the editor's form")
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.disclosure_key == queue.items[1].state.key
        assert app.screen.disclosure_key != queue.items[0].state.key


async def test_enter_on_a_deadline_row_opens_its_disclosure(
    loaded: Store, tmp_path: Path
) -> None:
    first, second = (view.key for view in all_views(loaded)[:2])
    for key in (first, second):
        counsel.add_event(loaded, key, EventView("public-disclosure", date(2025, 6, 1), "DE",
                                                 "trade show"), actor="tester")
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = DeadlinesScreen(as_of=AS_OF, window=None)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.shown) >= 2, "the deadlines")
        # a row whose disclosure differs from the first row's, so opening the wrong row shows
        row = next(i for i, r in enumerate(screen.shown)
                   if r.disclosure != screen.shown[0].disclosure)
        table = screen.query_one("#deadlines-table", DataTable)
        assert app.focused is table
        table.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen), "the editor")
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.disclosure_key == screen.shown[row].disclosure


async def test_a_decision_without_a_suggestion_starts_blank(
    sqlite_store: Store, tmp_path: Path
) -> None:
    app = make_app(sqlite_store, tmp_path)
    answers: list[DecisionInput | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(DecisionDialog("FF-2026-0001"), answers.append)
        await pilot.pause()
        choice = app.screen.query_one("#decision-choice", Select)
        assert choice.value is Select.NULL
        await pilot.click("#decision-record")  # nothing chosen: asks for a decision
        assert isinstance(app.screen, DecisionDialog)
        assert "Choose a decision" in str(app.screen.query_one("#decision-error",
                                                               Static).render())
        assert answers == []


# --- an engagement starts a session for itself ------------------------------------------------


async def engagement_shown(pilot: Pilot[None]) -> EngagementScreen:
    app = pilot.app
    assert isinstance(app, FirstfileApp)
    app.open_engagement(ACME)
    await until(pilot, lambda: isinstance(app.screen, EngagementScreen)
                and app.screen.overview is not None, "the engagement")
    assert isinstance(app.screen, EngagementScreen)
    return app.screen


async def test_s_on_an_engagement_starts_a_session_for_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await engagement_shown(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SessionSetupScreen)
                    and bool(app.screen.query("#setup-engagement")), "the set-up")
        setup = app.screen
        assert isinstance(setup, SessionSetupScreen)
        assert setup.engagement_key == ACME
        engagement = setup.query_one("#setup-engagement", Select)
        await until(pilot, lambda: engagement.value == ACME, "the engagement chosen")
        # a section of its own: home, then the set-up
        assert [type(s) for s in app.screen_stack] == [HomeScreen, SessionSetupScreen]

        # creating it opens the room
        setup.query_one("#setup-key", Input).value = "pre-3"
        setup.query_one("#setup-title", Input).value = "What is next?"
        setup.query_one("#setup-facilitator", Select).value = "jdoe"
        participants = setup.query_one("#setup-participants", SelectionList)
        await until(pilot, lambda: participants.option_count == 3, "the people")
        participants.select("rsmith")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FacilitationScreen), "the room")
        assert isinstance(app.screen, FacilitationScreen)
        assert app.screen.session_ref == f"{ACME}/pre-3"


async def test_the_palette_starts_a_session_for_the_engagement(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await engagement_shown(pilot)
        title = "Start an extraction session for this engagement"
        assert title in {c.title for c in app.get_system_commands(screen)}
        assert title not in {c.title for c in app.get_system_commands(app.screen_stack[0])}
        await run_palette(pilot, "session for this engagement", title)
        await until(pilot, lambda: isinstance(app.screen, SessionSetupScreen), "the set-up")
        assert isinstance(app.screen, SessionSetupScreen)
        assert app.screen.engagement_key == ACME


@pytest.mark.parametrize("width", [80, 100])
async def test_the_engagement_footer_fits_and_the_other_keys_are_in_the_palette(
    sqlite_store: Store, tmp_path: Path, width: int
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await engagement_shown(pilot)
        await pilot.pause(0.2)
        assert app.screen.query_one(Footer).max_scroll_x == 0, f"cut at {width} columns"
        keys = {key.description: key for key in app.screen.query(FooterKey)}
        palette = keys["palette"]
        for label in ("Done", "N/A", "Tick", "Next phase", "Export", "Log", "Quit"):
            assert keys[label].region.right <= palette.region.x, label  # shown whole
        assert "New session" not in keys and "Risk" not in keys
        # the keys left out of the footer are in the palette, each with its key
        helps = {c.title: c.help for c in app.get_system_commands(screen)}
        assert helps["Start an extraction session for this engagement"].startswith("s  ")
        assert helps["Outsourcing risk"].startswith("r  ")
        assert helps["Mark item in progress"].startswith("i  ")
        assert helps["Tracers"].startswith("c  ")
