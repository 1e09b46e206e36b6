"""Every deadline across all disclosures: overdue first, then due within 30, 60 or 90 days.

The docket is computed in a thread worker (services/counsel.docket); the table only shows
it. User text reaches the table as rich Text, never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from firstfile.ui.commands import Command, bindings

if TYPE_CHECKING:
    from firstfile.domain.deadlines import DocketRow
    from firstfile.ui.app import FirstfileApp

WINDOWS: tuple[int | None, ...] = (30, 60, 90, None)  # None: every deadline
STATE_STYLES = {"overdue": "bold red", "due-soon": "yellow", "lost": "red", "met": "green"}

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
    """Overdue deadlines and those due within 30/60/90 days, soonest first."""

    TITLE = "Deadlines"
    DEFAULT_CSS = """
    DeadlinesScreen #deadlines-summary { height: 1; padding: 0 1; background: $panel; }
    DeadlinesScreen #deadlines-table { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(DEADLINE_COMMANDS)
    FIRSTFILE_COMMANDS = DEADLINE_COMMANDS
    app: FirstfileApp  # type: ignore[assignment]

    def __init__(self, *, as_of: date | None = None, window: int | None = 90) -> None:
        super().__init__()
        self.as_of = as_of or date.today()
        self.window = window
        self.rows: list[DocketRow] = []
        self.shown: list[DocketRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading deadlines..."), id="deadlines-summary")
        yield DataTable(id="deadlines-table", cursor_type="row", zebra_stripes=True)
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

        try:
            rows = counsel.docket(self.app.wait_store(), as_of=self.as_of)
        except Exception as exc:  # shown to the user; the screen stays usable
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, rows)

    def _failed(self, message: str) -> None:
        self.query_one("#deadlines-summary", Static).update(
            Text(f"Cannot compute deadlines: {message}"))

    def _loaded(self, rows: list[DocketRow]) -> None:
        self.rows = rows
        self._show()

    def _show(self) -> None:
        from firstfile.domain.deadlines import due_within

        if self.window is None:
            shown = [r for r in self.rows if r.deadline.state not in ("met",)]
        else:
            shown = due_within(self.rows, self.window, as_of=self.as_of)
        # Overdue first: they need action today.
        shown.sort(key=lambda r: (r.deadline.state != "overdue",))
        self.shown = shown
        table = self.query_one("#deadlines-table", DataTable)
        table.clear()
        for row in shown:
            d = row.deadline
            style = STATE_STYLES.get(d.state, "")
            basis = f"{d.basis.kind} {d.basis.date.isoformat()}" if d.basis else ""
            table.add_row(
                Text(d.due.isoformat() if d.due else "undated", style=style),
                Text(d.state, style=style),
                Text(row.disclosure),
                Text(d.rule),
                Text(d.jurisdiction),
                Text(basis),
            )
        overdue = sum(1 for r in shown if r.deadline.state == "overdue")
        window = "all open deadlines" if self.window is None else (
            f"due within {self.window} days")
        self.query_one("#deadlines-summary", Static).update(Text(
            f"{len(shown)} {window} as of {self.as_of.isoformat()}; {overdue} overdue  "
            "(w: change window)"))

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
