"""Whatever text a record holds, writing it and reading it back gives the same document."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from firstfile.domain.disclosure import TITLE_MAX_CHARS
from firstfile.domain.limits import NAME_CHARS
from firstfile.domain.text import clean_line, clean_text
from firstfile.interchange import InterchangeDocument, dump_document, parse_document
from tests.unit.interchange_cases import BASE, TODAY, parse

_BASE_DOC = parse(BASE)

# All of Unicode, including controls, line separators and YAML's indicators; text within the
# Basic Multilingual Plane on its own too, since the YAML writer picks its emitter by that.
texts = st.text(alphabet=st.characters(codec=None), max_size=300) | st.text(
    alphabet=st.characters(codec=None, max_codepoint=0xFFFF), max_size=300
) | st.sampled_from([
    "", " ", "\n", " leading", "trailing \n", "a\n\n\nb", "- item\n- item", "key: value",
    "#not a comment", "'quoted'", '"double"', "|", ">", "&anchor", "*alias", "!tag",
    "null", "~", "yes", "NO", "0x1F", "1e5", "2026-02-30", "{{ 7*7 }}", "\t tab", "\u2028",
    "\x85next", "a \nb", "\ufeffbom",
])


def _document(title: str, summary: str, description: str, name: str,
              note: str) -> InterchangeDocument:
    disclosure = _BASE_DOC.disclosures[0]
    draft = replace(disclosure.draft, title=title, summary=summary, description=description)
    event = replace(disclosure.events[0], note=note)
    person = replace(_BASE_DOC.people[0], name=name)
    return replace(
        _BASE_DOC,
        people=(person, *_BASE_DOC.people[1:]),
        disclosures=(replace(disclosure, draft=draft, events=(event,)),),
    )


@settings(max_examples=300, deadline=None)
@given(title=texts, summary=texts, description=texts, name=texts, note=texts)
def test_any_text_round_trips(title: str, summary: str, description: str, name: str,
                              note: str) -> None:
    # What the reader would have stored: cleaned text; a title and a name must say something.
    title = clean_line(title)[:TITLE_MAX_CHARS].strip() or "Untitled"
    # The reader refuses a name longer than the database keeps (domain/limits.py).
    name = clean_line(name)[:NAME_CHARS].strip() or "Jane Doe"
    doc = _document(title, clean_text(summary), clean_text(description), name,
                    clean_text(note))
    for fmt in ("yaml", "json"):
        again = parse_document(dump_document(doc, fmt), f"again.{fmt}", today=TODAY)
        assert again == doc, fmt


def test_defaults_are_left_out_and_read_back_as_defaults() -> None:
    text = dump_document(_BASE_DOC)
    assert "votes: 0" not in text and "status: open" not in text
    assert "prototype_exists" not in text and "organization: internal" not in text
    assert parse_document(text, "x.yaml", today=TODAY) == _BASE_DOC


def test_shared_values_are_written_out_in_full() -> None:
    # Records built in memory often share one date or tuple object; YAML must not alias them.
    disclosure = _BASE_DOC.disclosures[0]
    shared = date(2026, 3, 2)
    copies = tuple(
        replace(disclosure, key=f"FF-2026-{n:04d}",
                draft=replace(disclosure.draft, conception_date=shared))
        for n in range(1, 4)
    )
    doc = replace(_BASE_DOC, disclosures=copies)
    text = dump_document(doc)
    assert "&id" not in text and "*id" not in text
    assert parse_document(text, "x.yaml", today=TODAY) == doc


def test_unknown_format_name_is_an_error() -> None:
    try:
        dump_document(_BASE_DOC, "toml")
    except ValueError as exc:
        assert "toml" in str(exc)
    else:
        raise AssertionError("dump_document accepted 'toml'")
