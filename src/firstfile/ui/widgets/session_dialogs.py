"""Small modal questions of the facilitation screen: edit an idea, pick a component, a number.

Every text shown comes in as `Content`/`Text`, never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

NO_COMPONENT = "-"


class SessionTextDialog(ModalScreen[str | None]):
    """One line of text, pre-filled; returns the text on Enter, None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.session-text.cancel"),
    ]

    def __init__(self, question: str, value: str, *, placeholder: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._question = question
        self._value = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="session-text-dialog"):
            yield Static(Content(self._question), classes="dialog-title")
            yield Input(self._value, placeholder=self._placeholder, id="session-text-input")
            yield Static("enter: done   esc: cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SessionChoiceDialog(ModalScreen[str | None]):
    """Pick one of several (value, label) choices; returns the value, None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.session-choice.cancel"),
    ]

    def __init__(self, question: str, choices: list[tuple[str, str]], current: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._question = question
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="session-choice-dialog"):
            yield Static(Content(self._question), classes="dialog-title")
            yield OptionList(*[Option(Text(label), id=value) for value, label in self._choices],
                             id="session-choice-list")
            yield Static("enter: choose   esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, (value, _label) in enumerate(self._choices):
            if value == self._current:
                options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
