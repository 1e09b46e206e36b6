"""Outsourcing risk of one engagement (docs/RISK.md): what to keep in-house and why, what each
vendor sees, who could reproduce a subsystem, and the best split across vendors.

Three views, named on a one-line bar and switched by 1, 2, 3: the component tree (scores,
recommendation with its reason in words, decision), the exposure matrix (vendors as columns,
cells shaded by how much they show, the component column fixed so it scrolls sideways at 80
columns) and each vendor's exposure and risk as bars with the critical sets, flags and open
design tactics. A vendor that could reproduce a critical set is named in red above the views
whatever view is showing. The matrix and the bars are filled when their view is first shown.

Keys record a decision, compute the best split (HiGHS in a child process, a few seconds, in
a thread worker) and apply it after the dialog's confirmation, and export the internal risk
report. All database and file work runs in thread workers through services; after each
change the whole picture is loaded again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Header, Static

from firstfile.domain.risk.vocabulary import (
    COULD_REPRODUCE_FLAG,
    DONE,
    FIREWALL,
    NOT_APPLICABLE,
    OUTSOURCE,
    OUTSOURCE_WITH_SAFEGUARDS,
    SCORE_LABELS,
    SCORE_NAMES,
)
from firstfile.domain.text import clean_line
from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import FolderDialog
from firstfile.ui.dialogs.risk import DecisionDialog, SplitDialog
from firstfile.ui.widgets.exposure_bars import bar, cell_text, exposure_style, percent
from firstfile.ui.widgets.steady_footer import SteadyFooter
from firstfile.ui.written import written_message

if TYPE_CHECKING:
    from firstfile.domain.risk.assessment import ComponentRisk, RiskAssessment
    from firstfile.services.risk_split import SplitProposal
    from firstfile.ui.app import FirstfileApp

DECIDE = Command(
    "risk-decide",
    "d",
    "decide",
    "Record a decision",
    "Keep the highlighted component in-house or outsource it (with a reason when "
    "against the recommendation)",
    "Decide",
)
SPLIT = Command(
    "risk-split",
    "b",
    "best_split",
    "Best split across vendors",
    "Compute the split that keeps every vendor's exposure lowest, then apply it",
    "Best split",
)
EXPORT = Command(
    "risk-export",
    "e",
    "export_report",
    "Export the risk report",
    "Write the internal risk report (DOCX and Markdown) to a folder",
    "Export",
)
SHOW_COMPONENTS = Command(
    "risk-components",
    "1",
    "show_tab('risk-tab-components')",
    "Show the component tree",
    "Components with scores, recommendation and decision",
    "Tree",
    show=False,
)
SHOW_MATRIX = Command(
    "risk-matrix",
    "2",
    "show_tab('risk-tab-matrix')",
    "Show the exposure matrix",
    "What each vendor sees of each component",
    "Matrix",
    show=False,
)
SHOW_VENDORS = Command(
    "risk-vendors",
    "3",
    "show_tab('risk-tab-vendors')",
    "Show exposure per vendor",
    "Exposure and risk per vendor as bars, critical sets, open actions",
    "Vendors",
    show=False,
)
REFRESH = Command(
    "risk-refresh", "f5", "refresh", "Refresh risk", "Compute the risk picture again", "Refresh"
)
BACK = Command("risk-back", "escape", "back", "Back", "Leave the risk screen", "Back")

RISK_COMMANDS: tuple[Command, ...] = (
    DECIDE,
    SPLIT,
    EXPORT,
    SHOW_COMPONENTS,
    SHOW_MATRIX,
    SHOW_VENDORS,
    REFRESH,
    BACK,
)

# The three views, in the order of their keys (1, 2, 3): pane id and label.
TABS: tuple[tuple[str, str], ...] = (
    ("risk-tab-components", "Components (1)"),
    ("risk-tab-matrix", "Exposure matrix (2)"),
    ("risk-tab-vendors", "Vendors (3)"),
)


def tab_bar(active: str) -> Content:
    """One line naming the views, the one on show highlighted; a click shows a view."""
    parts: list[Content] = []
    for pane, label in TABS:
        style = "bold reverse" if pane == active else "dim"
        parts.append(Content.from_markup(f"[{style} @click=screen.show_tab('{pane}')] {label} [/]"))
    return Content(" ").join(parts)


# Short forms for the tree's columns; the detail below says them in full with the reason.
SHORT: dict[str, tuple[str, str]] = {
    FIREWALL: ("in-house", "bold magenta"),
    OUTSOURCE_WITH_SAFEGUARDS: ("safeguards", "yellow"),
    OUTSOURCE: ("outsource", "green"),
}


class RiskScreen(Screen[None]):
    """The outsourcing-risk picture of one engagement, with decisions and the best split."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(RISK_COMMANDS)
    FIRSTFILE_COMMANDS = RISK_COMMANDS
    # The tree takes the keys from the start (the tab bar, first in the DOM, would otherwise):
    # arrows move through the components, and focus does not move again once they arrive.
    AUTO_FOCUS = "#risk-components"
    DEFAULT_CSS = """
    RiskScreen #risk-title { height: auto; max-height: 6; padding: 0 1; }
    RiskScreen #risk-warning { height: auto; max-height: 3; padding: 0 1; }
    RiskScreen #risk-tab-bar { height: 1; padding: 0 1; }
    RiskScreen #risk-tabs { height: 1fr; }
    RiskScreen #risk-components { height: 1fr; min-height: 4; }
    RiskScreen #risk-detail-box { height: 40%; min-height: 5; border-top: solid $panel; }
    RiskScreen #risk-detail { padding: 0 1; }
    RiskScreen #risk-matrix { height: 1fr; }
    RiskScreen #risk-vendors { padding: 0 1; }
    RiskScreen #risk-status { height: auto; min-height: 1; max-height: 3; padding: 0 1; }
    """
    app: FirstfileApp

    def __init__(self, engagement_key: str) -> None:
        super().__init__()
        self.engagement_key = engagement_key
        self.assessment: RiskAssessment | None = None
        self.message = ""  # the last status line, for whoever reads it after a change
        self._component_keys: list[str] = []
        self._stale_tabs: set[str] = set()  # tabs not yet filled from the latest load
        self._splitting = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Loading the risk picture of {self.engagement_key}..."), id="risk-title")
        yield Static("", id="risk-warning")
        # A one-line bar and a switcher rather than TabbedContent: its tab widgets and their
        # animated underline cost a sixth of the screen's paint (docs/PERFORMANCE.md).
        yield Static(tab_bar(TABS[0][0]), id="risk-tab-bar")
        with ContentSwitcher(id="risk-tabs", initial=TABS[0][0]):
            with Vertical(id="risk-tab-components"):
                yield DataTable(id="risk-components", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="risk-detail-box"):
                    yield Static("", id="risk-detail")
            with Vertical(id="risk-tab-matrix"):
                yield DataTable(id="risk-matrix", cursor_type="cell", fixed_columns=1)
            with VerticalScroll(id="risk-tab-vendors"):
                yield Static("", id="risk-vendors")
        yield Static("", id="risk-status")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "Outsourcing risk"
        self.sub_title = self.engagement_key
        table = self.query_one("#risk-components", DataTable)
        table.add_column("Component", key="component", width=24)
        table.add_column("V/D/R", key="scores", width=5)
        table.add_column("Recommended", key="recommendation", width=11)
        table.add_column("Decision", key="decision", width=12)
        table.add_column("Vendors", key="vendors", width=30)
        self.action_refresh()

    # --- loading ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="risk-load")
    def _load(self) -> None:
        from firstfile.services import risk

        try:
            picture = risk.assessment(
                self.app.wait_store(),
                self.engagement_key,
                templates_dir=self.app.settings.templates_dir,
            )
        except Exception as exc:  # any failure is shown: a worker's own error would end unseen
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, picture)

    def _failed(self, message: str) -> None:
        self.query_one("#risk-title", Static).update(
            Text(f"Cannot show the risk of {self.engagement_key}: {message}", style="bold red")
        )

    def _status(self, message: str, *, error: bool = False) -> None:
        self.message = message
        self.query_one("#risk-status", Static).update(
            Text(message, style="bold red" if error else "")
        )

    def _show(self, picture: RiskAssessment) -> None:
        self.assessment = picture
        title = Text(f"{picture.engagement_key}  ", style="bold")
        kept = sum(1 for c in picture.components if c.disposition == FIREWALL)
        title.append(
            f"{len(picture.components)} components, {kept} in-house, "
            f"{len(picture.vendors)} vendors, top exposure "
        )
        top = picture.matrix.max_exposure
        title.append(percent(top).strip(), exposure_style(top))
        self.query_one("#risk-title", Static).update(title)
        self._show_warning(picture)
        self._show_components(picture)
        # The matrix and the bars are filled when their tab is first shown after a load: with
        # hundreds of components they cost as much as the tree, and most visits never look.
        self._stale_tabs = {"risk-tab-matrix", "risk-tab-vendors"}
        self._fill_tab(self.active_tab)

    def _fill_tab(self, tab: str) -> None:
        picture = self.assessment
        if picture is None or tab not in self._stale_tabs:
            return
        self._stale_tabs.discard(tab)
        if tab == "risk-tab-matrix":
            self._show_matrix(picture)
        elif tab == "risk-tab-vendors":
            self.query_one("#risk-vendors", Static).update(vendors_text(picture))

    @property
    def active_tab(self) -> str:
        """The id of the view on show (one of TABS)."""
        return self.query_one("#risk-tabs", ContentSwitcher).current or TABS[0][0]

    def _show_warning(self, picture: RiskAssessment) -> None:
        warning = Text()
        for flag in picture.flags:
            if flag.kind == COULD_REPRODUCE_FLAG:
                if warning:
                    warning.append("\n")
                warning.append("COULD REPRODUCE: ", "bold red")
                warning.append(clean_line(flag.message), "red")
        others = sum(1 for f in picture.flags if f.kind != COULD_REPRODUCE_FLAG)
        if others:
            if warning:
                warning.append("\n")
            warning.append(f"{others} other red flag(s): see Vendors (3)", "yellow")
        box = self.query_one("#risk-warning", Static)
        box.update(warning)
        box.display = bool(warning)

    def _show_components(self, picture: RiskAssessment) -> None:
        table = self.query_one("#risk-components", DataTable)
        row = table.cursor_row
        table.clear()
        self._component_keys = []
        for c in picture.components:
            short, style = SHORT[c.recommendation.disposition]
            if c.decision is None:
                decided = Text("-", style="dim")
            else:
                label, decided_style = SHORT[c.decision.disposition]
                decided = Text(label, style=decided_style)
                if c.against_recommendation:
                    decided.append(" !", "bold red")
            vendors = Text(", ".join(c.vendors), overflow="ellipsis", no_wrap=True)
            if c.disposition == FIREWALL and c.vendors:
                vendors.stylize("bold red")
            table.add_row(
                Text("  " * c.depth + c.key, overflow="ellipsis", no_wrap=True),
                Text("/".join(str(v) for v in c.assessment.values)),
                Text(short, style=style),
                decided,
                vendors,
                key=c.key,
            )
            self._component_keys.append(c.key)
        if self._component_keys:
            table.move_cursor(row=min(row, len(self._component_keys) - 1))
            self._describe(table.cursor_row)
        if self.focused is None:
            table.focus()

    def _show_matrix(self, picture: RiskAssessment) -> None:
        table = self.query_one("#risk-matrix", DataTable)
        row, column = table.cursor_coordinate
        table.clear(columns=True)
        matrix = picture.matrix
        table.add_column("Component", key="component", width=24)
        for vendor in matrix.vendors:
            table.add_column(
                Text(vendor, overflow="ellipsis", no_wrap=True),
                key=vendor,
                width=max(8, min(len(vendor), 16)),
            )
        table.add_row(
            Text("ALL (exposure)", style="bold"),
            *(Text(percent(e), style=exposure_style(e)) for e in matrix.exposures),
            key="*",
        )
        largest = max((c.share for r in matrix.rows for c in r.cells), default=0.0)
        depth = {c.key: c.depth for c in picture.components}
        for matrix_row in matrix.rows:
            table.add_row(
                Text(
                    "  " * depth.get(matrix_row.component, 0) + matrix_row.component,
                    overflow="ellipsis",
                    no_wrap=True,
                ),
                *(cell_text(cell.level, cell.share, largest) for cell in matrix_row.cells),
                key=matrix_row.component,
            )
        if table.row_count:
            table.move_cursor(
                row=min(row, table.row_count - 1), column=min(column, len(matrix.vendors))
            )

    @on(DataTable.RowHighlighted, "#risk-components")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, index: int) -> None:
        detail = self.query_one("#risk-detail", Static)
        component = self.highlighted_component(index)
        detail.update(component_text(component, self.assessment) if component else Text(""))

    def highlighted_component(self, index: int | None = None) -> ComponentRisk | None:
        """The component under the tree's cursor (or at index), None when there is none."""
        if self.assessment is None or not self._component_keys:
            return None
        if index is None:
            index = self.query_one("#risk-components", DataTable).cursor_row
        if not 0 <= index < len(self._component_keys):
            return None
        return self.assessment.component(self._component_keys[index])

    # --- actions -----------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        if tab not in dict(TABS):
            return
        self.query_one("#risk-tabs", ContentSwitcher).current = tab
        self.query_one("#risk-tab-bar", Static).update(tab_bar(tab))
        self._fill_tab(tab)
        focus = {"risk-tab-components": "#risk-components", "risk-tab-matrix": "#risk-matrix"}
        if tab in focus:
            self.query_one(focus[tab], DataTable).focus()

    def action_decide(self) -> None:
        component = self.highlighted_component()
        if component is None:
            self.notify("Pick a component in the tree (1) first.", severity="warning")
            return
        key = component.key

        def answered(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            disposition, reason = answer
            self._change(
                lambda store, settings: self._decide(store, settings, key, disposition, reason)
            )

        self.app.push_screen(DecisionDialog(component), answered)

    def _decide(self, store: Any, settings: Any, key: str, disposition: str, reason: str) -> str:
        from firstfile.services import risk

        decision = risk.decide(
            store,
            self.engagement_key,
            key,
            disposition,
            reason=reason,
            actor=settings.actor,
            templates_dir=settings.templates_dir,
        )
        return f"{key}: decision recorded ({decision.disposition})"

    def action_best_split(self) -> None:
        if self._splitting:
            self.notify("The best split is being computed already.", severity="warning")
            return
        self._splitting = True
        self._status("Computing the best split (a few seconds)...")
        self._compute_split()

    @work(thread=True, exclusive=True, exit_on_error=False, group="risk-split")
    def _compute_split(self) -> None:
        from firstfile.services import risk_split

        try:
            proposal = risk_split.best_split(
                self.app.wait_store(),
                self.engagement_key,
                templates_dir=self.app.settings.templates_dir,
            )
        except Exception as exc:  # shown; the screen stays usable
            self.app.call_from_thread(self._split_failed, str(exc))
            return
        self.app.call_from_thread(self._offer_split, proposal)

    def _split_failed(self, message: str) -> None:
        self._splitting = False
        self._status(f"No split: {message}", error=True)

    def _offer_split(self, proposal: SplitProposal) -> None:
        self._splitting = False
        if self not in self.app.screen_stack:
            return  # left while it was computed: nothing to offer it over
        result = proposal.result
        self._status(
            f"Best split: largest exposure {percent(result.current.max_exposure).strip()} "
            f"today, {percent(result.suggested.max_exposure).strip()} suggested"
        )
        names = {v.key: v.name for v in self.assessment.vendors} if self.assessment else {}

        def answered(apply: bool | None) -> None:
            if apply:
                self._change(lambda store, settings: self._apply(store, settings, proposal))

        self.app.push_screen(SplitDialog(result, names), answered)

    def _apply(self, store: Any, settings: Any, proposal: SplitProposal) -> str:
        from firstfile.services import risk_split

        applied = risk_split.apply_split(
            store,
            self.engagement_key,
            proposal,
            actor=settings.actor,
            templates_dir=settings.templates_dir,
        )
        return (
            f"Split applied: {len(applied.added)} assignment(s) added, "
            f"{len(applied.removed)} removed"
        )

    def action_export_report(self) -> None:
        def chosen(folder: str | None) -> None:
            if folder:
                self._change(
                    lambda store, settings: self._export(store, settings, folder), reload=False
                )

        self.app.push_screen(
            FolderDialog("Export the internal risk report to which folder?",
                         str(self.app.settings.exports)), chosen
        )

    def _export(self, store: Any, settings: Any, folder: str) -> str:
        from pathlib import Path

        from firstfile.services import exports

        written = exports.export_risk(
            store,
            self.engagement_key,
            Path(folder).expanduser(),
            ("docx", "md"),
            actor=settings.actor,
            templates_dir=settings.templates_dir,
        )
        return written_message(written)

    def action_back(self) -> None:
        self.dismiss(None)

    # --- running changes -----------------------------------------------------------------------

    def _change(self, change: Callable[[Any, Any], str], *, reload: bool = True) -> None:
        self._run_change(change, reload)

    @work(thread=True, exclusive=False, exit_on_error=False, group="risk-change")
    def _run_change(self, change: Callable[[Any, Any], str], reload: bool) -> None:
        try:
            message = change(self.app.wait_store(), self.app.settings)
        except Exception as exc:  # any failure is shown; a worker's own error would end unseen
            self.app.call_from_thread(self._status, str(exc), error=True)
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", markup=False, timeout=10
            )
            if reload:  # changed elsewhere, perhaps: show it as it is
                self.app.call_from_thread(self.action_refresh)
            return
        self.app.call_from_thread(self._status, message)
        if reload:
            self.app.call_from_thread(self.action_refresh)


