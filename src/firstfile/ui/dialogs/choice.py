"""Small modal questions: save/discard/cancel before leaving, yes/no, and a folder name."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"


class LeaveDialog(ModalScreen[str]):
    """Asks what to do with unsaved changes: returns "save", "discard" or "cancel"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('save')", "Save", id="firstfile.leave.save"),
        Binding("d", "choose('discard')", "Discard", id="firstfile.leave.discard"),
        Binding("escape,c", "choose('cancel')", "Cancel", id="firstfile.leave.cancel"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__(classes="dialog-screen")
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="leave-dialog"):
            yield Static(Content(f"{self._what} has unsaved changes."), classes="dialog-title")
            yield Static("Save them, discard them, or go back to editing?")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (s)", id="leave-save", variant="primary")
                yield Button("Discard (d)", id="leave-discard", variant="error")
                yield Button("Cancel (esc)", id="leave-cancel")

    def on_mount(self) -> None:
        self.query_one("#leave-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "leave-cancel").removeprefix("leave-"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; the question text is shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="firstfile.confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="firstfile.confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(Content(self._question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self._yes} (y)"), id="confirm-yes", variant="primary")
                yield Button(Content(f"{self._no} (n)"), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class FolderDialog(ModalScreen[str | None]):
    """Asks for a folder, offering a default; returns the text typed, or None on cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.folder.cancel"),
    ]

    def __init__(self, question: str, default: str) -> None:
        super().__init__(classes="dialog-screen")
        self._question = question
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="folder-dialog"):
            yield Static(Content(self._question), classes="dialog-title")
            yield Input(self._default, id="folder-input")
            yield Static("enter: export   esc: cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or self._default)

    def action_cancel(self) -> None:
        self.dismiss(None)
