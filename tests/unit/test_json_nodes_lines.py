"""The JSON reader's lines and values, against files laid out every which way.

Every message about a file names the line of a value, so each node's line must be the line
its first character is on, wherever the writer put its line breaks: between tokens, in runs,
as CRLF, or none at all; and a line break escaped inside a string is not one."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from firstfile.interchange.json_nodes import json_nodes
from firstfile.interchange.nodes import MAP, SCALAR, SEQ, Node
from firstfile.interchange.problems import Problems

_SPACES = st.lists(st.sampled_from([" ", "\n", "\t", "\r\n", "\n\n", "  "]), max_size=3).map(
    "".join
)
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)
_SCALARS = st.one_of(
    _TEXT,
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.tuples(_TEXT, inner), max_size=4),  # a mapping, as (name, value) pairs
    ),
    max_leaves=25,
)


class _Layout:
    """Writes a value as JSON with the given whitespace between its tokens, and remembers
    where each value begins, in the order the reader meets them (a key before its value)."""

    def __init__(self, spaces: list[str]) -> None:
        self.spaces = spaces
        self.parts: list[str] = []
        self.size = 0
        self.starts: list[int] = []
        self.used = 0

    def _space(self) -> None:
        self._emit(self.spaces[self.used % len(self.spaces)] if self.spaces else "")
        self.used += 1

    def _emit(self, part: str) -> None:
        self.parts.append(part)
        self.size += len(part)

    def write(self, value: Any) -> None:
        self._space()
        self.starts.append(self.size)
        if isinstance(value, list) and value and isinstance(value[0], tuple):
            self._pairs(value)
        elif isinstance(value, list):
            self._emit("[")
            for index, item in enumerate(value):
                if index:
                    self._space()
                    self._emit(",")
                self.write(item)
            self._space()
            self._emit("]")
        else:
            self._emit(json.dumps(value, ensure_ascii=bool(self.used % 2)))

    def _pairs(self, pairs: list[tuple[str, Any]]) -> None:
        self._emit("{")
        for index, (name, item) in enumerate(pairs):
            if index:
                self._emit(",")
            self._space()
            self.starts.append(self.size)
            self._emit(json.dumps(name))
            self._space()
            self._emit(":")
            self.write(item)
        self._space()
        self._emit("}")

    def text(self) -> str:
        return "".join(self.parts)


def _walk(node: Node) -> list[Node]:
    """Every node in the order of the text: a mapping, then each key and its value."""
    found = [node]
    if node.kind == MAP:
        for key, value in node.value:
            found += [key, *_walk(value)]
    elif node.kind == SEQ:
        for item in node.value:
            found += _walk(item)
    return found


def _plain(node: Node) -> Any:
    """The node's value as json.loads gives it (mappings as lists of pairs)."""
    if node.kind == MAP:
        return [(key.value, _plain(value)) for key, value in node.value]
    if node.kind == SEQ:
        return [_plain(item) for item in node.value]
    assert node.kind == SCALAR
    return node.value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, spaces=st.lists(_SPACES, max_size=7))
def test_every_value_is_on_the_line_it_begins_on(value: Any, spaces: list[str]) -> None:
    layout = _Layout(spaces)
    layout.write(value)
    text = layout.text()
    problems = Problems("t.json")
    root = json_nodes(text, problems)
    assert root is not None, problems.errors
    assert not problems.errors
    nodes = _walk(root)
    assert len(nodes) == len(layout.starts)
    for node, start in zip(nodes, layout.starts, strict=True):
        assert node.line == text.count("\n", 0, start) + 1, (text, node, start)
    assert _same(_plain(root), json.loads(text, object_pairs_hook=list))


def test_a_line_break_escaped_in_a_string_is_not_a_line() -> None:
    text = '{"a": "one\\ntwo\\nthree",\n "b": [1,\r\n\n 2]}'
    root = json_nodes(text, Problems("t.json"))
    assert root is not None
    lines = {key.value: (key.line, value) for key, value in root.value}
    assert lines["a"][0] == 1 and lines["a"][1].line == 1
    assert lines["a"][1].value == "one\ntwo\nthree"
    assert lines["b"][0] == 2
    assert [item.line for item in lines["b"][1].value] == [2, 4]


def test_a_raw_line_break_in_a_string_is_refused_on_its_line() -> None:
    problems = Problems("t.json")
    assert json_nodes('{\n"a": "one\ntwo"}', problems) is None
    assert [line for line, _, _ in problems.errors] == [2]
