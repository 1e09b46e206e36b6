"""Each sitting of a session keeps its own start and end: start, end and reopen write
sittings, the held time is their sum, and migration 0012 gives every session started before
it one sitting from its stored start and end. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import DateTime, bindparam, inspect, text

from firstfile.domain.sessions import held_seconds
from firstfile.services import sessions
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from tests.integration.sessions_fixtures import seeded_session

NINE = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def test_a_reopened_session_keeps_each_sitting_and_sums_them(store: Store) -> None:
    view = seeded_session(store)
    assert sessions.session_by_id(store, view.id).sittings == ()
    sessions.start_session(store, view.id, actor="t", now=NINE)
    # Starting a running session again changes nothing (no second sitting, same start).
    again = sessions.start_session(store, view.id, actor="t", now=NINE + timedelta(minutes=5))
    assert [(s.number, s.started_at) for s in again.sittings] == [(1, NINE)]
    sessions.end_session(store, view.id, actor="t", now=NINE + timedelta(minutes=62))
    sessions.start_session(store, view.id, actor="t", now=NINE + timedelta(days=1))
    ended = sessions.end_session(store, view.id, actor="t",
                                 now=NINE + timedelta(days=1, minutes=30))
    assert [(s.number, s.started_at, s.ended_at) for s in ended.sittings] == [
        (1, NINE, NINE + timedelta(minutes=62)),
        (2, NINE + timedelta(days=1), NINE + timedelta(days=1, minutes=30)),
    ]
    assert held_seconds(ended.sittings, NINE + timedelta(days=9)) == 92 * 60
    # The session's own start is the first sitting's, its end the last one's.
    assert (ended.started_at, ended.ended_at) == (NINE, NINE + timedelta(days=1, minutes=30))
    assert ended.status == "ended"
    # Ending an ended session again does not move its end.
    kept = sessions.end_session(store, view.id, actor="t", now=NINE + timedelta(days=5))
    assert kept.sittings == ended.sittings and kept.ended_at == ended.ended_at


def test_a_planned_session_ended_unstarted_has_no_sitting(store: Store) -> None:
    view = seeded_session(store)
    ended = sessions.end_session(store, view.id, actor="t", now=NINE)
    assert ended.status == "ended" and ended.sittings == ()
    reopened = sessions.start_session(store, view.id, actor="t", now=NINE + timedelta(hours=1))
    assert [(s.number, s.ended_at) for s in reopened.sittings] == [(1, None)]


def _database_at_0011(db_url: str) -> None:
    """A database at 0011 with an ended, a running and a planned session."""
    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0011_counsel_records")
    with old.write() as db:
        db.execute(text("INSERT INTO engagement (key, name, product, phase, created_at, "
                        "version) VALUES ('ACME-2026', 'Battery module', 'BMS-48', 'pre', "
                        "CURRENT_TIMESTAMP, 1)"))
        db.execute(text("INSERT INTO person (key, name, email, version) "
                        "VALUES ('jdoe', 'Jane Doe', '', 1)"))
        insert = text(
            "INSERT INTO extractionsession (engagement_id, key, title, phase, goal, "
            "facilitator_id, status, time_box_minutes, prompt_minutes, dots_per_participant, "
            "decks, current_prompt, started_at, ended_at, version) "
            "SELECT e.id, :key, :key, 'pre', '', p.id, :status, 60, 5, 3, '', 0, :started, "
            ":ended, 1 FROM engagement e, person p"
        ).bindparams(bindparam("started", type_=DateTime(timezone=True)),
                     bindparam("ended", type_=DateTime(timezone=True)))
        for key, status, started, ended in (
            ("held", "ended", NINE, NINE + timedelta(minutes=62)),
            ("live", "running", NINE + timedelta(days=1), None),
            ("later", "planned", None, None),
        ):
            db.execute(insert, {"key": key, "status": status, "started": started,
                                "ended": ended})
    old.dispose()


def test_upgrading_from_0011_gives_each_started_session_one_sitting(
    empty_db_url: str,
) -> None:
    _database_at_0011(empty_db_url)
    store = open_store(empty_db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        held = sessions.get_session(store, "ACME-2026/held")
        assert [(s.number, s.started_at, s.ended_at) for s in held.sittings] == [
            (1, NINE, NINE + timedelta(minutes=62))]
        live = sessions.get_session(store, "ACME-2026/live")
        assert [(s.number, s.started_at, s.ended_at) for s in live.sittings] == [
            (1, NINE + timedelta(days=1), None)]
        assert sessions.get_session(store, "ACME-2026/later").sittings == ()
        # The migrated sitting is closed by the next end, and a reopen adds sitting 2.
        at = datetime(2026, 2, 11, 15, 0, tzinfo=UTC)
        assert sessions.end_session(store, live.id, actor="t", now=at).sittings[0].ended_at == at
        reopened = sessions.start_session(store, held.id, actor="t", now=at)
        assert [s.number for s in reopened.sittings] == [1, 2]
        assert reopened.sittings[0] == held.sittings[0]
        # Down to 0011 and up again: the table goes and comes back with the one sitting.
        command.downgrade(alembic_config(store), "0011_counsel_records")
        with store.engine.connect() as conn:
            assert "session_sittings" not in inspect(conn).get_table_names()
        command.upgrade(alembic_config(store), "head")
        assert len(sessions.get_session(store, "ACME-2026/held").sittings) == 1
    finally:
        store.dispose()
