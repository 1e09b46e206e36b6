"""Sessions, merged ideas and all, write out to `firstfile/1` and read back whole."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from firstfile.domain import sessions as rules
from firstfile.domain.sessions import SessionView
from firstfile.interchange.document import InterchangeDocument
from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import parse_document
from firstfile.interchange.writer import dump_document
from firstfile.services import sessions
from firstfile.services.errors import ValidationFailed
from firstfile.services.importer import ImportRefused, Policy, import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.integration.sessions_fixtures import seeded_session


def _run_a_session(store: Store) -> int:
    view = seeded_session(store)
    ids = [
        sessions.capture_idea(store, session_id=view.id, text=text, author=author,
                              prompt_id=prompt, component=component, actor="tester").id
        for text, author, prompt, component in (
            ("Dual-footprint regulator with a firmware check", "wli", "scamper-s", "bms-fw"),
            ("dual footprint regulator", "rsmith", "scamper-s", ""),
            ("Calibrate through the balancing resistors", "jdoe", "da-04", "bms-fw"),
            ("Ship in a cheaper tray", "wli", "da-02", ""),
        )
    ]
    sessions.merge_ideas(store, ids[0], ids[1], actor="tester")
    sessions.park_idea(store, ids[3], actor="tester")
    for person in ("jdoe", "rsmith"):
        sessions.vote(store, ids[0], person, actor="tester")
    sessions.vote(store, ids[2], "wli", actor="tester")
    sessions.promote_idea(store, ids[2], actor="tester")
    return view.id


def test_exported_session_reimports_without_a_change(store: Store) -> None:
    session_id = _run_a_session(store)
    before = sessions.session_by_id(store, session_id)
    text = dump_document(export_engagement(store, "ACME-2026"))
    report = import_document(store, parse_document(text, "again.yaml"), actor="tester")
    assert not report.changed, report.summary()
    assert sessions.session_by_id(store, session_id) == before


def test_statuses_survive_into_a_new_database(store: Store, tmp_path: Path) -> None:
    _run_a_session(store)
    exported = export_engagement(store, "ACME-2026")
    (doc_session,) = exported.sessions
    assert [i.status for i in doc_session.ideas] == ["open", "parked", "promoted", "parked"]
    assert [i.votes for i in doc_session.ideas] == [2, 0, 1, 0]
    assert doc_session.participants == ("jdoe", "rsmith", "wli")

    other = open_store(str(tmp_path / "other.db"))
    try:
        import_document(other, parse_document(dump_document(exported), "a.yaml"),
                        actor="tester")
        again = export_engagement(other, "ACME-2026")
        assert again.sessions == exported.sessions
        view = sessions.get_session(other, "ACME-2026/pre-1")
        assert [i.status for i in view.ideas] == ["open", "merged", "promoted", "parked"]
        assert [i.authors for i in view.ideas] == [("wli", "rsmith"), ("rsmith",),
                                                  ("jdoe",), ("wli",)]
        assert view.ideas[1].merged_into == view.ideas[0].id
    finally:
        other.dispose()


def _shape(view: SessionView) -> tuple[object, ...]:
    """What a session says, without database ids and what the file does not carry
    (run state, the dots each person spent, the disclosure an idea became)."""
    number = {i.id: i.number for i in view.ideas}
    return (
        view.ref, view.title, view.phase, view.held_on, view.goal, view.facilitator,
        view.time_box_minutes, view.prompt_minutes, view.dots_per_participant, view.decks,
        view.components, tuple(p.key for p in view.participants),
        tuple((i.number, i.text, i.authors, i.prompt_id, i.component, i.votes, i.status,
               number.get(i.merged_into) if i.merged_into else None) for i in view.ideas),
    )


def test_a_session_run_in_the_app_moves_whole_to_another_database(
    store: Store, tmp_path: Path
) -> None:
    session_id = _run_a_session(store)
    before = sessions.session_by_id(store, session_id)
    other = open_store(str(tmp_path / "other.db"))
    try:
        text = dump_document(export_engagement(store, "ACME-2026"))
        import_document(other, parse_document(text, "moved.yaml"), actor="tester")
        moved = sessions.get_session(other, "ACME-2026/pre-1")
        assert _shape(moved) == _shape(before)
        assert moved.ideas[0].authors == ("wli", "rsmith")
        assert (moved.decks, moved.components) == (("scamper", "design-around"), ("bms-fw",))
    finally:
        other.dispose()


# A session as another database wrote it: idea 2 was merged into idea 1, and idea 3 into
# idea 4, which is listed after it.
MERGED_FILE = """\
format: firstfile/1
engagement:
  key: ACME-2026
  name: Battery module
  product: BMS-48
  phase: pre
