"""An import's disclosures prepared ahead of the write (services/import_prepared.py) are
exactly what the write would work out itself, only what time allows is prepared, and what
the write takes is not kept."""

from __future__ import annotations

import time
from dataclasses import replace

from firstfile.domain.disclosure import errors, validate
from firstfile.services.disclosures import creation_changes
from firstfile.services.import_prepared import Preparation
from firstfile.storage.audit import changes_text
from tests.integration.big_files import big_document


def _document():
    doc = big_document(40, ideas=2)
    d = doc.disclosures[3]
    # Text that cleaning changes, and a record with problems (no title).
    odd = replace(d, draft=replace(d.draft, title="Latch\x07 with\ttab", summary="a\x00b"))
    bad = replace(doc.disclosures[5], draft=replace(doc.disclosures[5].draft, title=""))
    return replace(doc, disclosures=(*doc.disclosures[:3], odd, doc.disclosures[4], bad,
                                     *doc.disclosures[6:]))


def test_prepared_disclosures_are_what_the_write_would_work_out() -> None:
    doc = _document()
    ahead = Preparation(doc)
    assert ahead.ahead(range(len(doc.disclosures)), until=time.monotonic() + 60) == 40
    on_the_spot = Preparation(doc)  # nothing prepared: worked out when taken
    assert doc.disclosures[3].draft.cleaned() != doc.disclosures[3].draft  # cleaning shows
    for index, d in enumerate(doc.disclosures):
        cleaned = d.draft.cleaned()
        problems = errors(validate(cleaned))
        assert ahead.draft(index) == on_the_spot.draft(index) == (cleaned, problems)
        if problems:
            assert index == 5
            continue
        text = changes_text(creation_changes(cleaned, d.events, submitted_on=d.submitted_on))
        assert ahead.creation(index, cleaned).text == text
        assert on_the_spot.creation(index, cleaned).text == text


def test_only_what_time_allows_is_prepared() -> None:
    doc = _document()
    preparation = Preparation(doc)
    assert preparation.ahead(range(40), until=time.monotonic()) == 0
    # Prepared in order, as far as the moment allowed; a second pass goes on from there.
    first = preparation.ahead(range(40), until=time.monotonic() + 0.002)
    assert 0 < first <= 40
    assert preparation.ahead(range(40), until=time.monotonic() + 60) == 40 - first


def test_what_the_write_takes_is_not_kept() -> None:
    doc = _document()
    preparation = Preparation(doc)
    preparation.ahead(range(10), until=time.monotonic() + 60)
    for index in range(10):
        draft, problems = preparation.draft(index)
        if not problems:
            preparation.creation(index, draft)
    # Taken, so prepared again from scratch when asked for.
    assert preparation.ahead(range(10), until=time.monotonic() + 60) == 10


def test_a_record_not_taken_is_let_go_of_when_a_later_disclosure_is_taken() -> None:
    """A disclosure stored already is updated, not created: its prepared "create" record
    is never taken, and must not be kept until the end of the file."""
    doc = _document()
    preparation = Preparation(doc)
    preparation.ahead(range(10), until=time.monotonic() + 60)
    for index in range(8):
        preparation.draft(index)  # taken as updates: no "create" record wanted
    # 0-6 let go of (7's draft was taken just now; its record may still be asked for);
    # 8 and 9 wait, whole.
    assert preparation.ahead(range(10), until=time.monotonic() + 60) == 7
    assert preparation.ahead(range(10), until=time.monotonic() + 60) == 0
