"""Keeping one autosave buffer (services/drafts.py) in step with what a form shows.

A form (the facilitation screen's capture box, quick capture, the editor) tells its
BufferSync what it shows after every change; the sync only notes the time, so typing stays
as fast. Once changes have rested for `delay` seconds, `due()` says so, and `change()` gives
the write (or, when the form holds nothing worth keeping, the clear) that brings the buffer up
to date. When the form's contents are saved for real, `entered()` gives the clear to run after
that commit.

Writes and clears run in whatever thread the form chooses (a worker, a serial writer), so
they can finish out of order: a slow autosave might land after the clear that followed the
save. Every change is therefore numbered when it is made, on the form's own thread, and a
change is applied only when it is newer than the last one applied: an older write can never
bring back text that was entered, replaced or discarded.

Only the standard library is imported here; services/drafts.py (and with it SQLAlchemy) is
imported when a change is applied, in the thread that applies it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from firstfile.storage.engine import Store

Payload = dict[str, Any]


def _empty(payload: Payload) -> bool:
    return not payload


# What the buffer holds after a write that failed: not known. A payload no form shows (its
# own identity), so the next change writes again and a clear is never skipped as needless.
_UNKNOWN: Payload = {"": object()}


@dataclass(frozen=True, slots=True)
class BufferChange:
    """One numbered write (payload) or clear (payload None) of the buffer."""

    sync: BufferSync
    seq: int
    payload: Payload | None

    def __call__(self, store: Store) -> bool:
        """Apply the change unless a newer one was applied already; True when applied."""
        return self.sync.apply(self, store)


class BufferSync:
    """The autosave buffer of one owner (see the module doc for the rules)."""

    def __init__(
        self, owner: str, *, actor: str, delay: float, disclosure_key: str = "",
        keeps_nothing: Callable[[Payload], bool] = _empty,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.owner = owner
        # Buffers belong to the user who typed them (services/drafts.py).
        self.actor = actor
        self.disclosure_key = disclosure_key
        self.delay = delay
        self._keeps_nothing = keeps_nothing
        self._clock = clock
        # Read and written on the form's thread only.
        self._shown: Payload = {}
        self._buffered: Payload | None = None  # last payload sent to the buffer; None: none
        self._changed_at: float | None = None  # a change not yet sent to the buffer
        self._issued = 0
        # Shared with the threads that apply changes.
        self._lock = threading.Lock()
        self._applied = 0  # the newest change applied
        self._finished = 0  # changes that have run (applied, skipped as stale, or failed)

    # --- on the form's thread ------------------------------------------------------------

    def changed(self, payload: Payload) -> None:
        """The form now shows payload (call it on every change; it only notes the time)."""
        self._shown = payload
        in_step = (payload == self._buffered if self._buffered is not None
                   else self._keeps_nothing(payload))
        self._changed_at = None if in_step else self._clock()

    @property
    def pending(self) -> bool:
        """A change the buffer does not hold yet (due once it has rested `delay` seconds)."""
        return self._changed_at is not None

    def due(self) -> bool:
        """Changes have rested long enough: time to call change()."""
        return (self._changed_at is not None
                and self._clock() - self._changed_at >= self.delay)

    def change(self) -> BufferChange | None:
        """The write or clear that brings the buffer up to what the form shows, or None."""
        self._changed_at = None
        payload = self._shown
        if self._keeps_nothing(payload):
            return self._clear()
        if payload == self._buffered:
            return None
        self._buffered = payload
        return self._numbered(payload)

    def entered(self) -> BufferChange | None:
        """What the form showed was saved for real: the clear to run after that commit.

        None when nothing was buffered. Either way nothing is pending any more, and a
        write still in flight is outdated by the clear.
        """
        self._changed_at = None
        self._shown = {}
        return self._clear()

    def restored(self, payload: Payload) -> None:
        """The form shows payload, put back from the buffer, which holds it already."""
        self._shown = payload
        self._buffered = payload
        self._changed_at = None

    def failed(self, change: BufferChange) -> None:
        """change could not be applied (a full disk, a lost server): the buffer may hold an
        older write or nothing, so the next change() writes again, and a clear (entered(),
        or emptying the form) is still issued."""
        if change.seq == self._issued and change.payload is not None:
            self._buffered = _UNKNOWN

    @property
    def buffered(self) -> Payload | None:
        """The payload last sent to the buffer, or None when it is (to be) cleared."""
        return None if self._buffered is _UNKNOWN else self._buffered

    def _clear(self) -> BufferChange | None:
        if self._buffered is None:
            return None
        self._buffered = None
        return self._numbered(None)

    def _numbered(self, payload: Payload | None) -> BufferChange:
        self._issued += 1
        return BufferChange(self, self._issued, payload)

    @property
    def quiet(self) -> bool:
        """Nothing pending and every change handed out has run: the buffer will not change
        again until the form does."""
        with self._lock:
            return self._changed_at is None and self._finished == self._issued

    # --- in the thread that applies a change ------------------------------------------------

    def apply(self, change: BufferChange, store: Store) -> bool:
        """Write or clear the buffer for change unless a newer change was applied already."""
        from firstfile.services import drafts

        with self._lock:
            try:
                if change.seq <= self._applied:
                    return False
                if change.payload is None:
                    drafts.clear_buffer(store, self.owner, actor=self.actor)
                else:
                    drafts.save_buffer(store, self.owner, self.disclosure_key, change.payload,
                                       actor=self.actor)
                self._applied = change.seq
                return True
            finally:
                self._finished += 1

    def clear_stale(self, store: Store) -> bool:
        """Clear a buffer left by an earlier run, unless this form has written one since.

        For a buffer found on opening whose contents are saved already; True when cleared.
        """
        from firstfile.services import drafts

        with self._lock:
            if self._applied:
                return False
            drafts.clear_buffer(store, self.owner, actor=self.actor)
            return True
