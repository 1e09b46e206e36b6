"""Where to file: the recommended set and its cost–benefit, per country and in total.

docs/RISK.md ("Where to file and where to outsource") gives the formulas with a worked example.
In short, for a country c over a horizon of H years:

    protected value  V(c) = R * H * share(c) * exposure(c) * enforceability(c)
    filing cost      C(c) = K10(c) * max(1, H / 10)

R is the product's annual revenue, share(c) the part of it earned in c, exposure(c) the share
of the product's value a copier could take, enforceability(c) the table's score as a share of
its scale, and K10(c) the table's typical cost to file, prosecute and keep a patent for 10
years, converted into the strategy's currency. Filing, prosecution and translation are paid in
the first years, so a horizon under 10 years is charged the whole 10-year figure.

The recommended set is every country where the product is made or designed (the article: a
vendor there could copy it at the source), plus each other country whose protected value covers
its cost, ranked by protected value per unit of cost. A country the table cannot price or
score is listed as unknown with the missing value named, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol, TypeVar

from firstfile.domain.json_ready import json_ready
from firstfile.domain.jurisdictions import COST_YEARS, JurisdictionTable
from firstfile.domain.strategy_inputs import (
    DESIGNED,
    MADE,
    StrategyInputError,
    StrategyInputs,
    check_inputs,
)

FILE = "file"  # recommended
SKIP = "skip"  # weighed: costs more than it protects, or protects nothing
UNKNOWN = "unknown"  # cannot be weighed: the table lacks a cited value
VERDICTS: tuple[str, ...] = (FILE, SKIP, UNKNOWN)
RowT = TypeVar("RowT", bound="RuleRow")


@dataclass(frozen=True, slots=True)
class BudgetItem:
    """One country the budget may buy: its protected value and its cost."""

    code: str
    value: float
    cost: float


# Chooses, exactly, the items of greatest total value whose costs fit the capacity; returns
# their indices. firstfile.analysis.budget_solver.solve_knapsack is the one firstfile uses.
Solver = Callable[[Sequence[BudgetItem], float], Sequence[int]]


@dataclass(frozen=True, slots=True)
class CountryAssessment:
    """One candidate country: why it is a candidate, what filing there protects and costs."""

    code: str
    name: str
    required: bool  # made or designed here: always filed
    made_by: tuple[str, ...]
    designed_by: tuple[str, ...]
    competitors: tuple[str, ...]
    revenue_share: float
    exposure: float
    enforceability: float | None  # share of the table's scale
    enforceability_source: str
    protected_value: float | None
    cost: float | None  # over the horizon, in the strategy's currency
    value_per_cost: float | None  # None when the cost is unknown or nothing
    verdict: str
    rank: int | None  # 1 = best value per cost among the weighed, not required countries
    reason: str
    grace_months: int | None
    deadline_rules: tuple[str, ...]
    notes: str


@dataclass(frozen=True, slots=True)
class BudgetedSet:
    """The filing set that protects the most within a budget, or why the budget buys nothing.

    The countries where the product is made or designed are paid first; the rest of the budget
    buys recommended countries, chosen exactly (a 0/1 knapsack).
    """

    budget: float
    required: tuple[str, ...]
    required_cost: float
    chosen: tuple[str, ...]  # recommended countries bought with what is left, best rank first
    left_out: tuple[str, ...]  # recommended countries the budget does not reach
    protected_value: float
    cost: float
    message: str  # "" when the budget bought what it could; else what to change

    @property
    def codes(self) -> tuple[str, ...]:
        """Every country of the budgeted set: the required ones, then those chosen."""
        return (*self.required, *self.chosen)


@dataclass(frozen=True, slots=True)
class FilingStrategy:
    """The strategy for one engagement or product: every candidate and the recommended set."""

    subject: str
    currency: str
    horizon_years: int
    annual_revenue: float
    table_reviewed: date
    countries: tuple[CountryAssessment, ...]  # required, then ranked, then unknown
    recommended: tuple[str, ...]
    recommended_value: float
    recommended_cost: float  # of the recommended countries whose cost is known
    unpriced: tuple[str, ...]  # recommended countries the table has no cost for
    total_value: float  # of every candidate whose value is known
    total_cost: float  # of every candidate whose cost is known
    budgeted: BudgetedSet | None = None

    def get(self, code: str) -> CountryAssessment | None:
        """The assessment of code, or None when it is not a candidate."""
        return next((c for c in self.countries if c.code == code), None)

    @property
    def filing_set(self) -> tuple[str, ...]:
        """What to file: the budgeted set when a budget was given, else the recommended set."""
        return self.budgeted.codes if self.budgeted is not None else self.recommended

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data for the CLI and documents: countries as a list with `code` each."""
        data: dict[str, Any] = json_ready(self)
        data["filing_set"] = list(self.filing_set)
        return data


