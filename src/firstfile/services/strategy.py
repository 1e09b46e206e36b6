"""Use cases of the filing strategy (practice 2): recording an engagement's inputs, and
computing where to file and where to outsource.

The strategy is computed on every read, never stored (like the outsourcing-risk analysis): the
recommended set with each country's reason, the cost–benefit per country and in total, the
budgeted set when there is a budget, a what-if, where to outsource, and next to each country
the deadline engine's rows for its office (services/counsel.docket), so counsel sees that
novelty is already lost there before paying for a filing. The formulas are in docs/RISK.md.

What the strategy takes from the rest of firstfile: where the product is made and designed
from the engagement's vendors (kind and country), and the exposure x from part 1's analysis
of the components the vendors are assigned (domain/strategy_exposure.py; the one place that
reads components for it is storage/strategy_queries.exposure_facts).

Recording writes one audit record (entity "strategy", keyed by the engagement) in the same
transaction; inputs with anything wrong are refused whole, every problem named.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session

from firstfile.domain.disclosure import Problem
from firstfile.domain.filing_strategy import (
    UNKNOWN,
    FilingStrategy,
    assess,
    deadlines_by_country,
)
from firstfile.domain.json_ready import json_ready
from firstfile.domain.jurisdictions import JurisdictionTable
from firstfile.domain.outsourcing_choice import (
    OutsourcingCandidate,
    OutsourcingComparison,
    compare_outsourcing,
)
from firstfile.domain.risk.tree import ComponentTree
from firstfile.domain.strategy_exposure import KnowledgeExposure, knowledge_exposure
from firstfile.domain.strategy_inputs import (
    CompetitorPresence,
    Market,
    StrategyInputError,
    StrategyInputs,
    VendorSite,
    check_inputs,
    sites_from_vendors,
)
from firstfile.domain.strategy_record import (
    COMPETITOR_MAX_CHARS,
    SOURCE_MAX_CHARS,
    CostIndex,
    RecordedStrategy,
    changes_between,
    normalised,
)
from firstfile.domain.text import clean_line
from firstfile.domain.what_if import ENFORCEABILITY, Change, WhatIf, what_if
from firstfile.resources import shipped_templates
from firstfile.services.counsel import docket
from firstfile.services.errors import UserError, ValidationFailed
from firstfile.services.jurisdiction_table import TABLE_FILE, TableLoad, load_table
from firstfile.services.vendors import require_engagement
from firstfile.storage import audit
from firstfile.storage import strategy_queries as sq
from firstfile.storage.engine import Store
from firstfile.storage.tables import Engagement


@dataclass(frozen=True, slots=True)
class StrategyChanges:
    """What to change in an engagement's recorded inputs; None leaves a field as it is.

    A list given replaces the recorded list whole (an empty tuple clears it). Cost indexes can
    also be changed one country at a time: set_cost_indexes adds or replaces each country's
    index, drop_cost_indexes removes countries' indexes. Shares are 0 to 1; codes and
    currencies are read in capitals.
    """

    annual_revenue: float | None = None
    currency: str | None = None
    horizon_years: int | None = None
    budget: float | None = None
    remove_budget: bool = False
    markets: tuple[Market, ...] | None = None
    competitors: tuple[CompetitorPresence, ...] | None = None
    cost_indexes: tuple[CostIndex, ...] | None = None
    set_cost_indexes: tuple[CostIndex, ...] = ()
    drop_cost_indexes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CountryDeadline:
    """One of the deadline engine's rows, shown next to the country whose office it is."""

    disclosure: str
    rule: str
    jurisdiction: str
    due: date | None
    state: str  # overdue, due-soon, open, met or lost (domain/deadlines.py)
    note: str


