"""An engagement's tracer register, issuing a tracer for one or more vendors, and the lookup.

A tracer is a non-functional mark put into a component so that a copy can be recognised; each
vendor gets its own code, so a copy also says which vendor it came from (practice 1 of the
article). Codes are derived by services/tracers.py (a keyed hash of the database's secret,
never shown); this screen lists them, issues new ones and looks found ones up. Every read and
write runs in a thread worker; user text reaches the screen as rich Text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, SelectionList, Static

from firstfile.ui.commands import Command, bindings
from firstfile.ui.widgets.steady_select import SteadySelect

if TYPE_CHECKING:
    from firstfile.domain.tracers import LookupResult, Tracer
    from firstfile.ui.app import FirstfileApp

STATUS_STYLES = {
    "authentic": "bold green",
    "altered": "bold red",
    "not-ours": "yellow",
    "mistyped": "yellow",
    "unreadable": "yellow",
}

TRACER_COMMANDS: tuple[Command, ...] = (
    Command(
        "tracers-issue",
        "n",
        "issue",
        "Issue a tracer",
        "Issue a tracer for a component, one distinct code for each vendor chosen",
        "Issue",
    ),
    Command(
        "tracers-lookup",
        "l",
        "lookup",
        "Look up a found code",
        "Say which vendor, component, engagement and date a found code was issued for",
        "Lookup",
    ),
    Command(
        "tracers-refresh", "f5", "refresh", "Refresh tracers", "Load the register again", "Refresh"
    ),
    Command("tracers-back", "escape", "back", "Back", "Leave the tracer register", "Back"),
)


def lookup_text(result: LookupResult) -> Text:
    """The answer to a lookup, in words: the status first, then what the code was issued for."""
    text = Text()
    text.append(f"{result.code or '(nothing typed)'}: ", style="bold")
    text.append(result.status, style=STATUS_STYLES.get(result.status, ""))
    text.append(f"\n{result.message}")
    return text


class LookupDialog(ModalScreen[None]):
    """Type a code found on a copy; enter looks it up and shows the answer in place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="firstfile.lookup.close"),
    ]
    app: FirstfileApp

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self.result: LookupResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lookup-dialog"):
            yield Static(Content("Look up a code found on a copy"), classes="dialog-title")
            yield Input(id="lookup-input", placeholder="e.g. 7K2M-…")
            yield Static(Text(""), id="lookup-result")
            yield Static("enter: look up   esc: close", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#lookup-result", Static).update(Text("Looking up..."))
        self._lookup(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="tracer-lookup")
    def _lookup(self, code: str) -> None:
        from firstfile.services import tracers

        try:
            result = tracers.lookup_code(self.app.wait_store(), code)
        except Exception as exc:  # shown in place; a worker's own error would end unseen
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, result)

    def _show(self, result: LookupResult) -> None:
        self.result = result
        self.query_one("#lookup-result", Static).update(lookup_text(result))

    def _show_error(self, message: str) -> None:
        self.query_one("#lookup-result", Static).update(Text(f"Cannot look up: {message}"))

    def action_close(self) -> None:
        self.dismiss(None)


