"""A small policy and tree for the outsourcing-risk tests, with every number in sight.

ARTICLE_POLICY is the article's three tests, each passing at 4 and weighing 1: keep in-house
when all three pass, outsource with safeguards when two do. Knowledge is then the plain mean
of (score - 1) / 4 over the three scores, so a node's knowledge is (sum of its scores - 3) / 12.
"""

from __future__ import annotations

from datetime import date

from firstfile.domain.risk.policy import FirewallPolicy, SafeguardRule, ScoreTest, Tactic
from firstfile.domain.risk.tree import ComponentNode, Decision, scored

ARTICLE_POLICY = FirewallPolicy(
    title="Article policy",
    source="seed article, practice 1",
    tests=(
        ScoreTest("value_add", 4, 1.0, "adds the most value", "adds ordinary value"),
        ScoreTest(
            "differentiation",
            4,
            1.0,
            "differentiates the product",
            "does not set the product apart",
        ),
        ScoreTest(
            "reverse_engineering_difficulty",
            4,
            1.0,
            "cannot be reverse engineered",
            "can be reverse engineered",
        ),
    ),
    firewall_at=3.0,
    safeguards_at=2.0,
    interface_share=0.25,
    no_competitor_share=0.5,
    competitors_for_full_overlap=2,
    safeguards=(
        SafeguardRule("field-of-business", 0.35, "Field-of-business restriction"),
        SafeguardRule("exclusivity", 0.35, "Exclusivity"),
        SafeguardRule("premium-rate", 0.15, "Premium rate for loyalty"),
        SafeguardRule("licensing-incentive", 0.15, "Licensing incentive on joint IP"),
    ),
    makes=(
        ("contract-manufacturer", ("hardware", "mechanical", "process", "test")),
        ("design-firm", ("hardware", "firmware", "software", "mechanical")),
        ("odm", ("hardware", "firmware", "software", "mechanical", "process", "test")),
        ("test-house", ("test",)),
    ),
    kind_aliases=(("pcb", "hardware"), ("algorithm", "software")),
    tactics=(
        Tactic(
            "sealed-module", "Supply a sealed module", kinds=("hardware", "firmware", "mechanical")
        ),
        Tactic(
            "onshore-servers",
            "Keep the algorithm on on-shore servers",
            kinds=("software", "firmware"),
        ),
        Tactic("tracer", "Add a tracer"),
    ),
)

ON = date(2026, 5, 4)


def node(
    key: str,
    kind: str,
    scores: tuple[int, int, int],
    parent: str = "",
    decision: str = "",
    reason: str = "",
) -> ComponentNode:
    """A node with bare scores; decision, when given, decided by 'ana' on ON."""
    return ComponentNode(
        key=key,
        name=key.replace("-", " ").title(),
        kind=kind,
        assessment=scored(*scores),
        parent=parent,
        decision=Decision(decision, reason, "ana", ON) if decision else None,
    )


# The worked example of docs/RISK.md. Knowledge = (sum of scores - 3) / 12:
#   bms            4+4+3 = 11 -> 8/12     (the subsystem: how its parts fit together)
#     afe-board    3+3+2 =  8 -> 5/12
#     balancing-fw 4+5+4 = 13 -> 10/12
#     soc-estimator 5+5+5 = 15 -> 12/12   (kept in-house)
#   cal-fixture    4+4+2 = 10 -> 7/12
# total K = 42/12 = 3.5. balancing-fw passes all three tests, but the decision is to outsource it
# with safeguards (a decision against the recommendation, with its reason).
WORKED_TREE = (
    node("bms", "hardware", (4, 4, 3)),
    node("afe-board", "hardware", (3, 3, 2), parent="bms"),
    node(
        "balancing-fw",
        "firmware",
        (4, 5, 4),
        parent="bms",
        decision="outsource-with-safeguards",
        reason="the balancing scheme is in the AFE maker's application note",
    ),
    node("soc-estimator", "software", (5, 5, 5), parent="bms"),
    node("cal-fixture", "test", (4, 4, 2)),
)
