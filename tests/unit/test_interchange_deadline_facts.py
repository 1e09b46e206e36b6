"""The interchange fields the deadline engine reads: priority claims, restored claims, the
US flag, vendor NDA dates; and the events it refuses (no office, before 1980)."""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.interchange import dump_document
from tests.unit.interchange_cases import BASE, edit, line_of, parse, problems

FILINGS = """\
    events:
      - kind: vendor-disclosure-nda
        date: 2026-03-10
        jurisdiction: CN
      - kind: provisional-filed
        date: 2026-03-13
        reference: 63/100
      - kind: pct-filed
        date: 2027-03-15
        jurisdiction: US
        reference: PCT/US2027/1
        claims_priority_of: [63/100]
        restored: true
    made_in_us: true
"""
OLD_EVENTS = """\
    events:
      - kind: vendor-disclosure-nda
        date: 2026-03-10
        jurisdiction: CN
"""


def with_filings(filings: str = FILINGS) -> str:
    text = edit(OLD_EVENTS, filings)
    return edit("    competitors: [Rival Motors]\n",
                "    competitors: [Rival Motors]\n    nda_signed_on: 2026-02-20\n"
                "    nda_expires_on: 2029-02-20\n", text)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_claims_restored_us_flag_and_nda_round_trip(fmt: str) -> None:
    doc = parse(with_filings())
    vendor = doc.vendors[0]
    assert (vendor.nda_signed_on, vendor.nda_expires_on) == (date(2026, 2, 20),
                                                             date(2029, 2, 20))
    disclosure = doc.disclosures[0]
    assert disclosure.draft.made_in_us
    pct = disclosure.events[2]
    assert pct.claims_priority_of == ("63/100",) and pct.restored
    text = dump_document(doc, fmt)
    assert "claims_priority_of" in text and "nda_expires_on" in text
    assert parse(text, f"acme.{fmt}") == doc


def test_defaults_are_not_written() -> None:
    text = dump_document(parse(BASE))
    for name in ("claims_priority_of", "restored", "made_in_us", "nda_signed_on"):
        assert name not in text


def test_a_filing_without_its_office_is_refused() -> None:
    text = with_filings().replace("        jurisdiction: US\n        reference: PCT/US2027/1\n",
                                  "        reference: PCT/US2027/1\n")
    found = problems(text)
    line = line_of(text, "kind: pct-filed")
    assert any(p.startswith(f"acme.yaml:{line}: disclosures[0].events[2].jurisdiction: a "
                            "pct-filed event names its office") for p in found), found


def test_a_date_before_1980_is_refused() -> None:
    text = edit("        date: 2026-03-10\n", "        date: 1926-03-10\n")
    found = problems(text)
    line = line_of(text, "date: 1926-03-10")
    assert found == [f"acme.yaml:{line}: disclosures[0].events[0].date: 1926-03-10 is before "
                     "1980: check the year"]


def test_a_claim_must_name_an_earlier_filing_of_the_same_disclosure() -> None:
    unknown = with_filings().replace("claims_priority_of: [63/100]", "claims_priority_of: [63/1]")
    found = problems(unknown)
    line = line_of(unknown, "claims_priority_of: [63/1]")
    assert any(p.startswith(f"acme.yaml:{line}: disclosures[0].events[2].claims_priority_of: "
                            "no filing with the reference '63/1'") for p in found), found
    later = with_filings().replace("        date: 2026-03-13\n", "        date: 2027-04-13\n")
    assert any("after this filing" in p for p in problems(later))


def test_restored_needs_a_claim_and_only_filings_claim() -> None:
    no_claim = with_filings().replace("        claims_priority_of: [63/100]\n", "")
    assert any("restored: restored says a late priority claim" in p
               for p in problems(no_claim))
    on_disclosure = edit("        jurisdiction: CN\n",
                         "        jurisdiction: CN\n        claims_priority_of: [x]\n")
    assert any("only a filing claims priority" in p for p in problems(on_disclosure))


def test_two_filings_with_one_reference_are_refused() -> None:
    text = with_filings().replace("reference: PCT/US2027/1", "reference: 63/100")
    assert any("also the reference of events[1]" in p for p in problems(text))


def test_an_nda_expiring_before_it_was_signed_is_refused() -> None:
    text = with_filings().replace("nda_expires_on: 2029-02-20", "nda_expires_on: 2025-02-20")
    line = line_of(text, "nda_expires_on")
    assert any(p.startswith(f"acme.yaml:{line}: vendors[0].nda_expires_on: the NDA expires")
               for p in problems(text))
