"""Importing a file again never reverts what was recorded in firstfile since it was written.

The merge rule (docs/FORMAT.md, "Importing into a database that already holds the records"):
a field the file leaves out is kept, a blank field is filled, a different value is a conflict
that stops the import unless --overwrite; status never goes back, events are only added,
deleted records and records of another engagement are left alone.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from firstfile.domain.views import EventView
from firstfile.interchange.reader import parse_document
from firstfile.services import counsel, disclosures, engagements, sessions
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from tests.unit.interchange_cases import line_of

TODAY = date(2026, 11, 27)

FILE = """\
format: firstfile/1
engagement:
  key: acme-2026
  name: Acme controller build
  product: Motor controller MC-3
  phase: pre
people:
  - key: jdoe
    name: Jane Doe
  - key: rsmith
    name: Raj Smith
components:
  - key: motor-fw
    name: Motor control firmware
    value_add: 5
    differentiation: 4
    reverse_engineering_difficulty: 3
sessions:
  - key: pre-1
    title: Pre-engagement extraction
    phase: pre
    date: 2026-03-02
    facilitator: jdoe
    participants: [jdoe, rsmith]
    ideas:
      - text: Sensorless start-up from back-EMF
        author: jdoe
        votes: 2
disclosures:
  - key: FF-2026-0001
    title: Sensorless start-up of a BLDC motor
    summary: Start without Hall sensors.
    conception_date: 2026-03-02
    status: submitted
    submitter: jdoe
    inventors:
      - person: jdoe
        contribution: 60
      - person: rsmith
        contribution: 40
    events:
      - kind: vendor-disclosure-nda
        date: 2026-03-10
        jurisdiction: CN
    components: [motor-fw]
  - key: FF-2026-0002
    title: Dead-time compensation from phase current
    summary: Compensates dead time.
    business_unit: Drives
    status: draft
    inventors:
      - person: rsmith
"""

OTHER_ENGAGEMENT = """\
format: firstfile/1
engagement:
  key: other-2026
  name: Another engagement
people:
  - key: jdoe
    name: Jane Doe
disclosures:
  - key: FF-2026-0001
    title: Sensorless start-up of a BLDC motor
