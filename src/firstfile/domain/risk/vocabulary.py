"""The fixed words of the outsourcing-risk analysis: kinds, scores, dispositions, safeguards.

Plain tuples of strings, like domain/vocabulary.py, because they travel unchanged through the
database, the interchange format, the CLI's JSON, the policy file and the documents.
"""

from __future__ import annotations

from firstfile.domain.checklist import ITEM_STATUSES

# What a component is (issue 11, practice 1). The policy file says which vendor kinds can
# make which of these, and may map an organisation's own words (pcb, enclosure) onto them.
COMPONENT_KINDS: tuple[str, ...] = (
    "hardware",
    "firmware",
    "software",
    "mechanical",
    "process",
    "test",
)

# The article's three tests for what to keep in-house, as the three 1-5 scores.
SCORE_NAMES: tuple[str, ...] = ("value_add", "differentiation", "reverse_engineering_difficulty")
SCORE_LABELS: dict[str, str] = {
    "value_add": "value added",
    "differentiation": "differentiation",
    "reverse_engineering_difficulty": "difficulty of reverse engineering",
}
SCORE_MIN = 1
SCORE_MAX = 5
# A rationale is one line: the reason for a score, not an essay.
RATIONALE_MAX_CHARS = 200

# What to do with a component, recommended by the policy and decided by the user.
FIREWALL = "firewall"
OUTSOURCE_WITH_SAFEGUARDS = "outsource-with-safeguards"
OUTSOURCE = "outsource"
DISPOSITIONS: tuple[str, ...] = (FIREWALL, OUTSOURCE_WITH_SAFEGUARDS, OUTSOURCE)
DISPOSITION_LABELS: dict[str, str] = {
    FIREWALL: "keep in-house (firewall)",
    OUTSOURCE_WITH_SAFEGUARDS: "outsource with safeguards",
    OUTSOURCE: "outsource",
}

# The article's safeguards against a vendor working for competitors (practice 7). The names
# of the first, second and fourth are the tags of the agreement-checklist items that carry
# the same term (templates/checklists/agreement.yaml); a premium rate is a commercial choice,
# not a term of the agreement.
FIELD_OF_BUSINESS = "field-of-business"
EXCLUSIVITY = "exclusivity"
PREMIUM_RATE = "premium-rate"
LICENSING_INCENTIVE = "licensing-incentive"
SAFEGUARD_KINDS: tuple[str, ...] = (
    FIELD_OF_BUSINESS,
    EXCLUSIVITY,
    PREMIUM_RATE,
    LICENSING_INCENTIVE,
)

# Statuses of a safeguard and of a design-tactic action: the checklist's own statuses, so one
# word means the same thing on every list. Only "done" protects anything.
ACTION_STATUSES: tuple[str, ...] = ITEM_STATUSES
DONE = "done"
NOT_APPLICABLE = "not-applicable"

# How much of a component a vendor sees (docs/RISK.md, "How the tree is read").
FULL = "full"
INTERFACE = "interface"
UNSEEN = ""

# Flags on the engagement (the CLI's `flags`, the screen's red marks).
FIREWALL_ASSIGNED_FLAG = "firewall-assigned"
FIREWALL_TOUCHED_FLAG = "firewall-touched"
COULD_REPRODUCE_FLAG = "could-reproduce"
COMPETITOR_UNGUARDED_FLAG = "competitor-unguarded"
DECISION_UNEXPLAINED_FLAG = "decision-unexplained"
SAFEGUARD_UNPROVEN_FLAG = "safeguard-unproven"
# In the order the flags are listed: the ones that mean knowledge is already leaving first.
FLAG_KINDS: tuple[str, ...] = (
    FIREWALL_ASSIGNED_FLAG,
    COULD_REPRODUCE_FLAG,
    FIREWALL_TOUCHED_FLAG,
    COMPETITOR_UNGUARDED_FLAG,
    DECISION_UNEXPLAINED_FLAG,
    SAFEGUARD_UNPROVEN_FLAG,
)
