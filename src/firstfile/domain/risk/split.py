"""The best split of the outsourced work across vendors (seed article, practice 6), as plain data.

"When done properly, no single outsourcing partner may understand enough of your proprietary
technology to reproduce or divulge this information." The split assigns every component (a
leaf of the tree) to be outsourced (decided, else recommended, "outsource" or "outsource with
safeguards") that has no pinned assignment to exactly one vendor, so that

- the largest knowledge exposure of any vendor is as small as it can be (the objective);
- no vendor is assigned every member of a critical set;
- each vendor gets only components of a kind its vendor kind makes (the policy's `makes`);
- every pinned assignment stays, and components kept in-house go to no vendor.

A node with children (a subsystem) is never moved: who integrates a subsystem is the user's
call, so each of its assignments is kept as it is, like a pin, and counts in the exposures.

Among the splits with that smallest largest exposure, the one keeping most of today's
assignments is suggested (moving work between vendors costs money and goodwill).

This module states the problem as a mixed-integer linear program in plain numbers
(`split_program`); `analysis/split_solver.py` hands it to HiGHS, which proves the optimum, and
`split_result` lays today's assignment beside the suggestion. Before any of that, `split_problem`
finds the problems that make a split impossible and names the component no vendor can take.

The program (docs/RISK.md gives it in full): x[c,v] in {0,1} for each component c to place and
each vendor v that can make it, with sum over v of x[c,v] = 1; t >= 0; for each vendor v,

    fixed_v + sum over nodes c of (1 - a) k_c x[c,v] + a k_c w[c,v]  <=  t

where fixed_v is what v sees through the assignments kept (pins, subsystems), a the interface
share, and w[c,v] in [0,1] with w[c,v] >= x[d,v] for c itself and every placed component d
below c (so w can be 0 only when v sees nothing of c). When v already sees c's interface
through a kept assignment, w is the constant 1; when nothing below c can go to v, the w term is
left out (and k_c x[c,v] stands alone). For each critical set S and vendor v that could
otherwise hold all of it: sum over placed members of x[m,v] <= |S| - 1 - (members kept with
v). Minimise t.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from math import lcm
from typing import Any

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.assessment import RiskInputs, input_problems
from firstfile.domain.risk.exposure import (
    Assignment,
    CriticalSet,
    assigned_by_vendor,
    critical_set_sights,
    exposure_matrix,
    knowledge_by_node,
)
from firstfile.domain.risk.policy import FirewallPolicy, disposition_of, listing
from firstfile.domain.risk.tree import ComponentTree, RiskInputError, build_tree, where
from firstfile.domain.risk.vendor_risk import RiskVendor
from firstfile.domain.risk.vocabulary import FIREWALL, SCORE_MAX, SCORE_MIN

INFINITY = float("inf")


@dataclass(frozen=True, slots=True)
class SplitProblem:
    """The split as numbers: nodes and vendors by index, what may go where, what is fixed."""

    vendors: tuple[str, ...]  # every vendor of the engagement
    components: tuple[str, ...]  # every node, in tree order
    knowledge: tuple[float, ...]  # k of each node
    ancestors: tuple[tuple[int, ...], ...]  # each node's ancestors, nearest first
    placed: tuple[int, ...]  # the nodes the split assigns, in tree order
    admissible: tuple[tuple[int, ...], ...]  # for each placed node: vendors that can take it
    fixed: tuple[tuple[int, int, bool], ...]  # (node, vendor, pinned): assignments kept
    critical_sets: tuple[tuple[str, tuple[int, ...]], ...]  # (name, members)
    current: tuple[tuple[int, int], ...]  # (node, vendor): today's assignments
    total_knowledge: float  # K
    # Each node's knowledge in the program's unit, split into what its interface shows and
    # the rest: (a x k, (1 - a) x k) / unit. When the policy's numbers are exact decimals the
    # unit is chosen so that both are whole numbers (integral), and so is every exposure.
    weights: tuple[tuple[float, float], ...]
    unit: float  # knowledge per program unit
    integral: bool

    def without(self, index: int) -> SplitProblem:
        """The same problem with the placed node `index` taken out (kept in-house)."""
        keep = [i for i, p in enumerate(self.placed) if p != index]
        return replace(
            self,
            placed=tuple(self.placed[i] for i in keep),
            admissible=tuple(self.admissible[i] for i in keep),
        )

    def exposure(self, units: float) -> float:
        """A program value in units as a share of K."""
        return units * self.unit / self.total_knowledge if self.total_knowledge > 0 else 0.0


def split_problem(
    inputs: RiskInputs, policy: FirewallPolicy, candidates: Collection[str] | None = None
) -> SplitProblem:
    """The split of inputs under policy, or RiskInputError saying why none is possible.

    candidates: the vendors that may be given work (default: every vendor of the engagement);
    the others keep what the split keeps (pins, subsystems) and lose the rest.
    """
    problems = input_problems(inputs, policy)
    if problems:
        raise RiskInputError(problems)
    tree = build_tree(inputs.components, policy.aliases)
    vendors = tuple(v.key for v in inputs.vendors)
    allowed = set(vendors if candidates is None else candidates)
    strangers = sorted(allowed - set(vendors))
    if strangers:
        raise RiskInputError(
            [
                Problem(
                    "candidates",
                    f"{', '.join(strangers)}: not a vendor of this engagement; "
                    "add the vendor to the engagement or leave it out",
                )
            ]
        )
    kept = [a for a in inputs.assignments if a.pinned or tree.children(a.component)]
    kept_nodes = {a.component for a in kept}
    to_place = [
        key
        for key in tree.order
        if not tree.children(key)
        and key not in kept_nodes
        and disposition_of(tree.node(key), policy) != FIREWALL
    ]
    problems = _capability_problems(tree, inputs.vendors, allowed, to_place, policy)
    if problems:
        raise RiskInputError(problems)
    domains = {
        key: [
            v.key
            for v in inputs.vendors
            if v.key in allowed and policy.can_make(v.kind, tree.node(key).kind)
        ]
        for key in to_place
    }
    problems = _set_problems(tree, inputs, kept, to_place, domains)
    if problems:
        raise RiskInputError(problems)
    node_index = {key: i for i, key in enumerate(tree.order)}
    vendor_index = {key: i for i, key in enumerate(vendors)}
    knowledge_of = knowledge_by_node(tree, policy)
    weights, unit, integral = _program_weights(tree, policy)
    return SplitProblem(
        vendors=vendors,
        components=tree.order,
        knowledge=tuple(knowledge_of[key] for key in tree.order),
        ancestors=tuple(tuple(node_index[a] for a in tree.ancestors(key)) for key in tree.order),
        placed=tuple(node_index[key] for key in to_place),
        admissible=tuple(tuple(vendor_index[v] for v in domains[key]) for key in to_place),
        fixed=tuple(
            sorted({(node_index[a.component], vendor_index[a.vendor], a.pinned) for a in kept})
        ),
        critical_sets=tuple(
            (s.name, tuple(node_index[m] for m in s.members)) for s in inputs.critical_sets
        ),
        current=tuple(
            sorted({(node_index[a.component], vendor_index[a.vendor]) for a in inputs.assignments})
        ),
        total_knowledge=sum(knowledge_of.values()),
        weights=weights,
        unit=unit,
        integral=integral,
    )


# Above this many units per unit of knowledge, whole numbers stop helping the solver.
MAX_SCALE = 1_000_000


def _program_weights(
    tree: ComponentTree, policy: FirewallPolicy
) -> tuple[tuple[tuple[float, float], ...], float, bool]:
    """(interface part, inside part) of every node in a common unit, the unit, and whether the
    parts are whole numbers.

    The policy's weights and interface share are read as the decimals written in the file
    (0.35 is 7/20), so the knowledge of a node is an exact fraction; the unit is one over the
    least common denominator of every part. With the shipped policy (weights 1, share 1/4)
    that is 1/48 of a node's knowledge: every exposure is then a whole number of 48ths, and the
    solver can stop as soon as it meets its bound rounded up, instead of closing a gap of
    1e-6 by search.
    """
    weights = [_exact(t.weight) for t in policy.tests]
    total = sum(weights, Fraction(0))
    alpha = _exact(policy.interface_share)
    span = SCORE_MAX - SCORE_MIN
    parts = []
    for node in tree.nodes():
        if total <= 0:
            k = Fraction(0)
        else:
            k = sum(
                (
                    w * (node.assessment.score(t.score).value - SCORE_MIN)
                    for w, t in zip(weights, policy.tests, strict=True)
                ),
                Fraction(0),
            ) / (span * total)
        parts.append((alpha * k, (1 - alpha) * k))
    scale = 1
    for interface, inside in parts:
        scale = lcm(scale, interface.denominator, inside.denominator)
    if scale <= MAX_SCALE:
        return tuple((float(i * scale), float(o * scale)) for i, o in parts), 1 / scale, True
    return tuple((float(i), float(o)) for i, o in parts), 1.0, False


def _exact(value: float) -> Fraction:
    """The number as written (its shortest decimal form), not its binary approximation."""
    return Fraction(repr(float(value)))


def _capability_problems(
    tree: ComponentTree,
    vendors: Sequence[RiskVendor],
    allowed: Collection[str],
    to_place: Sequence[str],
    policy: FirewallPolicy,
) -> list[Problem]:
    """First check: every node to place has a kind and at least one vendor that can make it."""
    if not to_place:
        return []
    problems = []
    offered = [v for v in vendors if v.key in allowed]
    for v in offered:
        if not policy.knows_vendor_kind(v.kind):
            problems.append(
                Problem(
                    f"vendors[{v.key}].kind",
                    f"{v.name} is a {v.kind!r}, a vendor kind the policy does not know: add it to "
                    "'makes' in the firewall policy, or correct the vendor's kind",
                )
            )
    if not offered:
        problems.append(
            Problem(
                "vendors",
                f"{len(to_place)} components are to be outsourced "
                "and there is no candidate vendor: add vendors to "
                "the engagement",
            )
        )
        return problems
    makes = "; ".join(
        f"{v.name} ({v.kind}) makes {', '.join(policy.made_by(v.kind)) or 'nothing'}"
        for v in offered
    )
    for key in to_place:
        node = tree.node(key)
        if not node.kind:
            problems.append(
                Problem(
                    where(key, "kind"),
                    f"{node.name} has no kind, so no vendor can be chosen for it: give it one of "
                    "hardware, firmware, software, mechanical, process, test",
                )
            )
            continue
        kind = policy.component_kind(node.kind)
        if not any(policy.can_make(v.kind, node.kind) for v in offered):
            shown = kind if kind == node.kind else f"{node.kind}, read as {kind}"
            problems.append(
                Problem(
                    where(key),
                    f"no vendor can take {node.name} ({shown}): {makes}. Add a vendor that makes "
                    f"{kind}, or keep {key} in-house",
                )
            )
    return problems


def _set_problems(
    tree: ComponentTree,
    inputs: RiskInputs,
    kept: Sequence[Assignment],
    to_place: Sequence[str],
    domains: dict[str, list[str]],
) -> list[Problem]:
    """Second check: what the critical sets force. A vendor that the kept assignments alone
    (pins, subsystems) give a whole set is reported; then components left with a single
    possible vendor are given to it, and every vendor that would thereby complete a set is
    struck off the others' lists, until nothing changes. A component whose list runs empty is
    named with the reason each vendor was struck. This only ever strikes a vendor that no valid
    split could use, so it finds no false problem; it can miss an impossibility that needs a
    search, which the solver then reports."""
    names = {v.key: v.name for v in inputs.vendors}
    sets = inputs.critical_sets
    # vendor -> node -> why the vendor is sure to hold it
    sure: dict[str, dict[str, str]] = {v.key: {} for v in inputs.vendors}
    for a in kept:
        sure[a.vendor][a.component] = "pinned" if a.pinned else "a subsystem, kept"
    for s in sets:
        for vendor, held in sure.items():
            if set(s.members) <= set(held):
                parts = listing(f"{m} ({held[m]})" for m in s.members)
                return [
                    Problem(
                        f"critical_sets[{s.key}]",
                        f"{names[vendor]} holds every part of {s.name} through assignments the "
                        f"split keeps ({parts}) and could reproduce it: unpin or reassign "
                        f"{s.members[-1]} (or another of them) so the split can give it to "
                        "someone else",
                    )
                ]
    why: dict[str, dict[str, str]] = {key: {} for key in to_place}
    decided: set[str] = set()
    changed = True
    while changed:
        changed = False
        for key in to_place:
            if key in decided:
                continue
            for vendor in list(domains[key]):
                held = sure[vendor]
                completed = next(
                    (s for s in sets if key in s.members and set(s.members) - {key} <= set(held)),
                    None,
                )
                if completed is not None:
                    domains[key].remove(vendor)
                    others = [f"{m} ({held[m]})" for m in completed.members if m != key]
                    why[key][vendor] = (
                        f"{names[vendor]} would then hold the whole of "
                        f"{completed.name}, having {listing(others)}"
                    )
                    changed = True
            if not domains[key]:
                node = tree.node(key)
                reasons = "; ".join(why[key].values())
                if len(why[key]) < len(inputs.vendors):
                    reasons += f"; no other candidate vendor makes {node.kind}"
                return [
                    Problem(
                        where(key),
                        f"no vendor can take {node.name}: {reasons}. Add a vendor that makes "
                        f"{node.kind}, unpin one of the others, or keep {key} in-house",
                    )
                ]
            if len(domains[key]) == 1:
                decided.add(key)
                sure[domains[key][0]][key] = "no other vendor can take it"
                changed = True
    return []


# --- the program -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinearConstraint:
    """lower <= sum of coefficient x variable <= upper, and why the constraint is there."""

    terms: tuple[tuple[int, float], ...]  # (variable index, coefficient)
    lower: float
    upper: float
    why: str


@dataclass(frozen=True, slots=True)
class MixedIntegerProgram:
    """Minimise objective . variables subject to bounds, integrality and constraints."""

    names: tuple[str, ...]
    objective: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    integer: tuple[bool, ...]
    constraints: tuple[LinearConstraint, ...]
    choices: tuple[tuple[int, int, int], ...]  # (variable, node, vendor) of each x[c,v]
    largest: int  # the variable t: the largest exposure, in the problem's units
    weight: float  # t's cost in the objective (M with fewest moves, else 1)


def split_program(problem: SplitProblem, *, fewest_moves: bool = True) -> MixedIntegerProgram:
    """The program of the module docstring.

    With fewest_moves (and whole units) the objective is M t - (today's assignments kept),
    M = the number of components placed + 1: one unit of t outweighs every assignment kept,
    so the optimum is the smallest t first and, among splits with that t, the one keeping most
    of today's assignments. Otherwise it is t alone.
    """
    names: list[str] = []
    objective: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    integer: list[bool] = []

    def variable(name: str, low: float, high: float, whole: bool, cost: float = 0.0) -> int:
        names.append(name)
        objective.append(cost)
        lower.append(low)
        upper.append(high)
        integer.append(whole)
        return len(names) - 1

    comps, vendors = problem.components, problem.vendors
    whole = problem.integral
    lexicographic = fewest_moves and whole and bool(problem.current)
    weight = float(len(problem.placed) + 1) if lexicographic else 1.0
    largest = variable("largest_exposure", 0.0, INFINITY, whole, weight)
    today = set(problem.current)
    x: dict[tuple[int, int], int] = {}
    for c, admissible in zip(problem.placed, problem.admissible, strict=True):
        for v in admissible:
            kept = lexicographic and (c, v) in today
            x[c, v] = variable(
                f"assign[{comps[c]},{vendors[v]}]", 0.0, 1.0, True, -1.0 if kept else 0.0
            )
    constraints = [
        LinearConstraint(
            tuple((x[c, v], 1.0) for v in admissible),
            1.0,
            1.0,
            f"{comps[c]} goes to exactly one vendor",
        )
        for c, admissible in zip(problem.placed, problem.admissible, strict=True)
    ]
    held = {(c, v) for c, v, _pinned in problem.fixed}
    interface_by_pin = {(a, v) for c, v in held for a in problem.ancestors[c]}
    below: dict[tuple[int, int], list[int]] = {}
    for (c, v), var in x.items():
        for a in problem.ancestors[c]:
            below.setdefault((a, v), []).append(var)
    for v, vendor in enumerate(vendors):
        fixed = 0.0
        terms: list[tuple[int, float]] = []
        for c, (interface, inside) in enumerate(problem.weights):
            if interface + inside <= 0:
                continue
            if (c, v) in held:
                fixed += interface + inside
                continue
            own = x.get((c, v))
            if (c, v) in interface_by_pin:
                fixed += interface
                if own is not None:
                    terms.append((own, inside))
            elif (c, v) in below:
                # Whole when the exposures are: then it is 0 or 1, as its meaning is.
                sees = variable(f"sees[{comps[c]},{vendor}]", 0.0, 1.0, whole)
                terms.append((sees, interface))
                if own is not None:
                    terms.append((own, inside))
                for var in ([own] if own is not None else []) + below[c, v]:
                    constraints.append(
                        LinearConstraint(
                            ((sees, 1.0), (var, -1.0)),
                            0.0,
                            INFINITY,
                            f"{vendor} sees {comps[c]} when it makes it or a part of it",
                        )
                    )
            elif own is not None:
                terms.append((own, interface + inside))
        constraints.append(
            LinearConstraint(
                (*terms, (largest, -1.0)),
                -INFINITY,
                -fixed,
                f"the exposure of {vendor} is at most the largest",
            )
        )
    for name, members in problem.critical_sets:
        for v, vendor in enumerate(vendors):
            holding = sum(1 for m in members if (m, v) in held)
            free = [x[m, v] for m in members if (m, v) in x]
            if free and holding + len(free) == len(members):
                constraints.append(
                    LinearConstraint(
                        tuple((var, 1.0) for var in free),
                        -INFINITY,
                        float(len(members) - 1 - holding),
                        f"{vendor} never holds the whole of {name}",
                    )
                )
    return MixedIntegerProgram(
        tuple(names),
        tuple(objective),
        tuple(lower),
        tuple(upper),
        tuple(integer),
        tuple(constraints),
        tuple((var, c, v) for (c, v), var in x.items()),
        largest,
        weight,
    )


def kept_assignments(problem: SplitProblem) -> tuple[Assignment, ...]:
    """The assignments every split keeps: pins and subsystems."""
    return tuple(
        Assignment(problem.components[c], problem.vendors[v], pinned)
        for c, v, pinned in problem.fixed
    )


def assignment_from_solution(
    problem: SplitProblem, program: MixedIntegerProgram, values: Sequence[float]
) -> tuple[Assignment, ...]:
    """The suggested assignments: every one kept, and each placed node to its chosen vendor."""
    best: dict[int, tuple[float, int]] = {}
    for var, c, v in program.choices:
        if c not in best or values[var] > best[c][0]:
            best[c] = (values[var], v)
    chosen = [(c, best[c][1], False) for c in problem.placed]
    return tuple(
        Assignment(problem.components[c], problem.vendors[v], pinned)
        for c, v, pinned in sorted([*problem.fixed, *chosen])
    )


# --- today beside the suggestion -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    """One node and the vendors it goes to."""

    component: str
    vendors: tuple[str, ...]
    pinned: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SplitPlan:
    """An assignment with each vendor's exposure and who could reproduce what."""

    assignment: tuple[Placement, ...]  # nodes with at least one vendor, in tree order
    exposures: tuple[tuple[str, float], ...]  # (vendor, exposure), in the engagement's order
    max_exposure: float
    could_reproduce: tuple[tuple[str, str], ...]  # (critical set key, vendor)

    def as_json(self) -> dict[str, Any]:
        """{assignment: {component: [vendors]}, max_exposure, exposures, could_reproduce}."""
        return {
            "assignment": {p.component: list(p.vendors) for p in self.assignment},
            "pinned": {p.component: list(p.pinned) for p in self.assignment if p.pinned},
            "max_exposure": self.max_exposure,
            "exposures": dict(self.exposures),
            "could_reproduce": [{"critical_set": s, "vendor": v} for s, v in self.could_reproduce],
        }


@dataclass(frozen=True, slots=True)
class Move:
    """A node whose vendors change."""

    component: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VendorChange:
    """A vendor's exposure today and with the suggestion."""

    vendor: str
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class SplitResult:
    """Today's assignment beside the suggested one."""

    engagement_key: str
    current: SplitPlan
    suggested: SplitPlan
    moves: tuple[Move, ...]
    vendors: tuple[VendorChange, ...]
    # No split at all has a largest exposure below this (proven by the solver); the suggestion
    # is within the policy's tolerance of it unless the solver ran out of time.
    lower_bound: float
    proven_optimal: bool  # the suggestion's largest exposure is the lowest possible

    def assignments(self) -> tuple[Assignment, ...]:
        """The suggestion as assignments, pins marked: what applying it writes."""
        return tuple(
            Assignment(p.component, vendor, vendor in p.pinned)
            for p in self.suggested.assignment
            for vendor in p.vendors
        )

    def as_json(self) -> dict[str, Any]:
        """`firstfile risk split ENGAGEMENT --json`."""
        return {
            "engagement": self.engagement_key,
            "current": self.current.as_json(),
            "suggested": self.suggested.as_json(),
            "moves": [
                {"component": m.component, "from": list(m.before), "to": list(m.after)}
                for m in self.moves
            ],
            "vendors": [
                {"key": c.vendor, "before": c.before, "after": c.after} for c in self.vendors
            ],
            "lower_bound": self.lower_bound,
            "proven_optimal": self.proven_optimal,
        }


def split_plan(
    tree: ComponentTree,
    vendors: Sequence[str],
    assignments: Sequence[Assignment],
    critical_sets: Iterable[CriticalSet],
    policy: FirewallPolicy,
) -> SplitPlan:
    """The plan for these assignments: placements, exposures, could-reproduce pairs."""
    matrix = exposure_matrix(tree, vendors, assignments, policy)
    vendors_of: dict[str, list[str]] = {}
    pinned_of: dict[str, list[str]] = {}
    for a in assignments:
        if a.vendor not in vendors_of.setdefault(a.component, []):
            vendors_of[a.component].append(a.vendor)
        if a.pinned:
            pinned_of.setdefault(a.component, []).append(a.vendor)
    sights = critical_set_sights(critical_sets, assigned_by_vendor(assignments, vendors))
    return SplitPlan(
        assignment=tuple(
            Placement(key, tuple(vendors_of[key]), tuple(pinned_of.get(key, ())))
            for key in tree.order
            if vendors_of.get(key)
        ),
        exposures=tuple(zip(matrix.vendors, matrix.exposures, strict=True)),
        max_exposure=matrix.max_exposure,
        could_reproduce=tuple((s.key, v) for s in sights for v in s.could_reproduce),
    )


def split_result(
    inputs: RiskInputs,
    policy: FirewallPolicy,
    suggested: Sequence[Assignment],
    *,
    lower_bound: float,
    proven_optimal: bool,
) -> SplitResult:
    """Today's assignments beside suggested, with the moves and each vendor's exposures."""
    tree = build_tree(inputs.components, policy.aliases)
    vendors = [v.key for v in inputs.vendors]
    now = split_plan(tree, vendors, inputs.assignments, inputs.critical_sets, policy)
    then = split_plan(tree, vendors, suggested, inputs.critical_sets, policy)
    before = {p.component: p.vendors for p in now.assignment}
    after = {p.component: p.vendors for p in then.assignment}
    moves = tuple(
        Move(key, before.get(key, ()), after.get(key, ()))
        for key in tree.order
        if set(before.get(key, ())) != set(after.get(key, ()))
    )
    changes = tuple(
        VendorChange(vendor, b, a)
        for (vendor, b), (_, a) in zip(now.exposures, then.exposures, strict=True)
    )
    return SplitResult(
        inputs.engagement_key, now, then, moves, changes, lower_bound, proven_optimal
    )
