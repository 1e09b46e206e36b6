"""A DataTable that holds one page of disclosures and asks for the neighbouring pages.

The table never holds the whole list: Textual's DataTable freezes the app for about 12 s when
given 100,000 rows (PERFORMANCE-NOTES.md). It shows one page and, when the cursor would leave
the page (down on the last row, page down past the end, Home, End), posts a message saying how
far beyond the edge the user wanted to go; the screen fetches that page and hands it back with
`show_rows`, which replaces the rows in one redraw.

This module imports no database code, so it loads with the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

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
JOINT_WIDTH = 5
DATE_WIDTH = 10  # 2026-05-01
DATETIME_WIDTH = 16  # 2026-05-01 14:03, when the terminal is wide enough
MIN_TITLE_WIDTH = 16
CELL_PADDING = 2  # DataTable pads each cell by one column on each side
SCROLLBAR_WIDTH = 2


def _cell(value: str) -> Text:
    """User text as a Rich Text: never parsed as markup, cut with an ellipsis when too long."""
    return Text(clean_line(value), no_wrap=True, overflow="ellipsis")


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


class DisclosureTable(DataTable[Text]):
    """One page of the disclosure list; row keys are disclosure keys."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="firstfile.list-table-open",
                tooltip="Open the highlighted disclosure"),
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

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.page: tuple[DisclosureRow, ...] = ()
        self._layout = Layout.for_width(80)
        self._sort: tuple[str, bool] | None = None

    # --- content ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        widths = {
            "key": KEY_WIDTH, "title": self._layout.title, "status": STATUS_WIDTH,
            "engagement": ENGAGEMENT_WIDTH, "joint": JOINT_WIDTH,
            "updated": self._layout.updated,
        }
        for key, label in COLUMNS:
            self.add_column(self._header(key, label), width=widths[key], key=key)

    def _header(self, key: str, label: str) -> Text:
        if self._sort is not None and SORT_COLUMN.get(self._sort[0]) == key:
            arrow = "↓" if self._sort[1] else "↑"
            return Text(f"{label} {arrow}", style="bold")
        return Text(label)

    def _cells(self, row: DisclosureRow) -> list[Text]:
        stamp = "%Y-%m-%d %H:%M" if self._layout.updated == DATETIME_WIDTH else "%Y-%m-%d"
        return [
            Text(row.key, no_wrap=True),
            _cell(row.title),
            Text(row.status, no_wrap=True),
            _cell(row.engagement_key),
            Text("JOINT", style="bold") if row.joint else Text(""),
            Text(_local(row.updated_at).strftime(stamp), no_wrap=True),
        ]

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
        resort = sort != self._sort
        self._sort = sort
        self.clear(columns=resort)
        if resort:
            self._add_columns()
        self.add_rows([self._cells(r) for r in self.page])
        # add_rows has no row keys; rows are addressed by position in self.page.
        if self.page:
            self.move_cursor(row=max(0, min(cursor, len(self.page) - 1)), scroll=True)

    @property
    def current(self) -> DisclosureRow | None:
        """The disclosure under the cursor."""
        if not self.page or not 0 <= self.cursor_row < len(self.page):
            return None
        return self.page[self.cursor_row]

    def on_resize(self, event: Resize) -> None:
        layout = Layout.for_width(event.size.width)
        if layout != self._layout:
            self._layout = layout
            cursor = self.cursor_row
            self.clear(columns=True)
            self._add_columns()
            self.add_rows([self._cells(r) for r in self.page])
            if self.page:
                self.move_cursor(row=min(cursor, len(self.page) - 1))

    # --- leaving the page ---------------------------------------------------------------

    def _visible_rows(self) -> int:
        header = self.header_height if self.show_header else 0
        return max(1, self.scrollable_content_region.height - header)

    def _at_last_row(self) -> bool:
        return self.row_count > 0 and self.cursor_row >= self.row_count - 1

    def action_cursor_down(self) -> None:
        if self._at_last_row():
            self.post_message(self.PastEnd(self, 1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.row_count > 0 and self.cursor_row <= 0:
            self.post_message(self.PastStart(self, 1))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        target = self.cursor_row + self._visible_rows()
        if self.row_count > 0 and target > self.row_count - 1:
            # The logical target lies in the next page: ask for it, counting from the edge.
            self.post_message(self.PastEnd(self, target - (self.row_count - 1)))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        target = self.cursor_row - self._visible_rows()
        if self.row_count > 0 and target < 0:
            self.post_message(self.PastStart(self, -target))
        else:
            super().action_page_up()

    def action_first_page(self) -> None:
        self.post_message(self.JumpFirst(self))

    def action_last_page(self) -> None:
        self.post_message(self.JumpLast(self))


__all__ = ["COLUMNS", "DisclosureTable", "Layout"]
