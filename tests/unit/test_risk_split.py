"""The best split across vendors: the worked example, pins, subsystems, fewest moves, and every
way a split can be impossible, each named.

The worked example of docs/RISK.md: the tree of risk_samples (knowledge in twelfths: bms 8,
afe-board 5, balancing-fw 10, soc-estimator 12, cal-fixture 7; K = 42/12; an interface shows a
quarter, so bms's interface is 2), three vendors: huaxin (odm: makes everything), tamsui
(design firm: no test), gd-lab (test house: test only). soc-estimator is kept in-house and
bms is a subsystem, so the split places afe-board (huaxin or tamsui), balancing-fw (huaxin or
tamsui) and cal-fixture (huaxin or gd-lab); the critical set is all three. In twelfths, with
exposure = what a vendor sees / 42:

    afe  fw   cal | huaxin              tamsui        gd-lab | largest
    H    H    H   | forbidden: huaxin would hold the whole critical set
    H    H    G   | 5+10+2 = 17         0             7      | 17
    H    T    H   | 5+7+2 = 14          10+2 = 12     0      | 14
    H    T    G   | 5+2 = 7             12            7      | 12
    T    H    H   | 10+7+2 = 19 (today) 5+2 = 7       0      | 19
    T    H    G   | 10+2 = 12           7             7      | 12  <- keeps two of today's
    T    T    H   | 7                   5+10+2 = 17   0      | 17
    T    T    G   | 0                   17            7      | 17

Today (T, H, H) has a largest exposure of 19/42; the best is 12/42, reached by (H, T, G) and
(T, H, G); the second keeps afe-board at tamsui and balancing-fw at huaxin, so the suggestion
moves only the calibration fixture, to the test house.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from firstfile.analysis.split_solver import solve_split
from firstfile.domain.risk.assessment import RiskInputs
from firstfile.domain.risk.exposure import Assignment, CriticalSet
from firstfile.domain.risk.split import split_problem, split_program
from firstfile.domain.risk.tree import RiskInputError
from firstfile.domain.risk.vendor_risk import RiskVendor
from tests.unit.risk_samples import ARTICLE_POLICY, WORKED_TREE, node

HUAXIN = RiskVendor("huaxin", "Huaxin", "odm")
TAMSUI = RiskVendor("tamsui", "Tamsui", "design-firm")
GD_LAB = RiskVendor("gd-lab", "GD lab", "test-house")
BALANCING = CriticalSet(
    "cell-balancing", "cell balancing", ("afe-board", "balancing-fw", "cal-fixture")
)
WORKED = RiskInputs(
    "bms48",
    WORKED_TREE,
    (HUAXIN, TAMSUI, GD_LAB),
    (
        Assignment("afe-board", "tamsui"),
        Assignment("balancing-fw", "huaxin"),
        Assignment("cal-fixture", "huaxin"),
    ),
    (BALANCING,),
)


def problems_of(inputs: RiskInputs) -> list[str]:
    with pytest.raises(RiskInputError) as caught:
        solve_split(inputs, ARTICLE_POLICY)
    return [str(p) for p in caught.value.problems]


def test_the_worked_example() -> None:
    result = solve_split(WORKED, ARTICLE_POLICY)
    assert result.current.max_exposure == pytest.approx(19 / 42)
    assert result.suggested.max_exposure == pytest.approx(12 / 42)
    assert result.lower_bound == pytest.approx(12 / 42)
    assert result.proven_optimal
    assert [(m.component, m.before, m.after) for m in result.moves] == [
        ("cal-fixture", ("huaxin",), ("gd-lab",))
    ]
    changes = {c.vendor: (c.before, c.after) for c in result.vendors}
    assert changes["huaxin"] == (pytest.approx(19 / 42), pytest.approx(12 / 42))
    assert changes["gd-lab"] == (0.0, pytest.approx(7 / 42))
    assert result.suggested.could_reproduce == ()


def test_without_the_critical_set_the_best_is_still_a_split() -> None:
    # (H, H, H) is allowed now, but 24/42 is worse than 12/42: nothing changes.
    result = solve_split(dataclasses.replace(WORKED, critical_sets=()), ARTICLE_POLICY)
    assert result.suggested.max_exposure == pytest.approx(12 / 42)


def test_the_json_has_current_and_suggested_each_with_assignment_and_max_exposure() -> None:
    data = solve_split(WORKED, ARTICLE_POLICY).as_json()
    json.dumps(data)
    assert data["current"]["assignment"] == {
        "afe-board": ["tamsui"],
        "balancing-fw": ["huaxin"],
        "cal-fixture": ["huaxin"],
    }
    assert data["suggested"]["assignment"] == {
        "afe-board": ["tamsui"],
        "balancing-fw": ["huaxin"],
        "cal-fixture": ["gd-lab"],
    }
    assert data["suggested"]["max_exposure"] == pytest.approx(12 / 42)
    assert data["moves"] == [{"component": "cal-fixture", "from": ["huaxin"], "to": ["gd-lab"]}]
    assert data["proven_optimal"] is True


def test_pins_subsystems_and_firewalled_components_are_kept_as_they_are() -> None:
    inputs = dataclasses.replace(
        WORKED,
        assignments=(
            Assignment("bms", "tamsui"),  # a subsystem: the split never moves it
            Assignment("cal-fixture", "huaxin", pinned=True),
            Assignment("cal-fixture", "gd-lab"),  # not pinned: dropped, the pin decides
            Assignment("soc-estimator", "huaxin"),  # kept in-house: dropped
        ),
    )
    result = solve_split(inputs, ARTICLE_POLICY)
    suggested = {p.component: p.vendors for p in result.suggested.assignment}
    assert suggested["bms"] == ("tamsui",)
    assert suggested["cal-fixture"] == ("huaxin",)
    assert "soc-estimator" not in suggested
    # cal-fixture stays at huaxin, so huaxin may not also have both afe-board and
    # balancing-fw; tamsui already sees bms in full (8) and the interface is no extra.
    #   afe H, fw T: huaxin 7+5+2 = 14, tamsui 8+10 = 18 -> 18
    #   afe T, fw H: huaxin 7+10+2 = 19, tamsui 8+5 = 13 -> 19
    #   afe T, fw T: huaxin 7, tamsui 8+5+10 = 23 -> 23
    assert suggested["afe-board"] == ("huaxin",)
    assert suggested["balancing-fw"] == ("tamsui",)
    assert result.suggested.max_exposure == pytest.approx(18 / 42)
    pinned = {a.component: a.pinned for a in result.assignments()}
    assert pinned["cal-fixture"] is True and pinned["afe-board"] is False


def test_fewest_moves_keeps_todays_split_when_it_is_already_best() -> None:
    twins = (node("a", "hardware", (3, 3, 3)), node("b", "hardware", (3, 3, 3)))
    vendors = (RiskVendor("x", "X", "design-firm"), RiskVendor("y", "Y", "design-firm"))
    today = (Assignment("a", "y"), Assignment("b", "x"))
    result = solve_split(RiskInputs("e", twins, vendors, today), ARTICLE_POLICY)
    assert result.moves == ()
    both_on_x = (Assignment("a", "x"), Assignment("b", "x"))
    result = solve_split(RiskInputs("e", twins, vendors, both_on_x), ARTICLE_POLICY)
    assert len(result.moves) == 1  # one of the two moves, never both
    assert result.suggested.max_exposure == pytest.approx(0.5)


def test_nothing_to_place_returns_the_kept_assignments() -> None:
    # bms is a subsystem and afe-board is pinned: nothing is left for the split to place.
    inputs = RiskInputs(
        "bms48", WORKED_TREE[:2], (HUAXIN, TAMSUI), (Assignment("afe-board", "huaxin", True),)
    )
    result = solve_split(inputs, ARTICLE_POLICY)
    assert [(p.component, p.vendors) for p in result.suggested.assignment] == [
        ("afe-board", ("huaxin",))
    ]
    assert result.proven_optimal and result.moves == ()
    assert result.lower_bound == result.suggested.max_exposure


def test_the_program_is_plain_data_with_a_reason_on_every_constraint() -> None:
    problem = split_problem(WORKED, ARTICLE_POLICY)
    assert problem.integral and problem.unit == pytest.approx(1 / 48)
    # Interface 1/4 and inside 3/4 of each node, in 48ths: bms 8/12 = 32/48 -> (8, 24).
    assert problem.weights[0] == (8.0, 24.0)
    program = split_program(problem)
    assert program.names[program.largest] == "largest_exposure"
    whys = [c.why for c in program.constraints]
    assert "huaxin never holds the whole of cell balancing" in whys
    assert "the exposure of gd-lab is at most the largest" in whys
    assert "cal-fixture goes to exactly one vendor" in whys
    # M = 3 placed + 1: one 48th of exposure outweighs every assignment kept.
    assert program.weight == 4.0


# --- impossible splits, each named ---------------------------------------------------------


def test_a_component_no_vendor_can_make_is_named_with_what_each_vendor_makes() -> None:
    inputs = dataclasses.replace(WORKED, vendors=(TAMSUI,), assignments=())
    assert problems_of(inputs) == [
        "components[cal-fixture]: no vendor can take Cal Fixture (test): Tamsui (design-firm) "
        "makes hardware, firmware, software, mechanical. Add a vendor that makes test, or "
        "keep cal-fixture in-house"
    ]


def test_a_vendor_kind_the_policy_does_not_know() -> None:
    rocket = RiskVendor("rkt", "Rocket Works", "launch-provider")
    inputs = dataclasses.replace(WORKED, vendors=(HUAXIN, rocket), assignments=())
    assert problems_of(inputs)[0] == (
        "vendors[rkt].kind: Rocket Works is a 'launch-provider', a vendor kind the policy does "
        "not know: add it to 'makes' in the firewall policy, or correct the vendor's kind"
    )


def test_a_component_without_a_kind_and_no_vendors_at_all() -> None:
    blank = (node("a", "", (3, 3, 3)),)
    assert problems_of(RiskInputs("e", blank, (HUAXIN,))) == [
        "components[a].kind: A has no kind, so no vendor can be chosen for it: give it one of "
        "hardware, firmware, software, mechanical, process, test"
    ]
    assert problems_of(RiskInputs("e", blank, ())) == [
        "vendors: 1 components are to be outsourced and there is no candidate vendor: add "
        "vendors to the engagement"
    ]


def test_pins_that_give_one_vendor_a_whole_critical_set() -> None:
    pinned = tuple(dataclasses.replace(a, vendor="huaxin", pinned=True) for a in WORKED.assignments)
    assert problems_of(dataclasses.replace(WORKED, assignments=pinned)) == [
        "critical_sets[cell-balancing]: Huaxin holds every part of cell balancing through "
        "assignments the split keeps (afe-board (pinned), balancing-fw (pinned) and "
        "cal-fixture (pinned)) and could reproduce it: unpin or reassign cal-fixture (or "
        "another of them) so the split can give it to someone else"
    ]


def test_the_component_a_critical_set_leaves_no_vendor_for_is_named() -> None:
    # Only huaxin (odm) and gd-lab (test only): afe-board and balancing-fw must go to huaxin,
    # which then may not take cal-fixture; gd-lab can, so that is fine. Pin cal-fixture to
    # huaxin as well and balancing-fw has nowhere to go.
    inputs = dataclasses.replace(
        WORKED,
        vendors=(HUAXIN, GD_LAB),
        assignments=(
            Assignment("afe-board", "huaxin", pinned=True),
            Assignment("cal-fixture", "huaxin", pinned=True),
        ),
    )
    assert problems_of(inputs) == [
        "components[balancing-fw]: no vendor can take Balancing Fw: Huaxin would then hold the "
        "whole of cell balancing, having afe-board (pinned) and cal-fixture (pinned); no other "
        "candidate vendor makes firmware. Add a vendor that makes firmware, unpin one of the "
        "others, or keep balancing-fw in-house"
    ]


def test_a_conflict_found_only_by_search_still_names_a_component() -> None:
    # Three components, two vendors, every pair a critical set: like colouring a triangle
    # with two colours. Nothing is forced, so only the solver can tell.
    tree = tuple(node(k, "hardware", (3, 3, 3)) for k in ("a", "b", "c"))
    two = (RiskVendor("x", "X", "design-firm"), RiskVendor("y", "Y", "design-firm"))
    pairs = tuple(
        CriticalSet(f"s{i}", f"pair {i}", m)
        for i, m in enumerate((("a", "b"), ("b", "c"), ("a", "c")))
    )
    (message,) = problems_of(RiskInputs("e", tree, two, (), pairs))
    assert message.startswith(
        "components[a]: no vendor can take a without one of them holding a whole critical set "
        "(pair 0, pair 1, pair 2) with these vendors, kinds and pins: keep a in-house or add a "
        "vendor that can make it, and a split becomes possible; so would taking out b, c"
    )


def test_candidates_limit_who_may_be_given_work() -> None:
    result = solve_split(WORKED, ARTICLE_POLICY, candidates=["huaxin", "tamsui"])
    chosen = {p.component: p.vendors for p in result.suggested.assignment}
    assert "gd-lab" not in {v for vs in chosen.values() for v in vs}
    # gd-lab out: cal-fixture must go to huaxin; best is afe H? (H,T,H) = 14, (T,H,H) = 19.
    assert result.suggested.max_exposure == pytest.approx(14 / 42)


def test_a_candidate_that_is_not_a_vendor_of_the_engagement_is_refused() -> None:
    with pytest.raises(RiskInputError) as caught:
        solve_split(WORKED, ARTICLE_POLICY, candidates=["huaxin", "acme"])
    assert [str(p) for p in caught.value.problems] == [
        "candidates: acme: not a vendor of this engagement; add the vendor to the engagement "
        "or leave it out"
    ]


def test_a_tolerance_stops_early_but_never_further_than_it_says() -> None:
    result = solve_split(WORKED, ARTICLE_POLICY, tolerance=0.1)
    assert result.lower_bound <= result.suggested.max_exposure <= result.lower_bound + 0.1
