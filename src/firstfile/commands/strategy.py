"""Commands for where to file and where to outsource (practice 2): the jurisdiction table, an
engagement's recorded inputs and its filing strategy.

    firstfile jurisdictions [--json]
    firstfile strategy ENGAGEMENT [--json] [--horizon YEARS] [--budget AMOUNT]
                                  [--what-if CHANGE] [--as-of DATE]
    firstfile strategy set ENGAGEMENT [--revenue AMOUNT --currency CODE] [--horizon YEARS]
                                      [--budget AMOUNT | --no-budget]
                                      [--sold CODE:PERCENT ... | --no-markets]
                                      [--competitor CODE:NAME ... | --no-competitors] [--json]
    firstfile strategy cost-index ENGAGEMENT CODE INDEX --source TEXT
    firstfile strategy cost-index ENGAGEMENT CODE --remove

`firstfile strategy ENGAGEMENT` is `firstfile strategy show ENGAGEMENT`. Nothing the strategy
computes is stored: it is worked out from the recorded inputs each time (docs/RISK.md).
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    OutFolder,
    export_folder,
    fail,
    opened_store,
    print_json,
    settings_for,
    user_errors,
)

if TYPE_CHECKING:
    from firstfile.domain.filing_strategy import CountryAssessment
    from firstfile.domain.what_if import Change
    from firstfile.services.strategy import StrategyReport

EngagementArgument = Annotated[str, typer.Argument(help="The engagement's key.")]


class _ShowByDefault(TyperGroup):
    """`firstfile strategy ENGAGEMENT ...` runs `firstfile strategy show ENGAGEMENT ...`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this workflow's commands to the root command."""
    strategy_app = typer.Typer(
        cls=_ShowByDefault,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        help=(
            "Where to file and where to outsource: an engagement's filing strategy "
            "(`firstfile strategy ENGAGEMENT` shows it) and the inputs it is computed from."
        ),
    )
    app.add_typer(strategy_app, name="strategy")
    app.command("jurisdictions")(jurisdictions)
    strategy_app.command("show")(show_strategy)
    strategy_app.command("set")(set_inputs)
    strategy_app.command("cost-index")(set_cost_index)
    export_app.command("strategy")(export_strategy)


# --- the jurisdiction table -------------------------------------------------------------------


