"""The live idea list of the facilitation screen: one row per idea, most dots first.

User text reaches the table only as `rich.text.Text`, never as markup. The keys that act on
the highlighted idea are bindings of this table, so they never fire while someone is typing
an idea in the capture box.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from firstfile.domain.sessions import IdeaView
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

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for label, width in (("#", 4), ("Dots", 5), ("Status", 12), ("By", 14),
                             ("Idea", IDEA_WIDTH), ("Part", 10)):
            self.add_column(label, width=width, key=label)
