"""The component tree: how it is read, and every way it can be wrong."""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.domain.risk.tree import (
    Assessment,
    ComponentNode,
    Decision,
    RiskInputError,
    Score,
    assessment_problems,
    build_tree,
    decision_problems,
    scored,
    tree_problems,
)
from tests.unit.risk_samples import WORKED_TREE, node


def messages(problems: list) -> list[str]:
    return [str(p) for p in problems]


def test_the_tree_is_read_depth_first_from_the_roots_in_the_order_given() -> None:
    tree = build_tree(
        (
            node("b", "hardware", (3, 3, 3)),
            node("a1", "hardware", (3, 3, 3), parent="a"),
            node("a", "hardware", (3, 3, 3)),
            node("a1x", "hardware", (3, 3, 3), parent="a1"),
            node("a2", "hardware", (3, 3, 3), parent="a"),
        )
    )
    assert tree.order == ("b", "a", "a1", "a1x", "a2")
    assert tree.ancestors("a1x") == ("a1", "a")
    assert tree.ancestors("b") == ()
    assert tree.depth("a1x") == 2
    assert tree.children("a") == ("a1", "a2")
    assert tree.descendants("a") == ("a1", "a1x", "a2")
    assert tree.descendants("a1x") == ()


def test_the_worked_example_is_a_valid_tree() -> None:
    tree = build_tree(WORKED_TREE)
    assert tree.order == ("bms", "afe-board", "balancing-fw", "soc-estimator", "cal-fixture")


def test_scores_outside_one_to_five_are_named_with_what_to_give() -> None:
    problems = tree_problems((node("afe", "hardware", (0, 6, 3)),))
    assert messages(problems) == [
        "components[afe].value_add: value added is 0: give a whole number from 1 to 5",
        "components[afe].differentiation: differentiation is 6: give a whole number from 1 to 5",
    ]


def test_a_score_that_is_not_a_whole_number_is_refused() -> None:
    bad = Assessment(Score(True), Score(2.5), Score(3))  # type: ignore[arg-type]
    problems = tree_problems((ComponentNode("x", "X", "hardware", bad),))
    assert [p.field for p in problems] == [
        "components[x].value_add",
        "components[x].differentiation",
    ]


def test_a_component_that_is_its_own_ancestor_is_reported_once_with_the_loop() -> None:
    problems = tree_problems(
        (
            node("a", "hardware", (3, 3, 3), parent="c"),
            node("b", "hardware", (3, 3, 3), parent="a"),
            node("c", "hardware", (3, 3, 3), parent="b"),
            node("d", "hardware", (3, 3, 3), parent="c"),  # below the loop, not in it
        )
    )
    assert messages(problems) == [
        "components[a].parent: the component is its own ancestor (a → c → b → a): give one "
        "of these components a different parent",
    ]


def test_a_component_that_is_its_own_parent() -> None:
    problems = tree_problems((node("a", "hardware", (3, 3, 3), parent="a"),))
    assert messages(problems) == [
        "components[a].parent: the component is its own parent: choose another parent or none"
    ]


def test_an_unknown_parent_an_unknown_kind_a_repeated_key_and_a_bad_key() -> None:
    problems = tree_problems(
        (
            node("a", "hardware", (3, 3, 3), parent="nowhere"),
            node("b", "pcb", (3, 3, 3)),
            node("b", "hardware", (3, 3, 3)),
            node("no spaces", "hardware", (3, 3, 3)),
        )
    )
    assert messages(problems) == [
        "components[b].kind: 'pcb' is not a kind the policy knows: use one of hardware, "
        "firmware, software, mechanical, process, test",
        "components[b]: the key is used by two components: give each its own",
        "components[no spaces]: 'no spaces' is not a valid key: use up to 64 letters, digits, "
        "'.', '_' or '-'",
        "components[a].parent: parent 'nowhere' is not a component of this engagement: "
        "correct the key, or add that component first",
    ]


def test_a_kind_the_policy_maps_is_accepted_and_an_empty_kind_is_allowed() -> None:
    assert (
        tree_problems((node("b", "pcb", (3, 3, 3)), node("c", "", (3, 3, 3))), {"pcb": "hardware"})
        == []
    )


def test_build_tree_refuses_a_broken_tree_with_every_problem() -> None:
    with pytest.raises(RiskInputError) as caught:
        build_tree((node("a", "hardware", (9, 3, 3), parent="zz"),))
    assert [p.field for p in caught.value.problems] == [
        "components[a].value_add",
        "components[a].parent",
    ]


def test_a_rationale_is_one_short_line() -> None:
    long = Assessment(Score(3, "x" * 201), Score(3, "two\nlines"), Score(3, "fine"))
    assert messages(tree_problems((ComponentNode("a", "A", "hardware", long),))) == [
        "components[a].value_add.rationale: the reason for value added is 201 characters: "
        "keep it to one line of 200",
        "components[a].differentiation.rationale: the reason for differentiation is one line: "
        "remove the line breaks",
    ]


def test_a_new_assessment_needs_a_reason_for_each_score_who_and_when() -> None:
    bare = scored(5, 4, 3)
    assert messages(assessment_problems("a", bare)) == [
        "components[a].value_add.rationale: say in one line why value added is 5",
        "components[a].differentiation.rationale: say in one line why differentiation is 4",
        "components[a].reverse_engineering_difficulty.rationale: say in one line why "
        "difficulty of reverse engineering is 3",
        "components[a].assessor: say who assessed the component",
        "components[a].assessed_on: give the date of the assessment",
    ]
    full = Assessment(
        Score(5, "most of the margin"),
        Score(4, "no rival has it"),
        Score(3, "potted, but X-ray shows the layout"),
        "ana",
        date(2026, 5, 4),
    )
    assert assessment_problems("a", full) == []


def test_a_decision_against_the_recommendation_needs_a_reason() -> None:
    bare = Decision("outsource", decided_by="ana")
    assert messages(decision_problems("soc", bare, "firewall")) == [
        "components[soc].decision.reason: the decision (outsource) goes against the "
        "recommendation (keep in-house (firewall)): say why",
    ]
    assert (
        decision_problems("soc", Decision("outsource", "the line needs it", "ana"), "firewall")
        == []
    )
    assert decision_problems("soc", Decision("firewall", decided_by="ana"), "firewall") == []


def test_a_decision_must_be_a_known_disposition_made_by_someone() -> None:
    assert messages(decision_problems("soc", Decision("sell-it"), "firewall")) == [
        "components[soc].decision: 'sell-it' is not a decision: use one of firewall, "
        "outsource-with-safeguards, outsource",
    ]
    assert messages(decision_problems("soc", Decision("firewall"), "firewall")) == [
        "components[soc].decision.decided_by: say who decided"
    ]
