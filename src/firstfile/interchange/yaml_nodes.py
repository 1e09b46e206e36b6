"""Reading YAML into line-numbered nodes, safely: the one YAML reader of firstfile.

The file is read as a stream of parser events (libyaml when present), never handed to a
constructor: no tag can build a Python object, and aliases are never expanded, so a
"billion laughs" file costs no more than its own size. Anchors and aliases are refused
outright (an engagement file has no use for them), and any tag other than YAML's plain
data types is refused with a message that says why.

Interchange files are read with it, and so are the template folder's data files (prompt
decks, checklist items: services/yaml_data.py), each naming what an empty file or a second
document means for it.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.resolver import Resolver

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
    TIMESTAMP,
    Node,
    TooLarge,
    too_many_digits,
)
from firstfile.interchange.problems import Problems

_YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML_TAG + name: name for name in (STR, INT, FLOAT, BOOL, NULL, TIMESTAMP)}
_COLLECTION_TAGS = {_YAML_TAG + "map", _YAML_TAG + "seq"}

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

EMPTY_ENGAGEMENT = "the file is empty: expected 'format: firstfile/1' and an engagement"
SECOND_ENGAGEMENT = "one engagement per file: found a second YAML document ('---')"


def yaml_nodes(
    text: str, problems: Problems, *, empty: str | None = EMPTY_ENGAGEMENT,
    second_document: str = SECOND_ENGAGEMENT,
) -> Node | None:
    """The root node of the single YAML document in text, or None after recording why not.

    empty is the problem an empty file is (None: an empty file is no problem here, and None
    is returned); second_document is the problem a second document ('---') is.
    """
    builder = _Builder(problems, second_document)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "unreadable"
        problems.error(line, "", f"not valid YAML: {problem}")
        return None
    except yaml.YAMLError as exc:
        problems.error(1, "", f"not valid YAML: {exc}")
        return None
    except TooLarge as exc:
        problems.error(builder.line, "", str(exc))
        return None
    if builder.root is None and empty is not None:
        problems.error(1, "", empty)
    return builder.root


def _shown(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


class _Builder:
    """Turns parser events into nodes with an explicit stack (no recursion to exhaust)."""

    def __init__(self, problems: Problems, second_document: str) -> None:
        self.problems = problems
        self.second_document = second_document
        self.resolver = Resolver()
        self.constructor = SafeConstructor()
        self.root: Node | None = None
        self.stack: list[tuple[Node, list[Node]]] = []  # container, pending mapping key
        self.documents = 0
        self.count = 0
        self.line = 1

    def feed(self, event: Any) -> None:
        if hasattr(event, "start_mark") and event.start_mark is not None:
            self.line = event.start_mark.line + 1
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents == 2:
                self.problems.error(self.line, "", self.second_document)
            return
        if self.documents > 1 or not isinstance(event, NodeEvent | MappingEndEvent |
                                                SequenceEndEvent):
            return
        if isinstance(event, MappingEndEvent | SequenceEndEvent):
            node, _ = self.stack.pop()
            self._attach(node)
            return
        self.count += 1
        if self.count > MAX_NODES:
            raise TooLarge(f"the file holds more than {MAX_NODES:,} values: split it into "
                           "one file per engagement")
        if isinstance(event, AliasEvent):
            self._refuse_anchor(event.anchor, "*")
            self._attach(Node(SCALAR, self.line, None, INVALID))
            return
        if event.anchor is not None:
            self._refuse_anchor(event.anchor, "&")
        if isinstance(event, ScalarEvent):
            self._attach(self._scalar(event))
            return
        assert isinstance(event, CollectionStartEvent)
        if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
            self._refuse_tag(event.tag)
        kind = MAP if isinstance(event, MappingStartEvent) else SEQ
        assert kind == MAP or isinstance(event, SequenceStartEvent)
        if len(self.stack) >= MAX_DEPTH:
            raise TooLarge(f"the file nests deeper than {MAX_DEPTH} levels")
        self.stack.append((Node(kind, self.line, []), []))

    def _refuse_anchor(self, anchor: str | None, sigil: str) -> None:
        self.problems.error(
            self.line, "",
            f"anchors and aliases ({sigil}{anchor}) are not supported: write each value out "
            "in full",
        )

    def _refuse_tag(self, tag: str) -> None:
        self.problems.error(
            self.line, "",
            f"the tag {_shown(tag)!r} is not allowed: firstfile reads plain data (text, "
            "numbers, dates, true/false, lists, mappings) and never builds objects from a file",
        )

    def _scalar(self, event: ScalarEvent) -> Node:
        tag = event.tag
        if tag in (None, "!"):
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        short = _SCALAR_TAGS.get(tag)
        if short is None:
            self._refuse_tag(tag)
            return Node(SCALAR, self.line, None, INVALID, event.value)
        plain = not event.style  # libyaml says "" for plain, the pure-Python parser None
        if short == INT and len(event.value) > MAX_DIGITS:
            self.problems.error(self.line, "", too_many_digits(event.value))
            return Node(SCALAR, self.line, None, INVALID, event.value[:20])
        try:
            value = self._construct(short, tag, event.value)
        except (ValueError, TypeError, yaml.YAMLError):
            shown = event.value if len(event.value) <= 40 else event.value[:40] + "..."
            self.problems.error(self.line, "", f"{shown!r} is not a valid {short}")
            return Node(SCALAR, self.line, None, INVALID, event.value)
        return Node(SCALAR, self.line, value, short, event.value, plain)

    def _construct(self, short: str, tag: str, text: str) -> Any:
        node = yaml.ScalarNode(tag, text)
        if short == INT:
            return self.constructor.construct_yaml_int(node)
        if short == FLOAT:
            return self.constructor.construct_yaml_float(node)
        if short == BOOL:
            return self.constructor.construct_yaml_bool(node)
        if short == NULL:
            return None
        return text  # text, and dates: the reader checks dates itself, with its own message

    def _attach(self, node: Node) -> None:
        if not self.stack:
            if self.root is None:
                self.root = node
            return
        parent, pending = self.stack[-1]
        if parent.kind == SEQ:
            parent.value.append(node)
        elif pending:
            parent.value.append((pending.pop(), node))
        else:
            pending.append(node)
