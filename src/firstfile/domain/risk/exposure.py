"""What each vendor can see (seed article, practice 6): the exposure matrix, knowledge exposure
and critical sets.

How the tree is read (docs/RISK.md): a vendor assigned a node sees that node in full, and the
interface of every node above it (its parent, the parent's parent, ... up to the product),
never the inside of those ancestors, nor any sibling, nor anything below the node. A node seen
in full through one assignment and as an interface through another is seen in full.

Knowledge: each node holds k = sum over the tests of weight x (score - 1) / 4, divided by the
sum of the weights: 0 for a node scoring 1 on every test, 1 for one scoring 5 on every test.
A vendor sees k of a node in full and interface_share x k of an interface. Its knowledge
exposure is what it sees divided by K, the knowledge of every node of the engagement (kept
in-house or not): 0 sees nothing, 1 sees everything.

A critical set is a group of nodes that together reveal a subsystem; a vendor that sees every
member in full could reproduce it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from firstfile.domain.disclosure import Problem
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.risk.policy import FirewallPolicy
from firstfile.domain.risk.tree import Assessment, ComponentTree
from firstfile.domain.risk.vocabulary import FULL, INTERFACE, SCORE_MAX, SCORE_MIN, UNSEEN


@dataclass(frozen=True, slots=True)
class Assignment:
    """A vendor assigned a node; pinned assignments are kept by the best split."""

    component: str
    vendor: str
    pinned: bool = False


def knowledge(assessment: Assessment, policy: FirewallPolicy) -> float:
    """The node's knowledge, 0..1: the weighted mean of (score - 1) / 4 over the tests."""
    weights = sum(t.weight for t in policy.tests)
    if weights <= 0:
        return 0.0
    span = SCORE_MAX - SCORE_MIN
    return (
        sum(t.weight * (assessment.score(t.score).value - SCORE_MIN) / span for t in policy.tests)
        / weights
    )


def knowledge_by_node(tree: ComponentTree, policy: FirewallPolicy) -> dict[str, float]:
    """Every node's knowledge, in tree order."""
    return {node.key: knowledge(node.assessment, policy) for node in tree.nodes()}


def sight(tree: ComponentTree, assigned: Iterable[str]) -> dict[str, str]:
    """What a vendor assigned these nodes sees: node key -> FULL or INTERFACE (the rest unseen)."""
    chosen = [key for key in assigned if key in tree]
    seen = dict.fromkeys(chosen, FULL)
    for key in chosen:
        for ancestor in tree.ancestors(key):
            seen.setdefault(ancestor, INTERFACE)
    return seen


def seen_knowledge(
    seen: Mapping[str, str], knowledge_of: Mapping[str, float], interface_share: float
) -> float:
    """The knowledge a vendor with this sight sees: k in full, interface_share x k of an
    interface."""
    return sum(
        knowledge_of[key] * (1.0 if level == FULL else interface_share)
        for key, level in seen.items()
    )


def share(part: float, total: float) -> float:
    """part / total, 0 when there is no knowledge at all."""
    return part / total if total > 0 else 0.0


def assigned_by_vendor(
    assignments: Iterable[Assignment], vendors: Iterable[str] = ()
) -> dict[str, tuple[str, ...]]:
    """vendor -> the nodes assigned to it, in the order given (vendors listed first, empty)."""
    grouped: dict[str, list[str]] = {vendor: [] for vendor in vendors}
    for assignment in assignments:
        keys = grouped.setdefault(assignment.vendor, [])
        if assignment.component not in keys:
            keys.append(assignment.component)
    return {vendor: tuple(keys) for vendor, keys in grouped.items()}


@dataclass(frozen=True, slots=True)
class ExposureCell:
    """What one vendor sees of one node: the level and that part's share of K."""

    level: str  # FULL, INTERFACE or UNSEEN ("")
    share: float


@dataclass(frozen=True, slots=True)
class ExposureRow:
    """One node's row of the matrix: a cell per vendor, in the matrix's vendor order."""

    component: str
    cells: tuple[ExposureCell, ...]


@dataclass(frozen=True, slots=True)
class ExposureMatrix:
    """Vendors x nodes, from the assignments; each vendor's knowledge exposure (0..1)."""

    vendors: tuple[str, ...]
    rows: tuple[ExposureRow, ...]  # every node, in tree order
    exposures: tuple[float, ...]  # per vendor, in vendor order
    total_knowledge: float  # K

    def exposure(self, vendor: str) -> float:
        """The vendor's knowledge exposure."""
        return self.exposures[self.vendors.index(vendor)]

    @property
    def max_exposure(self) -> float:
        """The largest exposure of any vendor (0 with no vendors)."""
        return max(self.exposures, default=0.0)

    def as_json(self) -> dict[str, Any]:
        """{vendors, exposures, total_knowledge, rows: [{component, cells: {vendor: ...}}]}."""
        return {
            "vendors": list(self.vendors),
            "exposures": dict(zip(self.vendors, self.exposures, strict=True)),
            "total_knowledge": self.total_knowledge,
            "rows": [
                {
                    "component": row.component,
                    "cells": {
                        vendor: {"level": cell.level, "share": cell.share}
                        for vendor, cell in zip(self.vendors, row.cells, strict=True)
                    },
                }
                for row in self.rows
            ],
        }


