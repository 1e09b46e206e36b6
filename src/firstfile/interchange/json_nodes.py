"""Reading JSON into line-numbered nodes.

The standard json module forgets where each value was, and reading JSON as YAML is not
faithful (YAML 1.1 reads 1e5 as text and leaves escaped surrogate pairs unjoined), so this
is a small JSON reader that keeps lines. It reuses json's own string and number scanners,
so strings and numbers mean exactly what they mean to ``json.loads``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from json import JSONDecodeError
from json.decoder import scanstring  # type: ignore[attr-defined]  # public at run time, not in typeshed
from json.scanner import NUMBER_RE
from typing import cast

from firstfile.interchange.nodes import (
    BOOL,
    FLOAT,
    INT,
    INVALID,
    MAP,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    NULL,
    SCALAR,
    SEQ,
    STR,
    Node,
    TooLarge,
    too_many_digits,
)
from firstfile.interchange.problems import Problems

_CONSTANTS: dict[str, tuple[object, str]] = {
    "true": (True, BOOL),
    "false": (False, BOOL),
    "null": (None, NULL),
    "NaN": (float("nan"), FLOAT),
    "Infinity": (float("inf"), FLOAT),
    "-Infinity": (float("-inf"), FLOAT),
}


# Matches at any position (possibly nothing), so never None: one call finds the end of the
# spaces there.
_SPACE = cast(Callable[[str, int], "re.Match[str]"], re.compile(r"[ \t\n\r]*").match)


def _skip(text: str, pos: int) -> int:
    """The position of the first non-space character at or after pos."""
    return _SPACE(text, pos).end()



# Given the name of a field of the top-level object and the fields read before it: None, or
# what to do with each item of its list as soon as it is read (the item and its index in, what
# the list keeps out).
ItemReader = Callable[[Node, int], Node]
Streamed = Callable[[str, list[tuple[Node, Node]]], ItemReader | None]


def json_nodes(text: str, problems: Problems, streamed: Streamed | None = None
               ) -> Node | None:
    """The root node of the JSON value in text, or None after recording why not.

    streamed lets the caller read the items of a top-level list one by one as they are
    parsed, keeping what it returns instead of each item's nodes: a 10,000-disclosure file
    is some 480,000 nodes (about 76 MB beyond its values), and the records read from them
    are a fraction of that."""
    reader = _JsonReader(text, problems, streamed)
    try:
        if not text.strip():
            problems.error(1, "", "the file is empty: expected a JSON object with 'format' "
                                  "and 'engagement'")
            return None
        node, end = reader.value(0, 0)
        end = _skip(text, end)
        if end != len(text):
            raise JSONDecodeError("Extra data", text, end)
    except JSONDecodeError as exc:
        problems.error(exc.lineno, "", f"not valid JSON: {exc.msg} (column {exc.colno})")
        return None
    except TooLarge as exc:
        problems.error(reader.line(reader.last), "", str(exc))
        return None
    return node


class _JsonReader:
    """The parser's position in the text, and the line it has counted up to.

    Values are met in the order of the text, so each one's line is the last one's plus the
    line breaks between them: one count of a few characters instead of a search of every
    line's start (a 10,000-disclosure file has some 480,000 values). A JSON line break can
    only be whitespace between values: inside a string it is refused (strict), so the count
    is exact."""

    def __init__(self, text: str, problems: Problems, streamed: Streamed | None) -> None:
        self.text = text
        self.problems = problems
        self.streamed = streamed
        self.counted_to = 0  # the position self.lineno is the line of
        self.lineno = 1
        self.count = 0
        self.last = 0
        self.names: dict[str, str] = {}

    def line(self, pos: int) -> int:
        """The line of pos: counted on from the last value's when pos is after it."""
        if pos < self.counted_to:
            return self.text.count("\n", 0, pos) + 1
        self.lineno += self.text.count("\n", self.counted_to, pos)
        self.counted_to = pos
        return self.lineno

    def value(self, pos: int, depth: int, each: ItemReader | None = None
              ) -> tuple[Node, int]:
        """The value at pos and the position after it; each reads a list's items (only a
        list's: any other value is read whole)."""
        text = self.text
        pos = _SPACE(text, pos).end()
        self._count(pos)
        char = text[pos:pos + 1]
        # Strings first: most values of a file are text.
        if char == '"':
            value, end = scanstring(text, pos + 1, True)
            return Node(SCALAR, self.line(pos), value, STR, value), end
        if char == "{":
            return self._object(pos, depth + 1)
        if char == "[":
            return self._array(pos, depth + 1, each)
        number = NUMBER_RE.match(text, pos)
        if number is not None:
            integer, fraction, exponent = number.groups()
            if fraction or exponent:
                return Node(SCALAR, self.line(pos), float(number.group()), FLOAT,
                            number.group()), number.end()
            if len(integer.lstrip("-")) > MAX_DIGITS:
                # Python refuses to read whole numbers of more than 4,300 digits (and no
                # value in a file comes near MAX_DIGITS): say so instead of failing.
                self.problems.error(self.line(pos), "", too_many_digits(integer))
                return Node(SCALAR, self.line(pos), None, INVALID, integer[:20]), number.end()
            return Node(SCALAR, self.line(pos), int(integer), INT, integer), number.end()
        for word, (constant, tag) in _CONSTANTS.items():
            if text.startswith(word, pos):
                return Node(SCALAR, self.line(pos), constant, tag, word), pos + len(word)
        raise JSONDecodeError("Expecting value", text, pos)

    def _count(self, pos: int) -> None:
        """Count the value at pos against MAX_NODES (and remember it for messages)."""
        self.last = pos
        self.count += 1
        if self.count > MAX_NODES:
            raise TooLarge(f"the file holds more than {MAX_NODES:,} values: split it into "
                           "one file per engagement")

    def _check_depth(self, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise TooLarge(f"the file nests deeper than {MAX_DEPTH} levels")

    def _object(self, pos: int, depth: int) -> tuple[Node, int]:
        self._check_depth(depth)
        text = self.text
        names = self.names
        line = self.line
        count = self._count
        node = Node(MAP, line(pos), [])
        pairs = node.value
        pos = _SPACE(text, pos + 1).end()
        if text[pos:pos + 1] == "}":
            return node, pos + 1
        while True:
            if text[pos:pos + 1] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes",
                                      text, pos)
            # The key is read here rather than through value(), which it would reach only
            # to take the string branch: a file has as many keys as values.
            count(pos)
            name, end = scanstring(text, pos + 1, True)
            # One string per field name: a file repeats the same few names thousands of times.
            name = names.setdefault(name, name)
            key = Node(SCALAR, line(pos), name, STR, name)
            pos = _SPACE(text, end).end()
            if text[pos:pos + 1] != ":":
                raise JSONDecodeError("Expecting ':' delimiter", text, pos)
            pos = _SPACE(text, pos + 1).end()
            if text[pos:pos + 1] == '"':
                # A text value, as most are: read here, as value() would.
                count(pos)
                value, end = scanstring(text, pos + 1, True)
                pairs.append((key, Node(SCALAR, line(pos), value, STR, value)))
                pos = end
            else:
                each = None
                if depth == 1 and self.streamed is not None:
                    each = self.streamed(name, pairs)
                item, pos = self.value(pos, depth, each)
                pairs.append((key, item))
            pos = _SPACE(text, pos).end()
            char = text[pos:pos + 1]
            if char == "}":
                return node, pos + 1
            if char != ",":
                raise JSONDecodeError("Expecting ',' delimiter", text, pos)
            pos = _SPACE(text, pos + 1).end()

    def _array(self, pos: int, depth: int, each: ItemReader | None = None
               ) -> tuple[Node, int]:
        self._check_depth(depth)
        text = self.text
        node = Node(SEQ, self.line(pos), [])
        items = node.value
        pos = _SPACE(text, pos + 1).end()
        if text[pos:pos + 1] == "]":
            return node, pos + 1
        while True:
            item, pos = self.value(pos, depth)
            items.append(item if each is None else each(item, len(items)))
            pos = _SPACE(text, pos).end()
            char = text[pos:pos + 1]
            if char == "]":
                return node, pos + 1
            if char != ",":
                raise JSONDecodeError("Expecting ',' delimiter", text, pos)
            pos = _SPACE(text, pos + 1).end()
