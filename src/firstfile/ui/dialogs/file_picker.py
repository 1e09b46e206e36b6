"""Choosing a file to attach: a folder tree showing only the kinds firstfile accepts, and
the completion offered while a path is typed.

Both only list names (the tree's own loader reads folders in a thread, the completion in
one of its own); neither opens a file. The chosen path goes back into the editor's path
field, which reads and attaches it (ui/screens/editor.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Static

from firstfile.domain.attachments import media_type_for


class AttachableTree(DirectoryTree):
    """Folders and the files that may be attached; hidden files and folders left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                folder = path.is_dir()
            except OSError:
                continue
            if folder or media_type_for(path.name) is not None:
                yield path


class FilePickerDialog(ModalScreen[str]):
    """A tree of folders from start; Enter on a file returns its path, escape nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.picker.cancel"),
        Binding("backspace", "up", "Up a folder", id="firstfile.picker.up"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__(classes="dialog-screen")
        self._start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="file-picker"):
            yield Static(Content(f"Attach a file from {self._start}"), classes="dialog-title",
                         id="picker-title")
            yield AttachableTree(self._start, id="picker-tree")
            yield Static("Enter attaches the file; backspace goes up a folder; escape "
                         "cancels. Only the kinds firstfile accepts are listed.",
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one(AttachableTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(str(event.path))

    def action_up(self) -> None:
        tree = self.query_one(AttachableTree)
        parent = Path(tree.path).parent
        tree.path = parent
        self.query_one("#picker-title", Static).update(Content(f"Attach a file from {parent}"))

    def action_cancel(self) -> None:
        self.dismiss("")


class PathSuggester(Suggester):
    """Completes the last part of a typed path from the names in its folder."""

    def __init__(self) -> None:
        # Not cached: the folder's contents change while the dialog is open.
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value[0] in "'\"" or value.startswith("file:"):
            return None  # a pasted or dropped path is complete already
        return await asyncio.to_thread(_completed, value)


def _completed(value: str) -> str | None:
    typed = Path(value).expanduser()
    folder, start = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
    try:
        names = sorted(entry.name for entry in os.scandir(folder)
                       if entry.name.startswith(start) and not entry.name.startswith("."))
    except OSError:
        return None
    if not names or names[0] == start:
        return None
    return value + names[0][len(start):]
