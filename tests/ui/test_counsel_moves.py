"""Counsel in the review queue does what `firstfile review move|note` allow: moves a
disclosure on (filed, closed, withdrawn, or back) and writes reviewer notes; the editor opened
from the queue is counsel's view, with no Delete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList

from firstfile.domain.views import EventView
from firstfile.services import audit_trail, counsel, disclosures
from firstfile.storage.engine import Store
from firstfile.ui.screens.editor import EditorScreen
from firstfile.ui.screens.review_queue import ReviewQueueScreen
from firstfile.ui.widgets.session_dialogs import SessionChoiceDialog, SessionTextDialog
from tests.ui.helpers import editor_ready, make_app, until

AS_OF = date(2026, 3, 1)


async def test_counsel_moves_notes_and_has_no_delete(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = ReviewQueueScreen(as_of=AS_OF)
        await app.push_screen(queue)
        await until(pilot, lambda: len(queue.items) >= 2, "the queue's rows")
        table = queue.query_one("#queue-table", DataTable)
        table.move_cursor(row=0)
        item = queue.items[0]
        key = item.state.key
        assert item.state.status == "submitted"

        # n: a reviewer note, kept internal
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SessionTextDialog), "the note")
        app.screen.query_one(Input).value = "Ask about the 2025 trade show"
        await pilot.press("enter")
        await until(pilot, lambda: counsel.review_state(loaded, key).reviewer_notes
                    == "Ask about the 2025 trade show", "the note saved")

        # m: the moves the workflow allows from submitted; withdrawn is chosen
        await until(pilot, lambda: app.screen is queue and queue.items[0].state.key == key
                    and queue.items[0].state.reviewer_notes != "", "the queue reloaded")
        table.move_cursor(row=0)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, SessionChoiceDialog), "the moves")
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["In review", "Draft", "Withdrawn"]
        options.highlighted = labels.index("Withdrawn")
        await pilot.press("enter")
        await until(pilot, lambda: counsel.review_state(loaded, key).status == "withdrawn",
                    "the move")
        await until(pilot, lambda: app.screen is queue and key not in
                    [i.state.key for i in queue.items], "the queue without it")

        # enter: counsel's view of the editor offers no Delete
        await pilot.press("enter")
        await until(pilot, lambda: editor_ready(pilot), "the editor")
        editor = app.screen
        assert isinstance(editor, EditorScreen) and editor.counsel
        assert editor.check_action("delete", ()) is False
        titles = {c.title for c in app.get_system_commands(editor)}
        assert "Delete disclosure" not in titles and "Save disclosure" in titles
        await pilot.press("f8")
        await pilot.pause(0.2)
        assert app.screen is editor  # no question asked, nothing deleted
    assert counsel.review_state(loaded, key).status == "withdrawn"


async def test_counsel_adds_and_removes_an_event(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = ReviewQueueScreen(as_of=AS_OF)
        await app.push_screen(queue)
        await until(pilot, lambda: len(queue.items) >= 1, "the queue's rows")
        key = queue.items[0].state.key
        before = disclosures.get_disclosure(loaded, key).events

        async def choose(label_starts: str) -> None:
            await until(pilot, lambda: isinstance(app.screen, SessionChoiceDialog), "a choice")
            options = app.screen.query_one(OptionList)
            labels = [str(options.get_option_at_index(i).prompt)
                      for i in range(options.option_count)]
            options.highlighted = next(i for i, label in enumerate(labels)
                                       if label.startswith(label_starts))
            await pilot.press("enter")

        # a: the kind, then "DATE OFFICE note"; a date that is not one is refused first
        await pilot.press("a")
        await choose("Public disclosure")
        await until(pilot, lambda: isinstance(app.screen, SessionTextDialog), "the date")
        app.screen.query_one(Input).value = "1st of May"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is queue, "back on the queue")
        assert disclosures.get_disclosure(loaded, key).events == before
        await pilot.press("a")
        await choose("Public disclosure")
        await until(pilot, lambda: isinstance(app.screen, SessionTextDialog), "the date")
        app.screen.query_one(Input).value = "2026-02-20 de shown at the Munich trade show"
        await pilot.press("enter")
        added = EventView("public-disclosure", date(2026, 2, 20), "DE",
                          note="shown at the Munich trade show")
        await until(pilot, lambda: added in disclosures.get_disclosure(loaded, key).events,
                    "the event recorded")

        # x: one of its events, chosen by date and kind
        await until(pilot, lambda: app.screen is queue and not queue.query(
            "SessionChoiceDialog"), "the queue again")
        await pilot.pause(0.3)
        await pilot.press("x")
        await choose("2026-02-20 public disclosure DE")
        await until(pilot, lambda: added not in disclosures.get_disclosure(loaded, key).events,
                    "the event removed")
    assert disclosures.get_disclosure(loaded, key).events == before
    trail = [e.action for e in audit_trail.read_trail(loaded, key).entries]
    assert "event-add" in trail and "event-remove" in trail