def component_text(c: ComponentRisk, picture: RiskAssessment | None) -> Text:
    """The highlighted component: the recommendation and its reason in words, each score with
    its rationale, the decision, the vendors and its flags."""
    text = Text(f"{clean_line(c.name)} ({c.key}", style="bold")
    text.append(f", {c.kind})" if c.kind else ")", "bold")
    text.append("\nRecommended: ", "bold")
    text.append(c.recommendation.label, SHORT[c.recommendation.disposition][1])
    text.append(f": {clean_line(c.recommendation.reason)}")
    text.append("\nDecision: ", "bold")
    if c.decision is None:
        text.append("none recorded (the recommendation applies)", "dim")
    else:
        d = c.decision
        text.append(SHORT[d.disposition][0], SHORT[d.disposition][1])
        on = f" on {d.decided_on.isoformat()}" if d.decided_on else ""
        text.append(f", {clean_line(d.decided_by)}{on}")
        if c.against_recommendation:
            text.append(" (against the recommendation)", "bold red")
        if d.reason.strip():
            text.append(f": {clean_line(d.reason)}")
    for name in SCORE_NAMES:
        score = c.assessment.score(name)
        text.append(f"\n{SCORE_LABELS[name].capitalize()} {score.value}: ")
        text.append(clean_line(score.rationale), "italic")
    text.append("\nVendors: ", "bold")
    text.append(", ".join(c.vendors) or "none")
    if c.pinned:
        text.append(f" (pinned: {', '.join(c.pinned)})")
    if picture is not None:
        for flag in picture.flags_for_components([c.key]):
            text.append(f"\n{clean_line(flag.message)}", "bold red")
    return text


