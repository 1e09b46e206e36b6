"""The disclosure list shows an invention logged over it (ctrl+n) without leaving it."""

from __future__ import annotations

from pathlib import Path

from firstfile.storage.engine import Store
from firstfile.ui.dialogs.capture import QuickCaptureScreen
from firstfile.ui.screens.disclosure_list import DisclosureListScreen
from firstfile.ui.widgets.disclosure_table import DisclosureTable
from tests.ui.helpers import make_app, settle, until
from tests.ui.test_editor import seed_disclosure


def position(screen: DisclosureListScreen) -> str:
    return str(screen.query_one("#position").render())


async def test_the_list_refreshes_after_logging_an_invention_from_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_open_list()
        await until(pilot, lambda: isinstance(app.screen, DisclosureListScreen), "the list")
        screen = app.screen
        assert isinstance(screen, DisclosureListScreen)
        await until(pilot, lambda: bool(screen.query("#position"))
                    and position(screen).startswith("rows 1–1 of 1"), "one row")
        table = screen.query_one(DisclosureTable)

        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuickCaptureScreen), "the capture")
        await settle(pilot)
        await pilot.press(*"Precharge bypass", "ctrl+s")
        await until(pilot, lambda: app.screen is screen, "back on the list")
        await until(pilot, lambda: position(screen).startswith("rows 1–2 of 2"),
                    "the list to show the new row")
        assert [row.title for row in table.page][0] == "Precharge bypass"
