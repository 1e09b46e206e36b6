"""The facilitation screen's capture box, which keeps the idea being typed in a buffer.

A second after typing stops, what the box holds (with who is speaking and the prompt) is
written to an autosave buffer (owner "session:ENGAGEMENT/SESSION", services/drafts.py) by a
thread worker of the box, so it never queues behind the screen's writer. Entering the idea
hands back the clear that the writer runs after the capture commits; emptying the box clears
the buffer as well. Every write and clear is numbered by services/buffer_sync.py, so a slow
write can never bring back text that was entered or replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input

from firstfile.domain.sessions import SessionView
from firstfile.domain.text import clean_text
from firstfile.services.buffer_sync import BufferChange, BufferSync, Payload

if TYPE_CHECKING:
    from firstfile.storage.engine import Store

# Seconds after the last keystroke before the typed idea is buffered, checked every
# AUTOSAVE_CHECK seconds: with the write itself it lands within ~1.5 s of typing stopping.
# A keystroke only notes the time (no timer per key), so typing and Enter stay as fast.
AUTOSAVE_DELAY = 1.0
AUTOSAVE_CHECK = 0.25


def buffer_owner(session_ref: str) -> str:
    """The autosave buffer owner of the idea being typed in session ENGAGEMENT/SESSION."""
    return f"session:{session_ref}"


def idea_sync(session_ref: str, *, actor: str) -> BufferSync:
    """The autosave of the idea actor types in session ENGAGEMENT/SESSION."""
    return BufferSync(buffer_owner(session_ref), actor=actor, delay=AUTOSAVE_DELAY,
                      keeps_nothing=lambda payload: not str(payload.get("text", "")).strip())


def buffered_idea(store: Store, view: SessionView,
                  sync: BufferSync) -> tuple[dict[str, Any], datetime] | None:
    """The idea left typing in the session (in a worker thread), unless it was entered after all.

    The capture and the buffer's clearing are two transactions, so a terminal closed between
    them leaves a buffer whose text is already an idea: it is dropped, not offered again as a
    duplicate. A buffer that cannot be read is not offered either: the session still opens.
    """
    from firstfile.services import drafts
    from firstfile.storage.engine import StoreError

    try:
        buffer = drafts.load_buffer(store, sync.owner, actor=sync.actor)
        if buffer is None:
            return None
        text = buffer[0].get("text")
        entered = {idea.text for idea in view.ideas}
        if not isinstance(text, str) or not text.strip() or clean_text(text).strip() in entered:
            sync.clear_stale(store)
            return None
    except StoreError:
        return None
    return buffer


class CaptureBox(Input):
    """One line where ideas are typed; what is typed is buffered (see the module doc)."""

    DEFAULT_CSS = "CaptureBox { margin: 0 0; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Type an idea, Enter adds it", id=id, compact=True)
        self.sync: BufferSync | None = None  # set once the session is loaded
        self.typed = ""  # the box as of its last change (read after the widget is gone)
        # What the buffer stores for the text typed: the screen adds who and which prompt.
        self.describe: Callable[[str], Payload] = lambda text: {"text": text}

    def on_mount(self) -> None:
        self.set_interval(AUTOSAVE_CHECK, self._autosave_due, name="session-autosave")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.typed = event.value
        self.note()

    def follow(self, sync: BufferSync) -> None:
        """Buffer into sync from now on (typing that started before is buffered as usual)."""
        self.sync = sync
        self.note()

    def note(self) -> None:
        """Tell the autosave what the box holds now (call it when the speaker or the prompt
        changes too: the buffer names them)."""
        if self.sync is not None:
            self.sync.changed(self.describe(self.typed))

    def put_back(self, text: str) -> None:
        """Show text taken from the buffer, which holds it already: nothing is written."""
        self.typed = text
        if self.sync is not None:
            self.sync.restored(self.describe(text))
        self.value = text
        self.cursor_position = len(text)

    def save_now(self) -> None:
        """Buffer what is typed at once (typing that started while the session was loading
        replaces the buffer it left)."""
        self.note()
        self._autosave()

    def entered(self) -> BufferChange | None:
        """The typed idea was handed to the writer: the clear to run after it commits."""
        return self.sync.entered() if self.sync is not None else None

    def unbuffered(self) -> BufferChange | None:
        """The write of typing not buffered yet, for the writer when the screen closes."""
        if self.sync is None or not self.sync.pending:
            return None
        return self.sync.change()

    def _autosave_due(self) -> None:
        if self.sync is not None and self.sync.due():
            self._autosave()

    def _autosave(self) -> None:
        change = self.sync.change() if self.sync is not None else None
        if change is not None:
            self._apply(change)

    @work(thread=True, exclusive=False, exit_on_error=False, group="session-autosave")
    def _apply(self, change: BufferChange) -> None:
        """Write or clear the buffer off the event loop and outside the writer's queue."""
        try:
            change(self.app.wait_store())  # type: ignore[attr-defined]
        except Exception as error:  # any failure: the room goes on, the text stays in the box
            self.app.call_from_thread(self.app.notify, f"Autosave failed: {error}",
                                      severity="warning", markup=False)
