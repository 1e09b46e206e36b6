"""JSON files: the same rules as YAML, with lines, and JSON's own meaning of numbers and text."""

from __future__ import annotations

import json

from firstfile.interchange import dump_document
from tests.unit.interchange_cases import BASE, line_of, parse, problems


def base_json() -> str:
    return dump_document(parse(BASE), "json")


def test_json_reads_as_the_same_document_as_yaml() -> None:
    assert parse(base_json(), "acme.json") == parse(BASE)


def test_json_is_recognised_without_a_suffix() -> None:
    assert parse(base_json(), "pasted") == parse(BASE)


def test_json_syntax_error_has_a_line_and_column() -> None:
    text = base_json().replace('"country": "CN",', '"country": "CN"')
    line = line_of(text, '"country": "CN"') + 1
    found = problems(text, "acme.json")
    assert found == [f"acme.json:{line}: not valid JSON: Expecting ',' delimiter (column 7)"]


def test_json_trailing_comma_is_an_error() -> None:
    text = base_json().replace('"phase": "pre"\n  },', '"phase": "pre",\n  },', 1)
    found = problems(text, "acme.json")
    assert len(found) == 1 and "not valid JSON: Expecting property name" in found[0]


def test_json_unknown_key_and_bad_reference_with_lines() -> None:
    text = base_json().replace('"votes": 2', '"vote": 2').replace('"person": "wli"',
                                                                  '"person": "wlee"')
    found = problems(text, "acme.json")
    vote, person = line_of(text, '"vote"'), line_of(text, '"wlee"')
    assert found == [
        f"acme.json:{vote}: sessions[0].ideas[0].vote: unknown key "
        "'vote' (did you mean 'votes'?); allowed here: text, author, authors, prompt, "
        "component, votes, status, merged_into",
        f"acme.json:{person}: disclosures[0].inventors[1].person: unknown "
        "person 'wlee'",
    ]


def test_json_types_are_strict() -> None:
    text = base_json().replace('"name": "Wei Li"', '"name": 42')
    line = line_of(text, '"name": 42')
    assert problems(text, "acme.json") == [
        f"acme.json:{line}: people[1].name: expected text, got a "
        "whole number"
    ]


def test_json_numbers_and_escapes_mean_what_json_says() -> None:
    data = json.loads(base_json())
    data["disclosures"][0]["inventors"][0]["contribution"] = 6e1  # written 60.0
    data["people"][0]["name"] = "Jane \ud83d\ude00 Doe"
    text = json.dumps(data, ensure_ascii=True, indent=1)  # emoji as a surrogate-pair escape
    text = text.replace("60.0", "6E1")
    doc = parse(text, "acme.json")
    assert doc.disclosures[0].draft.inventors[0].contribution == 60.0
    assert doc.people[0].name == "Jane 😀 Doe"


def test_json_duplicate_member_is_reported() -> None:
    text = base_json().replace('"country": "CN",', '"country": "CN",\n      "country": "MX",')
    first = line_of(text, '"country": "CN"')
    assert problems(text, "acme.json") == [
        f"acme.json:{first + 1}: vendors[0].country: given twice (first on line {first})"
    ]


def test_json_that_is_only_whitespace() -> None:
    assert problems("  \n", "x.json") == [
        "x.json:1: the file is empty: expected a JSON object with 'format' and 'engagement'"
    ]