def assess(
    inputs: StrategyInputs, table: JurisdictionTable, *, solve: Solver | None = None
) -> FilingStrategy:
    """The filing strategy for inputs against table.

    Raises StrategyInputError listing every problem with the inputs. When inputs.budget is
    set, solve chooses the budgeted set and must be given.
    """
    problems = check_inputs(inputs, table)
    if problems:
        raise StrategyInputError(problems)
    if inputs.budget is not None and solve is None:
        raise ValueError("a budget needs a solver: pass solve=solve_knapsack")
    assessed = [_assess_country(code, inputs, table) for code in _candidates(inputs)]
    countries = _ranked(assessed)
    recommended = [c for c in countries if c.verdict == FILE]
    strategy = FilingStrategy(
        subject=inputs.subject,
        currency=inputs.currency,
        horizon_years=inputs.horizon_years,
        annual_revenue=inputs.annual_revenue,
        table_reviewed=table.reviewed,
        countries=countries,
        recommended=tuple(c.code for c in recommended),
        recommended_value=sum(c.protected_value or 0.0 for c in recommended),
        recommended_cost=sum(c.cost or 0.0 for c in recommended),
        unpriced=tuple(c.code for c in recommended if c.cost is None),
        total_value=sum(c.protected_value or 0.0 for c in countries),
        total_cost=sum(c.cost or 0.0 for c in countries),
    )
    if inputs.budget is None:
        return strategy
    assert solve is not None
    return replace(strategy, budgeted=choose_within_budget(strategy, inputs.budget, solve))


def filing_cost(cost_10y: float, horizon_years: int) -> float:
    """The cost over the horizon of a patent whose 10-year cost is cost_10y.

    Filing, prosecution and translation fall in the first years, so any horizon up to 10
    years is charged the whole figure; each year beyond 10 is charged a tenth of it.
    """
    return cost_10y * max(1.0, horizon_years / COST_YEARS)


def protected_value(
    annual_revenue: float,
    horizon_years: int,
    revenue_share: float,
    exposure: float,
    enforceability: float,
) -> float:
    """R * H * share * exposure * enforceability (docs/RISK.md)."""
    return annual_revenue * horizon_years * revenue_share * exposure * enforceability


def choose_within_budget(strategy: FilingStrategy, budget: float, solve: Solver) -> BudgetedSet:
    """The set of greatest protected value whose cost fits budget (see BudgetedSet)."""
    money = _money_formatter(strategy.currency)
    required = [c for c in strategy.countries if c.required]
    required_cost = sum(c.cost or 0.0 for c in required)
    required_value = sum(c.protected_value or 0.0 for c in required)
    unpriced = [c.code for c in required if c.cost is None]
    note = (
        f" ({', '.join(unpriced)} not counted: the table has no cost for "
        f"{'it' if len(unpriced) == 1 else 'them'})"
        if unpriced
        else ""
    )
    optional = [c for c in strategy.countries if c.verdict == FILE and not c.required]
    left = budget - required_cost

    def result(chosen: Sequence[CountryAssessment], message: str) -> BudgetedSet:
        codes = {c.code for c in chosen}
        return BudgetedSet(
            budget=budget,
            required=tuple(c.code for c in required),
            required_cost=required_cost,
            chosen=tuple(c.code for c in optional if c.code in codes),
            left_out=tuple(c.code for c in optional if c.code not in codes),
            protected_value=required_value + sum(c.protected_value or 0.0 for c in chosen),
            cost=required_cost + sum(c.cost or 0.0 for c in chosen),
            message=message,
        )

    if left < 0:
        return result(
            (),
            (
                f"a budget of {money(budget)} buys nothing: the countries where the product is "
                f"made or designed ({', '.join(c.code for c in required)}) already cost "
                f"{money(required_cost)}{note}; raise the budget to at least that"
            ),
        )
    if not optional:
        return result(
            (),
            (
                f"a budget of {money(budget)} buys nothing more: no other country protects more "
                f"than it costs over {strategy.horizon_years} years"
            ),
        )
    affordable = [c for c in optional if (c.cost or 0.0) <= left]
    if not affordable:
        cheapest = min(optional, key=lambda c: (c.cost or 0.0, c.code))
        return result(
            (),
            (
                f"a budget of {money(budget)} buys nothing beyond the countries where the product "
                f"is made or designed: {money(left)} is left after them{note}, and the cheapest "
                f"recommended country, {cheapest.code}, costs {money(cheapest.cost or 0.0)}"
            ),
        )
    if sum(c.cost or 0.0 for c in affordable) <= left:
        return result(affordable, "")  # everything fits: the optimum without a solver
    items = [BudgetItem(c.code, c.protected_value or 0.0, c.cost or 0.0) for c in affordable]
    picked = [affordable[i] for i in solve(items, left)]
    spent = sum(c.cost or 0.0 for c in picked)
    if spent > left + 1e-6 * max(1.0, abs(left)):
        raise RuntimeError(f"the solver chose countries costing {spent} over {left}")
    return result(picked, "")


