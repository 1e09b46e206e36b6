"""Sessions run in the app write out to `firstfile/1` and read back unchanged."""

from __future__ import annotations

from pathlib import Path

from firstfile.interchange.reader import parse_document
from firstfile.interchange.writer import dump_document
from firstfile.services import sessions
from firstfile.services.importer import import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store, open_store
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
        assert [i.status for i in view.ideas] == ["open", "parked", "promoted", "parked"]
        assert [i.authors for i in view.ideas][2] == ("jdoe",)
    finally:
        other.dispose()
