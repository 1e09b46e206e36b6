"""Every disclosure: sortable, filterable by engagement and status, searchable.

The list can hold 100,000 disclosures, so the table only ever holds one page (100 rows).
Pages come from the database by keyset paging (the rows after or before the page's edge row)
in a thread worker; the position shown ("rows 101–200 of 100,000") is counted as pages are
walked, and the total comes from one count per filter change, never per key press.

Search uses the full-text index: typing waits 150 ms for a pause, then one exclusive worker
searches (a newer search cancels an older one); results are shown ranked, best first. Clearing
the box brings back the list where it was.

Database code is imported inside the workers only: this module loads with the first frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from itertools import count as counter
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Select, Static

from firstfile.domain.views import DisclosureRow
from firstfile.domain.vocabulary import DISCLOSURE_STATUSES
from firstfile.ui.commands import Command, bindings
from firstfile.ui.widgets.disclosure_table import DisclosureTable
from firstfile.ui.widgets.steady_select import SteadySelect

if TYPE_CHECKING:
    from firstfile.services.disclosures import ListFilter
    from firstfile.storage.engine import Store
    from firstfile.ui.app import FirstfileApp

PAGE_SIZE = 100
SEARCH_LIMIT = 100
SEARCH_DELAY = 0.15  # seconds of quiet typing before a search runs
SORTS: tuple[str, ...] = ("updated", "key", "title", "status")
SORT_NAMES = {"updated": "last update", "key": "key", "title": "title", "status": "status"}


@dataclass(frozen=True, slots=True)
class Filters:
    """What the list is narrowed to; plain strings so the screen needs no database import."""

    engagement: str | None = None
    status: str | None = None

    def to_list_filter(self) -> ListFilter:
        from firstfile.services.disclosures import ListFilter

        return ListFilter(engagement_key=self.engagement, status=self.status)

    @property
    def active(self) -> bool:
        return self.engagement is not None or self.status is not None


@dataclass(frozen=True, slots=True)
class PageSpot:
    """Where the shown page sits in the whole list.

    Walking pages from the top counts rows before the page (`top`); jumping to the end
    counts rows after it (`bottom`) until the total is known.
    """

    top: int | None = 0
    bottom: int | None = None
    at_start: bool = True
    at_end: bool = False

    def first_row(self, shown: int, total: int | None) -> int | None:
        """0-based index of the page's first row in the whole list, when it can be known."""
        if self.top is not None:
            return self.top
        if self.bottom is not None and total is not None:
            return max(0, total - self.bottom - shown)
        return None


@dataclass
class ListSnapshot:
    """The list as it was when search results replaced it, to come back to."""

    rows: tuple[DisclosureRow, ...]
    spot: PageSpot
    cursor: int
    generation: int


# --- messages from the workers ------------------------------------------------------------


@dataclass
class PageLoaded(Message):
    token: int
    kind: str  # first | next | prev | last
    rows: list[DisclosureRow]


@dataclass
class Counted(Message):
    generation: int
    total: int


@dataclass
class Found(Message):
    token: int
    query: str
    rows: list[DisclosureRow]


@dataclass
class EngagementsLoaded(Message):
    keys: list[tuple[str, str]] = field(default_factory=list)  # (key, name)


@dataclass
class LoadFailed(Message):
    what: str
    error: str


# Every action of the list, defined once: the key binding (footer) and the palette entry.
LIST_COMMANDS: tuple[Command, ...] = (
    Command("list-search", "slash", "focus_search", "Search disclosures",
            "Full-text search of titles and texts: every word must match, in any of its "
            "forms (thermal finds thermally); word* matches a prefix; A OR B (capital OR) "
            "matches either", "Search"),
    Command("list-sort", "s", "cycle_sort", "Sort disclosures",
            "Sort by last update, key, title or status in turn", "Sort"),
    Command("list-reverse", "r", "reverse_sort", "Reverse the sort",
            "Reverse the direction of the list's sort", "Reverse", show=False),
    Command("list-engagement", "e", "filter_engagement", "Filter by engagement",
            "Show only the disclosures of one engagement", "Engagement"),
    Command("list-status", "t", "filter_status", "Filter by status",
            "Show only the disclosures with one status", "Status"),
    Command("list-first", "home", "first_page", "First disclosures",
            "Go to the top of the list", "First", show=False),
    Command("list-last", "end", "last_page", "Last disclosures",
            "Go to the bottom of the list", "Last", show=False),
    Command("list-open", "enter", "open", "Open the highlighted disclosure",
            "Open the disclosure under the cursor in the editor", "Open", show=False),
    Command("list-back", "escape", "back", "Back",
            "Clear the search, or leave the list", "Back", show=False),
)


