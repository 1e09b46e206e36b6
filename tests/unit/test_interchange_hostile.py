"""Hostile and odd files: object tags, alias bombs, huge or deep files, strange characters.

That hostile files are refused without expanding or reading them is shown by what the reader
allocates (tracemalloc), not by the clock; how long they take is measured by
benchmarks/bench_hostile.py.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from firstfile.interchange import InterchangeError, dump_document, read_document
from firstfile.interchange.nodes import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from tests.unit.interchange_cases import BASE, TODAY, edit, line_of, parse, problems

BILLION_LAUGHS = """\
format: firstfile/1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
engagement: *i
"""
T = TypeVar("T")


def peak_bytes(work: Callable[[], T]) -> tuple[T, int]:
    """work()'s result and the most memory Python allocated while it ran."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_python_object_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = edit("  name: Acme controller build",
                f'  name: !!python/object/apply:os.system ["touch {marker}"]')
    line = line_of(text, "python/object")
    found = problems(text)
    assert found[0] == (
        f"acme.yaml:{line}: the tag '!!python/object/apply:os.system' is not allowed: "
        "firstfile reads plain data (text, numbers, dates, true/false, lists, mappings) and "
        "never builds objects from a file"
    )
    assert not marker.exists()


def test_python_object_tag_on_a_scalar_is_refused() -> None:
    text = edit("  product: Motor controller MC-3", "  product: !!python/object:os.system x")
    assert "the tag '!!python/object:os.system' is not allowed" in problems(text)[0]


def test_custom_local_tags_are_refused() -> None:
    text = edit("  product: Motor controller MC-3", "  product: !include secrets.yaml")
    assert "the tag '!include' is not allowed" in problems(text)[0]


def test_explicit_plain_tags_are_accepted() -> None:
    doc = parse(edit("  product: Motor controller MC-3", "  product: !!str 2026"))
    assert doc.engagement.product == "2026"


def test_billion_laughs_is_refused_without_expanding_it() -> None:
    found, peak = peak_bytes(lambda: problems(BILLION_LAUGHS))
    assert found[0] == (
        "acme.yaml:2: anchors and aliases (&a) are not supported: write each value out in full"
    )
    assert any("(*i)" in problem for problem in found)
    # Each anchor and alias written in the file is reported once: none was expanded (9**9
    # values had they been), and the reader stayed within a few hundred kilobytes.
    refused = [p for p in found if "anchors and aliases" in p]
    assert len(refused) == BILLION_LAUGHS.count("&") + BILLION_LAUGHS.count("*")
    assert peak < 5_000_000


def test_alias_reported_where_it_is_used() -> None:
    text = edit("  name: Acme controller build", "  name: &n Acme controller build")
    text = edit("    name: Jane Doe", "    name: *n", text)
    found = problems(text)
    assert found == [
        f"acme.yaml:{line_of(text, '&n')}: anchors and aliases (&n) are not supported: write "
        "each value out in full",
        f"acme.yaml:{line_of(text, '*n')}: anchors and aliases (*n) are not supported: write "
        "each value out in full",
    ]


def test_deep_nesting_is_refused() -> None:
    nested = "".join(f"{'  ' * depth}- \n" for depth in range(MAX_DEPTH + 10))
    text = BASE + "extra:\n" + nested
    found = problems(text)
    line = line_of(text, "extra:") + MAX_DEPTH
    assert found == [f"acme.yaml:{line}: the file nests deeper than {MAX_DEPTH} levels"]


def test_deep_flow_nesting_is_refused() -> None:
    text = BASE + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n"
    found = problems(text)
    # the YAML parser itself stops first on flow collections; either way, with the line
    assert len(found) == 1
    assert found[0].startswith(f"acme.yaml:{line_of(text, 'extra:')}: ")
    assert "nest" in found[0]


