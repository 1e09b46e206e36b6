"""The filing-strategy memo for counsel (DOCX and Markdown) and its cost table (xlsx).

Internal only, marked privileged and confidential: it names the vendors, where they make and
design, and what each market earns. It is made from the strategy as computed now
(services/strategy.StrategyReport, read here by its fields only, since documents never reach
into services) and the jurisdiction table whose sources it cites. Costs the table does not
give are written "unknown", with what counsel must enter: never a figure firstfile made up.

Files are named from the engagement's key (`<engagement>-filing-strategy.<ext>`) and written
atomically; user text is cleaned (and escaped for Markdown) before it reaches a document, and
every workbook cell goes through bundle.cell_text, so nothing is read as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from firstfile.domain.jurisdictions import JurisdictionTable
from firstfile.domain.text import clean_line
from firstfile.rendering.bundle import cell_text
from firstfile.rendering.checklist_markdown import cell, md
from firstfile.rendering.docx_pages import Page, header_footer, open_base, save
from firstfile.rendering.safe_files import ExportError, atomic_write_bytes, output_path
from firstfile.rendering.wording import owned_marking

FORMATS: tuple[str, ...] = ("docx", "md", "xlsx")
TITLE = "Filing strategy"
MARKING = (
    "CONFIDENTIAL: privileged, prepared for counsel. Internal only; never send it to a vendor."
)
FORMULA = (
    "Protected value V = R x H x share x exposure x enforceability (a share of the table's "
    "scale); filing cost C = K10 x max(1, H / 10), K10 being the table's 10-year cost in the "
    "strategy's currency. A country is recommended when it is made or designed there, or when "
    "V covers C. docs/RISK.md gives a worked example."
)
UNKNOWN_COST = (
    "unknown: counsel must enter the typical cost to file, prosecute and keep a patent there "
    "for 10 years (official fees, attorney and translation), with currency, source and date"
)
COST_COLUMNS: tuple[str, ...] = (
    "Country",
    "Name",
    "Verdict",
    "Rank",
    "Revenue share",
    "Exposure",
    "Enforceability",
    "Enforceability source",
    "Protected value",
    "Cost over horizon",
    "Value per cost",
    "Currency",
    "Cost source",
)
DEADLINE_COLUMNS: tuple[str, ...] = ("Country", "Disclosure", "Rule", "Due", "State")
OUTSOURCING_COLUMNS: tuple[str, ...] = (
    "Rank",
    "Country",
    "Cost index",
    "Relative cost",
    "Enforceability",
    "Frontier",
    "Reason",
)
SOURCE_COLUMNS: tuple[str, ...] = (
    "Code",
    "Enforceability",
    "Grace period",
    "Utility model",
    "10-year cost",
    "Time to grant",
)


@dataclass(frozen=True, slots=True)
class Memo:
    """Everything the memo says, as rows of plain text: built once, written in each format."""

    engagement: str
    title: str
    facts: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    recommended: tuple[tuple[str, str], ...]  # (country, reason)
    totals: tuple[str, ...]
    costs: tuple[tuple[str, ...], ...]  # COST_COLUMNS, with a total row last
    deadlines: tuple[tuple[str, ...], ...]  # DEADLINE_COLUMNS
    outsourcing: tuple[tuple[str, ...], ...]  # OUTSOURCING_COLUMNS
    outsourcing_notes: tuple[str, ...]
    sources: tuple[tuple[str, ...], ...]  # SOURCE_COLUMNS
    notes: tuple[str, ...]
    prepared_on: date
    marking: str = MARKING  # naming our organisation when its name is recorded


def _money(amount: float | None, currency: str) -> str:
    return "unknown" if amount is None else f"{amount:,.0f} {currency}"


def _cited(value: Any) -> str:
    return f"{clean_line(value.source)} ({value.year})" if value is not None else "none cited"


def memo_for(report: Any, table: JurisdictionTable, *, as_of: date,
             organization: str = "") -> Memo:
    """The memo of report (a services.strategy.StrategyReport) against table; its marking
    names organization (our organisation) when one is given."""
    strategy = report.strategy
    currency = strategy.currency
    inputs = report.inputs
    age = (
        (as_of.year - report.table_reviewed.year) * 12
        + as_of.month
        - (report.table_reviewed.month)
        - (1 if as_of.day < report.table_reviewed.day else 0)
    )
    made = [
        f"{c.code} ({', '.join(clean_line(n) for n in c.made_by)})"
        for c in strategy.countries
        if c.made_by
    ]
    designed = [
        f"{c.code} ({', '.join(clean_line(n) for n in c.designed_by)})"
        for c in strategy.countries
        if c.designed_by
    ]
    competitors = [f"{clean_line(p.competitor)} in {p.code}" for p in inputs.competitors]
    facts = (
        ("Engagement", f"{report.engagement}: {clean_line(report.engagement_name)}"),
        ("Annual revenue", _money(strategy.annual_revenue, currency)),
        ("Horizon", f"{strategy.horizon_years} years"),
        ("Budget", "none" if inputs.budget is None else _money(inputs.budget, currency)),
        (
            "Sold and used in",
            ", ".join(f"{m.code} {m.revenue_share:.0%}" for m in inputs.markets) or "none recorded",
        ),
        ("Made in", ", ".join(made) or "none recorded"),
        ("Designed in", ", ".join(designed) or "none recorded"),
        ("Competitors served by the vendors", ", ".join(competitors) or "none recorded"),
        ("Exposure of the knowledge", f"{report.exposure.combined:.0%}"),
        (
            "Jurisdiction table",
            f"{clean_line(report.table_source)}, reviewed "
            f"{report.table_reviewed.isoformat()} ({age} months ago)"
            + (f" by {clean_line(table.reviewed_by)}" if table.reviewed_by else ""),
        ),
        (
            "Score scale",
            f"{clean_line(table.scale.name)}, {table.scale.low:g} to {table.scale.high:g}",
        ),
        (
            "Exchange rates",
            f"base {table.rates.base}, of {table.rates.as_of.isoformat()}, "
            f"{clean_line(table.rates.source)}",
        ),
        ("Prepared", as_of.isoformat()),
    )
    recommended = tuple(
        (f"{c.code} {clean_line(c.name)}", clean_line(c.reason))
        for c in strategy.countries
        if c.code in strategy.filing_set
    )
    totals = [
        f"Recommended set: {', '.join(strategy.recommended) or 'none'}; protects "
        f"{_money(strategy.recommended_value, currency)} over {strategy.horizon_years} years "
        f"for {_money(strategy.recommended_cost, currency)}"
        + (f" plus the unknown cost of {', '.join(strategy.unpriced)}" if strategy.unpriced else "")
        + ".",
        f"Every candidate: protects {_money(strategy.total_value, currency)} for "
        f"{_money(strategy.total_cost, currency)} (known costs only).",
    ]
    if strategy.budgeted is not None:
        budgeted = strategy.budgeted
        totals.append(
            f"Within the budget of {_money(budgeted.budget, currency)}: "
            f"{', '.join(budgeted.codes) or 'nothing'}, protecting "
            f"{_money(budgeted.protected_value, currency)} for "
            f"{_money(budgeted.cost, currency)}"
            + (f"; left out: {', '.join(budgeted.left_out)}" if budgeted.left_out else "")
            + (f". {budgeted.message}" if budgeted.message else "")
            + "."
        )
    costs = []
    for c in strategy.countries:
        office = table.get(c.code)
        cost_source = (
            f"{clean_line(office.cost_10y.source)}, {office.cost_10y.as_of.isoformat()}"
            if office is not None and office.cost_10y is not None
            else UNKNOWN_COST
        )
        costs.append(
            (
                c.code,
                clean_line(c.name),
                c.verdict + (" (made or designed here)" if c.required else ""),
                str(c.rank or ""),
                f"{c.revenue_share:.0%}",
                f"{c.exposure:.0%}",
                "unknown" if c.enforceability is None else f"{c.enforceability:.0%}",
                clean_line(c.enforceability_source) or "none cited",
                _money(c.protected_value, currency),
                _money(c.cost, currency),
                "" if c.value_per_cost is None else f"{c.value_per_cost:.2f}",
                currency,
                cost_source,
            )
        )
    unknown_total = " + unknown" if any(c.cost is None for c in strategy.countries) else ""
    costs.append(
        (
            "Total",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            _money(strategy.total_value, currency),
            _money(strategy.total_cost, currency) + unknown_total,
            "",
            currency,
            "",
        )
    )
    deadlines = tuple(
        (code, row.disclosure, row.rule, row.due.isoformat() if row.due else "no date", row.state)
        for code, rows in report.deadlines
        for row in rows
    )
    outsourcing: tuple[tuple[str, ...], ...] = ()
    outsourcing_notes: tuple[str, ...] = (
        "No manufacturing-cost index is recorded for any candidate vendor country: enter one "
        "per country with its source to rank where to outsource.",
    )
    if report.outsourcing is not None:
        outsourcing = tuple(
            (
                str(o.rank or ""),
                f"{o.code} {clean_line(o.name)}",
                f"{o.cost_index:g}",
                f"{o.relative_cost:.2f}x",
                "unknown" if o.score is None else f"{o.score:g}",
                "yes" if o.frontier else "",
                clean_line(o.reason),
            )
            for o in report.outsourcing.options
        )
        outsourcing_notes = tuple(clean_line(t) for t in report.outsourcing.trade_offs)
    codes = {c.code for c in strategy.countries}
    sources = tuple(
        (
            o.code,
            _cited(o.enforceability),
            _cited(o.grace_period),
            _cited(o.utility_model),
            f"{clean_line(o.cost_10y.source)}, {o.cost_10y.as_of.isoformat()}"
            if o.cost_10y is not None
            else "unknown",
            _cited(o.time_to_grant),
        )
        for o in table.offices
        if o.code in codes
    )
    return Memo(
        engagement=report.engagement,
        title=f"{TITLE}: {report.engagement}",
        facts=facts,
        warnings=tuple(clean_line(w) for w in (*report.table_warnings, *report.table_problems)),
        recommended=recommended,
        totals=tuple(totals),
        costs=tuple(costs),
        deadlines=deadlines,
        outsourcing=outsourcing,
        outsourcing_notes=outsourcing_notes,
        sources=sources,
        notes=tuple(clean_line(n) for n in report.notes),
        prepared_on=as_of,
        marking=owned_marking(MARKING, organization),
    )


# --- DOCX --------------------------------------------------------------------------------------


def render_memo_docx(memo: Memo, *, templates_dir: Path | None = None) -> bytes:
    """The memo as the bytes of a .docx file (the organisation's base document first)."""
    docx = open_base(templates_dir)
    page = Page(docx)
    page.paragraph(memo.title, "Title")
    page.paragraph(memo.marking, "Notice", bold=True)
    for warning in memo.warnings:
        page.paragraph(f"Warning: {warning}", "Notice", bold=True)
    page.paragraph("Inputs", "Heading 1")
    page.table(None, memo.facts, widths=(0.3, 0.7), label_column=True)
    page.paragraph("Recommended filing set", "Heading 1")
    if memo.recommended:
        page.table(["Country", "Reason"], memo.recommended, widths=(0.2, 0.8))
    else:
        page.paragraph("No country is recommended yet: see what to enter below.", "Normal")
    page.paragraph("Cost-benefit", "Heading 1")
    page.paragraph(FORMULA, "Guidance")
    for line in memo.totals:
        page.paragraph(line, "Normal")
    page.paragraph("Cost table", "Heading 2")
    # The columns that fit a portrait page; the workbook and the Markdown carry them all.
    shown = (0, 2, 4, 5, 6, 8, 9, 10)
    header = [COST_COLUMNS[i] for i in shown]
    header[2] = "Share"  # "Revenue share" would break over four lines in its column
    page.table(
        header,
        [[row[i] for i in shown] for row in memo.costs],
        widths=(0.1, 0.15, 0.08, 0.1, 0.13, 0.16, 0.16, 0.12),
    )
    page.paragraph("Deadlines beside each country", "Heading 1")
    if memo.deadlines:
        page.table(list(DEADLINE_COLUMNS), memo.deadlines, widths=(0.12, 0.2, 0.33, 0.15, 0.2))
    else:
        page.paragraph("The deadline engine has no rows for these countries' offices.", "Normal")
    page.paragraph("Where to outsource", "Heading 1")
    if memo.outsourcing:
        page.table(
            list(OUTSOURCING_COLUMNS),
            memo.outsourcing,
            widths=(0.06, 0.16, 0.1, 0.1, 0.12, 0.1, 0.36),
        )
    for line in memo.outsourcing_notes:
        page.paragraph(line, "Normal")
    page.paragraph("Sources of the jurisdiction table", "Heading 1")
    page.table(list(SOURCE_COLUMNS), memo.sources, widths=(0.09, 0.21, 0.18, 0.18, 0.18, 0.16))
    page.paragraph("Costs: the sources of each figure", "Heading 2")
    page.table(
        ["Country", "Cost source"],
        [(row[0], row[12]) for row in memo.costs[:-1]],
        widths=(0.15, 0.85),
    )
    if memo.notes:
        page.paragraph("What counsel or the team must still enter", "Heading 1")
        for note in memo.notes:
            page.paragraph(note, "Normal")
    header_footer(docx, f"{TITLE} \u00b7 {memo.engagement}", memo.marking)
    props = docx.core_properties
    props.title = memo.title[:255]
    props.subject = memo.marking[:255]
    props.keywords = memo.engagement[:255]
    props.comments = ""
    return save(docx)


# --- Markdown ----------------------------------------------------------------------------------


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def render_memo_markdown(memo: Memo) -> str:
    """The memo as Markdown: user text escaped, so it cannot add a heading or a link."""
    out = [f"# {md(memo.title)}", "", f"**{md(memo.marking)}**", ""]
    out += [f"**Warning: {md(w)}**\n" for w in memo.warnings]
    out += ["## Inputs", "", *_md_table(("Input", "Value"), memo.facts)]
    out += ["## Recommended filing set", ""]
    out += (
        _md_table(("Country", "Reason"), memo.recommended)
        if memo.recommended
        else ["No country is recommended yet: see what to enter below.", ""]
    )
    out += ["## Cost-benefit", "", md(FORMULA), ""]
    out += [f"{md(line)}\n" for line in memo.totals]
    out += ["### Cost table", "", *_md_table(COST_COLUMNS, memo.costs)]
    out += ["## Deadlines beside each country", ""]
    out += (
        _md_table(DEADLINE_COLUMNS, memo.deadlines)
        if memo.deadlines
        else ["The deadline engine has no rows for these countries' offices.", ""]
    )
    out += ["## Where to outsource", ""]
    if memo.outsourcing:
        out += _md_table(OUTSOURCING_COLUMNS, memo.outsourcing)
    out += [f"{md(line)}\n" for line in memo.outsourcing_notes]
    out += ["## Sources of the jurisdiction table", "", *_md_table(SOURCE_COLUMNS, memo.sources)]
    if memo.notes:
        out += ["## What counsel or the team must still enter", ""]
        out += [f"- {md(note)}" for note in memo.notes]
    return "\n".join(out).rstrip() + "\n"


# --- xlsx --------------------------------------------------------------------------------------


def cost_table_xlsx(memo: Memo) -> bytes:
    """The cost table (and the deadlines beside it) as a workbook; every cell guarded."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in (
        ("Cost table", COST_COLUMNS, memo.costs),
        ("Deadlines", DEADLINE_COLUMNS, memo.deadlines),
        ("Sources", SOURCE_COLUMNS, memo.sources),
    ):
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        header = []
        for name in columns:
            heading = WriteOnlyCell(sheet, value=name)
            heading.font = bold
            header.append(heading)
        sheet.append(header)
        for row in rows:
            sheet.append([cell_text(value) for value in row])
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    workbook.properties.title = memo.title
    workbook.properties.subject = memo.marking
    workbook.properties.creator = "firstfile"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def memo_file_stem(engagement_key: str) -> str:
    """The file name (without suffix) of an engagement's memo and cost table."""
    return f"{engagement_key}-filing-strategy"


def export_memo(
    memo: Memo, out_dir: Path, fmt: str = "docx", *, templates_dir: Path | None = None
) -> Path:
    """Write the memo (docx, md) or its cost table (xlsx) into out_dir; no half file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx, md or xlsx")
    path = output_path(out_dir, memo_file_stem(memo.engagement), fmt)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            f"cannot create the output folder {out_dir} ({error.strerror}); choose another folder"
        ) from None
    if fmt == "docx":
        data = render_memo_docx(memo, templates_dir=templates_dir)
    elif fmt == "md":
        data = render_memo_markdown(memo).encode()
    else:
        data = cost_table_xlsx(memo)
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise ExportError(
            f"cannot write {path} ({error.strerror}); check the folder's permissions and free space"
        ) from None
    return path
