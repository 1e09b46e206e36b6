"""The questions of the outsourcing-risk screen: record a decision, apply the best split.

Both only ask; the screen does the work through services in thread workers. Every text shown
comes in as `Content`/`Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from firstfile.domain.risk.vocabulary import DISPOSITION_LABELS, DISPOSITIONS
from firstfile.domain.text import clean_line
from firstfile.ui.widgets.exposure_bars import bar, exposure_style, percent

if TYPE_CHECKING:
    from firstfile.domain.risk.assessment import ComponentRisk
    from firstfile.domain.risk.split import SplitResult


class DecisionDialog(ModalScreen[tuple[str, str] | None]):
    """Pick keep in-house / outsource with safeguards / outsource, with a reason (required
    when the choice goes against the recommendation); returns (disposition, reason)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.risk-decision.cancel"),
    ]
    DEFAULT_CSS = """
    DecisionDialog OptionList { height: auto; margin-bottom: 1; }
    """

    def __init__(self, component: ComponentRisk) -> None:
        super().__init__(classes="dialog-screen")
        self.component = component

    def compose(self) -> ComposeResult:
        c = self.component
        recommended = c.recommendation
        with Vertical(classes="dialog", id="decision-dialog"):
            yield Static(
                Content(f"Decision for {clean_line(c.name)} ({c.key})"), classes="dialog-title"
            )
            yield Static(
                Text.assemble(
                    ("Recommended: ", "bold"),
                    recommended.label,
                    f" ({clean_line(recommended.reason)})",
                )
            )
            yield OptionList(
                *(
                    Option(
                        DISPOSITION_LABELS[d]
                        + ("  (recommended)" if d == recommended.disposition else ""),
                        id=d,
                    )
                    for d in DISPOSITIONS
                ),
                id="decision-choice",
            )
            yield Label("Reason")
            # Empty, not the standing decision's reason: a reason belongs to one decision.
            yield Input(
                "",
                placeholder="Reason (needed when against the recommendation)",
                id="decision-reason",
            )
            yield Static(
                "up/down: choose   tab: reason   enter: record   esc: cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#decision-dialog").styles.width = 76
        choice = self.query_one("#decision-choice", OptionList)
        current = (
            self.component.decision.disposition
            if self.component.decision
            else self.component.recommendation.disposition
        )
        choice.highlighted = DISPOSITIONS.index(current) if current in DISPOSITIONS else 0
        choice.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#decision-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choice = self.query_one("#decision-choice", OptionList)
        if choice.highlighted is None:
            self.notify("Choose a decision first.", severity="warning")
            return
        disposition = DISPOSITIONS[choice.highlighted]
        reason = event.value.strip()
        if disposition != self.component.recommendation.disposition and not reason:
            self.notify(
                "This goes against the recommendation: say why in the reason.",
                severity="warning",
            )
            return
        self.dismiss((disposition, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SplitDialog(ModalScreen[bool]):
    """Today's assignment beside the best split, each vendor's exposure before and after, and
    the components that move; returns True when the user applies it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Apply", id="firstfile.risk-split.apply"),
        Binding("escape,n", "answer(False)", "Close", id="firstfile.risk-split.close"),
    ]
    DEFAULT_CSS = """
    SplitDialog #split-vendors { height: auto; max-height: 11; }
    SplitDialog #split-moves-box { height: auto; max-height: 8; }
    """
    # Wider than the shared dialog style (set there for one-question dialogs), so that both
    # bars fit side by side at 80 columns.
    WIDTH = 78

    def __init__(self, result: SplitResult, names: Mapping[str, str]) -> None:
        super().__init__(classes="dialog-screen")
        self.result = result
        self.names = dict(names)
        self._answer: Button | None = None

    def compose(self) -> ComposeResult:
        # Everything is built here, filled before it is mounted, so that nothing has to be
        # looked up once the dialog is up: a lookup on mount raced the mounting of the
        # dialog's children on a loaded machine.
        r = self.result
        frame = Vertical(classes="dialog", id="split-dialog")
        frame.styles.width = self.WIDTH
        with frame:
            yield Static(Content(f"Best split for {r.engagement_key}"), classes="dialog-title")
            proven = (
                "proven best"
                if r.proven_optimal
                else f"no split can go below {percent(r.lower_bound).strip()}"
            )
            summary = Text("Largest exposure of any vendor: today ")
            summary.append(
                percent(r.current.max_exposure).strip(), exposure_style(r.current.max_exposure)
            )
            summary.append(", suggested ")
            summary.append(
                percent(r.suggested.max_exposure).strip(), exposure_style(r.suggested.max_exposure)
            )
            summary.append(f" ({proven}).")
            yield Static(summary, id="split-summary")
            yield self._vendors()
            with VerticalScroll(id="split-moves-box"):
                yield Static(self._moves(), id="split-moves")
            apply = Button(
                Content("Apply this split (y)"),
                id="split-apply",
                variant="primary",
                disabled=not r.moves,
            )
            close = Button(Content("Close (esc)"), id="split-close")
            # Focus goes where the answer is: Apply, or Close when nothing moves.
            self._answer = apply if r.moves else close
            with Horizontal(classes="dialog-buttons"):
                yield apply
                yield close

    def on_mount(self) -> None:
        if self._answer is not None:
            self._answer.focus()

    def _vendors(self) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id="split-vendors", cursor_type="row", show_cursor=False)
        table.add_column("Vendor", key="vendor", width=18)
        table.add_column("Today", key="today", width=12)
        table.add_column("", key="before", width=6)
        table.add_column("Suggested", key="suggested", width=12)
        table.add_column("", key="after", width=6)
        for change in self.result.vendors:
            table.add_row(
                Text(
                    clean_line(self.names.get(change.vendor, change.vendor)),
                    overflow="ellipsis",
                    no_wrap=True,
                ),
                bar(change.before, 12),
                Text(percent(change.before)),
                bar(change.after, 12),
                Text(percent(change.after)),
                key=change.vendor,
            )
        return table

    def _moves(self) -> Text:
        r = self.result
        if not r.moves:
            return Text("Today's assignment is already this split: nothing to apply.")
        text = Text(f"{len(r.moves)} component(s) move:\n", style="bold")
        for move in r.moves:
            text.append(f"  {move.component}: ")
            text.append(", ".join(move.before) or "-", "dim")
            text.append(" -> ")
            text.append(", ".join(move.after) or "-", "bold")
            text.append("\n")
        before = {pair for pair in r.current.could_reproduce}
        after = {pair for pair in r.suggested.could_reproduce}
        for critical_set, vendor in sorted(before - after):
            text.append(f"  {vendor} no longer sees the whole of {critical_set}\n", "green")
        for critical_set, vendor in sorted(after):
            text.append(f"  {vendor} still sees the whole of {critical_set}\n", "bold red")
        text.append("Applying writes the new assignment in one audited step.", "italic")
        return text

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "split-apply")

    def action_answer(self, answer: bool) -> None:
        if answer and not self.result.moves:
            self.notify("Nothing to apply.", severity="warning")
            return
        self.dismiss(answer)