class IssueDialog(ModalScreen[tuple[str, tuple[str, ...], str] | None]):
    """Choose the component, the vendors (space ticks one) and the kind; enter issues."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.issue.cancel"),
        Binding("ctrl+s", "issue", "Issue", id="firstfile.issue.issue", priority=True),
    ]

    def __init__(
        self,
        components: list[tuple[str, str]],
        vendors: list[tuple[str, str]],
        kinds: dict[str, str],
        default_kind: str,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._components = components
        self._vendors = vendors
        self._kinds = kinds
        self._default_kind = default_kind

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="issue-dialog"):
            yield Static(Content("Issue a tracer"), classes="dialog-title")
            yield SteadySelect(
                [(Text(f"{key}: {name}"), key) for key, name in self._components],
                prompt="Component",
                id="issue-component",
            )
            yield SelectionList[str](
                *[(Text(f"{key}: {name}"), key) for key, name in self._vendors],
                id="issue-vendors",
            )
            yield SteadySelect(
                [(Text(f"{kind}: {words}"), kind) for kind, words in self._kinds.items()],
                value=self._default_kind,
                allow_blank=False,
                id="issue-kind",
            )
            yield Static(
                "tab: next  space: tick a vendor  ctrl+s: issue  esc: cancel",
                classes="dialog-hint",
            )

    def action_issue(self) -> None:
        component = self.query_one("#issue-component", Select).value
        vendors = tuple(self.query_one("#issue-vendors", SelectionList).selected)
        kind = self.query_one("#issue-kind", Select).value
        if not isinstance(component, str):
            self.notify("Choose the component the tracer goes into.", severity="warning")
            return
        if not vendors:
            self.notify("Tick at least one vendor (space).", severity="warning")
            return
        self.dismiss((component, vendors, str(kind)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TracersScreen(Screen[None]):
    """The tracer register of one engagement: code, kind, component, vendor, issue date."""

    TITLE = "Tracers"
    DEFAULT_CSS = """
    TracersScreen #tracers-summary { height: auto; padding: 0 1; background: $panel; }
    TracersScreen #tracers-table { height: 1fr; }
    TracersScreen #tracers-status { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(TRACER_COMMANDS)
    FIRSTFILE_COMMANDS = TRACER_COMMANDS
    app: FirstfileApp

    def __init__(self, engagement_key: str) -> None:
        super().__init__()
        self.engagement_key = engagement_key
        self.tracers: list[Tracer] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the tracer register..."), id="tracers-summary")
        yield DataTable(id="tracers-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(""), id="tracers-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.engagement_key
        table = self.query_one("#tracers-table", DataTable)
        for label, key in (
            ("Code", "code"),
            ("Vendor", "vendor"),
            ("Component", "component"),
            ("Kind", "kind"),
            ("Issued", "issued"),
        ):
            table.add_column(label, key=key)
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="tracers")
    def _load(self) -> None:
        from firstfile.services import tracers

        try:
            register = tracers.list_tracers(self.app.wait_store(), self.engagement_key)
        except Exception as exc:  # any failure is shown
            self.app.call_from_thread(self._status, f"Cannot read the register: {exc}")
            return
        self.app.call_from_thread(self._loaded, register)

    def _loaded(self, register: list[Tracer]) -> None:
        self.tracers = register
        table = self.query_one("#tracers-table", DataTable)
        table.clear()
        for tracer in register:
            table.add_row(
                Text(tracer.code, style="bold"),
                Text(tracer.vendor),
                Text(tracer.component),
                Text(tracer.kind),
                Text(tracer.issued_on.isoformat()),
            )
        vendors = len({t.vendor for t in register})
        self.query_one("#tracers-summary", Static).update(
            Text(
                f"{self.engagement_key}: {len(register)} tracers for {vendors} vendors. "
                "Each vendor's code differs, so a found copy names its source "
                "(n: issue, l: look up)."
            )
        )

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#tracers-status", Static).update(Text(message, style=style))

    def action_refresh(self) -> None:
        self._load()

    def action_lookup(self) -> None:
        self.app.push_screen(LookupDialog())

    def action_issue(self) -> None:
        self._choices()

    @work(thread=True, exclusive=True, exit_on_error=False, group="tracers-choices")
    def _choices(self) -> None:
        from firstfile.domain.tracers import TRACER_KINDS
        from firstfile.services import risk, tracers

        try:
            inputs = risk.risk_inputs(
                self.app.wait_store(),
                self.engagement_key,
                templates_dir=self.app.settings.templates_dir,
            )
        except Exception as exc:  # any failure is shown
            self.app.call_from_thread(self._status, f"Cannot read the components: {exc}")
            return
        components = [(node.key, node.name) for node in inputs.components]
        vendors = [(vendor.key, vendor.name) for vendor in inputs.vendors]
        # Document canaries are issued by the vendor documents themselves, never by hand.
        kinds = {k: v for k, v in TRACER_KINDS.items() if k != tracers.DOCUMENT_CANARY}
        self.app.call_from_thread(self._ask, components, vendors, kinds, tracers.DEFAULT_KIND)

    def _ask(
        self,
        components: list[tuple[str, str]],
        vendors: list[tuple[str, str]],
        kinds: dict[str, str],
        default_kind: str,
    ) -> None:
        if not components or not vendors:
            self._status(
                "Record the engagement's components and vendors first (firstfile risk, "
                "firstfile vendors): a tracer goes into a component, for a vendor.",
                "yellow",
            )
            return

        def chosen(answer: tuple[str, tuple[str, ...], str] | None) -> None:
            if answer is not None:
                self._issue(*answer)

        self.app.push_screen(IssueDialog(components, vendors, kinds, default_kind), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="tracers-issue")
    def _issue(self, component: str, vendors: tuple[str, ...], kind: str) -> None:
        from firstfile.services import tracers

        try:
            issued = tracers.issue_tracers(
                self.app.wait_store(),
                self.engagement_key,
                component,
                vendors,
                kind=kind,
                actor=self.app.settings.actor,
            )
        except Exception as exc:  # shown with what to fix; nothing was written
            self.app.call_from_thread(
                self.notify,
                str(exc),
                title="Not issued",
                severity="error",
                markup=False,
                timeout=12,
            )
            return
        lines = [f"{t.vendor}: {t.code}" for t in issued.tracers]
        message = f"Issued for {component}: " + "; ".join(lines)
        if issued.already_issued:
            message += f" (already issued today: {', '.join(issued.already_issued)})"
        for warning in issued.warnings:
            message += f"\n{warning}"
        self.app.call_from_thread(self._status, message)
        self.app.call_from_thread(self._load)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_worker_state_changed(self, event: Any) -> None:
        self.app.report_failed_worker(event)
