"""The outsourcing-risk fields of `firstfile/1`: read, checked line by line, written back
exactly; a file without them reads as before."""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.interchange import dump_document, parse_document
from firstfile.interchange.document import (
    ActionDoc,
    CriticalSetDoc,
    DecisionDoc,
    SafeguardDoc,
)
from tests.unit.interchange_cases import BASE, TODAY, edit, line_of, parse, problems

RISK = edit(
    """    vendors: [sz-pcba]
sessions:""",
    """    vendors: [sz-pcba]
  - key: drive
    name: Motor drive subsystem
    kind: hardware
    value_add: 4
    differentiation: 4
    reverse_engineering_difficulty: 3
    rationale:
      value_add: the drive is what customers pay for
      differentiation: no rival reaches 96 % efficiency
      reverse_engineering_difficulty: a teardown shows the topology
    assessor: Jane Doe
    assessed_on: 2026-02-10
    decision:
      disposition: outsource-with-safeguards
      reason: the topology is public; the tuning is not
      decided_by: jdoe
      decided_on: 2026-02-11
    vendors: [sz-pcba]
    pinned: [sz-pcba]
  - key: gate-driver
    name: Gate-driver board
    kind: pcb
    parent: drive
    value_add: 2
    differentiation: 2
    reverse_engineering_difficulty: 1
    actions:
      - vendor: sz-pcba
        tactic: tracer
        status: done
        date: 2026-03-01
        evidence: marker ABCD-1234 in layer 3
        who: jdoe
critical_sets:
  - key: drive-tuning
    name: drive tuning
    members: [motor-fw, gate-driver]
    reveals: drive
    note: the firmware's tables only make sense with this board
sessions:""",
    edit(
        """    competitors: [Rival Motors]
""",
        """    competitors: [Rival Motors]
    safeguards:
      - kind: field-of-business
        status: in-progress
        who: jdoe
      - kind: premium-rate
        status: done
        date: 2026-02-20
        evidence: quote Q-31, rate +4 %
""",
        BASE,
    ),
)