class RuleRow(Protocol):
    """A row of the deadline engine (`deadlines.Deadline`): all the strategy needs is its rule."""

    @property
    def rule(self) -> str: ...


def deadlines_by_country(
    strategy: FilingStrategy, rows: Iterable[RowT]
) -> dict[str, tuple[RowT, ...]]:
    """The deadline engine's rows for each candidate country, matched by the rule names of its
    table row: so counsel sees, next to EP or CN, that novelty is already lost there before
    paying for a filing. Countries without a matching row are left out."""
    listed = list(rows)
    found: dict[str, tuple[RowT, ...]] = {}
    for country in strategy.countries:
        matching = tuple(row for row in listed if row.rule in country.deadline_rules)
        if matching:
            found[country.code] = matching
    return found


# -- one country --------------------------------------------------------------------------------


def _candidates(inputs: StrategyInputs) -> list[str]:
    codes = [site.code for site in inputs.sites]
    codes += [market.code for market in inputs.markets]
    codes += [presence.code for presence in inputs.competitors]
    return list(dict.fromkeys(codes))  # first mention wins the order; duplicates dropped


def _assess_country(
    code: str, inputs: StrategyInputs, table: JurisdictionTable
) -> CountryAssessment:
    office = table.get(code)
    made_by = _names(s.by for s in inputs.sites if s.code == code and s.activity == MADE)
    designed_by = _names(s.by for s in inputs.sites if s.code == code and s.activity == DESIGNED)
    competitors = _names(p.competitor for p in inputs.competitors if p.code == code)
    share = sum(m.revenue_share for m in inputs.markets if m.code == code)
    exposure = dict(inputs.exposure_by_country).get(code, inputs.exposure)
    override = dict(inputs.enforceability_scores).get(code)
    if override is not None:
        enforceability: float | None = table.scale.fraction(override)
        enforceability_source = "entered for this strategy"
    else:
        enforceability = table.enforceability(code)
        score = office.enforceability if office is not None else None
        enforceability_source = f"{score.source} ({score.year})" if score is not None else ""
    value: float | None
    if share == 0 or exposure == 0:
        value = 0.0  # nothing earned there, or nothing a copier could take: known to be 0
    elif enforceability is None:
        value = None
    else:
        value = protected_value(
            inputs.annual_revenue, inputs.horizon_years, share, exposure, enforceability
        )
    cost = None
    if office is not None and office.cost_10y is not None:
        in_currency = table.rates.convert(
            office.cost_10y.amount, office.cost_10y.currency, inputs.currency
        )
        cost = filing_cost(in_currency, inputs.horizon_years)
    ratio = value / cost if value is not None and cost else None
    required = bool(made_by or designed_by)
    verdict = _verdict(required, value, cost)
    assessment = CountryAssessment(
        code=code,
        name=office.name if office is not None else code,
        required=required,
        made_by=made_by,
        designed_by=designed_by,
        competitors=competitors,
        revenue_share=share,
        exposure=exposure,
        enforceability=enforceability,
        enforceability_source=enforceability_source,
        protected_value=value,
        cost=cost,
        value_per_cost=ratio,
        verdict=verdict,
        rank=None,
        reason="",
        grace_months=(
            office.grace_period.months
            if office is not None and office.grace_period is not None
            else None
        ),
        deadline_rules=office.deadline_rules if office is not None else (),
        notes=office.notes if office is not None else "",
    )
    return replace(assessment, reason=_reason(assessment, inputs, in_table=office is not None))


