"""Running an extraction session from the keyboard: prompt, clocks, capture, vote, promote.

The current prompt sits large in the middle with its countdown, the session's countdown
beside it (widgets/session_stage.py). Typing an idea and pressing Enter adds it to the list at
once and saves it within milliseconds, attributed to the selected participant (F2 moves to
the next one); it keeps the prompt and the component it came from. The list sorts by dots
(widgets/session_ideas.py); the keys on it edit, tag, merge, park, vote and promote
(idea_actions.py).

Every change goes to the database through one serial writer (services/serial_writer.py), so
the event loop never waits on disk and changes are applied in the order they were made (a
capture is never overtaken by a vote that followed it). Each change is committed as it
happens, so closing the terminal mid-session loses nothing that was entered. Writing the
minutes is one more job on the same writer, so they hold every change made before they were
asked for.

An idea typed but not yet entered is kept in an autosave buffer (widgets/capture_box.py):
opening the session again puts it back in the box.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Footer, Input

from firstfile.domain import sessions as rules
from firstfile.domain.prompts import Prompt
from firstfile.domain.sessions import IdeaView, SessionView
from firstfile.domain.text import clean_text
from firstfile.services.buffer_sync import BufferSync, Payload
from firstfile.services.serial_writer import Outcome, SerialWriter, WriterClosed
from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.screens.idea_actions import IdeaActions, Room, sessions_service
from firstfile.ui.widgets.capture_box import CaptureBox, buffered_idea, idea_sync
from firstfile.ui.widgets.session_ideas import IDEA_COMMANDS, SessionIdeaTable
from firstfile.ui.widgets.session_stage import PromptStage, SessionBar

if TYPE_CHECKING:
    from firstfile.storage.engine import Store



def minutes_job(session_id: int, prompts: list[Prompt], folder: str,
                templates_dir: Path | None) -> Callable[[Store], list[Path]]:
    """The writer job that writes a session's minutes (DOCX, then Markdown) into folder.

    The session is read when the job runs, so the minutes hold every change queued before it.
    """
    def write(store: Store) -> list[Path]:
        from firstfile.services import exports

        return exports.export_minutes(store, session_id, Path(folder).expanduser(),
                                      ("docx", "md"), prompts=prompts,
                                      templates_dir=templates_dir).paths

    return write


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
    # In the palette and on f9 (the footer is full at 80 columns).
    Command("session-setup", "f9", "edit_setup", "Change the session set-up",
            "Title, phase, date, goal, room, focus, decks, time box and dots of this session",
            "Set-up", priority=True, show=False),
    Command("session-to-list", "down", "focus_list", "To the idea list",
            "From the capture box down into the idea list", "List", show=False),
    Command("session-back", "escape", "back", "Leave the session",
            "Back to where you came from (everything is saved already)", "Back", show=False),
)


# --- messages from the loader and the writer ----------------------------------------------


@dataclass
class PromptsLoaded(Message):
    prompts: list[Prompt]
    problems: list[str]


@dataclass
class SessionLoaded(Message):
    view: SessionView
    prompts: list[Prompt]
    problems: list[str]
    sync: BufferSync
    buffer: tuple[dict[str, Any], datetime] | None = None


@dataclass
class LoadFailed(Message):
    error: str


@dataclass
class WriteFinished(Message):
    outcome: Outcome


@dataclass
class CaptureTiming:
    """When one capture passed each step (time.perf_counter()), for the benchmark."""

    token: int
    submitted: float
    row_added: float = 0.0
    committed: float = 0.0
    confirmed: float = 0.0


class FacilitationScreen(IdeaActions):
    """The room's screen for one session, named ENGAGEMENT/SESSION (or SESSION)."""

    TITLE = "Extraction session"
    DEFAULT_CSS = "FacilitationScreen #session-ideas { height: 1fr; }"
    BINDINGS: ClassVar[list[BindingType]] = bindings(SESSION_COMMANDS)
    # Read by the app's command palette (firstfile.ui.commands.palette_entries).
    FIRSTFILE_COMMANDS = (*SESSION_COMMANDS, *IDEA_COMMANDS)

    def __init__(self, session_ref: str) -> None:
        super().__init__()
        self.session_ref = session_ref
        self.view: SessionView | None = None
        self.prompts: list[Prompt] = []
        self.room = Room()
        self.capture_timings: dict[int, CaptureTiming] = {}
        self.writer: SerialWriter[Store] = SerialWriter(self._open_store, self._delivered)
        self._saving: dict[int, IdeaView] = {}  # token -> the idea shown while it saves
        self._unsettled: set[int] = set()  # tokens whose outcome the screen has not shown
        self.last_minutes: list[Path] = []  # paths of the last minutes written
        self.restored_notice = ""  # what was said when a buffered idea was put back
        # Held, not queried: on_unmount still reads it after the widgets are gone.
        self.capture = CaptureBox(id="session-capture")
        self.capture.describe = self._typed_payload

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SessionBar(id="session-bar")
        yield PromptStage(id="session-stage")
        yield self.capture
        yield SessionIdeaTable(id="session-ideas")
        yield Footer()

    def on_mount(self) -> None:
        self.capture.focus()
        self._load()
        self.run_worker(self.writer.run, thread=True, name="session-writer",
                        exit_on_error=False)

    def on_unmount(self) -> None:
        # Typing not yet buffered is buffered now, through the writer, which finishes every
        # queued change before it stops: nothing entered or typed is lost.
        change = self.capture.unbuffered()
        if change is not None:
            self.submit("buffer", change)
        self.writer.close()

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="session-load")
    def _load(self) -> None:
        from firstfile.services.errors import UserError

        try:
            store = self.firstfile_app.wait_store()
            view = sessions_service().get_session(store, self.session_ref)
            prompts, problems = sessions_service().session_prompts(
                view, self.firstfile_app.settings.template_dirs)
            sync = idea_sync(view.ref, actor=self.actor())
            buffer = buffered_idea(store, view, sync)
        except (UserError, RuntimeError) as error:
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(SessionLoaded(view, prompts, problems, sync, buffer))

    def on_session_loaded(self, message: SessionLoaded) -> None:
        view = message.view
        self.prompts = message.prompts
        self.room.prompt_index = min(view.current_prompt, max(0, len(self.prompts) - 1))
        self.room.participant = view.participants[0].key if view.participants else ""
        for problem in message.problems:
            self.notify(problem, title="Prompt deck skipped", severity="warning", timeout=10,
                        markup=False)
        self.show(view)
        self._show_prompt()
        self.query_one(PromptStage).restart()
        self.capture.follow(message.sync)
        if message.buffer is not None:
            self._restore(*message.buffer)

    def _restore(self, payload: dict[str, Any], saved_at: datetime) -> None:
        """Put a buffered idea back in the capture box, with who was typing it, and say so."""
        assert self.view is not None
        if self.capture.typed.strip():
            self.capture.save_now()  # typing started while loading: it replaces the buffer
            return
        author = payload.get("author")
        if isinstance(author, str) and self.view.participant(author) is not None:
            self.room.participant = author
            self._show_bar()
        self.capture.put_back(str(payload.get("text", "")))
        when = saved_at.astimezone().strftime("%H:%M")
        self.restored_notice = f"Restored an idea you were typing at {when}"
        self.notify(f"{self.restored_notice}. Enter adds it; emptying the box drops it.",
                    title="Idea restored", timeout=10, markup=False)

    def on_load_failed(self, message: LoadFailed) -> None:
        self.notify(message.error, title="Cannot open the session", severity="error",
                    timeout=15, markup=False)
        self.query_one(SessionBar).update(Text(message.error))  # text, never markup

    def _typed_payload(self, text: str) -> Payload:
        """What the autosave buffer keeps of text typed now: who speaks, which prompt."""
        prompt = self._prompt()
        return {"text": text, "author": self.room.participant,
                "prompt_id": prompt.id if prompt else ""}

    # --- the writer -----------------------------------------------------------------------

    def _open_store(self) -> Store:
        return self.firstfile_app.wait_store()

    def _delivered(self, outcome: Outcome) -> None:
        """In the writer's thread: hand the outcome to the event loop."""
        self.post_message(WriteFinished(outcome))

    def submit(self, kind: str, call: Callable[[Store], Any],
               token: int | None = None) -> int | None:
        """Queue a change for the writer; None (and said so) when the writer has stopped."""
        try:
            token = self.writer.submit(kind, call, token=token)
        except WriterClosed as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return None
        self._unsettled.add(token)
        return token

    @property
    def writes_pending(self) -> int:
        """Changes made on screen whose outcome is not on screen yet."""
        return len(self._unsettled)

    def on_write_finished(self, message: WriteFinished) -> None:
        outcome = message.outcome
        self._unsettled.discard(outcome.token)
        if outcome.error is not None:
            self._write_failed(outcome.token, outcome.kind, str(outcome.error))
        elif outcome.kind == "capture":
            self._captured(outcome)
        elif outcome.kind == "promote":
            keys, view = outcome.result
            self.notify(f"Draft disclosure{'s' if len(keys) > 1 else ''}: {', '.join(keys)}",
                        title="Promoted", markup=False)
            self.show(view)
        elif outcome.kind == "minutes":
            self.last_minutes = outcome.result
            self.notify("\n".join(str(p) for p in outcome.result), title="Minutes written",
                        markup=False)
        elif isinstance(outcome.result, SessionView):
            self.show(outcome.result)

    def _write_failed(self, token: int, kind: str, error: str) -> None:
        if kind == "buffer":
            self.notify(error, title="Autosave failed", severity="warning", markup=False)
            return
        if kind == "minutes":
            self.notify(error, title="Minutes not written", severity="error", markup=False)
            return
        shown = self._saving.pop(token, None)
        if shown is not None:  # a capture: its row goes, its text comes back to be fixed
            self.query_one(SessionIdeaTable).drop(shown.id)
            if not self.capture.value:
                self.capture.value = shown.text
        self.notify(error, title="Not saved", severity="error", markup=False)

    # --- capture --------------------------------------------------------------------------

    @on(Input.Submitted, "#session-capture")
    def _submit_idea(self, event: Input.Submitted) -> None:
        event.stop()
        started = time.perf_counter()
        view, text = self.view, event.value
        if view is None or not text.strip():
            self.app.bell()
            return
        if not self.room.participant:
            self.notify("Add participants to the session first", severity="warning")
            return
        event.input.value = ""
        token = self.writer.next_token()
        timing = self.capture_timings[token] = CaptureTiming(token, started)
        prompt = self._prompt()
        prompt_id = prompt.id if prompt else ""
        component = rules.component_for_prompt(
            prompt.component_kinds if prompt else (), self._focus())
        position = max((i.position for i in view.ideas), default=-1) + len(self._saving) + 1
        shown = IdeaView(id=-token, position=position, text=clean_text(text).strip(),
                         authors=(self.room.participant,), prompt_id=prompt_id,
                         component=component)
        self._saving[token] = shown
        self.query_one(SessionIdeaTable).add_saving(shown)
        timing.row_added = time.perf_counter()
        session_id, author, actor = view.id, self.room.participant, self.actor()
        self.submit("capture", lambda store: sessions_service().capture_idea(
            store, session_id=session_id, text=text, author=author, actor=actor,
            prompt_id=prompt_id, component=component), token)
        # The typed idea is entered: its buffer goes, in the writer, after the capture commits.
        clear = self.capture.entered()
        if clear is not None:
            self.submit("buffer", clear)

    def _captured(self, outcome: Outcome) -> None:
        idea: IdeaView = outcome.result
        shown = self._saving.pop(outcome.token, None)
        timing = self.capture_timings.get(outcome.token)
        if timing is not None:
            timing.committed = outcome.finished_at
        if self.view is not None:
            self.view = replace(self.view, ideas=(*self.view.ideas, idea))
        if shown is not None:
            self.query_one(SessionIdeaTable).saved(shown, idea)
        if timing is not None:
            timing.confirmed = time.perf_counter()

    # --- showing --------------------------------------------------------------------------

    def show(self, view: SessionView) -> None:
        """Redraw everything from a fresh view of the session (after any change but capture)."""
        self.view = view
        self.query_one(SessionIdeaTable).show_session(view, self._saving.values(),
                                                      self.room.marked)
        self.query_one(PromptStage).follow(view)
        self._show_bar()

    def _show_bar(self) -> None:
        view = self.view
        if view is None:
            return
        self.query_one(SessionBar).show(view, self.room.participant)
        who = view.participant(self.room.participant)
        self.capture.placeholder = (f"Idea from {who.name if who else '?'} — Enter adds it, "
                                    "F2 next person")

    def _show_prompt(self) -> None:
        self.query_one(PromptStage).show(self._prompt(), self.room.prompt_index,
                                         len(self.prompts))

    # --- prompts, participants, the clock -------------------------------------------------

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
        self.query_one(PromptStage).restart()
        self._show_prompt()
        self.capture.note()
        session_id, actor = self.view.id, self.actor()
        self.submit("prompt", lambda store: sessions_service().move_to_prompt(
            store, session_id, index, actor=actor))

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
        self.capture.note()

    def action_next_participant(self) -> None:
        self._cycle_participant(1)

    def action_previous_participant(self) -> None:
        self._cycle_participant(-1)

    def action_start_or_end(self) -> None:
        view = self.view
        if view is None:
            return
        session_id, actor = view.id, self.actor()
        if view.status != "running":
            def start() -> None:
                self.query_one(PromptStage).restart()
                self.submit("start", lambda store: sessions_service().start_session(
                    store, session_id, actor=actor))

            if view.status != "ended":
                start()
                return

            # The held time of an ended session is evidence: reopening it is asked first.
            def reopen(yes: bool | None) -> None:
                if yes:
                    start()

            held = rules.format_countdown(rules.held_seconds(view.sittings, datetime.now(UTC)))
            count = len(view.sittings)
            self.app.push_screen(ConfirmDialog(
                f"This session has ended ({count} sitting{'s' if count != 1 else ''}, held "
                f"{held}). Reopen it? A new sitting starts now; each earlier sitting keeps "
                "its own start and end.", yes="Reopen", no="Cancel"), reopen)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.submit("end", lambda store: sessions_service().end_session(
                    store, session_id, actor=actor))

        self.app.push_screen(ConfirmDialog("End the session? Ideas stay editable, and you "
                                           "can still vote, promote and export minutes."),
                             answered)

    def action_edit_setup(self) -> None:
        """The set-up form over the room; saved, the room shows the session as saved and
        walks the decks it now has."""
        from firstfile.ui.screens.session_edit import SessionEditScreen

        if self.view is None:
            return
        self.app.push_screen(SessionEditScreen(self.view, self._setup_saved))

    def _setup_saved(self, view: SessionView) -> None:
        decks_changed = self.view is None or (view.decks, view.components) != (
            self.view.decks, self.view.components)
        self.show(view)
        if decks_changed:
            self._load_prompts(view)

    @work(thread=True, exclusive=True, exit_on_error=False, group="session-prompts")
    def _load_prompts(self, view: SessionView) -> None:
        prompts, problems = sessions_service().session_prompts(
            view, self.firstfile_app.settings.template_dirs)
        self.post_message(PromptsLoaded(prompts, problems))

    def on_prompts_loaded(self, message: PromptsLoaded) -> None:
        self.prompts = message.prompts
        self.room.prompt_index = min(self.room.prompt_index, max(0, len(self.prompts) - 1))
        for problem in message.problems:
            self.notify(problem, title="Prompt deck skipped", severity="warning", timeout=10,
                        markup=False)
        self._show_prompt()

    def action_focus_list(self) -> None:
        self.query_one(SessionIdeaTable).focus()

    def action_focus_capture(self) -> None:
        self.capture.focus()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # --- minutes --------------------------------------------------------------------------

    def action_export_minutes(self) -> None:
        if self.view is None:
            return

        def chosen(folder: str | None) -> None:
            if folder:
                self.export_minutes_to(folder)

        self.app.push_screen(FolderDialog("Write the minutes (DOCX and Markdown) to folder:",
                                          str(self.firstfile_app.settings.exports)), chosen)

    def export_minutes_to(self, folder: str) -> None:
        """Write both formats of the minutes into folder, after every change made before."""
        assert self.view is not None
        self.submit("minutes", minutes_job(self.view.id, list(self.prompts), folder,
                                           self.firstfile_app.settings.templates_dir))

    # --- leaving with something typed -----------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """An idea typed but not yet added (Enter) is unsaved work."""
        return bool(self.capture.value.strip())

    def unsaved_label(self) -> str:
        return "The idea being typed"

    def save_then(self, after: Callable[[], None]) -> None:
        """Add the typed idea (it is committed before the writer stops), then go on."""
        self.capture.post_message(Input.Submitted(self.capture, self.capture.value))
        self.call_after_refresh(after)

    def discard_then(self, after: Callable[[], None]) -> None:
        self.capture.value = ""
        after()
