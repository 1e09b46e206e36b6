"""The fingerprint a split carries: the same data gives the same one, any change another."""

from __future__ import annotations

from dataclasses import replace

from firstfile.domain.risk.assessment import RiskInputs
from firstfile.domain.risk.exposure import Assignment
from firstfile.domain.risk.fingerprint import fingerprint
from firstfile.domain.risk.tree import scored
from firstfile.domain.risk.vendor_risk import RiskVendor
from tests.unit.risk_samples import ARTICLE_POLICY, ON, WORKED_TREE

INPUTS = RiskInputs(
    engagement_key="bms",
    components=WORKED_TREE,
    vendors=(RiskVendor("huaxin", "Huaxin", "odm"), RiskVendor("tamsui", "Tamsui", "design-firm")),
    assignments=(Assignment("afe-board", "tamsui"), Assignment("cal-fixture", "huaxin")),
)


def test_equal_data_gives_the_same_fingerprint() -> None:
    rebuilt = replace(INPUTS, components=tuple(replace(n) for n in WORKED_TREE))
    assert fingerprint(rebuilt, ARTICLE_POLICY) == fingerprint(INPUTS, ARTICLE_POLICY)
    assert len(fingerprint(INPUTS, ARTICLE_POLICY)) == 64


def test_any_change_of_the_inputs_or_the_policy_changes_it() -> None:
    base = fingerprint(INPUTS, ARTICLE_POLICY)
    rescored = replace(
        INPUTS,
        components=(
            replace(WORKED_TREE[0], assessment=scored(4, 4, 4, "ana", ON)),
            *WORKED_TREE[1:],
        ),
    )
    pinned = replace(
        INPUTS,
        assignments=(
            Assignment("afe-board", "tamsui", pinned=True),
            Assignment("cal-fixture", "huaxin"),
        ),
    )
    policy = replace(ARTICLE_POLICY, interface_share=0.3)
    assert (
        len(
            {
                base,
                fingerprint(rescored, ARTICLE_POLICY),
                fingerprint(pinned, ARTICLE_POLICY),
                fingerprint(INPUTS, policy),
            }
        )
        == 4
    )
