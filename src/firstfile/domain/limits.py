"""How long a stored value may be: the database's column sizes, the same for every backend.

SQLite keeps a longer value without a word and PostgreSQL refuses it, so every way in (an
import, the services, the editor) checks these sizes first, with a message that says what
to shorten: a file that imports into SQLite imports into PostgreSQL as well. storage/tables.py
declares its columns with the same sizes; a test compares the two.
"""

from __future__ import annotations

NAME_CHARS = 200  # a name or title: engagement, product, vendor, person, component, session
EMAIL_CHARS = 254  # the longest address RFC 5321 allows
KIND_CHARS = 32  # a component's kind (firmware, pcb, ...)
PROMPT_ID_CHARS = 64  # the prompt that raised an idea
LINE_CHARS = 200  # a disclosure's one-line fields: business unit, jurisdictions, submitter
JURISDICTION_CHARS = 8  # an event's country or office code (US, EP, CN, WO)
REFERENCE_CHARS = 200  # an event's application number, agreement or venue
VOTES_MAX = 1_000_000  # the dots on one idea; far beyond any room

# Every (table, column) the interchange reader and the services fill from text, and its size.
COLUMN_CHARS: dict[tuple[str, str], int] = {
    ("engagement", "name"): NAME_CHARS,
    ("engagement", "product"): NAME_CHARS,
    ("vendor", "name"): NAME_CHARS,
    ("person", "name"): NAME_CHARS,
    ("person", "email"): EMAIL_CHARS,
    ("component", "name"): NAME_CHARS,
    ("component", "kind"): KIND_CHARS,
    ("extractionsession", "title"): NAME_CHARS,
    ("idea", "prompt_id"): PROMPT_ID_CHARS,
    ("disclosure", "title"): NAME_CHARS,
    ("disclosure", "business_unit"): LINE_CHARS,
    ("disclosure", "jurisdictions"): LINE_CHARS,
    ("disclosure", "submitter"): LINE_CHARS,
    ("disclosureevent", "jurisdiction"): JURISDICTION_CHARS,
    ("disclosureevent", "reference"): REFERENCE_CHARS,
}


def too_long(value: str, limit: int) -> str | None:
    """A message when value holds more than limit characters, else None."""
    if len(value) <= limit:
        return None
    return f"{len(value):,} characters is too long: the database keeps {limit}; shorten it"
