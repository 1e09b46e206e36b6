"""How much of the product's knowledge the vendors see: the exposure a filing strategy weighs.

The filing strategy's protected value (docs/RISK.md, "Where to file") multiplies a country's
revenue by x, the share of the product's value a copier could take. firstfile takes x from
the outsourcing-risk analysis of part 1 (domain/risk/exposure.py): the knowledge the vendors
see together, as a share of the knowledge of every component of the engagement. Together,
because a copy made from what one vendor saw and what another saw can be sold in any market
(a competitor served by both, a subcontractor shared by both); each vendor's own figure is
kept beside it.

This module only combines part 1's functions; it holds no formula of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from firstfile.domain.json_ready import json_ready
from firstfile.domain.risk.exposure import (
    Assignment,
    exposure_matrix,
    knowledge_by_node,
    seen_knowledge,
    share,
    sight,
)
from firstfile.domain.risk.policy import FirewallPolicy
from firstfile.domain.risk.tree import ComponentTree


@dataclass(frozen=True, slots=True)
class KnowledgeExposure:
    """The share of the engagement's knowledge the vendors see, together and one by one."""

    combined: float  # 0..1: what the vendors see together (x in docs/RISK.md)
    by_vendor: tuple[tuple[str, float], ...]  # (vendor key, its own knowledge exposure)
    total_knowledge: float  # K: the knowledge of every component, kept in-house or not
    components: int  # how many components were weighed

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data; by_vendor as an object of vendor key to share."""
        data: dict[str, Any] = json_ready(self)
        data["by_vendor"] = dict(self.by_vendor)
        return data


def knowledge_exposure(
    tree: ComponentTree,
    vendors: Sequence[str],
    assignments: Iterable[Assignment],
    policy: FirewallPolicy,
) -> KnowledgeExposure:
    """The vendors' exposure to the knowledge of tree under policy.

    A component assigned to any vendor is seen in full, the interface of every component above
    it as an interface (part 1's reading of the tree); combined is that knowledge over K, 0
    when nothing is scored.
    """
    listed = list(assignments)
    matrix = exposure_matrix(tree, vendors, listed, policy)
    together = sight(tree, [assignment.component for assignment in listed])
    seen = seen_knowledge(together, knowledge_by_node(tree, policy), policy.interface_share)
    return KnowledgeExposure(
        combined=share(seen, matrix.total_knowledge),
        by_vendor=tuple(zip(matrix.vendors, matrix.exposures, strict=True)),
        total_knowledge=matrix.total_knowledge,
        components=len(tree),
    )
