"""The budgeted filing set solved exactly: a 0/1 knapsack through scipy's MILP solver (HiGHS).

Choose the countries of greatest total protected value whose costs fit the budget. With a few
dozen candidate countries brute force would do, but the outsourcing-risk analysis already
solves its split with `scipy.optimize.milp`, so both use one well-kept solver and its
optimality guarantee rather than a hand-written search.

scipy is imported when a budget is first solved, never at import time: the TUI's first frame
and commands that never ask for a budget do not pay for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from firstfile.domain.filing_strategy import BudgetItem

# Costs become whole cents before solving, so the budget constraint is checked on integers and
# no set over the budget can pass inside the solver's floating-point tolerance.
_CENTS = 100


def solve_knapsack(items: Sequence[BudgetItem], capacity: float) -> tuple[int, ...]:
    """Indices of the items of greatest total value whose total cost is at most capacity.

    Items of no value are never chosen. Raises RuntimeError if the solver fails, which for a
    knapsack (always feasible: choose nothing) means something is broken, not the input.
    """
    useful = [index for index, item in enumerate(items) if item.value > 0]
    if not useful or capacity < 0:
        return ()
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    values = np.array([items[i].value for i in useful], dtype=float)
    costs = np.array([math.ceil(round(items[i].cost * _CENTS, 6)) for i in useful], dtype=float)
    limit = math.floor(round(capacity * _CENTS, 6))
    result = milp(
        c=-values,  # milp minimises
        constraints=LinearConstraint(costs.reshape(1, -1), -np.inf, limit),
        integrality=np.ones(len(useful)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if not result.success or result.x is None:
        raise RuntimeError(f"the budget solver failed: {result.message}")
    chosen = tuple(useful[i] for i, x in enumerate(result.x) if x > 0.5)
    if sum(costs[useful.index(i)] for i in chosen) > limit:
        raise RuntimeError("the budget solver returned a set over the budget")
    return chosen
