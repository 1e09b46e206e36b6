"""Safeguards as stored: a checklist term ticked done without evidence is read, counted and
flagged; which checklist item is which safeguard."""

from __future__ import annotations

from datetime import date

from firstfile.domain.checklist import ItemDefinition
from firstfile.domain.risk.assessment import RiskInputs, assess
from firstfile.domain.risk.vendor_risk import (
    RiskVendor,
    Safeguard,
    safeguard_items,
    unproven,
    vendor_problems,
)
from tests.unit.risk_samples import ARTICLE_POLICY, WORKED_TREE

TICKED = Safeguard("exclusivity", "done", date(2026, 3, 2))  # no evidence: the checklist's way


def test_a_stored_safeguard_is_held_to_its_form_only() -> None:
    huaxin = RiskVendor("huaxin", "Huaxin", "contract-manufacturer", ("VoltCore",), (TICKED,))
    assert [p.field for p in vendor_problems([huaxin])] == [
        "vendors[huaxin].safeguards[exclusivity].evidence"]
    assert vendor_problems([huaxin], stored=True) == []
    bad = RiskVendor("h", "H", "odm", (), (Safeguard("bribe", "maybe"),))
    assert len(vendor_problems([bad], stored=True)) == 2


def test_a_safeguard_done_without_evidence_counts_and_is_flagged() -> None:
    assert unproven(TICKED) and not unproven(Safeguard("exclusivity", "in-progress"))
    assert unproven(Safeguard("exclusivity", "done", None, "signed"))
    huaxin = RiskVendor("huaxin", "Huaxin", "contract-manufacturer", ("VoltCore",), (TICKED,))
    picture = assess(RiskInputs("e", WORKED_TREE, (huaxin,)), ARTICLE_POLICY)
    assert picture.vendor("huaxin").in_place == 0.35
    [flag] = picture.flags
    assert (flag.kind, flag.vendor) == ("safeguard-unproven", "huaxin")
    assert "exclusivity is marked done without its evidence" in flag.message


def test_each_safeguard_is_the_first_checklist_item_tagged_with_it() -> None:
    items = [
        ItemDefinition("nda", "NDA", "g"),
        ItemDefinition("fob", "Field", "g", tags=("field-of-business",)),
        ItemDefinition("fob-2", "Field again", "g", tags=("field-of-business",)),
        ItemDefinition("excl", "Exclusivity", "g", tags=("exclusivity", "other")),
    ]
    assert safeguard_items(items) == {"field-of-business": "fob", "exclusivity": "excl"}
