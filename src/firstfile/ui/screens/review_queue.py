"""What waits on counsel, oldest first, with each disclosure's nearest deadline; from here
counsel starts a review, records a decision and writes the counsel bundle (with progress).

Database work and the bundle run in thread workers; results come back as messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from firstfile.domain.views import EventView
from firstfile.domain.vocabulary import DECISIONS
from firstfile.domain.workflow import decision_label, status_label
from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.widgets.session_dialogs import SessionChoiceDialog, SessionTextDialog
from firstfile.ui.widgets.steady_select import SteadySelect

if TYPE_CHECKING:
    from collections.abc import Callable

    from firstfile.services.counsel import QueueItem
    from firstfile.storage.engine import Store
    from firstfile.ui.app import FirstfileApp

QUEUE_COMMANDS: tuple[Command, ...] = (
    Command("queue-review", "v", "start_review", "Start the review",
            "Move the highlighted disclosure to in review", "Review"),
    Command("queue-decide", "d", "decide", "Record a decision",
            "Record counsel's decision and its rationale", "Decide"),
    # Not in the footer (full at 80 columns): in the palette, with their keys.
    Command("queue-move", "m", "move_status", "Move the status",
            "File, close, withdraw or send back the highlighted disclosure (the moves the "
            "workflow allows)", "Move", show=False),
    Command("queue-note", "n", "write_note", "Write a reviewer note",
            "Counsel's internal note on the highlighted disclosure (never exported to "
            "inventors or vendors)", "Note", show=False),
    Command("queue-event-add", "a", "add_event", "Add an event",
            "Record a disclosure, offer, filing or other event on the highlighted disclosure",
            "Event", show=False),
    Command("queue-event-remove", "x", "remove_event", "Remove an event",
            "Remove one of the highlighted disclosure's recorded events", "Remove event",
            show=False),
    Command("queue-bundle", "b", "bundle", "Write the counsel bundle",
            "Write the disclosures the queue shows to a bundle zip in the export folder",
            "Bundle"),
    Command("queue-refresh", "f5", "refresh", "Refresh the queue",
            "Load the review queue again", "Refresh", show=False),
    Command("queue-open", "enter", "open", "Open the disclosure",
            "Open the highlighted disclosure in the editor", "Open", show=False),
    Command("queue-back", "escape", "back", "Back", "Leave the review queue", "Back"),
)


@dataclass
class QueueLoaded(Message):
    items: list[QueueItem]


@dataclass
class ActionDone(Message):
    message: str
    error: bool = False


@dataclass
class BundleProgress(Message):
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class DecisionInput:
    decision: str
    rationale: str


class DecisionDialog(ModalScreen[DecisionInput | None]):
    """Pick a decision and give its rationale; the trade-secret suggestion is preselected."""

    DEFAULT_CSS = """
    DecisionDialog { align: center middle; }
    DecisionDialog > Vertical { width: 70; height: auto; border: thick $accent;
                                background: $surface; padding: 1 2; }
    DecisionDialog #decision-buttons { height: 3; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Command("decision-cancel", "escape", "cancel", "Cancel", "Close without deciding",
                "Cancel").binding(),
    ]

    def __init__(self, key: str, suggestion: str = "", reason: str = "") -> None:
        super().__init__()
        self.key = key
        self.suggestion = suggestion
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Decision on {self.key}", style="bold"))
            if self.suggestion:
                yield Static(Text(f"Suggested: {decision_label(self.suggestion)}: "
                                  f"{self.reason}"), id="decision-suggestion")
            yield SteadySelect[str]([(Text(decision_label(d)), d) for d in DECISIONS],
                                    value=self.suggestion or Select.NULL,
                                    id="decision-choice", prompt="Decision")
            yield Label("Rationale: why this decision")
            yield Input(placeholder="Rationale (why)", id="decision-rationale")
            yield Static("", id="decision-error")
            with Horizontal(id="decision-buttons"):
                yield Button("Record", variant="primary", id="decision-record")
                yield Button("Cancel", id="decision-cancel")

    @on(Button.Pressed, "#decision-record")
    @on(Input.Submitted, "#decision-rationale")
    def record(self) -> None:
        choice = self.query_one("#decision-choice", Select).value
        rationale = self.query_one("#decision-rationale", Input).value
        if not isinstance(choice, str):
            self.query_one("#decision-error", Static).update(Text("Choose a decision."))
            return
        self.dismiss(DecisionInput(choice, rationale))

    @on(Button.Pressed, "#decision-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewQueueScreen(Screen[None]):
    """Disclosures waiting on counsel, oldest first, with the nearest deadline."""

    TITLE = "Review queue"
    DEFAULT_CSS = """
    ReviewQueueScreen #queue-summary { height: 1; padding: 0 1; background: $panel; }
    ReviewQueueScreen #queue-table { height: 1fr; }
    ReviewQueueScreen #queue-detail { height: auto; max-height: 6; padding: 0 1;
                                      border-top: solid $panel; }
    ReviewQueueScreen #queue-progress { height: 1; display: none; }
    ReviewQueueScreen #queue-progress.running { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(QUEUE_COMMANDS)
    FIRSTFILE_COMMANDS = QUEUE_COMMANDS
    app: FirstfileApp

    def __init__(self, *, as_of: date | None = None, bundle_dir: Path | None = None) -> None:
        super().__init__()
        self.as_of = as_of or date.today()
        # None: the export folder of the settings (settings.default_export_dir).
        self.bundle_dir = bundle_dir
        self.items: list[QueueItem] = []
        self.last_bundle: Path | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the review queue..."), id="queue-summary")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        # The highlighted row whole: at 80 columns the table cuts titles and rule names.
        yield Static(Text(""), id="queue-detail")
        yield ProgressBar(id="queue-progress", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#queue-table", DataTable)
        for label, key in (("Key", "key"), ("Status", "status"), ("Waiting since", "since"),
                           ("Next deadline", "due"), ("Rule", "rule"), ("Joint", "joint"),
                           ("Title", "title")):
            table.add_column(label, key=key)
        self._load()

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def _load(self) -> None:
        from firstfile.services import counsel
        from firstfile.services.office_closures import load_closures

        try:
            closures = load_closures(self.app.settings.templates_dir).table
            items = counsel.review_queue(self.app.wait_store(), as_of=self.as_of,
                                         closures=closures)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.post_message(ActionDone(f"Cannot load the queue: {exc}", error=True))
            return
        self.post_message(QueueLoaded(items))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        self.items = message.items
        table = self.query_one("#queue-table", DataTable)
        table.clear()
        for item in self.items:
            nearest = item.nearest
            overdue = nearest is not None and nearest.state == "overdue"
            style = "bold red" if overdue else ""
            table.add_row(
                Text(item.state.key),
                Text(status_label(item.state.status)),
                Text(item.waiting_since.isoformat() if item.waiting_since else ""),
                Text(nearest.due.isoformat() if nearest and nearest.due else "-", style=style),
                Text(nearest.title if nearest else ""),
                Text(", ".join(item.state.joint_vendors)),
                Text(item.state.title),
            )
        self.query_one("#queue-summary", Static).update(Text(
            f"{len(self.items)} waiting on counsel, oldest first (as of "
            f"{self.as_of.isoformat()})"))

    def on_action_done(self, message: ActionDone) -> None:
        self.notify(message.message, severity="error" if message.error else "information",
                    markup=False)
        if not message.error:
            self._load()

    @on(DataTable.RowHighlighted, "#queue-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, index: int) -> None:
        """The highlighted disclosure's title, next deadline and joint vendors in full."""
        detail = self.query_one("#queue-detail", Static)
        if not 0 <= index < len(self.items):
            detail.update(Text(""))
            return
        item = self.items[index]
        text = Text()
        text.append(f"{item.state.key}  ", style="bold")
        text.append(item.state.title)
        nearest = item.nearest
        if nearest is not None:
            due = nearest.due.isoformat() if nearest.due else "undated"
            text.append("\nNext deadline: ", style="bold")
            text.append(f"{due}  {nearest.title} ({nearest.jurisdiction or 'any office'})")
        if item.state.joint_vendors:
            text.append("\nJoint with: ", style="bold")
            text.append(", ".join(item.state.joint_vendors))
        detail.update(text)

    def _current(self) -> QueueItem | None:
        table = self.query_one("#queue-table", DataTable)
        if self.items and 0 <= table.cursor_row < len(self.items):
            return self.items[table.cursor_row]
        return None

    # --- actions --------------------------------------------------------------------------

    def action_open(self) -> None:
        item = self._current()
        if item is not None:
            self.app.open_disclosure(item.state.key, counsel=True)

    @on(DataTable.RowSelected, "#queue-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (or a click on the highlighted one) opens its disclosure: the
        focused table takes the enter key itself and reports it with RowSelected, so the
        screen's enter binding never sees it."""
        event.stop()
        if 0 <= event.cursor_row < len(self.items):
            self.app.open_disclosure(self.items[event.cursor_row].state.key, counsel=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self._load()

    def action_start_review(self) -> None:
        item = self._current()
        if item is None:
            return
        key, version = item.state.key, item.state.version

        # A status change is a record counsel may be asked about: one key never makes it.
        def answered(yes: bool | None) -> None:
            if yes:
                self._move(key, "in-review", version)

        self.app.push_screen(
            ConfirmDialog(f"Start the review of {key}? Its status moves from "
                          f"{status_label(item.state.status)} to In review.",
                          yes="Start review", no="Cancel"),
            answered,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-change")
    def _move(self, key: str, target: str, version: int) -> None:
        from firstfile.services import counsel

        self._report(key, lambda store: f"{key} is " + status_label(counsel.move_status(
            store, key, target, actor=self.app.settings.actor,
            expected_version=version).status))

    def _report(self, key: str, change: Callable[[Store], str]) -> None:
        """Run change (inside a worker) and say what it did; a change made elsewhere first
        shows the record as stored, a refusal says why."""
        from firstfile.services.errors import Conflict, UserError

        try:
            done = change(self.app.wait_store())
        except Conflict as exc:
            self._changed_elsewhere(key, exc)
            return
        except UserError as exc:
            self.post_message(ActionDone(f"{key}: {exc}", error=True))
            return
        self.post_message(ActionDone(done))

    def action_move_status(self) -> None:
        from firstfile.domain.workflow import allowed_moves

        item = self._current()
        if item is None:
            return
        key, version, status = item.state.key, item.state.version, item.state.status
        # A decision is recorded with its rationale (d), not by moving the status.
        moves = [m for m in allowed_moves(status, item.state.decision) if m != "decided"]
        if not moves:
            self.notify(f"{key} is {status_label(status)}: the workflow allows no move from "
                        "here.", markup=False, severity="warning")
            return

        def chosen(target: str | None) -> None:
            if target:
                self._move(key, target, version)

        self.app.push_screen(SessionChoiceDialog(
            f"Move {key} from {status_label(status)} to:",
            [(m, status_label(m)) for m in moves]), chosen)

    def action_write_note(self) -> None:
        item = self._current()
        if item is None:
            return
        key, version = item.state.key, item.state.version

        def written(text: str | None) -> None:
            if text is not None and text != item.state.reviewer_notes:
                self._note(key, text, version)

        self.app.push_screen(SessionTextDialog(
            f"Reviewer note on {key} (internal: never in what inventors or vendors receive)",
            item.state.reviewer_notes, placeholder="what counsel wants to remember"), written)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-change")
    def _note(self, key: str, text: str, version: int) -> None:
        from firstfile.services import counsel

        def change(store: Store) -> str:
            counsel.set_reviewer_notes(store, key, text, actor=self.app.settings.actor,
                                       expected_version=version)
            return f"{key}: reviewer note saved"

        self._report(key, change)

    def action_add_event(self) -> None:
        from firstfile.domain.vocabulary import EVENT_KINDS

        item = self._current()
        if item is None:
            return
        key = item.state.key

        def dated(kind: str, text: str | None) -> None:
            if text is None:
                return
            event = parsed_event(kind, text)
            if isinstance(event, str):
                self.notify(event, severity="error", markup=False)
                return
            self._add_event(key, event)

        def chosen(kind: str | None) -> None:
            if kind:
                self.app.push_screen(SessionTextDialog(
                    f"{kind.replace('-', ' ').capitalize()} on {key}: its date, then the "
                    "office or country, then a note", "",
                    placeholder="2026-03-01 DE shown at the Munich trade show"),
                    lambda text: dated(kind, text))

        self.app.push_screen(SessionChoiceDialog(
            f"Which event happened to {key}?",
            [(k, k.replace("-", " ").capitalize()) for k in EVENT_KINDS]), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-change")
    def _add_event(self, key: str, event: EventView) -> None:
        from firstfile.services import counsel
        from firstfile.services.errors import UserError

        try:
            counsel.add_event(self.app.wait_store(), key, event, actor=self.app.settings.actor)
        except UserError as exc:
            self.post_message(ActionDone(f"{key}: not recorded: {exc}", error=True))
            return
        self.post_message(ActionDone(f"{key}: {event.kind} on {event.date.isoformat()} "
                                     "recorded"))

    def action_remove_event(self) -> None:
        item = self._current()
        if item is not None:
            self._events_to_remove(item.state.key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-events")
    def _events_to_remove(self, key: str) -> None:
        from firstfile.services import disclosures
        from firstfile.services.errors import UserError

        try:
            events = disclosures.get_disclosure(self.app.wait_store(), key).events
        except UserError as exc:
            self.post_message(ActionDone(f"{key}: {exc}", error=True))
            return
        self.app.call_from_thread(self._choose_event_to_remove, key, list(events))

    def _choose_event_to_remove(self, key: str, events: list[EventView]) -> None:
        if not events:
            self.notify(f"{key} has no recorded events.", markup=False, severity="warning")
            return

        def chosen(index: str | None) -> None:
            if index is not None:
                self._remove_event(key, events[int(index)])

        self.app.push_screen(SessionChoiceDialog(
            f"Remove which event of {key}? (the audit trail keeps it)",
            [(str(i), " ".join(filter(None, (e.date.isoformat(), e.kind.replace("-", " "),
                                               e.jurisdiction, e.reference, e.note))))
             for i, e in enumerate(events)]), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-change")
    def _remove_event(self, key: str, event: EventView) -> None:
        from firstfile.services import counsel
        from firstfile.services.errors import UserError

        try:
            counsel.remove_event(self.app.wait_store(), key, event,
                                 actor=self.app.settings.actor)
        except UserError as exc:
            self.post_message(ActionDone(f"{key}: {exc}", error=True))
            return
        self.post_message(ActionDone(f"{key}: {event.kind} on {event.date.isoformat()} "
                                     "removed"))

    def action_decide(self) -> None:
        item = self._current()
        if item is None:
            return
        suggestion = item.state.suggestion
        key, version = item.state.key, item.state.version

        def chosen(result: DecisionInput | None) -> None:
            if result is not None:
                self._decide(key, result, version)

        self.app.push_screen(
            DecisionDialog(key, suggestion.decision if suggestion else "",
                           suggestion.reason if suggestion else ""),
            chosen,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-change")
    def _decide(self, key: str, result: DecisionInput, version: int) -> None:
        from firstfile.services import counsel

        def change(store: Store) -> str:
            counsel.record_decision(store, key, result.decision, result.rationale,
                                    actor=self.app.settings.actor, expected_version=version)
            return f"{key}: {decision_label(result.decision)}"

        self._report(key, change)

    def _changed_elsewhere(self, key: str, exc: Exception) -> None:
        """Another user changed the disclosure since the queue was read: say so, show it as it
        is now (nothing was written)."""
        self.post_message(ActionDone(f"{key}: {exc}; the queue now shows it as it is",
                                     error=True))
        self.app.call_from_thread(self._load)

    def bundle_path(self) -> Path:
        """Where the bundle goes: the export folder, named after the day."""
        folder = self.bundle_dir if self.bundle_dir is not None else self.app.settings.exports
        return folder / f"counsel-bundle-{self.as_of.isoformat()}.zip"

    def action_bundle(self) -> None:
        """Bundle what the queue shows, after saying how many and where, and asking."""
        keys = [item.state.key for item in self.items]
        if not keys:
            self.notify("The queue is empty: there is nothing to bundle.", markup=False)
            return
        out = self.bundle_path()

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            bar = self.query_one("#queue-progress", ProgressBar)
            bar.update(total=None, progress=0)
            bar.add_class("running")
            self._bundle(out, keys)

        count = f"{len(keys)} disclosure{'s' if len(keys) != 1 else ''}"
        self.app.push_screen(ConfirmDialog(
            f"Write the counsel bundle of the {count} in the queue to {out}? The audit "
            "chain's head is anchored as it is written.", yes="Write", no="Cancel"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-bundle")
    def _bundle(self, out: Path, keys: list[str]) -> None:
        from firstfile.services.errors import UserError
        from firstfile.services.exports import ExportError, export_bundle

        def progress(done: int, total: int, _key: str) -> None:
            self.post_message(BundleProgress(done, total))

        try:
            settings = self.app.settings
            out.parent.mkdir(parents=True, exist_ok=True)
            result = export_bundle(self.app.wait_store(), out, as_of=self.as_of, keys=keys,
                                   templates_dir=settings.templates_dir, progress=progress,
                                   actor=settings.actor, tsa_url=settings.tsa_url,
                                   tsa_ca=settings.tsa_ca)
        except (UserError, ExportError, OSError) as exc:
            self.post_message(BundleProgress(0, 0))
            self.post_message(ActionDone(f"No bundle written: {exc}", error=True))
            return
        self.last_bundle = result.path
        self.post_message(BundleProgress(0, 0))
        self.post_message(ActionDone(f"Wrote {result.path} ({result.disclosures} disclosures); "
                                     f"{result.anchor}",
                                     error=result.anchor_status == "failed"))

    def on_bundle_progress(self, message: BundleProgress) -> None:
        bar = self.query_one("#queue-progress", ProgressBar)
        if message.total == 0:
            bar.remove_class("running")
            return
        bar.update(total=message.total, progress=message.done)


_OFFICE = re.compile(r"^[A-Za-z]{2}$")


def parsed_event(kind: str, text: str) -> EventView | str:
    """An event from "DATE [OFFICE] [note]" as typed; or what to fix, as a sentence."""
    words = text.split()
    if not words:
        return "Type the event's date first, as YYYY-MM-DD."
    try:
        when = date.fromisoformat(words[0])
    except ValueError:
        return f"{words[0]!r} is not a date: type it as YYYY-MM-DD, then the office."
    office = words[1].upper() if len(words) > 1 and _OFFICE.match(words[1]) else ""
    note = " ".join(words[2:] if office else words[1:])
    return EventView(kind, when, office, note=note)
