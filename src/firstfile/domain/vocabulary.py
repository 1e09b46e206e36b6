"""The fixed vocabularies of the domain: statuses, phases, roles, event kinds.

Kept as plain tuples of strings because they travel unchanged through the database, the
interchange format, the CLI's JSON and the documents.
"""

from __future__ import annotations

PHASES: tuple[str, ...] = ("pre", "during", "post")
ENGAGEMENT_PHASES: tuple[str, ...] = (*PHASES, "closed")

# The counsel workflow (a later step) extends this list; the foundation knows draft and submitted.
DISCLOSURE_STATUSES: tuple[str, ...] = ("draft", "submitted")

ROLES: tuple[str, ...] = ("inventor", "contributor")

VENDOR_KINDS: tuple[str, ...] = ("contract-manufacturer", "design-firm", "odm", "test-house")

# Events on a disclosure (REFERENCE.md section 2 item 10 and section 3).
EVENT_KINDS: tuple[str, ...] = (
    "public-disclosure",
    "offer-for-sale",
    "vendor-disclosure-nda",
    "vendor-disclosure-no-nda",
    "provisional-filed",
    "nonprovisional-filed",
    "pct-filed",
    "published",
    "granted",
)

# The organisation value that means "our own staff" rather than a vendor's.
INTERNAL = "internal"
