"""The phase guide: what to do before, during and after an engagement, and what is done.

The steps come from the seed article's seven practices (REFERENCE.md section 1). A step is
either derived from the data (an extraction session exists for the phase, every vendor's
agreement checklist is complete, no draft disclosure is older than 30 days, ...) or, where the
data cannot tell, ticked by hand with a date, who and a note. Plain data in, step states out:
services gather the facts, this module only decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from firstfile.domain.checklist import Checklist, competitor_flags
from firstfile.domain.risk.exposure import (
    Assignment,
    CriticalSet,
    assigned_by_vendor,
    critical_set_sights,
)
from firstfile.domain.risk.policy import listing
from firstfile.domain.risk.vocabulary import FIREWALL
from firstfile.domain.vocabulary import ENGAGEMENT_PHASES, PHASES

# A draft left longer than this is an invention that is not moving towards a filing.
STALE_DRAFT_DAYS = 30


@dataclass(frozen=True, slots=True)
class StepDefinition:
    """One step of the guide: its phase, the practice it serves, and how it is decided."""

    id: str
    phase: str
    practice: int  # 1..7, the seed article's practice
    title: str
    help: str
    derived: bool  # True: decided from the data; False: ticked by hand


STEPS: tuple[StepDefinition, ...] = (
    StepDefinition("pre-firewall", "pre", 1, "Firewall the key components",
                   "Keep the components that make the product hard to copy in-house, and "
                   "assign none of them to a vendor.", derived=True),
    StepDefinition("pre-where", "pre", 2, "Choose where to outsource",
                   "Weigh IP enforceability and filing cost in the vendors' countries; pick the "
                   "filing set that covers where the product is made, sold and used.",
                   derived=False),
    StepDefinition("pre-split", "pre", 6, "Split the work across vendors",
                   "No single vendor should see every outsourced component, nor every part "
                   "of a critical set.", derived=True),
    StepDefinition("pre-extract", "pre", 3, "Extract and file before outsourcing",
                   "Run a pre-engagement extraction session and file what it finds before the "
                   "design package goes out.", derived=True),
    StepDefinition("pre-agreements", "pre", 4, "Agree ownership and confidentiality",
                   "Complete every vendor's agreement checklist before information is shared.",
                   derived=True),
    StepDefinition("pre-competitors", "pre", 7, "Keep vendors from serving competitors",
                   "A vendor serving a known competitor needs a field-of-business restriction "
                   "or exclusivity.", derived=True),
    StepDefinition("during-log", "during", 5, "Log inventions as they happen",
                   f"Capture inventions as they come up; no draft disclosure older than "
                   f"{STALE_DRAFT_DAYS} days.", derived=True),
    StepDefinition("during-session", "during", 5, "Run a \"during\" extraction session",
                   "Ask what has been invented since the engagement started.", derived=True),
    StepDefinition("during-terms", "during", 4, "Keep the agreement terms current",
                   "Every vendor's checklist stays complete, and every joint disclosure is "
                   "covered by an agreed joint-IP-ownership term.", derived=True),
    StepDefinition("post-session", "post", 5, "Run a post-engagement extraction session",
                   "Capture what was learnt before the team moves on.", derived=True),
    StepDefinition("post-return", "post", 4, "Materials returned or destroyed, certified",
                   "Each vendor certifies in writing that every material, backups included, "
                   "was returned or destroyed.", derived=False),
    StepDefinition("post-decisions", "post", 5, "Make the final filing decisions",
                   "Every disclosure from the engagement has a filing decision and none is "
                   "left as a draft.", derived=True),
)

STEP_IDS: frozenset[str] = frozenset(step.id for step in STEPS)


def step_definition(step_id: str) -> StepDefinition | None:
    """The step with that id, or None."""
    return next((step for step in STEPS if step.id == step_id), None)


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """A component, the user's decision for it ("" while there is none: the firewall
    policy's recommendation applies) and the vendors it is assigned to."""

    key: str
    name: str
    decision: str = ""  # one of domain.risk.vocabulary.DISPOSITIONS, or ""
    vendor_keys: tuple[str, ...] = ()

    @property
    def kept_in_house(self) -> bool:
        """True when the user decided to keep the component in-house (firewall)."""
        return self.decision == FIREWALL