class DisclosureListScreen(Screen[None]):
    """All disclosures, one page at a time."""

    app: FirstfileApp

    TITLE = "Disclosures"
    DEFAULT_CSS = """
    DisclosureListScreen #bar { height: 1; }
    DisclosureListScreen #search { width: 1fr; }
    DisclosureListScreen #search-label { width: auto; text-style: bold; }
    DisclosureListScreen #engagement, DisclosureListScreen #engagement-label { width: 22; }
    DisclosureListScreen #status, DisclosureListScreen #status-label { width: 18; }
    DisclosureListScreen .later { color: $text-muted; }
    DisclosureListScreen #disclosures { height: 1fr; }
    DisclosureListScreen #position { height: 1; padding: 0 1; background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(LIST_COMMANDS),
        Binding("down", "focus_table", "To the list", id="firstfile.list-to-table", show=False,
                tooltip="From the search box down into the list"),
    ]
    # Read by the app's command palette (firstfile.ui.commands.palette_entries).
    FIRSTFILE_COMMANDS = LIST_COMMANDS

    def __init__(self) -> None:
        super().__init__()
        self.sort = "updated"
        self.descending = True
        self.filters = Filters()
        self.total: int | None = None
        self.query_text = ""  # the search being shown or run; "" is the list
        self.showing = "list"  # what the table holds: "list" or "search"
        self.spot = PageSpot()
        self.results_for = ""
        self._generation = 0  # bumped when the filters or sort change the list
        self._tokens = counter(1)
        self._page_token = 0
        # The page being fetched and how far past the shown page's edge the cursor should land;
        # key presses that arrive meanwhile (a held arrow key) add to the distance.
        self._pending: tuple[str, int] | None = None
        self._search_token = 0
        self._searching = False
        self._debounce: Timer | None = None
        self._snapshot: ListSnapshot | None = None
        # The count and the engagement choices wait until the first rows are on screen, so
        # that their slower queries do not compete with the page for the first frame.
        self._count_due = False
        self._engagements_due = True

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Static(Text("Search "), id="search-label")
            yield Input(placeholder="/ search (words, graph*, pad OR foil)", id="search",
                        compact=True)
            # Each Select costs ~40 ms to build, more than the first page itself: they are
            # mounted in place of these labels once the first rows are on screen.
            yield Static(Text(" All engagements"), id="engagement-label", classes="later")
            yield Static(Text(" All statuses"), id="status-label", classes="later")
        yield DisclosureTable(id="disclosures")
        yield Static(Text("loading…"), id="position")
        # The footer's key widgets cost ~45 ms of styling, more than the page itself: it is
        # mounted with the filters, right after the first rows are on screen.

    @property
    def table(self) -> DisclosureTable:
        return self.query_one(DisclosureTable)

    def on_mount(self) -> None:
        self.table.focus()
        self._reload(recount=True)

    # --- the store, from worker threads ------------------------------------------------

    def _store(self) -> Store:
        return self.app.wait_store()

    @work(thread=True, exclusive=True, group="engagements", exit_on_error=False)
    def _load_engagements(self) -> None:
        from firstfile.services import directory

        try:
            engagements = directory.list_engagements(self._store())
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.post_message(LoadFailed("engagements", str(exc)))
            return
        self.post_message(EngagementsLoaded([(e.key, e.name) for e in engagements]))

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _fetch_page(
        self, token: int, kind: str, filters: Filters, sort: str, descending: bool,
        edge: DisclosureRow | None,
    ) -> None:
        from firstfile.services import disclosures

        filt = filters.to_list_filter()
        try:
            store = self._store()
            if kind == "next":
                assert edge is not None
                rows = disclosures.list_page(store, filt, sort=sort, descending=descending,
                                             after_row=edge, limit=PAGE_SIZE)
            elif kind == "prev":
                assert edge is not None
                rows = disclosures.list_page(store, filt, sort=sort, descending=descending,
                                             before_row=edge, limit=PAGE_SIZE)
            elif kind == "last":
                # The last page is the first page of the reversed order, turned around.
                rows = disclosures.list_page(store, filt, sort=sort,
                                             descending=not descending, limit=PAGE_SIZE)
                rows.reverse()
            else:
                rows = disclosures.list_page(store, filt, sort=sort, descending=descending,
                                             limit=PAGE_SIZE)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.post_message(LoadFailed("the list", str(exc)))
            return
        self.post_message(PageLoaded(token, kind, rows))

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def _count(self, generation: int, filters: Filters) -> None:
        from firstfile.services import disclosures

        try:
            total = disclosures.count(self._store(), filters.to_list_filter())
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.post_message(LoadFailed("the count", str(exc)))
            return
        self.post_message(Counted(generation, total))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, token: int, query: str, filters: Filters) -> None:
        from textual.worker import get_current_worker

        from firstfile.services import disclosures

        try:
            rows = disclosures.search(self._store(), query, filters.to_list_filter(),
                                      limit=SEARCH_LIMIT)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.post_message(LoadFailed("the search", str(exc)))
            return
        if not get_current_worker().is_cancelled:  # a newer keystroke took over
            self.post_message(Found(token, query, rows))

    # --- the list ---------------------------------------------------------------------------

    def disclosure_logged(self, key: str) -> None:
        """A disclosure was logged over the list (quick capture): read it again, count too."""
        self._reload(recount=True)

    def _reload(self, *, recount: bool) -> None:
        """Start the list again from its first page (filters or sort changed)."""
        self._generation += 1
        self._snapshot = None
        if recount or self.total is None:  # a count that failed is tried again too
            self.total = None
            self._count_due = True
        if self.query_text:
            self._start_search(self.query_text)
        else:
            self._request("first")
        self._show_position()

    def _request(self, kind: str, edge: DisclosureRow | None = None, beyond: int = 0) -> None:
        self._page_token = next(self._tokens)
        self._pending = (kind, beyond)
        self._fetch_page(self._page_token, kind, self.filters, self.sort, self.descending, edge)

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.token != self._page_token or self.showing != "list":
            return  # an older request, or search results took the table meanwhile
        beyond = self._pending[1] if self._pending is not None else 1
        self._pending = None
        table, rows, spot = self.table, message.rows, self.spot
        full = len(rows) == PAGE_SIZE
        if message.kind == "first":
            spot = PageSpot(top=0, at_start=True, at_end=not full)
            cursor = 0
        elif message.kind == "last":
            spot = PageSpot(top=None, bottom=0, at_start=not full, at_end=True)
            cursor = len(rows) - 1
        elif not rows:
            # Nothing beyond this edge: the list ends here; keep the page, move to its edge.
            if message.kind == "next":
                self.spot = PageSpot(spot.top, spot.bottom, spot.at_start, True)
                table.move_cursor(row=table.row_count - 1)
            else:
                self.spot = PageSpot(0, None, True, spot.at_end)
                table.move_cursor(row=0)
            self._show_position()
            return
        elif message.kind == "next":
            spot = PageSpot(
                top=None if spot.top is None else spot.top + len(table.page),
                bottom=None if spot.bottom is None else max(0, spot.bottom - len(rows)),
                at_start=False, at_end=not full or spot.bottom == len(rows),
            )
            cursor = beyond - 1
        else:  # prev
            top = None if spot.top is None else max(0, spot.top - len(rows))
            spot = PageSpot(
                top=top,
                bottom=None if spot.bottom is None else spot.bottom + len(table.page),
                at_start=not full or top == 0, at_end=False,
            )
            cursor = len(rows) - beyond
        self.spot = self._settled(spot, len(rows))
        table.show_rows(rows, cursor=cursor, sort=(self.sort, self.descending))
        self._show_position()
        self.call_after_refresh(self._start_deferred)

    async def _start_deferred(self) -> None:
        """Start the work that waited for the first rows to be shown."""
        if self._count_due:
            self._count_due = False
            self._count(self._generation, self.filters)
        if self._engagements_due:
            self._engagements_due = False
            await self._mount_filters()
            self._load_engagements()
            await self.mount(Footer(compact=True))
            self.refresh_bindings()  # a footer mounted late fills in on the next bindings signal

    async def _mount_filters(self) -> None:
        labels = self.query(".later")
        removing = labels.remove()
        mounting = self.query_one("#bar").mount(
            SteadySelect[str]((), prompt="All engagements", id="engagement", compact=True),
            SteadySelect[str](
                [(Text(s), s) for s in DISCLOSURE_STATUSES], prompt="All statuses",
                id="status", compact=True,
            ),
        )
        await removing
        await mounting

    def _filter(self, name: str) -> Select[str] | None:
        """The engagement or status Select, once mounted."""
        found = self.query(f"#{name}").results(Select)
        return next(iter(found), None)

    def _settled(self, spot: PageSpot, shown: int) -> PageSpot:
        """Count from the top once the total is known, so later pages count on from there."""
        if spot.top is None and self.total is not None:
            first = spot.first_row(shown, self.total)
            return PageSpot(first, None, spot.at_start, spot.at_end)
        return spot

    def on_counted(self, message: Counted) -> None:
        if message.generation != self._generation:
            return
        self.total = message.total
        if self.showing == "list":
            self.spot = self._settled(self.spot, len(self.table.page))
        self._show_position()

    @on(DisclosureTable.PastEnd)
    def _past_end(self, message: DisclosureTable.PastEnd) -> None:
        table = self.table
        if self.showing != "list" or self.spot.at_end:
            table.move_cursor(row=table.row_count - 1)
            return
        if self._pending is not None:
            self._pile_up("next", message.beyond)
            return
        self._request("next", table.page[-1], message.beyond)

    @on(DisclosureTable.PastStart)
    def _past_start(self, message: DisclosureTable.PastStart) -> None:
        table = self.table
        if self.showing != "list" or self.spot.at_start:
            table.move_cursor(row=0)
            return
        if self._pending is not None:
            self._pile_up("prev", message.beyond)
            return
        self._request("prev", table.page[0], message.beyond)

    def _pile_up(self, kind: str, beyond: int) -> None:
        """A move past the edge while a page is on its way: the cursor goes further when it
        arrives (moves the other way, or during Home/End, are dropped: the page is stale)."""
        if self._pending is not None and self._pending[0] == kind:
            self._pending = (kind, self._pending[1] + beyond)

    @on(DisclosureTable.JumpFirst)
    def _jump_first(self) -> None:
        table = self.table
        if self.showing != "list" or (self.spot.at_start and self.spot.top == 0):
            table.move_cursor(row=0)  # already there: no reload, no redraw
            return
        self._request("first")

    @on(DisclosureTable.JumpLast)
    def _jump_last(self) -> None:
        table = self.table
        if self.showing != "list" or self.spot.at_end:
            table.move_cursor(row=table.row_count - 1)
            return
        self._request("last")

    def _show_position(self) -> None:
        label = self.query_one("#position", Static)
        # Its size is fixed (one line, full width), so no layout pass: a layout of the whole
        # screen on every page down was a good part of each scrolling stall.
        label.update(self._position_text(), layout=False)

    def _position_text(self) -> Text:
        shown = len(self.table.page)
        if self.showing == "search":
            n = shown
            text = Text(f"{n:,} result{'s' if n != 1 else ''} for ")
            text.append(self.results_for, style="bold")
            text.append(", ranked best first" if n else "")
            if n >= SEARCH_LIMIT:
                text.append(f" (top {SEARCH_LIMIT})")
            if self._searching:
                text.append(" · searching…")
            return text
        total = "…" if self.total is None else f"{self.total:,}"
        if self.total == 0 or (shown == 0 and self.spot.at_end):
            text = Text("no disclosures match the filters" if self.filters.active
                        else "no disclosures yet")
        elif shown == 0:
            text = Text("loading…")
        else:
            first = self.spot.first_row(shown, self.total)
            if first is None:
                text = Text(f"last {shown:,} rows of {total}")
            else:
                text = Text(f"rows {first + 1:,}–{first + shown:,} of {total}")
        arrow = "↓" if self.descending else "↑"
        text.append(f" · sorted by {SORT_NAMES[self.sort]} {arrow}")
        if self._searching:
            text.append(" · searching…")
        return text

    # --- search --------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if not event.value.strip():
            self._leave_search()
            return
        self._debounce = self.set_timer(SEARCH_DELAY, partial(self._start_search, event.value))

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None and event.value.strip():
            self._debounce.stop()
            self._debounce = None
            self._start_search(event.value)
        self.table.focus()

    def _start_search(self, query: str) -> None:
        self._debounce = None
        self.query_text = query
        self._search_token = next(self._tokens)
        self._searching = True
        self._search(self._search_token, query, self.filters)
        self._show_position()

    def on_found(self, message: Found) -> None:
        if message.token != self._search_token or not self.query_text:
            return
        table = self.table
        if self.showing == "list":
            self._snapshot = ListSnapshot(table.page, self.spot, table.cursor_row,
                                          self._generation)
        # A page still on its way belongs to the list as it was: drop it.
        self._page_token = next(self._tokens)
        self._pending = None
        self.showing = "search"
        self._searching = False
        self.results_for = message.query.strip()
        table.show_rows(message.rows, cursor=0, sort=None)
        self._show_position()
        self.call_after_refresh(self._start_deferred)

    def _leave_search(self) -> None:
        """Back to the list, where it was when the search began (if nothing changed since)."""
        self._search_token = next(self._tokens)  # drop any search still running
        self._searching = False
        self.query_text = ""
        self.results_for = ""
        if self.showing != "search":
            self._show_position()
            return
        self.showing = "list"
        snapshot, self._snapshot = self._snapshot, None
        if snapshot is not None and snapshot.generation == self._generation:
            self.spot = snapshot.spot
            self.table.show_rows(snapshot.rows, cursor=snapshot.cursor,
                                 sort=(self.sort, self.descending))
        else:
            self.table.show_rows((), sort=(self.sort, self.descending))
            self._request("first")
        self._show_position()

    # --- filters -----------------------------------------------------------------------------

    def on_engagements_loaded(self, message: EngagementsLoaded) -> None:
        select = self._filter("engagement")
        if select is None:
            return
        chosen = select.value
        select.set_options([(Text(key), key) for key, _name in message.keys])
        if chosen in {key for key, _ in message.keys}:
            select.value = chosen

    @on(Select.Changed)
    def _filter_changed(self, _event: Select.Changed) -> None:
        engagement = getattr(self._filter("engagement"), "value", None)
        status = getattr(self._filter("status"), "value", None)
        filters = Filters(
            engagement=engagement if isinstance(engagement, str) else None,
            status=status if isinstance(status, str) else None,
        )
        if filters != self.filters:
            self.filters = filters
            self._reload(recount=True)
            self.table.focus()  # chosen: back to the rows

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.what == "the list":
            self._pending = None  # let the next key press try again
            # The count, the filters and the footer waited for the first page: they come up
            # anyway, so the list can be sorted or filtered to try again.
            self.call_after_refresh(self._start_deferred)
        self.notify(message.error, title=f"Could not load {message.what}", severity="error")

    # --- actions (bindings and palette) ------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        # Newest first for dates, A to Z for text: the order people expect first.
        self.descending = self.sort in ("updated", "key")
        self._sorted()

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self._sorted()

    def _sorted(self) -> None:
        if self.showing == "search":
            self.notify("Search results stay ranked; the sort applies to the list.",
                        timeout=3)
        self._reload(recount=False)

    def action_filter_engagement(self) -> None:
        self._open_filter("engagement")

    def action_filter_status(self) -> None:
        self._open_filter("status")

    def _open_filter(self, name: str) -> None:
        select = self._filter(name)
        if select is not None:  # before the first page it is not there yet
            select.focus()
            select.action_show_overlay()

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            self.app.open_disclosure(row.key)

    @on(DisclosureTable.Selected, "#disclosures")
    def _row_selected(self, event: DisclosureTable.Selected) -> None:
        event.stop()
        self.action_open()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""  # Input.Changed brings the list back
            self.table.focus()
        elif self.focused is not self.table:
            self.table.focus()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_first_page(self) -> None:
        self._jump_first()

    def action_last_page(self) -> None:
        self._jump_last()


__all__ = ["LIST_COMMANDS", "DisclosureListScreen"]
