"""A Select shows its value even when it is mounted before its label widget exists.

The race is made certain here: a SelectCurrent whose label widget joins the tree only after a
refresh, so the Select's own mount sets its value while the label widget is missing. Textual's
SelectCurrent crashes the app there; SteadyCurrent keeps the label and shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Select, Static
from textual.widgets._select import SelectCurrent

from firstfile.ui.widgets.steady_select import SteadyCurrent, SteadySelect
from tests.ui.helpers import until

OPTIONS = [("Shenzhen assembly", "sz"), ("Penang ODM", "penang")]


def _late(current: type[SelectCurrent]) -> type[SelectCurrent]:
    """current, composing its label widget only after the first refresh."""

    class Late(current):  # type: ignore[valid-type,misc]
        def compose(self) -> ComposeResult:
            return iter(())

        def on_mount(self, _event: events.Mount) -> None:
            self.call_after_refresh(self._compose_late)

        async def _compose_late(self) -> None:
            await self.mount_all(list(current.compose(self)))

    return Late


def _select(base: type[Select[Any]], current: type[SelectCurrent]) -> Select[str]:
    class WithLateLabel(base):  # type: ignore[valid-type,misc]
        def compose(self) -> ComposeResult:
            for widget in super().compose():
                yield current(self.prompt) if isinstance(widget, SelectCurrent) else widget

    return WithLateLabel(OPTIONS, value="penang", id="vendor")


class Holder(App[None]):
    def __init__(self, select: Select[str]) -> None:
        super().__init__()
        self.select = select

    def compose(self) -> Iterable[Widget]:
        yield self.select


def _label(app: Holder) -> str:
    return str(app.select.query_one("#label", Static).render())


async def test_a_select_mounted_before_its_label_shows_its_value() -> None:
    app = Holder(_select(SteadySelect, _late(SteadyCurrent)))
    async with app.run_test() as pilot:
        await until(pilot, lambda: bool(app.select.query("#label")), "the late label")
        await pilot.pause()
        assert app.select.value == "penang"
        assert _label(app) == "Penang ODM"
        app.select.value = "sz"
        await pilot.pause()
        assert _label(app) == "Shenzhen assembly"


async def test_textual_select_crashes_there() -> None:
    """The condition SteadySelect is for: without it, the same mount fails."""
    app = Holder(_select(Select, _late(SelectCurrent)))
    with pytest.raises(NoMatches, match="#label"):
        async with app.run_test() as pilot:
            await pilot.pause()


async def test_a_label_given_before_compose_is_shown() -> None:
    current = SteadyCurrent("Choose a vendor")
    current.update("Penang ODM")  # SelectCurrent raises NoMatches here
    app = Holder(Select(OPTIONS))  # any app to mount it in
    async with app.run_test() as pilot:
        await app.mount(current)
        await pilot.pause()
        assert str(current.query_one("#label", Static).render()) == "Penang ODM"
        current.update(Select.NULL)
        await pilot.pause()
        assert str(current.query_one("#label", Static).render()) == "Choose a vendor"
    with pytest.raises(NoMatches):
        SelectCurrent("Choose a vendor").update("Penang ODM")


async def test_every_select_of_the_app_is_steady() -> None:
    """The screens build SteadySelect, never Textual's Select itself."""
    import pathlib
    import re

    source = pathlib.Path(__file__).parents[2] / "src" / "firstfile" / "ui"
    made = [f"{path.name}: {line.strip()}" for path in sorted(source.rglob("*.py"))
            for line in path.read_text().splitlines()
            if re.search(r"(?<![\w.])Select(\[\w+\])?\(", line)]
    assert made == []
