"""Every deadline across all disclosures: overdue first, then rights already lost, then those
due within 30, 60 or 90 days; the highlighted row's explanation and source below the table.

The docket is computed in a thread worker (services/counsel.docket, with the offices' closure
table read there too); the table only shows it. User text reaches the screen as rich Text,
never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from firstfile.ui.commands import Command, bindings

if TYPE_CHECKING:
    from firstfile.domain.deadlines import DocketRow
    from firstfile.ui.app import FirstfileApp

WINDOWS: tuple[int | None, ...] = (30, 60, 90, None)  # None: every deadline
STATE_STYLES = {"overdue": "bold red", "due-soon": "yellow", "lost": "red", "met": "green"}
# Overdue rows need action today; lost rights are shown whatever the window, next, so a
# right that is gone is never hidden behind a date filter.
_STATE_ORDER = {"overdue": 0, "lost": 1}

DEADLINE_COMMANDS: tuple[Command, ...] = (
    Command("deadlines-window", "w", "cycle_window", "Deadline window",
            "Show deadlines due within 30, 60, 90 days, or all of them", "Window"),
    Command("deadlines-refresh", "f5", "refresh", "Refresh deadlines",
            "Compute the deadlines again", "Refresh"),
    Command("deadlines-open", "enter", "open", "Open the disclosure",
            "Open the disclosure of the highlighted deadline", "Open", show=False),
    Command("deadlines-back", "escape", "back", "Back", "Leave the deadlines", "Back"),
)


class DeadlinesScreen(Screen[None]):
    """Overdue deadlines, lost rights, and those due within 30/60/90 days, soonest first."""

    TITLE = "Deadlines"
    DEFAULT_CSS = """
    DeadlinesScreen #deadlines-summary { height: 1; padding: 0 1; background: $panel; }
    DeadlinesScreen #deadlines-table { height: 1fr; }
    DeadlinesScreen #deadlines-detail-box { height: 8; border-top: solid $panel; }
    DeadlinesScreen #deadlines-detail { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(DEADLINE_COMMANDS)
    FIRSTFILE_COMMANDS = DEADLINE_COMMANDS
    app: FirstfileApp

    def __init__(self, *, as_of: date | None = None, window: int | None = 90) -> None:
        super().__init__()
        self.as_of = as_of or date.today()
        self.window = window
        self.rows: list[DocketRow] = []
        self.shown: list[DocketRow] = []
        self.problems: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading deadlines..."), id="deadlines-summary")
        yield DataTable(id="deadlines-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="deadlines-detail-box"):
            yield Static(Text(""), id="deadlines-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#deadlines-table", DataTable)
        for label, key in (("Due", "due"), ("State", "state"), ("Disclosure", "key"),
                           ("Rule", "rule"), ("Where", "where"), ("From", "basis")):
            table.add_column(label, key=key)
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="deadlines")
    def _load(self) -> None:
        from firstfile.services import counsel
        from firstfile.services.office_closures import load_closures

        try:
            closures = load_closures(self.app.settings.templates_dir)
            rows = counsel.docket(self.app.wait_store(), as_of=self.as_of,
                                  closures=closures.table)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, rows, closures.problems)

    def _failed(self, message: str) -> None:
        self.query_one("#deadlines-summary", Static).update(
            Text(f"Cannot compute deadlines: {message}"))

    def _loaded(self, rows: list[DocketRow], problems: list[str]) -> None:
        self.rows = rows
        self.problems = problems
        self._show()

    def _show(self) -> None:
        from firstfile.domain.deadlines import due_within

        if self.window is None:
            shown = [r for r in self.rows if r.deadline.state != "met"]
        else:
            dated = due_within(self.rows, self.window, as_of=self.as_of)
            shown = dated + [r for r in self.rows if r.deadline.state == "lost"]
        # Overdue first, then lost rights, then the rest soonest first (the docket's order).
        shown.sort(key=lambda r: _STATE_ORDER.get(r.deadline.state, 2))
        self.shown = shown
        table = self.query_one("#deadlines-table", DataTable)
        table.clear()
        for row in shown:
            d = row.deadline
            style = STATE_STYLES.get(d.state, "")
            basis = f"{d.basis.kind} {d.basis.date.isoformat()}" if d.basis else ""
            table.add_row(
                Text(d.due.isoformat() if d.due else "undated", style=style),
                Text(d.state + (" (planned)" if d.planned else ""), style=style),
                Text(row.disclosure),
                Text(d.title),
                Text(d.jurisdiction),
                Text(basis),
            )
        overdue = sum(1 for r in shown if r.deadline.state == "overdue")
        lost = sum(1 for r in shown if r.deadline.state == "lost")
        window = "open and lost deadlines" if self.window is None else (
            f"due within {self.window} days or lost")
        summary = (f"{len(shown)} {window} as of {self.as_of.isoformat()}; {overdue} overdue, "
                   f"{lost} lost  (w: change window)")
        if self.problems:
            summary += f"  closure table: {self.problems[0]}"
        self.query_one("#deadlines-summary", Static).update(Text(summary))
        self._describe(table.cursor_row)

    def _describe(self, index: int) -> None:
        """Show the explanation and source of the row at index below the table."""
        detail = self.query_one("#deadlines-detail", Static)
        if not 0 <= index < len(self.shown):
            detail.update(Text("No deadline highlighted."))
            return
        row = self.shown[index]
        d = row.deadline
        text = Text()
        text.append(f"{row.disclosure} · {d.title}", style="bold")
        text.append(f"  [{d.rule}]\n", style="dim")
        text.append(d.note)
        text.append("\nSource: ", style="bold")
        text.append(d.source)
        if d.planned:
            text.append("\nCounted from a planned event: nothing has happened yet.",
                        style="italic")
        detail.update(text)

    @on(DataTable.RowHighlighted, "#deadlines-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def action_cycle_window(self) -> None:
        index = WINDOWS.index(self.window) if self.window in WINDOWS else -1
        self.window = WINDOWS[(index + 1) % len(WINDOWS)]
        self._show()

    def action_refresh(self) -> None:
        self._load()

    def action_open(self) -> None:
        self._open_row(self.query_one("#deadlines-table", DataTable).cursor_row)

    @on(DataTable.RowSelected, "#deadlines-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (or a click on the highlighted one) opens its disclosure: the
        focused table takes the enter key itself and reports it with RowSelected, so the
        screen's enter binding never sees it."""
        event.stop()
        self._open_row(event.cursor_row)

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            self.app.open_disclosure(self.shown[row].disclosure)

    def action_back(self) -> None:
        self.app.pop_screen()
