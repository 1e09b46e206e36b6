"""The highlighted row differs from the others by more than colour: underlined and bold,
whether its table has focus or not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widget import Widget
from textual.widgets import DataTable

from firstfile.storage.engine import Store
from firstfile.ui.screens.disclosure_list import DisclosureListScreen
from firstfile.ui.screens.review_queue import ReviewQueueScreen
from firstfile.ui.widgets.disclosure_table import DisclosureTable
from tests.ui.helpers import make_app, settle, until


def underlined_rows(widget: Widget) -> list[int]:
    """The screen lines inside widget with underlined, bold text."""
    region = widget.region
    strips = widget.app.screen._compositor.render_strips()
    rows = []
    for y in range(region.y, region.bottom):
        inside = list(strips[y].crop(region.x, region.right))
        if any(s.style and s.style.underline and s.style.bold and s.text.strip()
               for s in inside):
            rows.append(y - region.y)
    return rows


async def test_the_cursor_row_is_underlined_focused_or_not(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = ReviewQueueScreen(as_of=date(2026, 3, 1))
        await app.push_screen(queue)
        await until(pilot, lambda: len(queue.items) >= 2, "the queue's rows")
        table = queue.query_one("#queue-table", DataTable)
        table.move_cursor(row=1)
        # the header line, row 0, then the cursor
        await until(pilot, lambda: underlined_rows(table) == [2], "the cursor row underlined")
        table.blur()
        await pilot.pause(0.1)
        await until(pilot, lambda: underlined_rows(table) == [2], "the cursor row, unfocused")

        await app.pop_screen()
        app.action_open_list()
        await until(pilot, lambda: isinstance(app.screen, DisclosureListScreen)
                    and bool(app.screen.query(DisclosureTable)), "the list")
        await settle(pilot)
        listing = app.screen.query_one(DisclosureTable)
        await until(pilot, lambda: listing.row_count > 2, "its rows")
        listing.focus()
        await until(pilot, lambda: underlined_rows(listing) == [1],  # under the header line
                    "the list's cursor row underlined")
