"""The shipped sample engagements are valid, complete and survive a write and a re-read."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstfile.domain.disclosure import contribution_total
from firstfile.domain.keys import parse_disclosure_key
from firstfile.domain.vocabulary import INTERNAL
from firstfile.interchange import dump_document, parse_document, read_document
from firstfile.resources import sample_sessions
from tests.unit.interchange_cases import BASE, TODAY, parse

SAMPLES = sorted(sample_sessions().glob("*.yaml"))


def test_there_are_at_least_two_samples() -> None:
    names = {path.name for path in SAMPLES}
    assert {"bms-shenzhen.yaml", "sensor-second-cm.yaml"} <= names


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_reads_without_problems(path: Path) -> None:
    doc = read_document(path, today=TODAY)
    assert doc.warnings == ()
    assert doc.vendors and doc.people and doc.components
    assert len(doc.sessions) >= 1
    assert 5 <= len(doc.sessions[0].ideas) <= 8
    assert 3 <= len(doc.disclosures) <= 5


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_has_what_a_demo_needs(path: Path) -> None:
    doc = read_document(path, today=TODAY)
    assert any(vendor.competitors for vendor in doc.vendors)
    assert any(person.organization != INTERNAL for person in doc.people)
    vendor_staff = {p.key for p in doc.people if p.organization != INTERNAL}
    joint = [
        d for d in doc.disclosures
        if any(i.person_key in vendor_staff and i.role == "inventor" and i.contribution
               for i in d.draft.inventors)
    ]
    assert joint, "no joint disclosure with a vendor inventor's share"
    kinds = {event.kind for d in doc.disclosures for event in d.events}
    assert {"vendor-disclosure-nda", "public-disclosure", "provisional-filed"} <= kinds
    for disclosure in doc.disclosures:
        assert disclosure.key is not None and parse_disclosure_key(disclosure.key)
        assert disclosure.draft.conception_date is not None
        assert disclosure.draft.conception_date.year == 2026
        assert abs(contribution_total(disclosure.draft.inventors) - 100) < 0.01
        for name in ("summary", "problem", "description", "variants", "advantages",
                     "prior_art"):
            assert len(getattr(disclosure.draft, name)) > 80, (disclosure.key, name)
    for component in doc.components:
        for score in (component.value_add, component.differentiation,
                      component.reverse_engineering_difficulty):
            assert 1 <= score <= 5
        # Every score has its reason, and the assessment its assessor and date.
        assert component.value_add_reason and component.differentiation_reason
        assert component.reverse_engineering_difficulty_reason
        assert component.assessor and component.assessed_on is not None
    # The outsourcing-risk demo: a tree, a critical set, decisions, a pin, and a vendor
    # serving a competitor whose safeguards are only partly in place.
    assert any(c.parent for c in doc.components)
    assert doc.critical_sets and all(len(s.members) >= 2 for s in doc.critical_sets)
    assert any(c.decision for c in doc.components) and any(c.pinned for c in doc.components)
    serving = [v for v in doc.vendors if v.competitors]
    assert any(v.safeguards and any(s.status != "done" for s in v.safeguards)
               for v in serving)


def test_samples_do_not_share_disclosure_keys() -> None:
    keys = [d.key for path in SAMPLES for d in read_document(path, today=TODAY).disclosures]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_round_trips(path: Path, fmt: str) -> None:
    doc = read_document(path, today=TODAY)
    text = dump_document(doc, fmt)
    again = parse_document(text, f"again.{fmt}", today=TODAY)
    assert again == doc
    # Writing the re-read document gives the same text: the writer is stable.
    assert dump_document(again, fmt) == text


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_written_file_reads_back_from_disk(tmp_path: Path, fmt: str) -> None:
    doc = parse(BASE)
    target = tmp_path / f"acme.{fmt}"
    target.write_text(dump_document(doc, fmt), encoding="utf-8")
    assert read_document(target, today=TODAY) == doc


def test_the_example_in_the_format_document_is_valid() -> None:
    format_md = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"
    text = format_md.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    doc = parse_document(example, "FORMAT.md", today=TODAY)
    assert doc.engagement.key == "acme-2026"
    assert doc.warnings == ()


def test_yaml_output_keeps_long_text_readable() -> None:
    doc = read_document(SAMPLES[0], today=TODAY)
    text = dump_document(doc)
    assert text.startswith("format: firstfile/1\n")
    assert "  description: |" in text  # literal blocks, not one escaped line
    assert "\\n" not in text
