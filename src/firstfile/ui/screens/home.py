"""The first screen: engagements, recent disclosures and counts by status.

The summary loads in a thread worker (the database may still be opening) and again every
time the screen comes back to the front, so it shows what was just logged or edited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, LoadingIndicator, Static
from textual.worker import Worker

from firstfile.domain.vocabulary import DISCLOSURE_STATUSES
from firstfile.ui.commands import HOME_COMMANDS, bindings

if TYPE_CHECKING:
    from firstfile.services.directory import HomeSummary
    from firstfile.ui.app import FirstfileApp

JOINT_MARK = "JOINT"


class HomeScreen(Screen[None]):
    """Engagements, the latest disclosures and how many there are in each status."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(HOME_COMMANDS)
    FIRSTFILE_COMMANDS = HOME_COMMANDS

    app: FirstfileApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._shown_once = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadingIndicator(id="home-loading")
        with VerticalScroll(id="home-body", can_focus=False):
            yield Static("Engagements", classes="section-title")
            yield DataTable(id="home-engagements", cursor_type="row", zebra_stripes=True)
            yield Static("Recent disclosures  (enter opens)", classes="section-title")
            yield DataTable(id="home-recent", cursor_type="row", zebra_stripes=True)
            yield Static("", id="home-counts")
            yield Static("", id="home-hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        engagements = self.query_one("#home-engagements", DataTable)
        engagements.add_column("Key", key="key")
        engagements.add_column("Name", key="name")
        engagements.add_column("Phase", key="phase")
        engagements.add_column("Vendors", key="vendors")
        engagements.add_column("Discl.", key="count")
        recent = self.query_one("#home-recent", DataTable)
        recent.add_column("Key", key="key", width=13)
        recent.add_column("Title", key="title", width=40)
        recent.add_column("Status", key="status", width=9)
        recent.add_column("Joint", key="joint", width=5)
        recent.focus()  # opening a recent disclosure is the common next step

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_failed_worker(event)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        if not self._shown_once:  # later refreshes keep the old summary up until the new one
            self._loading(True)
        self._load()

    def _loading(self, loading: bool) -> None:
        # A widget of its own rather than `loading`, which can be left stuck on when toggled
        # before the body has finished mounting.
        self.query_one("#home-loading").display = loading
        self.query_one("#home-body").display = not loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="home")
    def _load(self) -> None:
        from firstfile.services import directory, drafts

        try:
            store = self.app.wait_store()
            summary = directory.home_summary(store)
            waiting = [p.disclosure_key for p in drafts.pending_buffers(store)
                       if p.disclosure_key]
        except Exception as exc:  # shown in place of the summary; the app stays usable
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, summary, waiting)

    def _show_error(self, message: str) -> None:
        self._loading(False)
        self.query_one("#home-counts", Static).update(Content(f"Cannot load: {message}"))

    def _show(self, summary: HomeSummary, waiting: list[str]) -> None:
        engagements = self.query_one("#home-engagements", DataTable)
        engagements.clear()
        for engagement in summary.engagements:
            engagements.add_row(
                Text(engagement.key), Text(engagement.name), Text(engagement.phase),
                Text(", ".join(engagement.vendors) or "-"),
                Text(str(engagement.disclosure_count), justify="right"),
                key=engagement.key,
            )
        recent = self.query_one("#home-recent", DataTable)
        recent.clear()
        for row in summary.recent:
            recent.add_row(
                Text(row.key), Text(row.title, overflow="ellipsis", no_wrap=True),
                Text(row.status),
                Text(JOINT_MARK, style="bold yellow") if row.joint else Text(""),
                key=row.key,
            )
        self.query_one("#home-counts", Static).update(self._counts_line(summary))
        hint = Text()
        if not summary.recent:
            hint.append("No disclosures yet: press ctrl+n to log an invention.")
        if waiting:
            # autosaved edits that were never saved (a crash, a closed terminal)
            hint.append("Unsaved edits waiting in ", style="bold")
            hint.append(", ".join(waiting[:5]) + (" ..." if len(waiting) > 5 else ""))
            hint.append(": open them to restore or discard.")
        self.query_one("#home-hint", Static).update(hint)
        self._loading(False)
        self._shown_once = True

    @staticmethod
    def _counts_line(summary: HomeSummary) -> Text:
        """Statuses in workflow order; empty ones left out (draft always shown) to fit a line."""
        statuses = list(DISCLOSURE_STATUSES)
        statuses += sorted(s for s in summary.counts if s not in statuses)
        shown = [s for s in statuses if summary.counts.get(s, 0) or s == "draft"]
        line = Text("Disclosures: ", style="bold")
        line.append("  ".join(f"{status} {summary.counts.get(status, 0)}" for status in shown))
        line.append(f"   People: {summary.people}")
        return line

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "home-recent" and event.row_key.value:
            event.stop()
            self.app.open_disclosure(event.row_key.value)
