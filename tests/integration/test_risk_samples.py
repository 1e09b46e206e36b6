"""The sample engagements show the outsourcing-risk analysis with something in it: a vendor
that could reproduce a subsystem, and a best split that changes who makes what."""

from __future__ import annotations

import pytest

from firstfile.services import risk, risk_split
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import AQ7, BMS, import_samples


@pytest.fixture
def samples(sqlite_store: Store) -> Store:
    import_samples(sqlite_store)
    return sqlite_store


def test_the_bms_sample_shows_huaxin_could_reproduce_cell_balancing(samples: Store) -> None:
    picture = risk.assessment(samples, BMS)
    kinds = {(f.kind, f.vendor) for f in picture.flags}
    assert ("could-reproduce", "huaxin-pcba") in kinds
    assert ("competitor-unguarded", "huaxin-pcba") in kinds  # restriction only in progress
    assert picture.vendors[0].key == "huaxin-pcba"  # highest risk first
    soc = picture.component("soc-estimator")
    assert soc.disposition == "firewall" and soc.vendors == ()
    eol = picture.component("eol-station")
    assert eol.against_recommendation and eol.decision and eol.decision.reason
    # The estimator inside the module Huaxin builds is sealed: no firewall-touched flag.
    assert "firewall-touched" not in {f.kind for f in picture.flags}
    result = risk_split.best_split(samples, BMS).result
    moved = {m.component: m.after for m in result.moves}
    # Huaxin, a contract manufacturer, loses the firmware source; no vendor keeps the set.
    assert moved["bms-firmware"] == ("tamsui-embedded",)
    assert result.suggested.max_exposure < result.current.max_exposure
    assert result.suggested.could_reproduce == ()


def test_the_sensor_sample_shows_the_mexican_line_could_reproduce_the_sensor(
    samples: Store,
) -> None:
    picture = risk.assessment(samples, AQ7)
    assert ("could-reproduce", "tlaquepaque-ems") in {(f.kind, f.vendor) for f in picture.flags}
    bayan = picture.vendor("bayan-ems")
    # Aerosense's builder: its field-of-business restriction is in place, exclusivity is not.
    assert bayan.competitors == ("Aerosense Inc.",) and 0 < bayan.in_place < 1
    result = risk_split.best_split(samples, AQ7).result
    assert result.moves and result.suggested.could_reproduce == ()
    assert result.suggested.max_exposure < result.current.max_exposure
    # Pins hold: the optics, the chamber and the second-sourced board stay where they are.
    suggested = result.suggested.as_json()["assignment"]
    assert suggested["ndir-cavity"] == ["tlaquepaque-ems"]
    assert sorted(suggested["main-pcb"]) == ["bayan-ems", "tlaquepaque-ems"]
