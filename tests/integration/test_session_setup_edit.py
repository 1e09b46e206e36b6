"""A session's set-up can be changed after it was created, without rewriting who
contributed. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from firstfile.services import sessions
from firstfile.services.errors import Conflict, ValidationFailed
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from tests.integration.sessions_fixtures import SETUP, seeded_session
from tests.integration.test_sessions_service import capture


def test_the_set_up_changes_and_the_change_is_audited(store: Store) -> None:
    view = seeded_session(store)
    changed = replace(SETUP, title="What will they change next?", phase="during",
                      held_on=date(2026, 3, 9), participants=("rsmith",),
                      components=(), decks=("scamper",), time_box_minutes=90,
                      dots_per_participant=5)
    after = sessions.update_setup(store, view.id, changed, actor="lena")
    assert (after.title, after.phase, after.held_on) == (
        "What will they change next?", "during", date(2026, 3, 9))
    assert [p.key for p in after.participants] == ["jdoe", "rsmith"]  # jdoe facilitates
    assert (after.components, after.decks) == ((), ("scamper",))
    assert (after.time_box_minutes, after.dots_per_participant) == (90, 5)
    with store.read() as db:
        event = db.execute(select(AuditEvent).where(AuditEvent.entity == "session")
                           .order_by(AuditEvent.seq.desc())).scalars().first()  # type: ignore[attr-defined]
    assert event is not None and event.action == "update" and event.actor_name == "lena"
    changes = json.loads(event.changes)
    assert changes["participants"] == [["jdoe", "rsmith", "wli"], ["jdoe", "rsmith"]]
    assert changes["time_box_minutes"] == [60, 90] and "key" not in changes
    # Saving the same set-up again changes nothing and records nothing.
    sessions.update_setup(store, view.id, changed, actor="lena")
    with store.read() as db:
        again = db.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()  # type: ignore[attr-defined]
    assert again is not None and again.seq == event.seq


def test_who_contributed_stays_and_the_key_is_fixed(store: Store) -> None:
    view = seeded_session(store)
    idea = capture(store, view, "Dual-footprint regulator", "wli")
    sessions.vote(store, idea, "rsmith", actor="t")
    sessions.vote(store, idea, "rsmith", actor="t")
    before = sessions.session_by_id(store, view.id)
    with pytest.raises(ValidationFailed) as refused:
        sessions.update_setup(store, view.id, replace(
            SETUP, key="pre-9", participants=(), dots_per_participant=1), actor="t")
    message = str(refused.value)
    assert "cannot change" in message
    assert "Wei Li raised an idea or placed a dot" in message
    assert "Raj Smith raised an idea or placed a dot" in message
    assert "someone has placed 2 already" in message
    assert sessions.session_by_id(store, view.id) == before
    # A stale version is refused, with what is stored now.
    with store.read() as db:
        from firstfile.storage.tables import ExtractionSession

        version = db.get(ExtractionSession, view.id).version  # type: ignore[union-attr]
    sessions.update_setup(store, view.id, replace(SETUP, goal="A new goal"), actor="t",
                          expected_version=version)
    with pytest.raises(Conflict):
        sessions.update_setup(store, view.id, replace(SETUP, goal="Mine"), actor="t",
                              expected_version=version)
    assert sessions.session_by_id(store, view.id).goal == "A new goal"
