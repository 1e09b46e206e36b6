"""An idea typed on the facilitation screen but not yet entered survives a closed terminal.

The buffer is read through a second store opened on the same SQLite file, as the next run of
the program would read it, and a new app on that file gets the text back in the capture box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from firstfile.services import drafts, sessions
from firstfile.settings import Settings
from firstfile.storage.engine import Store, open_store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.widgets.capture_box import buffer_owner
from tests.integration.sessions_fixtures import seeded_session
from tests.ui.helpers import until

REF = "ACME-2026/pre-1"
OWNER = buffer_owner(REF)
IDEA = "Pot the [b]sensor[/b] after test, not before"



def db_file(tmp_path: Path) -> str:
    """The SQLite file the sqlite_store fixture opened."""
    return str(tmp_path / "firstfile.db")


def app_on(store: Store, tmp_path: Path) -> FirstfileApp:
    return FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path), store=store)


async def open_session(app: FirstfileApp, pilot: Pilot[None]) -> FacilitationScreen:
    screen = FacilitationScreen(REF)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.view is not None, "the session to load")
    return screen


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type text key by key, as a facilitator would."""
    await pilot.press(*["space" if char == " " else char for char in text])


def buffer_in(path: str) -> tuple[dict[str, Any], Any] | None:
    """The buffer as another process would see it: through its own store on the file."""
    other = open_store(path, migrate=False)
    try:
        return drafts.load_buffer(other, OWNER, actor="tester")
    finally:
        other.dispose()


def buffered_text(tmp_path: Path) -> object:
    buffered = buffer_in(db_file(tmp_path))
    return None if buffered is None else buffered[0].get("text")


async def test_typed_idea_is_buffered_before_enter_and_restored_by_a_new_app(
        sqlite_store: Store, tmp_path: Path) -> None:
    seeded_session(sqlite_store)
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(app, pilot)
        await pilot.press("f2")  # the idea is rsmith's
        assert screen.room.participant == "rsmith"
        prompt = screen._prompt()
        assert prompt is not None
        await type_text(pilot, IDEA)
        assert screen.query_one("#session-capture", Input).value == IDEA
        # How soon it lands (about 1.5 s) is for a benchmark; here, that it lands whole.
        await until(pilot, lambda: buffered_text(tmp_path) == IDEA, "the idea to be buffered")
        buffered = buffer_in(db_file(tmp_path))
        assert buffered is not None
        payload, _saved_at = buffered
        assert payload == {"text": IDEA, "author": "rsmith", "prompt_id": prompt.id}
        # Nothing was entered: the text lives only in the buffer.
        assert sessions.get_session(sqlite_store, REF).ideas == ()

    # The terminal is gone; the next run opens the file afresh.
    reopened = open_store(db_file(tmp_path), migrate=False)
    try:
        app = app_on(reopened, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_session(app, pilot)
            capture = screen.query_one("#session-capture", Input)
            await until(pilot, lambda: capture.value == IDEA, "the idea to be restored")
            assert screen.room.participant == "rsmith"
            assert screen.restored_notice.startswith("Restored an idea you were typing at ")
            await pilot.press("enter")
            await until(pilot, lambda: screen.writes_pending == 0, "the capture to commit")
            ideas = sessions.get_session(reopened, REF).ideas
            assert [(i.text, i.authors) for i in ideas] == [(IDEA, ("rsmith",))]
    finally:
        reopened.dispose()
    assert buffer_in(db_file(tmp_path)) is None


async def test_entering_the_idea_clears_its_buffer(sqlite_store: Store,
                                                     tmp_path: Path) -> None:
    seeded_session(sqlite_store)
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(app, pilot)
        await type_text(pilot, "Second source the shunt amplifier")
        await until(pilot, lambda: buffer_in(db_file(tmp_path)) is not None,
                    "the typed idea to be buffered")
        await pilot.press("enter")
        await until(pilot, lambda: screen.writes_pending == 0, "the capture to commit")
        assert buffer_in(db_file(tmp_path)) is None
        assert [i.text for i in sessions.get_session(sqlite_store, REF).ideas] == [
            "Second source the shunt amplifier"]
        # A capture typed and entered quickly never writes a buffer at all.
        await type_text(pilot, "Reuse the tray")
        await pilot.press("enter")
        await until(pilot, lambda: screen.writes_pending == 0, "the capture to commit")
        # Nothing is waiting to be buffered and every buffer change handed out has run: the
        # buffer cannot change again until someone types.
        await until(pilot, lambda: screen.capture.sync is not None and screen.capture.sync.quiet,
                    "the autosave to be quiet")
        assert buffer_in(db_file(tmp_path)) is None


async def test_emptying_the_box_clears_the_buffer(sqlite_store: Store,
                                                  tmp_path: Path) -> None:
    seeded_session(sqlite_store)
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(app, pilot)
        await type_text(pilot, "abc")
        await until(pilot, lambda: buffer_in(db_file(tmp_path)) is not None,
                    "the typed idea to be buffered")
        await pilot.press("backspace", "backspace", "backspace")
        await until(pilot, lambda: buffer_in(db_file(tmp_path)) is None,
                    "the buffer to be cleared")


async def test_a_buffer_already_entered_is_dropped_not_restored(sqlite_store: Store,
                                                                 tmp_path: Path) -> None:
    # Closed between the capture's commit and the buffer's clearing: the idea exists.
    view = seeded_session(sqlite_store)
    sessions.capture_idea(sqlite_store, session_id=view.id, text=IDEA, author="jdoe",
                          actor="tester")
    drafts.save_buffer(sqlite_store, OWNER, "", {"text": IDEA, "author": "jdoe",
                                                 "prompt_id": ""}, actor="tester")
    app = app_on(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        # Loaded means the buffer was looked at and dropped (in the loading thread), and the
        # restore would have run in the same step that showed the session.
        screen = await open_session(app, pilot)
        assert screen.query_one("#session-capture", Input).value == ""
        assert screen.restored_notice == ""
    assert buffer_in(db_file(tmp_path)) is None
