"""Phase-guide derivation rules: each step's state from plain facts."""

from __future__ import annotations

from datetime import date, timedelta

from firstfile.domain.checklist import (
    Checklist,
    Condition,
    ItemDefinition,
    ItemState,
    VendorFacts,
    build_checklist,
)
from firstfile.domain.phase_guide import (
    STEPS,
    ComponentFacts,
    DisclosureFacts,
    EngagementFacts,
    Tick,
    next_phase,
    phase_guide,
    step_definition,
    step_state,
)
from firstfile.domain.risk.exposure import CriticalSet

TODAY = date(2026, 6, 30)
ITEMS = (
    ItemDefinition("nda", "NDA", "g", term="t", critical=True),
    ItemDefinition("tooling", "Tooling", "g", term="t"),
    ItemDefinition("field", "Field of business", "g", term="t", tags=("field-of-business",),
                   when=Condition(serves_competitor=True)),
)


def facts(**changes: object) -> EngagementFacts:
    base: dict[str, object] = {"phase": "pre", "vendor_names": {"a": "Alpha", "b": "Beta"}}
    base.update(changes)
    return EngagementFacts(**base)  # type: ignore[arg-type]


def state(step_id: str, f: EngagementFacts, today: date = TODAY) -> tuple[bool, str]:
    step = step_definition(step_id)
    assert step is not None
    result = step_state(step, f, today)
    return result.done, result.detail


def checklist(key: str, statuses: dict[str, str], *, competitor: bool = False) -> Checklist:
    vendor = VendorFacts(key, key.title(), "contract-manufacturer", "US", competitor)
    return build_checklist(ITEMS, vendor, {i: ItemState(status=s) for i, s in statuses.items()})


def test_the_steps_cover_the_seven_practices_in_three_phases() -> None:
    assert {s.practice for s in STEPS} == set(range(1, 8))
    assert [g.phase for g in phase_guide(facts(), TODAY)] == ["pre", "during", "post"]
    assert len({s.id for s in STEPS}) == len(STEPS)


def test_the_engagement_phase_is_the_current_one() -> None:
    guide = phase_guide(facts(phase="during"), TODAY)
    assert [g.current for g in guide] == [False, True, False]
    assert not any(g.current for g in phase_guide(facts(phase="closed"), TODAY))


def test_firewall_needs_a_component_decided_in_house_that_no_vendor_holds() -> None:
    assert state("pre-firewall", facts())[0] is False
    open_parts = [ComponentFacts("afe", "AFE", "", ("a",))]
    done, detail = state("pre-firewall", facts(components=open_parts))
    assert not done and detail == "none of 1 components is decided to be kept in-house"
    # A decision to outsource is not one to keep in-house.
    outsourced = [ComponentFacts("afe", "AFE", "outsource", ("a",))]
    assert state("pre-firewall", facts(components=outsourced))[0] is False
    walled = [*open_parts, ComponentFacts("soc", "SoC estimator", "firewall")]
    assert state("pre-firewall", facts(components=walled)) == (
        True, "1 of 2 components kept in-house")
    leaked = [*open_parts, ComponentFacts("soc", "SoC estimator", "firewall", ("b",))]
    done, detail = state("pre-firewall", facts(components=leaked))
    assert not done and detail == "SoC estimator is to be kept in-house but is assigned to Beta"


def test_split_fails_when_one_vendor_sees_every_outsourced_component() -> None:
    one_sees_all = [ComponentFacts("x", "X", "", ("a", "b")), ComponentFacts("y", "Y", "",
                                                                             ("a",))]
    done, detail = state("pre-split", facts(components=one_sees_all))
    assert not done and "Alpha" in detail
    split = [ComponentFacts("x", "X", "", ("b",)), ComponentFacts("y", "Y", "", ("a",))]
    assert state("pre-split", facts(components=split))[0] is True


