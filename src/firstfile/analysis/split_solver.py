"""The best split across vendors, solved with HiGHS through scipy.optimize.milp.

domain/risk/split.py states the problem (and finds what makes it impossible); this module
solves it. Every exposure is a whole number of small units (1/48 of a node's knowledge with the
shipped policy), so the program's largest exposure t is a whole number, and with fewest moves
the objective M t - (today's assignments kept) puts the smallest t first and the fewest moves
second, in one run.

Minimising the largest of several sums is a partition problem: the best split of a few dozen
components is proven in well under a second, but for 60 components and 8 vendors proving the
last 1/48 can take minutes. The policy's split tolerance says how close is close enough: HiGHS
stops once no split can have a largest exposure lower by more than the tolerance, a relative gap
worked out from a bound it has proven (the linear relaxation's, then its own). The stopping rule
depends on the problem only, not on the clock, so the same engagement always gets the same
suggestion; the time limit is a safety net, and a result cut short by it says so. Tolerance 0
asks for the exact best.

scipy and numpy are imported when a split is solved, never at start-up.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.assessment import RiskInputs
from firstfile.domain.risk.policy import FirewallPolicy
from firstfile.domain.risk.split import (
    MixedIntegerProgram,
    SplitProblem,
    SplitResult,
    assignment_from_solution,
    kept_assignments,
    split_problem,
    split_program,
    split_result,
)
from firstfile.domain.risk.tree import RiskInputError, where

OPTIMAL = "optimal"  # proven within the gap asked for
INFEASIBLE = "infeasible"
STOPPED = "stopped"  # the time limit came first; values hold the best found, if any

_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Solution:
    """What the solver said about one program."""

    status: str  # OPTIMAL, INFEASIBLE or STOPPED
    values: tuple[float, ...] | None
    objective: float | None
    bound: float | None  # the proven lower bound of the objective


def solve_program(
    program: MixedIntegerProgram, *, gap: float = 0.0, time_limit: float = 60.0
) -> Solution:
    """Solve with HiGHS, stopping once (objective - bound) <= gap x objective (0: exact)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    rows, cols, data = [], [], []
    for row, constraint in enumerate(program.constraints):
        for var, coefficient in constraint.terms:
            rows.append(row)
            cols.append(var)
            data.append(coefficient)
    constraints = None
    if program.constraints:
        matrix = csr_array(
            (np.array(data, dtype=float), (np.array(rows), np.array(cols))),
            shape=(len(program.constraints), len(program.names)),
        )
        constraints = LinearConstraint(
            matrix,
            np.array([c.lower for c in program.constraints], dtype=float),
            np.array([c.upper for c in program.constraints], dtype=float),
        )
    result = milp(
        c=np.array(program.objective, dtype=float),
        integrality=np.array(program.integer, dtype=int),
        bounds=Bounds(np.array(program.lower, dtype=float), np.array(program.upper, dtype=float)),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": gap},
    )
    if result.status == 2:
        return Solution(INFEASIBLE, None, None, None)
    values = None if result.x is None else tuple(float(v) for v in result.x)
    objective = None if result.x is None else float(result.fun)
    bound = getattr(result, "mip_dual_bound", None)
    if bound is None and result.status == 0 and objective is not None:
        bound = objective  # a linear program: its optimum is its own bound
    bound = None if bound is None or not math.isfinite(bound) else float(bound)
    return Solution(OPTIMAL if result.status == 0 else STOPPED, values, objective, bound)


def relaxed(program: MixedIntegerProgram) -> MixedIntegerProgram:
    """The same program with every variable allowed fractional values (its linear relaxation)."""
    return replace(program, integer=tuple(False for _ in program.integer))


