"""Where to outsource: candidate vendor countries, enforceability against manufacturing cost.

The article: "identifying where to outsource, based on IP enforceability, is just as important
as identifying what to outsource", with a strategy "based on both current IP enforceability
and costs of manufacture or design associated with each foreign jurisdiction". firstfile does
not know manufacturing costs: the user enters a cost index per country (any base: 100 for
home, or quotes in one currency), and the comparison sets it beside the table's enforceability.

Ranking (docs/RISK.md): first the countries no other candidate beats on both counts (the
trade-off frontier: none is both cheaper and at least as enforceable, or as cheap and more
enforceable), then those that are beaten, each naming who beats it. Within each group, by
enforceability per unit of relative cost (enforceability / (cost index / cheapest index)).
A country without a cited enforceability cannot be placed and comes last, saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from firstfile.domain.country_codes import OFFICES, describe_code_problem, is_country
from firstfile.domain.json_ready import json_ready
from firstfile.domain.jurisdictions import JurisdictionTable
from firstfile.domain.strategy_inputs import StrategyInputError


@dataclass(frozen=True, slots=True)
class OutsourcingCandidate:
    """A country a vendor could be chosen in, with the user's manufacturing-cost index."""

    code: str
    cost_index: float  # above 0; lower is cheaper


@dataclass(frozen=True, slots=True)
class OutsourcingOption:
    """One candidate, placed: its two measures side by side and why it ranks where it does."""

    code: str
    name: str
    cost_index: float
    relative_cost: float  # cost index / the cheapest candidate's
    enforceability: float | None  # share of the table's scale
    score: float | None  # on the table's scale, as shown to the user
    enforceability_source: str
    frontier: bool  # no other candidate is better on both counts
    dominated_by: tuple[str, ...]
    rank: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class OutsourcingComparison:
    """Every candidate ranked, and the trade-offs between neighbours on the frontier."""

    scale: str
    options: tuple[OutsourcingOption, ...]
    trade_offs: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data: options as a list with `code` each."""
        data: dict[str, Any] = json_ready(self)
        return data


def compare_outsourcing(
    candidates: Sequence[OutsourcingCandidate],
    table: JurisdictionTable,
    *,
    scores: Sequence[tuple[str, float]] = (),
) -> OutsourcingComparison:
    """The candidates ranked by enforceability against cost (see the module docstring).

    scores overrides the table's enforceability score for a country, on the table's scale.
    Raises StrategyInputError for a code that is not a country, a cost index that is not above
    0, a country named twice, or a score off the scale.
    """
    _check(candidates, table, scores)
    overrides = dict(scores)
    scale = table.scale
    cheapest = min((c.cost_index for c in candidates), default=1.0)
    known: list[tuple[OutsourcingCandidate, float, str]] = []
    unknown: list[OutsourcingCandidate] = []
    for candidate in candidates:
        code = candidate.code
        if code in overrides:
            known.append((candidate, scale.fraction(overrides[code]), "entered by the user"))
            continue
        fraction = table.enforceability(code)
        office = table.get(code)
        if fraction is None or office is None or office.enforceability is None:
            unknown.append(candidate)
            continue
        cited = office.enforceability
        known.append((candidate, fraction, f"{cited.source} ({cited.year})"))
    placed = []
    for candidate, fraction, source in known:
        beaten_by = tuple(
            sorted(
                other.code
                for other, other_fraction, _ in known
                if other.code != candidate.code
                and other.cost_index <= candidate.cost_index
                and other_fraction >= fraction
                and (other.cost_index < candidate.cost_index or other_fraction > fraction)
            )
        )
        placed.append(
            OutsourcingOption(
                code=candidate.code,
                name=_name(table, candidate.code),
                cost_index=candidate.cost_index,
                relative_cost=candidate.cost_index / cheapest,
                enforceability=fraction,
                score=scale.low + fraction * (scale.high - scale.low),
                enforceability_source=source,
                frontier=not beaten_by,
                dominated_by=beaten_by,
                rank=None,
                reason="",
            )
        )
    placed.sort(key=lambda o: (not o.frontier, -_per_cost(o), o.code))
    options = [
        _with_reason(option, rank, scale.name) for rank, option in enumerate(placed, start=1)
    ]
    for candidate in sorted(unknown, key=lambda c: c.code):
        options.append(
            OutsourcingOption(
                code=candidate.code,
                name=_name(table, candidate.code),
                cost_index=candidate.cost_index,
                relative_cost=candidate.cost_index / cheapest,
                enforceability=None,
                score=None,
                enforceability_source="",
                frontier=False,
                dominated_by=(),
                rank=None,
                reason=(
                    f"The jurisdiction table has no cited enforceability for {candidate.code}, "
                    "so its trade-off cannot be shown: ask counsel for a score."
                ),
            )
        )
    frontier = sorted((o for o in options if o.frontier), key=lambda o: (o.cost_index, o.code))
    return OutsourcingComparison(
        scale=scale.name,
        options=tuple(options),
        trade_offs=_trade_offs(frontier, scale.high - scale.low),
    )


def _check(
    candidates: Sequence[OutsourcingCandidate],
    table: JurisdictionTable,
    scores: Sequence[tuple[str, float]],
) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.code in OFFICES:
            problems.append(
                f"candidate: {candidate.code} is a patent office, not a country: "
                "a vendor works in a country"
            )
        elif not is_country(candidate.code):
            problems.append(f"candidate: {describe_code_problem(candidate.code)}")
        if candidate.code in seen:
            problems.append(f"candidate {candidate.code} is listed twice")
        seen.add(candidate.code)
        if not candidate.cost_index > 0:
            problems.append(
                f"candidate {candidate.code}: the cost index must be above 0, not "
                f"{candidate.cost_index:g}"
            )
    scale = table.scale
    for code, score in scores:
        if not scale.low <= score <= scale.high:
            problems.append(
                f"enforceability for {code}: {score:g} is outside the table's "
                f"scale, {scale.low:g} to {scale.high:g} ({scale.name})"
            )
    if problems:
        raise StrategyInputError(problems)


def _name(table: JurisdictionTable, code: str) -> str:
    office = table.get(code)
    return office.name if office is not None else code


def _per_cost(option: OutsourcingOption) -> float:
    return (option.enforceability or 0.0) / option.relative_cost


def _with_reason(option: OutsourcingOption, rank: int, scale: str) -> OutsourcingOption:
    measures = (
        f"enforceability {option.score:g} ({scale}) at cost index "
        f"{option.cost_index:g}, {option.relative_cost:.2f}x the cheapest"
    )
    if option.frontier:
        reason = (
            f"On the frontier: no other candidate is both cheaper and at least as "
            f"enforceable. {measures[0].upper()}{measures[1:]}."
        )
    else:
        reason = (
            f"Beaten by {', '.join(option.dominated_by)}: cheaper or as cheap, and at "
            f"least as enforceable. {measures[0].upper()}{measures[1:]}."
        )
    return replace(option, rank=rank, reason=reason)


def _trade_offs(frontier: list[OutsourcingOption], span: float) -> tuple[str, ...]:
    """Neighbours on the frontier, cheapest first: what the next step up in cost buys."""
    lines = []
    for cheaper, dearer in zip(frontier, frontier[1:], strict=False):
        extra = (dearer.cost_index / cheaper.cost_index - 1) * 100
        gain = ((dearer.enforceability or 0.0) - (cheaper.enforceability or 0.0)) * span
        lines.append(
            f"{dearer.code} instead of {cheaper.code}: {extra:.0f}% more cost for "
            f"{gain:.2f} points more enforceability."
        )
    return tuple(lines)
