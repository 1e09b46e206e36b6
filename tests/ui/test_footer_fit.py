"""The footer fits the screen at 80 and 100 columns with nothing showing through beside the
palette key, and the palette shows every command's key (the footer has room for some only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Footer

from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.commands import APP_COMMANDS, DEADLINES, ENGAGEMENTS, SESSIONS
from tests.ui.helpers import make_app, settle, until

SCREENS: dict[str, Callable[[FirstfileApp], None]] = {
    "home": lambda app: None,
    "list": lambda app: app.action_open_list(),
    "editor": lambda app: app.open_disclosure("FF-2026-0001"),
    "queue": lambda app: app.action_review_queue(),
    "deadlines": lambda app: app.action_deadlines(),
    "engagement": lambda app: app.open_engagement("bms48-shenzhen"),
}


def last_line(app: FirstfileApp) -> str:
    return app.screen._compositor.render_strips()[-1].text


@pytest.mark.parametrize("width", [80, 100])
async def test_every_footer_fits_and_ends_with_the_palette_key(
    loaded: Store, tmp_path: Path, width: int
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        for name, go in SCREENS.items():
            go(app)
            await settle(pilot)
            await pilot.pause(0.2)
            # The stray letter ("palettea") was the footer's keys showing through the
            # column the palette key left uncovered.
            await until(pilot, lambda: last_line(app).rstrip().endswith("^p palette"),
                        f"the {name} footer to end with the palette key at {width} columns")
            footer = app.screen.query_one(Footer)
            assert footer.max_scroll_x == 0, f"the {name} footer is cut at {width} columns"


async def test_the_list_footer_overflowing_shows_no_stray_letter(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(79, 24)) as pilot:
        app.action_open_list()
        await settle(pilot)
        for width in range(79, 50, -1):  # narrower than its keys: they overflow
            await pilot.resize_terminal(width, 24)
            await pilot.pause(0.05)
            await until(pilot, lambda: last_line(app).rstrip().endswith("^p palette"),
                        f"the footer to end with the palette key at {width} columns")
        assert app.screen.query_one(Footer).max_scroll_x > 0


async def test_the_palette_shows_each_command_s_key(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_open_list()
        await settle(pilot)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for command in APP_COMMANDS:
            assert helps[command.title].startswith(
                app.get_key_display(command.binding()) + "  "), command.title
        assert helps[DEADLINES.title].startswith("^l  ")
        assert helps[SESSIONS.title].startswith("^f  ")
        assert helps[ENGAGEMENTS.title].startswith("^b  ")
        assert helps["Reverse the sort"].startswith("r  ")  # no longer in the footer
