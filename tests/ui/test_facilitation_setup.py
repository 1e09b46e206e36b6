"""Setting up a session from the form, then landing on the facilitation screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, SelectionList, Static

from firstfile.services import sessions
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.screens.session_setup import SessionSetupScreen
from tests.factories import seed_basics
from tests.ui.helpers import until


async def test_set_up_a_session_and_open_it(sqlite_store: Store, tmp_path: Path) -> None:
    seed_basics(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SessionSetupScreen("ACME-2026")
        await app.push_screen(screen)
        participants = screen.query_one("#setup-participants", SelectionList)
        await until(pilot, lambda: participants.option_count == 3, "the people")
        components = screen.query_one("#setup-components", SelectionList)
        await until(pilot, lambda: components.option_count == 1, "the components")

        await pilot.press("ctrl+s")  # nothing filled in yet
        problems = screen.query_one("#setup-problems", Static)
        await until(pilot, lambda: "session key" in str(problems.render()), "the problems")
        assert sessions.list_sessions(sqlite_store) == []

        screen.query_one("#setup-key", Input).value = "pre-2"
        screen.query_one("#setup-title", Input).value = "What will they change?"
        screen.query_one("#setup-facilitator", Select).value = "jdoe"
        for key in ("rsmith", "wli"):
            participants.select(key)
        components.select("bms-fw")
        screen.query_one("#setup-dots", Input).value = "4"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FacilitationScreen), "the session")

    view = sessions.get_session(sqlite_store, "ACME-2026/pre-2")
    assert [p.key for p in view.participants] == ["jdoe", "rsmith", "wli"]
    assert view.components == ("bms-fw",)
    assert view.dots_per_participant == 4
    assert view.decks == ("design-around", "scamper")  # the decks that fit 60 minutes
