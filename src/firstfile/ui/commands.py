"""Every user action, defined once: the same entry makes the key binding (shown in the footer,
remappable by its id) and the command palette entry.

App-wide commands run on the app; screen commands run on the screen that defines them, and
appear in the palette only while that screen is showing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.app import App, SystemCommand
    from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class Command:
    """One action: its id, key, the action string it runs and how the palette shows it."""

    id: str
    key: str
    action: str
    title: str  # the palette title
    help: str  # the palette help line
    footer: str  # the short footer label
    priority: bool = False  # True: works even while typing in a text field
    show: bool = True

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.footer, show=self.show,
                       priority=self.priority, id=f"firstfile.{self.id}", tooltip=self.help)


def bindings(commands: Iterable[Command]) -> list[BindingType]:
    """Bindings for a BINDINGS class variable."""
    return [command.binding() for command in commands]


# ctrl keys are used for anything that must work while the cursor is in a text field; the
# ones text widgets already use (a, c, d, e, k, u, v, w, x, y, z) are avoided.
# The footer keeps to the keys of the screen in use, ctrl+n and ctrl+q: it fits 80 columns.
# The keys that go to another screen are shown in the palette (ctrl+p), beside each command.
QUICK_CAPTURE = Command("quick-capture", "ctrl+n", "app.quick_capture", "Log an invention",
                        "Quick capture: title, summary, inventors, engagement", "Log",
                        priority=True)
OPEN_LIST = Command("open-list", "ctrl+o", "app.open_list", "Disclosure list",
                    "Browse, filter and search disclosures", "List", priority=True, show=False)
GO_HOME = Command("home", "ctrl+g", "app.home", "Home",
                  "Engagements, recent disclosures and counts", "Home", priority=True, show=False)
REVIEW_QUEUE = Command("review-queue", "ctrl+r", "app.review_queue", "Review queue",
                       "Disclosures waiting on counsel: review, decide, write the bundle",
                       "Queue", priority=True, show=False)
DEADLINES = Command("deadlines", "ctrl+l", "app.deadlines", "Deadlines",
                    "Overdue deadlines and those due within 30/60/90 days", "Dates",
                    priority=True, show=False)
SESSIONS = Command("sessions", "ctrl+f", "app.sessions", "Extraction sessions",
                   "Open an extraction session, or start a new one (n)", "Sessions",
                   priority=True, show=False)
ENGAGEMENTS = Command("engagements", "ctrl+b", "app.engagements", "Engagements",
                      "Pick an engagement: phase guide, vendors and checklists", "Engagements",
                      priority=True, show=False)
# Anywhere: a code found on a copy is looked up without first finding its engagement.
TRACER_LOOKUP = Command("tracer-lookup", "f12", "app.tracer_lookup", "Look up a tracer code",
                        "Which vendor, component, engagement and date a found code names",
                        "Lookup", priority=True, show=False)
QUIT = Command("quit", "ctrl+q", "app.quit", "Quit",
               "Quit firstfile (asks first when something is unsaved)", "Quit", priority=True)

APP_COMMANDS: tuple[Command, ...] = (
    QUICK_CAPTURE, OPEN_LIST, GO_HOME, REVIEW_QUEUE, DEADLINES, SESSIONS, ENGAGEMENTS,
    TRACER_LOOKUP, QUIT)
# The app commands that leave the current screen (each asks about unsaved work first).
NAVIGATION_ACTIONS: frozenset[str] = frozenset(
    c.action.removeprefix("app.") for c in (OPEN_LIST, GO_HOME, REVIEW_QUEUE, DEADLINES,
                                             SESSIONS, ENGAGEMENTS))

SAVE = Command("save", "ctrl+s", "save", "Save disclosure", "Save the disclosure being edited",
               "Save", priority=True)
EXPORT = Command("export", "ctrl+t", "export", "Export disclosure",
                 "Write the disclosure as DOCX and Markdown to a folder", "Export",
                 priority=True)
DELETE = Command("delete", "f8", "delete", "Delete disclosure",
                 "Mark this disclosure deleted (it can be restored)", "Delete")
RESTORE = Command("restore", "f9", "restore", "Restore disclosure",
                  "Undo the deletion of this disclosure", "Restore")
BACK = Command("back", "escape", "back", "Back", "Leave the editor (asks when unsaved)", "Back")
# Not in the footer (it is full at 80 columns); in the palette and on f7.
HISTORY = Command("history", "f7", "history", "Disclosure history",
                  "Every change to this disclosure, its signatures and timestamp", "History",
                  show=False)

EDITOR_COMMANDS: tuple[Command, ...] = (SAVE, EXPORT, DELETE, RESTORE, HISTORY, BACK)

# Home reloads itself whenever it comes back to the front, so f5 stays out of its footer.
REFRESH = Command("refresh", "f5", "refresh", "Refresh home", "Reload the home summary",
                  "Refresh", show=False)
NEW_SESSION = Command("session-new", "n", "new_session", "Start an extraction session",
                      "Set up a new session (for the highlighted engagement) and run it",
                      "New session")
HOME_OPEN = Command("home-open", "enter", "open_highlighted", "Open the highlighted row",
                    "Open the engagement, session or disclosure under the cursor", "Open",
                    show=False)

HOME_COMMANDS: tuple[Command, ...] = (REFRESH, NEW_SESSION, HOME_OPEN)
# The engagement screen's keys for its risk, strategy and tracer screens work on home too, on
# the engagement under the cursor. Not in the palette: it offers every engagement's by name.
HOME_ENGAGEMENT_VIEWS: tuple[Command, ...] = (
    Command("home-risk", "r", "engagement_view('risk')", "Outsourcing risk",
            "The outsourcing risk of the engagement under the cursor", "Risk", show=False),
    Command("home-strategy", "j", "engagement_view('strategy')", "Filing strategy",
            "The filing strategy of the engagement under the cursor", "Strategy", show=False),
    Command("home-tracers", "c", "engagement_view('tracers')", "Tracers",
            "The tracer register of the engagement under the cursor", "Tracers", show=False),
)
# On home the sessions and engagements keys only move the cursor to their table, which is on
# the screen already: bound here without a footer label (the app's own entries are hidden on
# home), so the footer keeps room at 80 columns.
HOME_FOCUS_BINDINGS: tuple[Command, ...] = (
    Command("home-sessions", SESSIONS.key, "focus_section('sessions')", SESSIONS.title,
            SESSIONS.help, SESSIONS.footer, show=False),
    Command("home-engagements", ENGAGEMENTS.key, "focus_section('engagements')",
            ENGAGEMENTS.title, ENGAGEMENTS.help, ENGAGEMENTS.footer, show=False),
)

# Home has room for the keys of the screens it leads to: shown in its footer only.
HOME_NAVIGATION: tuple[Command, ...] = tuple(
    Command(f"home-{c.id}", c.key, c.action, c.title, c.help, c.footer, priority=True)
    for c in (OPEN_LIST, REVIEW_QUEUE, DEADLINES))


def palette_entries(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """Palette entries for the app's commands and those of the screen being shown."""
    from textual.app import SystemCommand
    from textual.screen import ModalScreen

    # screen is the one the palette was opened over (the palette itself is on top by now)
    over_dialog = isinstance(screen, ModalScreen)
    for command in APP_COMMANDS:
        if over_dialog and command is not QUIT:
            continue
        yield SystemCommand(command.title, keyed_help(app, command),
                            partial(app.run_action, command.action))
    # Not Screen.COMMANDS: Textual uses that name for palette providers.
    for command in getattr(screen, "FIRSTFILE_COMMANDS", ()):
        if isinstance(command, Command) and screen.check_action(command.action, ()):
            yield SystemCommand(command.title, keyed_help(app, command),
                                partial(screen.run_action, command.action))


def keyed_help(app: App[Any], command: Command) -> str:
    """The palette's help line, starting with the command's key as the footer shows it (the
    footer has room for only some keys; the palette lists them all)."""
    return f"{app.get_key_display(command.binding())}  {command.help}"
