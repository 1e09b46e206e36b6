"""Who submitted a disclosure and when, as a record crosses files and reaches documents:
the submitter by name, and the day it was submitted, not the day it was imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firstfile.interchange.reader import parse_document
from firstfile.interchange.writer import dump_document
from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.resources import sample_sessions
from firstfile.services import disclosures
from firstfile.services.importer import ImportRefused, Policy, import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store
from tests.unit.docx_reading import open_docx, record, sections

SAMPLE = sample_sessions() / "bms-shenzhen.yaml"


def _with_submitted_on(day: str) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    # The first submitted disclosure of the sample, submitted by dokafor.
    return text.replace(
        "    status: submitted\n    submitter: dokafor\n",
        f"    status: submitted\n    submitted_on: {day}\n    submitter: dokafor\n",
        1,
    )


def _submitted(store: Store):
    return next(v for v in disclosures.all_views(store) if v.submitter == "dokafor")


def test_an_imported_record_keeps_its_submission_day_and_shows_its_submitter_by_name(
    store: Store,
) -> None:
    import_document(
        store, parse_document(_with_submitted_on("2025-11-03"), SAMPLE.name), actor="tester"
    )
    view = _submitted(store)
    assert view.submitted_on == date(2025, 11, 3)
    assert view.submitted_by == "David Okafor"
    facts = record(
        sections(open_docx(render_disclosure_docx(view)))["About this disclosure"].tables[0]
    )
    assert facts["Submitted by"] == "David Okafor"
    assert facts["Date submitted"] == "2025-11-03"
    # Written back out and read again, the day travels with the record.
    text = dump_document(export_engagement(store, "bms48-shenzhen"))
    assert "submitted_on: 2025-11-03" in text
    again = import_document(store, parse_document(text, "again.yaml"), actor="tester")
    assert not again.changed


def test_another_submission_day_is_a_conflict_unless_overwritten(store: Store) -> None:
    import_document(
        store, parse_document(_with_submitted_on("2025-11-03"), SAMPLE.name), actor="tester"
    )
    other = parse_document(_with_submitted_on("2025-10-01"), SAMPLE.name)
    with pytest.raises(ImportRefused, match="submitted_on"):
        import_document(store, other, actor="tester")
    assert _submitted(store).submitted_on == date(2025, 11, 3)
    import_document(store, other, actor="tester", policy=Policy.OVERWRITE)
    assert _submitted(store).submitted_on == date(2025, 10, 1)


def test_a_submission_day_in_the_future_or_on_a_draft_is_refused(tmp_path: Path) -> None:
    from firstfile.interchange.problems import InterchangeError

    with pytest.raises(InterchangeError, match="is in the future"):
        parse_document(_with_submitted_on("2999-01-01"), SAMPLE.name)
    draft = _with_submitted_on("2025-11-03").replace(
        "    status: submitted\n    submitted_on", "    status: draft\n    submitted_on", 1
    )
    with pytest.raises(InterchangeError, match="a draft has not been submitted"):
        parse_document(draft, SAMPLE.name)
