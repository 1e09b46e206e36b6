"""Engagement services on real databases, with the sample engagements for realistic data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.services import engagements as svc
from firstfile.services import risk
from firstfile.services.errors import Conflict, NotFound, UserError
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent

BMS = "bms48-shenzhen"
AQ7 = "aq7-second-cm"
NNN = {"nnn-non-disclosure", "nnn-non-use", "nnn-non-circumvention", "nnn-local-law"}


def import_samples(store: Store) -> None:
    for path in sorted(sample_sessions().glob("*.yaml")):
        import_document(store, read_document(path), actor="seed")


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    return store


def audit_rows(store: Store, entity: str, key: str) -> list[AuditEvent]:
    with store.read() as db:
        return list(db.execute(select(AuditEvent).where(
            AuditEvent.entity == entity, AuditEvent.entity_key == key)
            .order_by(AuditEvent.id)).scalars())


def item_ids(store: Store, engagement: str, vendor: str) -> set[str]:
    return {line.item.id for line in svc.vendor_checklist(store, engagement, vendor).lines}


def test_a_vendor_in_china_gets_nnn_and_vendors_in_mexico_and_the_us_do_not(
    samples: Store,
) -> None:
    assert item_ids(samples, BMS, "huaxin-pcba") >= NNN
    for vendor in ("tlaquepaque-ems", "northbridge-emc"):
        chosen = item_ids(samples, AQ7, vendor)
        assert not chosen & NNN and "nda" in chosen


def test_competitor_terms_follow_the_imported_competitors(samples: Store) -> None:
    assert "field-of-business" in item_ids(samples, AQ7, "bayan-ems")  # serves Aerosense
    assert "field-of-business" not in item_ids(samples, AQ7, "tlaquepaque-ems")


def test_the_sample_cross_checks(samples: Store) -> None:
    flags = svc.cross_checks(samples, engagement_key=BMS)
    # Huaxin holds every part of cell balancing (afe-board, bms-firmware, eol-station): on the
    # engagement and on each disclosure about a part of it.
    assert {(f.kind, f.vendor_key, f.disclosure_key) for f in flags} == {
        ("joint-ip-not-agreed", "huaxin-pcba", "FF-2026-0002"),
        ("competitor-not-restricted", "huaxin-pcba", ""),
        ("could-reproduce", "huaxin-pcba", ""),
        ("could-reproduce", "huaxin-pcba", "FF-2026-0002"),
        ("could-reproduce", "huaxin-pcba", "FF-2026-0003"),
        ("could-reproduce", "huaxin-pcba", "FF-2026-0004"),
    }
    assert [f.kind for f in svc.disclosure_flags(samples, "FF-2026-0002")] == [
        "could-reproduce", "joint-ip-not-agreed"]
    # About the estimator only: not joint, not part of the set.
    assert svc.disclosure_flags(samples, "FF-2026-0001") == []


def test_completing_the_joint_ip_item_clears_the_disclosure_flag(samples: Store) -> None:
    svc.update_item(samples, BMS, "huaxin-pcba", "joint-ip-ownership",
                    svc.ItemUpdate(status="done", evidence="NNN of 2026-02-20, clause 7"),
                    actor="maria", today=date(2026, 3, 1))
    assert [f.kind for f in svc.disclosure_flags(samples, "FF-2026-0002")] == [
        "could-reproduce"]
    svc.update_item(samples, BMS, "huaxin-pcba", "exclusivity", svc.ItemUpdate(status="done"),
                    actor="maria")
    # What is left is the split: Huaxin still holds the whole of cell balancing.
    assert {f.kind for f in svc.cross_checks(samples, engagement_key=BMS)} == {
        "could-reproduce"}
    risk.unassign(samples, BMS, "bms-firmware", "huaxin-pcba", actor="maria")
    assert svc.cross_checks(samples, engagement_key=BMS) == []


def tlaquepaque_items(store: Store) -> list[AuditEvent]:
    """The checklist records of Tlaquepaque (the sample's Bayan safeguards are others)."""
    return [e for e in audit_rows(store, "agreement-item", AQ7)
            if json.loads(e.changes)["vendor"][0] == "tlaquepaque-ems"]


def test_an_item_update_keeps_status_evidence_date_and_who_with_an_audit_record(
    samples: Store,
) -> None:
    line = svc.update_item(
        samples, AQ7, "tlaquepaque-ems", "tooling",
        svc.ItemUpdate(status="done", evidence="MSA schedule C", internal_note="asked twice"),
        actor="rfischer", today=date(2026, 5, 4))
    assert (line.state.status, line.state.done_on, line.state.who) == (
        "done", date(2026, 5, 4), "rfischer")
    stored = svc.vendor_checklist(samples, AQ7, "tlaquepaque-ems")
    tooling = next(x for x in stored.lines if x.item.id == "tooling")
    assert tooling.state == line.state
    [event] = tlaquepaque_items(samples)
    changes = json.loads(event.changes)
    assert event.actor_name == "rfischer"
    assert changes["status"] == ["open", "done"]
    assert changes["evidence"] == ["", "MSA schedule C"]
    assert changes["item"] == ["tooling", "tooling"]
    assert changes["vendor"] == ["tlaquepaque-ems", "tlaquepaque-ems"]
    # The same update again changes nothing and writes no audit record.
    svc.update_item(samples, AQ7, "tlaquepaque-ems", "tooling",
                    svc.ItemUpdate(status="done"), actor="rfischer")
    assert len(tlaquepaque_items(samples)) == 1
    # Reopening clears the date.
    reopened = svc.update_item(samples, AQ7, "tlaquepaque-ems", "tooling",
                               svc.ItemUpdate(status="open"), actor="rfischer")
    assert reopened.state.done_on is None


def test_not_applicable_needs_a_reason_and_unknown_items_are_refused(samples: Store) -> None:
    with pytest.raises(UserError, match="reason"):
        svc.update_item(samples, AQ7, "northbridge-emc", "tooling",
                        svc.ItemUpdate(status="not-applicable"), actor="t")
    line = svc.update_item(samples, AQ7, "northbridge-emc", "tooling",
                           svc.ItemUpdate(status="not-applicable", reason="a test house, no "
                                          "moulds"), actor="t")
    assert line.state.reason.startswith("a test house")
    with pytest.raises(NotFound, match="not on northbridge-emc's checklist"):
        svc.update_item(samples, AQ7, "northbridge-emc", "nnn-non-use",
                        svc.ItemUpdate(status="done"), actor="t")
    with pytest.raises(NotFound, match="not a vendor on"):
        svc.update_item(samples, AQ7, "huaxin-pcba", "tooling", svc.ItemUpdate(status="done"),
                        actor="t")


def test_moving_to_during_with_open_critical_items_needs_a_recorded_override(
    samples: Store,
) -> None:
    svc.change_phase(samples, AQ7, "pre", actor="t")
    with pytest.raises(svc.PhaseBlocked) as blocked:
        svc.change_phase(samples, AQ7, "during", actor="rfischer")
    assert {b.vendor_key for b in blocked.value.blockers} == {
        "bayan-ems", "tlaquepaque-ems", "northbridge-emc"}
    assert svc.engagement_overview(samples, AQ7).phase == "pre"  # nothing changed

    change = svc.change_phase(samples, AQ7, "during", actor="rfischer", override=True,
                              reason="pilot build cannot wait")
    assert change.new == "during" and change.overridden
    event = audit_rows(samples, "engagement", AQ7)[-1]
    assert event.action == "phase-override" and event.actor_name == "rfischer"
    changes = json.loads(event.changes)
    assert changes["phase"] == ["pre", "during"]
    assert "bayan-ems:nda" in changes["open_critical_items"][1]
    assert changes["reason"] == [None, "pilot build cannot wait"]


def test_moving_to_during_needs_no_override_once_critical_items_are_settled(
    samples: Store,
) -> None:
    svc.change_phase(samples, AQ7, "pre", actor="t")
    for blocker in svc.engagement_overview(samples, AQ7).blockers:
        svc.update_item(samples, AQ7, blocker.vendor_key, blocker.item_id,
                        svc.ItemUpdate(status="done"), actor="t")
    change = svc.change_phase(samples, AQ7, "during", actor="t")
    assert change.overridden == ()
    assert audit_rows(samples, "engagement", AQ7)[-1].action == "change-phase"


def test_other_phase_moves_are_not_gated_and_bad_phases_refused(samples: Store) -> None:
    assert svc.change_phase(samples, BMS, "post", actor="t").new == "post"
    assert svc.change_phase(samples, BMS, "closed", actor="t").new == "closed"
    with pytest.raises(UserError, match="phase must be one of"):
        svc.change_phase(samples, BMS, "finished", actor="t")


def test_hand_ticked_steps_are_recorded_and_shown_in_the_guide(samples: Store) -> None:
    svc.tick_step(samples, BMS, "pre-where", actor="spatel", done_on=date(2026, 2, 2),
                  note="CN for assembly, TW for firmware")
    overview = svc.engagement_overview(samples, BMS, today=date(2026, 6, 1))
    where = next(s for p in overview.guide for s in p.steps if s.step.id == "pre-where")
    assert where.done and where.tick is not None and where.tick.note.startswith("CN for")
    assert audit_rows(samples, "engagement-step", BMS)[-1].action == "tick"
    assert svc.untick_step(samples, BMS, "pre-where", actor="spatel")
    overview = svc.engagement_overview(samples, BMS, today=date(2026, 6, 1))
    assert not next(s for p in overview.guide for s in p.steps if s.step.id == "pre-where").done
    with pytest.raises(UserError, match="worked out from the data"):
        svc.tick_step(samples, BMS, "pre-extract", actor="t")


def test_the_guide_is_derived_from_the_sample_data(samples: Store) -> None:
    overview = svc.engagement_overview(samples, BMS, today=date(2026, 6, 1))
    steps = {s.step.id: s for p in overview.guide for s in p.steps}
    assert steps["pre-extract"].done  # the sample holds a pre-engagement session
    assert not steps["during-session"].done
    # The estimator is decided to stay in-house and no vendor has it.
    assert steps["pre-firewall"].done
    assert steps["pre-firewall"].detail == "1 of 6 components kept in-house"
    # Huaxin holding the whole of cell balancing keeps the split undone.
    assert not steps["pre-split"].done and "cell balancing" in steps["pre-split"].detail
    risk.withdraw_decision(samples, BMS, "soc-estimator", actor="t")
    overview = svc.engagement_overview(samples, BMS, today=date(2026, 6, 1))
    assert not next(s for p in overview.guide for s in p.steps
                    if s.step.id == "pre-firewall").done


def test_vendor_crud_is_audited(store: Store) -> None:
    view = svc.create_vendor(store, key="acme-odm", name="ACME ODM Ltd.", kind="odm",
                             country="vn", competitors=["Rival Co", "Rival Co", ""],
                             notes="slow to quote", actor="t")
    assert (view.country, view.competitors) == ("VN", ("Rival Co",))
    with pytest.raises(Conflict):
        svc.create_vendor(store, key="acme-odm", name="Again", actor="t")
    with pytest.raises(UserError, match="kind must be"):
        svc.create_vendor(store, key="x", name="X", kind="bakery", actor="t")
    updated = svc.update_vendor(store, "acme-odm", svc.VendorChanges(country="TH"), actor="u")
    assert updated.country == "TH" and updated.notes == "slow to quote"
    actions = [(e.action, json.loads(e.changes)) for e in audit_rows(store, "vendor", "acme-odm")]
    assert actions[0][0] == "create" and actions[1] == ("update", {"country": ["VN", "TH"]})
    assert [v.key for v in svc.list_vendors(store)] == ["acme-odm"]
    svc.delete_vendor(store, "acme-odm", actor="t")
    assert svc.list_vendors(store) == []
    assert audit_rows(store, "vendor", "acme-odm")[-1].action == "delete"


def test_a_vendor_with_history_is_not_deleted(samples: Store) -> None:
    with pytest.raises(Conflict, match="still referred to"):
        svc.delete_vendor(samples, "huaxin-pcba", actor="t")
    huaxin = svc.get_vendor(samples, "huaxin-pcba")
    assert {c.key for c in huaxin.contacts} == {"chen-wei", "liu-yang"}
    assert huaxin.engagements == (BMS,)


def test_attaching_a_vendor_gives_it_a_checklist(samples: Store, tmp_path: Path) -> None:
    assert svc.attach_vendor(samples, AQ7, "gd-battery-lab", actor="t")
    assert not svc.attach_vendor(samples, AQ7, "gd-battery-lab", actor="t")
    assert item_ids(samples, AQ7, "gd-battery-lab") >= NNN
    assert svc.detach_vendor(samples, AQ7, "gd-battery-lab", actor="t")
    with pytest.raises(NotFound):
        svc.vendor_checklist(samples, AQ7, "gd-battery-lab")
