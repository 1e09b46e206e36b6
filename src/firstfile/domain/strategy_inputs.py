"""What the user records for a filing strategy, and the checks on it.

Practice 2 of the article: file "not only in geographic locations where companies sell and use
their technology, but also in areas where they currently, or potentially, would enter into
contract manufacturing or product design partnerships". So the inputs are where the product is
sold and used (with a rough share of revenue), where it is made and designed (taken from the
vendors' countries and kinds), and where the competitors the vendors serve operate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from firstfile.domain.country_codes import (
    OFFICES,
    ROUTE_ONLY,
    describe_code_problem,
    is_jurisdiction_code,
)
from firstfile.domain.jurisdictions import JurisdictionTable

MADE = "made"
DESIGNED = "designed"
SITE_ACTIVITIES: tuple[str, ...] = (MADE, DESIGNED)

# What each vendor kind (vocabulary.VENDOR_KINDS) does where it is: an ODM designs and builds;
# a test house works on the production line, so what it sees is what is made there.
ACTIVITIES_BY_VENDOR_KIND: dict[str, tuple[str, ...]] = {
    "contract-manufacturer": (MADE,),
    "design-firm": (DESIGNED,),
    "odm": (MADE, DESIGNED),
    "test-house": (MADE,),
}

# A patent lasts at most 20 years from filing (TRIPS Art. 33): no horizon goes beyond it.
MAX_HORIZON_YEARS = 20
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SHARE_SLACK = 1e-9  # shares typed as 0.3 + 0.7 must not fail on binary rounding


class StrategyInputError(ValueError):
    """Inputs that cannot be weighed; `problems` says what to fix, one line each."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Market:
    """Where the product is sold or used, with its rough share of the product's revenue."""

    code: str
    revenue_share: float  # 0 to 1


@dataclass(frozen=True, slots=True)
class Site:
    """Where the product is made or designed, and by whom (a vendor's name)."""

    code: str
    activity: str  # MADE or DESIGNED
    by: str


@dataclass(frozen=True, slots=True)
class CompetitorPresence:
    """A country where a competitor that one of the vendors serves operates."""

    code: str
    competitor: str


@dataclass(frozen=True, slots=True)
class VendorSite:
    """A vendor as the strategy needs it: its name, kind and country."""

    name: str
    kind: str
    country: str


@dataclass(frozen=True, slots=True)
class StrategyInputs:
    """Everything a filing strategy is computed from, as plain data.

    exposure is the share of the product's value a copier could take (0 to 1): the caller
    takes it from the outsourcing-risk analysis (the share of critical knowledge vendors
    see), and may set it per country in exposure_by_country. enforceability_scores overrides
    the table's score for a country, on the table's scale (counsel's own view, or a what-if).
    Amounts are in currency, which the table's rates must know.
    """

    subject: str  # the engagement or product key
    annual_revenue: float
    currency: str
    exposure: float
    horizon_years: int = 10
    markets: tuple[Market, ...] = ()
    sites: tuple[Site, ...] = ()
    competitors: tuple[CompetitorPresence, ...] = ()
    exposure_by_country: tuple[tuple[str, float], ...] = ()
    enforceability_scores: tuple[tuple[str, float], ...] = ()
    budget: float | None = None


def sites_from_vendors(vendors: Iterable[VendorSite]) -> tuple[Site, ...]:
    """Where the product is made and designed, from the vendors' kinds and countries.

    A vendor with no country recorded is left out: the caller should say so to the user.
    """
    sites: list[Site] = []
    for vendor in vendors:
        if not vendor.country:
            continue
        for activity in ACTIVITIES_BY_VENDOR_KIND.get(vendor.kind, (MADE,)):
            sites.append(Site(code=vendor.country.upper(), activity=activity, by=vendor.name))
    return tuple(sites)


def check_inputs(inputs: StrategyInputs, table: JurisdictionTable) -> tuple[str, ...]:
    """Every problem with inputs, in words that say what to fix; empty when they can be used."""
    problems: list[str] = []
    if inputs.annual_revenue < 0:
        problems.append(f"the annual revenue cannot be negative ({inputs.annual_revenue:g})")
    if not _CURRENCY.match(inputs.currency):
        problems.append(f"{inputs.currency!r} is not an ISO 4217 currency code (such as USD)")
    elif table.rates.rate(inputs.currency) is None:
        problems.append(
            f"the jurisdiction table has no exchange rate for {inputs.currency}: "
            "add one to its rates, or give the revenue in "
            f"{table.rates.base}"
        )
    if not 1 <= inputs.horizon_years <= MAX_HORIZON_YEARS:
        problems.append(
            f"the horizon must be 1 to {MAX_HORIZON_YEARS} years (a patent lasts "
            f"20 years from filing), not {inputs.horizon_years}"
        )
    if not 0 <= inputs.exposure <= 1:
        problems.append(f"the exposure must be a share from 0 to 1, not {inputs.exposure:g}")
    if inputs.budget is not None and inputs.budget < 0:
        problems.append(f"the budget cannot be negative ({inputs.budget:g})")
    problems += _check_markets(inputs.markets)
    for site in inputs.sites:
        problems += _check_place(site.code, f"site of {site.by}")
        if site.activity not in SITE_ACTIVITIES:
            problems.append(
                f"site of {site.by}: {site.activity!r} is not one of {', '.join(SITE_ACTIVITIES)}"
            )
    for presence in inputs.competitors:
        problems += _check_place(presence.code, f"competitor {presence.competitor}")
    for code, share in inputs.exposure_by_country:
        problems += _check_code(code, "exposure", market=True)
        if not 0 <= share <= 1:
            problems.append(f"exposure for {code}: must be a share from 0 to 1, not {share:g}")
    scale = table.scale
    for code, score in inputs.enforceability_scores:
        problems += _check_code(code, "enforceability", market=False)
        if not scale.low <= score <= scale.high:
            problems.append(
                f"enforceability for {code}: {score:g} is outside the table's scale, "
                f"{scale.low:g} to {scale.high:g} ({scale.name})"
            )
    return tuple(problems)


def _check_markets(markets: tuple[Market, ...]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for market in markets:
        problems += _check_code(market.code, "market", market=True)
        if market.code in seen:
            problems.append(f"market {market.code} is listed twice: give one share per country")
        seen.add(market.code)
        if not 0 <= market.revenue_share <= 1:
            problems.append(
                f"market {market.code}: the revenue share must be from 0 to 1 "
                f"(0.3 for 30%), not {market.revenue_share:g}"
            )
    total = sum(market.revenue_share for market in markets)
    if total > 1 + _SHARE_SLACK:
        problems.append(f"the revenue shares add up to {total:.0%}: they cannot exceed 100%")
    return problems


def _check_place(code: str, what: str) -> list[str]:
    """A site or a competitor is in a country: an office code is refused."""
    if code in OFFICES:
        return [f"{what}: {code} is a patent office, not a country: name the country"]
    return _check_code(code, what, market=True)


def _check_code(code: str, what: str, *, market: bool) -> list[str]:
    if not is_jurisdiction_code(code):
        return [f"{what}: {describe_code_problem(code)}"]
    if market and code in ROUTE_ONLY:
        return [
            f"{what}: {code} is an international application, a route to national "
            "patents rather than a place: name the countries or regional offices instead"
        ]
    return []
