"""Counsel's use cases on real databases: moves, decisions, notes, events, queue and docket."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.services import counsel
from firstfile.services.disclosures import create_disclosure, delete_disclosure, get_disclosure
from firstfile.services.errors import Conflict, NotFound, ValidationFailed
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from tests.factories import seed_basics

TODAY = date(2026, 3, 2)


def _draft(**changes: object) -> DisclosureDraft:
    values: dict[str, object] = {
        "title": "Cell balancing by pulse injection",
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


def _audit_actions(store: Store, key: str) -> list[str]:
    with store.read() as db:
        return list(db.execute(select(AuditEvent.action).where(AuditEvent.entity_key == key)
                               .order_by(AuditEvent.id)).scalars())


def test_the_whole_path_with_decision_audit_and_next_actor(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    state = counsel.move_status(seeded, key, "submitted", actor="jdoe", today=TODAY)
    assert (state.status, state.next_actor, state.submitted_on) == ("submitted", "counsel", TODAY)
    assert state.joint_vendors == ("Shenzhen PCBA Co.",)
    counsel.move_status(seeded, key, "in-review", actor="counsel")
    state = counsel.record_decision(seeded, key, "file-provisional",
                                    "Shown at a trade show soon; secure the US date.",
                                    actor="counsel", today=TODAY)
    assert (state.status, state.decision, state.decided_on) == ("decided", "file-provisional",
                                                                TODAY)
    with pytest.raises(ValidationFailed, match="record the filing"):
        counsel.move_status(seeded, key, "closed", actor="counsel")
    counsel.move_status(seeded, key, "filed", actor="counsel")
    state = counsel.move_status(seeded, key, "closed", actor="counsel")
    assert (state.status, state.next_actor) == ("closed", "")
    assert _audit_actions(seeded, key) == ["create", "status", "status", "decide", "status",
                                           "status"]
    with seeded.read() as db:
        decided = db.execute(select(AuditEvent.changes).where(
            AuditEvent.entity_key == key, AuditEvent.action == "decide")).scalar_one()
    assert json.loads(decided)["decision"] == ["", "file-provisional"]


def test_submitting_checks_contributions_strictly_and_writes_nothing(seeded: Store) -> None:
    bad = _draft(inventors=(InventorEntry("jdoe", "inventor", 60),
                            InventorEntry("wli", "inventor", 30)))
    key = create_disclosure(seeded, bad, actor="jdoe").key  # a draft may be incomplete
    with pytest.raises(ValidationFailed, match="total 90%"):
        counsel.move_status(seeded, key, "submitted", actor="jdoe")
    assert counsel.review_state(seeded, key).status == "draft"
    assert _audit_actions(seeded, key) == ["create"]


def test_refused_moves_and_decisions(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    with pytest.raises(ValidationFailed, match="cannot move from draft to filed"):
        counsel.move_status(seeded, key, "filed", actor="counsel")
    with pytest.raises(ValidationFailed, match="submitted first"):
        counsel.record_decision(seeded, key, "no-action", "Nothing new over prior art.",
                                actor="counsel")
    counsel.move_status(seeded, key, "submitted", actor="jdoe")
    with pytest.raises(ValidationFailed, match="reason"):
        counsel.record_decision(seeded, key, "no-action", "", actor="counsel")
    with pytest.raises(Conflict):
        counsel.move_status(seeded, key, "in-review", actor="counsel", expected_version=1)
    with pytest.raises(NotFound):
        counsel.move_status(seeded, "FF-2026-9999", "in-review", actor="counsel")
    delete_disclosure(seeded, key, actor="jdoe")
    with pytest.raises(ValidationFailed, match="deleted"):
        counsel.move_status(seeded, key, "in-review", actor="counsel")


def test_reviewer_notes_are_kept_internal_and_audited(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    state = counsel.set_reviewer_notes(seeded, key, "Weak over US 9,999,999.\x00",
                                       actor="counsel")
    assert state.reviewer_notes == "Weak over US 9,999,999.\u2400"
    view = get_disclosure(seeded, key)
    assert "9,999,999" not in json.dumps(view.as_json())
    assert _audit_actions(seeded, key)[-1] == "notes"


def test_events_add_and_remove_and_change_the_docket(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    show = EventView("public-disclosure", date(2026, 1, 15), "de", "embedded world")
    counsel.add_event(seeded, key, show, actor="jdoe")
    rows = counsel.docket(seeded, as_of=TODAY)
    us = [r for r in rows if r.deadline.rule == "us-grace-period"]
    assert [(r.disclosure, r.deadline.due) for r in us] == [(key, date(2027, 1, 15))]
    assert get_disclosure(seeded, key).events[0].jurisdiction == "DE"
    counsel.add_event(seeded, key, EventView("provisional-filed", date(2026, 2, 1), "US"),
                      actor="counsel")
    us = [r for r in counsel.docket(seeded, as_of=TODAY) if r.deadline.rule == "us-grace-period"]
    # A provisional keeps the grace only through a non-provisional claiming it within its
    # 12 months: 2026-02-01 + 12 months = Mon 2027-02-01
    assert (us[0].deadline.state, us[0].deadline.due) == ("open", date(2027, 2, 1))
    counsel.add_event(seeded, key, EventView("nonprovisional-filed", date(2026, 2, 20), "US"),
                      actor="counsel")
    us = [r for r in counsel.docket(seeded, as_of=TODAY) if r.deadline.rule == "us-grace-period"]
    assert us[0].deadline.state == "met"
    view = counsel.remove_event(seeded, key, EventView("public-disclosure", date(2026, 1, 15),
                                                       "DE", "embedded world"), actor="jdoe")
    assert [e.kind for e in view.events] == ["provisional-filed", "nonprovisional-filed"]
    with pytest.raises(NotFound):
        counsel.remove_event(seeded, key, show, actor="jdoe")
    with pytest.raises(ValidationFailed, match="use one of"):
        counsel.add_event(seeded, key, EventView("rumour", date(2026, 1, 1)), actor="jdoe")
    assert _audit_actions(seeded, key)[1:] == ["event-add", "event-add", "event-add",
                                                "event-remove"]


def test_review_queue_is_oldest_first_with_the_nearest_deadline(seeded: Store) -> None:
    first = create_disclosure(seeded, _draft(title="First"), actor="jdoe").key
    second = create_disclosure(seeded, _draft(title="Second", reverse_engineerable=False),
                               actor="jdoe").key
    draft_only = create_disclosure(seeded, _draft(title="Still a draft"), actor="jdoe").key
    counsel.move_status(seeded, second, "submitted", actor="jdoe", today=date(2026, 1, 5))
    counsel.move_status(seeded, first, "submitted", actor="jdoe", today=date(2026, 2, 5))
    counsel.add_event(seeded, first, EventView("offer-for-sale", date(2025, 4, 1)),
                      actor="jdoe")
    queue = counsel.review_queue(seeded, as_of=TODAY)
    assert [item.state.key for item in queue] == [second, first]
    assert draft_only not in [item.state.key for item in queue]
    assert queue[0].nearest is None and queue[0].state.suggestion is not None
    assert queue[1].nearest is not None
    assert (queue[1].nearest.rule, queue[1].nearest.due) == ("us-grace-period", date(2026, 4, 1))
    assert queue[1].engagement_key == "ACME-2026"


def test_docket_leaves_out_closed_and_withdrawn_unless_asked(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    counsel.add_event(seeded, key, EventView("public-disclosure", date(2026, 1, 15)),
                      actor="jdoe")
    counsel.move_status(seeded, key, "submitted", actor="jdoe")
    counsel.move_status(seeded, key, "withdrawn", actor="jdoe")
    assert counsel.docket(seeded, as_of=TODAY) == []
    assert counsel.docket(seeded, as_of=TODAY, include_inactive=True)
    # An engagement that does not exist is said to be so, as everywhere, not an empty docket.
    with pytest.raises(NotFound, match="no engagement 'OTHER'"):
        counsel.docket(seeded, as_of=TODAY, engagement_key="OTHER", include_inactive=True)


def test_german_employee_flag_adds_its_rule(seeded: Store) -> None:
    key = create_disclosure(seeded, _draft(), actor="jdoe").key
    assert not [r for r in counsel.docket(seeded, as_of=TODAY)
                if r.deadline.rule == "de-employee-invention"]
    counsel.set_german_employee_invention(seeded, key, True, actor="counsel")
    rows = [r for r in counsel.docket(seeded, as_of=TODAY)
            if r.deadline.rule == "de-employee-invention"]
    assert len(rows) == 1 and rows[0].deadline.due is None
