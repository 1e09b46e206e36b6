"""The disclosure list on a real SQLite store with a few hundred seeded disclosures.

Every expectation is computed from the services (list_page, count, search, get_disclosure),
never written out by hand, and the table must never hold more than two pages of rows.
"""

from __future__ import annotations

import inspect
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Select

from benchmarks.seed import seed
from firstfile.domain.disclosure import DisclosureDraft
from firstfile.domain.views import DisclosureRow
from firstfile.services import disclosures
from firstfile.settings import Settings
from firstfile.storage.disclosure_queries import ListFilter, cursor_for
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.disclosure_list import DisclosureListScreen
from firstfile.ui.widgets.disclosure_table import DisclosureTable

SEEDED = 330
MARKUP_TITLE = "R&D [bold]x[/bold] and closing [/] tag"
RARE_TITLE = "Zirconia ceramic gasket for sealed housings"
MAX_LIVE_ROWS = 200


class RecordingApp(FirstfileApp):
    """The real app, except that opening a disclosure records its key instead."""

    # The stylesheet path is relative to the class's own module; keep the app's.
    CSS_PATH = str(Path(inspect.getfile(FirstfileApp)).parent / str(FirstfileApp.CSS_PATH))

    def __init__(self, settings: Settings, *, store: Store) -> None:
        super().__init__(settings, store=store)
        self.opened: list[str] = []

    def open_disclosure(self, key: str) -> None:
        self.opened.append(key)


@pytest.fixture
def seeded(sqlite_store: Store) -> Store:
    seed(sqlite_store, SEEDED, batch=100)
    # Logged last, so both are the newest and on the first page.
    for title in (RARE_TITLE, MARKUP_TITLE):
        disclosures.create_disclosure(
            sqlite_store,
            DisclosureDraft(title=title, summary=f"{title}: summary", engagement_key="NOVA-2026"),
            actor="tester",
        )
    return sqlite_store


