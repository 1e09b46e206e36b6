"""One disclosure's history: every audit row about it, oldest first, with the highlighted
change's fields old -> new below; above, its evidence now (content hash, timestamp,
signatures and whether each still covers the text).

Read in a thread worker (services/audit_trail.read_trail, services/evidence); user text
reaches the screen as rich Text, never as markup, cleaned of control characters.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from firstfile.ui.commands import Command, bindings

if TYPE_CHECKING:
    from firstfile.domain.views import DisclosureEvidence
    from firstfile.services.audit_trail import AuditEntry
    from firstfile.ui.app import FirstfileApp

HISTORY_COMMANDS: tuple[Command, ...] = (
    Command("history-back", "escape", "back", "Back", "Leave the history", "Back"),
)
VALUE_CHARS = 200  # of one value in the detail; `firstfile audit KEY --json` has them whole


class HistoryScreen(Screen[None]):
    """The audit trail and evidence of one disclosure."""

    DEFAULT_CSS = """
    HistoryScreen #history-evidence { height: auto; max-height: 8; padding: 0 1;
                                      background: $panel; }
    HistoryScreen #history-table { height: 1fr; }
    HistoryScreen #history-detail-box { height: 8; border-top: solid $panel; }
    HistoryScreen #history-detail { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = bindings(HISTORY_COMMANDS)
    FIRSTFILE_COMMANDS = HISTORY_COMMANDS
    app: FirstfileApp

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.entries: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Loading the history of {self.key}..."), id="history-evidence")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="history-detail-box"):
            yield Static(Text(""), id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"History of {self.key}"
        table = self.query_one("#history-table", DataTable)
        for label, key in (("#", "seq"), ("When (UTC)", "at"), ("Who", "who"),
                           ("What", "action"), ("Fields", "fields")):
            table.add_column(label, key=key)
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def _load(self) -> None:
        from firstfile.services.audit_trail import read_trail
        from firstfile.services.evidence import disclosure_for_document

        try:
            store = self.app.wait_store()
            trail = read_trail(store, self.key)
            evidence = disclosure_for_document(store, self.key).evidence
        except Exception as exc:  # shown to the user; the screen stays usable
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, trail.entries, evidence)

    def _failed(self, message: str) -> None:
        self.query_one("#history-evidence", Static).update(
            Text(f"Cannot read the history of {self.key}: {message}"))

    def _loaded(self, entries: list[AuditEntry], evidence: DisclosureEvidence | None) -> None:
        from firstfile.domain.evidence import utc_text
        from firstfile.domain.text import clean_line

        self.entries = entries
        self.query_one("#history-evidence", Static).update(evidence_text(evidence))
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for entry in entries:
            table.add_row(str(entry.seq), utc_text(entry.at)[:19].replace("T", " "),
                          Text(clean_line(entry.who)), entry.action,
                          Text(clean_line(", ".join(sorted(entry.changes)))),
                          key=str(entry.seq))
        if entries:
            table.move_cursor(row=len(entries) - 1)
            self._show_detail(len(entries) - 1)
        table.focus()

    @on(DataTable.RowHighlighted, "#history-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            self.query_one("#history-detail", Static).update(change_text(self.entries[row]))

    def action_back(self) -> None:
        self.app.pop_screen()


def evidence_text(evidence: DisclosureEvidence | None) -> Text:
    """The evidence line(s): content hash, timestamp, signatures."""
    from firstfile.domain.text import clean_line

    if evidence is None:
        return Text("No evidence read.")
    text = Text(f"Content SHA-256 {evidence.content_sha256[:16]}...  ")
    stamp = evidence.timestamp
    if stamp is not None and stamp.status == "stamped" and stamp.stamped_at is not None:
        text.append(f"Timestamped {stamp.stamped_at:%Y-%m-%d %H:%M} UTC", "green")
        if not stamp.covers_current:
            text.append(" (an earlier version)", "yellow")
    else:
        text.append("Not timestamped", "yellow")
    for signed in evidence.signatures:
        style = ("red" if not signed.valid else "green" if signed.covers_current else "yellow")
        state = ("does not verify" if not signed.valid else "covers this text"
                 if signed.covers_current else "an earlier version")
        text.append(f"\n{signed.meaning}: ")
        text.append(clean_line(signed.signer_name))
        text.append(f", {signed.signed_at:%Y-%m-%d %H:%M} UTC, ")
        text.append(state, style)
    if not evidence.signatures:
        text.append("\nNo electronic signatures.")
    return text


def change_text(entry: AuditEntry) -> Text:
    """One change as lines `field: old -> new` (long values cut)."""
    from firstfile.domain.text import clean_line

    text = Text(clean_line(f"{entry.who}: {entry.action} {entry.entity} {entry.entity_key}"),
                "bold")
    for name, values in sorted(entry.changes.items()):
        if isinstance(values, list) and len(values) == 2:
            shown = f"{name}: {_short(values[0])} -> {_short(values[1])}"
        else:
            shown = f"{name}: {_short(values)}"
        text.append("\n" + clean_line(shown))
    return text


def _short(value: Any) -> str:
    text = "-" if value is None else value if isinstance(value, str) else json.dumps(
        value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 3] + "..."
