"""Knowledge, what each vendor sees, knowledge exposure and critical sets, worked by hand.

The worked example of docs/RISK.md (tests/unit/risk_samples.py): with the article policy a
node's knowledge is (sum of its scores - 3) / 12, so

    bms 8/12, afe-board 5/12, balancing-fw 10/12, soc-estimator 12/12, cal-fixture 7/12,
    K = 42/12.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from firstfile.domain.risk.exposure import (
    Assignment,
    CriticalSet,
    assigned_by_vendor,
    critical_set_problems,
    critical_set_sights,
    exposure_matrix,
    knowledge,
    knowledge_by_node,
    sight,
)
from firstfile.domain.risk.tree import build_tree, scored
from tests.unit.risk_samples import ARTICLE_POLICY, WORKED_TREE, node

TREE = build_tree(WORKED_TREE)
TODAY = (
    Assignment("afe-board", "huaxin"),
    Assignment("cal-fixture", "huaxin"),
    Assignment("balancing-fw", "tamsui"),
)
BALANCING = CriticalSet(
    "cell-balancing", "Cell balancing", ("afe-board", "balancing-fw", "cal-fixture"), "bms"
)


def close(value: float, exact: Fraction) -> bool:
    return value == pytest.approx(float(exact), abs=1e-12)


def test_knowledge_is_the_weighted_mean_of_score_minus_one_over_four() -> None:
    # (5-1)/4 = 1, (1-1)/4 = 0, (3-1)/4 = 0.5; weights 1, 1, 1: 1.5 / 3 = 0.5.
    assert knowledge(scored(5, 1, 3), ARTICLE_POLICY) == pytest.approx(0.5)
    # Weights 2, 1, 1: (2 x 1 + 1 x 0 + 1 x 0.5) / 4 = 0.625.
    heavy = dataclasses.replace(
        ARTICLE_POLICY,
        tests=(dataclasses.replace(ARTICLE_POLICY.tests[0], weight=2.0), *ARTICLE_POLICY.tests[1:]),
    )
    assert knowledge(scored(5, 1, 3), heavy) == pytest.approx(0.625)
    assert knowledge(scored(1, 1, 1), ARTICLE_POLICY) == 0.0
    assert knowledge(scored(5, 5, 5), ARTICLE_POLICY) == 1.0


def test_the_worked_examples_knowledge() -> None:
    k = knowledge_by_node(TREE, ARTICLE_POLICY)
    assert list(k) == ["bms", "afe-board", "balancing-fw", "soc-estimator", "cal-fixture"]
    for key, twelfths in {
        "bms": 8,
        "afe-board": 5,
        "balancing-fw": 10,
        "soc-estimator": 12,
        "cal-fixture": 7,
    }.items():
        assert close(k[key], Fraction(twelfths, 12)), key


def test_a_vendor_sees_its_nodes_in_full_and_only_the_interfaces_above_them() -> None:
    deep = build_tree(
        (
            node("product-board", "hardware", (3, 3, 3)),
            node("power", "hardware", (3, 3, 3), parent="product-board"),
            node("charger", "hardware", (3, 3, 3), parent="power"),
            node("charger-ic", "hardware", (3, 3, 3), parent="charger"),
            node("fuel-gauge", "hardware", (3, 3, 3), parent="power"),
            node("radio", "hardware", (3, 3, 3), parent="product-board"),
        )
    )
    # Assigned the charger: the charger in full; power and product-board as interfaces; not
    # its child (charger-ic), not its sibling (fuel-gauge), not its uncle (radio).
    assert sight(deep, ["charger"]) == {
        "charger": "full",
        "power": "interface",
        "product-board": "interface",
    }
    # A node assigned and also above another assigned node is seen in full.
    assert sight(deep, ["charger-ic", "power"]) == {
        "charger-ic": "full",
        "power": "full",
        "charger": "interface",
        "product-board": "interface",
    }
    assert sight(deep, []) == {}


def test_the_worked_examples_exposure() -> None:
    m = exposure_matrix(TREE, ["huaxin", "tamsui", "idle"], TODAY, ARTICLE_POLICY)
    assert close(m.total_knowledge, Fraction(42, 12))
    # huaxin: afe-board 5/12 + cal-fixture 7/12 + interface of bms 0.25 x 8/12 = 2/12
    #         = 14/12 of K = 42/12, so 14/42 = 1/3.
    assert close(m.exposure("huaxin"), Fraction(1, 3))
    # tamsui: balancing-fw 10/12 + interface of bms 2/12 = 12/12, so 12/42 = 2/7.
    assert close(m.exposure("tamsui"), Fraction(2, 7))
    assert m.exposure("idle") == 0.0
    assert close(m.max_exposure, Fraction(1, 3))
    rows = {row.component: row.cells for row in m.rows}
    assert [c.level for c in rows["bms"]] == ["interface", "interface", ""]
    assert close(rows["bms"][0].share, Fraction(2, 42))
    assert [c.level for c in rows["soc-estimator"]] == ["", "", ""]
    assert close(rows["cal-fixture"][0].share, Fraction(7, 42))
    # The cells of a vendor add up to its exposure.
    assert sum(r.cells[0].share for r in m.rows) == pytest.approx(m.exposure("huaxin"))


def test_a_firewalled_node_assigned_to_a_vendor_counts_in_its_exposure() -> None:
    # soc-estimator 12/12 + interface of bms 2/12 = 14/12, 14/42 = 1/3.
    m = exposure_matrix(TREE, ["leaky"], [Assignment("soc-estimator", "leaky")], ARTICLE_POLICY)
    assert close(m.exposure("leaky"), Fraction(1, 3))


def test_the_interface_share_comes_from_the_policy() -> None:
    # No interface at all: huaxin sees 5/12 + 7/12 = 12/12, 12/42 = 2/7.
    blind = dataclasses.replace(ARTICLE_POLICY, interface_share=0.0)
    m = exposure_matrix(TREE, ["huaxin"], TODAY, blind)
    assert close(m.exposure("huaxin"), Fraction(2, 7))


def test_one_vendor_seeing_everything_has_exposure_one() -> None:
    everything = [Assignment(n.key, "solo") for n in WORKED_TREE]
    assert exposure_matrix(TREE, ["solo"], everything, ARTICLE_POLICY).exposure(
        "solo"
    ) == pytest.approx(1.0)


def test_no_knowledge_at_all_is_no_exposure() -> None:
    flat = build_tree((node("a", "hardware", (1, 1, 1)),))
    m = exposure_matrix(flat, ["v"], [Assignment("a", "v")], ARTICLE_POLICY)
    assert m.total_knowledge == 0.0 and m.exposure("v") == 0.0


def test_matrix_json_shape() -> None:
    data = exposure_matrix(TREE, ["huaxin", "tamsui"], TODAY, ARTICLE_POLICY).as_json()
    assert data["vendors"] == ["huaxin", "tamsui"]
    assert set(data["exposures"]) == {"huaxin", "tamsui"}
    assert data["rows"][1] == {
        "component": "afe-board",
        "cells": {
            "huaxin": {"level": "full", "share": pytest.approx(5 / 42)},
            "tamsui": {"level": "", "share": 0.0},
        },
    }


def test_a_vendor_seeing_every_member_of_a_critical_set_could_reproduce_it() -> None:
    assigned = assigned_by_vendor(TODAY, ["huaxin", "tamsui"])
    (today,) = critical_set_sights([BALANCING], assigned)
    assert today.seen_by == (
        ("huaxin", ("afe-board", "cal-fixture")),
        ("tamsui", ("balancing-fw",)),
    )
    assert today.could_reproduce == ()
    worse = assigned_by_vendor([*TODAY, Assignment("balancing-fw", "huaxin")])
    (flagged,) = critical_set_sights([BALANCING], worse)
    assert flagged.could_reproduce == ("huaxin",)


def test_an_interface_does_not_count_towards_a_critical_set() -> None:
    # bms is a member; huaxin sees it only as the interface above afe-board and cal-fixture.
    with_parent = CriticalSet("bms-whole", "BMS", ("bms", "afe-board"))
    (s,) = critical_set_sights([with_parent], assigned_by_vendor(TODAY))
    assert s.could_reproduce == ()
    assert s.seen_by == (("huaxin", ("afe-board",)),)


def test_critical_set_problems_say_what_to_fix() -> None:
    keys = {n.key for n in WORKED_TREE}
    sets = [
        CriticalSet("cell-balancing", "Cell balancing", ("afe-board", "cal-jig")),
        CriticalSet("cell-balancing", "", ("afe-board", "afe-board")),
        CriticalSet("bad key", "X", ("afe-board", "bms"), reveals="nowhere"),
    ]
    assert [str(p) for p in critical_set_problems(sets, keys)] == [
        "critical_sets[cell-balancing].members: 'cal-jig' is not a component of this "
        "engagement: correct the key, or add the component first",
        "critical_sets[cell-balancing]: the key is used by two critical sets: give each its own",
        "critical_sets[cell-balancing].name: give the critical set a name",
        "critical_sets[cell-balancing].members: afe-board named twice: name each component once",
        "critical_sets[cell-balancing].members: name at least two components: a single "
        "component that reveals a subsystem on its own is one to keep in-house",
        "critical_sets[bad key]: 'bad key' is not a valid key: use up to 64 letters, digits, "
        "'.', '_' or '-'",
        "critical_sets[bad key].reveals: 'nowhere' is not a component of this engagement",
    ]
    assert critical_set_problems([BALANCING], keys) == []