def make_app(store: Store, tmp_path: Path) -> RecordingApp:
    return RecordingApp(Settings(db=None, actor="tester", templates_dir=tmp_path), store=store)


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0
                     ) -> None:
    """Let the app run until condition() holds (workers and timers finish on their own)."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError("the list did not reach the expected state in time")
        await pilot.pause(0.02)
        waited += 0.02


def position(screen: DisclosureListScreen) -> str:
    return str(screen.query_one("#position").render())


def shown_keys(table: DisclosureTable) -> list[str]:
    return [row.key for row in table.page]


def screen_text(pilot: Pilot[None]) -> str:
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def open_list(pilot: Pilot[None]) -> tuple[DisclosureListScreen, DisclosureTable]:
    screen = DisclosureListScreen()
    await pilot.app.push_screen(screen)
    table = screen.query_one(DisclosureTable)
    await wait_until(pilot, lambda: table.row_count > 0 and screen.total is not None)
    return screen, table


async def test_first_page_shows_newest_first_with_the_position(seeded: Store, tmp_path: Path
                                                               ) -> None:
    expected = disclosures.list_page(seeded, ListFilter(), limit=100)
    total = disclosures.count(seeded, ListFilter())
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        screen, table = await open_list(pilot)
        assert shown_keys(table) == [r.key for r in expected]
        stamps = [r.updated_at for r in table.page]
        assert stamps == sorted(stamps, reverse=True)
        assert table.page[0].title == MARKUP_TITLE  # logged last
        assert position(screen).startswith(f"rows 1–100 of {total}")
        assert table.row_count <= MAX_LIVE_ROWS


async def test_paging_down_three_pages_repeats_and_skips_nothing(seeded: Store, tmp_path: Path
                                                                 ) -> None:
    everything = disclosures.list_page(seeded, ListFilter(), limit=10_000)
    total = len(everything)
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        screen, table = await open_list(pilot)
        seen: list[str] = shown_keys(table)
        for page in (2, 3):
            last = table.page[-1]
            table.move_cursor(row=table.row_count - 1)
            await pilot.press("down")
            await wait_until(pilot, lambda last=last: table.page[0] != last
                             and last not in table.page)
            # The page is the keyset page after the previous one, the cursor on its first row.
            after = disclosures.list_page(seeded, ListFilter(), after=cursor_for(last, "updated"))
            assert shown_keys(table) == [r.key for r in after]
            assert table.cursor_row == 0
            assert table.current == everything[(page - 1) * 100]
            assert position(screen).startswith(f"rows {(page - 1) * 100 + 1}–{page * 100} of "
                                               f"{total}")
            assert table.row_count <= MAX_LIVE_ROWS
            seen.extend(shown_keys(table))
        assert seen == [r.key for r in everything[:300]]
        assert len(set(seen)) == 300

        # Back up: above the first row of page 3 is the last row of page 2.
        first_of_three = table.page[0]
        await pilot.press("up")
        await wait_until(pilot, lambda: first_of_three not in table.page)
        assert table.current == everything[199]
        assert shown_keys(table) == [r.key for r in everything[100:200]]
        assert position(screen).startswith(f"rows 101–200 of {total}")
        assert table.row_count <= MAX_LIVE_ROWS


async def test_page_down_past_the_end_lands_on_the_logical_row(seeded: Store, tmp_path: Path
                                                                ) -> None:
    everything = disclosures.list_page(seeded, ListFilter(), limit=10_000)
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        _screen, table = await open_list(pilot)
        table.move_cursor(row=95)
        await pilot.pause()
        step = table.scrollable_content_region.height - table.header_height
        assert 95 + step > 99  # the page-down target lies on the next page
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: table.page[0] == everything[100])
        assert table.current == everything[95 + step]
        await pilot.press("pageup")
        await wait_until(pilot, lambda: table.page[0] == everything[0])
        assert table.current == everything[95]


async def test_keys_pressed_while_a_page_loads_move_the_cursor_further(
    seeded: Store, tmp_path: Path
) -> None:
    everything = disclosures.list_page(seeded, ListFilter(), limit=10_000)
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        _screen, table = await open_list(pilot)
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        # Three presses of a held key arrive before the next page does.
        for _ in range(3):
            table.action_cursor_down()
        await wait_until(pilot, lambda: table.page[0] == everything[100])
        assert table.current == everything[102]


async def test_end_shows_the_last_page_and_home_the_first(seeded: Store, tmp_path: Path
                                                          ) -> None:
    everything = disclosures.list_page(seeded, ListFilter(), limit=10_000)
    total = len(everything)
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        screen, table = await open_list(pilot)
        await pilot.press("end")
        await wait_until(pilot, lambda: table.page[-1] == everything[-1])
        assert shown_keys(table) == [r.key for r in everything[-100:]]
        assert table.current == everything[-1]
        assert position(screen).startswith(f"rows {total - 99}–{total} of {total}")
        # Walking up from the last page counts the rows from its end.
        table.move_cursor(row=0)
        first_of_last = table.page[0]
        await pilot.press("up")
        await wait_until(pilot, lambda: first_of_last not in table.page)
        assert table.current == everything[total - 101]
        assert position(screen).startswith(f"rows {total - 199}–{total - 100} of {total}")
        await pilot.press("home")
        await wait_until(pilot, lambda: table.page[0] == everything[0])
        assert table.cursor_row == 0
        assert position(screen).startswith(f"rows 1–100 of {total}")


async def test_sorting_by_title_and_reversing(seeded: Store, tmp_path: Path) -> None:
    by_title = disclosures.list_page(seeded, ListFilter(), sort="title", descending=False)
    by_title_desc = disclosures.list_page(seeded, ListFilter(), sort="title", descending=True)
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        screen, table = await open_list(pilot)
        before = shown_keys(table)
        await pilot.press("s", "s")  # last update -> key -> title
        await wait_until(pilot, lambda: shown_keys(table) == [r.key for r in by_title])
        assert shown_keys(table) != before
        assert screen.sort == "title"
        assert "sorted by title ↑" in position(screen)
        await wait_until(pilot, lambda: "Title ↑" in screen_text(pilot))  # drawn, too
        await pilot.press("r")
        await wait_until(pilot, lambda: shown_keys(table) == [r.key for r in by_title_desc])
        assert "sorted by title ↓" in position(screen)


async def test_filters_by_engagement_and_status(seeded: Store, tmp_path: Path) -> None:
    nova = ListFilter(engagement_key="NOVA-2026")
    nova_submitted = ListFilter(engagement_key="NOVA-2026", status="submitted")
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        screen, table = await open_list(pilot)
        # The filters are mounted once the first rows are on screen, then given engagements.
        await wait_until(pilot, lambda: bool(screen.query("#engagement"))
                         and len(screen.query_one("#engagement", Select)._options) > 1)
        engagement = screen.query_one("#engagement", Select)
        engagement.value = "NOVA-2026"
        expected = disclosures.list_page(seeded, nova)
        await wait_until(pilot, lambda: shown_keys(table) == [r.key for r in expected]
                         and screen.total is not None)
        assert {r.engagement_key for r in table.page} == {"NOVA-2026"}
        assert screen.total == disclosures.count(seeded, nova)
        assert f"of {screen.total}" in position(screen)

        # The status filter through the keyboard: t opens it; draft, then submitted.
        await pilot.press("t")
        await pilot.press("down", "down", "enter")
        expected = disclosures.list_page(seeded, nova_submitted)
        await wait_until(pilot, lambda: shown_keys(table) == [r.key for r in expected]
                         and screen.total is not None)
        assert {(r.engagement_key, r.status) for r in table.page} == {("NOVA-2026", "submitted")}
        assert screen.total == disclosures.count(seeded, nova_submitted) < SEEDED


def _words(store: Store, key: str) -> list[str]:
    view = disclosures.get_disclosure(store, key)
    text = " ".join((view.title, view.summary, view.problem, view.description, view.variants,
                     view.advantages, view.prior_art))
    return re.findall(r"\w+", text.lower())


async def test_search_by_word_and_prefix_then_back_to_the_list(seeded: Store, tmp_path: Path
                                                              ) -> None:
    rare = disclosures.search(seeded, "zirconia")
    assert len(rare) == 1  # the seeded word list has no zirconia
    async with make_app(seeded, tmp_path).run_test(size=(80, 24)) as pilot:
        screen, table = await open_list(pilot)
        table.move_cursor(row=7)
        list_keys = shown_keys(table)
        await pilot.press("slash")
        await pilot.press(*"zirconia")
        await wait_until(pilot, lambda: screen.showing == "search")
        assert shown_keys(table) == [rare[0].key]
        assert table.page[0].title == RARE_TITLE
        assert position(screen).startswith("1 result for zirconia, ranked best first")

        for _ in "zirconia":
            await pilot.press("backspace")
        await pilot.press(*"graph*")
        expected = disclosures.search(seeded, "graph*", limit=100)
        await wait_until(pilot, lambda: screen.results_for == "graph*")
        assert shown_keys(table) == [r.key for r in expected]
        assert expected and all(r.rank is not None for r in table.page)
        for row in table.page:
            assert any(word.startswith("graph") for word in _words(seeded, row.key)), row.key
        assert f"{len(expected)} result" in position(screen)
        assert table.row_count <= MAX_LIVE_ROWS

        await pilot.press("escape")  # clears the box: the list comes back where it was
        await wait_until(pilot, lambda: screen.showing == "list")
        assert shown_keys(table) == list_keys
        assert table.cursor_row == 7
        assert position(screen).startswith("rows 1–100 of")


async def test_enter_opens_the_highlighted_disclosure(seeded: Store, tmp_path: Path) -> None:
    app = make_app(seeded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        _screen, table = await open_list(pilot)
        table.move_cursor(row=3)
        await pilot.pause()
        expected: DisclosureRow | None = table.current
        assert expected is not None
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened == [expected.key]


async def test_markup_in_titles_is_shown_literally(seeded: Store, tmp_path: Path) -> None:
    async with make_app(seeded, tmp_path).run_test(size=(140, 24)) as pilot:
        _screen, table = await open_list(pilot)
        row = table.page.index(next(r for r in table.page if r.title == MARKUP_TITLE))
        assert table.get_row_at(row)[1].plain == MARKUP_TITLE
        await pilot.pause()
        await wait_until(pilot, lambda: MARKUP_TITLE in screen_text(pilot))


async def test_palette_offers_the_list_commands(seeded: Store, tmp_path: Path) -> None:
    app = make_app(seeded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _table = await open_list(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Search disclosures", "Sort disclosures", "Filter by engagement",
                "Filter by status"} <= titles
        await wait_until(pilot, lambda: "Search" in screen_text(pilot).splitlines()[-1])
        footer = screen_text(pilot).splitlines()[-1]
        assert "Search" in footer and "Sort" in footer and "Status" in footer


def rename_table(store: Store, old: str, new: str) -> None:
    """Rename a table behind the app's back, from a connection of its own on the file."""
    with sqlite3.connect(store.url.removeprefix("sqlite:///"), timeout=30) as other:
        other.execute(f"ALTER TABLE {old} RENAME TO {new}")