def solve_split(
    inputs: RiskInputs,
    policy: FirewallPolicy,
    *,
    candidates: Collection[str] | None = None,
    fewest_moves: bool = True,
    tolerance: float | None = None,
    time_limit: float = 60.0,
) -> SplitResult:
    """Today's assignment beside the best split, or RiskInputError saying why there is none.

    candidates: the vendors that may be given work (default: all of the engagement's).
    fewest_moves: among the best splits, suggest the one keeping most of today's assignments.
    tolerance: how far above the best possible largest exposure the suggestion may be, as a
    share of the engagement's knowledge (default: the policy's split tolerance; 0: exact).
    time_limit: seconds for each solver run, a safety net (the result then says it is not
    proven).
    """
    problem = split_problem(inputs, policy, candidates)
    if not problem.placed:
        kept = kept_assignments(problem)
        result = split_result(inputs, policy, kept, lower_bound=0.0, proven_optimal=True)
        return replace(result, lower_bound=result.suggested.max_exposure)
    allowed = policy.split_tolerance if tolerance is None else tolerance
    program = split_program(problem, fewest_moves=fewest_moves)
    margin = allowed * problem.total_knowledge / problem.unit  # the tolerance in t's units
    relaxation = solve_program(relaxed(program), time_limit=time_limit)
    if relaxation.status == INFEASIBLE:
        raise RiskInputError(_why_impossible(problem, time_limit))
    floor = _t_bound(problem, program, relaxation.objective)
    solution = solve_program(program, gap=_gap(margin, program, floor), time_limit=time_limit)
    if solution.status == INFEASIBLE:
        raise RiskInputError(_why_impossible(problem, time_limit))
    if solution.values is None:
        raise RiskInputError(
            [
                Problem(
                    "split",
                    f"the solver found no split within {time_limit:g} s: try again with more time",
                )
            ]
        )
    if margin > 0 and solution.status == OPTIMAL:
        # The relaxation's bound may be far below the solver's own: if the first run stopped
        # wider than the tolerance, ask again with the gap worked out from its answer.
        largest = solution.values[program.largest]
        if largest - _t_bound(problem, program, solution.bound) > margin + _EPSILON:
            again = solve_program(
                program, gap=_gap(margin, program, largest), time_limit=time_limit
            )
            if again.values is not None and again.values[program.largest] <= largest + _EPSILON:
                solution = again
    assert solution.values is not None
    largest = solution.values[program.largest]
    bound = max(_t_bound(problem, program, solution.bound), floor)
    suggested = assignment_from_solution(problem, program, solution.values)
    result = split_result(inputs, policy, suggested, lower_bound=0.0, proven_optimal=False)
    lowest = problem.exposure(bound)
    exact = result.suggested.max_exposure <= lowest + _EPSILON
    return replace(
        result,
        lower_bound=min(lowest, result.suggested.max_exposure),
        proven_optimal=exact and largest <= bound + _EPSILON,
    )


def _t_bound(problem: SplitProblem, program: MixedIntegerProgram, bound: float | None) -> float:
    """A proven lower bound of t from a bound of the objective M t - kept: kept >= 0, so
    t >= bound / M; rounded up when t is a whole number."""
    if bound is None:
        return 0.0
    t = max(bound / program.weight, 0.0)
    return math.ceil(t - 1e-6) if problem.integral else t


def _gap(margin: float, program: MixedIntegerProgram, t_estimate: float) -> float:
    """The relative gap that stops the solver within margin units of t: the objective is about
    M t, so M x margin over M x t_estimate (at most 1; 0 when exactness is asked for)."""
    if margin <= 0:
        return 0.0
    return min(1.0, margin / max(t_estimate, margin))


def _why_impossible(problem: SplitProblem, time_limit: float) -> list[Problem]:
    """Name the component to take out: one whose removal from the split makes one possible.

    Reached only when the domain's own checks found nothing, which takes several critical sets
    pulling against each other; each component in a set is tried in tree order."""
    in_sets = {m for _, members in problem.critical_sets for m in members}
    freeing = [
        c
        for c in problem.placed
        if c in in_sets
        and solve_program(
            split_program(problem.without(c), fewest_moves=False), gap=1.0, time_limit=time_limit
        ).status
        != INFEASIBLE
    ]
    sets = ", ".join(name for name, _ in problem.critical_sets)
    if not freeing:
        return [
            Problem(
                "critical_sets",
                f"no split keeps every critical set ({sets}) from a single vendor with these "
                "vendors, kinds and pins: add a vendor, unpin an assignment, or keep a member "
                "of a set in-house",
            )
        ]
    first, *others = (problem.components[c] for c in freeing)
    also = f"; so would taking out {', '.join(others)}" if others else ""
    return [
        Problem(
            where(first),
            f"no vendor can take {first} without one of them holding a whole critical set "
            f"({sets}) with these vendors, kinds and pins: keep {first} in-house or add a vendor "
            f"that can make it, and a split becomes possible{also}",
        )
    ]
