"""The dialog shown when a save clashes with someone else's: both versions side by side.

Each field that differs is one row: its name, the user's value, the stored value, and a button
saying which of the two a merge takes (suggested by ui/form_merge.py; pressing it switches
sides; fields both sides changed are marked).
The user keeps their own version over the other one (knowingly: the save is recorded as
such), takes the other version (their own changes are dropped), merges field by field as
marked, or goes back to editing with nothing saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from firstfile.ui.form_merge import MINE, THEIRS, FieldDifference, brief

KEEP_MINE = "keep-mine"
TAKE_THEIRS = "take-theirs"
MERGE = "merge"


@dataclass(frozen=True, slots=True)
class ConflictChoice:
    """How the user settled the clash; use says, per differing field, which side a merge
    takes (MINE or THEIRS)."""

    how: str  # KEEP_MINE, TAKE_THEIRS or MERGE
    use: dict[str, str] = field(default_factory=dict)


class ConflictDialog(ModalScreen[ConflictChoice | None]):
    """Keep mine, take theirs, or merge field by field; None goes back to editing."""

    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > Vertical {
        width: 100%; max-width: 130; height: 100%; max-height: 44;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConflictDialog #conflict-title { text-style: bold; }
    ConflictDialog #conflict-help { color: $text-muted; }
    ConflictDialog #conflict-rows { height: 1fr; }
    ConflictDialog .conflict-row { height: auto; margin-top: 1; }
    ConflictDialog .conflict-label { width: 14; }
    ConflictDialog .conflict-label.-both { color: $warning; text-style: bold; }
    ConflictDialog .conflict-side { width: 1fr; height: auto; max-height: 8; padding-right: 1; }
    ConflictDialog .conflict-head { height: 1; text-style: bold; }
    ConflictDialog .conflict-use { width: 14; }
    ConflictDialog .conflict-row Button { width: 14; min-width: 14; }
    ConflictDialog #conflict-buttons { height: auto; margin-top: 1; }
    ConflictDialog #conflict-buttons Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "choose('keep-mine')", "Keep mine", id="firstfile.conflict.mine"),
        Binding("t", "choose('take-theirs')", "Take theirs", id="firstfile.conflict.theirs"),
        Binding("m", "choose('merge')", "Merge", id="firstfile.conflict.merge"),
        Binding("escape", "back", "Back to editing", id="firstfile.conflict.back"),
    ]

    def __init__(self, key: str, version: int, rows: Sequence[FieldDifference]) -> None:
        super().__init__()
        self.key = key
        self.version = version
        self.rows = tuple(rows)
        self._use = {row.name: row.suggested for row in self.rows}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(f"{self.key} was saved by someone else while you were "
                                 f"editing it (it is now version {self.version})."),
                         id="conflict-title")
            yield Static("Keep mine saves your version over theirs (recorded as such). Take "
                         "theirs drops your changes. Merge saves, field by field, the side "
                         "marked; fields you both changed are marked !", id="conflict-help")
            with Horizontal(classes="conflict-row conflict-head"):
                yield Static("Field", classes="conflict-label")
                yield Static("Yours", classes="conflict-side")
                yield Static(f"Theirs (version {self.version})", classes="conflict-side")
                yield Static("Merge takes", classes="conflict-use")
            with VerticalScroll(id="conflict-rows"):
                for row in self.rows:
                    with Horizontal(classes="conflict-row", id=f"conflict-{row.name}"):
                        label = Static(Text(("! " if row.both_changed else "") + row.label),
                                       classes="conflict-label")
                        label.set_class(row.both_changed, "-both")
                        yield label
                        yield Static(Text(brief(row.mine)), classes="conflict-side")
                        yield Static(Text(brief(row.theirs)), classes="conflict-side")
                        yield Button(_side(row.suggested), id=f"use-{row.name}",
                                     compact=True, tooltip="Which side a merge takes; press "
                                                           "to switch")
            with Horizontal(id="conflict-buttons"):
                yield Button("Keep mine (k)", id="conflict-keep-mine", variant="warning")
                yield Button("Take theirs (t)", id="conflict-take-theirs")
                yield Button("Merge as marked (m)", id="conflict-merge", variant="primary")
                yield Button("Back to editing (esc)", id="conflict-back")

    def on_mount(self) -> None:
        self.query_one("#conflict-back", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = event.button.id or ""
        if name.startswith("use-"):
            field_name = name.removeprefix("use-")
            side = THEIRS if self._use[field_name] == MINE else MINE
            self._use[field_name] = side
            event.button.label = _side(side)
            return
        choice = name.removeprefix("conflict-")
        if choice == "back":
            self.action_back()
        else:
            self.action_choose(choice)

    def use(self) -> dict[str, str]:
        """Which side a merge takes for each differing field, as marked now."""
        return dict(self._use)

    def action_choose(self, how: str) -> None:
        self.dismiss(ConflictChoice(how, self.use() if how == MERGE else {}))

    def action_back(self) -> None:
        self.dismiss(None)


def _side(side: str) -> str:
    return "yours" if side == MINE else "theirs"