def test_the_risk_fields_are_read() -> None:
    doc = parse(RISK)
    drive = next(c for c in doc.components if c.key == "drive")
    assert drive.value_add_reason == "the drive is what customers pay for"
    assert drive.reverse_engineering_difficulty_reason == "a teardown shows the topology"
    assert (drive.assessor, drive.assessed_on) == ("Jane Doe", date(2026, 2, 10))
    assert drive.decision == DecisionDoc(
        "outsource-with-safeguards",
        "the topology is public; the tuning is not",
        "jdoe",
        date(2026, 2, 11),
    )
    assert drive.pinned == ("sz-pcba",)
    board = next(c for c in doc.components if c.key == "gate-driver")
    assert board.parent == "drive"
    assert board.actions == (
        ActionDoc(
            "sz-pcba", "tracer", "done", date(2026, 3, 1), "marker ABCD-1234 in layer 3", "", "jdoe"
        ),
    )
    assert doc.vendors[0].safeguards == (
        SafeguardDoc("field-of-business", "in-progress", who="jdoe"),
        SafeguardDoc("premium-rate", "done", date(2026, 2, 20), "quote Q-31, rate +4 %"),
    )
    assert doc.critical_sets == (
        CriticalSetDoc(
            "drive-tuning",
            "drive tuning",
            ("motor-fw", "gate-driver"),
            "drive",
            "the firmware's tables only make sense with this board",
        ),
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_risk_fields_round_trip_exactly(fmt: str) -> None:
    doc = parse(RISK)
    text = dump_document(doc, fmt)
    again = parse_document(text, f"again.{fmt}", today=TODAY)
    assert again == doc
    assert dump_document(again, fmt) == text


def test_a_file_without_them_reads_as_before() -> None:
    doc = parse(BASE)
    [component] = doc.components
    assert (
        component.parent,
        component.decision,
        component.pinned,
        component.actions,
        component.value_add_reason,
        component.assessor,
    ) == ("", None, (), (), "", "")
    assert doc.critical_sets == () and doc.vendors[0].safeguards == ()
    # ... and is written without them.
    written = dump_document(doc)
    for field in (
        "parent",
        "rationale",
        "decision",
        "pinned",
        "actions",
        "critical_sets",
        "safeguards",
        "assessor",
    ):
        assert f"{field}:" not in written


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "    parent: drive\n",
            "    parent: nowhere\n",
            "parent: nowhere",
            "unknown component 'nowhere'",
        ),
        (
            "    pinned: [sz-pcba]\n",
            "    pinned: [rival-cm]\n",
            "pinned: [rival-cm]",
            "'rival-cm' is pinned but not among the vendors",
        ),
        (
            "      disposition: outsource-with-safeguards\n",
            "      disposition: sell-it\n",
            "disposition: sell-it",
            "'sell-it' is not allowed: use one of firewall",
        ),
        (
            "      - kind: premium-rate\n",
            "      - kind: bribe\n",
            "kind: bribe",
            "'bribe' is not allowed: use one of field-of-business",
        ),
        (
            "        status: in-progress\n",
            "        status: maybe\n",
            "status: maybe",
            "'maybe' is not allowed",
        ),
        (
            "    members: [motor-fw, gate-driver]\n",
            "    members: [motor-fw, ghost]\n",
            "members: [motor-fw, ghost]",
            "unknown component 'ghost'",
        ),
        (
            "    members: [motor-fw, gate-driver]\n",
            "    members: [motor-fw]\n",
            "members: [motor-fw]",
            "name at least two components",
        ),
        (
            "        evidence: marker ABCD-1234 in layer 3\n",
            "",
            "- vendor: sz-pcba",
            "a tactic in place needs its date and where the evidence is",
        ),
        (
            "      value_add: the drive is what customers pay for\n",
            f"      value_add: {'x' * 201}\n",
            "x" * 201,
            "the reason is 201 characters",
        ),
    ],
)
def test_each_mistake_is_reported_on_its_line(
    old: str, new: str, marker: str, message: str
) -> None:
    text = edit(old, new, RISK)
    found = problems(text)
    line = line_of(text, marker) if marker in text else None
    assert any(
        message in p and (line is None or p.startswith(f"acme.yaml:{line}:")) for p in found
    ), found


def test_a_component_that_is_its_own_ancestor_is_refused_with_the_loop() -> None:
    text = edit(
        "    kind: hardware\n    value_add: 4\n",
        "    kind: hardware\n    parent: gate-driver\n    value_add: 4\n",
        RISK,
    )
    [problem] = problems(text)
    assert problem == (
        f"acme.yaml:{line_of(text, 'parent: gate-driver')}: components[1].parent: the "
        "component is its own ancestor (drive → gate-driver → drive): give one of these "
        "components a different parent"
    )


def test_a_safeguard_or_an_action_given_twice_is_refused() -> None:
    twice = edit(
        """      - kind: premium-rate
""",
        """      - kind: field-of-business
        status: open
      - kind: premium-rate
""",
        RISK,
    )
    assert any("the safeguard is given twice" in p for p in problems(twice))
    again = edit(
        """        who: jdoe
critical_sets:""",
        """        who: jdoe
      - vendor: sz-pcba
        tactic: tracer
        status: open
critical_sets:""",
        RISK,
    )
    assert any("the same vendor and tactic are given twice" in p for p in problems(again))


def test_a_safeguard_done_without_evidence_is_read() -> None:
    # A checklist term ticked done without evidence is stored like that; the analysis flags
    # it (safeguard-unproven), so the file must carry it as it is.
    text = edit("        status: in-progress\n", "        status: done\n", RISK)
    assert parse(text).vendors[0].safeguards[0].status == "done"
