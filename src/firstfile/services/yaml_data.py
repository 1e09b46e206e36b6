"""Reading the YAML data files of a template folder (prompt decks, checklist items).

A file is read by the one YAML reader (interchange/yaml_nodes.py): parser events only, so no
tag can build an object and no alias is expanded; anchors, aliases and any tag beyond plain
data are refused; nesting and size are capped. Its nodes become plain values that remember
where they were written: a `LocatedMapping` (a dict) or `LocatedList` (a list) carries the
line it starts on and the line of each entry; scalars are text, numbers, true/false, dates or
None, as YAML reads them. A key given twice, or a key that is not text, is a problem at its
line. Every problem reads `path:line: what is wrong`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from firstfile.domain.text import clean_line
from firstfile.interchange.nodes import (
    BOOL,
    FLOAT,
    INT,
    INVALID,
    MAP,
    SCALAR,
    SEQ,
    STR,
    TIMESTAMP,
    Node,
)
from firstfile.interchange.problems import Problems
from firstfile.interchange.yaml_nodes import yaml_nodes


class Located:
    """Where a mapping or list starts, and where each of its entries starts (1-based)."""

    line: int = 1
    entry_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of an entry (a mapping's key, a list's index), else the container's."""
        return self.entry_lines.get(key, self.line)


class LocatedMapping(dict[Any, Any], Located):
    pass


class LocatedList(list[Any], Located):
    pass


def read_data_file(
    path: Path, *, max_bytes: int, what: str, too_big: str = ""
) -> tuple[object | None, list[str]]:
    """The file's contents as located values, or None and every problem found.

    what names the file in the one-per-file message (for example "a prompt deck"); too_big
    is added to the message for a file over max_bytes. An empty file is (None, []): the
    caller says what it expected instead.
    """
    source = str(path)
    try:
        if path.stat().st_size > max_bytes:
            return None, [f"{source}:1: file is larger than {max_bytes:,} bytes{too_big}"]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{source}:1: cannot read the file ({exc.strerror or exc})"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [f"{source}:{line}: not UTF-8 text (byte {exc.start})"]
    return read_data_text(text, source, what=what)


def read_data_text(
    text: str, source: str, *, what: str, scalar_keys: bool = False
) -> tuple[object | None, list[str]]:
    """The contents of text (a file's, decoded) as located values, or None and every problem;
    source names the file in the problems.

    Keys are plain text; with scalar_keys a key may also be a number or a date, as YAML reads
    it (a closure table's years and days are).
    """
    problems = Problems(source)
    root = yaml_nodes(text, problems, empty=None,
                      second_document=f"a file holds {what}: found a second YAML document "
                                      "('---')")
    data = None if root is None else _plain(root, problems, scalar_keys)
    if problems.errors:
        return None, [clean_line(problem) for problem in problems.format_errors()]
    return data, []


_constructor = SafeConstructor()


_KEY_TAGS = (STR,)
_SCALAR_KEY_TAGS = (STR, INT, TIMESTAMP)


def _plain(node: Node, problems: Problems, scalar_keys: bool = False) -> object:
    """The node as plain located values; problems with keys are recorded as found."""
    if node.kind == MAP:
        mapping = LocatedMapping()
        mapping.line, mapping.entry_lines = node.line, {}
        for key_node, value_node in node.value:
            if key_node.tag == INVALID:
                continue  # reported already (a refused tag or alias)
            allowed = _SCALAR_KEY_TAGS if scalar_keys else _KEY_TAGS
            if key_node.kind != SCALAR or key_node.tag not in allowed:
                problems.error(key_node.line, "", "a key must be plain text" + (
                    ", a number or a date" if scalar_keys else ""))
                continue
            key = _plain(key_node, problems)
            if key in mapping:
                shown = repr(key) if isinstance(key, str) else str(key)  # 2026-01-01, not date()
                problems.error(key_node.line, "", f"duplicate key {shown}")
                continue
            mapping[key] = _plain(value_node, problems, scalar_keys)
            mapping.entry_lines[key] = key_node.line
        return mapping
    if node.kind == SEQ:
        sequence = LocatedList()
        sequence.line, sequence.entry_lines = node.line, {}
        for index, item in enumerate(node.value):
            sequence.append(_plain(item, problems, scalar_keys))
            sequence.entry_lines[index] = item.line
        return sequence
    if node.tag == TIMESTAMP:
        return _timestamp(node.text)
    if node.tag in (STR, INT, FLOAT, BOOL):
        return node.value
    return None  # null, or a value already reported (a refused tag or alias)


def _timestamp(text: str) -> date | datetime | str:
    """A YAML date as YAML reads it; one that is not a real date stays the text written."""
    node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", text)
    try:
        value: date | datetime = _constructor.construct_yaml_timestamp(node)
    except ValueError:
        return text
    return value
