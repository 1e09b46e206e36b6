"""The best split against brute force on random small engagements: the solver's suggestion must
be feasible and optimal (largest exposure, then fewest moves), and it must refuse exactly the
engagements for which no split exists.

Brute force tries every way of giving each component to place to a vendor that can make it,
drops those that give a vendor a whole critical set, and measures each with the exposure
matrix (domain/risk/exposure.py), independently of the program's linear form.
"""

from __future__ import annotations

from itertools import product

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from firstfile.analysis.split_solver import solve_split
from firstfile.domain.risk.assessment import RiskInputs
from firstfile.domain.risk.exposure import (
    Assignment,
    CriticalSet,
    assigned_by_vendor,
    exposure_matrix,
)
from firstfile.domain.risk.policy import disposition_of
from firstfile.domain.risk.tree import ComponentNode, Decision, RiskInputError, build_tree, scored
from firstfile.domain.risk.vendor_risk import RiskVendor
from firstfile.domain.risk.vocabulary import COMPONENT_KINDS, DISPOSITIONS
from firstfile.domain.vocabulary import VENDOR_KINDS
from tests.unit.risk_samples import ARTICLE_POLICY

POLICY = ARTICLE_POLICY
SAME = 1e-9


@st.composite
def engagements(draw: st.DrawFn) -> RiskInputs:
    """Up to 6 nodes in a random tree, 1-3 vendors of random kinds, some of today's
    assignments (some pinned), up to two critical sets."""
    count = draw(st.integers(1, 6))
    nodes = []
    for i in range(count):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        decided = draw(st.one_of(st.none(), st.sampled_from(DISPOSITIONS)))
        nodes.append(
            ComponentNode(
                key=f"n{i}",
                name=f"Node {i}",
                kind=draw(st.sampled_from(COMPONENT_KINDS)),
                assessment=scored(*draw(st.tuples(*[st.integers(1, 5)] * 3))),
                parent="" if parent is None else f"n{parent}",
                decision=Decision(decided, "because", "ana") if decided else None,
            )
        )
    vendors = tuple(
        RiskVendor(f"v{j}", f"Vendor {j}", draw(st.sampled_from(VENDOR_KINDS)))
        for j in range(draw(st.integers(1, 3)))
    )
    today = draw(
        st.lists(
            st.tuples(st.integers(0, count - 1), st.integers(0, len(vendors) - 1), st.booleans()),
            max_size=5,
            unique_by=lambda t: (t[0], t[1]),
        )
    )
    sets = (
        draw(
            st.lists(
                st.lists(st.integers(0, count - 1), min_size=2, max_size=3, unique=True),
                max_size=2,
            )
        )
        if count >= 2
        else []
    )
    return RiskInputs(
        "e",
        tuple(nodes),
        vendors,
        tuple(Assignment(f"n{c}", f"v{v}", pinned) for c, v, pinned in today),
        tuple(
            CriticalSet(f"s{i}", f"set {i}", tuple(f"n{m}" for m in members))
            for i, members in enumerate(sets)
        ),
    )


def brute_force(inputs: RiskInputs) -> tuple[float, int] | None:
    """(smallest largest exposure, most of today's assignments kept with it), or None."""
    tree = build_tree(inputs.components)
    kept = [a for a in inputs.assignments if a.pinned or tree.children(a.component)]
    kept_nodes = {a.component for a in kept}
    to_place = [
        key
        for key in tree.order
        if not tree.children(key)
        and key not in kept_nodes
        and disposition_of(tree.node(key), POLICY) != "firewall"
    ]
    options = [
        [v.key for v in inputs.vendors if POLICY.can_make(v.kind, tree.node(key).kind)]
        for key in to_place
    ]
    today = {(a.component, a.vendor) for a in inputs.assignments}
    vendors = [v.key for v in inputs.vendors]
    best: tuple[float, int] | None = None
    for choice in product(*options):
        split = [*kept, *(Assignment(k, v) for k, v in zip(to_place, choice, strict=True))]
        held = assigned_by_vendor(split)
        if any(set(s.members) <= set(keys) for s in inputs.critical_sets for keys in held.values()):
            continue
        largest = exposure_matrix(tree, vendors, split, POLICY).max_exposure
        moves_kept = sum(pair in today for pair in zip(to_place, choice, strict=True))
        if (
            best is None
            or largest < best[0] - SAME
            or (abs(largest - best[0]) <= SAME and moves_kept > best[1])
        ):
            best = (largest, moves_kept)
    return best


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engagements())
def test_the_split_is_feasible_and_as_good_as_brute_force(inputs: RiskInputs) -> None:
    best = brute_force(inputs)
    event("no split exists" if best is None else "a split exists")
    if best is None:
        try:
            solve_split(inputs, POLICY, tolerance=0.0)
        except RiskInputError as refused:
            assert refused.problems  # and each says what to fix
            return
        raise AssertionError("a split was suggested where brute force finds none")
    result = solve_split(inputs, POLICY, tolerance=0.0)
    event(f"{len(result.moves)} moves")
    assert abs(result.suggested.max_exposure - best[0]) <= SAME
    assert result.proven_optimal
    assert abs(result.lower_bound - best[0]) <= SAME

    tree = build_tree(inputs.components)
    suggested = result.assignments()
    pairs = {(a.component, a.vendor) for a in suggested}
    by_component: dict[str, list[str]] = {}
    for a in suggested:
        by_component.setdefault(a.component, []).append(a.vendor)
    kinds = {v.key: v.kind for v in inputs.vendors}
    today = {(a.component, a.vendor) for a in inputs.assignments}
    # Every pin and every subsystem assignment stays.
    kept = {
        (a.component, a.vendor)
        for a in inputs.assignments
        if a.pinned or tree.children(a.component)
    }
    assert kept <= pairs
    kept_nodes = {c for c, _ in kept}
    moves_kept = 0
    for node in tree.nodes():
        vendors = by_component.get(node.key, [])
        if node.key in kept_nodes or tree.children(node.key):
            assert {(node.key, v) for v in vendors} <= kept
        elif disposition_of(node, POLICY) == "firewall":
            assert vendors == []  # kept in-house: no vendor
        else:
            (vendor,) = vendors  # exactly one vendor, one that can make it
            assert POLICY.can_make(kinds[vendor], node.kind)
            moves_kept += (node.key, vendor) in today
    held = assigned_by_vendor(suggested)
    for s in inputs.critical_sets:
        assert not any(set(s.members) <= set(keys) for keys in held.values())
    assert moves_kept == best[1]
