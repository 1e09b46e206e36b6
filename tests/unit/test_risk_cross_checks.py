"""The risk cross-checks beside the checklist's: on the engagement and on each disclosure."""

from __future__ import annotations

from firstfile.domain.phase_guide import ComponentFacts, EngagementFacts
from firstfile.domain.risk.cross_checks import disclosure_risk_flags, engagement_risk_flags
from firstfile.domain.risk.exposure import CriticalSet

NAMES = {"huaxin": "Huaxin", "tamsui": "Tamsui"}
BALANCING = CriticalSet("cell-balancing", "cell balancing", ("afe", "fw", "jig"))


def facts(*components: ComponentFacts) -> EngagementFacts:
    return EngagementFacts(
        phase="pre", vendor_names=NAMES, components=components, critical_sets=(BALANCING,)
    )


def test_a_vendor_holding_a_whole_set_is_flagged_on_the_engagement() -> None:
    whole = facts(
        ComponentFacts("afe", "AFE", "", ("huaxin",)),
        ComponentFacts("fw", "FW", "", ("huaxin", "tamsui")),
        ComponentFacts("jig", "Jig", "outsource", ("huaxin",)),
    )
    [flag] = engagement_risk_flags(whole)
    assert (flag.kind, flag.vendor_key, flag.vendor_name, flag.disclosure_key) == (
        "could-reproduce",
        "huaxin",
        "Huaxin",
        "",
    )
    assert flag.message == (
        "Huaxin holds every part of cell balancing (afe, fw and jig) and could reproduce it"
    )
    # Two of three is not the whole set.
    apart = facts(
        ComponentFacts("afe", "AFE", "", ("huaxin",)),
        ComponentFacts("fw", "FW", "", ("tamsui",)),
        ComponentFacts("jig", "Jig", "", ("huaxin",)),
    )
    assert engagement_risk_flags(apart) == []


def test_a_component_decided_in_house_but_assigned_is_flagged() -> None:
    [flag] = engagement_risk_flags(
        facts(
            ComponentFacts("soc", "SoC", "firewall", ("tamsui",)),
            ComponentFacts("afe", "AFE", "", ("tamsui",)),
        )
    )
    assert (flag.kind, flag.vendor_key) == ("firewall-assigned", "tamsui")
    assert flag.message == "SoC (soc) is to be kept in-house (firewall) but is assigned to Tamsui"
    # Without a decision nothing says it is to be kept in-house: no flag.
    assert engagement_risk_flags(facts(ComponentFacts("soc", "SoC", "", ("tamsui",)))) == []


def test_every_disclosure_about_a_member_carries_the_flag() -> None:
    whole = facts(
        ComponentFacts("afe", "AFE", "", ("huaxin",)),
        ComponentFacts("fw", "FW", "", ("huaxin",)),
        ComponentFacts("jig", "Jig", "", ("huaxin",)),
        ComponentFacts("case", "Case", "", ("huaxin",)),
    )
    about = {"FF-2026-0001": ("jig",), "FF-2026-0002": ("case",), "FF-2026-0003": ("afe", "fw")}
    flags = disclosure_risk_flags(whole, about)
    assert [(f.disclosure_key, f.kind, f.vendor_key) for f in flags] == [
        ("FF-2026-0001", "could-reproduce", "huaxin"),
        ("FF-2026-0003", "could-reproduce", "huaxin"),
    ]
