"""The jurisdiction table: per country or office, what counsel weighs before filing there.

Practice 2 of the article: decide where to file and where to outsource by IP enforceability as
much as by cost, and revisit the decision as laws change. Every value in the table carries the
source it was taken from and its year or date (REFERENCE.md section 8); a value nobody could
cite is None and is shown as unknown, never guessed. The table carries the date it was last
reviewed, and `review_warnings` says when that is more than 12 months ago.

The table is read from `templates/jurisdictions.yaml` (or the user's own copy) by
`services/jurisdiction_table.py`; everything here is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from firstfile.domain.filings import add_months
from firstfile.domain.json_ready import json_ready

REVIEW_MONTHS = 12  # "regular reference to an updated foreign jurisdictional filing strategy"
COST_YEARS = 10  # the table's cost figure covers filing, prosecution and 10 years of upkeep


class UnknownCurrency(ValueError):
    """An amount in a currency the rates table has no rate for."""


@dataclass(frozen=True, slots=True)
class Scale:
    """The scale enforceability scores are given on, and what it measures."""

    name: str  # e.g. "U.S. Chamber International IP Index, overall score"
    low: float
    high: float
    unit: str = ""

    def fraction(self, score: float) -> float:
        """score as a share of the scale: 0 at its low end, 1 at its high end."""
        return (score - self.low) / (self.high - self.low)


@dataclass(frozen=True, slots=True)
class EnforceabilityScore:
    """How well IP rights can be enforced there, on the table's scale, with its source."""

    score: float
    source: str
    year: int


@dataclass(frozen=True, slots=True)
class GracePeriod:
    """Whether the inventor's own disclosure is forgiven there: 0 months means it is not."""

    months: int
    source: str
    year: int

    @property
    def exists(self) -> bool:
        """True when a general grace period protects the inventor's own disclosure."""
        return self.months > 0


@dataclass(frozen=True, slots=True)
class UtilityModel:
    """Whether a utility model (a cheaper, shorter, often unexamined right) can be had."""

    available: bool
    source: str
    year: int


@dataclass(frozen=True, slots=True)
class FilingCost:
    """A typical cost to file, prosecute and keep a patent for 10 years.

    Official fees plus attorney and translation, in its own currency, as of its date.
    """

    amount: float
    currency: str
    source: str
    as_of: date


@dataclass(frozen=True, slots=True)
class TimeToGrant:
    """A typical time from filing to grant."""

    months: float
    source: str
    year: int


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """One country (ISO 3166-1 alpha-2) or office (EP, WO, ...) of the table."""

    code: str
    name: str
    enforceability: EnforceabilityScore | None = None
    grace_period: GracePeriod | None = None
    # Names of the deadline engine's rules for this office (domain/deadline_rules.py RULES),
    # so a strategy can show, next to the country, whether novelty is already lost there.
    deadline_rules: tuple[str, ...] = ()
    utility_model: UtilityModel | None = None
    cost_10y: FilingCost | None = None
    time_to_grant: TimeToGrant | None = None
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: one object with its `code`; unknown values are null."""
        data: dict[str, Any] = json_ready(self)
        return data


@dataclass(frozen=True, slots=True)
class ExchangeRates:
    """Currency rates of one date, against a base currency: no network, ever."""

    base: str
    as_of: date
    source: str
    # Units of each currency that one unit of the base buys: (("EUR", 0.9), ...).
    units_per_base: tuple[tuple[str, float], ...] = ()

    def rate(self, currency: str) -> float | None:
        """Units of currency per unit of the base; 1 for the base itself; None when unknown."""
        if currency == self.base:
            return 1.0
        return next((rate for code, rate in self.units_per_base if code == currency), None)

    def convert(self, amount: float, currency: str, into: str) -> float:
        """amount of currency expressed in into. Raises UnknownCurrency naming what to add."""
        if currency == into:
            return amount
        source_rate, target_rate = self.rate(currency), self.rate(into)
        for code, rate in ((currency, source_rate), (into, target_rate)):
            if rate is None:
                raise UnknownCurrency(
                    f"no exchange rate for {code}: add it to the rates of the jurisdiction "
                    f"table (units of {code} per {self.base}, with the date of the rate)"
                )
        assert source_rate is not None and target_rate is not None
        return amount / source_rate * target_rate


@dataclass(frozen=True, slots=True)
class JurisdictionTable:
    """The whole table: the review date, the score scale, the rates and one row per office."""

    reviewed: date
    scale: Scale
    rates: ExchangeRates
    offices: tuple[Jurisdiction, ...]
    reviewed_by: str = ""
    source: str = ""  # the file it was read from, for messages and the memo
    _by_code: dict[str, Jurisdiction] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._by_code.update({office.code: office for office in self.offices})

    def get(self, code: str) -> Jurisdiction | None:
        """The row for code, or None when the table has none."""
        return self._by_code.get(code)

    def enforceability(self, code: str) -> float | None:
        """The row's enforceability as a share of the scale (0 to 1), or None when uncited."""
        office = self._by_code.get(code)
        if office is None or office.enforceability is None:
            return None
        return self.scale.fraction(office.enforceability.score)

    def review_warning(self, today: date) -> str | None:
        """A warning when the table was last reviewed more than 12 months before today."""
        if add_months(self.reviewed, REVIEW_MONTHS) >= today:
            return None
        return (
            f"the jurisdiction table was last reviewed on {self.reviewed.isoformat()}, more "
            f"than {REVIEW_MONTHS} months ago: laws, fees and enforcement change, so ask "
            "counsel to review it and update 'reviewed'"
        )

    def rates_warning(self, today: date) -> str | None:
        """A warning when the exchange rates are more than 12 months old."""
        if add_months(self.rates.as_of, REVIEW_MONTHS) >= today:
            return None
        return (
            f"the exchange rates are of {self.rates.as_of.isoformat()}, more than "
            f"{REVIEW_MONTHS} months ago: update them with their new date"
        )

    def review_warnings(self, today: date) -> tuple[str, ...]:
        """Why the table may be out of date: its review or its rates more than 12 months old."""
        found = (self.review_warning(today), self.rates_warning(today))
        return tuple(warning for warning in found if warning is not None)

    def as_json(self) -> dict[str, Any]:
        """Everything in the table as JSON-ready data; `offices` is a list with `code` each."""
        data: dict[str, Any] = json_ready(self)
        data["rates"]["units_per_base"] = dict(self.rates.units_per_base)
        return data
