"""Where to file and where to outsource for one engagement (practice 2 of the article).

Three views of the same computation, switched with `v`: the engagement's candidate countries
(the recommended set first, each with its protected value, its cost over the horizon or
"unknown", and the deadline engine's rows for its office), the jurisdiction table with its
sources, and where to outsource. The highlighted row is explained below the table.

A what-if moves one input (the highlighted country's enforceability, the horizon or the
budget) and shows the strategy after the move with what joined and left the set; nothing is
written. Only a moved horizon or budget can be saved, as the engagement's recorded inputs
through services/strategy.record_strategy_inputs; an enforceability score is counsel's and
belongs in the jurisdiction table, so it is never saved from here.

The strategy is computed in a thread worker (services/strategy.compute_strategy); user text
reaches the screen as rich Text, never as markup.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.screens.engagement import TextDialog
from firstfile.ui.written import written_message

if TYPE_CHECKING:
    from firstfile.domain.filing_strategy import FilingStrategy
    from firstfile.domain.jurisdictions import Jurisdiction, JurisdictionTable
    from firstfile.domain.what_if import Change
    from firstfile.services.strategy import StrategyReport
    from firstfile.ui.app import FirstfileApp

COUNTRIES = "countries"
TABLE = "table"
OUTSOURCING = "outsourcing"
VIEWS: tuple[str, ...] = (COUNTRIES, TABLE, OUTSOURCING)
VERDICT_STYLES = {"file": "bold green", "skip": "dim", "unknown": "yellow"}
DEADLINE_STYLES = {"lost": "red", "overdue": "bold red", "due-soon": "yellow"}

STRATEGY_COMMANDS: tuple[Command, ...] = (
    Command(
        "strategy-view",
        "v",
        "cycle_view",
        "Strategy view",
        "Show the countries, the jurisdiction table, or where to outsource",
        "View",
    ),
    Command(
        "strategy-enforceability",
        "e",
        "what_if_enforceability",
        "What if: enforceability",
        "Move the highlighted country's enforceability score and see what changes",
        "Enforce.",
    ),
    Command(
        "strategy-horizon",
        "h",
        "what_if_horizon",
        "What if: horizon",
        "Move the horizon (years) and see what changes",
        "Horizon",
    ),
    Command(
        "strategy-budget",
        "b",
        "what_if_budget",
        "What if: budget",
        "Set or remove a budget and see the set it buys",
        "Budget",
    ),
    Command(
        "strategy-clear",
        "c",
        "clear_what_if",
        "Clear the what-if",
        "Back to the strategy as recorded",
        "Clear",
    ),
    Command(
        "strategy-save",
        "s",
        "save_inputs",
        "Save horizon or budget",
        "Record the what-if's horizon or budget as the engagement's strategy input",
        "Save",
    ),
    Command(
        "strategy-export",
        "x",
        "export_memo",
        "Export the filing-strategy memo",
        "Write the memo for counsel (DOCX, Markdown) and the cost table (xlsx)",
        "Export",
    ),
    Command(
        "strategy-refresh",
        "f5",
        "refresh",
        "Refresh strategy",
        "Compute the strategy again",
        "Refresh",
        show=False,
    ),
    Command("strategy-back", "escape", "back", "Back", "Leave the filing strategy", "Back"),
)


def money(amount: float | None, currency: str) -> str:
    """An amount with its currency, or "unknown" when the table gives none."""
    return "unknown" if amount is None else f"{amount:,.0f} {currency}"


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (the table's age)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


class StrategyScreen(Screen[None]):
    """The filing strategy of one engagement, its jurisdiction table and a what-if."""

    TITLE = "Jurisdictions / filing strategy"
    DEFAULT_CSS = """
    StrategyScreen #strategy-summary { height: auto; max-height: 6; padding: 0 1;
                                       background: $panel; }
    StrategyScreen #strategy-table { height: 1fr; }
    StrategyScreen #strategy-detail-box { height: 7; border-top: solid $panel; }
    StrategyScreen #strategy-detail { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(STRATEGY_COMMANDS)
    FIRSTFILE_COMMANDS = STRATEGY_COMMANDS
    app: FirstfileApp

    def __init__(self, engagement_key: str, *, as_of: date | None = None) -> None:
        super().__init__()
        self.engagement_key = engagement_key
        self.as_of = as_of or date.today()
        self.view = COUNTRIES
        self.change: Change | None = None
        self.report: StrategyReport | None = None
        self.table: JurisdictionTable | None = None
        self.error = ""
        self._keys: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Computing the filing strategy..."), id="strategy-summary")
        yield DataTable(id="strategy-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="strategy-detail-box"):
            yield Static(Text(""), id="strategy-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.engagement_key
        self._load()

    # --- computing ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="strategy")
    def _load(self) -> None:
        from firstfile.services import strategy

        change = self.change
        templates = self.app.settings.templates_dir
        try:
            report = strategy.compute_strategy(
                self.app.wait_store(),
                self.engagement_key,
                templates_dir=templates,
                change=change,
                as_of=self.as_of,
            )
            table = strategy.jurisdiction_table(templates, today=self.as_of).table
        except Exception as exc:  # any failure is shown: a worker's own error ends unseen
            self.app.call_from_thread(self._failed, str(exc), change)
            return
        self.app.call_from_thread(self._loaded, report, table)

    def _failed(self, message: str, change: Change | None) -> None:
        if change is not None and self.report is not None:
            # The what-if was refused (a score off the scale...): keep what was shown.
            self.change = self.report.what_if.change if self.report.what_if else None
            self.notify(
                message, title="What-if not applied", severity="error", markup=False, timeout=12
            )
            return
        self.error = message
        self.query_one("#strategy-summary", Static).update(
            Text(f"Cannot compute the strategy: {message}")
        )

    def _loaded(self, report: StrategyReport, table: JurisdictionTable | None) -> None:
        self.report = report
        self.table = table
        self.error = ""
        self._show()

    # --- showing -----------------------------------------------------------------------------

    @property
    def shown_strategy(self) -> FilingStrategy | None:
        """The strategy on screen: after the what-if when there is one."""
        if self.report is None:
            return None
        return self.report.what_if.after if self.report.what_if else self.report.strategy

    def _show(self) -> None:
        report = self.report
        if report is None:
            return
        self.query_one("#strategy-summary", Static).update(self._summary(report))
        table = self.query_one("#strategy-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        if self.view == COUNTRIES:
            self._fill_countries(table, report)
        elif self.view == TABLE:
            self._fill_table(table)
        else:
            self._fill_outsourcing(table, report)
        if self._keys:
            table.move_cursor(row=min(max(cursor, 0), len(self._keys) - 1))
        self._describe(table.cursor_row)

    def _summary(self, report: StrategyReport) -> Text:
        strategy = self.shown_strategy
        assert strategy is not None
        currency = strategy.currency
        age = months_between(report.table_reviewed, self.as_of)
        text = Text()
        text.append(f"{report.engagement}: ", style="bold")
        text.append(report.engagement_name)
        text.append(
            f"\nHorizon {strategy.horizon_years} y, revenue "
            f"{money(strategy.annual_revenue, currency)}/y; table reviewed "
            f"{report.table_reviewed.isoformat()} ({age} months ago)"
        )
        for warning in report.table_warnings:
            text.append(f"\nWarning: {warning}", style="bold red")
        for problem in report.table_problems[:1]:
            text.append(f"\nYour table was not used: {problem}", style="yellow")
        if report.what_if is not None:
            text.append("\n" + " ".join(report.what_if.summary), style="bold magenta")
        else:
            text.append(f"\nFile in: {', '.join(strategy.filing_set) or 'none yet'}", style="bold")
            text.append(
                f"  protects {money(_set_value(strategy), currency)} for "
                f"{money(_set_cost(strategy), currency)}"
            )
            if strategy.unpriced:
                text.append(f" + unknown ({', '.join(strategy.unpriced)})", style="yellow")
        return text

    def _fill_countries(self, table: DataTable[Any], report: StrategyReport) -> None:
        strategy = self.shown_strategy
        assert strategy is not None
        what_if = report.what_if
        for label, key in (
            ("Ctry", "code"),
            ("Verdict", "verdict"),
            ("Rank", "rank"),
            ("Share", "share"),
            ("Enforce.", "enf"),
            ("Protects", "value"),
            ("Cost", "cost"),
            ("Dates", "deadlines"),
        ):
            table.add_column(label, key=key)
        self._keys = []
        for country in strategy.countries:
            verdict = country.verdict + (" (req.)" if country.required else "")
            if what_if is not None and country.code in what_if.added:
                verdict += " (joins)"
            if what_if is not None and country.code in what_if.removed:
                verdict += " (leaves)"
            rows = report.deadlines_for(country.code)
            states = sorted({row.state for row in rows})
            table.add_row(
                Text(country.code, style="bold"),
                Text(verdict, style=VERDICT_STYLES.get(country.verdict, "")),
                Text(str(country.rank) if country.rank else ""),
                Text(f"{country.revenue_share:.0%}"),
                Text("?" if country.enforceability is None else f"{country.enforceability:.0%}"),
                Text(money(country.protected_value, strategy.currency)),
                Text(
                    money(country.cost, strategy.currency),
                    style="yellow" if country.cost is None else "",
                ),
                Text(
                    ", ".join(states) or "-",
                    style="red" if "lost" in states or "overdue" in states else "",
                ),
                key=country.code,
            )
            self._keys.append(country.code)
        table.add_row(
            Text("Total", style="bold"),
            Text(""),
            Text(""),
            Text(""),
            Text(""),
            Text(money(strategy.total_value, strategy.currency), style="bold"),
            Text(
                money(strategy.total_cost, strategy.currency)
                + (" + unknown" if any(c.cost is None for c in strategy.countries) else ""),
                style="bold",
            ),
            Text(""),
            key="__total__",
        )

    def _fill_table(self, table: DataTable[Any]) -> None:
        jurisdictions = self.table
        for label, key in (
            ("Code", "code"),
            ("Name", "name"),
            ("Enforce.", "enf"),
            ("Grace", "grace"),
            ("UM", "um"),
            ("Cost 10y", "cost"),
            ("Grant", "grant"),
        ):
            table.add_column(label, key=key)
        self._keys = []
        if jurisdictions is None:
            return
        for office in jurisdictions.offices:
            score = office.enforceability
            cost = office.cost_10y
            table.add_row(
                Text(office.code, style="bold"),
                Text(office.name),
                Text(
                    f"{score.score:g} ({score.year})" if score else "uncited",
                    style="" if score else "yellow",
                ),
                Text(f"{office.grace_period.months} mo" if office.grace_period else "?"),
                Text(
                    "?"
                    if office.utility_model is None
                    else ("yes" if office.utility_model.available else "no")
                ),
                Text(
                    f"{cost.amount:,.0f} {cost.currency}" if cost else "unknown",
                    style="" if cost else "yellow",
                ),
                Text(f"{office.time_to_grant.months:g} mo" if office.time_to_grant else "?"),
                key=office.code,
            )
            self._keys.append(office.code)

    def _fill_outsourcing(self, table: DataTable[Any], report: StrategyReport) -> None:
        for label, key in (
            ("Rank", "rank"),
            ("Ctry", "code"),
            ("Cost index", "index"),
            ("Relative", "relative"),
            ("Enforce.", "enf"),
            ("Frontier", "frontier"),
        ):
            table.add_column(label, key=key)
        self._keys = []
        if report.outsourcing is None:
            return
        for option in report.outsourcing.options:
            table.add_row(
                Text(str(option.rank) if option.rank else "?"),
                Text(option.code, style="bold"),
                Text(f"{option.cost_index:g}"),
                Text(f"{option.relative_cost:.2f}x"),
                Text("?" if option.score is None else f"{option.score:g}"),
                Text("yes" if option.frontier else ""),
                key=option.code,
            )
            self._keys.append(option.code)

    def _describe(self, index: int) -> None:
        detail = self.query_one("#strategy-detail", Static)
        report = self.report
        if report is None:
            return
        if self.view == COUNTRIES:
            detail.update(self._country_detail(index, report))
        elif self.view == TABLE:
            detail.update(self._office_detail(index))
        else:
            detail.update(self._outsourcing_detail(index, report))

    def _notes(self, report: StrategyReport) -> Text:
        text = Text()
        for note in report.notes:
            text.append(f"\n- {note}", style="yellow")
        return text

    def _country_detail(self, index: int, report: StrategyReport) -> Text:
        strategy = self.shown_strategy
        assert strategy is not None
        if not 0 <= index < len(self._keys):
            text = Text("Totals of every candidate whose value or cost is known.", style="bold")
            text.append(self._notes(report))
            return text
        country = strategy.get(self._keys[index])
        assert country is not None
        text = Text()
        text.append(f"{country.code} {country.name}", style="bold")
        if country.enforceability_source:
            text.append(f"  (enforceability: {country.enforceability_source})", style="dim")
        text.append(f"\n{country.reason}")
        if country.cost is None:
            text.append(
                f"\nCost unknown: counsel must enter cost_10y for {country.code} (a typical "
                "cost to file, prosecute and keep a patent there for 10 years: amount, "
                "currency, source, date) in jurisdictions.yaml; firstfile never guesses one.",
                style="yellow",
            )
        for row in report.deadlines_for(country.code):
            due = row.due.isoformat() if row.due else "no date"
            text.append(
                f"\n{row.disclosure} {row.rule}: {row.state}, {due}",
                style=DEADLINE_STYLES.get(row.state, ""),
            )
        if country.notes:
            text.append(f"\nNote: {country.notes}", style="dim")
        return text

    def _office_detail(self, index: int) -> Text:
        if self.table is None or not 0 <= index < len(self._keys):
            return Text("No jurisdiction table could be read.")
        office: Jurisdiction | None = self.table.get(self._keys[index])
        assert office is not None
        text = Text(f"{office.code} {office.name}", style="bold")
        for label, value in (
            ("Enforceability", office.enforceability),
            ("Grace period", office.grace_period),
            ("Utility model", office.utility_model),
            ("Time to grant", office.time_to_grant),
        ):
            source = f"{value.source} ({value.year})" if value is not None else "none cited"
            text.append(f"\n{label}: {source}")
        cost = office.cost_10y
        text.append(
            "\nCost 10y: "
            + (
                f"{cost.source}, {cost.as_of.isoformat()}"
                if cost
                else "unknown: counsel must enter it (amount, currency, source, date)"
            )
        )
        if office.deadline_rules:
            text.append(f"\nDeadline rules: {', '.join(office.deadline_rules)}")
        if office.notes:
            text.append(f"\n{office.notes}", style="dim")
        return text

    def _outsourcing_detail(self, index: int, report: StrategyReport) -> Text:
        comparison = report.outsourcing
        if comparison is None:
            text = Text("Where to outsource: no manufacturing-cost index is recorded.")
            text.append(
                "\nEnter one per candidate vendor country with its source: firstfile "
                "strategy cost-index ENGAGEMENT CODE INDEX --source TEXT"
            )
            return text
        text = Text()
        if 0 <= index < len(self._keys):
            option = next(o for o in comparison.options if o.code == self._keys[index])
            text.append(f"{option.code} {option.name}: ", style="bold")
            text.append(option.reason)
        for line in comparison.trade_offs:
            text.append(f"\n{line}")
        return text

    @on(DataTable.RowHighlighted, "#strategy-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    # --- actions -----------------------------------------------------------------------------

    def action_cycle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._show()

    def highlighted_country(self) -> str | None:
        """The code of the highlighted country in the countries view, or None."""
        index = self.query_one("#strategy-table", DataTable).cursor_row
        if self.view != COUNTRIES or not 0 <= index < len(self._keys):
            return None
        return self._keys[index]

    def action_what_if_enforceability(self) -> None:
        code = self.highlighted_country()
        if code is None or self.table is None:
            self.notify("Highlight a country in the countries view (v) first.", severity="warning")
            return
        scale = self.table.scale
        self.app.push_screen(
            TextDialog(
                f"What if {code}'s enforceability were (a score on {scale.name}, "
                f"{scale.low:g} to {scale.high:g})?",
                required=True,
            ),
            lambda answer: self._enforceability_entered(code, answer),
        )

    def _enforceability_entered(self, code: str, answer: str | None) -> None:
        from firstfile.domain.what_if import ENFORCEABILITY, Change

        value = self._number(answer)
        if value is not None:
            self.what_if(Change(ENFORCEABILITY, value, code))

    def action_what_if_horizon(self) -> None:
        self.app.push_screen(
            TextDialog("What if the horizon were (1 to 20 years)?", required=True),
            self._horizon_entered,
        )

    def _horizon_entered(self, answer: str | None) -> None:
        from firstfile.domain.what_if import HORIZON, Change

        value = self._number(answer)
        if value is None:
            return
        if value != int(value):
            self.notify("The horizon is a whole number of years, such as 12.", severity="error")
            return
        self.what_if(Change(HORIZON, value))

    def action_what_if_budget(self) -> None:
        currency = self.shown_strategy.currency if self.shown_strategy else ""
        self.app.push_screen(
            TextDialog(
                f"What if the budget were (an amount in {currency}; 'none' removes it)?",
                required=True,
            ),
            self._budget_entered,
        )

    def _budget_entered(self, answer: str | None) -> None:
        from firstfile.domain.what_if import BUDGET, Change

        if answer is None:
            return
        if answer.strip().lower() == "none":
            self.what_if(Change(BUDGET, None))
            return
        value = self._number(answer)
        if value is not None:
            self.what_if(Change(BUDGET, value))

    def _number(self, answer: str | None) -> float | None:
        if answer is None:
            return None
        try:
            value = float(answer.replace(",", "").replace("_", ""))
        except ValueError:
            self.notify(
                f"{answer!r} is not a number: type digits, such as 60 or 250000.",
                severity="error",
                markup=False,
            )
            return None
        if not math.isfinite(value):
            self.notify("Type a finite number.", severity="error")
            return None
        return value

    def what_if(self, change: Change) -> None:
        """Compute the strategy with change applied (nothing is written)."""
        self.change = change
        self._load()

    def action_clear_what_if(self) -> None:
        self.change = None
        self._load()

    def action_save_inputs(self) -> None:
        from firstfile.domain.what_if import BUDGET, HORIZON

        change = self.change
        if change is None or change.kind not in (HORIZON, BUDGET):
            self.notify(
                "Only a what-if horizon or budget can be saved as the engagement's "
                "input; an enforceability score is counsel's and belongs in the "
                "jurisdiction table.",
                severity="warning",
            )
            return
        currency = self.shown_strategy.currency if self.shown_strategy else ""
        question = f"Record the {change.describe(currency)} as this engagement's input?"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(change)

        self.app.push_screen(ConfirmDialog(question, yes="Record", no="Cancel"), confirmed)

    @work(thread=True, exclusive=False, exit_on_error=False, group="strategy-save")
    def _save(self, change: Change) -> None:
        from firstfile.domain.what_if import HORIZON
        from firstfile.services import strategy

        if change.kind == HORIZON:
            changes = strategy.StrategyChanges(horizon_years=int(change.value or 0))
        elif change.value is None:
            changes = strategy.StrategyChanges(remove_budget=True)
        else:
            changes = strategy.StrategyChanges(budget=change.value)
        settings = self.app.settings
        try:
            strategy.record_strategy_inputs(
                self.app.wait_store(),
                self.engagement_key,
                changes,
                actor=settings.actor,
                templates_dir=settings.templates_dir,
            )
        except Exception as exc:  # shown, with what to fix; nothing was written
            self.app.call_from_thread(
                self.notify, str(exc), title="Not saved", severity="error", markup=False, timeout=12
            )
            return
        self.app.call_from_thread(self._saved)

    def _saved(self) -> None:
        self.notify("Recorded as the engagement's strategy input.")
        self.change = None
        self._load()

    def action_export_memo(self) -> None:
        def chosen(folder: str | None) -> None:
            if folder:
                self._export(folder)

        self.app.push_screen(
            FolderDialog(
                "Write the filing-strategy memo (DOCX, Markdown, xlsx) to which folder?",
                str(self.app.settings.exports),
            ),
            chosen,
        )

    @work(thread=True, exclusive=False, exit_on_error=False, group="strategy-export")
    def _export(self, folder: str) -> None:
        from pathlib import Path

        from firstfile.services import exports

        settings = self.app.settings
        try:
            written = exports.export_strategy(
                self.app.wait_store(),
                self.engagement_key,
                Path(folder).expanduser(),
                formats=("docx", "md", "xlsx"),
                templates_dir=settings.templates_dir,
                as_of=self.as_of,
            )
        except Exception as exc:  # shown; an export never leaves a half file
            self.app.call_from_thread(
                self.notify,
                str(exc),
                title="Not exported",
                severity="error",
                markup=False,
                timeout=12,
            )
            return
        self.app.call_from_thread(
            self.notify,
            written_message(written),
            markup=False,
            timeout=10,
        )

    def action_refresh(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_worker_state_changed(self, event: Any) -> None:
        self.app.report_failed_worker(event)


def _set_value(strategy: FilingStrategy) -> float:
    if strategy.budgeted is not None:
        return strategy.budgeted.protected_value
    return strategy.recommended_value


def _set_cost(strategy: FilingStrategy) -> float:
    if strategy.budgeted is not None:
        return strategy.budgeted.cost
    return strategy.recommended_cost
