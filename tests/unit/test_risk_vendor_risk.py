"""Safeguards and the vendor risk figure, worked by hand.

risk = exposure x (b + (1 - b) x overlap x (1 - in_place)) with the article policy's b = 0.5,
overlap = min(competitors, 2) / 2 and safeguard weights 0.35 / 0.35 / 0.15 / 0.15.
"""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.domain.risk.vendor_risk import (
    RiskVendor,
    Safeguard,
    competitor_overlap,
    competitors_served,
    safeguard_problems,
    safeguards_in_place,
    vendor_problems,
    vendor_risk,
)
from tests.unit.risk_samples import ARTICLE_POLICY

ON = date(2026, 3, 2)
FOB_DONE = Safeguard("field-of-business", "done", ON, "MSA clause 14.2")


def vendor(competitors: tuple[str, ...] = (), *safeguards: Safeguard) -> RiskVendor:
    return RiskVendor("huaxin", "Huaxin", "contract-manufacturer", competitors, safeguards)


def test_the_worked_example_one_competitor_and_a_field_of_business_restriction() -> None:
    # overlap = 1/2; in place 0.35 (exclusivity only in progress);
    # risk = 1/3 x (0.5 + 0.5 x 0.5 x 0.65) = 1/3 x 0.6625 = 0.220833...
    v = vendor(("VoltCore Mobility",), FOB_DONE, Safeguard("exclusivity", "in-progress"))
    r = vendor_risk(v, 1 / 3, ARTICLE_POLICY)
    assert r.overlap == 0.5
    assert r.in_place == pytest.approx(0.35)
    assert r.risk == pytest.approx(0.6625 / 3)
    assert r.open_safeguards == ("exclusivity", "premium-rate", "licensing-incentive")


def test_a_vendor_serving_no_competitor_carries_half_its_exposure() -> None:
    # 2/7 x (0.5 + 0.5 x 0 x 1) = 1/7.
    assert vendor_risk(vendor(), 2 / 7, ARTICLE_POLICY).risk == pytest.approx(1 / 7)


def test_two_competitors_and_no_safeguard_is_the_whole_exposure() -> None:
    # overlap min(3, 2) / 2 = 1: risk = E x (0.5 + 0.5 x 1 x 1) = E.
    r = vendor_risk(vendor(("A", "B", "C")), 0.4, ARTICLE_POLICY)
    assert (r.overlap, r.risk) == (1.0, pytest.approx(0.4))


def test_every_safeguard_in_place_brings_it_back_to_half() -> None:
    kinds = ("field-of-business", "exclusivity", "premium-rate", "licensing-incentive")
    v = vendor(("A", "B"), *(Safeguard(k, "done", ON, "signed") for k in kinds))
    assert safeguards_in_place(v, ARTICLE_POLICY) == pytest.approx(1.0)
    assert vendor_risk(v, 0.4, ARTICLE_POLICY).risk == pytest.approx(0.2)


def test_only_a_safeguard_in_place_protects() -> None:
    v = vendor(
        ("A",),
        Safeguard("exclusivity", "not-applicable", ON, reason="too costly"),
        Safeguard("premium-rate", "open"),
    )
    assert safeguards_in_place(v, ARTICLE_POLICY) == 0.0


def test_competitors_are_counted_once_each_whatever_the_case_or_spacing() -> None:
    v = vendor(("VoltCore Mobility", "voltcore  mobility", " ", "Pedalion GmbH"))
    assert competitors_served(v) == ("VoltCore Mobility", "Pedalion GmbH")
    assert competitor_overlap(v, ARTICLE_POLICY) == 1.0


def test_a_safeguard_in_place_needs_its_date_and_evidence() -> None:
    assert [str(p) for p in safeguard_problems("huaxin", Safeguard("exclusivity", "done"))] == [
        "vendors[huaxin].safeguards[exclusivity].on: give the date the safeguard came into force",
        "vendors[huaxin].safeguards[exclusivity].evidence: say where the evidence is (the "
        "signed clause, the rate card, ...)",
    ]
    assert safeguard_problems("huaxin", FOB_DONE) == []


def test_unknown_kinds_statuses_and_a_ruled_out_safeguard_without_a_reason() -> None:
    assert [str(p) for p in safeguard_problems("h", Safeguard("bribe", "maybe"))] == [
        "vendors[h].safeguards[bribe]: 'bribe' is not a safeguard: use one of "
        "field-of-business, exclusivity, premium-rate, licensing-incentive",
        "vendors[h].safeguards[bribe].status: 'maybe' is not a status: use one of open, "
        "in-progress, done, not-applicable",
    ]
    assert [
        str(p) for p in safeguard_problems("h", Safeguard("premium-rate", "not-applicable"))
    ] == ["vendors[h].safeguards[premium-rate].reason: say why the safeguard does not apply"]


def test_vendor_problems_find_repeats() -> None:
    twice = vendor((), FOB_DONE, FOB_DONE)
    assert [str(p) for p in vendor_problems([twice, twice])] == [
        "vendors[huaxin].safeguards[field-of-business]: recorded twice: keep one record per "
        "safeguard",
        "vendors[huaxin]: the vendor is listed twice",
        "vendors[huaxin].safeguards[field-of-business]: recorded twice: keep one record per "
        "safeguard",
    ]
