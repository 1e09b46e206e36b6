"""The live idea list of the facilitation screen: one row per idea, most dots first.

User text reaches the table only as `rich.text.Text`, never as markup. The keys that act on
the highlighted idea are bindings of this table, so they never fire while someone is typing
an idea in the capture box.

An idea being saved is shown at once under a provisional negative id and turns into its saved
row when the write commits; the table remembers which saved idea each row shows, since a row
key cannot change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from firstfile.domain import sessions as rules
from firstfile.domain.sessions import IdeaView, SessionView
from firstfile.ui.commands import Command, bindings

IDEA_WIDTH = 38
PENDING = "saving"

IDEA_COMMANDS: tuple[Command, ...] = (
    Command("session-vote", "v", "screen.vote(1)", "Put a dot on the idea",
            "The selected participant puts one of their dots on the highlighted idea", "Dot"),
    Command("session-unvote", "b", "screen.vote(-1)", "Take a dot back",
            "The selected participant takes a dot back from the highlighted idea", "Undot"),
    Command("session-merge", "m", "screen.merge", "Merge duplicates",
            "Mark an idea, then press m on the idea it duplicates: the second keeps both",
            "Merge"),
    Command("session-unmerge", "u", "screen.unmerge", "Undo the merge",
            "Split the idea merged last into the highlighted idea back out (asks first)",
            "Unmerge", show=False),
    Command("session-edit", "e", "screen.edit_idea", "Edit the idea",
            "Change the highlighted idea's text", "Edit"),
    Command("session-tag", "t", "screen.tag_idea", "Tag with a component",
            "Choose the component the highlighted idea belongs to", "Tag"),
    Command("session-park", "p", "screen.park", "Park or bring back",
            "Park the highlighted idea (or bring a parked one back)", "Park"),
    Command("session-promote", "o", "screen.promote", "Promote the idea",
            "Turn the highlighted idea into a draft disclosure", "Promote"),
    Command("session-to-capture", "i", "screen.focus_capture", "Back to capture",
            "Go back to the capture box", "Type", show=False),
)


def idea_cells(idea: IdeaView, names: dict[str, str], marked: bool = False) -> list[Text]:
    """The cells of one idea's row."""
    status = idea.status if idea.id > 0 else PENDING
    if idea.promoted_key:
        status = idea.promoted_key
    first_line = idea.text.split("\n", 1)[0]
    style = "dim" if idea.status in ("parked", "merged") else ""
    return [
        Text(("*" if marked else "") + str(idea.number), style="bold" if marked else ""),
        Text("●" * min(idea.votes, 5) + (f"{idea.votes}" if idea.votes > 5 else ""),
             style="yellow"),
        Text(status, style=style),
        Text(", ".join(names.get(key, key) for key in idea.authors), style=style),
        Text(first_line, style=style, no_wrap=True, overflow="ellipsis"),
        Text(idea.component, style=style),
    ]


class SessionIdeaTable(DataTable[Text]):
    """The ideas, keyed by idea id (a negative id while the idea is being saved)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(IDEA_COMMANDS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._names: dict[str, str] = {}  # person key -> first name, as the list shows them
        self._saved: dict[str, int] = {}  # row key -> id of the saved idea it shows

    def show_session(self, view: SessionView, saving: Iterable[IdeaView],
                     marked: int | None) -> None:
        """Redraw every idea of view, most dots first, then those still being saved.

        The cursor stays on the idea it was on; marked is the idea marked for a merge.
        """
        self._names = {p.key: p.name.split(" ")[0] for p in view.participants}
        keep = self.highlighted_id()
        self.clear()
        self._saved = {}
        cursor = 0
        for index, idea in enumerate(rules.by_tally(view.ideas)):
            self.add_row(*idea_cells(idea, self._names, idea.id == marked), key=str(idea.id))
            self._saved[str(idea.id)] = idea.id
            if idea.id == keep:
                cursor = index
        for shown in saving:
            self.add_row(*idea_cells(shown, self._names), key=str(shown.id))
        if self.row_count:
            self.move_cursor(row=cursor)

    def add_saving(self, shown: IdeaView) -> None:
        """Show an idea being saved (a new idea has no dots: its place is the end)."""
        self.add_row(*idea_cells(shown, self._names), key=str(shown.id))

    def saved(self, shown: IdeaView, idea: IdeaView) -> None:
        """The idea shown while saving was saved as idea: its row shows the saved idea."""
        row_key = str(shown.id)
        if row_key not in self.rows:
            return  # a redraw came between; the next one shows the saved idea
        for column, cell in zip(self.columns, idea_cells(idea, self._names), strict=True):
            self.update_cell(row_key, column, cell)
        self._saved[row_key] = idea.id

    def drop(self, idea_id: int) -> None:
        """Take an idea's row away (an idea that could not be saved)."""
        if str(idea_id) in self.rows:
            self.remove_row(str(idea_id))

    def idea_id_at(self, row: int) -> int | None:
        """The saved idea shown on row (None while it is being saved)."""
        try:
            row_key = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key
        except CellDoesNotExist:
            return None
        return self._saved.get(str(row_key.value))

    def highlighted_id(self) -> int | None:
        """The saved idea under the cursor, if any."""
        if not self.row_count:
            return None
        return self.idea_id_at(self.cursor_coordinate.row)

    def row_index_of(self, idea_id: int) -> int | None:
        """Where a saved idea is in the list (its row key may be the provisional one)."""
        for row_key, saved in self._saved.items():
            if saved == idea_id and row_key in self.rows:
                return self.get_row_index(row_key)
        return None

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for label, width in (("#", 4), ("Dots", 5), ("Status", 12), ("By", 14),
                             ("Idea", IDEA_WIDTH), ("Part", 10)):
            self.add_column(label, width=width, key=label)
