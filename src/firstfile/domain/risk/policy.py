"""The firewall policy: how scores become a recommendation, and the other numbers of the analysis.

The policy is data (templates/policies/firewall.yaml, read by services/firewall_policy.py);
nothing here holds a threshold or a weight. The shipped policy follows the article's three
tests (seed article, practice 1): firewall what adds the most value, differentiates the product
and cannot be reverse engineered.

How a recommendation is made (docs/RISK.md): each of the three scores is a test that passes at
its threshold or above; the weights of the tests that pass are added up; that sum reaching
`firewall_at` recommends keeping the component in-house, reaching `safeguards_at` recommends
outsourcing it with safeguards, anything less outsourcing it. The reason is put together from
the policy's own words for each test passed and failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.tree import Assessment, ComponentNode, Decision
from firstfile.domain.risk.vocabulary import (
    COMPONENT_KINDS,
    DISPOSITION_LABELS,
    FIREWALL,
    OUTSOURCE,
    OUTSOURCE_WITH_SAFEGUARDS,
    SAFEGUARD_KINDS,
    SCORE_MAX,
    SCORE_MIN,
    SCORE_NAMES,
)
from firstfile.domain.vocabulary import VENDOR_KINDS


@dataclass(frozen=True, slots=True)
class ScoreTest:
    """One of the article's tests, read from one score."""

    score: str  # one of vocabulary.SCORE_NAMES
    threshold: int  # the test passes at this score or above
    weight: float  # how much the test counts, in the recommendation and in knowledge
    passes: str  # the words for a component that passes: "adds the most value"
    fails: str  # ... and for one that does not: "adds ordinary value"


@dataclass(frozen=True, slots=True)
class SafeguardRule:
    """How much a safeguard in place takes off a vendor's competitor risk, and its wording."""

    kind: str  # one of vocabulary.SAFEGUARD_KINDS
    weight: float  # 0..1; the weights of all safeguards add up to at most 1
    title: str
    help: str = ""


@dataclass(frozen=True, slots=True)
class Tactic:
    """One of the article's design tactics for a firewalled component a vendor must touch."""

    id: str
    title: str
    help: str = ""
    kinds: tuple[str, ...] = ()  # component kinds it suits; empty: every kind


@dataclass(frozen=True, slots=True)
class FirewallPolicy:
    """Every number and word the analysis takes from the policy file."""

    title: str
    source: str
    tests: tuple[ScoreTest, ...]  # one per score, in vocabulary.SCORE_NAMES order
    firewall_at: float  # weight of passed tests that recommends keeping in-house
    safeguards_at: float  # ... that recommends outsourcing with safeguards
    interface_share: float  # share of a node's knowledge its interface shows (0..1)
    no_competitor_share: float  # share of exposure that is risk for a vendor with no rival
    competitors_for_full_overlap: int  # competitors served at which overlap reaches 1
    safeguards: tuple[SafeguardRule, ...]
    makes: tuple[tuple[str, tuple[str, ...]], ...]  # vendor kind -> component kinds it makes
    kind_aliases: tuple[tuple[str, str], ...] = ()  # an organisation's word -> a kind
    tactics: tuple[Tactic, ...] = ()
    # The best split stops once no split can have a largest exposure lower by more than this
    # share of the engagement's knowledge; 0 asks for the exact best (docs/RISK.md, "Limits").
    split_tolerance: float = 0.0

    def test(self, score: str) -> ScoreTest:
        """The test read from score."""
        return next(t for t in self.tests if t.score == score)

    @property
    def aliases(self) -> dict[str, str]:
        """kind_aliases as a mapping."""
        return dict(self.kind_aliases)

    def component_kind(self, kind: str) -> str:
        """The kind the policy reads kind as: itself, its alias's target, or "" if unknown."""
        if kind in COMPONENT_KINDS:
            return kind
        return self.aliases.get(kind, "")

    def knows_vendor_kind(self, vendor_kind: str) -> bool:
        """True when the policy says what vendors of that kind can make."""
        return any(kind == vendor_kind for kind, _ in self.makes)

    def made_by(self, vendor_kind: str) -> tuple[str, ...]:
        """The component kinds a vendor of that kind can make (none for an unknown kind)."""
        return next((made for kind, made in self.makes if kind == vendor_kind), ())

    def can_make(self, vendor_kind: str, component_kind: str) -> bool:
        """True when a vendor of vendor_kind can make a component of component_kind."""
        kind = self.component_kind(component_kind)
        return bool(kind) and kind in self.made_by(vendor_kind)

    def safeguard(self, kind: str) -> SafeguardRule | None:
        """The rule for a safeguard kind, or None."""
        return next((rule for rule in self.safeguards if rule.kind == kind), None)

    def tactics_for(self, component_kind: str) -> tuple[Tactic, ...]:
        """The design tactics that suit a component of that kind, in the policy's order."""
        kind = self.component_kind(component_kind)
        return tuple(t for t in self.tactics if not t.kinds or kind in t.kinds)


