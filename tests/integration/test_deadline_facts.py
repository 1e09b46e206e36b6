"""The facts the deadline engine reads, stored and used on real databases: priority claims on
events, the US flag, vendor NDA dates, the migration that adds them, and the CLI that records
them (refusing what the engine cannot read, with nothing written)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.interchange import dump_document, parse_document
from firstfile.services import counsel, vendors
from firstfile.services.disclosures import create_disclosure, get_disclosure, update_disclosure
from firstfile.services.errors import UserError, ValidationFailed
from firstfile.services.importer import import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from firstfile.storage.tables import AuditEvent, DisclosureEvent
from tests.factories import seed_basics

runner = CliRunner()
AS_OF = date(2026, 6, 1)


def _draft(**changes: object) -> DisclosureDraft:
    values: dict[str, object] = {
        "title": "Pulse balancing",
        "summary": "Balances cells with short pulses.",
        "engagement_key": "ACME-2026",
        "inventors": (InventorEntry("jdoe", "inventor", 60), InventorEntry("wli", "inventor", 40)),
    }
    values.update(changes)
    return DisclosureDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_basics(store)
    return store


def _db(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _counts(store: Store) -> tuple[int, int]:
    with store.read() as db:
        events = db.execute(select(func.count()).select_from(DisclosureEvent)).scalar_one()
        audits = db.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return int(events), int(audits)


def test_claims_and_restored_are_stored_and_read_back(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    counsel.add_event(seeded, key, EventView("provisional-filed", date(2026, 1, 15), "US",
                                             "63/500"), actor="counsel")
    late = EventView("pct-filed", date(2027, 2, 10), "us", "PCT/US2027/9",
                     claims_priority_of=("63/500",), restored=True)
    view = counsel.add_event(seeded, key, late, actor="counsel")
    stored = view.events[1]
    assert (stored.jurisdiction, stored.claims_priority_of, stored.restored) == (
        "US", ("63/500",), True)
    rows = counsel.docket(seeded, as_of=date(2027, 3, 1))
    benefit = next(r for r in rows if r.disclosure == key and r.deadline.rule ==
                   "us-nonprovisional")
    assert benefit.deadline.state == "met" and "restored on petition" in benefit.deadline.note


@pytest.mark.parametrize(("event", "message"), [
    (EventView("nonprovisional-filed", date(2026, 5, 1)), "names its office"),
    (EventView("public-disclosure", date(1926, 5, 1)), "before 1980"),
    (EventView("provisional-filed", date(2026, 5, 1), "EP"), "US provisional"),
    (EventView("pct-filed", date(2026, 5, 1), "US", claims_priority_of=("63/404",)),
     "no filing with the reference '63/404'"),
    (EventView("nonprovisional-filed", date(2026, 5, 1), "US", restored=True),
     "name the claimed filing"),
])
def test_events_the_engine_cannot_read_are_refused_and_nothing_is_written(
    seeded: Store, event: EventView, message: str
) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    before = _counts(seeded)
    with pytest.raises(ValidationFailed, match=message):
        counsel.add_event(seeded, key, event, actor="counsel")
    assert _counts(seeded) == before


def test_made_in_us_is_kept_on_the_disclosure_and_starts_the_licence_rule(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(made_in_us=True, completed_in_china=True),
                            actor="jdoe").key
    view = get_disclosure(seeded, key)
    assert view.made_in_us
    counsel.add_event(seeded, key, EventView("public-disclosure", date(2026, 11, 2)),
                      actor="counsel")
    rules = {r.deadline.rule for r in counsel.docket(seeded, as_of=AS_OF)}
    assert {"us-foreign-filing-licence", "cn-confidentiality-exam",
            "us-cn-filing-conflict"} <= rules
    update_disclosure(seeded, key, _draft(made_in_us=False, completed_in_china=True),
                      actor="jdoe", expected_version=get_disclosure(seeded, key).version)
    assert not get_disclosure(seeded, key).made_in_us


def test_vendor_nda_term_is_recorded_audited_and_gives_its_row(seeded: Store) -> None:
    view = vendors.set_vendor_nda(seeded, "sz-pcba", signed_on=date(2026, 1, 10),
                                  term_months=12, actor="counsel")
    # 2026-01-10 + 12 months = 2027-01-10
    assert (view.nda_signed_on, view.nda_expires_on) == (date(2026, 1, 10), date(2027, 1, 10))
    with pytest.raises(UserError, match="cannot expire"):
        vendors.set_vendor_nda(seeded, "sz-pcba", signed_on=date(2026, 1, 10),
                               expires_on=date(2025, 1, 10), actor="counsel")
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    counsel.add_event(seeded, key, EventView("vendor-disclosure-nda", date(2026, 3, 1), "CN",
                                             "sz-pcba"), actor="counsel")
    row = next(r for r in counsel.docket(seeded, as_of=AS_OF)
               if r.deadline.rule == "vendor-nda-expiry")
    assert (row.deadline.due, row.deadline.state) == (date(2027, 1, 10), "open")
    with seeded.read() as db:
        changes = db.execute(select(AuditEvent.changes).where(AuditEvent.entity_key == "sz-pcba")
                             .order_by(AuditEvent.id.desc())).scalars().first()  # type: ignore[union-attr]
    assert "nda_expires_on" in json.dumps(changes)
    cleared = vendors.set_vendor_nda(seeded, "sz-pcba", signed_on=None, expires_on=None,
                                     actor="counsel")
    assert cleared.nda_expires_on is None


def test_the_fields_survive_export_and_import_into_another_database(
    seeded: Store, tmp_path: Path
) -> None:
    vendors.set_vendor_nda(seeded, "sz-pcba", signed_on=date(2026, 1, 10),
                           expires_on=date(2029, 1, 10), actor="counsel")
    key = create_disclosure(seeded, _draft(made_in_us=True), actor="jdoe").key
    counsel.add_event(seeded, key, EventView("provisional-filed", date(2026, 1, 15), "",
                                             "63/500"), actor="counsel")
    counsel.add_event(seeded, key, EventView("pct-filed", date(2027, 2, 10), "US", "PCT/1",
                                             claims_priority_of=("63/500",), restored=True),
                      actor="counsel")
    doc = export_engagement(seeded, "ACME-2026")
    text = dump_document(doc, "yaml")
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_document(other, parse_document(text, "acme.yaml"), actor="tester")
        again = export_engagement(other, "ACME-2026")
        assert again == doc
        pct = get_disclosure(other, key).events[1]
        assert (pct.claims_priority_of, pct.restored) == (("63/500",), True)
        assert get_disclosure(other, key).made_in_us
    finally:
        other.dispose()


def test_upgrading_a_0003_database_with_data_keeps_it_and_adds_the_defaults(db_url: str) -> None:
    from alembic import command

    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    with old.write() as db:
        db.execute(text(
            "INSERT INTO vendor (key, name, kind, country, competitors, notes) VALUES "
            "('sz-pcba', 'Shenzhen PCBA Co.', 'contract-manufacturer', 'CN', '', '')"))
        db.execute(text(
            "INSERT INTO disclosure (key, title, status, phase, submitter, business_unit, "
            "summary, problem, description, variants, advantages, prior_art, prototype_exists, "
            "records_location, third_parties, jurisdictions, completed_in_china, joint, "
            "source_prompt_id, german_employee_invention, decision, decision_rationale, "
            "reviewer_notes, created_at, updated_at, version) VALUES ('FF-2025-0001', 'Potting', "
            "'draft', '', '', '', '', '', '', '', '', '', false, '', '', 'US, EP', false, false, "
            "'', false, '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
        db.execute(text(
            "INSERT INTO disclosureevent (disclosure_id, kind, happened_on, jurisdiction, "
            "reference, note) SELECT id, 'pct-filed', '2025-03-03', 'US', 'PCT/1', '' "
            "FROM disclosure"))
    old.dispose()
    store = open_store(db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        view = get_disclosure(store, "FF-2025-0001")
        assert view.made_in_us is False
        assert (view.events[0].claims_priority_of, view.events[0].restored) == ((), False)
        assert vendors.get_vendor(store, "sz-pcba").nda_expires_on is None
        rows = counsel.docket(store, as_of=date(2025, 4, 1))
        # Designated US and EP: 2025-03-03 + 30 months = Fri 2027-09-03 (US)
        us = next(r for r in rows if r.deadline.rule == "pct-national-phase")
        assert (us.deadline.jurisdiction, us.deadline.due) == ("US", date(2027, 9, 3))
    finally:
        store.dispose()


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_records_claims_and_refuses_a_filing_without_office(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    db = _db(seeded)
    code, _, err = _invoke("review", "event-add", key, "provisional-filed", "2026-01-15",
                           "--reference", "63/500", "--db", db)
    assert code == 0, err
    code, out, err = _invoke("review", "event-add", key, "nonprovisional-filed", "2027-02-10",
                             "-j", "US", "--claims-priority-of", "63/500", "--restored",
                             "--db", db)
    assert code == 0, err
    assert get_disclosure(seeded, key).events[1].claims_priority_of == ("63/500",)
    before = _counts(seeded)
    code, _, err = _invoke("review", "event-add", key, "nonprovisional-filed", "2027-02-11",
                           "--db", db)
    assert code != 0 and "names its office" in err
    assert _counts(seeded) == before
    code, out, err = _invoke("deadlines", "--json", "--as-of", "2027-03-01", "--db", db)
    assert code == 0, err
    rows = json.loads(out)
    assert all({"rule", "jurisdiction", "due", "state", "basis", "note", "source", "planned"}
               <= set(row) for row in rows)
    assert {row["planned"] for row in rows} == {False}


def test_cli_sets_a_vendor_nda(seeded: Store) -> None:
    db = _db(seeded)
    code, out, err = _invoke("vendors", "nda", "sz-pcba", "--signed", "2026-02-20",
                             "--term-months", "36", "--db", db)
    assert code == 0, err
    # 2026-02-20 + 36 months = 2029-02-20
    assert "expires 2029-02-20" in out
    code, out, _ = _invoke("vendors", "list", "--json", "--db", db)
    assert json.loads(out)[0]["nda_expires_on"] == "2029-02-20"
    code, _, err = _invoke("vendors", "nda", "sz-pcba", "--signed", "2026-02-20",
                           "--expires", "2025-01-01", "--db", db)
    assert code != 0 and "cannot expire" in err
    assert vendors.get_vendor(seeded, "sz-pcba").nda_expires_on == date(2029, 2, 20)
    code, out, _ = _invoke("vendors", "nda", "sz-pcba", "--clear", "--db", db)
    assert code == 0 and "no NDA dates" in out