vendors:
  - key: sz-pcba
    name: Shenzhen PCBA Co.
    kind: contract-manufacturer
    country: CN
people:
  - key: jdoe
    name: Jane Doe
  - key: rsmith
    name: Raj Smith
  - key: wli
    name: Wei Li
    organization: sz-pcba
components:
  - key: bms-fw
    name: BMS firmware
    kind: firmware
    value_add: 4
    differentiation: 4
    reverse_engineering_difficulty: 3
  - key: tray
    name: Shipping tray
    value_add: 1
    differentiation: 1
    reverse_engineering_difficulty: 1
sessions:
  - key: pre-1
    title: Before the RFQ goes out
    phase: pre
    date: 2026-02-10
    facilitator: jdoe
    participants: [jdoe, rsmith, wli]
    components: [bms-fw, tray]
    decks: [scamper, design-around]
    time_box_minutes: 45
    dots_per_participant: 2
    ideas:
      - text: |-
          Dual-footprint regulator with a firmware check
          dual footprint regulator
        authors: [wli, jdoe, rsmith]
        prompt: scamper-s
        component: bms-fw
        votes: 3
      - text: dual footprint regulator
        author: rsmith
        prompt: scamper-s
        status: parked
        merged_into: 1
      - text: Ship in a cheaper tray
        author: wli
        status: parked
        merged_into: 4
      - text: Ship in a cheaper, stackable tray
        authors: [jdoe, wli]
        component: tray
        votes: 1
        status: parked
