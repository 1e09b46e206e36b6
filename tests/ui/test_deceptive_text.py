"""The editor stores text that hides or reorders itself visibly, and no notification lets a
control character through to the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import TextArea

from firstfile.services import disclosures
from firstfile.storage.engine import Store
from tests.ui.helpers import make_app, until
from tests.ui.test_editor import open_editor, seed_disclosure, settle
from tests.unit.test_text_cleaning import CLASSES


@pytest.mark.parametrize(("char", "visible"), CLASSES.values(), ids=CLASSES.keys())
async def test_text_pasted_into_the_editor_is_saved_visibly(
    sqlite_store: Store, tmp_path: Path, char: str, visible: str
) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        area = editor.query_one("#f-description", TextArea)
        area.focus()
        await pilot.pause()
        # As the terminal delivers a paste: to the app, which hands it to the focused widget.
        app.post_message(events.Paste(f"Trims{char} each cell"))
        await until(pilot, lambda: "each cell" in area.text, "the paste")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await until(pilot, lambda: disclosures.get_disclosure(sqlite_store, key).version == 2,
                    "the save")
    # The text area reads NEL (U+0085) as what it means, a new line: visible as well.
    expected = "\n" if char == "\x85" else visible
    assert disclosures.get_disclosure(sqlite_store, key).description == (
        f"Trims{expected} each cell")


async def test_notifications_show_control_characters(sqlite_store: Store,
                                                     tmp_path: Path) -> None:
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.notify("cannot read \x1b]0;owned\x07\u202eacme.yaml", title="Bad\x9b file",
                          markup=False)
        await until(pilot, lambda: bool(list(app._notifications)), "the notification")
        (shown,) = list(app._notifications)
    assert shown.message == "cannot read \u241b]0;owned\u2407<U+202E>acme.yaml"
    assert shown.title == "Bad<U+009B> file"
