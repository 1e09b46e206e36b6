"""How an import merges a file's value into the value the database already holds.

The database is the record of what happened after the file was written (counsel's work, an
inventor's edits, the room's dots), so an import only ever adds to it on its own: a value the
file leaves out is kept, a blank one is filled in, and a value that differs from what is
stored is a conflict for a person to resolve (docs/FORMAT.md, "Importing into a database
that already holds the records"). Pure rules over plain values.
"""

from __future__ import annotations

from typing import Any, Final


class _NoBlank:
    """The blank of a field that always holds a real value (a score, a date, a setting)."""

    def __repr__(self) -> str:
        return "NO_BLANK"


NO_BLANK: Final = _NoBlank()

SAME = "same"  # nothing to do
FILL = "fill"  # the stored value is blank: the file's is written
CLEARS = "clears"  # the file's value is blank: an import never clears, the stored one stays
CONFLICT = "conflict"  # two real values differ: a person decides (--overwrite, or the file)


def merge_value(stored: Any, incoming: Any, blank: Any = NO_BLANK) -> str:
    """What to do with a field the file states: SAME, FILL, CLEARS or CONFLICT.

    blank is the field's empty value ("" for text, None for a date, () for a list, False for
    a flag whose default is false); NO_BLANK for fields that always hold a real value.
    """
    if incoming == stored:
        return SAME
    if blank is not NO_BLANK:
        if stored == blank:
            return FILL
        if incoming == blank:
            return CLEARS
    return CONFLICT


def stage_move(order: tuple[str, ...], stored: str, incoming: str) -> str:
    """SAME, "behind" or "ahead": where the file's stage stands against the stored one.

    For values that only move forward in firstfile (an engagement's phase): a file behind
    the database was written before the move and is kept out; one ahead is a move that
    firstfile makes through its own command, with its own checks.
    """
    if incoming == stored:
        return SAME
    if stored in order and incoming in order and order.index(incoming) < order.index(stored):
        return "behind"
    return "ahead"


def shown_value(value: Any, limit: int = 60) -> str:
    """A stored or incoming value as a conflict message quotes it: short, and as a literal."""
    if isinstance(value, tuple | list):
        text = ", ".join(str(item) for item in value)
        return f"[{text[:limit]}{'...' if len(text) > limit else ''}]"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        short = value if len(value) <= limit else value[:limit] + "..."
        return repr(short)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return repr(value)