def exposure_matrix(
    tree: ComponentTree,
    vendors: Sequence[str],
    assignments: Iterable[Assignment],
    policy: FirewallPolicy,
) -> ExposureMatrix:
    """The matrix for these vendors (in this order) and assignments to nodes of tree."""
    knowledge_of = knowledge_by_node(tree, policy)
    total = sum(knowledge_of.values())
    alpha = policy.interface_share
    assigned = assigned_by_vendor(assignments, vendors)
    sights = [sight(tree, assigned.get(vendor, ())) for vendor in vendors]
    rows = tuple(
        ExposureRow(
            key,
            tuple(
                ExposureCell(
                    seen.get(key, UNSEEN),
                    share(
                        knowledge_of[key]
                        * {FULL: 1.0, INTERFACE: alpha}.get(seen.get(key, UNSEEN), 0.0),
                        total,
                    ),
                )
                for seen in sights
            ),
        )
        for key in tree.order
    )
    exposures = tuple(share(seen_knowledge(seen, knowledge_of, alpha), total) for seen in sights)
    return ExposureMatrix(tuple(vendors), rows, exposures, total)


# --- critical sets ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriticalSet:
    """Nodes that together reveal a subsystem: no vendor should see all of them."""

    key: str
    name: str
    members: tuple[str, ...]  # node keys, at least two
    reveals: str = ""  # the key of the subsystem node it reveals, when it is in the tree
    note: str = ""


def critical_set_where(key: str) -> str:
    """The path of a critical set in problems."""
    return f"critical_sets[{key}]"


def critical_set_problems(sets: Sequence[CriticalSet], node_keys: Collection[str]) -> list[Problem]:
    """Every problem with the critical sets: keys, names, members that are not nodes of the
    engagement, repeated members, fewer than two members."""
    problems = []
    keys: set[str] = set()
    for critical in sets:
        where = critical_set_where(critical.key)
        if not is_valid_record_key(critical.key):
            problems.append(
                Problem(
                    where,
                    f"{critical.key!r} is not a valid key: use up to 64 "
                    "letters, digits, '.', '_' or '-'",
                )
            )
        if critical.key in keys:
            problems.append(
                Problem(where, "the key is used by two critical sets: give each its own")
            )
        keys.add(critical.key)
        if not critical.name.strip():
            problems.append(Problem(f"{where}.name", "give the critical set a name"))
        for member in critical.members:
            if member not in node_keys:
                problems.append(
                    Problem(
                        f"{where}.members",
                        f"{member!r} is not a component of this engagement: correct the key, or "
                        "add the component first",
                    )
                )
        repeated = sorted({m for m in critical.members if critical.members.count(m) > 1})
        if repeated:
            problems.append(
                Problem(
                    f"{where}.members",
                    f"{', '.join(repeated)} named twice: name each component once",
                )
            )
        if len(set(critical.members)) < 2:
            problems.append(
                Problem(
                    f"{where}.members",
                    "name at least two components: a single component that reveals a subsystem "
                    "on its own is one to keep in-house",
                )
            )
        if critical.reveals and critical.reveals not in node_keys:
            problems.append(
                Problem(
                    f"{where}.reveals",
                    f"{critical.reveals!r} is not a component of this engagement",
                )
            )
    return problems


@dataclass(frozen=True, slots=True)
class CriticalSetSight:
    """Who sees how much of one critical set, and which vendors could reproduce it."""

    key: str
    name: str
    members: tuple[str, ...]
    seen_by: tuple[tuple[str, tuple[str, ...]], ...]  # (vendor, members it sees in full)
    could_reproduce: tuple[str, ...]  # vendors that see every member in full


def critical_set_sights(
    sets: Iterable[CriticalSet], assigned: Mapping[str, Iterable[str]]
) -> tuple[CriticalSetSight, ...]:
    """For each set, each vendor that sees any member (in vendor order) and those seeing all.

    Only nodes assigned to the vendor count: an interface seen through a child does not show
    the inside a critical set is about.
    """
    held = {vendor: set(keys) for vendor, keys in assigned.items()}
    sights = []
    for critical in sets:
        seen_by = tuple(
            (vendor, tuple(m for m in critical.members if m in keys))
            for vendor, keys in held.items()
            if keys.intersection(critical.members)
        )
        whole = tuple(vendor for vendor, seen in seen_by if set(seen) == set(critical.members))
        sights.append(
            CriticalSetSight(critical.key, critical.name, critical.members, seen_by, whole)
        )
    return tuple(sights)


def completes_a_set(sets: Iterable[CriticalSet], held: Collection[str]) -> tuple[CriticalSet, ...]:
    """The sets whose every member is in held."""
    return tuple(s for s in sets if set(s.members) <= set(held))