def _verdict(required: bool, value: float | None, cost: float | None) -> str:
    if required:
        return FILE
    if value == 0:
        return SKIP  # protects nothing, whatever it would cost
    if value is None or cost is None:
        return UNKNOWN
    return FILE if value > 0 and value >= cost else SKIP


def _ranked(assessed: list[CountryAssessment]) -> tuple[CountryAssessment, ...]:
    required = sorted((c for c in assessed if c.required), key=lambda c: c.code)
    weighed = [c for c in assessed if not c.required and c.verdict != UNKNOWN]
    # Best value per cost first; a country that costs nothing and protects something first of
    # all; ties by larger value, then by code, so the order never depends on the input order.
    weighed.sort(key=lambda c: (-_ratio_for_order(c), -(c.protected_value or 0.0), c.code))
    ranked = [replace(c, rank=index) for index, c in enumerate(weighed, start=1)]
    unknown = sorted(
        (c for c in assessed if not c.required and c.verdict == UNKNOWN), key=lambda c: c.code
    )
    return (*required, *ranked, *unknown)


def _ratio_for_order(country: CountryAssessment) -> float:
    if country.value_per_cost is not None:
        return country.value_per_cost
    return math.inf if (country.protected_value or 0.0) > 0 else 0.0


def _names(names: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _reason(c: CountryAssessment, inputs: StrategyInputs, *, in_table: bool) -> str:
    money = _money_formatter(inputs.currency)
    why: list[str] = []
    if c.made_by:
        why.append(f"made here by {', '.join(c.made_by)}")
    if c.designed_by:
        why.append(f"designed here by {', '.join(c.designed_by)}")
    if c.revenue_share:
        why.append(f"sold here ({c.revenue_share:.0%} of revenue)")
    if c.competitors:
        plural = len(c.competitors) > 1
        why.append(
            f"{'competitors' if plural else 'competitor'} {', '.join(c.competitors)} "
            f"(served by a vendor) {'operate' if plural else 'operates'} here"
        )
    years = inputs.horizon_years
    if c.protected_value is not None and c.cost is not None:
        times = f" ({c.value_per_cost:.1f}x)" if c.value_per_cost is not None else ""
        weighed = (
            f"protects {money(c.protected_value)} over {years} years for {money(c.cost)}{times}"
        )
    elif c.protected_value is not None:
        weighed = f"protects {money(c.protected_value)} over {years} years; cost unknown"
    else:
        weighed = ""
    missing = _missing(c, in_table)
    if c.required:
        verdict = "file: where the product is made or designed a vendor could copy it at the source"
    elif c.verdict == FILE:
        verdict = "file: protects more than it costs"
    elif c.verdict == SKIP and c.protected_value == 0 and c.competitors and not c.revenue_share:
        verdict = (
            "skip on cost-benefit: no revenue recorded here, so the formula gives it no "
            "protected value; counsel may still file to stop copies made here by the "
            "competitor"
        )
    elif c.verdict == SKIP and c.protected_value == 0:
        verdict = (
            "skip: no revenue recorded here"
            if not c.revenue_share
            else "skip: nothing a copier could take here"
        )
    elif c.verdict == SKIP:
        verdict = "skip: costs more than it protects"
    else:
        verdict = f"cannot be weighed: {missing}"
        missing = ""
    parts = ["; ".join(why)] if why else []
    parts += [text for text in (weighed, missing) if text]
    sentences = [verdict, *parts]
    # A vendor's name may end the sentence with its own full stop ("Co., Ltd."): not twice.
    return " ".join(
        f"{text[0].upper()}{text[1:]}{'' if text.endswith('.') else '.'}" for text in sentences
    )


def _missing(c: CountryAssessment, in_table: bool) -> str:
    if not in_table:
        return f"{c.code} is not in the jurisdiction table: ask counsel to add its row"
    gaps = []
    if c.protected_value is None:
        gaps.append("enforceability score")
    if c.cost is None:
        gaps.append("10-year cost")
    if not gaps:
        return ""
    return f"the table has no cited {' or '.join(gaps)} for {c.code}: ask counsel"


def _money_formatter(currency: str) -> Callable[[float], str]:
    def money(amount: float) -> str:
        return f"{amount:,.0f} {currency}"

    return money