def test_deep_json_nesting_is_refused() -> None:
    text = '{"format": "firstfile/1", "x": ' + "[" * 10_000 + "]" * 10_000 + "}"
    found = problems(text, "deep.json")
    assert found == [f"deep.json:1: the file nests deeper than {MAX_DEPTH} levels"]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_too_many_values_are_refused(fmt: str) -> None:
    values = "1," * MAX_NODES + "1"
    if fmt == "yaml":
        text = BASE + f"extra: [{values}]\n"
        line = line_of(text, "extra:")
    else:
        text = '{"format": "firstfile/1",\n"extra": [' + values + "]}"
        line = 2
    assert problems(text, f"many.{fmt}") == [
        f"many.{fmt}:{line}: the file holds more than {MAX_NODES:,} values: split it into one "
        "file per engagement"
    ]


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk, still over the cap
    def refused() -> InterchangeError:
        with pytest.raises(InterchangeError) as caught:
            read_document(big)
        return caught.value

    error, peak = peak_bytes(refused)
    assert error.problems[0].startswith("big.yaml:1: the file is 50 MB; files over 50 MB")
    assert peak < 1_000_000  # reading the file would have taken 50 MB


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(edit("    name: Wei Li", "    name: Wei Lí").encode("latin-1"))
    with pytest.raises(InterchangeError) as caught:
        read_document(path)
    line = line_of(BASE, "    name: Wei Li")
    assert caught.value.problems == [
        f"latin1.yaml:{line}: the file is not UTF-8 text (byte 0xed); save it as UTF-8"
    ]


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert read_document(path, today=TODAY).engagement.key == "acme-2026"


def test_escaped_control_characters_are_replaced_visibly() -> None:
    text = edit("    title: Sensorless start-up of a BLDC motor",
                '    title: "Start-up\\x1b[31m with\\x00 NUL\\x7f"')
    text = edit("    summary: Start without Hall sensors.",
                '    summary: "line one\\r\\nline two\\x0b"', text)
    draft = parse(text).disclosures[0].draft
    assert draft.title == "Start-up\u241b[31m with\u2400 NUL\u2421"
    assert draft.summary == "line one\nline two\u240b"


def test_raw_control_characters_are_replaced_with_a_warning() -> None:
    text = edit("    name: Jane Doe", "    name: Jane\x1b Doe")
    doc = parse(text)
    assert doc.people[0].name == "Jane\u241b Doe"
    line = line_of(text, "Jane\x1b")
    assert doc.warnings == (f"acme.yaml:{line}: character U+001B replaced with '\u241b'",)


def test_raw_control_characters_in_json_strings() -> None:
    doc = parse(BASE)
    text = dump_document(doc, "json").replace("Jane Doe", "Jane\x07Doe")
    again = parse(text, "acme.json")
    assert again.people[0].name == "Jane\u2407Doe"
    assert len(again.warnings) == 1


def test_emoji_and_right_to_left_text_survive_a_round_trip() -> None:
    title = "Akku 🔋 ماژول مدیریت\u200cباتری \u202eevil\u202c"
    text = edit("    title: Sensorless start-up of a BLDC motor", f'    title: "{title}"')
    text = edit("    name: Wei Li", "    name: 李伟 👷", text)
    doc = parse(text)
    # Right-to-left words and their joiner stay; the override that would display "evil"
    # backwards is shown instead (domain/text.py).
    assert doc.disclosures[0].draft.title == (
        "Akku 🔋 ماژول مدیریت\u200cباتری <U+202E>evil<U+202C>")
    assert doc.people[1].name == "李伟 👷"
    for fmt in ("yaml", "json"):
        written = dump_document(doc, fmt)
        assert "🔋" in written  # written as itself, not as an escape
        assert parse(written, f"again.{fmt}") == doc


