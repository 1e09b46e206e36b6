"""Where each value of a file was, and which fields the file gives: small enough to keep for
a file of ten thousand disclosures.

The importer's messages name ``file:line: path`` long after the nodes are gone, and its merge
rule keeps a stored value the file leaves out, so both outlive the reading. One path string
per value made a file of 10,000 disclosures carry 270,000 of them (45 MB, half the document),
so they are kept by container instead: the line of each mapping and list item by its path, and
for each mapping the names of its fields (one tuple shared by every mapping of the same
shape), an array of their lines, and the names it states (shared likewise).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")


class Places:
    """The lines of a file's values by path, and the fields it states (gives, not null)."""

    __slots__ = ("lines", "_fields", "_shared")

    def __init__(self) -> None:
        # Mappings and list items (and any other path a reader records itself).
        self.lines: dict[str, int] = {}
        # mapping path -> (field names in file order, the line of each, the names stated)
        self._fields: dict[str, tuple[tuple[str, ...], array[int], frozenset[str]]] = {}
        self._shared: dict[Any, Any] = {}

    def add_fields(self, path: str, lines: dict[str, int], stated: Iterable[str]) -> None:
        """The fields of the mapping at path: each name's line, and the names whose value the
        file gives. A mapping recorded again adds to what is recorded."""
        old = self._fields.get(path)
        if old is not None:
            lines = {**dict(zip(old[0], old[1], strict=True)), **lines}
            stated = old[2] | frozenset(stated)
        names = self._share(tuple(lines))
        self._fields[path] = (names, array("I", lines.values()),
                              self._share(frozenset(stated)))

    def _share(self, value: T) -> T:
        return self._shared.setdefault(value, value)

    def line(self, path: str) -> int:
        """The line of path, or of the nearest enclosing value the file has (0: unknown)."""
        while path:
            # A field's own line first: the line of "inventors:" rather than of its value.
            field = _field(path)
            if field is not None:
                entry = self._fields.get(field[0])
                if entry is not None and field[1] in entry[0]:
                    return entry[1][entry[0].index(field[1])]
            found = self.lines.get(path)
            if found is not None:
                return found
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("", 0)

    def states(self, path: str) -> bool:
        """True when the file gives a value (not null) for the field at path."""
        field = _field(path)
        if field is None:
            return False
        entry = self._fields.get(field[0])
        return entry is not None and field[1] in entry[2]


def _field(path: str) -> tuple[str, str] | None:
    """(the mapping's path, the field's name) when path names a field, else None (a list
    item: ``disclosures[3]``)."""
    parent, _, name = path.rpartition(".")
    if not name or "[" in name:
        return None
    return parent, name
