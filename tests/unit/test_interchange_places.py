"""Where a file's values were, kept by container: each path still finds its own line, and
only the fields the file gives count as stated."""

from __future__ import annotations

from firstfile.interchange.reader import parse_document

FILE = """\
format: firstfile/1
engagement:
  key: acme-2026
  name: ACME controller
people:
  - key: jdoe
    name: Jane Doe
disclosures:
  - key: FF-2026-0001
    title: Pulse balancing
    summary: Balances cells with pulses.
    business_unit:
    inventors:
      - person: jdoe
        contribution: 100
"""


def test_each_path_finds_its_own_line_or_its_nearest_container() -> None:
    doc = parse_document(FILE, "acme.yaml")
    assert doc.line("engagement") == 2  # the key's line, not its first field's
    assert doc.line("engagement.name") == 4
    assert doc.line("disclosures[0]") == 9
    assert doc.line("disclosures[0].summary") == 11
    assert doc.line("disclosures[0].inventors") == 13  # "inventors:", not its first item
    assert doc.line("disclosures[0].inventors[0]") == 14
    assert doc.line("disclosures[0].inventors[0].contribution") == 15
    # Not in the file: the nearest value that is.
    assert doc.line("disclosures[0].problem") == 9
    assert doc.line("disclosures[0].inventors[0].role") == 14
    assert doc.where("disclosures[0].summary") == "acme.yaml:11: disclosures[0].summary"


def test_only_fields_given_a_value_are_stated() -> None:
    doc = parse_document(FILE, "acme.yaml")
    assert doc.states("engagement.name")
    assert doc.states("disclosures[0].summary")
    assert doc.states("disclosures[0].inventors")
    assert not doc.states("disclosures[0].business_unit")  # given as null
    assert not doc.states("disclosures[0].problem")  # left out
    assert not doc.states("disclosures[0]")  # a list item, not a field
    assert not doc.states("disclosures[1].title")  # no such record


def test_a_document_built_in_code_states_everything_and_has_no_lines() -> None:
    from dataclasses import replace

    built = replace(parse_document(FILE, "acme.yaml"), places=None)
    assert built.states("disclosures[0].problem")
    assert built.line("disclosures[0].summary") == 0
