"""The whole outsourcing-risk picture of an engagement: components, vendors, flags, actions."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from firstfile.domain.risk.assessment import (
    RiskInputs,
    TacticState,
    assess,
    input_problems,
)
from firstfile.domain.risk.exposure import Assignment, CriticalSet
from firstfile.domain.risk.tree import Decision, RiskInputError
from firstfile.domain.risk.vendor_risk import RiskVendor, Safeguard
from tests.unit.risk_samples import ARTICLE_POLICY, WORKED_TREE

ON = date(2026, 3, 2)
HUAXIN = RiskVendor(
    "huaxin",
    "Huaxin PCBA",
    "contract-manufacturer",
    ("VoltCore Mobility",),
    (Safeguard("field-of-business", "done", ON, "MSA clause 14.2"),),
)
TAMSUI = RiskVendor("tamsui", "Tamsui Embedded", "design-firm")
BALANCING = CriticalSet(
    "cell-balancing", "cell balancing", ("afe-board", "balancing-fw", "cal-fixture"), "bms"
)
INPUTS = RiskInputs(
    engagement_key="bms48",
    components=WORKED_TREE,
    vendors=(TAMSUI, HUAXIN),
    assignments=(
        Assignment("afe-board", "huaxin"),
        Assignment("cal-fixture", "huaxin", pinned=True),
        Assignment("balancing-fw", "tamsui"),
    ),
    critical_sets=(BALANCING,),
)


def with_(**changes: object) -> RiskInputs:
    return dataclasses.replace(INPUTS, **changes)  # type: ignore[arg-type]


def test_each_component_gets_its_recommendation_decision_and_knowledge() -> None:
    picture = assess(INPUTS, ARTICLE_POLICY)
    assert [c.key for c in picture.components] == [
        "bms",
        "afe-board",
        "balancing-fw",
        "soc-estimator",
        "cal-fixture",
    ]
    rows = {c.key: c for c in picture.components}
    assert rows["soc-estimator"].recommendation.disposition == "firewall"
    assert rows["soc-estimator"].depth == 1 and rows["soc-estimator"].parent == "bms"
    assert rows["afe-board"].disposition == "outsource"
    assert rows["bms"].disposition == "outsource-with-safeguards"
    fw = rows["balancing-fw"]
    assert fw.recommendation.disposition == "firewall"
    assert fw.disposition == "outsource-with-safeguards"
    assert fw.against_recommendation
    # balancing-fw: 10/12 of K = 42/12.
    assert fw.knowledge == pytest.approx(10 / 12)
    assert fw.knowledge_share == pytest.approx(10 / 42)
    assert rows["cal-fixture"].vendors == ("huaxin",)
    assert rows["cal-fixture"].pinned == ("huaxin",)


def test_vendors_come_highest_risk_first_with_the_worked_figures() -> None:
    picture = assess(INPUTS, ARTICLE_POLICY)
    # huaxin: exposure 1/3, one competitor (overlap 1/2), field of business in place (0.35):
    #   1/3 x (0.5 + 0.5 x 0.5 x 0.65) = 0.2208...; tamsui: 2/7 x 0.5 = 1/7 = 0.1428...
    assert [v.key for v in picture.vendors] == ["huaxin", "tamsui"]
    huaxin, tamsui = picture.vendors
    assert huaxin.exposure == pytest.approx(1 / 3)
    assert huaxin.risk == pytest.approx(0.6625 / 3)
    assert tamsui.risk == pytest.approx(1 / 7)
    assert huaxin.components == ("afe-board", "cal-fixture")
    assert picture.matrix.vendors == ("huaxin", "tamsui")
    assert picture.flags == ()
    assert picture.actions == ()


def test_a_firewalled_component_assigned_to_a_vendor_is_a_red_flag() -> None:
    picture = assess(
        with_(assignments=(*INPUTS.assignments, Assignment("soc-estimator", "huaxin"))),
        ARTICLE_POLICY,
    )
    (flag,) = picture.flags
    assert flag.kind == "firewall-assigned"
    assert flag.message == (
        "Soc Estimator (soc-estimator) is to be kept in-house (firewall) but is assigned to "
        "Huaxin PCBA"
    )
    # It is also offered the tactics that suit software, and stays red whatever their state.
    assert [(a.tactic, a.via) for a in picture.actions] == [("onshore-servers", ""), ("tracer", "")]


def test_a_vendor_seeing_a_whole_critical_set_is_flagged_on_the_set_and_the_vendor() -> None:
    picture = assess(
        with_(assignments=(*INPUTS.assignments, Assignment("balancing-fw", "huaxin"))),
        ARTICLE_POLICY,
    )
    (flag,) = picture.flags
    assert flag.kind == "could-reproduce"
    assert flag.message == (
        "Huaxin PCBA sees every part of cell balancing (afe-board, balancing-fw and "
        "cal-fixture) and could reproduce it"
    )
    assert picture.vendor("huaxin").could_reproduce == ("cell-balancing",)
    # The editor of a disclosure about any member shows it; one about soc-estimator does not.
    assert picture.flags_for_components(["afe-board"]) == (flag,)
    assert picture.flags_for_components(["soc-estimator"]) == ()


def test_a_firewalled_component_inside_what_a_vendor_makes_needs_a_design_tactic() -> None:
    touching = with_(assignments=(*INPUTS.assignments, Assignment("bms", "tamsui")))
    picture = assess(touching, ARTICLE_POLICY)
    assert [(a.component, a.vendor, a.via, a.tactic, a.status) for a in picture.actions] == [
        ("soc-estimator", "tamsui", "bms", "onshore-servers", "open"),
        ("soc-estimator", "tamsui", "bms", "tracer", "open"),
    ]
    (flag,) = picture.flags
    assert flag.kind == "firewall-touched"
    assert flag.message == (
        "Soc Estimator (soc-estimator) is to be kept in-house but goes into bms, which Tamsui "
        "Embedded makes, and no design tactic is in place (keep the algorithm on on-shore "
        "servers and add a tracer)"
    )
    done = TacticState("soc-estimator", "tamsui", "onshore-servers", "done", ON, "ticket OPS-12")
    guarded = assess(dataclasses.replace(touching, tactics=(done,)), ARTICLE_POLICY)
    assert guarded.flags == ()
    assert guarded.actions[0].status == "done" and guarded.actions[0].evidence == "ticket OPS-12"


def test_a_vendor_serving_a_competitor_without_any_safeguard_in_place() -> None:
    bare = dataclasses.replace(HUAXIN, safeguards=(Safeguard("exclusivity", "in-progress"),))
    picture = assess(with_(vendors=(TAMSUI, bare)), ARTICLE_POLICY)
    (flag,) = picture.flags
    assert flag.kind == "competitor-unguarded"
    assert flag.vendor == "huaxin"
    assert flag.message.startswith("Huaxin PCBA serves VoltCore Mobility and no safeguard is")


def test_a_decision_against_the_recommendation_without_a_reason_is_flagged_not_refused() -> None:
    silent = dataclasses.replace(
        WORKED_TREE[2], decision=Decision("outsource-with-safeguards", "", "ana", ON)
    )
    picture = assess(with_(components=(*WORKED_TREE[:2], silent, *WORKED_TREE[3:])), ARTICLE_POLICY)
    (flag,) = picture.flags
    assert flag.kind == "decision-unexplained"
    assert flag.component == "balancing-fw"


def test_flags_come_in_a_fixed_order_of_kinds() -> None:
    bare = dataclasses.replace(HUAXIN, safeguards=())
    picture = assess(
        with_(
            vendors=(TAMSUI, bare),
            assignments=(
                *INPUTS.assignments,
                Assignment("balancing-fw", "huaxin"),
                Assignment("soc-estimator", "huaxin"),
            ),
        ),
        ARTICLE_POLICY,
    )
    assert [f.kind for f in picture.flags] == [
        "firewall-assigned",
        "could-reproduce",
        "competitor-unguarded",
    ]


def test_bad_inputs_are_refused_with_every_problem() -> None:
    broken = with_(
        assignments=(
            Assignment("afe-board", "huaxin"),
            Assignment("afe-board", "huaxin"),
            Assignment("cal-jig", "nobody"),
        ),
        critical_sets=(CriticalSet("cs", "a set", ("afe-board", "cal-jig")),),
        tactics=(TacticState("soc-estimator", "tamsui", "prayer", "done"),),
    )
    assert [str(p) for p in input_problems(broken, ARTICLE_POLICY)] == [
        "assignments[afe-board, huaxin]: the same assignment is recorded twice",
        "assignments[cal-jig, nobody]: 'cal-jig' is not a component of this engagement",
        "assignments[cal-jig, nobody]: 'nobody' is not a vendor of this engagement: add the "
        "vendor to the engagement first",
        "critical_sets[cs].members: 'cal-jig' is not a component of this engagement: correct "
        "the key, or add the component first",
        "tactics[soc-estimator, tamsui, prayer]: 'prayer' is not a tactic of the policy: use "
        "one of onshore-servers, sealed-module, tracer",
        "tactics[soc-estimator, tamsui, prayer]: a tactic in place needs its date and where "
        "the evidence is",
    ]
    with pytest.raises(RiskInputError):
        assess(broken, ARTICLE_POLICY)


def test_the_json_has_the_shape_the_cli_promises_and_is_plain_json() -> None:
    data = assess(INPUTS, ARTICLE_POLICY).as_json()
    json.dumps(data)  # only plain JSON types
    first = data["components"][0]
    assert {
        "key",
        "value_add",
        "differentiation",
        "reverse_engineering_difficulty",
        "recommendation",
        "decision",
    } <= set(first)
    assert first["recommendation"] == "outsource-with-safeguards"
    assert data["components"][2]["decision"] == "outsource-with-safeguards"
    assert {"key", "exposure", "risk"} <= set(data["vendors"][0])
    assert 0 <= data["vendors"][0]["exposure"] <= 1
    assert data["flags"] == []
    assert data["critical_sets"][0]["seen_by"] == {
        "huaxin": ["afe-board", "cal-fixture"],
        "tamsui": ["balancing-fw"],
    }
