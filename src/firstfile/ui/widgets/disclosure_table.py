"""A light table that holds one page of disclosures and asks for the neighbouring pages.

The table never holds the whole list: Textual's DataTable freezes the app for about 12 s when
given 100,000 rows (PERFORMANCE-NOTES.md). It shows one page and, when the cursor would leave
the page (down on the last row, page down past the end, Home, End), posts a message saying how
far beyond the edge the user wanted to go; the screen fetches that page and hands it back with
`show_rows`, which replaces the rows in one redraw.

It draws its rows itself (Textual's line API) instead of being a DataTable: DataTable renders
every visible cell through Rich (padding, wrapping) on each page down, about 0.2 ms a cell,
which made a held page-down key stall the app for 60 ms. Here each row of a page becomes one
plain `Strip` when the page arrives, and drawing a line only picks a strip and colours it.
Every cell is built from plain strings, so user text is never read as markup.

This module imports no database code, so it loads with the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from firstfile.domain.text import clean_line
from firstfile.domain.views import DisclosureRow
from firstfile.domain.vocabulary import DISCLOSURE_STATUSES

# Column key -> header label. Widths are fixed (the title takes what is left) so that swapping
# pages never re-measures the columns and the layout does not jump between pages.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "Key"),
    ("title", "Title"),
    ("status", "Status"),
    ("engagement", "Engagement"),
    ("joint", "Joint"),
    ("updated", "Updated"),
)
SORT_COLUMN = {"key": "key", "title": "title", "status": "status", "updated": "updated"}
KEY_WIDTH = 13  # FF-2026-0001, and FF-2026-10000 in a busy year
STATUS_WIDTH = max(len("Status"), *(len(s) for s in DISCLOSURE_STATUSES))
ENGAGEMENT_WIDTH = 10
JOINT_WIDTH = 6  # JOINT or VENDOR (every inventor from one vendor)
DATE_WIDTH = 10  # 2026-05-01
DATETIME_WIDTH = 16  # 2026-05-01 14:03, when the terminal is wide enough
MIN_TITLE_WIDTH = 16
CELL_PADDING = 2  # one blank column on each side of a cell
SCROLLBAR_WIDTH = 2
HEADER_HEIGHT = 1
ELLIPSIS = "…"
BOLD = Style(bold=True)


def _fit(value: str, width: int) -> str:
    """`value` in exactly `width` cells: padded, or cut with an ellipsis (wide characters
    count two cells; one cut in half becomes a space)."""
    if cell_len(value) <= width:
        return set_cell_size(value, width)
    if width <= 0:
        return ""
    return set_cell_size(value, width - 1) + ELLIPSIS


def _local(moment: datetime) -> datetime:
    # Stored times are UTC; SQLite returns them without a zone.
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths for a given table width."""

    title: int
    updated: int

    @classmethod
    def for_width(cls, width: int) -> Layout:
        fixed = KEY_WIDTH + STATUS_WIDTH + ENGAGEMENT_WIDTH + JOINT_WIDTH
        spare = width - SCROLLBAR_WIDTH - CELL_PADDING * len(COLUMNS) - fixed
        updated = DATETIME_WIDTH if spare - DATETIME_WIDTH >= 40 else DATE_WIDTH
        return cls(title=max(MIN_TITLE_WIDTH, spare - updated), updated=updated)

    def widths(self) -> tuple[int, ...]:
        """Cell widths in the order of COLUMNS."""
        return (KEY_WIDTH, self.title, STATUS_WIDTH, ENGAGEMENT_WIDTH, JOINT_WIDTH, self.updated)