def test_split_fails_when_a_vendor_holds_a_whole_critical_set() -> None:
    parts = [ComponentFacts("afe", "AFE", "", ("a",)), ComponentFacts("fw", "FW", "", ("a",)),
             ComponentFacts("jig", "Jig", "", ("b",))]
    balancing = CriticalSet("cb", "cell balancing", ("afe", "fw"))
    done, detail = state("pre-split", facts(components=parts, critical_sets=[balancing]))
    assert not done
    assert detail == "Alpha holds every part of cell balancing (afe and fw) and could reproduce it"
    # Seeing a member only through another vendor is not holding it.
    apart = [ComponentFacts("afe", "AFE", "", ("a",)), ComponentFacts("fw", "FW", "", ("b",))]
    assert state("pre-split", facts(components=apart, critical_sets=[balancing]))[0] is True


def test_session_steps_follow_the_sessions_held_in_each_phase() -> None:
    f = facts(session_phases={"pre": 1})
    assert state("pre-extract", f)[0] is True
    assert state("during-session", f)[0] is False
    assert state("post-session", f)[0] is False
    assert state("during-session", facts(session_phases={"during": 2}))[0] is True


def test_agreements_need_every_vendor_checklist_complete() -> None:
    assert state("pre-agreements", facts())[0] is False  # no vendor yet
    complete = checklist("a", {"nda": "done", "tooling": "not-applicable"})
    half = checklist("b", {"nda": "done"})
    done, detail = state("pre-agreements", facts(checklists=[complete, half]))
    assert not done and "B (1 open)" in detail
    assert state("pre-agreements", facts(checklists=[complete]))[0] is True


def test_terms_current_also_needs_every_joint_disclosure_covered() -> None:
    complete = checklist("a", {"nda": "done", "tooling": "done"})
    assert state("during-terms", facts(checklists=[complete]))[0] is True
    assert state("during-terms", facts(checklists=[complete], joint_ip_flag_count=1))[0] is False


def test_competitor_step_needs_a_restriction_for_a_vendor_serving_a_competitor() -> None:
    serving = checklist("a", {}, competitor=True)
    assert state("pre-competitors", facts(checklists=[serving]))[0] is False
    restricted = checklist("a", {"field": "done"}, competitor=True)
    assert state("pre-competitors", facts(checklists=[restricted]))[0] is True


def test_a_draft_older_than_thirty_days_keeps_logging_undone() -> None:
    fresh = DisclosureFacts("FF-1", "draft", TODAY - timedelta(days=30))
    stale = DisclosureFacts("FF-2", "draft", TODAY - timedelta(days=31))
    old_but_submitted = DisclosureFacts("FF-3", "submitted", TODAY - timedelta(days=300))
    assert state("during-log", facts(disclosures=[fresh, old_but_submitted]))[0] is True
    done, detail = state("during-log", facts(disclosures=[fresh, stale]))
    assert not done and "FF-2" in detail and "FF-1" not in detail


def test_final_decisions_need_a_decision_on_every_disclosure() -> None:
    decided = DisclosureFacts("FF-1", "decided", TODAY, decision="file-provisional")
    undecided = DisclosureFacts("FF-2", "submitted", TODAY)
    draft = DisclosureFacts("FF-3", "draft", TODAY)
    assert state("post-decisions", facts(disclosures=[decided]))[0] is True
    done, detail = state("post-decisions", facts(disclosures=[decided, undecided, draft]))
    assert not done and "FF-2" in detail and "FF-3" in detail


def test_hand_ticked_steps_show_the_tick() -> None:
    assert state("pre-where", facts())[0] is False
    ticked = facts(ticks={"pre-where": Tick(date(2026, 2, 1), "maria", "MY and MX chosen")})
    done, detail = state("pre-where", ticked)
    assert done and "2026-02-01" in detail and "maria" in detail


def test_a_tick_does_not_override_a_derived_step() -> None:
    ticked = facts(ticks={"pre-firewall": Tick(date(2026, 2, 1), "maria")})
    assert state("pre-firewall", ticked)[0] is False


def test_next_phase() -> None:
    assert [next_phase(p) for p in ("pre", "during", "post", "closed")] == [
        "during", "post", "closed", None]
