"""The agreement checklist's pure rules: conditions, completeness, blockers, cross-checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest

from firstfile.domain.checklist import (
    COMPETITOR_FLAG,
    JOINT_IP_FLAG,
    ItemDefinition,
    ItemState,
    JointDisclosure,
    VendorFacts,
    applicable_items,
    build_checklist,
    competitor_flags,
    joint_ip_flags,
    needs_override,
    state_problems,
    vendor_terms,
)
from firstfile.services.checklist_items import load_items

Items = list[ItemDefinition]
NNN_IDS = {"nnn-non-disclosure", "nnn-non-use", "nnn-non-circumvention", "nnn-local-law"}
COMPETITOR_IDS = {"field-of-business", "exclusivity", "licensing-incentives"}


@pytest.fixture(scope="module")
def items() -> list[ItemDefinition]:
    load = load_items([])
    assert load.problems == []
    return load.items


def vendor(country: str, *, competitor: bool = False, kind: str = "contract-manufacturer",
           key: str = "v") -> VendorFacts:
    return VendorFacts(key=key, name=f"Vendor {key}", kind=kind, country=country,
                       serves_competitor=competitor)


def ids(items: Iterable[ItemDefinition]) -> set[str]:
    return {item.id for item in items}


def test_a_vendor_in_china_gets_the_nnn_items_and_no_plain_nda(items: Items) -> None:
    chosen = ids(applicable_items(items, vendor("CN")))
    assert chosen >= NNN_IDS
    assert "nda" not in chosen


@pytest.mark.parametrize("country", ["US", "MX", "TW", "MY", ""])
def test_a_vendor_elsewhere_gets_a_plain_nda_and_no_nnn(items: Items, country: str) -> None:
    chosen = ids(applicable_items(items, vendor(country)))
    assert not NNN_IDS & chosen
    assert "nda" in chosen


def test_country_codes_match_whatever_their_case(items: Items) -> None:
    assert ids(applicable_items(items, vendor("cn"))) >= NNN_IDS


def test_competitor_terms_only_for_a_vendor_serving_a_known_competitor(items: Items) -> None:
    assert ids(applicable_items(items, vendor("MY", competitor=True))) >= COMPETITOR_IDS
    assert not COMPETITOR_IDS & ids(applicable_items(items, vendor("MY", competitor=False)))


def test_every_vendor_gets_the_ownership_and_return_terms(items: Items) -> None:
    for facts in (vendor("CN"), vendor("US", kind="test-house"), vendor("MX", competitor=True)):
        assert {"joint-ip-ownership", "improvements-assigned", "background-ip",
                "return-destruction", "verbal-reinforcement"} <= ids(applicable_items(items, facts))


def test_a_checklist_is_complete_when_every_item_is_done_or_ruled_out(items: Items) -> None:
    facts = vendor("US")
    applicable = applicable_items(items, facts)
    states = {item.id: ItemState(status="done", done_on=date(2026, 3, 1)) for item in applicable}
    assert build_checklist(items, facts, states).complete
    last = applicable[-1].id
    states[last] = ItemState(status="in-progress")
    assert not build_checklist(items, facts, states).complete
    states[last] = ItemState(status="not-applicable", reason="no tooling in this job")
    assert build_checklist(items, facts, states).complete


def test_open_critical_items_block_only_the_move_to_during(items: Items) -> None:
    checklist = build_checklist(items, vendor("CN", key="sz"), {})
    critical = {item.id for item in applicable_items(items, vendor("CN")) if item.critical}
    assert {b.item_id for b in needs_override("during", [checklist])} == critical
    assert needs_override("post", [checklist]) == ()
    assert needs_override("closed", [checklist]) == ()
    settled = {i: ItemState(status="done") for i in critical}
    assert needs_override("during", [build_checklist(items, vendor("CN"), settled)]) == ()


def test_not_applicable_needs_a_reason_and_statuses_are_checked() -> None:
    assert state_problems(ItemState(status="not-applicable")) != []
    assert state_problems(ItemState(status="not-applicable", reason="no moulds")) == []
    assert state_problems(ItemState(status="finished")) != []
    assert state_problems(ItemState(status="in-progress")) == []


def test_a_joint_disclosure_is_flagged_until_joint_ownership_is_done(items: Items) -> None:
    facts = vendor("CN", key="huaxin")
    joint = [JointDisclosure("FF-2026-0002", "Calibration", ("huaxin",))]
    open_list = {"huaxin": build_checklist(items, facts, {})}
    flags = joint_ip_flags(joint, open_list)
    assert [(f.kind, f.disclosure_key, f.vendor_key) for f in flags] == [
        (JOINT_IP_FLAG, "FF-2026-0002", "huaxin")]
    # Not applicable is not an agreement about ownership: still flagged.
    ruled_out = {"joint-ip-ownership": ItemState(status="not-applicable", reason="none")}
    assert joint_ip_flags(joint, {"huaxin": build_checklist(items, facts, ruled_out)})
    agreed = {"joint-ip-ownership": ItemState(status="done")}
    assert joint_ip_flags(joint, {"huaxin": build_checklist(items, facts, agreed)}) == []


def test_a_vendor_inventor_with_no_checklist_at_all_is_flagged(items: Items) -> None:
    joint = [JointDisclosure("FF-2026-0009", "x", ("stranger",))]
    assert [f.vendor_key for f in joint_ip_flags(joint, {})] == ["stranger"]


def test_a_vendor_serving_a_competitor_needs_field_or_exclusivity(items: Items) -> None:
    facts = vendor("MY", competitor=True, key="bayan")
    assert [f.kind for f in competitor_flags([build_checklist(items, facts, {})])] == [
        COMPETITOR_FLAG]
    for tag_item in ("field-of-business", "exclusivity"):
        done = {tag_item: ItemState(status="done")}
        assert competitor_flags([build_checklist(items, facts, done)]) == []
    # A vendor serving no competitor is never flagged.
    assert competitor_flags([build_checklist(items, vendor("MY"), {})]) == []


def test_vendor_terms_leave_out_ruled_out_and_internal_only_items(items: Items) -> None:
    facts = vendor("CN")
    terms = vendor_terms(items, facts, not_applicable={"tooling"})
    titles = [t.title for t in terms]
    assert "Tooling and moulds" not in titles
    # The verbal reinforcement is the company's own record, not a term to agree.
    assert not any("verbally" in t for t in titles)
    assert [t.number for t in terms] == list(range(1, len(terms) + 1))
    assert all(t.text for t in terms)