@dataclass(frozen=True, slots=True)
class StrategyReport:
    """Everything the strategy of one engagement shows, computed from what is recorded now."""

    engagement: str
    engagement_name: str
    table_source: str
    table_reviewed: date
    table_warnings: tuple[str, ...]  # its review or its rates more than 12 months old
    table_problems: tuple[str, ...]  # why the user's own table was not used, if it was not
    inputs: RecordedStrategy
    exposure: KnowledgeExposure
    strategy: FilingStrategy
    deadlines: tuple[tuple[str, tuple[CountryDeadline, ...]], ...]  # (country, rows)
    outsourcing: OutsourcingComparison | None
    what_if: WhatIf | None
    notes: tuple[str, ...]  # what counsel or the user must enter before it can say more

    def deadlines_for(self, code: str) -> tuple[CountryDeadline, ...]:
        """The deadline rows shown next to a country (empty when its office has none)."""
        return dict(self.deadlines).get(code, ())

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON: the strategy's fields, each country with its `code` and its
        `deadlines`, and beside them the table, inputs, exposure, outsourcing and notes."""
        strategy = self.strategy.as_json()
        for country in strategy["countries"]:
            country["deadlines"] = json_ready(self.deadlines_for(country["code"]))
        return {
            "engagement": self.engagement,
            "name": self.engagement_name,
            "table": {
                "source": self.table_source,
                "reviewed": self.table_reviewed.isoformat(),
                "warnings": list(self.table_warnings),
                "problems": list(self.table_problems),
            },
            "inputs": self.inputs.as_json(),
            "exposure": self.exposure.as_json(),
            "strategy": strategy,
            "outsourcing": self.outsourcing.as_json() if self.outsourcing else None,
            "what_if": self.what_if.as_json() if self.what_if else None,
            "notes": list(self.notes),
        }


# --- reading -----------------------------------------------------------------------------------


def jurisdiction_table(
    templates_dir: Path | None = None, *, today: date | None = None
) -> TableLoad:
    """The jurisdiction table in use (the user's copy first), with its problems and warnings.

    A file is read again only when it changed (its size or modification time): a screen that
    recomputes the strategy for every what-if does not parse the same YAML each time.
    """
    folders = (templates_dir,) if templates_dir is not None else ()
    candidates = [Path(folder) / TABLE_FILE for folder in folders]
    candidates.append(shipped_templates() / TABLE_FILE)
    return _table_of(folders, _stamps(candidates), today or date.today())


@lru_cache(maxsize=8)
def _table_of(
    folders: tuple[Path, ...], stamps: tuple[tuple[str, int, int], ...], today: date
) -> TableLoad:
    # stamps is only part of the key: a changed file is a new key, so it is read again.
    return load_table(list(folders), today=today)


@lru_cache(maxsize=8)
def _policy_of(path: Path, stamp: tuple[str, int, int]) -> Any:
    from firstfile.services.firewall_policy import read_policy

    return read_policy(path)


def _stamps(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Each path with its size and modification time (-1 for a file that is not there)."""
    found = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            found.append((str(path), -1, -1))
        else:
            found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def recorded_inputs(store: Store, engagement_key: str) -> RecordedStrategy:
    """What is recorded for the engagement's strategy (the defaults where nothing is)."""
    with store.read() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        return sq.recorded_strategy(db=db, engagement=engagement)


def compute_strategy(
    store: Store,
    engagement_key: str,
    *,
    templates_dir: Path | None = None,
    horizon_years: int | None = None,
    budget: float | None = None,
    change: Change | None = None,
    as_of: date | None = None,
) -> StrategyReport:
    """The engagement's filing strategy from its recorded inputs, computed now.

    horizon_years and budget replace the recorded ones for this computation only (nothing is
    written); a budget that buys nothing is refused with what it would take. change, when
    given, is a what-if: one input moved, and what that changes. as_of is the day deadlines
    and the table's age are reckoned from.
    """
    today = as_of or date.today()
    load = _usable_table(templates_dir, today)
    table = load.table
    assert table is not None
    policy = _policy(templates_dir)
    with store.read() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        record = sq.recorded_strategy(db=db, engagement=engagement)
        facts = _facts(db, engagement)
    exposure = knowledge_exposure(
        ComponentTree(facts.exposure.nodes),
        facts.exposure.vendors,
        facts.exposure.assignments,
        policy,
    )
    problems = _override_problems(horizon_years, budget)
    if problems:
        raise _cannot_compute(problems)
    if horizon_years is not None:
        record = replace(record, horizon_years=horizon_years)
    if budget is not None:
        record = replace(record, budget=budget)
    inputs, notes = _strategy_inputs(record, facts, exposure, table)
    strategy = _assess(inputs, table)
    if budget is not None:
        refused = _budget_refusal(strategy)
        if refused:
            raise UserError(refused)
    comparison = _what_if(inputs, table, strategy, change) if change is not None else None
    rows = [
        CountryDeadline(
            row.disclosure,
            row.deadline.rule,
            row.deadline.jurisdiction,
            row.deadline.due,
            row.deadline.state,
            row.deadline.note,
        )
        for row in docket(store, as_of=today, engagement_key=engagement.key)
    ]
    outsourcing = None
    if record.cost_indexes:
        outsourcing = compare_outsourcing(
            [OutsourcingCandidate(c.code, c.cost_index) for c in record.cost_indexes], table
        )
    notes += _table_notes(strategy, table, record, exposure, outsourcing)
    return StrategyReport(
        engagement=engagement.key,
        engagement_name=engagement.name,
        table_source=table.source,
        table_reviewed=table.reviewed,
        table_warnings=load.warnings,
        table_problems=load.problems,
        inputs=record,
        exposure=exposure,
        strategy=strategy,
        deadlines=tuple(deadlines_by_country(strategy, rows).items()),
        outsourcing=outsourcing,
        what_if=comparison,
        notes=tuple(notes),
    )


# --- recording ---------------------------------------------------------------------------------


def record_strategy_inputs(
    store: Store,
    engagement_key: str,
    changes: StrategyChanges,
    *,
    actor: str,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> RecordedStrategy:
    """Change the engagement's recorded inputs; only what differs is written and audited.

    Refused whole (ValidationFailed, every problem named, nothing written) for a code that is
    not ISO 3166 or a known office, a share off 0-100%, shares over 100% together, a negative
    revenue, a currency the table has no rate for, a horizon off 1-20 years, a competitor no
    vendor of the engagement serves, a cost index not above 0 or without its source, or a
    budget that buys nothing.
    """
    load = _usable_table(templates_dir, today or date.today())
    table = load.table
    assert table is not None
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        old = sq.recorded_strategy(db=db, engagement=engagement)
        new = normalised(_merged(old, changes))
        facts = _facts(db, engagement)
        problems = _record_problems(new, facts, table)
        recorded_codes = {index.code for index in old.cost_indexes}
        problems += [
            f"cost index {code.strip().upper()}: none is recorded, so there is none to remove"
            for code in changes.drop_cost_indexes
            if code.strip().upper() not in recorded_codes
        ]
        if not problems and new.budget is not None:
            exposure = knowledge_exposure(
                ComponentTree(facts.exposure.nodes),
                facts.exposure.vendors,
                facts.exposure.assignments,
                _policy(templates_dir),
            )
            inputs, _ = _strategy_inputs(new, facts, exposure, table)
            refused = _budget_refusal(_assess(inputs, table))
            if refused:
                problems.append(refused)
        if problems:
            raise ValidationFailed([Problem("strategy", p) for p in problems])
        diff = changes_between(old, new)
        if diff:
            sq.store_strategy(db=db, engagement=engagement, record=new)
            audit.record(
                db=db,
                actor=actor,
                entity="strategy",
                entity_key=engagement.key,
                action="update",
                changes=diff,
            )
        return new


# --- inside the use cases ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    vendors: tuple[VendorSite, ...]
    served: frozenset[str]
    exposure: sq.ExposureFacts


def _facts(db: Session, engagement: Engagement) -> _Facts:
    return _Facts(
        vendors=sq.vendor_sites(db=db, engagement=engagement),
        served=frozenset(sq.served_competitors(db=db, engagement=engagement)),
        exposure=sq.exposure_facts(db=db, engagement=engagement),
    )


def _usable_table(templates_dir: Path | None, today: date) -> TableLoad:
    load = jurisdiction_table(templates_dir, today=today)
    if load.table is None:
        lines = "\n".join(f"  {p}" for p in load.problems)
        raise UserError(f"no jurisdiction table can be read; fix these and try again:\n{lines}")
    return load


def _policy(templates_dir: Path | None) -> Any:
    """The firewall policy in force (PolicyError when it is broken), read again only when
    its file changed."""
    from firstfile.services.firewall_policy import policy_path

    path = policy_path([templates_dir] if templates_dir is not None else [])
    return _policy_of(path, _stamps([path])[0])


def _assess(inputs: StrategyInputs, table: JurisdictionTable) -> FilingStrategy:
    from firstfile.analysis.budget_solver import solve_knapsack

    try:
        return assess(inputs, table, solve=solve_knapsack)
    except StrategyInputError as exc:
        raise _cannot_compute(exc.problems) from None


def _cannot_compute(problems: Iterable[str]) -> UserError:
    lines = "\n".join(f"  {p}" for p in problems)
    return UserError(f"the strategy cannot be computed; fix these and try again:\n{lines}")


def _what_if(
    inputs: StrategyInputs, table: JurisdictionTable, strategy: FilingStrategy, change: Change
) -> WhatIf:
    from firstfile.analysis.budget_solver import solve_knapsack

    if change.kind == ENFORCEABILITY and strategy.get(change.code) is None:
        candidates = ", ".join(c.code for c in strategy.countries) or "none yet"
        raise UserError(
            f"{change.code} is not a country this strategy weighs (its countries: "
            f"{candidates}): record it as a market first, or move another country"
        )
    try:
        return what_if(inputs, table, change, solve=solve_knapsack)
    except StrategyInputError as exc:
        raise _cannot_compute(exc.problems) from None
    except ValueError as exc:
        raise _cannot_compute([str(exc)]) from None


def _strategy_inputs(
    record: RecordedStrategy,
    facts: _Facts,
    exposure: KnowledgeExposure,
    table: JurisdictionTable,
) -> tuple[StrategyInputs, list[str]]:
    """The domain's inputs from what is recorded, and notes on what was left out and why."""
    notes: list[str] = []
    usable: list[VendorSite] = []
    for vendor in facts.vendors:
        problems = check_inputs(
            StrategyInputs(
                subject=record.engagement,
                annual_revenue=0,
                currency=table.rates.base,
                exposure=0,
                sites=sites_from_vendors([vendor]),
            ),
            table,
        )
        if not vendor.country:
            notes.append(
                f"Vendor {vendor.name} has no country recorded: where it makes or designs is "
                "left out of the strategy until it has one."
            )
        elif problems:
            notes.append(
                f"Vendor {vendor.name}'s country {vendor.country!r} is not an ISO 3166 country "
                "code: where it makes or designs is left out until it is corrected."
            )
        else:
            usable.append(vendor)
    competitors = []
    for presence in record.competitors:
        if presence.competitor in facts.served:
            competitors.append(presence)
        else:
            notes.append(
                f"{presence.competitor} ({presence.code}) is no longer a competitor any vendor "
                "of this engagement serves: left out."
            )
    inputs = StrategyInputs(
        subject=record.engagement,
        annual_revenue=record.annual_revenue,
        currency=record.currency or table.rates.base,
        exposure=exposure.combined,
        horizon_years=record.horizon_years,
        markets=record.markets,
        sites=sites_from_vendors(usable),
        competitors=tuple(competitors),
        budget=record.budget,
    )
    return inputs, notes


def _budget_refusal(strategy: FilingStrategy) -> str:
    """Why the strategy's budget buys nothing, or "" when it buys something (or there is none).

    A budget is only weighed against costs the table knows: when it knows none of the
    candidates' costs, the budget can buy nothing that firstfile could name.
    """
    budgeted = strategy.budgeted
    if budgeted is None:
        return ""
    priced = [c.code for c in strategy.countries if c.cost is not None]
    if not priced:
        listed = ", ".join(c.code for c in strategy.countries) or "none"
        return (
            f"a budget of {budgeted.budget:,.0f} {strategy.currency} cannot be weighed: the "
            f"jurisdiction table has no 10-year cost for any country of this strategy "
            f"({listed}); ask counsel for the costs and add them to the table (cost_10y), or "
            "leave the budget out"
        )
    return budgeted.message


def _override_problems(horizon_years: int | None, budget: float | None) -> list[str]:
    problems = []
    if budget is not None and (not math.isfinite(budget) or budget < 0):
        problems.append(f"the budget must be an amount of 0 or more, not {budget:g}")
    if horizon_years is not None and not 1 <= horizon_years <= 20:
        problems.append(
            f"the horizon must be 1 to 20 years (a patent lasts 20 years from filing), not "
            f"{horizon_years}"
        )
    return problems


def _merged(old: RecordedStrategy, changes: StrategyChanges) -> RecordedStrategy:
    """old with changes applied, user text cleaned, codes and the currency in capitals."""
    budget = old.budget if changes.budget is None else changes.budget
    if changes.remove_budget:
        budget = None
    return RecordedStrategy(
        engagement=old.engagement,
        annual_revenue=(
            old.annual_revenue if changes.annual_revenue is None else changes.annual_revenue
        ),
        currency=(old.currency if changes.currency is None else changes.currency).strip().upper(),
        horizon_years=old.horizon_years if changes.horizon_years is None else changes.horizon_years,
        budget=budget,
        markets=(
            old.markets
            if changes.markets is None
            else tuple(Market(m.code.strip().upper(), m.revenue_share) for m in changes.markets)
        ),
        competitors=(
            old.competitors
            if changes.competitors is None
            else tuple(
                CompetitorPresence(c.code.strip().upper(), clean_line(c.competitor).strip())
                for c in changes.competitors
            )
        ),
        cost_indexes=_cost_indexes(old, changes),
    )


def _cost_indexes(old: RecordedStrategy, changes: StrategyChanges) -> tuple[CostIndex, ...]:
    """The cost indexes after changes: replaced whole, then dropped and set by country."""

    def cleaned(index: CostIndex) -> CostIndex:
        return CostIndex(
            index.code.strip().upper(), index.cost_index, clean_line(index.source).strip()
        )

    indexes = list(old.cost_indexes if changes.cost_indexes is None else changes.cost_indexes)
    indexes = [cleaned(index) for index in indexes]
    dropped = {code.strip().upper() for code in changes.drop_cost_indexes}
    replaced = [cleaned(index) for index in changes.set_cost_indexes]
    replaced_codes = {index.code for index in replaced}
    kept = [i for i in indexes if i.code not in dropped and i.code not in replaced_codes]
    return tuple(kept + replaced)


def _record_problems(
    record: RecordedStrategy, facts: _Facts, table: JurisdictionTable
) -> list[str]:
    """Everything wrong with record, each in words that say what to fix."""
    problems: list[str] = []
    numbers = [("the annual revenue", record.annual_revenue)]
    numbers += [(f"market {m.code}: the revenue share", m.revenue_share) for m in record.markets]
    numbers += [(f"cost index {c.code}", c.cost_index) for c in record.cost_indexes]
    if record.budget is not None:
        numbers.append(("the budget", record.budget))
    for what, value in numbers:
        if not math.isfinite(value):
            problems.append(f"{what} must be a number, not {value}")
    if problems:
        return problems
    if not record.currency and (record.annual_revenue or record.budget is not None):
        problems.append(
            f"give the currency of the revenue and the budget (--currency, such as "
            f"{table.rates.base})"
        )
    problems += check_inputs(
        StrategyInputs(
            subject=record.engagement,
            annual_revenue=record.annual_revenue,
            currency=record.currency or table.rates.base,
            exposure=0,
            horizon_years=record.horizon_years,
            markets=record.markets,
            competitors=record.competitors,
            budget=record.budget,
        ),
        table,
    )
    seen: set[tuple[str, str]] = set()
    for presence in record.competitors:
        if not presence.competitor:
            problems.append(f"competitor in {presence.code}: give the competitor's name")
        elif len(presence.competitor) > COMPETITOR_MAX_CHARS:
            problems.append(
                f"competitor {presence.competitor[:40]}...: a name is at most "
                f"{COMPETITOR_MAX_CHARS} characters"
            )
        elif presence.competitor not in facts.served:
            served = ", ".join(sorted(facts.served)) or "none recorded"
            problems.append(
                f"competitor {presence.competitor}: no vendor of this engagement is recorded as "
                f"serving it (they serve: {served}); add it to the vendor's competitors first"
            )
        if (presence.competitor, presence.code) in seen:
            problems.append(f"competitor {presence.competitor} in {presence.code} is listed twice")
        seen.add((presence.competitor, presence.code))
    if record.cost_indexes:
        try:
            compare_outsourcing(
                [OutsourcingCandidate(c.code, c.cost_index) for c in record.cost_indexes], table
            )
        except StrategyInputError as exc:
            problems += exc.problems
    for index in record.cost_indexes:
        if not index.source:
            problems.append(
                f"cost index {index.code}: give its source (quotes, a survey, an estimate and "
                "whose), so the comparison can be checked"
            )
        elif len(index.source) > SOURCE_MAX_CHARS:
            problems.append(
                f"cost index {index.code}: the source is at most {SOURCE_MAX_CHARS} characters"
            )
    return problems


def _table_notes(
    strategy: FilingStrategy,
    table: JurisdictionTable,
    record: RecordedStrategy,
    exposure: KnowledgeExposure,
    outsourcing: OutsourcingComparison | None,
) -> list[str]:
    """What counsel or the user must enter before the strategy can weigh every country."""
    notes: list[str] = []
    if not record.markets:
        notes.append(
            "No markets recorded: record where the product is sold and used with a rough share "
            "of revenue, and the annual revenue (firstfile strategy set ENGAGEMENT --sold "
            "CODE:PERCENT --revenue AMOUNT --currency CODE)."
        )
    elif not record.annual_revenue:
        notes.append(
            "No annual revenue recorded: every market protects 0 until it is (firstfile "
            "strategy set ENGAGEMENT --revenue AMOUNT --currency CODE)."
        )
    if record.markets and exposure.combined == 0:
        notes.append(
            "The vendors see none of the engagement's scored knowledge (exposure 0), so no "
            "market has a protected value: score the components and assign them to the vendors "
            "who receive them."
        )
    countries = strategy.countries
    missing_rows = [c.code for c in countries if table.get(c.code) is None]
    if missing_rows:
        notes.append(
            f"Not in the jurisdiction table: {', '.join(missing_rows)}. Ask counsel to add a "
            'row for each (docs/RISK.md, "The jurisdiction table").'
        )
    unpriced = [c.code for c in countries if c.cost is None and table.get(c.code) is not None]
    if unpriced:
        notes.append(
            f"The jurisdiction table has no 10-year cost for {', '.join(unpriced)}: their costs "
            "show as unknown and the countries that are not required cannot be weighed. Ask "
            "counsel for a typical cost to file, prosecute and keep a patent there for 10 "
            "years (official fees, attorney and translation) and add it to jurisdictions.yaml "
            "in your template folder as cost_10y: {amount, currency, source, date}; firstfile "
            "never guesses one."
        )
    unscored = [
        c.code for c in countries if c.enforceability is None and table.get(c.code) is not None
    ]
    if unscored:
        notes.append(
            f"The jurisdiction table has no cited enforceability score for "
            f"{', '.join(unscored)}: add the current score on the table's scale "
            f"({table.scale.name}), or counsel's own, with its source and year."
        )
    if any(c.verdict == UNKNOWN for c in countries):
        notes.append(
            "Countries marked unknown are neither recommended nor ruled out until those values "
            "are entered."
        )
    if outsourcing is None:
        notes.append(
            "Where to outsource: enter a manufacturing-cost index for each candidate vendor "
            "country, with its source (firstfile strategy cost-index ENGAGEMENT CODE INDEX "
            "--source TEXT)."
        )
    return notes