def vendors_text(picture: RiskAssessment) -> Text:
    """Each vendor's exposure and risk as bars, then critical sets, flags and open actions."""
    text = Text("Knowledge exposure and vendor risk, highest risk first\n", style="bold")
    width = max((len(v.key) for v in picture.vendors), default=8)
    for v in picture.vendors:
        text.append(f"{v.key:<{width}} exposure ")
        text.append_text(bar(v.exposure, 20))
        text.append(f" {percent(v.exposure)}\n")
        text.append(f"{'':<{width}} risk     ")
        text.append_text(bar(v.risk, 20))
        text.append(f" {percent(v.risk)}")
        if v.competitors:
            text.append(f"  serves {', '.join(clean_line(c) for c in v.competitors)}", "yellow")
        if v.could_reproduce:
            text.append(f"  COULD REPRODUCE {', '.join(v.could_reproduce)}", "bold red")
        text.append("\n")
    text.append("\nCritical sets\n", style="bold")
    if not picture.critical_sets:
        text.append("none named\n", "dim")
    for s in picture.critical_sets:
        text.append(f"{clean_line(s.name)} ({s.key}): {', '.join(s.members)}\n")
        for vendor, seen in s.seen_by:
            if seen:
                style = "bold red" if vendor in s.could_reproduce else ""
                text.append(
                    f"  {vendor} sees {len(seen)}/{len(s.members)}: {', '.join(seen)}\n", style
                )
    text.append("\nRed flags\n", style="bold")
    if not picture.flags:
        text.append("none\n", "dim")
    for flag in picture.flags:
        text.append(f"{flag.kind}: ", "bold red")
        text.append(f"{clean_line(flag.message)}\n")
    open_actions = [a for a in picture.actions if a.status not in (DONE, NOT_APPLICABLE)]
    text.append("\nOpen design-tactic actions\n", style="bold")
    if not open_actions:
        text.append("none\n", "dim")
    for a in open_actions:
        via = f" (through {a.via})" if a.via else ""
        text.append(f"{a.component} / {a.vendor}{via}: {clean_line(a.title)} [{a.status}]\n")
    return text
