"""The values of a disclosure as documents show them: cleaned text, dates, yes/no, percentages.

Both the DOCX and the Markdown export read a view that went through `clean_view`, so the two
formats show the same characters, and the formatting helpers here are shared by both (the
Markdown template reaches them as jinja2 filters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from firstfile.domain.disclosure import TEXT_FIELDS
from firstfile.domain.text import clean_line, clean_prose, clean_text
from firstfile.domain.views import DisclosureView, EventView, InventorView

# One-line fields (shown in table cells and headings); the multi-line fields (shown as
# paragraphs) are the draft's TEXT_FIELDS. Event notes are shown in a table cell, so they are
# one-line here.
LINE_FIELDS: tuple[str, ...] = (
    "key",
    "title",
    "status",
    "engagement_key",
    "engagement_name",
    "phase",
    "submitter",
    "submitter_name",
    "business_unit",
    "jurisdictions",
)
_INVENTOR_FIELDS = ("person_key", "name", "email", "organization", "organization_name", "role",
                    "citizenship", "employer_entity")
_INVENTOR_TEXT_FIELDS = ("postal_address", "contribution_note")
_EVENT_FIELDS = ("kind", "jurisdiction", "reference", "note")


def map_strings(
    view: DisclosureView, line: Callable[[str], str], text: Callable[[str], str]
) -> DisclosureView:
    """A copy of view with `line` applied to every one-line string and `text` to the others."""
    changes: dict[str, Any] = {name: line(getattr(view, name)) for name in LINE_FIELDS}
    changes.update({name: text(getattr(view, name)) for name in TEXT_FIELDS})
    changes["inventors"] = tuple(_map_inventor(p, line, text) for p in view.inventors)
    changes["events"] = tuple(_map_event(e, line) for e in view.events)
    changes["components"] = tuple(line(c) for c in view.components)
    changes["attachments"] = tuple(
        replace(a, file_name=line(a.file_name), caption=line(a.caption))
        for a in view.attachments
    )
    return replace(view, **changes)


def clean_view(view: DisclosureView) -> DisclosureView:
    """The view with every user string cleaned visibly (domain/text.py), ready for any format.

    Multi-line fields become prose (domain/text.py): one paragraph a line, a single line
    break inside a paragraph a space. A postal address keeps its lines, which are not
    sentences broken by a text box but the address as it is written on an envelope.
    """
    cleaned = map_strings(view, clean_line, clean_prose)
    addresses = [clean_text(p.postal_address) for p in view.inventors]
    return replace(cleaned, inventors=tuple(
        replace(p, postal_address=address)
        for p, address in zip(cleaned.inventors, addresses, strict=True)))


def _map_inventor(person: InventorView, line: Callable[[str], str],
                  text: Callable[[str], str]) -> InventorView:
    changes: dict[str, Any] = {name: line(getattr(person, name)) for name in _INVENTOR_FIELDS}
    changes.update({name: text(getattr(person, name)) for name in _INVENTOR_TEXT_FIELDS})
    return replace(person, **changes)


def _map_event(event: EventView, line: Callable[[str], str]) -> EventView:
    changes: dict[str, Any] = {name: line(getattr(event, name)) for name in _EVENT_FIELDS}
    return replace(event, **changes)


def given(value: str) -> bool:
    """True when a text field holds more than white space."""
    return bool(value and value.strip())


def format_moment(value: datetime) -> str:
    """A moment in UTC to the second (`2026-03-01 09:30:00 UTC`); a naive one is UTC already
    (SQLite hands stored UTC moments back without their zone)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def format_date(value: date | None, not_given: str) -> str:
    """ISO 8601 (2026-03-01): the one date form that no reader in any country misreads."""
    return value.isoformat() if value else not_given


def format_yes_no(value: bool | None, yes: str, no: str, unknown: str) -> str:
    """Yes, no, or unknown when the question has not been answered (None)."""
    if value is None:
        return unknown
    return yes if value else no


def format_contribution(value: float | None, not_given: str, *, sole: bool = False) -> str:
    """A contribution share as `40 %`, or `12.5 %`; a sole inventor without one holds 100 %
    (domain/disclosure: a lone inventor counts as 100); not_given otherwise."""
    if value is None:
        return "100 %" if sole else not_given
    return f"{value:g} %"


def format_engagement(view: DisclosureView, not_given: str) -> str:
    """The engagement's name with its key, so a reader can look it up."""
    if view.engagement_name and view.engagement_key:
        return f"{view.engagement_name} ({view.engagement_key})"
    return view.engagement_name or view.engagement_key or not_given


def lines(value: str) -> list[str]:
    """Split cleaned text into lines on '\\n' only.

    str.splitlines() would also split on U+2028, U+0085 and other separators that a document
    can store inside a paragraph, so text would not read back as it was written.
    """
    return value.split("\n")


def paragraphs(value: str, placeholder: str = "") -> str:
    """Text as paragraphs separated by blank lines (Markdown's paragraph break).

    Empty lines are left out, as Markdown cannot show an empty paragraph.
    """
    kept = [line for line in lines(value) if line.strip()]
    return "\n\n".join(kept) if kept else placeholder


def table_cell(value: str) -> str:
    """Multi-line text inside one Markdown table cell: the lines joined by <br>."""
    return "<br>".join(line for line in lines(value) if line.strip())
