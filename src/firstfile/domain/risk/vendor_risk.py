"""Vendors that serve competitors (seed article, practice 7): safeguards and the vendor risk.

A vendor's risk (docs/RISK.md) is its knowledge exposure, scaled by what its competitor work
adds:

    risk = exposure x (b + (1 - b) x overlap x (1 - in_place))

b is the policy's no_competitor_share (the risk of a vendor known to serve no competitor,
as a share of its exposure), overlap = min(competitors served, n) / n with n the policy's
competitors_for_full_overlap, and in_place the sum of the policy weights of the safeguards
that are done (at most 1). Only a safeguard in place protects: one that is open, in progress
or ruled out (not applicable) takes nothing off. The figure is 0..1, never above exposure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from firstfile.domain.checklist import ItemDefinition
from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.policy import FirewallPolicy
from firstfile.domain.risk.vocabulary import ACTION_STATUSES, DONE, NOT_APPLICABLE, SAFEGUARD_KINDS


@dataclass(frozen=True, slots=True)
class Safeguard:
    """One of the article's safeguards for one vendor: where it stands and the evidence."""

    kind: str  # one of vocabulary.SAFEGUARD_KINDS
    status: str = "open"  # one of vocabulary.ACTION_STATUSES
    on: date | None = None  # when it came into force (done) or was ruled out
    evidence: str = ""  # where the signed term, the rate card or the licence is
    reason: str = ""  # why it does not apply (not-applicable)


@dataclass(frozen=True, slots=True)
class RiskVendor:
    """A vendor as the risk analysis needs it."""

    key: str
    name: str
    kind: str  # one of domain.vocabulary.VENDOR_KINDS
    competitors: tuple[str, ...] = ()  # names of competitors it is known to serve
    safeguards: tuple[Safeguard, ...] = ()


def vendor_where(key: str, field: str = "") -> str:
    """The path of a vendor's field in problems."""
    return f"vendors[{key}]" + (f".{field}" if field else "")


def safeguard_problems(vendor_key: str, safeguard: Safeguard) -> list[Problem]:
    """A safeguard must be a known kind and status; one in place needs its date and evidence,
    one ruled out needs the reason: each is what a reader in a dispute asks for. This is the
    check for recording one; stored data is held to `vendor_problems(stored=True)`."""
    return _form_problems(vendor_key, safeguard) + _proof_problems(vendor_key, safeguard)


def _form_problems(vendor_key: str, safeguard: Safeguard) -> list[Problem]:
    where = vendor_where(vendor_key, f"safeguards[{safeguard.kind}]")
    problems = []
    if safeguard.kind not in SAFEGUARD_KINDS:
        problems.append(
            Problem(
                where,
                f"{safeguard.kind!r} is not a safeguard: use one of {', '.join(SAFEGUARD_KINDS)}",
            )
        )
    if safeguard.status not in ACTION_STATUSES:
        problems.append(
            Problem(
                f"{where}.status",
                f"{safeguard.status!r} is not a status: use one of {', '.join(ACTION_STATUSES)}",
            )
        )
    return problems


def _proof_problems(vendor_key: str, safeguard: Safeguard) -> list[Problem]:
    where = vendor_where(vendor_key, f"safeguards[{safeguard.kind}]")
    problems = []
    if safeguard.status == DONE:
        if safeguard.on is None:
            problems.append(Problem(f"{where}.on", "give the date the safeguard came into force"))
        if not safeguard.evidence.strip():
            problems.append(
                Problem(
                    f"{where}.evidence",
                    "say where the evidence is (the signed clause, the rate card, ...)",
                )
            )
    if safeguard.status == NOT_APPLICABLE and not safeguard.reason.strip():
        problems.append(Problem(f"{where}.reason", "say why the safeguard does not apply"))
    return problems


def unproven(safeguard: Safeguard) -> bool:
    """True for a safeguard marked done without its date or evidence: it counts as in place
    (someone said it is), and the analysis flags it until the evidence is recorded."""
    return safeguard.status == DONE and (safeguard.on is None or not safeguard.evidence.strip())


def vendor_problems(vendors: Sequence[RiskVendor], *, stored: bool = False) -> list[Problem]:
    """Repeated vendor keys, safeguards recorded twice, and every safeguard's problems.

    stored: the safeguards come from the database, where a safeguard that is an agreement
    checklist term may have been ticked done on the checklist without evidence; only its kind
    and status are checked then (the missing evidence is flagged, `safeguard-unproven`).
    """
    problems = []
    keys: set[str] = set()
    for vendor in vendors:
        if vendor.key in keys:
            problems.append(Problem(vendor_where(vendor.key), "the vendor is listed twice"))
        keys.add(vendor.key)
        kinds: set[str] = set()
        for safeguard in vendor.safeguards:
            if safeguard.kind in kinds:
                problems.append(
                    Problem(
                        vendor_where(vendor.key, f"safeguards[{safeguard.kind}]"),
                        "recorded twice: keep one record per safeguard",
                    )
                )
            kinds.add(safeguard.kind)
            if stored:
                problems += _form_problems(vendor.key, safeguard)
            else:
                problems += safeguard_problems(vendor.key, safeguard)
    return problems


def safeguard_items(items: Sequence[ItemDefinition]) -> dict[str, str]:
    """safeguard kind -> the id of the agreement-checklist item that is that term (the first
    item tagged with the kind), for the kinds the checklist carries.

    A safeguard that is a term of the agreement is recorded once, as that checklist item; the
    others (a premium rate, by default) are recorded on their own.
    """
    found: dict[str, str] = {}
    for item in items:
        for tag in item.tags:
            if tag in SAFEGUARD_KINDS:
                found.setdefault(tag, item.id)
    return found


def competitors_served(vendor: RiskVendor) -> tuple[str, ...]:
    """The vendor's competitors, blanks dropped, each name once (case does not matter)."""
    seen: dict[str, str] = {}
    for name in vendor.competitors:
        cleaned = " ".join(name.split())
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return tuple(seen.values())


def competitor_overlap(vendor: RiskVendor, policy: FirewallPolicy) -> float:
    """min(competitors served, n) / n, n = the policy's competitors_for_full_overlap."""
    full = max(policy.competitors_for_full_overlap, 1)
    return min(len(competitors_served(vendor)), full) / full


def safeguards_in_place(vendor: RiskVendor, policy: FirewallPolicy) -> float:
    """The sum of the policy weights of the vendor's safeguards that are done, at most 1."""
    done = {s.kind for s in vendor.safeguards if s.status == DONE}
    return min(1.0, sum(rule.weight for rule in policy.safeguards if rule.kind in done))


@dataclass(frozen=True, slots=True)
class VendorRisk:
    """The parts of a vendor's risk figure and the figure itself."""

    exposure: float
    overlap: float
    in_place: float
    risk: float
    open_safeguards: tuple[str, ...]  # kinds not done, in the policy's order


def vendor_risk(vendor: RiskVendor, exposure: float, policy: FirewallPolicy) -> VendorRisk:
    """The vendor's risk given its knowledge exposure (see the module docstring)."""
    overlap = competitor_overlap(vendor, policy)
    in_place = safeguards_in_place(vendor, policy)
    base = policy.no_competitor_share
    risk = exposure * (base + (1 - base) * overlap * (1 - in_place))
    done = {s.kind for s in vendor.safeguards if s.status == DONE}
    open_kinds = tuple(rule.kind for rule in policy.safeguards if rule.kind not in done)
    return VendorRisk(exposure, overlap, in_place, risk, open_kinds)
