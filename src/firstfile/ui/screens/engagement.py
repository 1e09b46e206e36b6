"""One engagement: its phase guide, its vendors, and each vendor's agreement checklist.

The guide shows every step of the three phases (the current phase marked), done or not, with
what the data says. Picking a vendor shows its checklist; keys set the highlighted item's
status (done, in progress, not applicable with a reason, open again), tick a hand-ticked step,
export the vendor's checklist, move the engagement on to its next phase (or undo the last
move, asking first), and start an
extraction session for the engagement. A move to "during" while critical items are open asks
for confirmation and a reason, and is recorded as an override in the audit trail.

All database and file work runs in thread workers; after each change the whole overview is
loaded again, so the guide always shows what the data now says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.written import written_message

if TYPE_CHECKING:
    from firstfile.domain.checklist import Checklist
    from firstfile.services.engagements import EngagementOverview, LastPhaseMove
    from firstfile.ui.app import FirstfileApp

# The footer keeps the keys used most (the checklist's done and not-applicable, the guide's
# tick, the phase move, the export) so that with ^n and ^q it fits 80 columns; the others
# (show=False) work on their keys at any width and are in the palette, each with its key.
ITEM_DONE = Command("checklist-done", "x", "item_done", "Mark item done",
                    "Mark the highlighted checklist item done (again: open)", "Done")
ITEM_PROGRESS = Command("checklist-progress", "i", "item_progress", "Mark item in progress",
                        "Mark the highlighted checklist item in progress", "In progress",
                        show=False)
ITEM_NA = Command("checklist-na", "n", "item_not_applicable", "Mark item not applicable",
                  "Mark the highlighted item not applicable, with a reason", "N/A")
TICK_STEP = Command("guide-tick", "t", "tick_step", "Tick phase-guide step",
                    "Tick (or untick) the highlighted hand-ticked step of the phase guide",
                    "Tick")
NEXT_PHASE = Command("engagement-next-phase", "p", "next_phase", "Next phase",
                     "Move the engagement to its next phase (asks when items block it)",
                     "Next phase")
UNDO_PHASE = Command("engagement-undo-phase", "u", "undo_phase", "Undo last phase change",
                     "Move the engagement back to the phase before its last move (asks first; "
                     "recorded as a change of its own)", "Undo phase", show=False)
EXPORT_CHECKLIST = Command("checklist-export", "e", "export_checklist", "Export checklist",
                           "Write the vendor's version and the internal version to a folder",
                           "Export")
START_SESSION = Command("engagement-session", "s", "start_session",
                       "Start an extraction session for this engagement",
                       "Set up a new extraction session for this engagement, then run it",
                       "New session", show=False)
OPEN_RISK = Command("engagement-risk", "r", "open_risk", "Outsourcing risk",
                    "What to keep in-house and why, what each vendor sees, the best split",
                    "Risk", show=False)
# Over the engagement: its filing strategy and its tracer register.
STRATEGY = Command("engagement-strategy", "j", "strategy", "Jurisdictions / filing strategy",
                   "Where to file and what it costs against what it protects, with a what-if",
                   "Strategy", show=False)
TRACERS = Command("engagement-tracers", "c", "tracers", "Tracers",
                  "The tracer register: issue a distinct code per vendor, look a found one up",
                  "Tracers", show=False)
REFRESH = Command("engagement-refresh", "f5", "refresh", "Refresh engagement",
                  "Load the engagement again", "Refresh", show=False)
BACK = Command("engagement-back", "escape", "back", "Back", "Leave the engagement", "Back",
               show=False)

ENGAGEMENT_COMMANDS: tuple[Command, ...] = (
    ITEM_DONE, ITEM_PROGRESS, ITEM_NA, TICK_STEP, NEXT_PHASE, UNDO_PHASE, EXPORT_CHECKLIST,
    START_SESSION, OPEN_RISK, STRATEGY, TRACERS, REFRESH, BACK)

STATUS_STYLES = {"done": "green", "not-applicable": "dim", "in-progress": "yellow",
                 "open": "bold red"}


class TextDialog(ModalScreen[str | None]):
    """Asks for one line of text (a reason, a note); returns it, or None on cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="firstfile.text.cancel"),
    ]

    def __init__(self, question: str, *, required: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self._question = question
        self._required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="text-dialog"):
            yield Static(Content(self._question), classes="dialog-title")
            yield Input(id="text-input")
            yield Static("enter: ok   esc: cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if self._required and not value:
            self.notify("Please give a reason.", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EngagementScreen(Screen[None]):
    """The phase guide, the vendors and the highlighted vendor's checklist of one engagement."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(ENGAGEMENT_COMMANDS)
    FIRSTFILE_COMMANDS = ENGAGEMENT_COMMANDS
    DEFAULT_CSS = """
    EngagementScreen #engagement-title { height: 1; text-style: bold; padding: 0 1; }
    EngagementScreen #engagement-guide { height: 7; }
    EngagementScreen #engagement-vendors { height: 5; }
    EngagementScreen #engagement-checklist { height: 1fr; min-height: 3; }
    EngagementScreen #engagement-detail-pane { height: auto; max-height: 5; }
    EngagementScreen #engagement-detail { padding: 0 1; color: $text-muted; }
    EngagementScreen #engagement-status {
        height: auto; min-height: 1; max-height: 3; padding: 0 1;
    }
    """

    app: FirstfileApp

    def __init__(self, engagement_key: str) -> None:
        super().__init__()
        self.engagement_key = engagement_key
        self.overview: EngagementOverview | None = None
        self.vendor_key: str | None = None
        self._step_ids: list[str] = []
        self._detail_of = "engagement-guide"  # the table whose highlighted row is detailed

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="engagement-title")
        yield DataTable(id="engagement-guide", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="engagement-vendors", cursor_type="row")
        yield DataTable(id="engagement-checklist", cursor_type="row", zebra_stripes=True)
        # The tables cut long steps, flags and items at 80 columns: the highlighted row of the
        # table last in use is shown here whole, wrapped; a vendor's several flags can be
        # longer than the pane, which then scrolls (tab to it, then the arrow keys).
        with VerticalScroll(id="engagement-detail-pane"):
            yield Static(Text(""), id="engagement-detail")
        yield Static("", id="engagement-status")
        yield Footer()

    def on_mount(self) -> None:
        guide = self.query_one("#engagement-guide", DataTable)
        guide.add_column("Phase", key="phase", width=7)
        guide.add_column("", key="done", width=3)
        guide.add_column("Step", key="step", width=34)
        guide.add_column("What the data says", key="detail", width=60)
        vendors = self.query_one("#engagement-vendors", DataTable)
        vendors.add_column("Vendor", key="vendor", width=30)
        vendors.add_column("Ctry", key="country", width=4)
        vendors.add_column("Closed", key="closed", width=7)
        vendors.add_column("Critical open", key="critical", width=13)
        vendors.add_column("Flags", key="flags", width=40)
        checklist = self.query_one("#engagement-checklist", DataTable)
        checklist.add_column("Item", key="item", width=36)
        checklist.add_column("!", key="critical", width=1)
        checklist.add_column("Status", key="status", width=14)
        checklist.add_column("Date", key="date", width=10)
        checklist.add_column("Who", key="who", width=12)
        self.sub_title = self.engagement_key
        self.action_refresh()

    # --- loading ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="engagement-load")
    def _load(self) -> None:
        from firstfile.services import engagements

        try:
            overview = engagements.engagement_overview(
                self.app.wait_store(), self.engagement_key,
                templates_dir=self.app.settings.templates_dir)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.app.call_from_thread(self._status, f"Cannot load: {exc}", error=True)
            return
        self.app.call_from_thread(self._show, overview)

    def _status(self, message: str, *, error: bool = False) -> None:
        self.query_one("#engagement-status", Static).update(
            Text(message, style="bold red" if error else ""))

    def _show(self, overview: EngagementOverview) -> None:
        self.overview = overview
        title = Text(f"{overview.key}  ", style="bold")
        title.append(overview.name)
        title.append(f"   phase: {overview.phase}", style="bold cyan")
        self.query_one("#engagement-title", Static).update(title)
        self._show_guide(overview)
        self._show_vendors(overview)
        if self.vendor_key is None or overview.checklist_for(self.vendor_key) is None:
            self.vendor_key = overview.checklists[0].vendor.key if overview.checklists else None
        self._show_checklist()
        self._show_detail()
        if overview.problems:
            self._status(f"Checklist file problem: {overview.problems[0]}", error=True)
        elif overview.blockers and overview.phase == "pre":
            self._status(f"{len(overview.blockers)} critical item(s) open: they block the "
                         "move to during")

    def _show_guide(self, overview: EngagementOverview) -> None:
        table = self.query_one("#engagement-guide", DataTable)
        row = table.cursor_row
        table.clear()
        self._step_ids = []
        for phase in overview.guide:
            for index, state in enumerate(phase.steps):
                label = Text(phase.phase if index == 0 else "",
                             style="bold cyan" if phase.current else "")
                mark = Text("[x]", style="green") if state.done else Text("[ ]", style="red")
                step = Text(state.step.title + ("" if state.step.derived else " (hand)"))
                table.add_row(label, mark, step, Text(state.detail), key=state.step.id)
                self._step_ids.append(state.step.id)
        if self._step_ids:
            table.move_cursor(row=min(row, len(self._step_ids) - 1))

    def _show_vendors(self, overview: EngagementOverview) -> None:
        table = self.query_one("#engagement-vendors", DataTable)
        row = table.cursor_row
        table.clear()
        for checklist in overview.checklists:
            vendor = checklist.vendor
            flags = [f for f in overview.flags if f.vendor_key == vendor.key]
            closed = len(checklist.lines) - checklist.open_count
            table.add_row(
                Text(vendor.name, overflow="ellipsis", no_wrap=True), Text(vendor.country),
                Text(f"{closed}/{len(checklist.lines)}"),
                Text(str(len(checklist.blocking)),
                     style="bold red" if checklist.blocking else "green"),
                Text("; ".join(f.kind for f in flags), style="yellow"),
                key=vendor.key,
            )
        if overview.checklists:
            table.move_cursor(row=min(row, len(overview.checklists) - 1))

    def _current_checklist(self) -> Checklist | None:
        if self.overview is None or self.vendor_key is None:
            return None
        return self.overview.checklist_for(self.vendor_key)

    def _show_checklist(self) -> None:
        table = self.query_one("#engagement-checklist", DataTable)
        row = table.cursor_row
        table.clear()
        checklist = self._current_checklist()
        if checklist is None:
            return
        for line in checklist.lines:
            state = line.state
            table.add_row(
                Text(line.item.title, overflow="ellipsis", no_wrap=True),
                Text("!" if line.item.critical else "", style="bold red"),
                Text(state.status, style=STATUS_STYLES.get(state.status, "")),
                Text(state.done_on.isoformat() if state.done_on else ""),
                Text(state.who, overflow="ellipsis", no_wrap=True),
                key=line.item.id,
            )
        if checklist.lines:
            table.move_cursor(row=min(row, len(checklist.lines) - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if event.data_table.id == "engagement-vendors" and key and key != self.vendor_key:
            self.vendor_key = key
            self._show_checklist()
        self._show_detail()

    def on_descendant_focus(self) -> None:
        if isinstance(self.focused, DataTable) and self.focused.id:
            self._detail_of = self.focused.id
            self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted row of the table last focused, whole (the guide's at first)."""
        detail = self.query_one("#engagement-detail", Static)
        focused = self._detail_of
        text = Text()
        if self.overview is None:
            pass
        elif focused == "engagement-vendors":
            text = self._vendor_detail(self.overview)
        elif focused == "engagement-checklist":
            text = self._item_detail()
        else:
            text = self._step_detail(self.overview)
        detail.update(text)

    def _step_detail(self, overview: EngagementOverview) -> Text:
        if not self._step_ids:
            return Text("")
        row = self.query_one("#engagement-guide", DataTable).cursor_row
        step_id = self._step_ids[min(row, len(self._step_ids) - 1)]
        state = next(s for p in overview.guide for s in p.steps if s.step.id == step_id)
        text = Text(state.step.title, style="bold")
        text.append("" if state.step.derived else " (hand-ticked)")
        text.append(f": {state.detail}")
        return text

    def _vendor_detail(self, overview: EngagementOverview) -> Text:
        checklist = self._current_checklist()
        if checklist is None:
            return Text("")
        flags = [f for f in overview.flags if f.vendor_key == checklist.vendor.key]
        if not flags:
            return Text.assemble((checklist.vendor.name, "bold"), ": no cross-check flags")
        text = Text()  # each message names the vendor: no heading line, to keep it short
        for flag in flags:
            if text:
                text.append("\n")
            text.append(flag.kind, style="yellow")
            text.append(f": {flag.message}")
        return text

    def _item_detail(self) -> Text:
        checklist = self._current_checklist()
        item_id = self._highlighted_item()
        line = next((x for x in checklist.lines if x.item.id == item_id), None) \
            if checklist else None
        if line is None:
            return Text("")
        text = Text(line.item.title, style="bold")
        text.append(f": {line.state.status}")
        for label, value in (("why", line.state.reason), ("who", line.state.who)):
            if value:
                text.append(f"; {label}: {value}")
        return text

    # --- actions ---------------------------------------------------------------------------

    def _highlighted_item(self) -> str | None:
        table = self.query_one("#engagement-checklist", DataTable)
        checklist = self._current_checklist()
        if checklist is None or not checklist.lines:
            return None
        return checklist.lines[min(table.cursor_row, len(checklist.lines) - 1)].item.id

    def _set_item(self, status: str, reason: str | None = None) -> None:
        item_id, vendor_key = self._highlighted_item(), self.vendor_key
        checklist = self._current_checklist()
        if item_id is None or vendor_key is None or checklist is None:
            self.notify("Pick a vendor with a checklist first.", severity="warning")
            return
        shown = next((line.state for line in checklist.lines if line.item.id == item_id), None)
        from_status, version = (shown.status, shown.version) if shown else ("open", 0)
        if status == "done" and from_status == "done":
            status = "open"  # the same key again undoes it

        def change(store: Any, settings: Any) -> str:
            from firstfile.services import engagements

            line = engagements.update_item(
                store, self.engagement_key, vendor_key, item_id,
                engagements.ItemUpdate(status=status, reason=reason), actor=settings.actor,
                templates_dir=settings.templates_dir, expected_version=version)
            return f"{line.item.title}: {line.state.status}"

        self._change(change)

    def action_item_done(self) -> None:
        self._set_item("done")

    def action_item_progress(self) -> None:
        self._set_item("in-progress")

    def action_item_not_applicable(self) -> None:
        if self._highlighted_item() is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._set_item("not-applicable", reason)

        self.app.push_screen(TextDialog("Why does this item not apply?", required=True),
                             answered)

    def action_tick_step(self) -> None:
        if self.overview is None or not self._step_ids:
            return
        table = self.query_one("#engagement-guide", DataTable)
        step_id = self._step_ids[min(table.cursor_row, len(self._step_ids) - 1)]
        state = next(s for p in self.overview.guide for s in p.steps if s.step.id == step_id)
        if state.step.derived:
            self.notify(f"“{state.step.title}” is worked out from the data: {state.detail}",
                        markup=False)
            return
        if state.done:
            self._change(lambda store, settings: self._untick(store, settings, step_id))
            return

        def answered(note: str | None) -> None:
            if note is not None:
                self._change(lambda store, settings: self._tick(store, settings, step_id, note))

        self.app.push_screen(TextDialog(f"Tick “{state.step.title}”: what was done?"), answered)

    def _tick(self, store: Any, settings: Any, step_id: str, note: str) -> str:
        from firstfile.services import engagements

        tick = engagements.tick_step(store, self.engagement_key, step_id, actor=settings.actor,
                                     note=note)
        return f"{step_id} ticked {tick.done_on.isoformat()}"

    def _untick(self, store: Any, settings: Any, step_id: str) -> str:
        from firstfile.services import engagements

        engagements.untick_step(store, self.engagement_key, step_id, actor=settings.actor)
        return f"{step_id} unticked"

    def action_next_phase(self) -> None:
        from firstfile.domain.phase_guide import next_phase

        overview = self.overview
        if overview is None:
            return
        target = next_phase(overview.phase)
        if target is None:
            self.notify("The engagement is closed.", severity="warning")
            return
        version = overview.version
        if target != "during" or not overview.blockers:
            # The phase decides what the checklist asks and what documents say: asked first.
            def plain(yes: bool | None) -> None:
                if yes:
                    self._change(lambda store, settings: self._move(store, settings, target,
                                                                    False, "", version))

            self.app.push_screen(
                ConfirmDialog(f"Move {self.engagement_key} from {overview.phase} to {target}?",
                              yes=f"Move to {target}", no="Cancel"),
                plain,
            )
            return
        listed = "\n".join(f"  {b}" for b in overview.blockers[:8])
        more = f"\n  and {len(overview.blockers) - 8} more" if len(overview.blockers) > 8 else ""
        question = (f"{len(overview.blockers)} critical checklist item(s) are still open:\n"
                    f"{listed}{more}\n\nMove to during anyway? The override is recorded.")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(TextDialog("Why move on with items open?", required=True),
                                     reasoned)

        def reasoned(reason: str | None) -> None:
            if reason:
                self._change(lambda store, settings: self._move(store, settings, target, True,
                                                                reason, version))

        self.app.push_screen(ConfirmDialog(question, yes="Move anyway", no="Cancel"), confirmed)

    def _move(self, store: Any, settings: Any, target: str, override: bool, reason: str,
              version: int) -> str:
        from firstfile.services import engagements

        change = engagements.change_phase(store, self.engagement_key, target,
                                          actor=settings.actor, override=override,
                                          reason=reason, templates_dir=settings.templates_dir,
                                          expected_version=version)
        note = " (override recorded)" if change.overridden else ""
        return f"{self.engagement_key}: {change.old} -> {change.new}{note}"

    def action_undo_phase(self) -> None:
        """Ask before undoing the last phase move, naming it; the undo names the move it undoes
        (its seq), so a move made by someone else meanwhile is never the one undone."""
        self._undo_phase_ask()

    @work(thread=True, exclusive=True, exit_on_error=False, group="engagement-undo")
    def _undo_phase_ask(self) -> None:
        from firstfile.services import engagements

        try:
            move = engagements.last_phase_move(self.app.wait_store(), self.engagement_key)
        except Exception as exc:  # shown; a worker's own error would end it unseen
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._undo_phase_confirm, move)

    def _undo_phase_confirm(self, move: LastPhaseMove | None) -> None:
        if move is None:
            self.notify(f"{self.engagement_key} has no phase change to undo.",
                        severity="warning")
            return
        if move.was_undo:
            self.notify(f"The last phase change ({move}) was an undo already; use p to move "
                        "on.", severity="warning", markup=False)
            return
        seq = move.seq

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(lambda store, settings: self._undo(store, settings, seq))

        self.app.push_screen(
            ConfirmDialog(f"Undo the last phase change of {self.engagement_key} ({move})?\n"
                          f"It moves back to {move.old}; the undo is recorded as a change of "
                          "its own.", yes=f"Back to {move.old}", no="Cancel"),
            answered,
        )

    def _undo(self, store: Any, settings: Any, seq: int) -> str:
        from firstfile.services import engagements

        change = engagements.undo_phase_change(store, self.engagement_key, actor=settings.actor,
                                               expected_seq=seq,
                                               templates_dir=settings.templates_dir)
        return f"{self.engagement_key}: {change.old} -> {change.new} (undone)"

    def action_export_checklist(self) -> None:
        vendor_key = self.vendor_key
        if vendor_key is None:
            return

        def chosen(folder: str | None) -> None:
            if folder:
                self._change(lambda store, settings: self._export(store, settings, vendor_key,
                                                                  folder), reload=False)

        self.app.push_screen(FolderDialog("Export this vendor's checklist to which folder?",
                                          str(self.app.settings.exports)), chosen)

    def _export(self, store: Any, settings: Any, vendor_key: str, folder: str) -> str:
        from pathlib import Path

        from firstfile.services import exports

        written = exports.export_checklist(
            store, self.engagement_key, vendor_key, Path(folder).expanduser(),
            audiences=("vendor", "internal"), actor=settings.actor,
            templates_dir=settings.templates_dir)
        return written_message(written)

    def action_start_session(self) -> None:
        """Set up a new extraction session with this engagement chosen (the app leaves this
        screen for the set-up form; creating the session opens the room)."""
        self.app.start_session(self.engagement_key)

    def action_open_risk(self) -> None:
        """The engagement's outsourcing-risk screen, over this one; back here, the overview is
        loaded again (a decision or a split there changes the flags shown here)."""
        from firstfile.ui.screens.risk import RiskScreen

        self.app.push_screen(RiskScreen(self.engagement_key), lambda _: self.action_refresh())

    def action_strategy(self) -> None:
        from firstfile.ui.screens.strategy import StrategyScreen

        self.app.push_screen(StrategyScreen(self.engagement_key))

    def action_tracers(self) -> None:
        from firstfile.ui.screens.tracers import TracersScreen

        self.app.push_screen(TracersScreen(self.engagement_key))

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- running changes -----------------------------------------------------------------------

    def _change(self, change: Callable[[Any, Any], str], *, reload: bool = True) -> None:
        self._run_change(change, reload)

    @work(thread=True, exclusive=False, exit_on_error=False, group="engagement-change")
    def _run_change(self, change: Callable[[Any, Any], str], reload: bool) -> None:
        try:
            message = change(self.app.wait_store(), self.app.settings)
        except Exception as exc:  # any failure is shown; a worker's own error would end it unseen
            from firstfile.services.errors import Conflict

            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False,
                                      timeout=10)
            if isinstance(exc, Conflict) and reload:  # changed elsewhere: show it as it is
                self.app.call_from_thread(self.action_refresh)
            return
        self.app.call_from_thread(self._status, message)
        if reload:
            self.app.call_from_thread(self.action_refresh)
