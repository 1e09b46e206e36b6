"""The fixed vocabularies of the domain: statuses, phases, roles, event kinds.

Kept as plain tuples of strings because they travel unchanged through the database, the
interchange format, the CLI's JSON and the documents.
"""

from __future__ import annotations

PHASES: tuple[str, ...] = ("pre", "during", "post")
ENGAGEMENT_PHASES: tuple[str, ...] = (*PHASES, "closed")

# The counsel workflow (domain/workflow.py says which moves are allowed). "draft" and
# "submitted" come first: every status after "draft" has been submitted, so validation is
# strict for all of them.
DISCLOSURE_STATUSES: tuple[str, ...] = (
    "draft",
    "submitted",
    "in-review",
    "decided",
    "filed",
    "closed",
    "withdrawn",
)

ROLES: tuple[str, ...] = ("inventor", "contributor")

# Team roles an actor may hold (the issue that plans team mode names these four). Only
# "counsel" is checked so far: purging a disclosure needs it. Granting needs counsel or
# admin, except for the very first grant (services/roles.py).
TEAM_ROLES: tuple[str, ...] = ("engineer", "facilitator", "counsel", "admin")

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
    # Kinds the deadline engine reads (deadline_rules.EXTRA_EVENT_KINDS), so they can be
    # recorded like any other event; the date is the day it happened.
    "national-phase-entered",
    "utility-model-filed",
    "confidentiality-exam-requested",
    "confidentiality-exam-cleared",
    "foreign-filing-licence-granted",
    "nonpublication-requested",
    "nonpublication-rescinded",
    "grace-proof-filed",
    "vendor-application-published",
    "derivation-petition-filed",
    "employee-invention-reported",
    "employee-invention-claimed",
    "employee-invention-released",
)

# Counsel's filing decisions (REFERENCE.md section 1, practice 5), in the order offered.
DECISIONS: tuple[str, ...] = (
    "file-provisional",
    "file-nonprovisional",
    "file-pct",
    "trade-secret",
    "defensive-publication",
    "no-action",
)

# The organisation value that means "our own staff" rather than a vendor's.
INTERNAL = "internal"
