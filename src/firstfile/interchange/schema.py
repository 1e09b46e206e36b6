"""The keys each record of a `firstfile/1` file may hold, required first, in writing order.

One table shared by the reader (which rejects anything else) and the writer (which writes
fields in this order), so the two cannot drift apart.
"""

from __future__ import annotations

Keys = tuple[tuple[str, ...], tuple[str, ...]]  # (required, optional)

TOP: Keys = (("format", "engagement"), ("vendors", "people", "components", "critical_sets",
                                        "sessions", "disclosures", "strategy", "tracers"))
ENGAGEMENT: Keys = (("key", "name"), ("product", "phase", "vendor_facing_name"))
VENDOR: Keys = (("key", "name", "kind", "country"),
                ("competitors", "nda_signed_on", "nda_expires_on", "safeguards"))
SAFEGUARD: Keys = (("kind", "status"), ("date", "evidence", "reason", "who"))
PERSON: Keys = (("key", "name"), ("email", "organization"))
COMPONENT: Keys = (
    ("key", "name", "value_add", "differentiation", "reverse_engineering_difficulty"),
    ("kind", "parent", "rationale", "assessor", "assessed_on", "decision", "vendors", "pinned",
     "actions"),
)
# The reason for each score, by the score's name.
RATIONALE: Keys = ((), ("value_add", "differentiation", "reverse_engineering_difficulty"))
DECISION: Keys = (("disposition",), ("reason", "decided_by", "decided_on"))
ACTION: Keys = (("vendor", "tactic", "status"), ("date", "evidence", "reason", "who"))
CRITICAL_SET: Keys = (("key", "name", "members"), ("reveals", "note"))
SESSION: Keys = (("key", "title", "phase", "date", "facilitator"),
                 ("goal", "participants", "components", "decks", "time_box_minutes",
                  "prompt_minutes", "dots_per_participant", "ideas", "sittings"))
SITTING: Keys = (("started_at",), ("ended_at",))
# author is required unless authors names the authors (the reader checks that itself).
IDEA: Keys = (("text",), ("author", "authors", "prompt", "component", "votes", "status",
                          "merged_into"))
DISCLOSURE: Keys = (
    ("title",),
    (
        "key",
        "summary",
        "problem",
        "description",
        "variants",
        "advantages",
        "prior_art",
        "conception_date",
        "reduction_to_practice_date",
        "phase",
        "status",
        "submitted_on",
        "submitter",
        "business_unit",
        "prototype_exists",
        "records_location",
        "third_parties",
        "jurisdictions",
        "reverse_engineerable",
        "completed_in_china",
        "made_in_us",
        "inventors",
        "events",
        "components",
        "attachments",
    ),
)
# path: where the file lies, relative to the interchange file's folder (attachments/KEY/...);
# name: the file's own name as attached (the path's last part when left out).
ATTACHMENT: Keys = (("path",), ("name", "caption", "sha256"))
INVENTOR: Keys = (("person",), ("role", "contribution", "contribution_note", "employer_entity",
                                "citizenship", "postal_address"))
# The filing-strategy inputs (docs/RISK.md, "Inputs"); where it is made and designed is not
# written: it follows from the vendors.
STRATEGY: Keys = ((), ("annual_revenue", "currency", "horizon_years", "budget", "markets",
                       "competitors", "cost_indexes"))
MARKET: Keys = (("code", "revenue_share"), ())
COMPETITOR: Keys = (("code", "competitor"), ())
COST_INDEX: Keys = (("code", "cost_index", "source"), ())
TRACER: Keys = (("kind", "component", "vendor", "issued_on", "code"), ())
EVENT: Keys = (("kind", "date"), ("jurisdiction", "reference", "note", "claims_priority_of",
                                  "restored"))

IDEA_STATUSES: tuple[str, ...] = ("open", "parked", "promoted")
MERGED_STATUS = "parked"  # a merged idea is kept, parked, pointing at the one it joined
# The facilitation settings' ranges and defaults, as domain.sessions.check_setup has them.
TIME_BOX_MINUTES = (5, 480, 60)
PROMPT_MINUTES = (1, 480, 5)
DOTS_PER_PARTICIPANT = (1, 20, 3)
DECKS_MAX_CHARS = 400  # the database keeps deck names comma-separated in 400 characters
SCORE_MIN = 1
SCORE_MAX = 5
HORIZON_YEARS = (1, 20, 10)  # domain.strategy_inputs.MAX_HORIZON_YEARS; the default