def test_template_syntax_stays_literal_text() -> None:
    title = "{{ 7*7 }} and {% for x in y %}{{ x }}{% endfor %}"
    text = edit("    title: Sensorless start-up of a BLDC motor", f"    title: '{title}'")
    doc = parse(text)
    assert doc.disclosures[0].draft.title == title
    again = parse(dump_document(doc))
    assert again.disclosures[0].draft.title == title
    assert "49" not in again.disclosures[0].draft.title


def test_unquoted_values_that_look_like_other_types_stay_text() -> None:
    text = edit("country: CN", "country: NO")  # Norway, not false
    text = edit("  product: Motor controller MC-3", "  product: 0402", text)
    text = edit("    name: Wei Li", "    name: 2026-03-02", text)
    doc = parse(text)
    assert doc.vendors[0].country == "NO"
    assert doc.engagement.product == "0402"
    assert doc.people[1].name == "2026-03-02"
    assert parse(dump_document(doc)) == doc


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_5000_digit_number_is_a_problem_not_a_crash(fmt: str) -> None:
    digits = "7" * 5000
    if fmt == "yaml":
        text = edit("        votes: 2", f"        votes: {digits}")
        line = line_of(text, digits)
    else:
        text = dump_document(parse(BASE), "json").replace('"votes": 2', f'"votes": {digits}')
        line = line_of(text, digits)
    assert problems(text, f"acme.{fmt}") == [
        f"acme.{fmt}:{line}: the number 777777777777... has 5,000 digits: no value in a "
        "firstfile file is that long (quote it if it is text)"
    ]


@pytest.mark.parametrize(
    ("old", "field", "new", "path", "limit"),
    [
        ("  name: Acme controller build", "name", "x" * 201, "engagement.name", 200),
        ("  product: Motor controller MC-3", "product", "x" * 201, "engagement.product", 200),
        ("    name: Shenzhen PCBA Co.", "name", "x" * 201, "vendors[0].name", 200),
        ("    name: Jane Doe", "name", "x" * 201, "people[0].name", 200),
        ("    email: jane@acme.example", "email", "j@" + "a" * 253, "people[0].email", 254),
        ("    name: Motor control firmware", "name", "x" * 201, "components[0].name", 200),
        ("    kind: firmware", "kind", "x" * 33, "components[0].kind", 32),
        ("    title: Pre-engagement extraction", "title", "x" * 201, "sessions[0].title", 200),
        ("        jurisdiction: CN", "jurisdiction", "CNCNCNCNC",
         "disclosures[0].events[0].jurisdiction", 8),
    ],
)
def test_values_longer_than_the_database_keeps_are_refused_with_their_line(
    old: str, field: str, new: str, path: str, limit: int
) -> None:
    indent = old[: len(old) - len(old.lstrip())]
    text = edit(old, f"{indent}{field}: {new}")
    line = line_of(text, new)
    assert problems(text) == [
        f"acme.yaml:{line}: {path}: {len(new):,} characters is too long: the database keeps "
        f"{limit}; shorten it"
    ]


def test_a_long_prompt_reference_and_business_unit_are_refused() -> None:
    text = edit("        component: motor-fw", "        component: motor-fw\n"
                                               f"        prompt: {'p' * 65}")
    text = edit("        jurisdiction: CN", "        jurisdiction: CN\n"
                                           f"        reference: {'r' * 201}", text)
    text = edit("    submitter: jdoe", f"    submitter: jdoe\n    business_unit: {'b' * 201}",
                text)
    found = problems(text)
    assert [p.split(": ")[1] for p in found] == [
        "sessions[0].ideas[0].prompt", "disclosures[0].business_unit",
        "disclosures[0].events[0].reference"]
    assert all("characters is too long: the database keeps" in p for p in found)


def test_votes_beyond_any_room_are_refused() -> None:
    text = edit("        votes: 2", "        votes: 10000000000000000000000")
    assert problems(text) == [
        f"acme.yaml:{line_of(text, 'votes: 1')}: sessions[0].ideas[0].votes: "
        "10000000000000000000000 is out of range: use a number from 0 to 1000000"
    ]
