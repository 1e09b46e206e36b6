"""The firewall policy's rules: recommendations and their reasons, capability, its own checks."""

from __future__ import annotations

import dataclasses

from firstfile.domain.risk.policy import (
    ScoreTest,
    against_recommendation,
    disposition_of,
    listing,
    policy_problems,
    recommend,
)
from firstfile.domain.risk.tree import Decision, scored
from tests.unit.risk_samples import ARTICLE_POLICY, node


def test_all_three_tests_passed_keeps_the_component_in_house_with_the_articles_words() -> None:
    # 5, 5, 5: every test passes at 4, weight 1 + 1 + 1 = 3 reaches firewall_at 3.
    r = recommend(scored(5, 5, 5), ARTICLE_POLICY)
    assert r.disposition == "firewall"
    assert r.label == "keep in-house (firewall)"
    assert r.reason == (
        "adds the most value, differentiates the product and cannot be reverse engineered"
    )
    assert r.weight_passed == 3.0


def test_two_tests_passed_is_outsource_with_safeguards_and_says_what_failed() -> None:
    # 5, 5, 3: two tests pass, weight 2 reaches safeguards_at 2 but not firewall_at 3.
    r = recommend(scored(5, 5, 3), ARTICLE_POLICY)
    assert r.disposition == "outsource-with-safeguards"
    assert r.reason == (
        "adds the most value and differentiates the product, but can be reverse engineered"
    )
    assert r.passed == ("value_add", "differentiation")


def test_fewer_tests_passed_is_outsource() -> None:
    # 4, 3, 3: weight 1 < 2.
    r = recommend(scored(4, 3, 3), ARTICLE_POLICY)
    assert r.disposition == "outsource"
    assert r.reason == (
        "adds the most value, but does not set the product apart and can be reverse engineered"
    )
    r = recommend(scored(1, 1, 1), ARTICLE_POLICY)
    assert r.reason == (
        "adds ordinary value, does not set the product apart and can be reverse engineered"
    )


def test_the_threshold_is_the_lowest_passing_score() -> None:
    assert recommend(scored(4, 4, 4), ARTICLE_POLICY).disposition == "firewall"
    assert recommend(scored(4, 4, 3), ARTICLE_POLICY).disposition == "outsource-with-safeguards"


def test_weights_come_from_the_policy() -> None:
    # Weigh reverse engineering 2 and firewall at 3: value 5 + reverse engineering 5 passes
    # with 1 + 2 = 3, where the article's policy would say "with safeguards".
    heavy = dataclasses.replace(
        ARTICLE_POLICY,
        tests=(
            ARTICLE_POLICY.tests[0],
            ARTICLE_POLICY.tests[1],
            dataclasses.replace(ARTICLE_POLICY.tests[2], weight=2.0),
        ),
    )
    assert recommend(scored(5, 1, 5), heavy).disposition == "firewall"
    assert recommend(scored(5, 1, 5), ARTICLE_POLICY).disposition == "outsource-with-safeguards"


def test_the_decision_wins_over_the_recommendation() -> None:
    kept = node("x", "hardware", (1, 1, 1), decision="firewall", reason="patent pending")
    assert disposition_of(kept, ARTICLE_POLICY) == "firewall"
    assert disposition_of(node("y", "hardware", (5, 5, 5)), ARTICLE_POLICY) == "firewall"
    r = recommend(scored(1, 1, 1), ARTICLE_POLICY)
    assert against_recommendation(kept.decision, r)
    assert not against_recommendation(None, r)
    assert not against_recommendation(Decision("outsource"), r)


def test_what_each_vendor_kind_makes_with_aliases() -> None:
    p = ARTICLE_POLICY
    assert p.can_make("contract-manufacturer", "hardware")
    assert p.can_make("contract-manufacturer", "pcb")  # pcb is an alias of hardware
    assert not p.can_make("contract-manufacturer", "firmware")
    assert not p.can_make("test-house", "hardware")
    assert not p.can_make("contract-manufacturer", "")  # no kind: nobody can be sure
    assert not p.can_make("space-agency", "hardware")
    assert not p.knows_vendor_kind("space-agency")
    assert p.component_kind("algorithm") == "software"
    assert p.component_kind("widget") == ""


def test_tactics_suit_kinds() -> None:
    assert [t.id for t in ARTICLE_POLICY.tactics_for("software")] == ["onshore-servers", "tracer"]
    assert [t.id for t in ARTICLE_POLICY.tactics_for("pcb")] == ["sealed-module", "tracer"]


def test_the_sample_policy_is_valid() -> None:
    assert policy_problems(ARTICLE_POLICY) == []


def test_a_policy_that_cannot_work_is_refused_field_by_field() -> None:
    bad = dataclasses.replace(
        ARTICLE_POLICY,
        tests=(ScoreTest("value_add", 6, -1.0, "", "x"), *ARTICLE_POLICY.tests[1:]),
        firewall_at=4.0,
        safeguards_at=5.0,
        interface_share=1.5,
        competitors_for_full_overlap=0,
        safeguards=ARTICLE_POLICY.safeguards[:2]
        + (dataclasses.replace(ARTICLE_POLICY.safeguards[2], weight=0.9),),
        makes=(("contract-manufacturer", ("pcb",)),),
        kind_aliases=(("test", "hardware"), ("pcb", "board")),
    )
    assert [str(p) for p in policy_problems(bad)] == [
        "tests.value_add.threshold: 6 is not a score: use a whole number from 1 to 5",
        "tests.value_add.weight: -1 is negative: use 0 or more",
        "tests.value_add: give the words for a component that passes and one that fails",
        "recommend.safeguards: 5 must be above 0 and at most the firewall level (4)",
        "recommend.firewall: 4 can never be reached: the weights of the tests add up to 2",
        "exposure.interface_share: 1.5 is a share: use a number from 0 to 1",
        "vendor_risk.competitors_for_full_overlap: 0 must be a whole number of 1 or more",
        "safeguards: the safeguard 'licensing-incentive' is missing: give it a weight (0 if it "
        "should not count)",
        "safeguards: the weights add up to 1.6: all safeguards in place may take off at most "
        "all of the competitor risk (1)",
        "makes.contract-manufacturer: 'pcb' is not a component kind: use hardware, firmware, "
        "software, mechanical, process, test",
        "kind_aliases.test: is a component kind itself and cannot be an alias",
        "kind_aliases.pcb: 'board' is not a component kind: use hardware, firmware, software, "
        "mechanical, process, test",
    ]


def test_listing() -> None:
    assert listing([]) == ""
    assert listing(["a"]) == "a"
    assert listing(["a", "b"]) == "a and b"
    assert listing(["a", "b", "c"]) == "a, b and c"
