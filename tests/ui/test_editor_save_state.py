"""The editor's status line says whether the text is saved, and when: "unsaved", then
"autosaved HH:MM:SS" once the autosave holds all of it, then "saved HH:MM:SS" after ctrl+s."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input, Static

from firstfile.services import disclosures
from firstfile.storage.engine import Store
from firstfile.ui.screens.editor import EditorScreen
from tests.ui.helpers import make_app, open_editor, until
from tests.ui.test_editor import seed_disclosure

CLOCK = r"\d\d:\d\d:\d\d"


def status(editor: EditorScreen) -> str:
    return str(editor.query_one("#editor-status", Static).render())


async def test_autosave_and_save_are_shown_with_their_time(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        assert "unsaved" not in status(editor) and "saved" not in status(editor)
        editor.query_one("#f-title", Input).focus()
        await pilot.press("end", *" v2")
        assert "unsaved" in status(editor) and "autosaved" not in status(editor)
        await until(pilot, lambda: "autosaved" in status(editor), "the autosave shown")
        assert re.search(rf"unsaved · autosaved {CLOCK}, ctrl\+s saves", status(editor))
        # Typing again: the autosave no longer holds everything on screen.
        await pilot.press(*"!")
        assert "unsaved" in status(editor) and "autosaved" not in status(editor)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: re.search(rf"\bsaved {CLOCK}", status(editor)) is not None
                    and "unsaved" not in status(editor), "the save shown")
    assert disclosures.get_disclosure(sqlite_store, key).title.endswith(" v2!")


async def test_the_people_rows_have_labelled_columns(sqlite_store: Store, tmp_path: Path) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        head = editor.query_one(".inventor-head")
        labels = [str(s.render()) for s in head.query(Static)]
        assert labels == ["Person", "Role", "Share %"]
        share = editor.query(".inventor-row .share").results(Input)
        role_label = head.query_one(".head-role", Static)
        first_share = next(share)
        # the labels stand above the fields they name
        assert head.region.y < first_share.region.y
        assert abs(head.query_one(".head-share").region.x - first_share.region.x) <= 1
        assert role_label.region.x < first_share.region.x