async def test_a_failed_first_page_still_mounts_the_count_filters_and_footer_then_recovers(
    seeded: Store, tmp_path: Path
) -> None:
    app = make_app(seeded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # home has read what it shows
        rename_table(seeded, "disclosure", "disclosure_away")
        screen = DisclosureListScreen()
        await app.push_screen(screen)
        table = screen.query_one(DisclosureTable)
        # The first page fails for real (no such table); what waited for it comes up anyway.
        await wait_until(pilot, lambda: screen._filter("status") is not None
                         and screen._filter("engagement") is not None
                         and bool(screen.query(Footer)), timeout=10)
        await app.workers.wait_for_complete()
        assert table.row_count == 0 and screen.total is None
        assert any(n.title == "Could not load the list" for n in app._notifications)

        rename_table(seeded, "disclosure_away", "disclosure")
        await pilot.press("s")  # any reload tries again: here, the next sort
        await wait_until(pilot, lambda: table.row_count > 0 and screen.total is not None,
                         timeout=10)
        expected = disclosures.list_page(seeded, ListFilter(), sort=screen.sort,
                                         descending=screen.descending, limit=100)
        assert shown_keys(table) == [r.key for r in expected]
        assert screen.total == disclosures.count(seeded, ListFilter())
        assert position(screen).startswith(f"rows 1–100 of {screen.total}")
