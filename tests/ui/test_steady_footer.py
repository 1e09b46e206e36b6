"""The footer that rebuilds its keys only when they change: a bindings update with the same
keys leaves its key widgets as they are, and one that changes the keys (here: one hidden by
check_action) rebuilds them, so the footer never shows stale keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from firstfile.ui.widgets.steady_footer import SteadyFooter
from tests.ui.helpers import until


class Keys(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "decide", "Decide"),
        Binding("b", "split", "Best split"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.can_decide = True

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield SteadyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "decide" and not self.can_decide)  # False: hidden

    def action_decide(self) -> None:
        pass

    def action_split(self) -> None:
        pass


def keys(screen: Screen[None]) -> list[FooterKey]:
    return list(screen.query_one(SteadyFooter).query(FooterKey))


def shown(screen: Screen[None]) -> list[str]:
    return [key.key for key in keys(screen)]


async def test_same_keys_keep_their_widgets_and_a_changed_key_rebuilds_them() -> None:
    app: App[None] = App()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = Keys()
        await app.push_screen(screen)
        await until(pilot, lambda: len(keys(screen)) >= 2, "the footer's keys")
        before = keys(screen)
        assert "d" in shown(screen)
        for _ in range(3):  # the same keys: nothing is rebuilt
            screen.refresh_bindings()
            await pilot.pause()
        assert keys(screen) == before
        assert all(key.is_attached for key in before)
        screen.can_decide = False  # the keys change: rebuilt without the hidden one
        screen.refresh_bindings()
        await until(pilot, lambda: "d" not in shown(screen), "the key hidden")
        assert "b" in shown(screen)
        assert not any(key.is_attached for key in before)