"""


def _load(store: Store, text: str = FILE, source: str = "acme.yaml", **options: object):  # type: ignore[no-untyped-def]
    return import_document(store, parse_document(text, source, today=TODAY), actor="tester",
                           source=source, **options)  # type: ignore[arg-type]


def _audits(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as db:
        return [tuple(r) for r in db.execute(  # type: ignore[misc]
            select(AuditEvent.entity_key, AuditEvent.action, AuditEvent.changes)
            .order_by(AuditEvent.id)).all()]


def _audit_count(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _counsel_files_it(store: Store, key: str = "FF-2026-0001") -> None:
    counsel.move_status(store, key, "in-review", actor="counsel")
    counsel.record_decision(store, key, "file-provisional",
                            "Shown at a trade show soon; secure the US date.", actor="counsel",
                            today=TODAY)
    counsel.move_status(store, key, "filed", actor="counsel")
    counsel.add_event(store, key, EventView("provisional-filed", date(2026, 4, 1), "US",
                                            "US 63/000,001"), actor="counsel")


def test_a_filed_disclosure_stays_filed_with_counsels_events(store: Store) -> None:
    _load(store)
    _counsel_files_it(store)
    before = disclosures.get_disclosure(store, "FF-2026-0001")
    audits = _audit_count(store)
    report = _load(store)
    after = disclosures.get_disclosure(store, "FF-2026-0001")
    assert after.status == "filed"
    assert [e.kind for e in after.events] == ["vendor-disclosure-nda", "provisional-filed"]
    assert after == before
    assert counsel.review_state(store, "FF-2026-0001").decision == "file-provisional"
    assert _audit_count(store) == audits, report.summary()


def test_events_recorded_in_firstfile_are_kept_and_new_file_events_added(store: Store) -> None:
    _load(store)
    counsel.add_event(store, "FF-2026-0002", EventView("public-disclosure", date(2026, 5, 1),
                                                       "US", "Trade show"), actor="counsel")
    text = FILE.replace("    inventors:\n      - person: rsmith\n",
                        "    inventors:\n      - person: rsmith\n"
                        "    events:\n      - kind: offer-for-sale\n        date: 2026-06-01\n")
    report = _load(store, text)
    kinds = [e.kind for e in disclosures.get_disclosure(store, "FF-2026-0002").events]
    assert kinds == ["public-disclosure", "offer-for-sale"]
    assert report.outcomes["disclosure updated"] == 1


def test_a_submitted_disclosure_is_not_sent_back_to_draft(store: Store) -> None:
    _load(store)
    text = FILE.replace("    status: submitted\n", "    status: draft\n")
    _load(store, text)
    assert disclosures.get_disclosure(store, "FF-2026-0001").status == "submitted"


def test_a_draft_is_submitted_by_the_file_only_when_it_never_was(store: Store) -> None:
    draft_file = FILE.replace("    status: submitted\n", "    status: draft\n")
    _load(store, draft_file)
    _load(store)
    assert disclosures.get_disclosure(store, "FF-2026-0001").status == "submitted"
    # Counsel sends it back for more detail; the old file does not resubmit it.
    counsel.move_status(store, "FF-2026-0001", "draft", actor="counsel")
    report = _load(store)
    assert disclosures.get_disclosure(store, "FF-2026-0001").status == "draft"
    assert any("sent back to draft" in note for note in report.notes), report.notes


def test_a_disclosure_of_another_engagement_is_refused_and_nothing_written(
    store: Store,
) -> None:
    from firstfile.services.importer import ImportRefused

    _load(store)
    before = disclosures.get_disclosure(store, "FF-2026-0001")
    audits = _audit_count(store)
    with pytest.raises(ImportRefused) as refused:
        _load(store, OTHER_ENGAGEMENT, "other.yaml")
    line = line_of(OTHER_ENGAGEMENT, "key: FF-2026-0001")
    assert any(
        c.startswith(f"other.yaml:{line}: disclosures[0]: FF-2026-0001: it belongs to the "
                     "engagement acme-2026 in the database")
        for c in refused.value.lines), refused.value.lines
    assert disclosures.get_disclosure(store, "FF-2026-0001") == before
    assert _audit_count(store) == audits  # not even the new engagement was written


def test_a_deleted_disclosure_is_left_alone(store: Store) -> None:
    _load(store)
    disclosures.delete_disclosure(store, "FF-2026-0002", actor="tester")
    before = disclosures.get_disclosure(store, "FF-2026-0002")
    text = FILE.replace("Compensates dead time.", "Compensates dead time better.")
    report = _load(store, text)
    assert disclosures.get_disclosure(store, "FF-2026-0002") == before
    assert report.outcomes["disclosure skipped"] == 1
    assert any("FF-2026-0002: it is deleted" in note for note in report.notes)


def test_a_field_left_out_of_the_file_is_kept(store: Store) -> None:
    _load(store)
    text = FILE.replace("    business_unit: Drives\n", "")
    report = _load(store, text)
    assert disclosures.get_disclosure(store, "FF-2026-0002").business_unit == "Drives"
    assert not report.changed


def test_a_blank_field_is_filled_from_the_file(store: Store) -> None:
    _load(store, FILE.replace("    business_unit: Drives\n", ""))
    report = _load(store)
    assert disclosures.get_disclosure(store, "FF-2026-0002").business_unit == "Drives"
    assert report.outcomes["disclosure updated"] == 1


def test_a_conflicting_field_is_reported_and_nothing_is_written(store: Store) -> None:
    from firstfile.services.importer import ImportRefused

    _load(store)
    view = disclosures.get_disclosure(store, "FF-2026-0002")
    draft = replace(disclosures.view_to_draft(view), summary="Compensates dead time, measured.")
    disclosures.update_disclosure(store, "FF-2026-0002", draft, actor="jdoe")
    before = disclosures.get_disclosure(store, "FF-2026-0002")
    audits = _audit_count(store)
    text = FILE.replace("Sensorless start-up from back-EMF", "Sensorless start from back-EMF")
    with pytest.raises(ImportRefused) as refused:
        _load(store, text)
    line = line_of(FILE, "summary: Compensates dead time.")
    assert refused.value.lines == [
        f"acme.yaml:{line_of(FILE, 'text: Sensorless start-up')}: sessions[0].ideas[0].text: "
        "acme-2026/pre-1#1: the database has 'Sensorless start-up from back-EMF', the file "
        "says 'Sensorless start from back-EMF'",
        f"acme.yaml:{line}: disclosures[1].summary: FF-2026-0002: the database has "
        "'Compensates dead time, measured.', the file says 'Compensates dead time.'",
    ]
    assert disclosures.get_disclosure(store, "FF-2026-0002") == before
    assert _audit_count(store) == audits


def test_overwrite_takes_the_files_values_and_audits_them(store: Store) -> None:
    from firstfile.services.importer import Policy

    _load(store)
    view = disclosures.get_disclosure(store, "FF-2026-0002")
    draft = replace(disclosures.view_to_draft(view), summary="Compensates dead time, measured.")
    disclosures.update_disclosure(store, "FF-2026-0002", draft, actor="jdoe")
    report = _load(store, policy=Policy.OVERWRITE)
    assert disclosures.get_disclosure(store, "FF-2026-0002").summary == "Compensates dead time."
    assert report.outcomes["disclosure updated"] == 1
    key, action, changes = _audits(store)[-1]
    assert (key, action) == ("FF-2026-0002", "overwrite")
    assert json.loads(changes) == {"summary": ["Compensates dead time, measured.",
                                               "Compensates dead time."]}


def test_overwrite_never_moves_status_back_nor_removes_events(store: Store) -> None:
    from firstfile.services.importer import Policy

    _load(store)
    _counsel_files_it(store)
    text = FILE.replace("Start without Hall sensors.", "Starts without Hall sensors.")
    _load(store, text, policy=Policy.OVERWRITE)
    after = disclosures.get_disclosure(store, "FF-2026-0001")
    assert (after.status, after.summary) == ("filed", "Starts without Hall sensors.")
    assert [e.kind for e in after.events] == ["vendor-disclosure-nda", "provisional-filed"]


def test_overwrite_never_clears_a_value(store: Store) -> None:
    from firstfile.services.importer import Policy

    _load(store)
    text = FILE.replace("    business_unit: Drives\n", '    business_unit: ""\n')
    report = _load(store, text, policy=Policy.OVERWRITE)
    assert disclosures.get_disclosure(store, "FF-2026-0002").business_unit == "Drives"
    assert any("never clears" in note for note in report.notes)


def test_a_status_ahead_of_the_database_is_refused_even_with_overwrite(store: Store) -> None:
    from firstfile.services.importer import ImportRefused, Policy

    _load(store)
    text = FILE.replace("    status: submitted\n", "    status: filed\n")
    with pytest.raises(ImportRefused, match="firstfile review move"):
        _load(store, text, policy=Policy.OVERWRITE)
    assert disclosures.get_disclosure(store, "FF-2026-0001").status == "submitted"


def test_the_engagement_phase_is_not_moved_back(store: Store) -> None:
    _load(store)
    engagements.change_phase(store, "acme-2026", "during", actor="tester")
    _load(store)
    assert engagements.engagement_overview(store, "acme-2026", today=TODAY).phase == "during"


def test_keep_takes_the_databases_side_of_every_conflict(store: Store) -> None:
    from firstfile.services.importer import Policy

    _load(store)
    session = sessions.get_session(store, "acme-2026/pre-1")
    sessions.vote(store, session.ideas[0].id, "rsmith", actor="tester")
    view = disclosures.get_disclosure(store, "FF-2026-0002")
    draft = replace(disclosures.view_to_draft(view), summary="Compensates dead time, measured.")
    disclosures.update_disclosure(store, "FF-2026-0002", draft, actor="jdoe")
    audits = _audit_count(store)
    report = _load(store, policy=Policy.KEEP)
    assert report.kept == 2 and not report.changed
    assert _audit_count(store) == audits
    assert sessions.get_session(store, "acme-2026/pre-1").ideas[0].votes == 3


def _cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from firstfile.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_demo_again_is_harmless_after_counsel_worked_on_the_samples(store: Store) -> None:
    code, out, err = _cli("demo", "--no-tui", "--db", _url(store))
    assert code == 0, err
    submitted = [v.key for v in disclosures.all_views(store) if v.status == "submitted"]
    key = submitted[0]
    _counsel_files_it(store, key)
    other = next(v for v in disclosures.all_views(store) if v.status == "draft")
    edited = replace(disclosures.view_to_draft(other), summary="Rewritten by the inventor.")
    disclosures.update_disclosure(store, other.key, edited, actor="jdoe")
    before = disclosures.all_views(store)
    audits = _audit_count(store)
    code, out, err = _cli("demo", "--no-tui", "--db", _url(store))
    assert code == 0, err
    assert "Traceback" not in err
    assert disclosures.all_views(store) == before
    assert _audit_count(store) == audits
    assert "kept as changed in firstfile" in out
    filed = disclosures.get_disclosure(store, key)
    assert filed.status == "filed" and "provisional-filed" in [e.kind for e in filed.events]


def test_the_import_command_lists_conflicts_and_exits_non_zero(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "acme.yaml"
    path.write_text(FILE, encoding="utf-8")
    assert _cli("import", str(path), "--db", _url(store))[0] == 0
    view = disclosures.get_disclosure(store, "FF-2026-0002")
    draft = replace(disclosures.view_to_draft(view), summary="Compensates dead time, measured.")
    disclosures.update_disclosure(store, "FF-2026-0002", draft, actor="jdoe")
    audits = _audit_count(store)
    code, out, err = _cli("import", str(path), "--db", _url(store))
    assert code == 1
    line = line_of(FILE, "summary: Compensates dead time.")
    assert (f"  acme.yaml:{line}: disclosures[1].summary: FF-2026-0002: the database has "
            "'Compensates dead time, measured.', the file says 'Compensates dead time.'") in err
    assert "--overwrite" in err and _audit_count(store) == audits
    code, out, err = _cli("import", str(path), "--overwrite", "--db", _url(store))
    assert code == 0, err
    assert disclosures.get_disclosure(store, "FF-2026-0002").summary == "Compensates dead time."


def test_two_files_that_disagree_on_a_person_are_refused_together(store: Store,
                                                                   tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "acme.yaml"
    first.write_text(FILE, encoding="utf-8")
    second = tmp_path / "other.yaml"
    second.write_text(OTHER_ENGAGEMENT.replace("FF-2026-0001", "FF-2026-0009")
                      .replace("name: Jane Doe", "name: Jane Roe"), encoding="utf-8")
    code, _, err = _cli("import", str(first), str(second), "--db", _url(store))
    assert code == 1
    assert (f"other.yaml:{line_of(OTHER_ENGAGEMENT, 'key: jdoe')}: people[0]: the person jdoe "
            f"differs from acme.yaml:{line_of(FILE, 'key: jdoe')}: people[0]") in err
    assert disclosures.count(store) == 0


def test_files_held_one_at_a_time_are_still_checked_together(store: Store,
                                                             tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The import lets go of each file after checking it; what later files are compared with
    # (keys and where they are) is kept, and a bad file after good ones still stops the lot.
    first = tmp_path / "acme.yaml"
    first.write_text(FILE, encoding="utf-8")
    second = tmp_path / "other.yaml"
    second.write_text(OTHER_ENGAGEMENT, encoding="utf-8")
    third = tmp_path / "broken.yaml"
    third.write_text("format: firstfile/1\nengagement: [\n", encoding="utf-8")
    code, _, err = _cli("import", str(first), str(second), str(third), "--db", _url(store))
    assert code == 1
    assert (f"other.yaml:{line_of(OTHER_ENGAGEMENT, 'key: FF-2026-0001')}: "
            f"disclosures[0].key: FF-2026-0001 is also in "
            f"acme.yaml:{line_of(FILE, 'key: FF-2026-0001')}: disclosures[0].key") in err
    assert "broken.yaml:" in err
    assert disclosures.count(store) == 0