def policy_problems(policy: FirewallPolicy) -> list[Problem]:
    """What makes a policy unusable, each with the path of the field in the policy file.

    The loader maps each path back to its line; a policy built in code is checked the same way.
    """
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(path, message))

    if tuple(t.score for t in policy.tests) != SCORE_NAMES:
        add("tests", f"give one test for each score: {', '.join(SCORE_NAMES)}")
    total = 0.0
    for test in policy.tests:
        path = f"tests.{test.score}"
        if (
            isinstance(test.threshold, bool)
            or not isinstance(test.threshold, int)
            or not SCORE_MIN <= test.threshold <= SCORE_MAX
        ):
            add(
                f"{path}.threshold",
                f"{test.threshold!r} is not a score: use a whole number "
                f"from {SCORE_MIN} to {SCORE_MAX}",
            )
        if test.weight < 0:
            add(f"{path}.weight", f"{test.weight:g} is negative: use 0 or more")
        total += max(test.weight, 0.0)
        if not test.passes.strip() or not test.fails.strip():
            add(path, "give the words for a component that passes and one that fails")
    if total <= 0:
        add("tests", "every weight is 0: give at least one test a weight above 0")
    if not 0 < policy.safeguards_at <= policy.firewall_at:
        add(
            "recommend.safeguards",
            f"{policy.safeguards_at:g} must be above 0 and at most "
            f"the firewall level ({policy.firewall_at:g})",
        )
    if total > 0 and policy.firewall_at > total + 1e-9:
        add(
            "recommend.firewall",
            f"{policy.firewall_at:g} can never be reached: the weights "
            f"of the tests add up to {total:g}",
        )
    _share(add, "exposure.interface_share", policy.interface_share)
    _share(add, "vendor_risk.no_competitor_share", policy.no_competitor_share)
    if not 0 <= policy.split_tolerance <= 0.1:
        add(
            "split.tolerance",
            f"{policy.split_tolerance:g} must be from 0 (the exact best) to "
            "0.1 (ten percentage points of exposure)",
        )
    if (
        isinstance(policy.competitors_for_full_overlap, bool)
        or not isinstance(policy.competitors_for_full_overlap, int)
        or policy.competitors_for_full_overlap < 1
    ):
        add(
            "vendor_risk.competitors_for_full_overlap",
            f"{policy.competitors_for_full_overlap!r} must be a whole number of 1 or more",
        )
    kinds = [rule.kind for rule in policy.safeguards]
    for kind in SAFEGUARD_KINDS:
        if kind not in kinds:
            add(
                "safeguards",
                f"the safeguard {kind!r} is missing: give it a weight (0 if it should not count)",
            )
    safeguard_total = 0.0
    for rule in policy.safeguards:
        if rule.kind not in SAFEGUARD_KINDS:
            add(f"safeguards.{rule.kind}", f"unknown safeguard: use {', '.join(SAFEGUARD_KINDS)}")
        _share(add, f"safeguards.{rule.kind}.weight", rule.weight)
        safeguard_total += max(rule.weight, 0.0)
    if safeguard_total > 1 + 1e-9:
        add(
            "safeguards",
            f"the weights add up to {safeguard_total:g}: all safeguards in place "
            "may take off at most all of the competitor risk (1)",
        )
    for vendor_kind, made in policy.makes:
        if vendor_kind not in VENDOR_KINDS:
            add(f"makes.{vendor_kind}", f"unknown vendor kind: use {', '.join(VENDOR_KINDS)}")
        for kind in made:
            if kind not in COMPONENT_KINDS:
                add(
                    f"makes.{vendor_kind}",
                    f"{kind!r} is not a component kind: use {', '.join(COMPONENT_KINDS)}",
                )
    for word, kind in policy.kind_aliases:
        if word in COMPONENT_KINDS:
            add(f"kind_aliases.{word}", "is a component kind itself and cannot be an alias")
        if kind not in COMPONENT_KINDS:
            add(
                f"kind_aliases.{word}",
                f"{kind!r} is not a component kind: use {', '.join(COMPONENT_KINDS)}",
            )
    ids: set[str] = set()
    for index, tactic in enumerate(policy.tactics):
        if tactic.id in ids:
            add(f"tactics[{index}].id", f"{tactic.id!r} is used twice: give each tactic its own")
        ids.add(tactic.id)
        for kind in tactic.kinds:
            if kind not in COMPONENT_KINDS:
                add(
                    f"tactics[{index}].kinds",
                    f"{kind!r} is not a component kind: use {', '.join(COMPONENT_KINDS)}",
                )
    return problems