"""


def _audit_count(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_a_merged_session_round_trips_through_a_fresh_database(store: Store) -> None:
    doc = parse_document(MERGED_FILE, "merged.yaml")
    import_document(store, doc, actor="tester")
    assert parse_document(dump_document(export_engagement(store, "ACME-2026"))) == doc

    view = sessions.get_session(store, "ACME-2026/pre-1")
    ids = [i.id for i in view.ideas]
    assert [i.status for i in view.ideas] == ["open", "merged", "merged", "parked"]
    assert [i.merged_into for i in view.ideas] == [None, ids[0], ids[3], None]
    assert [i.authors for i in view.ideas] == [("wli", "jdoe", "rsmith"), ("rsmith",),
                                              ("wli",), ("jdoe", "wli")]
    assert (view.time_box_minutes, view.prompt_minutes, view.dots_per_participant) == (
        45, 5, 2)
    assert view.components == ("bms-fw", "tray")
    # The merged ideas are out of the live list, and the survivor takes the room's choice.
    assert [i.number for i in rules.by_tally(view.ideas)] == [1, 4]


def test_importing_a_merged_session_twice_changes_nothing(store: Store) -> None:
    import_document(store, parse_document(MERGED_FILE, "merged.yaml"), actor="tester")
    audits = _audit_count(store)
    before = sessions.get_session(store, "ACME-2026/pre-1")
    again = import_document(store, parse_document(MERGED_FILE, "merged.yaml"),
                            actor="tester")
    assert not again.changed, again.summary()
    assert _audit_count(store) == audits
    assert sessions.get_session(store, "ACME-2026/pre-1") == before


def _without_merges(doc: InterchangeDocument) -> InterchangeDocument:
    """doc as a file written before ideas carried their co-authors and merges."""
    (session,) = doc.sessions
    ideas = tuple(replace(i, authors=(), merged_into=None) for i in session.ideas)
    return replace(doc, sessions=(replace(session, ideas=ideas),))


def test_a_file_without_merges_keeps_every_author_and_merge(store: Store) -> None:
    session_id = _run_a_session(store)
    before = sessions.session_by_id(store, session_id)
    old = _without_merges(export_engagement(store, "ACME-2026"))
    assert old.sessions[0].ideas[0].authors == ("wli",)
    report = import_document(store, old, actor="tester")
    assert not report.changed, report.summary()
    assert sessions.session_by_id(store, session_id) == before


def test_a_file_cannot_undo_a_merge_and_nothing_is_written(store: Store) -> None:
    session_id = _run_a_session(store)
    before = sessions.session_by_id(store, session_id)
    audits = _audit_count(store)
    doc = _without_merges(export_engagement(store, "ACME-2026"))
    (session,) = doc.sessions
    reopened = replace(session.ideas[1], status="open")
    ideas = (session.ideas[0], reopened, *session.ideas[2:])
    with pytest.raises(ValidationFailed, match=r"idea #2 of ACME-2026/pre-1 was merged into "
                                               "another idea; an import does not undo a merge"):
        import_document(store, replace(doc, sessions=(replace(session, ideas=ideas),)),
                        actor="tester")
    assert _audit_count(store) == audits
    assert sessions.session_by_id(store, session_id) == before


def test_a_merge_into_an_idea_merged_in_the_database_is_refused(store: Store) -> None:
    session_id = _run_a_session(store)
    audits = _audit_count(store)
    doc = _without_merges(export_engagement(store, "ACME-2026"))
    (session,) = doc.sessions
    # The file does not say idea 2 is merged (the database does) and merges idea 4 into it.
    into_two = replace(session.ideas[3], merged_into=2)
    ideas = (*session.ideas[:3], into_two)
    with pytest.raises(ValidationFailed, match=r"idea #4 of ACME-2026/pre-1 would be merged "
                                               r"into #2, which was itself merged"):
        import_document(store, replace(doc, sessions=(replace(session, ideas=ideas),)),
                        actor="tester")
    assert _audit_count(store) == audits
    assert sessions.session_by_id(store, session_id).ideas[3].merged_into is None


def test_changed_settings_are_conflicts_taken_on_overwrite_and_focus_is_kept(
    store: Store,
) -> None:
    session_id = _run_a_session(store)
    audits = _audit_count(store)
    doc = export_engagement(store, "ACME-2026")
    (session,) = doc.sessions
    changed = replace(doc, sessions=(replace(
        session, time_box_minutes=30, prompt_minutes=3, dots_per_participant=5,
        decks=("triz",), components=()),))
    with pytest.raises(ImportRefused) as refused:
        import_document(store, changed, actor="tester")
    assert [line.split(": ")[1] for line in refused.value.lines] == [
        "sessions[0].time_box_minutes", "sessions[0].prompt_minutes",
        "sessions[0].dots_per_participant", "sessions[0].decks"]
    assert _audit_count(store) == audits
    report = import_document(store, changed, actor="tester", policy=Policy.OVERWRITE)
    assert report.outcomes["session updated"] == 1
    view = sessions.session_by_id(store, session_id)
    # An empty list in the file never clears the components in focus.
    assert (view.time_box_minutes, view.prompt_minutes, view.dots_per_participant,
            view.decks, view.components) == (30, 3, 5, ("triz",), ("bms-fw",))
    assert _audit_count(store) == audits + 1  # one "overwrite" record for the settings


def _two_sittings(store: Store) -> int:
    from datetime import UTC, datetime, timedelta

    session_id = _run_a_session(store)
    nine = datetime(2026, 2, 10, 9, 0, 0, 123456, tzinfo=UTC)
    sessions.start_session(store, session_id, actor="tester", now=nine)
    sessions.end_session(store, session_id, actor="tester", now=nine + timedelta(minutes=62))
    sessions.start_session(store, session_id, actor="tester", now=nine + timedelta(days=1))
    sessions.end_session(store, session_id, actor="tester",
                         now=nine + timedelta(days=1, minutes=30))
    return session_id


def test_sittings_travel_in_the_file_and_a_fresh_database_gets_them(
    store: Store, tmp_path: Path,
) -> None:
    session_id = _two_sittings(store)
    held = sessions.session_by_id(store, session_id)
    text = dump_document(export_engagement(store, "ACME-2026"))
    assert "sittings:" in text and "started_at: '2026-02-10T09:00:00.123456+00:00'" in text
    report = import_document(store, parse_document(text, "again.yaml"), actor="tester")
    assert not report.changed, report.summary()
    other = open_store(str(tmp_path / "other.db"))
    try:
        import_document(other, parse_document(text, "a.yaml"), actor="tester")
        moved = sessions.get_session(other, "ACME-2026/pre-1")
        assert moved.sittings == held.sittings
        assert (moved.status, moved.started_at, moved.ended_at) == (
            "ended", held.started_at, held.ended_at)
        # Reopened there, the new sitting comes back here as sitting 3.
        sessions.start_session(other, moved.id, actor="tester")
        later = dump_document(export_engagement(other, "ACME-2026"))
    finally:
        other.dispose()
    report = import_document(store, parse_document(later, "later.yaml"), actor="tester")
    assert report.changed
    back = sessions.session_by_id(store, session_id)
    assert back.sittings[:2] == held.sittings and len(back.sittings) == 3
    assert back.status == "running" and back.sittings[2].ended_at is None


def test_a_file_without_sittings_reads_and_keeps_the_stored_ones(store: Store) -> None:
    session_id = _two_sittings(store)
    held = sessions.session_by_id(store, session_id)
    exported = export_engagement(store, "ACME-2026")
    older = replace(exported, sessions=tuple(replace(s, sittings=()) for s in exported.sessions))
    text = dump_document(older)
    assert "sittings" not in text and "started_at" not in text
    assert parse_document(text, "old.yaml").sessions[0].sittings == ()
    report = import_document(store, parse_document(text, "old.yaml"), actor="tester")
    assert not report.changed, report.summary()
    assert sessions.session_by_id(store, session_id).sittings == held.sittings


def test_a_file_that_rewrites_a_sitting_is_refused_and_nothing_is_written(
    store: Store,
) -> None:
    from datetime import timedelta

    session_id = _two_sittings(store)
    held = sessions.session_by_id(store, session_id)
    exported = export_engagement(store, "ACME-2026")
    (doc_session,) = exported.sessions
    first = doc_session.sittings[0]
    moved = replace(first, ended_at=first.ended_at + timedelta(hours=1))  # type: ignore[operator]
    changed = replace(exported, sessions=(replace(
        doc_session, sittings=(moved, *doc_session.sittings[1:])),))
    before = _audit_count(store)
    with pytest.raises(ImportRefused, match="never rewritten"):
        import_document(store, parse_document(dump_document(changed), "x.yaml"),
                        actor="tester")
    assert _audit_count(store) == before
    assert sessions.session_by_id(store, session_id).sittings == held.sittings


@pytest.mark.parametrize("sittings, message", [
    ("[{started_at: '2026-02-10 09:00'}]", "offset from UTC"),
    ("[{started_at: '2026-02-10T09:00Z', ended_at: '2026-02-10T08:00Z'}]",
     "is before started_at"),
    ("[{started_at: '2026-02-10T09:00Z'}, {started_at: '2026-02-11T09:00Z'}]",
     "only the last sitting"),
    ("[{started_at: '2026-02-10T09:00Z', ended_at: '2026-02-10T10:00Z'}, "
     "{started_at: '2026-02-10T09:30Z'}]", "before the previous sitting ended"),
])
def test_bad_sittings_are_reported_with_their_place(
    store: Store, sittings: str, message: str,
) -> None:
    _run_a_session(store)
    text = dump_document(export_engagement(store, "ACME-2026"))
    text = text.replace("  ideas:\n", f"  sittings: {sittings}\n  ideas:\n", 1)
    assert "sittings:" in text
    with pytest.raises(InterchangeError) as failed:
        parse_document(text, "bad.yaml")
    assert message in str(failed.value) and "sittings[" in str(failed.value)
