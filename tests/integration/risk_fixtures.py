"""A small engagement for the outsourcing-risk tests, built through the real services.

The numbers are those of docs/RISK.md's worked example (section 9), so each figure can be
checked by hand: a BMS subsystem with an AFE board, balancing firmware and the SoC estimator
under it, and a calibration fixture, with Huaxin (contract manufacturer serving VoltCore),
Tamsui (design firm) and GD lab (test house).
"""

from __future__ import annotations

from datetime import date

from firstfile.interchange.document import (
    EngagementDoc,
    InterchangeDocument,
    VendorDoc,
)
from firstfile.services import risk
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store

ENGAGEMENT = "bms-risk"
ON = date(2026, 5, 4)


def reasons(value_add: int, differentiation: int, reverse: int, why: str) -> risk.ScoreChange:
    """Scores with a reason each, assessed by ana on ON."""
    return risk.ScoreChange(
        value_add=value_add,
        value_add_reason=f"{why}: value",
        differentiation=differentiation,
        differentiation_reason=f"{why}: differentiation",
        reverse_engineering_difficulty=reverse,
        reverse_engineering_difficulty_reason=f"{why}: reverse engineering",
        assessor="ana",
        assessed_on=ON,
    )


def build(store: Store) -> None:
    """The worked example's engagement: vendors from a file, the tree through the services."""
    import_document(
        store,
        InterchangeDocument(
            engagement=EngagementDoc(ENGAGEMENT, "BMS risk example", "BMS", "pre"),
            vendors=(
                VendorDoc(
                    "huaxin",
                    "Huaxin",
                    "contract-manufacturer",
                    "CN",
                    competitors=("VoltCore Mobility",),
                ),
                VendorDoc("tamsui", "Tamsui", "design-firm", "TW"),
                VendorDoc("gdlab", "GD lab", "test-house", "CN"),
            ),
        ),
        actor="seed",
    )
    for key, name, kind, parent, scores in (
        ("bms", "BMS", "hardware", "", (4, 4, 3)),
        ("afe-board", "AFE board", "hardware", "bms", (3, 3, 2)),
        ("balancing-fw", "Balancing firmware", "firmware", "bms", (4, 5, 4)),
        ("soc-estimator", "SoC estimator", "software", "bms", (5, 5, 5)),
        ("cal-fixture", "Calibration fixture", "test", "", (4, 4, 2)),
    ):
        risk.add_component(
            store,
            ENGAGEMENT,
            key,
            name=name,
            kind=kind,
            parent=parent,
            scores=reasons(*scores, why=key),
            actor="seed",
            today=ON,
        )
    for component, vendor in (
        ("afe-board", "huaxin"),
        ("cal-fixture", "huaxin"),
        ("balancing-fw", "tamsui"),
    ):
        risk.assign(store, ENGAGEMENT, component, vendor, actor="seed")
    risk.decide(
        store,
        ENGAGEMENT,
        "balancing-fw",
        "outsource-with-safeguards",
        reason="the balancing scheme is in the AFE maker's application note",
        actor="seed",
        today=ON,
    )
