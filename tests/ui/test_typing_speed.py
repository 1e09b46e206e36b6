"""Keys typed right after Tab land in the next field, however fast they come.

Tab was bound on the screen, so it travelled through the focused field and back up to the
screen before focus moved; keys typed in the meantime were already handed to the field that
still had focus ("...gradientSum"). Tab and shift+tab are now the app's priority keys: focus
moves before the next key is handed on.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, TextArea

from firstfile.storage.engine import Store
from firstfile.ui.dialogs.capture import QuickCaptureScreen
from firstfile.ui.screens.editor import EditorScreen
from tests.ui.helpers import make_app, open_editor, settle, until
from tests.ui.test_editor import seed_disclosure


def key(name: str) -> events.Key:
    return events.Key(name, " " if name == "space" else name if len(name) == 1 else None)


def burst(app: object, text: str) -> None:
    """Every key of text queued at once, as a fast typist or a loaded machine delivers them:
    none waits for the one before it to be handled. `\\t` is Tab, `\\b` shift+Tab."""
    for char in text:
        name = {"\t": "tab", "\b": "shift+tab", " ": "space"}.get(char, char)
        app.post_message(key(name))  # type: ignore[attr-defined]


async def test_keys_after_tab_go_to_the_next_field_in_quick_capture(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuickCaptureScreen), "the capture")
        await settle(pilot)
        screen = app.screen
        burst(app, "Thermal gradient\tSum of cell voltages")
        await settle(pilot)
        assert screen.query_one("#capture-title", Input).value == "Thermal gradient"
        assert screen.query_one("#capture-summary", TextArea).text == "Sum of cell voltages"


async def test_keys_after_tab_and_shift_tab_in_the_editor(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key_ = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key_)
        assert isinstance(editor, EditorScreen)
        title = editor.query_one("#f-title", Input)
        title.focus()
        title.value = ""
        await pilot.pause()
        following = editor.focus_chain[editor.focus_chain.index(title) + 1]
        burst(app, "Gradient\tXY\b")
        await settle(pilot)
        assert title.value == "Gradient"
        assert app.focused is title  # shift+tab came back
        shown = following.text if isinstance(following, TextArea) else getattr(
            following, "value", None)
        assert shown is not None and "XY" in str(shown)