def _share(add: Callable[[str, str], None], path: str, value: float) -> None:
    if not 0 <= value <= 1:
        add(path, f"{value:g} is a share: use a number from 0 to 1")


# --- recommendation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recommendation:
    """What the policy recommends for a node, and why, in words."""

    disposition: str  # one of vocabulary.DISPOSITIONS
    reason: str  # "adds the most value, differentiates the product and cannot be ..."
    passed: tuple[str, ...]  # the scores whose tests passed
    weight_passed: float

    @property
    def label(self) -> str:
        """The disposition for people to read: "keep in-house (firewall)"."""
        return DISPOSITION_LABELS[self.disposition]


def recommend(assessment: Assessment, policy: FirewallPolicy) -> Recommendation:
    """The policy's recommendation for a node with these scores (see the module docstring)."""
    passed = tuple(t.score for t in policy.tests if assessment.score(t.score).value >= t.threshold)
    weight = sum(t.weight for t in policy.tests if t.score in passed)
    # A hair of tolerance so that 0.1 + 0.2 reaches a threshold written as 0.3.
    if weight >= policy.firewall_at - 1e-9:
        disposition = FIREWALL
    elif weight >= policy.safeguards_at - 1e-9:
        disposition = OUTSOURCE_WITH_SAFEGUARDS
    else:
        disposition = OUTSOURCE
    return Recommendation(disposition, _reason(policy, passed), passed, weight)


def _reason(policy: FirewallPolicy, passed: tuple[str, ...]) -> str:
    good = [t.passes.strip() for t in policy.tests if t.score in passed]
    bad = [t.fails.strip() for t in policy.tests if t.score not in passed]
    if good and bad:
        return f"{listing(good)}, but {listing(bad)}"
    return listing(good or bad)


def listing(words: Iterable[str]) -> str:
    """a; a and b; a, b and c."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def disposition_of(node: ComponentNode, policy: FirewallPolicy) -> str:
    """What applies to the node: the user's decision, else the policy's recommendation."""
    if node.decision is not None:
        return node.decision.disposition
    return recommend(node.assessment, policy).disposition


def against_recommendation(decision: Decision | None, recommendation: Recommendation) -> bool:
    """True when the user decided otherwise than the policy recommends."""
    return decision is not None and decision.disposition != recommendation.disposition
