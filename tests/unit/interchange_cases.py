"""A small valid `firstfile/1` file and helpers to break it one line at a time.

Each marker used by the tests occurs on exactly one line of BASE, so a test can say which
line a problem must be reported on without counting lines by hand.
"""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.interchange import InterchangeDocument, InterchangeError, parse_document

TODAY = date(2026, 11, 27)

BASE = """\
format: firstfile/1
engagement:
  key: acme-2026
  name: Acme controller build
  product: Motor controller MC-3
  phase: pre
vendors:
  - key: sz-pcba
    name: Shenzhen PCBA Co.
    kind: contract-manufacturer
    country: CN
    competitors: [Rival Motors]
people:
  - key: jdoe
    name: Jane Doe
    email: jane@acme.example
  - key: wli
    name: Wei Li
    organization: sz-pcba
components:
  - key: motor-fw
    name: Motor control firmware
    kind: firmware
    value_add: 5
    differentiation: 4
    reverse_engineering_difficulty: 3
    vendors: [sz-pcba]
sessions:
  - key: pre-1
    title: Pre-engagement extraction
    phase: pre
    date: 2026-03-02
    facilitator: jdoe
    participants: [jdoe]
    ideas:
      - text: Sensorless start-up from back-EMF
        author: jdoe
        component: motor-fw
        votes: 2
disclosures:
  - key: FF-2026-0001
    title: Sensorless start-up of a BLDC motor
    summary: Start without Hall sensors.
    conception_date: 2026-03-02
    reduction_to_practice_date: 2026-04-01
    phase: pre
    status: draft
    submitter: jdoe
    inventors:
      - person: jdoe
        contribution: 60
      - person: wli
        contribution: 40
    events:
      - kind: vendor-disclosure-nda
        date: 2026-03-10
        jurisdiction: CN
    components: [motor-fw]
"""


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the only line of text containing marker."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(found) == 1, f"{marker!r} is on lines {found}"
    return found[0]


def edit(old: str, new: str, text: str = BASE) -> str:
    """text with the single occurrence of old replaced by new."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def parse(text: str, source: str = "acme.yaml") -> InterchangeDocument:
    """parse_document with a fixed 'today', so date rules do not depend on the clock."""
    return parse_document(text, source, today=TODAY)


def problems(text: str, source: str = "acme.yaml") -> list[str]:
    """The problems parse reports for text; fails the test if the text is accepted."""
    with pytest.raises(InterchangeError) as caught:
        parse(text, source)
    return caught.value.problems
