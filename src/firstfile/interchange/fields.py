"""Typed reading of node values, recording a problem (with line and path) for each mistake.

Every reader returns a usable value even after an error (an empty string, None), so the
caller carries on and the file's other mistakes are found in the same run; the problems
decide at the end whether the document is accepted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import lru_cache

from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.limits import too_long
from firstfile.domain.text import clean_line, clean_text
from firstfile.interchange.nodes import (
    BOOL,
    FLOAT,
    INT,
    INVALID,
    MAP,
    NULL,
    SCALAR,
    SEQ,
    STR,
    TIMESTAMP,
    Node,
    describe,
)
from firstfile.interchange.places import Places
from firstfile.interchange.problems import Problems

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

Fields = dict[str, Node]


def join(path: str, name: str) -> str:
    """The path of a named field below path."""
    return f"{path}.{name}" if path else name


class Checker:
    """Reads fields out of mapping nodes and remembers the line of every path it has seen."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        # The line of every path read, and the fields whose value the file gives (not null):
        # the importer keeps a stored value the file leaves out.
        self.places = Places()

    @property
    def lines(self) -> dict[str, int]:
        """The lines recorded by path (mappings and list items; fields are in places)."""
        return self.places.lines

    def line(self, path: str) -> int:
        """The line of path, or of the nearest enclosing value read (0: unknown)."""
        return self.places.line(path)

    # -- structure -------------------------------------------------------------------------

    def mapping(
        self, node: Node, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> Fields | None:
        """The fields of a mapping node, after checking for unknown, repeated and missing keys.

        A field whose value is null counts as absent.
        """
        self.places.lines.setdefault(path, node.line)
        if node.tag == INVALID:
            return None
        if node.kind != MAP:
            self.problems.error(node.line, path, f"expected a mapping, got {describe(node)}")
            return None
        allowed = _allowed(required, optional)
        fields: Fields = {}
        lines: dict[str, int] = {}  # "inventors:" rather than its first item
        for key, value in node.value:
            if key.kind != SCALAR or key.tag == INVALID:
                self.problems.error(key.line, path, "keys must be plain text")
                continue
            name = key.text
            if name in fields:
                self.problems.error(key.line, join(path, name),
                                    f"given twice (first on line {fields[name].line})")
                continue
            if name not in allowed:
                self.problems.error(key.line, join(path, name),
                                    _unknown_key(name, (*required, *optional)))
                continue
            fields[name] = value
            lines[name] = key.line
        for name in required:
            if name not in fields or _is_null(fields[name]):
                self.problems.error(node.line, join(path, name), "is required")
        given = {name: value for name, value in fields.items() if not _is_null(value)}
        self.places.add_fields(path, lines, given)
        return given

    def items(self, fields: Fields, name: str, path: str, *, release: bool = False
              ) -> Iterator[tuple[Node, str]]:
        """Each item of the list field name, with its path; nothing when absent.

        release lets go of each item's nodes once the caller has read it (the list is left
        holding None): the disclosures of a big file are most of its nodes, and need not all
        be held while the document is built."""
        node = fields.get(name)
        if node is None or node.tag == INVALID:
            return
        where = join(path, name)
        if node.kind != SEQ:
            self.problems.error(node.line, where, f"expected a list, got {describe(node)}")
            return
        for index, item in enumerate(node.value):
            item_path = f"{where}[{index}]"
            self.places.lines[item_path] = item.line
            yield item, item_path
            if release:
                node.value[index] = None

    # -- scalars ---------------------------------------------------------------------------

    def text(self, fields: Fields, name: str, path: str, *, multiline: bool = False,
             required: bool = False, limit: int | None = None) -> str:
        """A text field, cleaned: one line (names, titles) or several (descriptions).

        limit is the most characters the database keeps (domain/limits.py).
        """
        node = fields.get(name)
        if node is None:
            return ""
        return self.text_of(node, join(path, name), multiline=multiline, required=required,
                            limit=limit)

    def text_of(self, node: Node, path: str, *, multiline: bool = False,
                required: bool = False, limit: int | None = None) -> str:
        """The cleaned text of a node (see text)."""
        raw = self._raw_text(node, path)
        if raw is None:
            return ""
        value = clean_text(raw) if multiline else clean_line(raw)
        if required and not value.strip():
            self.problems.error(node.line, path, "must not be empty")
        message = too_long(value, limit) if limit is not None else None
        if message:
            self.problems.error(node.line, path, message)
        return value

    def key(self, fields: Fields, name: str, path: str) -> str:
        """A record key (engagement, vendor, person, component, session)."""
        node = fields.get(name)
        if node is None:
            return ""
        return self.key_of(node, join(path, name))

    def key_of(self, node: Node, path: str) -> str:
        """The key held by node, checked with domain.keys.is_valid_record_key."""
        raw = self._raw_text(node, path)
        if raw is None:
            return ""
        if not is_valid_record_key(raw):
            self.problems.error(
                node.line, path,
                f"{raw!r} is not a valid key: use up to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit",
            )
        return raw

    def choice(self, fields: Fields, name: str, path: str, allowed: tuple[str, ...],
               default: str) -> str:
        """A field that must be one of allowed; default when absent."""
        node = fields.get(name)
        if node is None:
            return default
        raw = self._raw_text(node, join(path, name))
        if raw is None:
            return default
        if raw not in allowed:
            self.problems.error(node.line, join(path, name),
                                f"{raw!r} is not allowed: use one of {', '.join(allowed)}")
        return raw

    def date(self, fields: Fields, name: str, path: str) -> date | None:
        """A calendar date written YYYY-MM-DD; None when absent or wrong."""
        node = fields.get(name)
        if node is None or node.tag == INVALID:
            return None
        where = join(path, name)
        text = node.text if node.kind == SCALAR else ""
        match = _DATE.match(text) if node.tag in (STR, TIMESTAMP) else None
        if match is None:
            shown = repr(text) if text else describe(node)
            self.problems.error(node.line, where, f"expected a date like 2026-03-02, got {shown}")
            return None
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            self.problems.error(node.line, where, f"{text!r} is not a real date")
            return None

    def moment(self, fields: Fields, name: str, path: str) -> datetime | None:
        """A date and time with its offset from UTC (ISO 8601, 2026-03-02T09:00:00Z or
        +01:00), returned in UTC; None when absent or wrong. Without an offset it would be
        read in whatever zone the reader is in, so one is required."""
        node = fields.get(name)
        if node is None or node.tag == INVALID:
            return None
        where = join(path, name)
        text = node.text if node.kind == SCALAR and node.tag in (STR, TIMESTAMP) else ""
        try:
            value = datetime.fromisoformat(text) if text else None
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            shown = repr(text) if text else describe(node)
            self.problems.error(node.line, where, "expected a date and time with its offset "
                                f"from UTC like 2026-03-02T09:00:00Z, got {shown}")
            return None
        return value.astimezone(UTC)

    def integer(self, fields: Fields, name: str, path: str, low: int,
                high: int | None = None) -> int | None:
        """A whole number in [low, high]; None when absent or wrong."""
        node = fields.get(name)
        if node is None or node.tag == INVALID:
            return None
        where = join(path, name)
        if node.kind != SCALAR or node.tag != INT:
            self.problems.error(node.line, where, f"expected a whole number, got "
                                                  f"{describe(node)}")
            return None
        value: int = node.value
        if value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f"of {low} or more"
            self.problems.error(node.line, where, f"{value} is out of range: use a number "
                                                  f"{limit}")
        return value

    def number(self, fields: Fields, name: str, path: str) -> float | None:
        """A number (whole or decimal); the range is the domain's to check."""
        node = fields.get(name)
        if node is None or node.tag == INVALID:
            return None
        if node.kind != SCALAR or node.tag not in (INT, FLOAT):
            self.problems.error(node.line, join(path, name),
                                f"expected a number, got {describe(node)}")
            return None
        return float(node.value)

    def boolean(self, fields: Fields, name: str, path: str) -> bool | None:
        """true or false; None when absent or wrong."""
        node = fields.get(name)
        if node is None or node.tag == INVALID:
            return None
        if node.kind != SCALAR or node.tag != BOOL:
            self.problems.error(node.line, join(path, name),
                                f"expected true or false, got {describe(node)}")
            return None
        return bool(node.value)

    def _raw_text(self, node: Node, path: str) -> str | None:
        if node.tag == INVALID:
            return None
        if node.kind == SCALAR and node.tag == STR:
            return str(node.value)
        # An unquoted YAML value that happens to look like a number, a date or yes/no is
        # still what the person typed: country NO stays "NO", a part number 0402 stays "0402".
        if node.kind == SCALAR and node.plain and node.tag != NULL:
            return node.text
        self.problems.error(node.line, path, f"expected text, got {describe(node)}")
        return None


@lru_cache(maxsize=256)
def _allowed(required: tuple[str, ...], optional: tuple[str, ...]) -> frozenset[str]:
    """The field names a mapping may hold: looked up once per name of every mapping read,
    and the same few schemas (interchange/schema.py) come back thousands of times."""
    return frozenset((*required, *optional))


def _is_null(node: Node) -> bool:
    return node.kind == SCALAR and node.tag == NULL


def _unknown_key(name: str, allowed: tuple[str, ...]) -> str:
    guess = difflib.get_close_matches(name, allowed, n=1)
    hint = f" (did you mean {guess[0]!r}?)" if guess else ""
    return f"unknown key {name!r}{hint}; allowed here: {', '.join(allowed)}"

