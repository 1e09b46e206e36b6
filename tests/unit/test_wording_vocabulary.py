"""The shipped wording has a word for every status and event kind the workflows can record,
so an exported disclosure never shows a raw value such as "in-review"."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest

from firstfile.domain.deadline_rules import EXTRA_EVENT_KINDS
from firstfile.domain.views import EventView
from firstfile.domain.vocabulary import DISCLOSURE_STATUSES, EVENT_KINDS
from firstfile.rendering.disclosure_docx import render_disclosure_docx, wording_context
from firstfile.rendering.disclosure_skeleton import DisclosureSkeleton
from firstfile.rendering.disclosure_values import clean_view
from firstfile.rendering.wording import load_disclosure_wording
from tests.unit.disclosure_samples import sample_view
from tests.unit.docx_reading import open_docx, record, rows, sections

ALL_KINDS = tuple(dict.fromkeys((*EVENT_KINDS, *EXTRA_EVENT_KINDS)))


def test_every_status_and_event_kind_has_a_label() -> None:
    wording = load_disclosure_wording(wording_context(clean_view(sample_view())))
    statuses = wording("record", "statuses")
    kinds = wording("events", "kinds")
    assert set(DISCLOSURE_STATUSES) <= set(statuses)
    assert set(ALL_KINDS) <= set(kinds)
    for value, label in [*statuses.items(), *kinds.items()]:
        assert label and label != value and label[0].isupper(), value


@pytest.mark.parametrize("status", DISCLOSURE_STATUSES)
def test_the_docx_shows_words_for_every_status_and_event(status: str) -> None:
    events = tuple(EventView(kind=kind, date=date(2026, 3, 1 + index), jurisdiction="DE")
                   for index, kind in enumerate(ALL_KINDS))
    view = sample_view(status=status, events=events)
    wording = load_disclosure_wording(wording_context(clean_view(view)))
    document = open_docx(render_disclosure_docx(view))
    found = sections(document)
    facts = record(found[wording("record", "heading")].tables[0])
    assert facts[wording("record", "status")] == wording("record", "statuses")[status]
    shown = [row[0] for row in rows(found[wording("events", "heading")].tables[0])[1:]]
    assert shown == [wording("events", "kinds")[kind] for kind in ALL_KINDS]
    assert not set(shown) & set(ALL_KINDS)
    # the bundle's fast path writes the same bytes for the new words
    skeleton = DisclosureSkeleton.build()
    assert skeleton is not None
    assert open_docx(skeleton.render(view)).paragraphs[0].text == document.paragraphs[0].text
    assert _parts(skeleton.render(view)) == _parts(render_disclosure_docx(view))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}
