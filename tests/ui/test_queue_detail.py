"""At 80x24 the review queue cuts titles and rule names: the highlighted row is shown whole
below the table, and the rule is named in words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Static

from firstfile.domain.views import EventView
from firstfile.services import counsel
from firstfile.storage.engine import Store
from firstfile.ui.screens.review_queue import ReviewQueueScreen
from tests.ui.helpers import make_app, until

AS_OF = date(2026, 3, 1)


async def test_the_highlighted_row_is_shown_whole(loaded: Store, tmp_path: Path) -> None:
    key = counsel.review_queue(loaded, as_of=AS_OF)[1].state.key
    counsel.add_event(loaded, key, EventView("public-disclosure", date(2025, 12, 1), "US",
                                             "trade show"), actor="tester")
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = ReviewQueueScreen(as_of=AS_OF)
        await app.push_screen(queue)
        await until(pilot, lambda: len(queue.items) >= 2, "the queue's rows")
        table = queue.query_one("#queue-table", DataTable)
        row = [i.state.key for i in queue.items].index(key)
        table.move_cursor(row=row)
        await pilot.pause(0.1)
        item = queue.items[row]
        assert item.nearest is not None
        detail = queue.query_one("#queue-detail", Static)
        shown = " ".join(str(detail.render()).split())
        assert " ".join(item.state.title.split()) in shown  # whole, wrapped if need be
        assert item.nearest.title in shown and "Next deadline" in shown
        # the title does not fit its column at 80 columns; the rule is in words there too
        assert detail.region.width <= 80
        rule_cell = str(table.get_cell_at((row, 4)))
        assert rule_cell == item.nearest.title and " " in rule_cell
