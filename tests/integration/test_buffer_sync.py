"""The autosave sequencing on a real database, without a screen: debounce, order, clearing.

Changes are applied by calling them, in whatever order a test needs, as threads could apply
them; the clock is a number the test moves, so "not yet due" needs no waiting.
"""

from __future__ import annotations

from firstfile.services import drafts
from firstfile.services.buffer_sync import BufferSync, Payload
from firstfile.storage.engine import Store

OWNER = "session:ACME-2026/pre-1"
ACTOR = "jdoe"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def nothing_typed(payload: Payload) -> bool:
    return not str(payload.get("text", "")).strip()


def sync_with(clock: Clock) -> BufferSync:
    return BufferSync(OWNER, actor=ACTOR, delay=1.0, keeps_nothing=nothing_typed, clock=clock)


def stored(store: Store) -> Payload | None:
    found = drafts.load_buffer(store, OWNER, actor=ACTOR)
    return None if found is None else found[0]


def test_a_change_is_due_once_typing_has_rested_for_the_delay(store: Store) -> None:
    clock = Clock()
    sync = sync_with(clock)
    sync.changed({"text": "Pot"})
    clock.now += 0.6
    sync.changed({"text": "Pot the sensor"})  # still typing: the rest starts again
    clock.now += 0.9
    assert sync.pending and not sync.due()
    clock.now += 0.1
    assert sync.due()
    change = sync.change()
    assert change is not None and not sync.pending and not sync.due()
    assert not sync.quiet  # handed out, not applied yet
    assert change(store) is True
    assert sync.quiet
    assert stored(store) == {"text": "Pot the sensor"}
    # The same text again writes nothing.
    sync.changed({"text": "Pot the sensor"})
    assert not sync.pending and sync.change() is None


def test_an_older_write_applied_after_a_newer_clear_is_skipped(store: Store) -> None:
    """Without the sequence check the slow write would bring the entered idea back."""
    clock = Clock()
    sync = sync_with(clock)
    sync.changed({"text": "Second source the shunt amplifier"})
    write = sync.change()
    clear = sync.entered()  # Enter: the idea is captured, its buffer must go
    assert write is not None and clear is not None and clear.payload is None
    assert clear(store) is True
    assert write(store) is False  # the slow autosave worker finishes last
    assert stored(store) is None
    assert sync.quiet


def test_an_older_write_never_replaces_a_newer_one(store: Store) -> None:
    clock = Clock()
    sync = sync_with(clock)
    sync.changed({"text": "Reuse the tray"})
    first = sync.change()
    sync.changed({"text": "Reuse the shipping tray as the test carrier"})
    second = sync.change()
    assert first is not None and second is not None and first.seq < second.seq
    assert second(store) is True
    assert first(store) is False
    assert stored(store) == {"text": "Reuse the shipping tray as the test carrier"}


def test_emptying_the_form_clears_the_buffer_and_an_empty_form_writes_nothing(
        store: Store) -> None:
    clock = Clock()
    sync = sync_with(clock)
    sync.changed({"text": "   "})
    assert not sync.pending and sync.change() is None  # nothing was ever buffered
    sync.changed({"text": "abc"})
    change = sync.change()
    assert change is not None and change(store)
    sync.changed({"text": ""})
    assert sync.pending
    clear = sync.change()
    assert clear is not None and clear.payload is None and clear(store)
    assert stored(store) is None
    assert sync.entered() is None  # nothing left to clear after a commit


def test_a_restored_payload_is_not_written_again(store: Store) -> None:
    drafts.save_buffer(store, OWNER, "", {"text": "half typed"}, actor=ACTOR)
    sync = sync_with(Clock())
    sync.restored({"text": "half typed"})
    sync.changed({"text": "half typed"})  # the form shows it: no change
    assert not sync.pending and sync.change() is None
    clear = sync.entered()
    assert clear is not None and clear(store)
    assert stored(store) is None


def test_a_stale_buffer_is_cleared_only_until_the_form_has_written_its_own(
        store: Store) -> None:
    drafts.save_buffer(store, OWNER, "", {"text": "entered last time"}, actor=ACTOR)
    sync = sync_with(Clock())
    assert sync.clear_stale(store) is True
    assert stored(store) is None
    sync.changed({"text": "typed now"})
    change = sync.change()
    assert change is not None and change(store)
    assert sync.clear_stale(store) is False  # a late check never drops what is typed now
    assert stored(store) == {"text": "typed now"}


def test_the_editor_shape_clean_form_keeps_nothing(store: Store) -> None:
    """The editor's buffer holds the form and the version it was based on."""
    clean = {"title": "Precharge bypass"}
    sync = BufferSync("edit:FF-2026-0001", actor=ACTOR, delay=1.0,
                      disclosure_key="FF-2026-0001",
                      keeps_nothing=lambda payload: payload["form"] == clean, clock=Clock())
    sync.changed({"form": {"title": "Precharge bypass v2"}, "base_version": 3})
    change = sync.change()
    assert change is not None and change(store)
    assert drafts.pending_buffers(store, actor=ACTOR)[0].disclosure_key == "FF-2026-0001"
    sync.changed({"form": clean, "base_version": 3})  # typed back to what is saved
    clear = sync.change()
    assert clear is not None and clear.payload is None and clear(store)
    assert drafts.load_buffer(store, "edit:FF-2026-0001", actor=ACTOR) is None


def test_after_a_failed_write_the_next_change_writes_again_and_a_clear_still_runs(
    store: Store,
) -> None:
    clock = Clock()
    sync = sync_with(clock)
    sync.changed({"text": "first"})
    first = sync.change()
    assert first is not None and first(store)
    sync.changed({"text": "second"})
    lost = sync.change()
    assert lost is not None
    sync.failed(lost)  # say the disk was full: "second" never reached the buffer
    assert stored(store) == {"text": "first"}
    sync.changed({"text": "second"})  # the retry, with the same text on screen
    again = sync.change()
    assert again is not None and again.payload == {"text": "second"} and again(store)
    assert stored(store) == {"text": "second"}
    sync.failed(again)  # a failure reported late still never skips the clear below
    clear = sync.entered()
    assert clear is not None and clear(store)
    assert stored(store) is None


def test_a_failure_of_an_outdated_write_changes_nothing(store: Store) -> None:
    sync = sync_with(Clock())
    sync.changed({"text": "one"})
    one = sync.change()
    sync.changed({"text": "two"})
    two = sync.change()
    assert one is not None and two is not None
    sync.failed(one)  # a newer write is already on its way
    assert sync.buffered == {"text": "two"}
    sync.changed({"text": "two"})
    assert sync.change() is None
