"""What the user has recorded for an engagement's filing strategy, as plain data.

The recorded inputs (docs/RISK.md, "Inputs") are the markets with their revenue shares, the
annual revenue and its currency, the horizon, an optional budget, the countries where
competitors the vendors serve operate, and a manufacturing-cost index for each candidate
vendor country. Where the product is made and designed is not recorded: it follows from the
engagement's vendors (strategy_inputs.sites_from_vendors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from firstfile.domain.json_ready import json_ready
from firstfile.domain.strategy_inputs import CompetitorPresence, Market

DEFAULT_HORIZON_YEARS = 10
SOURCE_MAX_CHARS = 200  # OutsourcingCostIndex.source
COMPETITOR_MAX_CHARS = 200  # StrategyCompetitor.competitor


@dataclass(frozen=True, slots=True)
class CostIndex:
    """The user's manufacturing-cost index for a candidate vendor country, and its source."""

    code: str
    cost_index: float  # above 0; lower is cheaper; any base (100 for home, or quotes)
    source: str  # where the figure comes from: quotes, a survey, counsel's estimate


@dataclass(frozen=True, slots=True)
class RecordedStrategy:
    """An engagement's recorded strategy inputs; the defaults when nothing was recorded.

    currency is "" until the user records one: the strategy then uses the jurisdiction
    table's base currency.
    """

    engagement: str
    annual_revenue: float = 0.0
    currency: str = ""
    horizon_years: int = DEFAULT_HORIZON_YEARS
    budget: float | None = None
    markets: tuple[Market, ...] = ()  # by code
    competitors: tuple[CompetitorPresence, ...] = ()  # by competitor, then code
    cost_indexes: tuple[CostIndex, ...] = ()  # by code

    @property
    def is_empty(self) -> bool:
        """True when nothing but the defaults is recorded."""
        return self == RecordedStrategy(self.engagement)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data: lists of objects, each with its `code`."""
        data: dict[str, Any] = json_ready(self)
        return data


def normalised(record: RecordedStrategy) -> RecordedStrategy:
    """record with its lists in their stored order (markets and indexes by code, competitors
    by name then code), so two records of the same inputs compare equal."""
    return RecordedStrategy(
        engagement=record.engagement,
        annual_revenue=record.annual_revenue,
        currency=record.currency,
        horizon_years=record.horizon_years,
        budget=record.budget,
        markets=tuple(sorted(record.markets, key=lambda m: m.code)),
        competitors=tuple(sorted(record.competitors, key=lambda c: (c.competitor, c.code))),
        cost_indexes=tuple(sorted(record.cost_indexes, key=lambda c: c.code)),
    )


def changes_between(old: RecordedStrategy, new: RecordedStrategy) -> dict[str, tuple[Any, Any]]:
    """{field: (old, new)} of every recorded input that differs, as JSON-ready values, for the
    audit trail."""
    before, after = old.as_json(), new.as_json()
    return {
        name: (before[name], after[name])
        for name in after
        if name != "engagement" and before[name] != after[name]
    }
