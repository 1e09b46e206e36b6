"""The idea list of the facilitation screen: the cursor stays on the idea just voted as the
list re-sorts, and a merge is undone with u after a confirmation."""

from __future__ import annotations

from pathlib import Path

from firstfile.services import sessions
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.widgets.session_ideas import SessionIdeaTable
from tests.integration.sessions_fixtures import seeded_session
from tests.integration.test_sessions_service import capture
from tests.ui.helpers import until


def app_on(store: Store, tmp_path: Path) -> FirstfileApp:
    return FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path), store=store)


async def test_the_cursor_stays_on_the_idea_just_voted(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    view = seeded_session(sqlite_store)
    ids = [capture(sqlite_store, view, f"idea {n}", "jdoe") for n in range(4)]
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = FacilitationScreen("ACME-2026/pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None, "the session to load")
        table = screen.query_one(SessionIdeaTable)
        await until(pilot, lambda: table.row_count == 4, "the ideas")
        table.focus()
        last = table.row_index_of(ids[3])
        assert last == 3
        table.move_cursor(row=last)
        await pilot.press("v")  # the last idea gets the only dot and goes to the top
        await until(pilot, lambda: screen.view is not None
                    and screen.view.idea(ids[3]).votes == 1, "the dot")  # type: ignore[union-attr]
        await pilot.pause()
        assert table.row_index_of(ids[3]) == 0  # re-sorted...
        assert table.highlighted_id() == ids[3]  # ...with the cursor still on it
        await pilot.press("v")  # so a second dot lands on the same idea
        await until(pilot, lambda: screen.view is not None
                    and screen.view.idea(ids[3]).votes == 2, "the second dot")  # type: ignore[union-attr]
        assert table.highlighted_id() == ids[3]
    stored = sessions.session_by_id(sqlite_store, view.id)
    assert [i.votes for i in stored.ideas] == [0, 0, 0, 2]


async def test_a_merge_is_undone_with_u_after_a_confirmation(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    view = seeded_session(sqlite_store)
    a = capture(sqlite_store, view, "Dual-footprint regulator", "jdoe")
    b = capture(sqlite_store, view, "two footprints for the regulator", "wli")
    c = capture(sqlite_store, view, "Bed-of-nails test points", "rsmith")
    sessions.vote(sqlite_store, b, "rsmith", actor="t")
    sessions.merge_ideas(sqlite_store, a, b, actor="t")
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = FacilitationScreen("ACME-2026/pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None, "the session to load")
        table = screen.query_one(SessionIdeaTable)
        await until(pilot, lambda: table.row_count == 2, "the ideas")
        table.focus()
        table.move_cursor(row=table.row_index_of(c))
        await pilot.press("u")  # nothing was merged into it: said so, nothing asked
        await pilot.pause()
        assert app.screen is screen
        table.move_cursor(row=table.row_index_of(a))  # the merged idea is not listed
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert "last merge into #1 (merged into it: #2)" in app.screen._question  # type: ignore[attr-defined]
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert screen.writes_pending == 0
        assert sessions.session_by_id(sqlite_store, view.id).idea(b).status == "merged"  # type: ignore[union-attr]
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await until(pilot, lambda: screen.view is not None
                    and screen.view.idea(b).status == "open", "the merge to be undone")  # type: ignore[union-attr]
    stored = sessions.session_by_id(sqlite_store, view.id)
    assert [(i.text, i.authors, i.votes, i.status) for i in stored.ideas] == [
        ("Dual-footprint regulator", ("jdoe",), 0, "open"),
        ("two footprints for the regulator", ("wli",), 1, "open"),
        ("Bed-of-nails test points", ("rsmith",), 0, "open"),
    ]


async def test_the_set_up_is_changed_from_the_room(sqlite_store: Store, tmp_path: Path) -> None:
    from textual.widgets import Input, Select, SelectionList, Static

    from firstfile.ui.screens.session_edit import SessionEditScreen

    view = seeded_session(sqlite_store)
    capture(sqlite_store, view, "Dual-footprint regulator", "wli")
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = FacilitationScreen("ACME-2026/pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None and bool(screen.prompts),
                    "the session to load")
        walked = len(screen.prompts)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, SessionEditScreen), "the form")
        form = app.screen
        assert isinstance(form, SessionEditScreen)
        title = form.query_one("#setup-title", Input)
        await until(pilot, lambda: title.value == "Before the RFQ goes out", "the set-up")
        decks = form.query_one("#setup-decks", SelectionList)
        focus = form.query_one("#setup-components", SelectionList)
        await until(pilot, lambda: not form.has_unsaved_changes() and focus.selected == [
            "bms-fw"], "the set-up to be filled in")
        assert form.query_one("#setup-key", Input).disabled
        assert form.query_one("#setup-phase", Select).value == "pre"  # its own, kept
        assert not form.has_unsaved_changes()
        # Wei Li raised an idea: taking him out of the room is refused, nothing saved.
        form.query_one("#setup-participants", SelectionList).deselect("wli")
        title.value = "Before the RFQ and after"
        await pilot.press("ctrl+s")
        problems = form.query_one("#setup-problems", Static)
        await until(pilot, lambda: "Wei Li raised an idea" in str(problems.render()),
                    "the refusal")
        assert app.screen is form
        form.query_one("#setup-participants", SelectionList).select("wli")
        decks.deselect("design-around")
        form.query_one("#setup-time-box", Input).value = "45"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the room")
        await until(pilot, lambda: len(screen.prompts) == walked - 5, "the prompts to follow")
        assert screen.view is not None and screen.view.title == "Before the RFQ and after"
    stored = sessions.session_by_id(sqlite_store, view.id)
    assert (stored.title, stored.decks, stored.time_box_minutes) == (
        "Before the RFQ and after", ("scamper",), 45)
    assert {p.key for p in stored.participants} == {"jdoe", "rsmith", "wli"}
