"""At 80x24 the engagement screen cuts long phase-guide steps and does not fit the cross-check
flags' messages: the highlighted row of the table in use is shown whole below the tables."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable

from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.engagement import EngagementScreen
from tests.ui.helpers import make_app, until

BMS = "bms48-shenzhen"


async def seen(app: FirstfileApp, pilot: Pilot[None], screen: EngagementScreen) -> str:
    """The detail pane's text as drawn on the screen, scrolled through from top to bottom,
    words joined across its lines."""
    pane = screen.query_one("#engagement-detail-pane", VerticalScroll)
    lines: dict[int, str] = {}
    pane.scroll_home(animate=False)
    offset, top, rows = await drawn(app, pilot, pane)
    while True:
        lines.update((offset + row, text) for row, text in enumerate(rows))
        if offset >= top:
            break
        pane.scroll_to(y=offset + 1, animate=False)
        before = offset
        offset, top, rows = await drawn(app, pilot, pane)
        assert offset == before + 1, f"the pane did not scroll from {before}"
    pane.scroll_home(animate=False)
    return " ".join(" ".join(lines[i] for i in sorted(lines)).split())


async def drawn(app: FirstfileApp, pilot: Pilot[None], pane: VerticalScroll
                ) -> tuple[int, int, tuple[str, ...]]:
    """(scroll offset, largest offset, the rows drawn) of the pane once two frames in a row
    agree: on a loaded machine a highlight's text, its layout and a scroll can each take a
    few frames to reach the screen, and a capture in between mixed two layouts."""
    previous = None
    for _ in range(200):
        await pilot.pause()
        await pilot.pause(0.02)
        region = pane.scrollable_content_region  # without the scrollbar
        strips = app.screen._compositor.render_strips()
        now = (int(pane.scroll_offset.y), int(pane.max_scroll_y),
               tuple(strips[region.y + row].text[region.x:region.right]
                     for row in range(region.height)))
        if now == previous:
            return now
        previous = now
    raise AssertionError("the detail pane never settled")


async def shown(app: FirstfileApp, pilot: Pilot[None]) -> EngagementScreen:
    app.open_engagement(BMS)
    await until(pilot, lambda: isinstance(app.screen, EngagementScreen)
                and app.screen.overview is not None, "the engagement")
    assert isinstance(app.screen, EngagementScreen)
    return app.screen


async def test_the_highlighted_step_and_flag_are_shown_whole(
    loaded: Store, tmp_path: Path
) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await shown(app, pilot)
        overview = screen.overview
        assert overview is not None
        guide = screen.query_one("#engagement-guide", DataTable)
        guide.focus()
        states = [s for p in overview.guide for s in p.steps]
        long_rows = [i for i, s in enumerate(states) if len(s.step.title) + len(s.detail) > 60]
        assert long_rows, "the sample has no step too long for its row"
        for row in long_rows:
            guide.move_cursor(row=row)
            await pilot.pause(0.05)
            state = states[row]
            text = await seen(app, pilot, screen)
            assert " ".join(state.step.title.split()) in text, (row, text)
            assert " ".join(state.detail.split()) in text, (row, text)
        # the detail pane is on the screen, above the status line and the footer
        detail = screen.query_one("#engagement-detail-pane").region
        assert detail.bottom <= screen.query_one("#engagement-status").region.y
        assert detail.right <= 80

        vendors = screen.query_one("#engagement-vendors", DataTable)
        vendors.focus()
        flagged = [i for i, c in enumerate(overview.checklists)
                   if any(f.vendor_key == c.vendor.key for f in overview.flags)]
        assert flagged, "the sample has no flagged vendor"
        for row in flagged:
            vendors.move_cursor(row=row)
            await pilot.pause(0.05)
            key = overview.checklists[row].vendor.key
            text = await seen(app, pilot, screen)
            for flag in (f for f in overview.flags if f.vendor_key == key):
                assert len(flag.message) > 40  # longer than the flags column leaves for it
                assert " ".join(flag.message.split()) in text, (flag.message, text)
