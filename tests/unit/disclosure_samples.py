"""A fully populated disclosure for rendering and export tests: every field has a distinct value.

`sample_view()` has two inventors (one of our own staff, one from a vendor, so it is joint)
and two events. Pass keyword overrides to change any field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from firstfile.domain.views import DisclosureView, EventView, InventorView


def sample_inventors() -> tuple[InventorView, ...]:
    """An internal engineer and a vendor's engineer, 60/40."""
    return (
        InventorView(
            person_key="a.okafor",
            name="Adaeze Okafor",
            email="adaeze.okafor@example.com",
            organization="internal",
            organization_name="Northwind Instruments",
            is_vendor=False,
            role="inventor",
            contribution=60.0,
        ),
        InventorView(
            person_key="l.chen",
            name="Li Chen",
            email="li.chen@shenzhen-pcba.example.cn",
            organization="shenzhen-pcba",
            organization_name="Shenzhen PCBA Works",
            is_vendor=True,
            role="inventor",
            contribution=40.0,
        ),
    )


def sample_events() -> tuple[EventView, ...]:
    """A disclosure to the vendor under NDA and a planned trade-show talk."""
    return (
        EventView(
            kind="vendor-disclosure-nda",
            date=date(2026, 2, 3),
            jurisdiction="CN",
            reference="NNN-2025-17",
            note="Shared layout files with the vendor's DFM team",
        ),
        EventView(
            kind="public-disclosure",
            date=date(2026, 6, 15),
            jurisdiction="DE",
            reference="embedded world talk",
            note="Planned conference talk",
        ),
    )


def sample_view(**overrides: Any) -> DisclosureView:
    """A DisclosureView with every field filled in; keyword arguments replace fields."""
    view = DisclosureView(
        key="FF-2026-0007",
        title="Self-calibrating current sense amplifier",
        status="submitted",
        summary="A current sense stage that calibrates its own offset at every power-up.",
        engagement_key="pcba-2026",
        engagement_name="Main board assembly 2026",
        phase="during",
        submitter="Adaeze Okafor",
        business_unit="Power Electronics / Gen-3 charger",
        submitted_on=date(2026, 3, 2),
        problem="Offset drift of shunt amplifiers forces a factory calibration step.",
        description=(
            "The amplifier shorts its inputs through a MOSFET at power-up.\n"
            "The ADC stores the offset and subtracts it from every sample."
        ),
        variants="A chopper-stabilised amplifier could replace the MOSFET switch.",
        advantages="Removes the end-of-line calibration station.",
        prior_art="US 9,000,001 B2 calibrates at the factory only.",
        conception_date=date(2025, 11, 20),
        reduction_to_practice_date=date(2026, 1, 14),
        prototype_exists=True,
        records_location="Lab notebook LN-42, pages 10-14; PLM item 88123",
        third_parties="Shenzhen PCBA Works under NNN agreement NNN-2025-17; Li Chen present.",
        jurisdictions="US, EP, CN",
        reverse_engineerable=False,
        completed_in_china=True,
        inventors=sample_inventors(),
        events=sample_events(),
        components=("current-sense", "adc-firmware"),
        created_at=datetime(2026, 2, 1, 9, 30),
        updated_at=datetime(2026, 3, 2, 17, 5),
        version=3,
    )
    return replace(view, **overrides)
