"""A small tree of values that remembers the line each one came from.

YAML and JSON are both read into this one shape, so the checks that follow are written once
and every message can name a line, whatever the file's format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_FILE_BYTES = 50 * 1024 * 1024
# Far above any real engagement (thousands of disclosures of some thirty fields each), far
# below what would exhaust memory: a hostile file stops here instead.
MAX_NODES = 1_000_000
MAX_DEPTH = 64
# Far more digits than any count, score or year needs; Python itself refuses to read whole
# numbers of more than 4,300.
MAX_DIGITS = 100

MAP = "map"
SEQ = "seq"
SCALAR = "scalar"
# A list item already read into its record while the file was parsed (json_nodes' streamed):
# value is the record, and the item's own nodes are gone.
READ = "read"

# Short names of the scalar types a node can hold.
STR = "str"
INT = "int"
FLOAT = "float"
BOOL = "bool"
NULL = "null"
TIMESTAMP = "timestamp"
# A value already reported as wrong (an alias, a refused tag): later checks stay quiet about it.
INVALID = "invalid"


@dataclass(slots=True)
class Node:
    """One value of the file.

    For a mapping, ``value`` is a list of (key node, value node) pairs in file order (so a
    key given twice can be reported); for a sequence, a list of nodes; for a scalar, the
    Python value (a timestamp stays as its text, the reader checks dates itself).
    """

    kind: str
    line: int  # 1-based
    value: Any
    tag: str = STR  # scalars only
    text: str = ""  # scalars: the text as written
    plain: bool = False  # an unquoted YAML scalar, whose text may be read as text


class TooLarge(Exception):
    """The file holds more values, or nests deeper, than any real engagement would."""


def describe(node: Node) -> str:
    """What the node holds, in words, for 'expected X, got Y' messages."""
    if node.kind == MAP:
        return "a mapping"
    if node.kind == SEQ:
        return "a list"
    return {
        STR: "text",
        INT: "a whole number",
        FLOAT: "a number",
        BOOL: "true/false",
        NULL: "nothing",
        TIMESTAMP: "a date",
    }.get(node.tag, node.tag)


def too_many_digits(digits: str) -> str:
    """The message for a whole number too long to be read as one."""
    return (f"the number {digits[:12]}... has {len(digits.lstrip('-')):,} digits: no value in "
            "a firstfile file is that long (quote it if it is text)")