def jurisdictions(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The jurisdiction table in use: one row per country or office.

    Your template folder's copy is used when it has one. Warns on stderr when the table's
    review or its exchange rates are more than 12 months old.
    """
    from firstfile.services.strategy import jurisdiction_table

    settings = settings_for(ctx, None)
    load = jurisdiction_table(settings.templates_dir)
    for problem in load.problems:
        typer.echo(f"firstfile: warning: {problem}", err=True)
    table = load.table
    if table is None:
        fail("no jurisdiction table can be read: fix the problems above")
    if load.problems:
        typer.echo(f"firstfile: warning: using {table.source} instead", err=True)
    for warning in load.warnings:
        typer.echo(f"firstfile: warning: {warning}", err=True)
    if as_json:
        print_json([office.as_json() for office in table.offices])
        return
    from firstfile.domain.text import clean_line

    scale = table.scale
    typer.echo(
        clean_line(
            f"{table.source}: reviewed {table.reviewed.isoformat()}"
            + (f" by {table.reviewed_by}" if table.reviewed_by else "")
        )
    )
    typer.echo(clean_line(f"enforceability: {scale.name}, {scale.low:g} to {scale.high:g}"))
    for office in table.offices:
        score = office.enforceability
        grace = office.grace_period
        model = office.utility_model
        cost = office.cost_10y
        cells = (
            office.code,
            office.name,
            f"enforceability {score.score:g} ({score.year})" if score else "enforceability -",
            ("grace " + (f"{grace.months} months" if grace.exists else "none"))
            if grace
            else "grace -",
            ("utility model " + ("yes" if model.available else "no"))
            if model
            else "utility model -",
            f"10-year cost {cost.amount:,.0f} {cost.currency} ({cost.as_of.isoformat()})"
            if cost
            else "10-year cost unknown",
        )
        typer.echo("  ".join(clean_line(cell) for cell in cells))


# --- the strategy -----------------------------------------------------------------------------


def show_strategy(
    ctx: typer.Context,
    engagement: EngagementArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon",
            help="Years to weigh, instead of the recorded horizon (1-20).",
            show_default=False,
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="The most to spend on filing, in the strategy's currency, instead "
            "of the recorded budget: the set that protects most within it is solved exactly.",
            show_default=False,
        ),
    ] = None,
    change: Annotated[
        str | None,
        typer.Option(
            "--what-if",
            metavar="CHANGE",
            help="Move one input and show what changes: CODE=SCORE (a country's enforceability, "
            "on the table's scale), horizon=YEARS, budget=AMOUNT or budget=none.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Reckon deadlines and the table's age from this date (YYYY-MM-DD).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """The engagement's filing strategy (the default: firstfile strategy ENGAGEMENT).

    The recommended countries with their reasons, what each protects against what it costs,
    the deadline rows of each office, where to outsource, and what counsel must still enter.
    Nothing is written.
    """
    from firstfile.services.strategy import compute_strategy

    moved = _parse_change(change) if change is not None else None
    day = _parse_date(as_of, "--as-of") if as_of is not None else None
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        report = compute_strategy(
            store,
            engagement,
            templates_dir=settings.templates_dir,
            horizon_years=horizon,
            budget=budget,
            change=moved,
            as_of=day,
        )
    for problem in report.table_problems:
        typer.echo(f"firstfile: warning: {problem}", err=True)
    for warning in report.table_warnings:
        typer.echo(f"firstfile: warning: {warning}", err=True)
    if as_json:
        print_json(report.as_json())
        return
    for line in strategy_lines(report):
        typer.echo(line)


def export_strategy(
    ctx: typer.Context,
    engagement: EngagementArgument,
    out: OutFolder = None,
    fmt: Annotated[
        str, typer.Option("--format", help="docx or md (the memo), or xlsx (the cost table).")
    ] = "docx",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Reckon deadlines and the table's age from this date (YYYY-MM-DD).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the filing-strategy memo for counsel (privileged, internal only), or its cost
    table as a workbook, named after the engagement's key."""
    from firstfile.services import exports

    if fmt not in exports.STRATEGY_FORMATS:
        fail(f"--format must be docx, md or xlsx, not {fmt!r}")
    day = _parse_date(as_of, "--as-of") if as_of is not None else None
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        [path] = exports.export_strategy(
            store, engagement, export_folder(settings, out), [fmt],
            templates_dir=settings.templates_dir, as_of=day
        )
    typer.echo(str(path))


def set_inputs(
    ctx: typer.Context,
    engagement: EngagementArgument,
    revenue: Annotated[
        float | None,
        typer.Option(
            "--revenue", help="The product's annual revenue (in --currency).", show_default=False
        ),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            help="ISO 4217 code of the revenue and the budget; the jurisdiction "
            "table must have a rate for it.",
            show_default=False,
        ),
    ] = None,
    horizon: Annotated[
        int | None, typer.Option("--horizon", help="Years to weigh (1-20).", show_default=False)
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget", help="The most to spend on filing over the horizon.", show_default=False
        ),
    ] = None,
    no_budget: Annotated[bool, typer.Option("--no-budget", help="Remove the budget.")] = False,
    sold: Annotated[
        list[str] | None,
        typer.Option(
            "--sold",
            metavar="CODE:PERCENT",
            help="Where the product is sold or used and its share of revenue, e.g. DE:40 "
            "(repeat for each country; replaces the recorded markets).",
            show_default=False,
        ),
    ] = None,
    no_markets: Annotated[
        bool, typer.Option("--no-markets", help="Remove every recorded market.")
    ] = False,
    competitor: Annotated[
        list[str] | None,
        typer.Option(
            "--competitor",
            metavar="CODE:NAME",
            help="A country where a competitor one of the engagement's vendors serves operates, "
            "e.g. 'DE:Pedalion GmbH' (repeat; replaces the recorded ones).",
            show_default=False,
        ),
    ] = None,
    no_competitors: Annotated[
        bool, typer.Option("--no-competitors", help="Remove every recorded competitor country.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the recorded inputs as JSON.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Record the inputs of the engagement's filing strategy.

    Where the product is made and designed is not entered: it is taken from the vendors'
    countries and kinds. Anything wrong refuses the whole change, with every problem named.
    """
    from firstfile.domain.strategy_inputs import CompetitorPresence
    from firstfile.services.strategy import StrategyChanges, record_strategy_inputs

    if budget is not None and no_budget:
        fail("give --budget or --no-budget, not both")
    if sold and no_markets:
        fail("give --sold or --no-markets, not both")
    if competitor and no_competitors:
        fail("give --competitor or --no-competitors, not both")
    markets = tuple(_parse_market(value) for value in sold) if sold else None
    presences = None
    if competitor:
        presences = tuple(
            CompetitorPresence(*_parse_pair(value, "--competitor", "CODE:NAME"))
            for value in competitor
        )
    changes = StrategyChanges(
        annual_revenue=_finite(revenue, "--revenue"),
        currency=currency,
        horizon_years=horizon,
        budget=_finite(budget, "--budget"),
        remove_budget=no_budget,
        markets=() if no_markets else markets,
        competitors=() if no_competitors else presences,
    )
    if changes == StrategyChanges():
        fail("nothing to record: give at least one option (see firstfile strategy set --help)")
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        recorded = record_strategy_inputs(
            store,
            engagement,
            changes,
            actor=settings.actor,
            templates_dir=settings.templates_dir,
        )
    if as_json:
        print_json(recorded.as_json())
        return
    for line in inputs_lines(recorded):
        typer.echo(line)


def set_cost_index(
    ctx: typer.Context,
    engagement: EngagementArgument,
    code: Annotated[str, typer.Argument(help="A candidate vendor country (ISO 3166), e.g. VN.")],
    index: Annotated[
        float | None,
        typer.Argument(
            help="Its manufacturing-cost index, above 0 (any base: 100 for home, or quotes).",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Where the figure comes from (quotes, a survey, whose estimate).",
            show_default=False,
        ),
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the country's index.")] = False,
    db: DbOption = None,
) -> None:
    """Record or remove a candidate vendor country's manufacturing-cost index.

    Where to outsource sets it beside the country's enforceability. Each index needs its
    source.
    """
    from firstfile.domain.strategy_record import CostIndex
    from firstfile.services.strategy import StrategyChanges, record_strategy_inputs

    if remove and (index is not None or source is not None):
        fail(
            "--remove takes only the country: firstfile strategy cost-index ENGAGEMENT CODE "
            "--remove"
        )
    if not remove and index is None:
        fail(
            "give the index (firstfile strategy cost-index ENGAGEMENT CODE INDEX --source "
            "TEXT), or --remove"
        )
    if not remove and source is None:
        fail("give --source: where the figure comes from, so the comparison can be checked")
    changes = (
        StrategyChanges(drop_cost_indexes=(code,))
        if remove
        else StrategyChanges(
            set_cost_indexes=(CostIndex(code, _finite(index, "the index") or 0.0, source or ""),)
        )
    )
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        recorded = record_strategy_inputs(
            store,
            engagement,
            changes,
            actor=settings.actor,
            templates_dir=settings.templates_dir,
        )
    listed = ", ".join(f"{c.code} {c.cost_index:g}" for c in recorded.cost_indexes) or "none"
    typer.echo(f"{engagement}: cost indexes {listed}")


# --- parsing ----------------------------------------------------------------------------------


def _parse_pair(value: str, option: str, shape: str) -> tuple[str, str]:
    code, sep, rest = value.partition(":")
    if not sep or not code.strip() or not rest.strip():
        fail(f"{option} takes {shape}, not {value!r}")
    return code.strip(), rest.strip()


def _parse_market(value: str) -> Any:
    from firstfile.domain.strategy_inputs import Market

    code, share = _parse_pair(value, "--sold", "CODE:PERCENT (e.g. DE:40)")
    try:
        percent = float(share.removesuffix("%"))
    except ValueError:
        fail(f"--sold {value!r}: {share!r} is not a percentage (e.g. DE:40 for 40%)")
    if not math.isfinite(percent):
        fail(f"--sold {value!r}: give a percentage from 0 to 100")
    return Market(code, percent / 100)


def _finite(value: float | None, option: str) -> float | None:
    if value is not None and not math.isfinite(value):
        fail(f"{option} must be a number, not {value}")
    return value


def _parse_change(value: str) -> Change:
    from firstfile.domain.what_if import BUDGET, ENFORCEABILITY, HORIZON, Change

    name, sep, amount = value.partition("=")
    name, amount = name.strip(), amount.strip()
    shape = "CODE=SCORE, horizon=YEARS, budget=AMOUNT or budget=none"
    if not sep or not name or not amount:
        fail(f"--what-if takes {shape}, not {value!r}")
    if name.lower() == "budget" and amount.lower() == "none":
        return Change(BUDGET, None)
    try:
        number = float(amount)
    except ValueError:
        fail(f"--what-if {value!r}: {amount!r} is not a number ({shape})")
    if not math.isfinite(number):
        fail(f"--what-if {value!r}: give a number")
    if name.lower() == "horizon":
        if number != int(number):
            fail(f"--what-if {value!r}: the horizon is a whole number of years")
        return Change(HORIZON, number)
    if name.lower() == "budget":
        return Change(BUDGET, number)
    if len(name) == 2 and name.isalpha():
        return Change(ENFORCEABILITY, number, name.upper())
    fail(f"--what-if {value!r}: {name!r} is not a country code, horizon or budget ({shape})")


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date like 2026-03-01, not {value!r}")


# --- text output ------------------------------------------------------------------------------


def _money(amount: float | None, currency: str) -> str:
    return "unknown" if amount is None else f"{amount:,.0f} {currency}"


def strategy_lines(report: StrategyReport) -> list[str]:
    """The strategy as lines of text for the terminal (user text cleaned of control codes)."""
    strategy = report.strategy
    currency = strategy.currency
    lines = [
        f"{report.engagement}: {report.engagement_name}",
        f"Filing strategy over {strategy.horizon_years} years in {currency}; annual revenue "
        f"{_money(strategy.annual_revenue, currency)}; the vendors together see "
        f"{report.exposure.combined:.0%} of the engagement's knowledge.",
        f"Jurisdiction table: {report.table_source}, reviewed {report.table_reviewed.isoformat()}.",
        "",
    ]
    cost = _money(strategy.recommended_cost, currency)
    if strategy.unpriced and len(strategy.unpriced) == len(strategy.recommended):
        cost = "an unknown cost (the table has none of their costs)"
    elif strategy.unpriced:
        cost += f" plus the unknown cost of {', '.join(strategy.unpriced)}"
    lines.append(
        f"Recommended: {', '.join(strategy.recommended) or 'none'}: protects "
        f"{_money(strategy.recommended_value, currency)} for {cost}."
    )
    budgeted = strategy.budgeted
    if budgeted is not None:
        lines.append(
            f"Within the budget of {_money(budgeted.budget, currency)}: "
            f"{', '.join(budgeted.codes) or 'none'}, protecting "
            f"{_money(budgeted.protected_value, currency)} for "
            f"{_money(budgeted.cost, currency)}"
            + (f"; left out: {', '.join(budgeted.left_out)}" if budgeted.left_out else "")
            + "."
        )
        if budgeted.message:
            lines.append(f"  {budgeted.message[0].upper()}{budgeted.message[1:]}.")
    lines.append("")
    for country in strategy.countries:
        lines += _country_lines(country, report, currency)
    if report.what_if is not None:
        lines += ["", "What if:"] + [f"  {line}" for line in report.what_if.summary]
    if report.outsourcing is not None:
        lines += ["", f"Where to outsource (enforceability: {report.outsourcing.scale}):"]
        for option in report.outsourcing.options:
            rank = f"{option.rank}." if option.rank else "-"
            lines.append(f"  {rank} {option.code} {option.name}: {option.reason}")
        lines += [f"  {line}" for line in report.outsourcing.trade_offs]
    if report.notes:
        lines += ["", "To do:"] + [f"  - {note}" for note in report.notes]
    return [_indented(line) for line in lines]


def _indented(line: str) -> str:
    """line with its control characters shown, keeping its indent."""
    from firstfile.domain.text import clean_line

    body = line.lstrip(" ")
    return " " * (len(line) - len(body)) + clean_line(body)


def _country_lines(country: CountryAssessment, report: StrategyReport, currency: str) -> list[str]:
    verdict = {"file": "FILE", "skip": "skip", "unknown": "unknown"}[country.verdict]
    if country.required:
        verdict += " (made or designed here)"
    elif country.rank is not None:
        verdict += f" (rank {country.rank})"
    ratio = f", {country.value_per_cost:.1f}x" if country.value_per_cost is not None else ""
    lines = [
        f"{country.code}  {country.name}: {verdict}; protects "
        f"{_money(country.protected_value, currency)} for {_money(country.cost, currency)}"
        f"{ratio}",
        f"    {country.reason}",
    ]
    for row in report.deadlines_for(country.code):
        due = f"due {row.due.isoformat()}" if row.due else "no date"
        lines.append(f"    {row.disclosure} {row.rule}: {row.state}, {due}")
    return lines


def inputs_lines(recorded: Any) -> list[str]:
    """The recorded inputs as lines of text."""
    from firstfile.domain.text import clean_line

    currency = recorded.currency or "(no currency yet)"
    budget = _money(recorded.budget, currency) if recorded.budget is not None else "none"
    lines = [
        f"{recorded.engagement}: annual revenue {recorded.annual_revenue:,.0f} {currency}; "
        f"horizon {recorded.horizon_years} years; budget {budget}",
        "sold in: "
        + (
            ", ".join(f"{m.code} {m.revenue_share:.0%}" for m in recorded.markets)
            or "nothing recorded"
        ),
        "competitors: "
        + (
            ", ".join(f"{c.competitor} ({c.code})" for c in recorded.competitors) or "none recorded"
        ),
        "cost indexes: "
        + (
            ", ".join(f"{c.code} {c.cost_index:g}" for c in recorded.cost_indexes)
            or "none recorded"
        ),
    ]
    return [clean_line(line) for line in lines]