@dataclass(frozen=True, slots=True)
class DisclosureFacts:
    key: str
    status: str
    created_on: date
    decision: str = ""


@dataclass(frozen=True, slots=True)
class Tick:
    """A step ticked by hand."""

    done_on: date
    who: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class EngagementFacts:
    """Everything the guide is derived from, gathered by the service in one read."""

    phase: str
    vendor_names: Mapping[str, str]  # key -> name of every vendor on the engagement
    components: Sequence[ComponentFacts] = ()
    critical_sets: Sequence[CriticalSet] = ()
    session_phases: Mapping[str, int] = field(default_factory=dict)  # phase -> sessions held
    disclosures: Sequence[DisclosureFacts] = ()
    checklists: Sequence[Checklist] = ()
    joint_ip_flag_count: int = 0
    ticks: Mapping[str, Tick] = field(default_factory=dict)


# A derivation rule: (done, what the data says).
_Rule = Callable[[EngagementFacts, date], tuple[bool, str]]


@dataclass(frozen=True, slots=True)
class StepState:
    """A step and whether it is done: derived (with what the data says) or ticked by hand."""

    step: StepDefinition
    done: bool
    detail: str
    tick: Tick | None = None


@dataclass(frozen=True, slots=True)
class PhaseSteps:
    phase: str
    current: bool
    steps: tuple[StepState, ...]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)


def phase_guide(facts: EngagementFacts, today: date) -> tuple[PhaseSteps, ...]:
    """The steps of every phase with their states; the engagement's own phase is current."""
    return tuple(
        PhaseSteps(
            phase=phase,
            current=phase == facts.phase,
            steps=tuple(step_state(step, facts, today) for step in STEPS if step.phase == phase),
        )
        for phase in PHASES
    )


def step_state(step: StepDefinition, facts: EngagementFacts, today: date) -> StepState:
    """One step's state from the facts (a hand tick only counts for hand-ticked steps)."""
    if not step.derived:
        tick = facts.ticks.get(step.id)
        if tick is None:
            return StepState(step, False, "not ticked yet")
        detail = f"ticked {tick.done_on.isoformat()}" + (f" by {tick.who}" if tick.who else "")
        return StepState(step, True, detail, tick)
    done, detail = _RULES[step.id](facts, today)
    return StepState(step, done, detail)


def next_phase(phase: str) -> str | None:
    """The phase after this one (pre -> during -> post -> closed), or None after closed."""
    index = ENGAGEMENT_PHASES.index(phase) if phase in ENGAGEMENT_PHASES else -1
    return ENGAGEMENT_PHASES[index + 1] if 0 <= index < len(ENGAGEMENT_PHASES) - 1 else None


# --- the rules ----------------------------------------------------------------------------------


