"""The budgeted set's solver against brute force on small random cases."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from firstfile.analysis.budget_solver import solve_knapsack
from firstfile.domain.filing_strategy import BudgetItem


def brute_force(items: list[BudgetItem], capacity: float) -> float:
    """The greatest total value of any subset whose cost fits, trying every subset."""
    best = 0.0
    for size in range(1, len(items) + 1):
        for subset in combinations(items, size):
            if sum(item.cost for item in subset) <= capacity:
                best = max(best, sum(item.value for item in subset))
    return best


item_lists = st.lists(
    st.builds(
        BudgetItem,
        code=st.just("XX"),
        value=st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2)),
        # Whole currency units, as the table's costs are: a set over the budget is over it by
        # at least one unit, far beyond the solver's tolerance.
        cost=st.integers(min_value=0, max_value=100_000).map(float),
    ),
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(items=item_lists, capacity=st.integers(min_value=0, max_value=400_000).map(float))
def test_the_solver_finds_the_best_set_that_fits(items: list[BudgetItem], capacity: float) -> None:
    chosen = solve_knapsack(items, capacity)
    assert len(set(chosen)) == len(chosen)
    assert sum(items[i].cost for i in chosen) <= capacity
    value = sum(items[i].value for i in chosen)
    best = brute_force(items, capacity)
    assert abs(value - best) <= 1e-9 * max(1.0, best)


def test_a_worked_case_by_hand() -> None:
    # Capacity 100: A+B cost 100 and protect 115; C alone 100 for 100; A+C costs 150.
    items = [BudgetItem("A", 60, 50), BudgetItem("B", 55, 50), BudgetItem("C", 100, 100)]
    assert solve_knapsack(items, 100) == (0, 1)
    assert solve_knapsack(items, 49.99) == ()
    assert solve_knapsack([], 100) == ()


def test_items_of_no_value_are_never_chosen() -> None:
    assert solve_knapsack([BudgetItem("A", 0, 0), BudgetItem("B", 5, 0)], 0) == (1,)
