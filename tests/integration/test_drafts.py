"""Autosave buffers on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from firstfile.services import drafts
from firstfile.storage.engine import Store, open_store


def test_save_then_load_gives_back_the_payload(store: Store) -> None:
    payload = {"title": "Säge [bold]x[/bold]", "conception_date": "2026-02-30", "n": 3}
    saved_at = drafts.save_buffer(store, "edit:FF-2026-0001", "FF-2026-0001", payload)

    loaded = drafts.load_buffer(store, "edit:FF-2026-0001")

    assert loaded is not None
    assert loaded[0] == payload
    assert abs((loaded[1] - saved_at).total_seconds()) < 0.001
    assert loaded[1].tzinfo is not None


def test_saving_again_replaces_the_one_buffer(store: Store) -> None:
    first = datetime(2026, 3, 1, 14, 2, tzinfo=UTC)
    drafts.save_buffer(store, "capture", "", {"title": "one"}, now=first)
    drafts.save_buffer(store, "capture", "", {"title": "two"}, now=first + timedelta(seconds=5))

    loaded = drafts.load_buffer(store, "capture")

    assert loaded == ({"title": "two"}, first + timedelta(seconds=5))
    assert [p.owner for p in drafts.pending_buffers(store)] == ["capture"]


def test_clear_forgets_only_that_owner(store: Store) -> None:
    drafts.save_buffer(store, "capture", "", {"title": "x"})
    drafts.save_buffer(store, drafts.editor_owner("FF-2026-0002"), "FF-2026-0002", {"a": 1})

    drafts.clear_buffer(store, "capture")

    assert drafts.load_buffer(store, "capture") is None
    pending = drafts.pending_buffers(store)
    assert [(p.owner, p.disclosure_key) for p in pending] == [
        ("edit:FF-2026-0002", "FF-2026-0002")
    ]


def test_pending_buffers_newest_first(store: Store) -> None:
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    drafts.save_buffer(store, "edit:FF-2026-0001", "FF-2026-0001", {}, now=base)
    drafts.save_buffer(store, "edit:FF-2026-0003", "FF-2026-0003", {},
                       now=base + timedelta(minutes=3))

    assert [p.disclosure_key for p in drafts.pending_buffers(store)] == [
        "FF-2026-0003", "FF-2026-0001"
    ]


def test_buffer_survives_reopening_the_file(tmp_path: Path) -> None:
    path = str(tmp_path / "crash.db")
    first = open_store(path)
    drafts.save_buffer(first, "capture", "", {"summary": "typed before the crash"})
    first.dispose()

    second = open_store(path)
    try:
        loaded = drafts.load_buffer(second, "capture")
    finally:
        second.dispose()

    assert loaded is not None
    assert loaded[0] == {"summary": "typed before the crash"}
