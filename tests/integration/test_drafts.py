"""Autosave buffers on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import text

from firstfile.services import drafts
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import alembic_config


def test_save_then_load_gives_back_the_payload(store: Store) -> None:
    payload = {"title": "Säge [bold]x[/bold]", "conception_date": "2026-02-30", "n": 3}
    saved_at = drafts.save_buffer(store, "edit:FF-2026-0001", "FF-2026-0001", payload,
                                  actor="jdoe")

    loaded = drafts.load_buffer(store, "edit:FF-2026-0001", actor="jdoe")

    assert loaded is not None
    assert loaded[0] == payload
    assert abs((loaded[1] - saved_at).total_seconds()) < 0.001
    assert loaded[1].tzinfo is not None


def test_saving_again_replaces_the_one_buffer(store: Store) -> None:
    first = datetime(2026, 3, 1, 14, 2, tzinfo=UTC)
    drafts.save_buffer(store, "capture", "", {"title": "one"}, now=first, actor="jdoe")
    drafts.save_buffer(store, "capture", "", {"title": "two"}, now=first + timedelta(seconds=5),
                       actor="jdoe")

    loaded = drafts.load_buffer(store, "capture", actor="jdoe")

    assert loaded == ({"title": "two"}, first + timedelta(seconds=5))
    assert [p.owner for p in drafts.pending_buffers(store, actor="jdoe")] == ["capture"]


def test_clear_forgets_only_that_owner(store: Store) -> None:
    drafts.save_buffer(store, "capture", "", {"title": "x"}, actor="jdoe")
    drafts.save_buffer(store, drafts.editor_owner("FF-2026-0002"), "FF-2026-0002", {"a": 1},
                       actor="jdoe")

    drafts.clear_buffer(store, "capture", actor="jdoe")

    assert drafts.load_buffer(store, "capture", actor="jdoe") is None
    pending = drafts.pending_buffers(store, actor="jdoe")
    assert [(p.owner, p.disclosure_key) for p in pending] == [
        ("edit:FF-2026-0002", "FF-2026-0002")
    ]


def test_pending_buffers_newest_first(store: Store) -> None:
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    drafts.save_buffer(store, "edit:FF-2026-0001", "FF-2026-0001", {}, now=base, actor="jdoe")
    drafts.save_buffer(store, "edit:FF-2026-0003", "FF-2026-0003", {},
                       now=base + timedelta(minutes=3), actor="jdoe")

    assert [p.disclosure_key for p in drafts.pending_buffers(store, actor="jdoe")] == [
        "FF-2026-0003", "FF-2026-0001"
    ]


def test_buffer_survives_reopening_the_file(tmp_path: Path) -> None:
    path = str(tmp_path / "crash.db")
    first = open_store(path)
    drafts.save_buffer(first, "capture", "", {"summary": "typed before the crash"}, actor="jdoe")
    first.dispose()

    second = open_store(path)
    try:
        loaded = drafts.load_buffer(second, "capture", actor="jdoe")
    finally:
        second.dispose()

    assert loaded is not None
    assert loaded[0] == {"summary": "typed before the crash"}


def _payload(buffer: tuple[dict[str, Any], datetime] | None) -> dict[str, Any]:
    assert buffer is not None
    return buffer[0]


def test_two_users_editing_one_disclosure_keep_their_own_text(store: Store) -> None:
    owner = drafts.editor_owner("FF-2026-0001")
    drafts.save_buffer(store, owner, "FF-2026-0001", {"title": "Jane's"}, actor="jdoe")
    drafts.save_buffer(store, owner, "FF-2026-0001", {"title": "Raj's"}, actor="rsmith")

    assert _payload(drafts.load_buffer(store, owner, actor="jdoe")) == {"title": "Jane's"}
    assert _payload(drafts.load_buffer(store, owner, actor="rsmith")) == {"title": "Raj's"}
    drafts.clear_buffer(store, owner, actor="jdoe")
    assert drafts.load_buffer(store, owner, actor="jdoe") is None
    assert drafts.load_buffer(store, owner, actor="rsmith") is not None
    assert drafts.pending_buffers(store, actor="jdoe") == []
    assert [p.owner for p in drafts.pending_buffers(store, actor="rsmith")] == [owner]


def test_a_buffer_from_before_the_upgrade_is_found_once_by_its_user(db_url: str) -> None:
    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    with old.write() as db:
        db.execute(text(
            "INSERT INTO draftbuffer (owner, disclosure_key, payload, saved_at) VALUES "
            "('edit:FF-2026-0001', 'FF-2026-0001', '{\"title\": \"typed before\"}', "
            "CURRENT_TIMESTAMP)"))
    old.dispose()
    store = open_store(db_url)
    try:
        owner = drafts.editor_owner("FF-2026-0001")
        # Unclaimed, it waits among everybody's pending buffers...
        assert [p.owner for p in drafts.pending_buffers(store, actor="rsmith")] == [owner]
        # ... until the first user opens the disclosure: from then on it is theirs alone.
        assert _payload(drafts.load_buffer(store, owner, actor="jdoe")) == {
            "title": "typed before"}
        assert drafts.load_buffer(store, owner, actor="rsmith") is None
        assert drafts.pending_buffers(store, actor="rsmith") == []
        assert _payload(drafts.load_buffer(store, owner, actor="jdoe")) == {
            "title": "typed before"}
    finally:
        store.dispose()
