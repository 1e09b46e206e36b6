"""Outsourcing-risk use cases on real SQLite and PostgreSQL databases: every write with its
audit record, every refusal leaving the database as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures, risk, risk_safeguards, risk_sets
from firstfile.services import engagements as svc
from firstfile.services.errors import Conflict, NotFound, UserError, ValidationFailed
from firstfile.services.firewall_policy import PolicyError
from firstfile.services.risk_safeguards import ActionUpdate
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    AgreementItem,
    AuditEvent,
    Component,
    ComponentDecision,
    ComponentVendor,
    CriticalSet,
    CriticalSetMember,
    TacticAction,
    VendorSafeguard,
)
from tests.integration.risk_fixtures import ENGAGEMENT as E
from tests.integration.risk_fixtures import ON, build, reasons

TABLES = (
    Component,
    ComponentDecision,
    ComponentVendor,
    CriticalSet,
    CriticalSetMember,
    TacticAction,
    VendorSafeguard,
    AgreementItem,
    AuditEvent,
)


@pytest.fixture
def example(store: Store) -> Store:
    build(store)
    return store


def counts(store: Store) -> dict[str, int]:
    """Rows in every table a risk use case writes: equal before and after means nothing was
    written."""
    with store.read() as db:
        return {
            t.__name__: int(db.execute(select(func.count()).select_from(t)).scalar_one())
            for t in TABLES
        }


def audits(store: Store, entity: str, key: str) -> list[tuple[str, str, dict[str, Any]]]:
    with store.read() as db:
        return [
            # The name the change was made under (the identity acting is e.actor).
            (e.actor_name, e.action, json.loads(e.changes))
            for e in db.execute(
                select(AuditEvent)
                .where(AuditEvent.entity == entity, AuditEvent.entity_key == key)
                .order_by(AuditEvent.id)
            ).scalars()
        ]


def refused(store: Store, error: type[Exception], match: str, work: Any) -> None:
    """work() raises error with match in its message, and writes nothing."""
    before = counts(store)
    with pytest.raises(error, match=match):
        work()
    assert counts(store) == before


# --- the picture --------------------------------------------------------------------------------


def test_the_assessment_reads_what_was_recorded(example: Store) -> None:
    picture = risk.assessment(example, E)
    # docs/RISK.md section 9: Huaxin sees 14/42, Tamsui 12/42.
    assert picture.vendor("huaxin").exposure == pytest.approx(1 / 3)
    assert picture.vendor("tamsui").exposure == pytest.approx(2 / 7)
    assert picture.vendor("gdlab").exposure == 0
    soc = picture.component("soc-estimator")
    assert (soc.recommendation.disposition, soc.decision) == ("firewall", None)
    fw = picture.component("balancing-fw")
    assert fw.decision is not None and fw.against_recommendation
    assert fw.assessment.value_add.rationale == "balancing-fw: value"
    assert (fw.assessment.assessor, fw.assessment.assessed_on) == ("ana", ON)
    assert [c.key for c in picture.components] == [
        "bms",
        "afe-board",
        "balancing-fw",
        "soc-estimator",
        "cal-fixture",
    ]
    assert picture.component("afe-board").parent == "bms"
    # Huaxin serves a competitor and no safeguard is in place yet.
    assert [f.kind for f in picture.flags] == ["competitor-unguarded"]


# --- components ---------------------------------------------------------------------------------


def test_rescoring_keeps_the_old_values_and_reasons_in_the_audit_trail(example: Store) -> None:
    node = risk.rescore_component(
        example,
        E,
        "afe-board",
        risk.ScoreChange(value_add=4, reason="the AFE now carries the balancing heat path"),
        actor="maria",
        today=date(2026, 6, 1),
    )
    assert node.assessment.value_add.value == 4
    assert node.assessment.value_add.rationale == "the AFE now carries the balancing heat path"
    # The other scores keep their values and reasons; the assessment is now maria's.
    assert node.assessment.differentiation.rationale == "afe-board: differentiation"
    assert (node.assessment.assessor, node.assessment.assessed_on) == ("maria", date(2026, 6, 1))
    actor, action, changes = audits(example, "component", "afe-board")[-1]
    assert (actor, action) == ("maria", "score")
    assert changes == {
        "engagement": [E, E],
        "value_add": [3, 4],
        "value_add_reason": ["afe-board: value", "the AFE now carries the balancing heat path"],
        "assessor": ["ana", "maria"],
        "assessed_on": ["2026-05-04", "2026-06-01"],
    }
    history = risk.component_history(example, E, "afe-board")
    assert [h["action"] for h in history] == ["create", "assign", "score"]
    # The same values again change nothing and record nothing.
    risk.rescore_component(example, E, "afe-board", risk.ScoreChange(value_add=4), actor="maria")
    assert len(audits(example, "component", "afe-board")) == 3


def test_a_bad_score_or_a_missing_reason_writes_nothing(example: Store) -> None:
    refused(
        example,
        ValidationFailed,
        "give a whole number from 1 to 5",
        lambda: risk.rescore_component(
            example, E, "afe-board", risk.ScoreChange(value_add=7, reason="very"), actor="m"
        ),
    )
    refused(
        example,
        ValidationFailed,
        r"changes from 3 to 4: say why .*--value-add-reason",
        lambda: risk.rescore_component(
            example, E, "afe-board", risk.ScoreChange(value_add=4), actor="m"
        ),
    )
    refused(
        example,
        NotFound,
        "has no component 'nope'",
        lambda: risk.rescore_component(
            example, E, "nope", risk.ScoreChange(value_add=4), actor="m"
        ),
    )
    refused(
        example,
        ValidationFailed,
        r"say in one line why differentiation .*--differentiation",
        lambda: risk.add_component(
            example,
            E,
            "new-part",
            name="New part",
            kind="hardware",
            scores=risk.ScoreChange(
                value_add=2,
                value_add_reason="r",
                differentiation=2,
                reverse_engineering_difficulty=2,
                reverse_engineering_difficulty_reason="r",
            ),
            actor="m",
        ),
    )
    refused(
        example,
        ValidationFailed,
        "parent 'nowhere' is not a component",
        lambda: risk.add_component(
            example,
            E,
            "new-part",
            name="New part",
            kind="hardware",
            parent="nowhere",
            scores=reasons(2, 2, 2, "n"),
            actor="m",
        ),
    )
    refused(
        example,
        ValidationFailed,
        "'bakery' is not a kind the policy knows",
        lambda: risk.add_component(
            example,
            E,
            "new-part",
            name="New part",
            kind="bakery",
            scores=reasons(2, 2, 2, "n"),
            actor="m",
        ),
    )
    refused(
        example,
        Conflict,
        "has a component 'bms' already",
        lambda: risk.add_component(
            example, E, "bms", name="Again", scores=reasons(2, 2, 2, "n"), actor="m"
        ),
    )


def test_moving_a_component_under_its_own_descendant_is_refused(example: Store) -> None:
    refused(
        example,
        ValidationFailed,
        r"its own ancestor \(bms → afe-board → bms\)",
        lambda: risk.move_component(example, E, "bms", "afe-board", actor="m"),
    )
    refused(
        example,
        ValidationFailed,
        "its own parent",
        lambda: risk.move_component(example, E, "bms", "bms", actor="m"),
    )
    refused(
        example,
        NotFound,
        "no component 'ghost'",
        lambda: risk.move_component(example, E, "bms", "ghost", actor="m"),
    )
    assert risk.move_component(example, E, "cal-fixture", "bms", actor="m")
    assert not risk.move_component(example, E, "cal-fixture", "bms", actor="m")
    assert risk.assessment(example, E).component("cal-fixture").parent == "bms"
    assert risk.move_component(example, E, "cal-fixture", "", actor="m")
    moves = [c for _a, action, c in audits(example, "component", "cal-fixture") if action == "move"]
    assert [m["parent"] for m in moves] == [[None, "bms"], ["bms", None]]


def test_renaming_and_changing_the_kind_is_audited(example: Store) -> None:
    assert risk.update_component(
        example, E, "cal-fixture", name="EOL fixture", kind="process", actor="m"
    )
    assert audits(example, "component", "cal-fixture")[-1][2]["kind"] == ["test", "process"]
    refused(
        example,
        ValidationFailed,
        "give the component a name",
        lambda: risk.update_component(example, E, "cal-fixture", name="  ", actor="m"),
    )


# --- decisions ----------------------------------------------------------------------------------


def test_a_decision_against_the_recommendation_needs_its_reason(example: Store) -> None:
    refused(
        example,
        ValidationFailed,
        r"goes against the recommendation .*: say why \(--reason\)",
        lambda: risk.decide(example, E, "soc-estimator", "outsource", actor="m"),
    )
    refused(
        example,
        ValidationFailed,
        "'sell-it' is not a decision",
        lambda: risk.decide(example, E, "soc-estimator", "sell-it", actor="m"),
    )
    # In line with the recommendation, no reason is needed.
    decision = risk.decide(
        example, E, "soc-estimator", "firewall", actor="m", today=date(2026, 6, 2)
    )
    assert (decision.decided_by, decision.decided_on) == ("m", date(2026, 6, 2))
    risk.decide(
        example,
        E,
        "soc-estimator",
        "outsource-with-safeguards",
        actor="k",
        reason="shipped as a compiled library only",
        today=date(2026, 6, 3),
    )
    changes = audits(example, "component", "soc-estimator")[-1][2]
    assert changes["decision"] == ["firewall", "outsource-with-safeguards"]
    assert changes["reason"] == ["", "shipped as a compiled library only"]
    assert changes["recommendation"] == ["firewall", "firewall"]
    assert risk.withdraw_decision(example, E, "soc-estimator", actor="k", reason="re-think")
    assert not risk.withdraw_decision(example, E, "soc-estimator", actor="k")
    assert risk.assessment(example, E).component("soc-estimator").decision is None
    assert audits(example, "component", "soc-estimator")[-1][1] == "withdraw-decision"


def test_a_decision_in_house_shows_in_the_phase_guide_and_the_flags(example: Store) -> None:
    risk.decide(example, E, "soc-estimator", "firewall", actor="m")
    overview = svc.engagement_overview(example, E, today=date(2026, 6, 1))
    firewall = next(s for p in overview.guide for s in p.steps if s.step.id == "pre-firewall")
    assert firewall.done
    risk.assign(example, E, "soc-estimator", "tamsui", actor="m")
    overview = svc.engagement_overview(example, E, today=date(2026, 6, 1))
    firewall = next(s for p in overview.guide for s in p.steps if s.step.id == "pre-firewall")
    assert not firewall.done and "assigned to Tamsui" in firewall.detail
    assert "firewall-assigned" in {f.kind for f in overview.flags}


# --- assignments and pins -----------------------------------------------------------------------


def test_assigning_and_pinning_are_audited(example: Store) -> None:
    assert risk.pin(example, E, "cal-fixture", "huaxin", actor="m")
    assert not risk.pin(example, E, "cal-fixture", "huaxin", actor="m")
    assert risk.assign(example, E, "cal-fixture", "gdlab", actor="m")
    inputs = risk.risk_inputs(example, E)
    assert {
        (a.component, a.vendor, a.pinned)
        for a in inputs.assignments
        if a.component == "cal-fixture"
    } == {("cal-fixture", "huaxin", True), ("cal-fixture", "gdlab", False)}
    assert risk.pin(example, E, "cal-fixture", "huaxin", actor="m", pinned=False)
    assert risk.unassign(example, E, "cal-fixture", "gdlab", actor="m")
    assert not risk.unassign(example, E, "cal-fixture", "gdlab", actor="m")
    actions = [a for _actor, a, _c in audits(example, "component", "cal-fixture")]
    assert actions[-4:] == ["pin", "assign", "unpin", "unassign"]
    refused(
        example,
        NotFound,
        "not assigned to gdlab; nothing to unpin",
        lambda: risk.pin(example, E, "cal-fixture", "gdlab", actor="m", pinned=False),
    )
    refused(
        example,
        NotFound,
        "no vendor 'acme'",
        lambda: risk.assign(example, E, "cal-fixture", "acme", actor="m"),
    )


# --- critical sets ------------------------------------------------------------------------------


def test_critical_sets_are_created_edited_and_deleted_with_audit(example: Store) -> None:
    made = risk_sets.create_critical_set(
        example,
        E,
        "cell-balancing",
        name="cell balancing",
        members=["afe-board", "balancing-fw"],
        reveals="bms",
        note="the balancing scheme",
        actor="m",
    )
    assert made.members == ("afe-board", "balancing-fw")
    grown = risk_sets.add_members(
        example, E, "cell-balancing", ["cal-fixture", "afe-board"], actor="m"
    )
    assert grown.members == ("afe-board", "balancing-fw", "cal-fixture")
    picture = risk.assessment(example, E)
    assert picture.critical_sets[0].could_reproduce == ()
    # Huaxin holding every member could reproduce it: flagged on the engagement.
    risk.assign(example, E, "balancing-fw", "huaxin", actor="m")
    assert "could-reproduce" in {f.kind for f in risk.assessment(example, E).flags}
    assert "could-reproduce" in {f.kind for f in svc.engagement_overview(example, E).flags}
    shrunk = risk_sets.remove_members(example, E, "cell-balancing", ["cal-fixture"], actor="m")
    assert shrunk.members == ("afe-board", "balancing-fw")
    assert risk_sets.delete_critical_set(example, E, "cell-balancing", actor="m")
    assert not risk_sets.delete_critical_set(example, E, "cell-balancing", actor="m")
    trail = audits(example, "critical-set", "cell-balancing")
    assert [a for _actor, a, _c in trail] == ["create", "update", "update", "delete"]
    assert trail[0][2]["members"] == [None, ["afe-board", "balancing-fw"]]
    assert trail[-1][2]["members"] == [["afe-board", "balancing-fw"], None]
    assert trail[-1][2]["note"] == ["the balancing scheme", None]


def test_a_critical_set_naming_an_unknown_component_writes_nothing(example: Store) -> None:
    refused(
        example,
        ValidationFailed,
        "'ghost' is not a component of this engagement",
        lambda: risk_sets.create_critical_set(
            example, E, "s", name="s", members=["afe-board", "ghost"], actor="m"
        ),
    )
    refused(
        example,
        ValidationFailed,
        "name at least two components",
        lambda: risk_sets.create_critical_set(
            example, E, "s", name="s", members=["afe-board"], actor="m"
        ),
    )
    risk_sets.create_critical_set(
        example, E, "s", name="s", members=["afe-board", "bms"], actor="m"
    )
    refused(
        example,
        ValidationFailed,
        "name at least two components",
        lambda: risk_sets.remove_members(example, E, "s", ["bms"], actor="m"),
    )
    refused(
        example,
        NotFound,
        "cal-fixture: not in the critical set s",
        lambda: risk_sets.remove_members(example, E, "s", ["cal-fixture"], actor="m"),
    )
    refused(
        example,
        Conflict,
        "has a critical set 's' already",
        lambda: risk_sets.create_critical_set(
            example, E, "s", name="s", members=["afe-board", "bms"], actor="m"
        ),
    )


# --- safeguards and design tactics --------------------------------------------------------------


def test_a_safeguard_that_is_a_term_is_the_checklist_item_itself(example: Store) -> None:
    risk_safeguards.record_safeguard(
        example,
        E,
        "huaxin",
        "field-of-business",
        ActionUpdate("done", evidence="NNN clause 9, signed 2026-02-20"),
        actor="m",
        today=ON,
    )
    risk_safeguards.record_safeguard(
        example, E, "huaxin", "exclusivity", ActionUpdate("in-progress"), actor="m"
    )
    # The checklist reads the same record: one place, never two answers.
    checklist = svc.vendor_checklist(example, E, "huaxin")
    lines = {line.item.id: line.state for line in checklist.lines}
    assert lines["field-of-business"].status == "done"
    assert lines["field-of-business"].evidence == "NNN clause 9, signed 2026-02-20"
    assert lines["field-of-business"].done_on == ON
    assert lines["exclusivity"].status == "in-progress"
    with example.read() as db:
        assert db.execute(select(VendorSafeguard)).first() is None
    trail = audits(example, "agreement-item", E)
    assert trail[-2][2]["safeguard"] == ["field-of-business", "field-of-business"]
    assert trail[-2][2]["status"] == ["open", "done"]
    # docs/RISK.md section 9: Huaxin's risk with the restriction in place.
    picture = risk.assessment(example, E)
    assert picture.vendor("huaxin").risk == pytest.approx(1 / 3 * 0.6625)
    assert "competitor-unguarded" not in {f.kind for f in picture.flags}
    # Set on the checklist, the safeguard shows in the analysis too.
    svc.update_item(example, E, "huaxin", "exclusivity", svc.ItemUpdate(status="done"), actor="m")
    picture = risk.assessment(example, E)
    assert picture.vendor("huaxin").in_place == pytest.approx(0.7)
    # ... without evidence, which the analysis asks for.
    assert [f.vendor for f in picture.flags if f.kind == "safeguard-unproven"] == ["huaxin"]


def test_a_premium_rate_is_recorded_on_its_own(example: Store) -> None:
    risk_safeguards.record_safeguard(
        example,
        E,
        "huaxin",
        "premium-rate",
        ActionUpdate("done", on=date(2026, 3, 1), evidence="quote Q-2026-031, +4 %"),
        actor="m",
    )
    with example.read() as db:
        row = db.execute(select(VendorSafeguard)).scalar_one()
    assert (row.kind, row.status, row.done_on, row.who) == (
        "premium-rate",
        "done",
        date(2026, 3, 1),
        "m",
    )
    assert audits(example, "safeguard", E)[-1][2]["kind"] == ["premium-rate", "premium-rate"]
    assert risk.assessment(example, E).vendor("huaxin").in_place == pytest.approx(0.15)


def test_a_safeguard_without_its_evidence_or_reason_writes_nothing(example: Store) -> None:
    refused(
        example,
        ValidationFailed,
        r"say where the evidence is .*\(--evidence\)",
        lambda: risk_safeguards.record_safeguard(
            example, E, "huaxin", "exclusivity", ActionUpdate("done"), actor="m"
        ),
    )
    refused(
        example,
        ValidationFailed,
        r"say why the safeguard does not apply \(--reason\)",
        lambda: risk_safeguards.record_safeguard(
            example, E, "huaxin", "premium-rate", ActionUpdate("not-applicable"), actor="m"
        ),
    )
    refused(
        example,
        UserError,
        "'bribe' is not a safeguard",
        lambda: risk_safeguards.record_safeguard(
            example, E, "huaxin", "bribe", ActionUpdate("open"), actor="m"
        ),
    )
    refused(
        example,
        ValidationFailed,
        "'maybe' is not a status",
        lambda: risk_safeguards.record_safeguard(
            example, E, "huaxin", "premium-rate", ActionUpdate("maybe"), actor="m"
        ),
    )


def test_design_tactics_are_tracked_per_component_and_vendor(example: Store) -> None:
    risk.assign(example, E, "bms", "tamsui", actor="m")  # Tamsui integrates the BMS
    picture = risk.assessment(example, E)
    offered = {(a.component, a.vendor, a.tactic) for a in picture.actions}
    assert ("soc-estimator", "tamsui", "onshore-servers") in offered
    assert "firewall-touched" in {f.kind for f in picture.flags}
    risk_safeguards.record_tactic(
        example,
        E,
        "soc-estimator",
        "tamsui",
        "onshore-servers",
        ActionUpdate("done", evidence="estimator runs on soc.northfield.example"),
        actor="m",
        today=ON,
    )
    picture = risk.assessment(example, E)
    assert "firewall-touched" not in {f.kind for f in picture.flags}
    done = next(a for a in picture.actions if a.tactic == "onshore-servers")
    assert (done.status, done.on) == ("done", ON)
    changes = audits(example, "component", "soc-estimator")[-1][2]
    assert changes["tactic"] == ["onshore-servers", "onshore-servers"]
    assert changes["status"] == ["open", "done"]
    refused(
        example,
        UserError,
        "'prayer' is not a design tactic",
        lambda: risk_safeguards.record_tactic(
            example, E, "soc-estimator", "tamsui", "prayer", ActionUpdate("open"), actor="m"
        ),
    )
    refused(
        example,
        ValidationFailed,
        "needs its date and where the evidence is",
        lambda: risk_safeguards.record_tactic(
            example, E, "soc-estimator", "tamsui", "tracer", ActionUpdate("done"), actor="m"
        ),
    )


# --- the disclosure editor's flags --------------------------------------------------------------


def test_a_disclosure_about_a_member_carries_the_could_reproduce_flag(example: Store) -> None:
    made = disclosures.create_disclosure(
        example,
        DisclosureDraft(
            title="Balancing through the calibration path",
            summary="s",
            engagement_key=E,
            components=("cal-fixture",),
        ),
        actor="m",
    )
    other = disclosures.create_disclosure(
        example,
        DisclosureDraft(
            title="Unrelated", summary="s", engagement_key=E, components=("soc-estimator",)
        ),
        actor="m",
    )
    risk_sets.create_critical_set(
        example, E, "cb", name="cell balancing", members=["afe-board", "cal-fixture"], actor="m"
    )
    flags = svc.disclosure_flags(example, made.key)
    assert [(f.kind, f.vendor_key) for f in flags] == [("could-reproduce", "huaxin")]
    assert "Huaxin holds every part of cell balancing" in flags[0].message
    assert svc.disclosure_flags(example, other.key) == []


# --- the policy ---------------------------------------------------------------------------------


def test_a_policy_with_a_typo_is_reported_with_its_line(example: Store, tmp_path: Path) -> None:
    from firstfile.resources import shipped_templates

    own = tmp_path / "templates" / "policies"
    own.mkdir(parents=True)
    shipped = (shipped_templates() / "policies" / "firewall.yaml").read_text()
    (own / "firewall.yaml").write_text(shipped.replace("interface_share:", "interface_shar:"))
    with pytest.raises(PolicyError, match=r"firewall.yaml:\d+: .*interface_share"):
        risk.assessment(example, E, templates_dir=tmp_path / "templates")
    refused(
        example,
        PolicyError,
        "interface_share",
        lambda: risk.decide(
            example, E, "soc-estimator", "firewall", actor="m", templates_dir=tmp_path / "templates"
        ),
    )
