"""What the UI tests share: building the app on a test store, waiting for a condition, and
running a command from the palette, opening the editor."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.pilot import Pilot

from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.editor import EditorScreen


def make_app(store: Store, tmp_path: Path) -> FirstfileApp:
    """The real app on an open store, with tmp_path as the user's template folder and
    tmp_path/exports as the export folder."""
    return FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path,
                                 export_dir=tmp_path / "exports"), store=store)


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str,
                timeout: float = 10) -> None:
    """Wait for a condition (the facilitation screen keeps a writer thread running, so
    waiting for every worker to finish would never end)."""
    deadline = time.monotonic() + timeout
    while not _holds(done):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def _holds(done: Callable[[], bool]) -> bool:
    """done(), False while a widget it looks at is not mounted yet (a screen mounts its
    containers one after another)."""
    try:
        return done()
    except NoMatches:
        return False


def palette_highlights(pilot: Pilot[None], title: str) -> bool:
    """The command palette is open and its highlighted entry is the command titled title."""
    palette = pilot.app.screen
    if not isinstance(palette, CommandPalette):
        return False
    commands = palette.query_one(CommandList)
    if commands.highlighted is None:
        return False
    return str(commands.get_option_at_index(commands.highlighted).prompt).startswith(title)


async def run_palette(pilot: Pilot[None], words: str, title: str) -> None:
    """Type words into the command palette and run the command titled title once the
    palette's search has put it first (the search runs in the background)."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    await pilot.press(*words)
    await until(pilot, lambda: palette_highlights(pilot, title), f"{title!r} in the palette")
    await pilot.press("enter")
async def settle(pilot: Pilot[None]) -> None:
    """Wait until the app is idle and every worker has finished."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_editor(pilot: Pilot[None], key: str) -> EditorScreen:
    """Open the editor on key, the way the list does, and wait for it to load."""
    await settle(pilot)
    pilot.app.open_disclosure(key)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


def editor_ready(pilot: Pilot[None]) -> bool:
    """The editor is the screen and shows its form: loaded, every widget of it mounted."""
    screen = pilot.app.screen
    return isinstance(screen, EditorScreen) and bool(screen.query_one("#editor-form").display)
