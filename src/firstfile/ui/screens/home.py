"""The first screen: engagements, extraction sessions, recent disclosures, counts by status.

Enter on a row opens it: an engagement's phase guide and checklists, a session's facilitation
screen, a disclosure's editor. `n` sets up a new session.

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
from textual.widgets import DataTable, Header, LoadingIndicator, Static
from textual.worker import Worker

from firstfile.domain.vocabulary import DISCLOSURE_STATUSES
from firstfile.ui.commands import (
    HOME_COMMANDS,
    HOME_ENGAGEMENT_VIEWS,
    HOME_FOCUS_BINDINGS,
    HOME_NAVIGATION,
    bindings,
)
from firstfile.ui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from firstfile.domain.sessions import SessionRow
    from firstfile.domain.views import HomeSummary
    from firstfile.ui.app import FirstfileApp

# The tables of the screen, by the name the app's navigation uses for them.
SECTIONS: dict[str, str] = {
    "engagements": "#home-engagements",
    "sessions": "#home-sessions",
    "recent": "#home-recent",
}


class HomeScreen(Screen[None]):
    """Engagements, the latest disclosures and how many there are in each status."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(
        (*HOME_COMMANDS, *HOME_FOCUS_BINDINGS, *HOME_NAVIGATION, *HOME_ENGAGEMENT_VIEWS)
    )
    FIRSTFILE_COMMANDS = HOME_COMMANDS

    app: FirstfileApp

    def __init__(self) -> None:
        super().__init__()
        self._shown_once = False
        self._body_built = False
        # What is shown came from the first look, not yet from the open store.
        self._early = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadingIndicator(id="home-loading")
        # The body is filled after the first frame (_build_body): the first screen appears
        # sooner, and the data (the first look's, services/home.first_look) comes from a
        # thread that starts with it.
        yield VerticalScroll(id="home-body", can_focus=False)
        # Focus moves to the recent disclosures when the body is built, and each move made
        # Textual's Footer rebuild the same keys: 100-150 ms between the first frame and
        # the data (docs/PERFORMANCE.md, "Home's first look").
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#home-body").display = False
        self.call_after_refresh(self._build_body)

    def _build_body(self) -> None:
        """Mount the tables once; safe to call again (the data may come first in tests)."""
        if self._body_built:
            return
        self._body_built = True
        engagements: DataTable[str | Text] = DataTable(
            id="home-engagements", cursor_type="row", zebra_stripes=True)
        sessions: DataTable[str | Text] = DataTable(
            id="home-sessions", cursor_type="row", zebra_stripes=True)
        recent: DataTable[str | Text] = DataTable(
            id="home-recent", cursor_type="row", zebra_stripes=True)
        self.query_one("#home-body").mount_all([
            Static("Engagements  (enter opens)", classes="section-title"),
            engagements,
            Static("Extraction sessions  (enter opens, n starts a new one)",
                   classes="section-title"),
            sessions,
            Static("Recent disclosures  (enter opens)", classes="section-title"),
            recent,
            Static("", id="home-counts"),
            Static("", id="home-hint", classes="hint"),
        ])
        engagements.add_column("Key", key="key", width=15)
        engagements.add_column("Name", key="name", width=28)
        engagements.add_column("Phase", key="phase", width=6)
        engagements.add_column("Vendors", key="vendors", width=11)
        engagements.add_column("Discl.", key="count", width=6)
        # Fixed widths that fit 80 columns: long names end in an ellipsis.
        sessions.add_column("Session", key="ref", width=25)
        sessions.add_column("Title", key="title", width=15)
        sessions.add_column("Held on", key="held_on", width=10)
        sessions.add_column("Status", key="status", width=9)
        sessions.add_column("Ideas", key="ideas", width=5)
        recent.add_column("Key", key="key", width=13)
        recent.add_column("Title", key="title", width=40)
        recent.add_column("Status", key="status", width=9)
        recent.add_column("Joint", key="joint", width=6)  # JOINT or VENDOR
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

    def action_focus_section(self, section: str) -> None:
        self.focus_section(section)

    def focus_section(self, section: str) -> None:
        """Put the cursor in one of the tables: "engagements", "sessions" or "recent"."""
        self._build_body()
        table = self.query_one(SECTIONS.get(section, "#home-recent"), DataTable)
        table.focus()
        table.scroll_visible(animate=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="home")
    def _load(self) -> None:
        # Plain SQL: home shows its data without the table classes (services/home.py).
        from firstfile.services.home import home_data

        if not self._shown_once:
            # What the file held before the store opened, shown while it opens; the store's
            # reading below replaces it, or says what is wrong with the database.
            early = self.app.wait_first_look()
            if early is not None:
                self.app.call_from_thread(self._show, early.summary, early.waiting,
                                          early.sessions, early=True)
        try:
            data = home_data(self.app.wait_store(), actor=self.app.settings.actor)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, data.summary, data.waiting, data.sessions)

    def _show_error(self, message: str) -> None:
        self.app.home_shown()
        self._build_body()
        self._loading(False)
        if self._early:  # the store did not open after all: nothing read stays on screen
            for table in SECTIONS.values():
                self.query_one(table, DataTable).clear()
            self.query_one("#home-hint", Static).update("")
            self._early = False
        self.query_one("#home-counts", Static).update(Content(f"Cannot load: {message}"))

    def _show(self, summary: HomeSummary, waiting: list[str], session_rows: list[SessionRow],
              *, early: bool = False) -> None:
        self._build_body()
        self._early = early
        engagements = self.query_one("#home-engagements", DataTable)
        at = engagements.cursor_row
        engagements.clear()
        for engagement in summary.engagements:
            engagements.add_row(
                Text(engagement.key, overflow="ellipsis", no_wrap=True),
                Text(engagement.name, overflow="ellipsis", no_wrap=True),
                Text(engagement.phase),
                Text(", ".join(engagement.vendors) or "-", overflow="ellipsis", no_wrap=True),
                Text(str(engagement.disclosure_count), justify="right"),
                key=engagement.key,
            )
        engagements.move_cursor(row=at)
        sessions = self.query_one("#home-sessions", DataTable)
        at = sessions.cursor_row
        sessions.clear()
        for session in session_rows:
            sessions.add_row(
                Text(session.ref, overflow="ellipsis", no_wrap=True),
                Text(session.title, overflow="ellipsis", no_wrap=True),
                Text(session.held_on.isoformat() if session.held_on else ""),
                Text(session.status),
                Text(str(session.ideas), justify="right"),
                key=session.ref,
            )
        sessions.move_cursor(row=at)
        recent = self.query_one("#home-recent", DataTable)
        at = recent.cursor_row
        recent.clear()
        for row in summary.recent:
            recent.add_row(
                Text(row.key), Text(row.title, overflow="ellipsis", no_wrap=True),
                Text(row.status),
                Text(row.flag, style="bold yellow"),
                key=row.key,
            )
        recent.move_cursor(row=at)
        self.query_one("#home-counts", Static).update(self._counts_line(summary))
        hint = Text()
        if not session_rows:
            hint.append("No extraction sessions yet: press n to set one up. ")
        if not summary.recent:
            hint.append("No disclosures yet: press ctrl+n to log an invention.")
        if waiting:
            # autosaved edits that were never saved (a crash, a closed terminal)
            hint.append("Unsaved edits waiting in ", style="bold")
            hint.append(", ".join(waiting[:5]) + (" ..." if len(waiting) > 5 else ""))
            hint.append(": open them to restore or discard.")
        self.query_one("#home-hint", Static).update(hint)
        self._loading(False)
        if not self._shown_once:
            # Once it is painted, the opening thread goes on: it opens the store after a
            # first look, and loads the other screens' services after the store's reading.
            self.call_after_refresh(self.app.home_shown)
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
        if event.row_key.value:
            event.stop()
            self._open(event.data_table.id or "", event.row_key.value)

    def _open(self, table_id: str, key: str) -> None:
        if table_id == "home-engagements":
            self.app.open_engagement(key)
        elif table_id == "home-sessions":
            self.app.open_session(key)
        elif table_id == "home-recent":
            self.app.open_disclosure(key)

    def _highlighted(self, table_id: str) -> str | None:
        """The key of the row under the cursor of one table, if it has rows."""
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def action_open_highlighted(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id:
            key = self._highlighted(focused.id)
            if key:
                self._open(focused.id, key)

    def action_engagement_view(self, view: str) -> None:
        """The risk, strategy or tracer screen of the engagement under the cursor: the
        engagements table's, or the engagement of the session under the cursor."""
        self._build_body()
        engagement = ""
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "home-sessions":
            ref = self._highlighted("home-sessions") or ""
            engagement = ref.split("/", 1)[0] if "/" in ref else ""
        if not engagement:
            engagement = self._highlighted("home-engagements") or ""
        if not engagement:
            self.notify("There is no engagement yet.", severity="warning")
            return
        self.app.open_engagement_view(view, engagement)

    def action_new_session(self) -> None:
        """Set up a session; the engagement under the cursor (or of the session under the
        cursor) is chosen already."""
        engagement = ""
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "home-sessions":
            ref = self._highlighted("home-sessions") or ""
            engagement = ref.split("/", 1)[0] if "/" in ref else ""
        elif isinstance(focused, DataTable) and focused.id == "home-engagements":
            engagement = self._highlighted("home-engagements") or ""
        self.app.start_session(engagement)
