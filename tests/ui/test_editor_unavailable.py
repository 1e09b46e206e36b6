"""The editor when the database cannot take a save: another program holds it, the disk is full.

Both conditions are real (tests/conditions.py). The editor says what happened in words, keeps
the text on screen, retries the autosave by itself, and saves with ctrl+s once the cause is
gone: a failed save never leaves ctrl+s dead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures, drafts
from firstfile.storage.engine import Store, open_store
from firstfile.ui.screens.editor import EditorScreen
from tests.conditions import disk_full, lock_held
from tests.ui.helpers import make_app, open_editor, until

RETRY = 0.3  # seconds between autosave tries (5 s in use)


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EditorScreen, "AUTOSAVE_RETRY", RETRY)


@pytest.fixture
def impatient(tmp_path: Path) -> Iterator[Store]:
    """The app's store, waiting 0.2 s (not 30) for another program's lock."""
    store = open_store(str(tmp_path / "firstfile.db"), busy_timeout=0.2)
    yield store
    store.dispose()


@pytest.fixture
def onlooker(tmp_path: Path, impatient: Store) -> Iterator[Store]:
    """Another process looking at the same file."""
    store = open_store(str(tmp_path / "firstfile.db"))
    yield store
    store.dispose()


def notice(editor: EditorScreen) -> str:
    return str(editor.query_one("#editor-notice", Static).render())


def buffered(store: Store, key: str) -> str | None:
    found = drafts.load_buffer(store, f"edit:{key}", actor="tester")
    return None if found is None else str(found[0]["form"]["advantages"])


async def says(pilot: Pilot[None], editor: EditorScreen, words: str) -> None:
    await until(pilot, lambda: words in notice(editor), repr(words))


async def test_another_program_holding_the_database(
    impatient: Store, onlooker: Store, tmp_path: Path
) -> None:
    key = disclosures.create_disclosure(impatient, DisclosureDraft(title="Potting"),
                                        actor="seed").key
    app = make_app(impatient, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot, key)
        with lock_held(impatient.url, key):
            editor.query_one("#f-advantages", TextArea).focus()
            await pilot.press(*"Cheaper")
            await says(pilot, editor, "Autosave failed: the database is busy: another program")
            assert "Your text is kept on screen" in notice(editor)
            await pilot.press("ctrl+s")
            await says(pilot, editor, "Not saved: the database is busy: another program has been "
                                      "writing to it")
            assert "Your text is kept" in notice(editor)
            assert buffered(onlooker, key) is None
        # The lock is gone: autosave catches up by itself, and ctrl+s saves.
        await until(pilot, lambda: buffered(onlooker, key) == "Cheaper", "the retried autosave")
        await says(pilot, editor, "Autosaved again")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: disclosures.get_disclosure(onlooker, key).advantages
                    == "Cheaper", "the save")
        await until(pilot, lambda: buffered(onlooker, key) is None, "the buffer cleared")
        assert not editor.has_unsaved_changes()


async def test_a_full_disk(sqlite_store: Store, tmp_path: Path) -> None:
    key = disclosures.create_disclosure(sqlite_store, DisclosureDraft(title="Potting"),
                                        actor="seed").key
    long_text = "Measured on every cell. " * 8_000  # needs pages the file does not have
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot, key)
        with disk_full(sqlite_store):
            editor.query_one("#f-advantages", TextArea).text = long_text
            await says(pilot, editor, "Autosave failed: the disk is full: free space")
            await pilot.press("ctrl+s")
            await says(pilot, editor, "Not saved: the disk is full: free space")
            assert "Your text is kept" in notice(editor)
            assert disclosures.get_disclosure(sqlite_store, key).advantages == ""
        await until(pilot, lambda: buffered(sqlite_store, key) == long_text,
                    "the retried autosave")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: disclosures.get_disclosure(sqlite_store, key).advantages
                    == long_text, "the save")
        assert editor.query_one("#f-advantages", TextArea).text == long_text