class DisclosureTable(ScrollView, can_focus=True):
    """One page of the disclosure list, a header line above it and a row cursor."""

    DEFAULT_CSS = """
    DisclosureTable {
        background: $surface;
        color: $foreground;
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
            & > .disclosure-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .disclosure-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .disclosure-table--stripe { background: $surface-darken-1 40%; }
        & > .disclosure-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .disclosure-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .disclosure-table--cursor { background: $block-cursor-blurred-background; }
        & > .disclosure-table--stripe { background: $surface-lighten-1 50%; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "disclosure-table--header",
        "disclosure-table--cursor",
        "disclosure-table--stripe",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="firstfile.list-table-open",
                tooltip="Open the highlighted disclosure"),
        Binding("up", "cursor_up", "Up", id="firstfile.list-table-up", show=False,
                tooltip="Move to the disclosure above"),
        Binding("down", "cursor_down", "Down", id="firstfile.list-table-down", show=False,
                tooltip="Move to the disclosure below"),
        Binding("pageup", "page_up", "Page up", id="firstfile.list-table-page-up", show=False,
                tooltip="Move up one screenful"),
        Binding("pagedown", "page_down", "Page down", id="firstfile.list-table-page-down",
                show=False, tooltip="Move down one screenful"),
        Binding("home,ctrl+home", "first_page", "First", id="firstfile.list-table-first",
                show=False, tooltip="Go to the first disclosure of the list"),
        Binding("end,ctrl+end", "last_page", "Last", id="firstfile.list-table-last",
                show=False, tooltip="Go to the last disclosure of the list"),
    ]

    @dataclass
    class PastEnd(Message):
        """The cursor wants to go `beyond` rows past the last row of this page."""

        table: DisclosureTable
        beyond: int

    @dataclass
    class PastStart(Message):
        """The cursor wants to go `beyond` rows above the first row of this page."""

        table: DisclosureTable
        beyond: int

    @dataclass
    class JumpFirst(Message):
        table: DisclosureTable

    @dataclass
    class JumpLast(Message):
        table: DisclosureTable

    @dataclass
    class Selected(Message):
        """Enter (or a click) on a row: open `row`."""

        table: DisclosureTable
        row: DisclosureRow

        @property
        def control(self) -> DisclosureTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.page: tuple[DisclosureRow, ...] = ()
        self._cursor = 0
        self._layout = Layout.for_width(80)
        self._sort: tuple[str, bool] | None = None
        # Unstyled lines, each exactly `_width` cells; the header is index 0 of nothing else.
        self._width = 0
        self._header: Strip | None = None
        self._strips: list[Strip] = []

    # --- content ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows of the page shown."""
        return len(self.page)

    @property
    def cursor_row(self) -> int:
        """Index in `page` of the highlighted row (0 when the page is empty)."""
        return self._cursor

    @property
    def header_height(self) -> int:
        return HEADER_HEIGHT

    @property
    def current(self) -> DisclosureRow | None:
        """The disclosure under the cursor."""
        if not self.page or not 0 <= self._cursor < len(self.page):
            return None
        return self.page[self._cursor]

    def show_rows(
        self,
        rows: Sequence[DisclosureRow],
        *,
        cursor: int = 0,
        sort: tuple[str, bool] | None = None,
    ) -> None:
        """Replace the rows with `rows` (one redraw) and put the cursor on row `cursor`.

        sort: (sort name, descending) marks that column's header; None marks no column
        (ranked search results).
        """
        self.page = tuple(rows)
        if sort != self._sort:
            self._sort = sort
            self._header = None
        self._strips = [self._row_strip(row) for row in self.page]
        self._cursor = max(0, min(cursor, len(self.page) - 1))
        self.virtual_size = Size(1, len(self.page) + HEADER_HEIGHT)
        # A new page is shown from its top unless the cursor lies lower down.
        self._scroll_to_row(self._first_visible_for(self._cursor, top=0))
        self.refresh()

    def get_row_at(self, row: int) -> list[Text]:
        """The cells of row `row` of the page, uncut, as plain (never markup) Text."""
        return [Text(value) for value in self._values(self.page[row])]

    def _values(self, row: DisclosureRow) -> tuple[str, ...]:
        stamp = "%Y-%m-%d %H:%M" if self._layout.updated == DATETIME_WIDTH else "%Y-%m-%d"
        return (
            row.key,
            clean_line(row.title),
            row.status,
            clean_line(row.engagement_key),
            row.flag,
            _local(row.updated_at).strftime(stamp),
        )

    def _row_strip(self, row: DisclosureRow) -> Strip:
        key, title, status, engagement, joint, updated = self._values(row)
        w_key, w_title, w_status, w_engagement, w_joint, w_updated = self._layout.widths()
        left = (f" {_fit(key, w_key)}  {_fit(title, w_title)}  {_fit(status, w_status)}  "
                f"{_fit(engagement, w_engagement)}  ")
        right = f"  {_fit(updated, w_updated)} "
        segments = [Segment(left), Segment(_fit(joint, w_joint), BOLD), Segment(right)]
        return self._to_width(segments)

    def _header_strip(self) -> Strip:
        labels = []
        for (key, label), width in zip(COLUMNS, self._layout.widths(), strict=True):
            if self._sort is not None and SORT_COLUMN.get(self._sort[0]) == key:
                label = f"{label} {'↓' if self._sort[1] else '↑'}"
            labels.append(_fit(label, width))
        return self._to_width([Segment(" " + "  ".join(labels) + " ")])

    def _to_width(self, segments: list[Segment]) -> Strip:
        return Strip(segments).crop_extend(0, self._width, None)

    def _rebuild(self, width: int) -> None:
        """Lay the lines out again for a new width."""
        self._width = width
        self._layout = Layout.for_width(self.size.width)
        self._header = None
        self._strips = [self._row_strip(row) for row in self.page]

    # --- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._rebuild(width)
        base = self.rich_style
        if y < HEADER_HEIGHT:
            if self._header is None:
                self._header = self._header_strip()
            return self._header.apply_style(
                base + self.get_component_rich_style("disclosure-table--header"))
        row = int(self.scroll_y) + y - HEADER_HEIGHT
        if not 0 <= row < len(self._strips):
            return Strip.blank(width, base)
        if row == self._cursor:
            style = base + self.get_component_rich_style("disclosure-table--cursor")
        elif row % 2 == 1:
            style = base + self.get_component_rich_style("disclosure-table--stripe")
        else:
            style = base
        return self._strips[row].apply_style(style)

    def on_resize(self, _event: Resize) -> None:
        # The lines are laid out again when next drawn (render_line compares the width).
        self._scroll_to_row(self._first_visible_for(self._cursor))
        self.refresh()

    # --- the cursor ---------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def _first_visible_for(self, row: int, top: int | None = None) -> int:
        """The first row to show so that `row` is visible, moving as little as possible
        from `top` (the current first row when None)."""
        first = int(self.scroll_y) if top is None else top
        visible = self._visible_rows()
        if row < first:
            return row
        if row >= first + visible:
            return row - visible + 1
        return first

    def _scroll_to_row(self, first: int) -> None:
        last = max(0, len(self.page) - self._visible_rows())
        self.scroll_to(y=max(0, min(first, last)), animate=False, force=True, immediate=True)

    def move_cursor(self, *, row: int | None = None, animate: bool = False,
                    scroll: bool = True) -> None:
        """Put the cursor on row `row` of the page (kept within it) and, with `scroll`,
        scroll it into view. `animate` is accepted for DataTable's signature and ignored."""
        if row is None or not self.page:
            return
        old, self._cursor = self._cursor, max(0, min(row, len(self.page) - 1))
        top = int(self.scroll_y)
        if scroll:
            self._scroll_to_row(self._first_visible_for(self._cursor))
        if int(self.scroll_y) == top:  # a scroll redraws everything by itself
            self._refresh_row(old)
            self._refresh_row(self._cursor)

    def _refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_y) + HEADER_HEIGHT
        if HEADER_HEIGHT <= y < self.scrollable_content_region.height:
            self.refresh_line(y + int(self.scroll_y))

    def _at_last_row(self) -> bool:
        return self.row_count > 0 and self._cursor >= self.row_count - 1

    def action_cursor_down(self) -> None:
        if self._at_last_row():
            self.post_message(self.PastEnd(self, 1))
        elif self.page:
            self.move_cursor(row=self._cursor + 1)

    def action_cursor_up(self) -> None:
        if self.row_count > 0 and self._cursor <= 0:
            self.post_message(self.PastStart(self, 1))
        elif self.page:
            self.move_cursor(row=self._cursor - 1)

    def action_page_down(self) -> None:
        step = self._visible_rows()
        target = self._cursor + step
        if self.row_count > 0 and target > self.row_count - 1:
            # The logical target lies in the next page: ask for it, counting from the edge.
            self.post_message(self.PastEnd(self, target - (self.row_count - 1)))
        elif self.page:
            # The view moves by a screenful with the cursor, as in a DataTable.
            self._scroll_to_row(int(self.scroll_y) + step)
            self.move_cursor(row=target)

    def action_page_up(self) -> None:
        step = self._visible_rows()
        target = self._cursor - step
        if self.row_count > 0 and target < 0:
            self.post_message(self.PastStart(self, -target))
        elif self.page:
            self._scroll_to_row(int(self.scroll_y) - step)
            self.move_cursor(row=target)

    def action_first_page(self) -> None:
        self.post_message(self.JumpFirst(self))

    def action_last_page(self) -> None:
        self.post_message(self.JumpLast(self))

    def action_select_cursor(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: Click) -> None:
        """A click on a row highlights it and opens it, as a DataTable row click did."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER_HEIGHT:
            return
        row = int(self.scroll_y) + offset.y - HEADER_HEIGHT
        if 0 <= row < len(self.page):
            event.stop()
            self.move_cursor(row=row)
            self.action_select_cursor()


__all__ = ["COLUMNS", "DisclosureTable", "Layout"]