def _firewall(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
    if not facts.components:
        return False, "no components recorded: break the product into components first"
    walled = [c for c in facts.components if c.kept_in_house]
    leaked = [c for c in walled if c.vendor_keys]
    if leaked:
        first = leaked[0]
        names = ", ".join(facts.vendor_names.get(k, k) for k in first.vendor_keys)
        return False, f"{first.name} is to be kept in-house but is assigned to {names}"
    if not walled:
        return False, (f"none of {len(facts.components)} components is decided to be kept "
                       "in-house")
    return True, f"{len(walled)} of {len(facts.components)} components kept in-house"


def could_reproduce(facts: EngagementFacts) -> list[tuple[CriticalSet, str]]:
    """(critical set, vendor key) for every vendor assigned every member of a critical set."""
    held = assigned_by_vendor(
        Assignment(c.key, vendor) for c in facts.components for vendor in c.vendor_keys
    )
    sights = critical_set_sights(facts.critical_sets, held)
    return [
        (critical, vendor)
        for critical, sight in zip(facts.critical_sets, sights, strict=True)
        for vendor in sight.could_reproduce
    ]


def _split(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
    whole = could_reproduce(facts)
    if whole:
        critical, vendor = whole[0]
        name = facts.vendor_names.get(vendor, vendor)
        return False, (f"{name} holds every part of {critical.name} "
                       f"({listing(critical.members)}) and could reproduce it")
    outsourced = [c for c in facts.components if c.vendor_keys and not c.kept_in_house]
    if len(outsourced) < 2:
        return False, "fewer than two components assigned to vendors"
    everything = {c.key for c in outsourced}
    for vendor_key, name in facts.vendor_names.items():
        seen = {c.key for c in outsourced if vendor_key in c.vendor_keys}
        if seen == everything:
            return False, f"{name} sees every outsourced component"
    return True, f"{len(outsourced)} outsourced components split across vendors"


def _session_rule(phase: str) -> _Rule:
    def rule(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
        held = facts.session_phases.get(phase, 0)
        if held:
            return True, f"{held} {phase} extraction session{'s' if held > 1 else ''}"
        return False, f"no {phase} extraction session yet"
    return rule


def _checklists_complete(facts: EngagementFacts) -> tuple[bool, str]:
    if not facts.checklists:
        return False, "no vendors on this engagement yet"
    unfinished = [c for c in facts.checklists if not c.complete]
    if unfinished:
        parts = ", ".join(f"{c.vendor.name} ({c.open_count} open)" for c in unfinished)
        return False, f"checklists not complete: {parts}"
    return True, f"all {len(facts.checklists)} vendor checklists complete"


def _agreements(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
    return _checklists_complete(facts)


def _terms_current(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
    done, detail = _checklists_complete(facts)
    if facts.joint_ip_flag_count:
        n = facts.joint_ip_flag_count
        return False, f"{n} joint disclosure{'s' if n > 1 else ''} without agreed joint-IP terms"
    return done, detail


def _competitors(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
    flags = competitor_flags(facts.checklists)
    if flags:
        return False, "; ".join(flag.message for flag in flags)
    serving = sum(1 for c in facts.checklists if c.vendor.serves_competitor)
    if serving:
        return True, f"{serving} vendor(s) serving competitors are restricted"
    return True, "no vendor is known to serve a competitor"


def _stale_drafts(facts: EngagementFacts, today: date) -> tuple[bool, str]:
    limit = today - timedelta(days=STALE_DRAFT_DAYS)
    stale = sorted(d.key for d in facts.disclosures if d.status == "draft" and d.created_on < limit)
    if stale:
        return False, f"drafts older than {STALE_DRAFT_DAYS} days: {', '.join(stale)}"
    return True, f"no draft older than {STALE_DRAFT_DAYS} days"


def _decisions(facts: EngagementFacts, _today: date) -> tuple[bool, str]:
    if not facts.disclosures:
        return True, "no disclosures to decide"
    drafts = [d.key for d in facts.disclosures if d.status == "draft"]
    undecided = [d.key for d in facts.disclosures if not d.decision and d.status != "draft"]
    if drafts or undecided:
        parts = []
        if drafts:
            parts.append(f"drafts: {', '.join(sorted(drafts))}")
        if undecided:
            parts.append(f"no decision: {', '.join(sorted(undecided))}")
        return False, "; ".join(parts)
    return True, f"all {len(facts.disclosures)} disclosures decided"


_RULES: dict[str, _Rule] = {
    "pre-firewall": _firewall,
    "pre-split": _split,
    "pre-extract": _session_rule("pre"),
    "pre-agreements": _agreements,
    "pre-competitors": _competitors,
    "during-log": _stale_drafts,
    "during-session": _session_rule("during"),
    "during-terms": _terms_current,
    "post-session": _session_rule("post"),
    "post-decisions": _decisions,
}
