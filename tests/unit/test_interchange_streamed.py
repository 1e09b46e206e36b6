"""JSON disclosures read as they are parsed: the same document, places and problems as a
read from the whole tree, and nothing read from a file that has not said its format."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from firstfile.interchange import dump_document
from firstfile.interchange.json_nodes import json_nodes
from firstfile.interchange.nodes import MAP, READ, SEQ, Node
from firstfile.interchange.problems import Problems
from firstfile.interchange.reader import _DocumentReader
from tests.unit.interchange_cases import BASE, TODAY, line_of, parse, problems

NOBODY, COLOUR = '"nobody"', '"colour"'
WRITER_ORDER = ("format", "engagement", "vendors", "people", "components", "sessions",
                "disclosures")


def _data() -> dict[str, Any]:
    """The base file as JSON data, with a second disclosure that has no key."""
    data: dict[str, Any] = json.loads(dump_document(parse(BASE), "json"))
    second = copy.deepcopy(data["disclosures"][0])
    del second["key"]
    second["inventors"][0]["contribution"] = 30  # a draft's note: the shares make 70 %
    second["title"] = "Back-EMF zero-crossing filter"
    second["summary"] = "Filter the zero crossings.\nSecond line."
    data["disclosures"].append(second)
    return data


def _text(data: dict[str, Any], order: tuple[str, ...]) -> str:
    """data as JSON with its top-level fields in order (the rest after them, as found)."""
    ordered = {name: data[name] for name in order if name in data}
    ordered.update((name, value) for name, value in data.items() if name not in ordered)
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def _format_last() -> tuple[str, ...]:
    """Every field in the writer's order except the format, which comes last: the file says
    its format only after its disclosures, so they are read from the whole tree."""
    return (*WRITER_ORDER[1:], "format")


def _disclosure_items(text: str) -> list[Node]:
    problems_found = Problems("acme.json")
    reader = _DocumentReader(problems_found, TODAY)
    root = json_nodes(text, problems_found, reader.streamed)
    assert root is not None
    lists = [value for key, value in root.value if key.text == "disclosures"]
    assert len(lists) == 1 and lists[0].kind == SEQ
    return list(lists[0].value)


def test_disclosures_are_read_as_they_are_parsed_once_the_format_is_known() -> None:
    data = _data()
    streamed = _disclosure_items(_text(data, WRITER_ORDER))
    assert [item.kind for item in streamed] == [READ, READ]
    whole = _disclosure_items(_text(data, _format_last()))
    assert [item.kind for item in whole] == [MAP, MAP]


def test_both_reads_give_the_same_document_lines_and_stated_fields() -> None:
    data = _data()
    early_text, late_text = _text(data, WRITER_ORDER), _text(data, _format_last())
    early, late = parse(early_text, "acme.json"), parse(late_text, "acme.json")
    assert early == late
    assert early.disclosures[0].draft.engagement_key == "acme-2026"
    assert len(early.warnings) == 1
    assert _without_lines(list(early.warnings)) == _without_lines(list(late.warnings))
    paths = ("disclosures[1]", "disclosures[1].summary", "disclosures[0].inventors[1].person",
             "disclosures[0].events[0].jurisdiction", "disclosures[1].prior_art",
             "disclosures[0].key", "disclosures[1].key")
    for path in paths:
        assert early.states(path) == late.states(path), path
    # Each read places a value on its own file's line.
    for doc, text in ((early, early_text), (late, late_text)):
        assert doc.line("disclosures[1].summary") == line_of(text, "Second line.")
        first_key = doc.line("disclosures[0].key")
        assert first_key == line_of(text, '"key": "FF-2026-0001"')
        # A field the file leaves out is placed on its disclosure.
        assert doc.line("disclosures[1].key") == doc.line("disclosures[1]") > first_key


def test_disclosures_read_before_their_engagement_take_its_key() -> None:
    # The engagement after the disclosures: they are read without its key, and given it
    # once it is read; before them, they are read with it, and kept as read.
    data = _data()
    after = ("format", "vendors", "people", "components", "disclosures", "engagement")
    items = _disclosure_items(_text(data, after))
    assert [item.kind for item in items] == [READ, READ]
    assert {item.value.draft.engagement_key for item in items} == {""}
    items = _disclosure_items(_text(data, WRITER_ORDER))
    assert {item.value.draft.engagement_key for item in items} == {"acme-2026"}
    for order in (after, WRITER_ORDER):
        doc = parse(_text(data, order), "acme.json")
        assert doc == parse(_text(data, _format_last()), "acme.json")
        assert {d.draft.engagement_key for d in doc.disclosures} == {"acme-2026"}


def _without_lines(found: list[str]) -> list[str]:
    return sorted(re.sub(r"^acme\.json:\d+: ", "", line) for line in found)


def test_both_reads_report_the_same_problems_on_their_own_lines() -> None:
    data = _data()
    data["disclosures"][0]["status"] = "pending"
    data["disclosures"][0]["inventors"][1]["person"] = "nobody"
    data["disclosures"][1]["title"] = data["disclosures"][0]["title"]
    data["disclosures"][1]["colour"] = "blue"
    early_text, late_text = _text(data, WRITER_ORDER), _text(data, _format_last())
    early, late = problems(early_text, "acme.json"), problems(late_text, "acme.json")
    assert len(early) == 4
    assert _without_lines(early) == _without_lines(late)
    for found, text in ((early, early_text), (late, late_text)):
        (person,) = [line for line in found if "'nobody'" in line]
        assert person.startswith(f"acme.json:{line_of(text, NOBODY)}: ")
        (colour,) = [line for line in found if "colour" in line]
        assert colour.startswith(f"acme.json:{line_of(text, COLOUR)}: ")


def test_a_file_in_another_format_reports_its_format_and_nothing_it_holds() -> None:
    data = _data()
    data["format"] = "firstfile/9"
    data["disclosures"][0]["status"] = "pending"
    data["disclosures"][1]["colour"] = "blue"
    text = _text(data, WRITER_ORDER)
    assert problems(text, "acme.json") == [
        "acme.json:2: format: unsupported format 'firstfile/9': this version reads "
        "'firstfile/1'"
    ]
    assert [item.kind for item in _disclosure_items(text)] == [MAP, MAP]


def test_a_second_disclosures_list_is_reported_and_never_read() -> None:
    text = _text(_data(), WRITER_ORDER)
    # JSON allows a name twice; the reader reports the second and reads only the first.
    text = text.rstrip().removesuffix("}").rstrip() + (
        ',\n  "disclosures": [{"title": 42, "colour": "blue"}]\n}\n'
    )
    starts = [n for n, line in enumerate(text.splitlines(), 1) if '"disclosures": [' in line]
    assert len(starts) == 2
    assert problems(text, "acme.json") == [
        f"acme.json:{starts[1]}: disclosures: given twice (first on line {starts[0]})"
    ]


def test_a_file_that_breaks_after_its_disclosures_is_reported_as_broken_alone() -> None:
    data = _data()
    data["disclosures"][0]["status"] = "pending"
    data["disclosures"][1]["inventors"][0]["contribution"] = 10  # a draft's note
    text = _text(data, WRITER_ORDER).rstrip().removesuffix("}") + ',\n  "tracers": [\n'
    found = problems(text, "acme.json")
    assert len(found) == 1 and "not valid JSON" in found[0], found


def test_a_second_format_does_not_make_a_file_in_another_format_read_on() -> None:
    data = _data()
    data["format"] = "firstfile/9"
    data["disclosures"][0]["status"] = "pending"
    text = _text(data, WRITER_ORDER).replace(
        '"format": "firstfile/9",', '"format": "firstfile/9",\n  "format": "firstfile/1",', 1)
    found = problems(text, "acme.json")
    assert not [line for line in found if "pending" in line], found
    assert [item.kind for item in _disclosure_items(text)] == [MAP, MAP]
