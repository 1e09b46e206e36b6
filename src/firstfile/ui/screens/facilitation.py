"""Running an extraction session from the keyboard: prompt, clocks, capture, vote, promote.

The current prompt sits large in the middle with its countdown, the session's countdown
beside it. Typing an idea and pressing Enter adds it to the list at once and saves it within
milliseconds, attributed to the selected participant (F2 moves to the next one); it keeps the
prompt and the component it came from. The list sorts by dots; the keys on it edit, tag,
merge, park, vote and promote.

Every change goes to the database through one writer thread fed by a queue, so the event loop
never waits on disk, and changes are applied in the order they were made (a capture is never
overtaken by a vote that followed it). Each change is committed as it happens, so closing the
terminal mid-session loses nothing that was entered.

An idea typed but not yet entered is kept too: a second after typing stops, the capture box is
written to an autosave buffer (owner "session:ENGAGEMENT/SESSION", services/drafts.py) by a
thread worker, never by the writer, so a capture never queues behind it. Entering the idea
clears the buffer in the writer, after the capture commits; emptying the box clears it as
well. Opening the session again puts a buffered idea back in the box.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Footer, Input, Static

from firstfile.domain import sessions as rules
from firstfile.domain.prompts import Prompt
from firstfile.domain.sessions import IdeaView, SessionView
from firstfile.domain.text import clean_text
from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.widgets.session_dialogs import (
    NO_COMPONENT,
    SessionChoiceDialog,
    SessionTextDialog,
)
from firstfile.ui.widgets.session_ideas import IDEA_COMMANDS, SessionIdeaTable, idea_cells

if TYPE_CHECKING:
    from firstfile.storage.engine import Store
    from firstfile.ui.app import FirstfileApp

DEFAULT_EXPORT_FOLDER = "~/firstfile-exports"
# Seconds after the last keystroke before the typed idea is buffered, checked every
# AUTOSAVE_CHECK seconds: with the write itself it lands within ~1.5 s of typing stopping.
# A keystroke only notes the time (no timer per key), so typing and Enter stay as fast.
AUTOSAVE_DELAY = 1.0
AUTOSAVE_CHECK = 0.25


def buffer_owner(session_ref: str) -> str:
    """The autosave buffer owner of the idea being typed in session ENGAGEMENT/SESSION."""
    return f"session:{session_ref}"


# F-keys and ctrl-keys work while the cursor is in the capture box (priority bindings).
SESSION_COMMANDS: tuple[Command, ...] = (
    Command("session-next-person", "f2", "next_participant", "Next participant",
            "Attribute the next ideas to the next participant", "Who", priority=True),
    Command("session-prev-person", "shift+f2", "previous_participant", "Previous participant",
            "Attribute the next ideas to the previous participant", "Who-", priority=True,
            show=False),
    Command("session-prev-prompt", "f3", "previous_prompt", "Previous prompt",
            "Go back to the previous prompt", "Prev", priority=True),
    Command("session-next-prompt", "f4", "next_prompt", "Next prompt",
            "Move on to the next prompt (its countdown restarts)", "Next", priority=True),
    Command("session-start-end", "f6", "start_or_end", "Start or end the session",
            "Start the session clock, or end the session", "Start/End", priority=True),
    Command("session-top", "f7", "promote_top", "Promote the top ideas",
            "Turn the ideas with the most dots into draft disclosures", "Top N",
            priority=True),
    Command("session-minutes", "ctrl+t", "export_minutes", "Export minutes",
            "Write the session minutes (DOCX and Markdown) to a folder", "Minutes",
            priority=True),
    Command("session-to-list", "down", "focus_list", "To the idea list",
            "From the capture box down into the idea list", "List", show=False),
    Command("session-back", "escape", "back", "Leave the session",
            "Back to where you came from (everything is saved already)", "Back", show=False),
)


# --- messages from the writer and loader threads ----------------------------------------


@dataclass
class SessionLoaded(Message):
    view: SessionView
    prompts: list[Prompt]
    problems: list[str]
    buffer: tuple[dict[str, Any], datetime] | None = None


@dataclass
class LoadFailed(Message):
    error: str


@dataclass
class WriteDone(Message):
    token: int
    kind: str
    result: Any
    committed_at: float  # time.perf_counter() when the service call returned


@dataclass
class WriteFailed(Message):
    token: int
    kind: str
    error: str


@dataclass
class CaptureTiming:
    """When one capture passed each step (time.perf_counter()), for the benchmark."""

    token: int
    submitted: float
    row_added: float = 0.0
    committed: float = 0.0
    confirmed: float = 0.0


@dataclass
class _Write:
    token: int
    kind: str
    call: Callable[[Store], Any]


@dataclass
class _Room:
    """What the screen shows, kept between redraws."""

    participant: str = ""
    prompt_index: int = 0
    prompt_started: float = field(default_factory=time.monotonic)
    marked: int | None = None  # idea id marked for a merge


class FacilitationScreen(Screen[None]):
    """The room's screen for one session, named ENGAGEMENT/SESSION (or SESSION)."""

    TITLE = "Extraction session"
    DEFAULT_CSS = """
    FacilitationScreen #session-bar { height: 1; background: $panel; padding: 0 1; }
    FacilitationScreen #session-stage { height: 7; }
    FacilitationScreen #session-prompt { width: 1fr; padding: 0 1; }
    FacilitationScreen #session-clocks { width: 19; }
    FacilitationScreen #session-prompt-clock { width: 19; }
    FacilitationScreen #session-clock-label { height: 1; text-align: center; }
    FacilitationScreen #session-capture { margin: 0 0; }
    FacilitationScreen #session-ideas { height: 1fr; }
    FacilitationScreen .overtime { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(SESSION_COMMANDS)
    # Read by the app's command palette (firstfile.ui.commands.palette_entries).
    FIRSTFILE_COMMANDS = (*SESSION_COMMANDS, *IDEA_COMMANDS)

    def __init__(self, session_ref: str) -> None:
        super().__init__()
        self.session_ref = session_ref
        self.view: SessionView | None = None
        self.prompts: list[Prompt] = []
        self.room = _Room()
        self.capture_timings: dict[int, CaptureTiming] = {}
        self._tokens = count(1)
        self._writes: queue.Queue[_Write | None] = queue.Queue()
        self._pending: dict[int, IdeaView] = {}  # token -> the idea shown while it saves
        self._names: dict[str, str] = {}
        self._row_ids: dict[str, int] = {}  # table row key -> saved idea id
        self.last_minutes: list[Any] = []  # paths of the last minutes written
        self.restored_notice = ""  # what was said when a buffered idea was put back
        # Autosave of the idea being typed. Every buffer write or clear is numbered on the
        # event loop; under the lock a thread applies one only if it is newer than the last
        # applied, so a slow write can never bring back text that was entered or replaced.
        self._typed_at: float | None = None  # monotonic time of a change not yet buffered
        self._buffered: str | None = None  # text last sent to the buffer (None: no buffer)
        self._typed = ""  # the capture box as of its last change (read after it is gone)
        self._buffer_seq = 0
        self._buffer_applied = 0
        self._buffer_lock = threading.Lock()

    @property
    def firstfile_app(self) -> FirstfileApp:
        return self.app  # type: ignore[return-value]

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("Opening the session…"), id="session-bar")
        with Horizontal(id="session-stage"):
            yield Static(Text(""), id="session-prompt")
            with Vertical(id="session-clocks"):
                yield Digits("--:--", id="session-prompt-clock")
                yield Static(Text("prompt"), id="session-clock-label")
        yield Input(placeholder="Type an idea, Enter adds it", id="session-capture",
                    compact=True)
        yield SessionIdeaTable(id="session-ideas")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#session-capture", Input).focus()
        self._load()
        self.run_worker(self._writer, thread=True, name="session-writer", exit_on_error=False)
        self.set_interval(1.0, self._tick, name="session-clock")
        self.set_interval(AUTOSAVE_CHECK, self._autosave_due, name="session-autosave")

    def on_unmount(self) -> None:
        # Typing not yet buffered is buffered now, through the writer, which finishes every
        # queued change before it stops: nothing entered or typed is lost.
        if self._typed_at is not None:
            self._typed_at = None
            change = self._buffer_change()
            if change is not None:
                self._writes.put(_Write(next(self._tokens), "buffer", change))
        self._writes.put(None)

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="session-load")
    def _load(self) -> None:
        from firstfile.services import sessions
        from firstfile.services.errors import UserError

        try:
            store = self.firstfile_app.wait_store()
            view = sessions.get_session(store, self.session_ref)
            prompts, problems = sessions.session_prompts(
                view, self.firstfile_app.settings.template_dirs)
            buffer = self._load_buffer(store, view)
        except (UserError, RuntimeError) as error:
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(SessionLoaded(view, prompts, problems, buffer))

    def _load_buffer(self, store: Store,
                     view: SessionView) -> tuple[dict[str, Any], datetime] | None:
        """The idea left typing in this session, unless it was entered after all.

        The capture and the buffer's clearing are two transactions, so a terminal closed
        between them leaves a buffer whose text is already an idea: it is dropped, not
        offered again as a duplicate.
        """
        from sqlalchemy.exc import SQLAlchemyError

        from firstfile.services import drafts
        from firstfile.storage.engine import StoreError

        try:
            buffer = drafts.load_buffer(store, buffer_owner(view.ref), actor=self._actor())
        except (SQLAlchemyError, StoreError):
            return None  # the session still opens; only the restore is missed
        if buffer is None:
            return None
        text = buffer[0].get("text")
        entered = {idea.text for idea in view.ideas}
        if not isinstance(text, str) or not text.strip() or clean_text(text).strip() in entered:
            with self._buffer_lock:
                drafts.clear_buffer(store, buffer_owner(view.ref), actor=self._actor())
            return None
        return buffer

    def on_session_loaded(self, message: SessionLoaded) -> None:
        view = message.view
        self.prompts = message.prompts
        self.room.prompt_index = min(view.current_prompt, max(0, len(self.prompts) - 1))
        self.room.prompt_started = time.monotonic()
        self.room.participant = view.participants[0].key if view.participants else ""
        for problem in message.problems:
            self.notify(problem, title="Prompt deck skipped", severity="warning", timeout=10,
                        markup=False)
        self._show(view)
        self._show_prompt()
        if message.buffer is not None:
            self._restore(*message.buffer)

    def _restore(self, payload: dict[str, Any], saved_at: datetime) -> None:
        """Put a buffered idea back in the capture box, with who was typing it, and say so."""
        assert self.view is not None
        capture = self.query_one("#session-capture", Input)
        text = str(payload.get("text", ""))
        if capture.value.strip():
            self._autosave()  # typing started while loading: it replaces the buffer
            return
        author = payload.get("author")
        if isinstance(author, str) and self.view.participant(author) is not None:
            self.room.participant = author
            self._show_bar()
        self._buffered = text  # already in the buffer: the change below writes nothing
        capture.value = text
        capture.cursor_position = len(text)
        when = saved_at.astimezone().strftime("%H:%M")
        self.restored_notice = f"Restored an idea you were typing at {when}"
        self.notify(f"{self.restored_notice}. Enter adds it; emptying the box drops it.",
                    title="Idea restored", timeout=10, markup=False)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.error, title="Cannot open the session", severity="error",
                    timeout=15, markup=False)
        self.query_one("#session-bar", Static).update(Text(message.error))

    # --- the writer thread ----------------------------------------------------------------

    def _writer(self) -> None:
        """Apply queued changes one at a time, in order, each in its own transaction."""
        from firstfile.services.errors import UserError

        store = self.firstfile_app.wait_store()
        while True:
            item = self._writes.get()
            if item is None:
                return
            try:
                result = item.call(store)
            except UserError as error:
                self.post_message(WriteFailed(item.token, item.kind, str(error)))
            except Exception as error:  # shown to the user; the writer keeps serving the room
                self.post_message(WriteFailed(item.token, item.kind, f"{error}"))
            else:
                self.post_message(WriteDone(item.token, item.kind, result,
                                            time.perf_counter()))

    def _enqueue(self, kind: str, call: Callable[[Store], Any]) -> int:
        token = next(self._tokens)
        self._writes.put(_Write(token, kind, call))
        return token

    @property
    def writes_pending(self) -> int:
        """Changes made on screen and not yet committed."""
        return self._writes.qsize() + len(self._pending)

    def on_write_done(self, message: WriteDone) -> None:
        if message.kind == "capture":
            self._captured(message)
        elif message.kind == "promote":
            keys, view = message.result
            self.notify(f"Draft disclosure{'s' if len(keys) > 1 else ''}: {', '.join(keys)}",
                        title="Promoted", markup=False)
            self._show(view)
        elif isinstance(message.result, SessionView):
            self._show(message.result)

    def on_write_failed(self, message: WriteFailed) -> None:
        if message.kind == "buffer":
            self.notify(message.error, title="Autosave failed", severity="warning",
                        markup=False)
            return
        if message.kind == "capture":
            pending = self._pending.pop(message.token, None)
            if pending is not None:
                self._remove_row(pending.id)
                # Give the text back so the facilitator can fix and resend it.
                capture = self.query_one("#session-capture", Input)
                if not capture.value:
                    capture.value = pending.text
        self.notify(message.error, title="Not saved", severity="error", markup=False)

    # --- autosave of the idea being typed -------------------------------------------------

    @on(Input.Changed, "#session-capture")
    def _capture_changed(self, event: Input.Changed) -> None:
        self._typed = event.value
        # None when the buffer already holds it (or there is none and the box is empty).
        self._typed_at = (None if event.value == (self._buffered or "")
                          else time.monotonic())

    def _autosave_due(self) -> None:
        typed_at = self._typed_at
        if typed_at is not None and time.monotonic() - typed_at >= AUTOSAVE_DELAY:
            self._autosave()

    def _autosave(self) -> None:
        self._typed_at = None
        change = self._buffer_change()
        if change is not None:
            self._apply_buffer_change(change)

    def _buffer_change(self) -> Callable[[Store], None] | None:
        """The buffer write or clear that brings it up to the capture box, or None."""
        view = self.view
        if view is None:
            return None
        text = self._typed
        if not text.strip():
            return self._buffer_clear()
        if text == self._buffered:
            return None
        self._buffered = text
        self._buffer_seq += 1
        seq, owner, actor = self._buffer_seq, buffer_owner(view.ref), self._actor()
        payload = {"text": text, "author": self.room.participant,
                   "prompt_id": (prompt.id if (prompt := self._prompt()) else "")}

        def write(store: Store) -> None:
            from firstfile.services import drafts

            with self._buffer_lock:
                if seq > self._buffer_applied:
                    drafts.save_buffer(store, owner, "", payload, actor=actor)
                    self._buffer_applied = seq

        return write

    def _buffer_clear(self) -> Callable[[Store], None] | None:
        """Forgetting the buffer, numbered now (None when nothing was buffered)."""
        view = self.view
        if view is None or self._buffered is None:
            return None
        self._buffered = None
        self._buffer_seq += 1
        seq, owner, actor = self._buffer_seq, buffer_owner(view.ref), self._actor()

        def clear(store: Store) -> None:
            from firstfile.services import drafts

            with self._buffer_lock:
                if seq > self._buffer_applied:
                    drafts.clear_buffer(store, owner, actor=actor)
                    self._buffer_applied = seq

        return clear

    @work(thread=True, exclusive=False, exit_on_error=False, group="session-autosave")
    def _apply_buffer_change(self, change: Callable[[Store], None]) -> None:
        """Write or clear the buffer off the event loop and outside the writer's queue."""
        try:
            change(self.firstfile_app.wait_store())
        except Exception as error:  # the room goes on; the text is still in the box
            self.app.call_from_thread(self.notify, f"Autosave failed: {error}",
                                      severity="warning", markup=False)

    # --- capture --------------------------------------------------------------------------

    @on(Input.Submitted, "#session-capture")
    def _submit_idea(self, event: Input.Submitted) -> None:
        event.stop()
        started = time.perf_counter()
        view = self.view
        text = event.value
        if view is None or not text.strip():
            self.app.bell()
            return
        if not self.room.participant:
            self.notify("Add participants to the session first", severity="warning")
            return
        event.input.value = ""
        token = next(self._tokens)
        timing = CaptureTiming(token, started)
        self.capture_timings[token] = timing
        prompt = self._prompt()
        prompt_id = prompt.id if prompt else ""
        component = rules.component_for_prompt(
            prompt.component_kinds if prompt else (), self._focus())
        position = (max((i.position for i in view.ideas), default=-1)
                    + len(self._pending) + 1)
        shown = IdeaView(id=-token, position=position, text=clean_text(text).strip(),
                         authors=(self.room.participant,), prompt_id=prompt_id,
                         component=component)
        self._pending[token] = shown
        # A new idea has no dots and is the latest, so its place is the end of the list.
        table = self.query_one(SessionIdeaTable)
        table.add_row(*idea_cells(shown, self._names), key=str(shown.id))
        timing.row_added = time.perf_counter()
        session_id, author, actor = view.id, self.room.participant, self._actor()

        def call(store: Store) -> IdeaView:
            from firstfile.services import sessions

            return sessions.capture_idea(store, session_id=session_id, text=text, author=author,
                                         actor=actor, prompt_id=prompt_id, component=component)

        self._writes.put(_Write(token, "capture", call))
        # The typed idea is entered: its buffer goes, in the writer, after the capture commits.
        self._typed_at = None
        clear = self._buffer_clear()
        if clear is not None:
            self._writes.put(_Write(next(self._tokens), "buffer", clear))

    def _captured(self, message: WriteDone) -> None:
        idea: IdeaView = message.result
        shown = self._pending.pop(message.token, None)
        timing = self.capture_timings.get(message.token)
        if timing is not None:
            timing.committed = message.committed_at
        if self.view is not None:
            self.view = replace(self.view, ideas=(*self.view.ideas, idea))
        table = self.query_one(SessionIdeaTable)
        if shown is not None:
            # Row keys cannot change, so the saved idea's row replaces the provisional one
            # in place when it is still the last row (it is, unless a redraw came between).
            row_key = str(shown.id)
            if row_key in table.rows:
                for column, cell in zip(table.columns, idea_cells(idea, self._names),
                                        strict=True):
                    table.update_cell(row_key, column, cell)
                self._row_ids[row_key] = idea.id
        if timing is not None:
            timing.confirmed = time.perf_counter()

    # --- showing --------------------------------------------------------------------------

    def _show(self, view: SessionView) -> None:
        """Redraw everything from a fresh view of the session (after any change but capture)."""
        self.view = view
        self._names = {p.key: p.name.split(" ")[0] for p in view.participants}
        table = self.query_one(SessionIdeaTable)
        keep = self._highlighted_id()
        table.clear()
        self._row_ids = {}
        cursor = 0
        for index, idea in enumerate(rules.by_tally(view.ideas)):
            table.add_row(*idea_cells(idea, self._names, idea.id == self.room.marked),
                          key=str(idea.id))
            self._row_ids[str(idea.id)] = idea.id
            if idea.id == keep:
                cursor = index
        for shown in self._pending.values():  # still saving: stays visible
            table.add_row(*idea_cells(shown, self._names), key=str(shown.id))
        if table.row_count:
            table.move_cursor(row=cursor)
        self._show_bar()

    def _show_bar(self) -> None:
        view = self.view
        if view is None:
            return
        now = datetime.now(UTC)
        left = rules.seconds_left(view.started_at, view.time_box_minutes, now)
        if view.status == "ended" and view.started_at and view.ended_at:
            left = rules.seconds_left(view.started_at, view.time_box_minutes, view.ended_at)
        who = view.participant(self.room.participant)
        dots = view.dots_per_participant - view.dots_spent.get(self.room.participant, 0)
        bar = Text()
        bar.append(f"{view.ref} ", style="bold")
        bar.append(f"{view.status}  session {rules.format_countdown(left)}  ",
                   style="red" if left < 0 else "")
        if who is not None:
            bar.append("by ")
            bar.append(who.name, style="bold")
            if who.is_vendor:
                bar.append(" (vendor)", style="red")
            bar.append(f"  {dots} dot{'s' if dots != 1 else ''} left")
        self.query_one("#session-bar", Static).update(bar)
        capture = self.query_one("#session-capture", Input)
        capture.placeholder = (f"Idea from {who.name if who else '?'} — Enter adds it, "
                               "F2 next person")

    def _show_prompt(self) -> None:
        prompt = self._prompt()
        panel = Text()
        if prompt is None:
            panel.append("No prompts: the session's decks did not load.", style="bold")
        else:
            panel.append(f"{prompt.title}\n", style="bold reverse")
            panel.append(prompt.question)
            panel.append(f"\n{self.room.prompt_index + 1}/{len(self.prompts)} · {prompt.id}",
                         style="dim")
            if prompt.example:
                panel.append(f"  e.g. {prompt.example}", style="dim italic")
        self.query_one("#session-prompt", Static).update(panel)
        self._tick()

    def _tick(self) -> None:
        view = self.view
        if view is None:
            return
        clock = self.query_one("#session-prompt-clock", Digits)
        if view.status == "running":
            elapsed = int(time.monotonic() - self.room.prompt_started)
            left = view.prompt_minutes * 60 - elapsed
        else:
            left = view.prompt_minutes * 60
        clock.update(rules.format_countdown(left))
        clock.set_class(left < 0, "overtime")
        self._show_bar()

    # --- prompts, participants, clock -----------------------------------------------------

    def _prompt(self) -> Prompt | None:
        if not self.prompts:
            return None
        return self.prompts[min(self.room.prompt_index, len(self.prompts) - 1)]

    def _focus(self) -> list[tuple[str, str]]:
        if self.view is None:
            return []
        kinds = {key: kind for key, _name, kind in self.view.engagement_components}
        return [(key, kinds.get(key, "")) for key in self.view.components]

    def _move_prompt(self, step: int) -> None:
        if not self.prompts or self.view is None:
            return
        index = max(0, min(len(self.prompts) - 1, self.room.prompt_index + step))
        if index == self.room.prompt_index:
            self.app.bell()
            return
        self.room.prompt_index = index
        self.room.prompt_started = time.monotonic()
        self._show_prompt()
        session_id, actor = self.view.id, self._actor()

        def call(store: Store) -> None:
            from firstfile.services import sessions

            sessions.move_to_prompt(store, session_id, index, actor=actor)

        self._enqueue("prompt", call)

    def action_next_prompt(self) -> None:
        self._move_prompt(1)

    def action_previous_prompt(self) -> None:
        self._move_prompt(-1)

    def _cycle_participant(self, step: int) -> None:
        if self.view is None:
            return
        keys = [p.key for p in self.view.participants]
        self.room.participant = rules.next_participant(keys, self.room.participant, step)
        self._show_bar()

    def action_next_participant(self) -> None:
        self._cycle_participant(1)

    def action_previous_participant(self) -> None:
        self._cycle_participant(-1)

    def action_start_or_end(self) -> None:
        view = self.view
        if view is None:
            return
        session_id, actor = view.id, self._actor()
        if view.status != "running":
            self.room.prompt_started = time.monotonic()

            def start(store: Store) -> SessionView:
                from firstfile.services import sessions

                return sessions.start_session(store, session_id, actor=actor)

            self._enqueue("start", start)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def end(store: Store) -> SessionView:
                from firstfile.services import sessions

                return sessions.end_session(store, session_id, actor=actor)

            self._enqueue("end", end)

        self.app.push_screen(ConfirmDialog("End the session? Ideas stay editable, and you "
                                           "can still vote, promote and export minutes."),
                             answered)

    def action_focus_list(self) -> None:
        self.query_one(SessionIdeaTable).focus()

    def action_focus_capture(self) -> None:
        self.query_one("#session-capture", Input).focus()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # --- acting on the highlighted idea ---------------------------------------------------

    def row_index_of(self, idea_id: int) -> int | None:
        """Where a saved idea is in the list (its row key may be the provisional one)."""
        table = self.query_one(SessionIdeaTable)
        for row_key, saved in self._row_ids.items():
            if saved == idea_id and row_key in table.rows:
                return table.get_row_index(row_key)
        return None

    def _highlighted_id(self) -> int | None:
        table = self.query_one(SessionIdeaTable)
        if not table.row_count:
            return None
        try:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # an empty or just-cleared table has no cell at the cursor
            return None
        return self._row_ids.get(str(row_key.value))

    def _highlighted(self) -> IdeaView | None:
        idea_id = self._highlighted_id()
        if idea_id is None or self.view is None:
            self.notify("Highlight a saved idea in the list first", severity="warning")
            return None
        return self.view.idea(idea_id)

    def _change(self, kind: str, call: Callable[[Store], Any]) -> None:
        self._enqueue(kind, call)

    def action_vote(self, delta: int) -> None:
        idea, person = self._highlighted(), self.room.participant
        if idea is None:
            return
        actor = self._actor()

        def call(store: Store) -> SessionView:
            from firstfile.services import sessions

            return sessions.vote(store, idea.id, person, actor=actor, delta=delta)

        self._change("vote", call)

    def action_merge(self) -> None:
        idea = self._highlighted()
        if idea is None or self.view is None:
            return
        marked = self.room.marked
        if marked is None or marked == idea.id:
            self.room.marked = None if marked == idea.id else idea.id
            if self.room.marked is not None:
                self.notify(f"#{idea.number} marked: press m on the idea it duplicates",
                            markup=False)
            self._show(self.view)
            return
        self.room.marked = None
        actor = self._actor()

        def call(store: Store) -> SessionView:
            from firstfile.services import sessions

            return sessions.merge_ideas(store, idea.id, marked, actor=actor)

        self._change("merge", call)

    def action_edit_idea(self) -> None:
        idea = self._highlighted()
        if idea is None:
            return

        def edited(text: str | None) -> None:
            if text is None or text == idea.text:
                return
            actor = self._actor()

            def call(store: Store) -> SessionView:
                from firstfile.services import sessions

                return sessions.edit_idea(store, idea.id, text, actor=actor)

            self._change("edit", call)

        self.app.push_screen(SessionTextDialog(f"Idea #{idea.number}", idea.text), edited)

    def action_tag_idea(self) -> None:
        idea, view = self._highlighted(), self.view
        if idea is None or view is None:
            return
        choices = [(NO_COMPONENT, "(no component)")] + [
            (key, f"{name} ({key})") for key, name, _kind in view.engagement_components]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            component = "" if value == NO_COMPONENT else value
            actor = self._actor()

            def call(store: Store) -> SessionView:
                from firstfile.services import sessions

                return sessions.tag_idea(store, idea.id, component, actor=actor)

            self._change("tag", call)

        self.app.push_screen(SessionChoiceDialog(f"Component of idea #{idea.number}", choices,
                                                 idea.component or NO_COMPONENT), chosen)

    def action_park(self) -> None:
        idea = self._highlighted()
        if idea is None:
            return
        parked, actor = idea.status != "parked", self._actor()

        def call(store: Store) -> SessionView:
            from firstfile.services import sessions

            return sessions.park_idea(store, idea.id, actor=actor, parked=parked)

        self._change("park", call)

    def action_promote(self) -> None:
        idea = self._highlighted()
        if idea is None or self.view is None:
            return
        self._promote(lambda store, titles, actor: [
            _sessions().promote_idea(store, idea.id, actor=actor, prompt_titles=titles)])

    def action_promote_top(self) -> None:
        if self.view is None:
            return

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                n = int(text.strip())
            except ValueError:
                self.notify("Type a number of ideas, such as 3", severity="warning")
                return
            self._promote(lambda store, titles, actor: _sessions().promote_top(
                store, session_id, n, actor=actor, prompt_titles=titles))

        session_id = self.view.id
        self.app.push_screen(SessionTextDialog("Promote how many of the top ideas?",
                                               str(rules.DEFAULT_TOP)), answered)

    def _promote(self, promote: Callable[[Store, dict[str, str], str], list[str]]) -> None:
        assert self.view is not None
        titles = {p.id: p.title for p in self.prompts}
        session_id, actor = self.view.id, self._actor()

        def call(store: Store) -> tuple[list[str], SessionView]:
            keys = promote(store, titles, actor)
            return keys, _sessions().session_by_id(store, session_id)

        self._change("promote", call)

    # --- minutes --------------------------------------------------------------------------

    def action_export_minutes(self) -> None:
        if self.view is None:
            return

        def chosen(folder: str | None) -> None:
            if folder:
                self.export_minutes_to(folder)

        self.app.push_screen(FolderDialog("Write the minutes (DOCX and Markdown) to folder:",
                                          DEFAULT_EXPORT_FOLDER), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="session-minutes")
    def export_minutes_to(self, folder: str) -> None:
        """Write both formats of the minutes into folder, after every queued change."""
        from pathlib import Path

        from firstfile.rendering.minutes import export_minutes, minutes_for
        from firstfile.rendering.safe_files import ExportError
        from firstfile.services.errors import UserError

        # Minutes must hold what the room just did: wait for the writer to catch up.
        deadline = time.monotonic() + 10
        while self.writes_pending and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.view is not None
        session_id = self.view.id
        settings = self.firstfile_app.settings
        try:
            store = self.firstfile_app.wait_store()
            view = _sessions().session_by_id(store, session_id)
            minutes = minutes_for(view, self.prompts)
            out = Path(folder).expanduser()
            paths = [export_minutes(minutes, out, fmt, templates_dir=settings.templates_dir)
                     for fmt in ("docx", "md")]
        except (ExportError, UserError, RuntimeError) as error:
            self.app.call_from_thread(self.notify, str(error), title="Minutes not written",
                                      severity="error", markup=False)
            return
        self.last_minutes = paths
        self.app.call_from_thread(self.notify, "\n".join(str(p) for p in paths),
                                  title="Minutes written", markup=False)

    # --- leaving with something typed -----------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """An idea typed but not yet added (Enter) is unsaved work."""
        try:
            return bool(self.query_one("#session-capture", Input).value.strip())
        except Exception:  # not composed yet
            return False

    def unsaved_label(self) -> str:
        return "The idea being typed"

    def save_then(self, after: Callable[[], None]) -> None:
        """Add the typed idea (it is committed before the writer stops), then go on."""
        capture = self.query_one("#session-capture", Input)
        capture.post_message(Input.Submitted(capture, capture.value))
        self.call_after_refresh(after)

    def discard_then(self, after: Callable[[], None]) -> None:
        self.query_one("#session-capture", Input).value = ""
        after()

    # --- helpers --------------------------------------------------------------------------

    def _actor(self) -> str:
        return self.firstfile_app.settings.actor

    def _remove_row(self, idea_id: int) -> None:
        table = self.query_one(SessionIdeaTable)
        if str(idea_id) in table.rows:
            table.remove_row(str(idea_id))


def _sessions() -> Any:
    """The sessions service, imported in worker threads only (it loads SQLAlchemy)."""
    from firstfile.services import sessions

    return sessions
