"""What-if: move one input of a filing strategy and say what changes.

The article asks for "regular reference to an updated foreign jurisdictional filing strategy
based on changing IP laws": the quickest way to see whether a change matters is to move the
one input it touches (a country's enforceability, the horizon, the budget) and compare.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from firstfile.domain.filing_strategy import FilingStrategy, Solver, assess
from firstfile.domain.json_ready import json_ready
from firstfile.domain.jurisdictions import JurisdictionTable
from firstfile.domain.strategy_inputs import StrategyInputs

ENFORCEABILITY = "enforceability"
HORIZON = "horizon"
BUDGET = "budget"
CHANGE_KINDS: tuple[str, ...] = (ENFORCEABILITY, HORIZON, BUDGET)


@dataclass(frozen=True, slots=True)
class Change:
    """One input moved: a country's enforceability score (on the table's scale), the horizon in
    years, or the budget (None removes it)."""

    kind: str
    value: float | None
    code: str = ""  # the country, for an enforceability change

    def describe(self, currency: str) -> str:
        """The change in words, for the screen and the memo."""
        if self.kind == ENFORCEABILITY:
            return f"enforceability of {self.code} set to {self.value:g}"
        if self.kind == HORIZON:
            return f"horizon set to {self.value:g} years"
        if self.value is None:
            return "budget removed"
        return f"budget set to {self.value:,.0f} {currency}"


@dataclass(frozen=True, slots=True)
class CountryChange:
    """One country whose verdict, protected value or cost moved."""

    code: str
    verdict_before: str
    verdict_after: str
    value_before: float | None
    value_after: float | None
    cost_before: float | None
    cost_after: float | None


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The strategy before and after one change, and the difference in words."""

    change: Change
    before: FilingStrategy
    after: FilingStrategy
    added: tuple[str, ...]  # joined the filing set
    removed: tuple[str, ...]  # left it
    countries: tuple[CountryChange, ...]
    summary: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data: the change, both strategies and what moved."""
        data: dict[str, Any] = json_ready(self)
        data["before"] = self.before.as_json()
        data["after"] = self.after.as_json()
        return data


def apply_change(inputs: StrategyInputs, change: Change) -> StrategyInputs:
    """inputs with the one change applied. Raises ValueError for an unknown kind or value."""
    if change.kind == ENFORCEABILITY:
        if change.value is None or not change.code:
            raise ValueError("an enforceability change needs a country and a score")
        others = tuple((c, s) for c, s in inputs.enforceability_scores if c != change.code)
        return replace(inputs, enforceability_scores=(*others, (change.code, change.value)))
    if change.kind == HORIZON:
        if change.value is None or change.value != int(change.value):
            raise ValueError("the horizon is a whole number of years")
        return replace(inputs, horizon_years=int(change.value))
    if change.kind == BUDGET:
        return replace(inputs, budget=change.value)
    raise ValueError(f"unknown change {change.kind!r}: use one of {', '.join(CHANGE_KINDS)}")


def what_if(
    inputs: StrategyInputs, table: JurisdictionTable, change: Change, *, solve: Solver | None = None
) -> WhatIf:
    """The strategy for inputs and for inputs with change, compared.

    Raises StrategyInputError when either side's inputs cannot be used (a score off the
    scale, a horizon over 20 years).
    """
    before = assess(inputs, table, solve=solve)
    after = assess(apply_change(inputs, change), table, solve=solve)
    old_set, new_set = before.filing_set, after.filing_set
    added = tuple(code for code in new_set if code not in old_set)
    removed = tuple(code for code in old_set if code not in new_set)
    moved = []
    for country in after.countries:
        old = before.get(country.code)
        if old is None:
            continue
        if (old.verdict, old.protected_value, old.cost) != (
            country.verdict,
            country.protected_value,
            country.cost,
        ):
            moved.append(
                CountryChange(
                    code=country.code,
                    verdict_before=old.verdict,
                    verdict_after=country.verdict,
                    value_before=old.protected_value,
                    value_after=country.protected_value,
                    cost_before=old.cost,
                    cost_after=country.cost,
                )
            )
    return WhatIf(
        change=change,
        before=before,
        after=after,
        added=added,
        removed=removed,
        countries=tuple(moved),
        summary=_summary(change, before, after, added, removed),
    )


def _summary(
    change: Change,
    before: FilingStrategy,
    after: FilingStrategy,
    added: tuple[str, ...],
    removed: tuple[str, ...],
) -> tuple[str, ...]:
    currency = after.currency
    lines = [f"With the {change.describe(currency)}:"]
    if added:
        lines.append(f"{', '.join(added)} {'joins' if len(added) == 1 else 'join'} the filing set.")
    if removed:
        lines.append(
            f"{', '.join(removed)} {'leaves' if len(removed) == 1 else 'leave'} the filing set."
        )
    if not added and not removed:
        lines.append("The filing set does not change.")
    value_before, cost_before = _set_totals(before)
    value_after, cost_after = _set_totals(after)
    lines.append(
        f"It protects {value_after:,.0f} {currency} (was {value_before:,.0f}) for "
        f"{cost_after:,.0f} {currency} (was {cost_before:,.0f})."
    )
    if after.budgeted is not None and after.budgeted.message:
        lines.append(after.budgeted.message[0].upper() + after.budgeted.message[1:] + ".")
    return tuple(lines)


def _set_totals(strategy: FilingStrategy) -> tuple[float, float]:
    if strategy.budgeted is not None:
        return strategy.budgeted.protected_value, strategy.budgeted.cost
    return strategy.recommended_value, strategy.recommended_cost
