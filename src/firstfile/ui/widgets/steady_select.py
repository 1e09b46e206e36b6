"""A Select whose chosen value can be shown before the widget that shows it exists.

Textual 8.2's Select sets its value when it is mounted, and showing the value asks its
SelectCurrent child for its label widget. On a loaded machine that child can be in the tree
before its own label widget is, and then the lookup raises NoMatches inside the Select's
mount: the screen that holds it (the editor, the list's filters) crashes the app. Every Select
of the app is a SteadySelect: its SelectCurrent keeps the label it is given until its label
widget exists, and shows it from then on.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TypeVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widgets import Select, Static
from textual.widgets._select import SelectCurrent  # no public name; textual is pinned to 8.2
from textual.widgets.select import NoSelection

T = TypeVar("T")


class SteadyCurrent(SelectCurrent):
    """SelectCurrent that keeps a label given before its label widget is there."""

    def update(self, label: RenderableType | NoSelection) -> None:
        """Show label; until the label widget exists, only keep it (SelectCurrent.update
        records the label before it looks for the widget)."""
        with suppress(NoMatches):  # compose shows it
            super().update(label)

    def compose(self) -> ComposeResult:
        # The label widget joins the tree as soon as compose returns, so the label kept so
        # far is all it can have missed.
        for widget in super().compose():
            if widget.id == "label" and isinstance(widget, Static):
                widget.update(self._shown())
            yield widget

    def _shown(self) -> RenderableType:
        return self.placeholder if isinstance(self.label, NoSelection) else self.label


class SteadySelect(Select[T]):
    """Select that cannot crash while it mounts (see the module docstring)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield SteadyCurrent(self.prompt) if type(widget) is SelectCurrent else widget
