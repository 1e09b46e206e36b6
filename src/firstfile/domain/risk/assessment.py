"""The outsourcing-risk picture of one engagement: what to keep in-house and why, what each
vendor sees, who could reproduce a subsystem, vendor risk, the red flags and the open actions.

Plain data in (`RiskInputs`, gathered by a service in one read, and the policy), plain data out
(`RiskAssessment`, which the CLI's JSON, the screen and the report display). Nothing here
reads a file or a database.

Flags (vocabulary.FLAG_KINDS):
- firewall-assigned: a node kept in-house (by decision, else by recommendation) is assigned to
  a vendor. It stays red whatever tactics are in place: the vendor has it.
- could-reproduce: a vendor is assigned every member of a critical set.
- firewall-touched: a node kept in-house goes into a node a vendor makes (the vendor is
  assigned one of its ancestors) and none of the design tactics that suit it is done.
- competitor-unguarded: a vendor serves a known competitor and no safeguard is in place.
- decision-unexplained: a decision goes against the recommendation without a reason (the
  policy changed after the decision, or the data came from elsewhere).
- safeguard-unproven: a safeguard is marked done without its date or evidence (ticked on the
  agreement checklist, which asks for neither); it still counts as in place.

Design-tactic actions: for every node kept in-house and every vendor that touches it (assigned
the node itself or one of its ancestors), one action per tactic of the policy that suits the
node's kind, with its recorded state (open when none is recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.exposure import (
    Assignment,
    CriticalSet,
    CriticalSetSight,
    ExposureMatrix,
    assigned_by_vendor,
    critical_set_problems,
    critical_set_sights,
    exposure_matrix,
    knowledge_by_node,
    share,
)
from firstfile.domain.risk.policy import (
    FirewallPolicy,
    Recommendation,
    against_recommendation,
    listing,
    recommend,
)
from firstfile.domain.risk.tree import (
    Assessment,
    ComponentNode,
    ComponentTree,
    Decision,
    RiskInputError,
    build_tree,
    tree_problems,
    where,
)
from firstfile.domain.risk.vendor_risk import (
    RiskVendor,
    Safeguard,
    competitors_served,
    unproven,
    vendor_problems,
    vendor_risk,
)
from firstfile.domain.risk.vocabulary import (
    ACTION_STATUSES,
    COMPETITOR_UNGUARDED_FLAG,
    COULD_REPRODUCE_FLAG,
    DECISION_UNEXPLAINED_FLAG,
    DISPOSITION_LABELS,
    DISPOSITIONS,
    DONE,
    FIREWALL,
    FIREWALL_ASSIGNED_FLAG,
    FIREWALL_TOUCHED_FLAG,
    FLAG_KINDS,
    NOT_APPLICABLE,
    SAFEGUARD_UNPROVEN_FLAG,
    SCORE_NAMES,
)


@dataclass(frozen=True, slots=True)
class TacticState:
    """Where one design-tactic action stands, as recorded."""

    component: str
    vendor: str
    tactic: str  # a tactic id of the policy
    status: str = "open"  # one of vocabulary.ACTION_STATUSES
    on: date | None = None
    evidence: str = ""
    reason: str = ""  # why it does not apply (not-applicable)


@dataclass(frozen=True, slots=True)
class RiskInputs:
    """Everything the analysis of one engagement reads."""

    engagement_key: str
    components: tuple[ComponentNode, ...]
    vendors: tuple[RiskVendor, ...]  # the engagement's vendors: the split's candidates
    assignments: tuple[Assignment, ...] = ()
    critical_sets: tuple[CriticalSet, ...] = ()
    tactics: tuple[TacticState, ...] = ()


def input_problems(inputs: RiskInputs, policy: FirewallPolicy) -> list[Problem]:
    """Everything that stops the analysis, each saying what to fix.

    A decision against the recommendation without a reason is not one of them (it is
    refused when recorded, and a later change of policy must not hide the whole analysis):
    it is flagged instead.
    """
    problems = tree_problems(inputs.components, policy.aliases)
    for node in inputs.components:
        if node.decision is not None and node.decision.disposition not in DISPOSITIONS:
            problems.append(
                Problem(
                    where(node.key, "decision"),
                    f"{node.decision.disposition!r} "
                    f"is not a decision: use one of {', '.join(DISPOSITIONS)}",
                )
            )
    problems += vendor_problems(inputs.vendors, stored=True)
    nodes = {node.key for node in inputs.components}
    vendors = {vendor.key for vendor in inputs.vendors}
    pairs: set[tuple[str, str]] = set()
    for a in inputs.assignments:
        path = f"assignments[{a.component}, {a.vendor}]"
        if a.component not in nodes:
            problems.append(Problem(path, f"{a.component!r} is not a component of this engagement"))
        if a.vendor not in vendors:
            problems.append(
                Problem(
                    path,
                    f"{a.vendor!r} is not a vendor of this engagement: "
                    "add the vendor to the engagement first",
                )
            )
        if (a.component, a.vendor) in pairs:
            problems.append(Problem(path, "the same assignment is recorded twice"))
        pairs.add((a.component, a.vendor))
    problems += critical_set_problems(inputs.critical_sets, nodes)
    tactic_ids = {t.id for t in policy.tactics}
    for state in inputs.tactics:
        path = f"tactics[{state.component}, {state.vendor}, {state.tactic}]"
        if state.component not in nodes or state.vendor not in vendors:
            problems.append(
                Problem(path, "names a component or vendor this engagement does not have")
            )
        if state.tactic not in tactic_ids:
            problems.append(
                Problem(
                    path,
                    f"{state.tactic!r} is not a tactic of the policy: use "
                    f"one of {', '.join(sorted(tactic_ids))}",
                )
            )
        problems += tactic_state_problems(state, path)
    return problems


def tactic_state_problems(state: TacticState, path: str = "") -> list[Problem]:
    """A known status; done needs its date and evidence, not-applicable its reason."""
    path = path or f"tactics[{state.component}, {state.vendor}, {state.tactic}]"
    problems = []
    if state.status not in ACTION_STATUSES:
        problems.append(
            Problem(
                f"{path}.status",
                f"{state.status!r} is not a status: use one of {', '.join(ACTION_STATUSES)}",
            )
        )
    if state.status == DONE and (state.on is None or not state.evidence.strip()):
        problems.append(Problem(path, "a tactic in place needs its date and where the evidence is"))
    if state.status == NOT_APPLICABLE and not state.reason.strip():
        problems.append(Problem(f"{path}.reason", "say why the tactic does not apply"))
    return problems


# --- the picture -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentRisk:
    """One node with its scores, knowledge, recommendation and decision."""

    key: str
    name: str
    kind: str
    parent: str
    depth: int
    assessment: Assessment
    knowledge: float  # 0..1, the node's own
    knowledge_share: float  # its share of the engagement's K
    recommendation: Recommendation
    decision: Decision | None
    disposition: str  # the decision's, else the recommendation's
    against_recommendation: bool
    vendors: tuple[str, ...]  # assigned, in the order given
    pinned: tuple[str, ...]  # the assigned vendors the best split keeps

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON for a component."""
        a = self.assessment
        d = self.decision
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent,
            "depth": self.depth,
            **{name: a.score(name).value for name in SCORE_NAMES},
            "rationale": {name: a.score(name).rationale for name in SCORE_NAMES},
            "assessor": a.assessor,
            "assessed_on": _iso(a.assessed_on),
            "knowledge": self.knowledge,
            "knowledge_share": self.knowledge_share,
            "recommendation": self.recommendation.disposition,
            "reason": self.recommendation.reason,
            "decision": d.disposition if d else None,
            "decision_reason": d.reason if d else "",
            "decided_by": d.decided_by if d else "",
            "decided_on": _iso(d.decided_on) if d else None,
            "disposition": self.disposition,
            "against_recommendation": self.against_recommendation,
            "vendors": list(self.vendors),
            "pinned": list(self.pinned),
        }


@dataclass(frozen=True, slots=True)
class VendorRiskView:
    """One vendor: what it sees, its competitor work and safeguards, its risk."""

    key: str
    name: str
    kind: str
    exposure: float
    risk: float
    overlap: float
    in_place: float
    competitors: tuple[str, ...]
    safeguards: tuple[Safeguard, ...]
    open_safeguards: tuple[str, ...]
    components: tuple[str, ...]  # assigned
    could_reproduce: tuple[str, ...]  # keys of the critical sets it sees whole

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON for a vendor."""
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "exposure": self.exposure,
            "risk": self.risk,
            "competitor_overlap": self.overlap,
            "safeguards_in_place": self.in_place,
            "competitors": list(self.competitors),
            "safeguards": [
                {
                    "kind": s.kind,
                    "status": s.status,
                    "on": _iso(s.on),
                    "evidence": s.evidence,
                    "reason": s.reason,
                }
                for s in self.safeguards
            ],
            "open_safeguards": list(self.open_safeguards),
            "components": list(self.components),
            "could_reproduce": list(self.could_reproduce),
        }


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """A red mark: what is wrong, in words, and what it concerns."""

    kind: str  # one of vocabulary.FLAG_KINDS
    message: str
    component: str = ""
    vendor: str = ""
    critical_set: str = ""

    def as_json(self) -> dict[str, str]:
        """The CLI's JSON for a flag."""
        return {
            "kind": self.kind,
            "message": self.message,
            "component": self.component,
            "vendor": self.vendor,
            "critical_set": self.critical_set,
        }


@dataclass(frozen=True, slots=True)
class TacticAction:
    """One design tactic offered for a node kept in-house that a vendor touches."""

    component: str
    vendor: str
    via: str  # the ancestor the vendor makes; "" when the node itself is assigned to it
    tactic: str
    title: str
    status: str
    on: date | None = None
    evidence: str = ""
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON for an action."""
        return {
            "component": self.component,
            "vendor": self.vendor,
            "via": self.via,
            "tactic": self.tactic,
            "title": self.title,
            "status": self.status,
            "on": _iso(self.on),
            "evidence": self.evidence,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The whole picture of one engagement."""

    engagement_key: str
    policy_title: str
    components: tuple[ComponentRisk, ...]  # tree order
    vendors: tuple[VendorRiskView, ...]  # highest risk first
    matrix: ExposureMatrix  # vendors in the same order as `vendors`
    critical_sets: tuple[CriticalSetSight, ...]
    flags: tuple[RiskFlag, ...]
    actions: tuple[TacticAction, ...]

    def component(self, key: str) -> ComponentRisk:
        """The component with that key."""
        return next(c for c in self.components if c.key == key)

    def vendor(self, key: str) -> VendorRiskView:
        """The vendor with that key."""
        return next(v for v in self.vendors if v.key == key)

    def flags_for_components(self, keys: Sequence[str]) -> tuple[RiskFlag, ...]:
        """The flags that concern any of these nodes: a flag on a node, or a could-reproduce
        flag on a critical set holding one (what a disclosure about them shows)."""
        wanted = set(keys)
        holding = {s.key for s in self.critical_sets if wanted.intersection(s.members)}
        return tuple(
            f
            for f in self.flags
            if f.component in wanted or (f.critical_set and f.critical_set in holding)
        )

    def as_json(self) -> dict[str, Any]:
        """`firstfile risk ENGAGEMENT --json`: components, vendors, flags, and the rest."""
        return {
            "engagement": self.engagement_key,
            "policy": self.policy_title,
            "components": [c.as_json() for c in self.components],
            "vendors": [v.as_json() for v in self.vendors],
            "flags": [f.as_json() for f in self.flags],
            "critical_sets": [
                {
                    "key": s.key,
                    "name": s.name,
                    "members": list(s.members),
                    "seen_by": {vendor: list(seen) for vendor, seen in s.seen_by},
                    "could_reproduce": list(s.could_reproduce),
                }
                for s in self.critical_sets
            ],
            "actions": [a.as_json() for a in self.actions],
            "matrix": self.matrix.as_json(),
        }


def assess(inputs: RiskInputs, policy: FirewallPolicy) -> RiskAssessment:
    """The picture for inputs under policy, or RiskInputError listing input_problems."""
    problems = input_problems(inputs, policy)
    if problems:
        raise RiskInputError(problems)
    tree = build_tree(inputs.components, policy.aliases)
    names = {v.key: v.name for v in inputs.vendors}
    assigned = assigned_by_vendor(inputs.assignments, (v.key for v in inputs.vendors))
    matrix = exposure_matrix(tree, [v.key for v in inputs.vendors], inputs.assignments, policy)
    sights = critical_set_sights(inputs.critical_sets, assigned)
    components = _components(tree, inputs, policy, matrix.total_knowledge)
    risks = {v.key: vendor_risk(v, matrix.exposure(v.key), policy) for v in inputs.vendors}
    vendors = sorted(
        (
            VendorRiskView(
                key=v.key,
                name=v.name,
                kind=v.kind,
                exposure=risks[v.key].exposure,
                risk=risks[v.key].risk,
                overlap=risks[v.key].overlap,
                in_place=risks[v.key].in_place,
                competitors=competitors_served(v),
                safeguards=v.safeguards,
                open_safeguards=risks[v.key].open_safeguards,
                components=assigned[v.key],
                could_reproduce=tuple(s.key for s in sights if v.key in s.could_reproduce),
            )
            for v in inputs.vendors
        ),
        key=lambda view: (-view.risk, -view.exposure, view.key),
    )
    order = [view.key for view in vendors]
    matrix = exposure_matrix(tree, order, inputs.assignments, policy)
    actions = _actions(tree, components, assigned, inputs.tactics, policy)
    flags = _flags(tree, components, vendors, sights, actions, names)
    return RiskAssessment(
        inputs.engagement_key,
        policy.title,
        components,
        tuple(vendors),
        matrix,
        sights,
        flags,
        actions,
    )


def _components(
    tree: ComponentTree, inputs: RiskInputs, policy: FirewallPolicy, total: float
) -> tuple[ComponentRisk, ...]:
    knowledge_of = knowledge_by_node(tree, policy)
    vendors_of: dict[str, list[str]] = {}
    pinned_of: dict[str, list[str]] = {}
    for a in inputs.assignments:
        vendors_of.setdefault(a.component, []).append(a.vendor)
        if a.pinned:
            pinned_of.setdefault(a.component, []).append(a.vendor)
    rows = []
    for node in tree.nodes():
        rec = recommend(node.assessment, policy)
        rows.append(
            ComponentRisk(
                key=node.key,
                name=node.name,
                kind=node.kind,
                parent=node.parent,
                depth=tree.depth(node.key),
                assessment=node.assessment,
                knowledge=knowledge_of[node.key],
                knowledge_share=share(knowledge_of[node.key], total),
                recommendation=rec,
                decision=node.decision,
                disposition=node.decision.disposition if node.decision else rec.disposition,
                against_recommendation=against_recommendation(node.decision, rec),
                vendors=tuple(vendors_of.get(node.key, ())),
                pinned=tuple(pinned_of.get(node.key, ())),
            )
        )
    return tuple(rows)


def _actions(
    tree: ComponentTree,
    components: Sequence[ComponentRisk],
    assigned: dict[str, tuple[str, ...]],
    states: Sequence[TacticState],
    policy: FirewallPolicy,
) -> tuple[TacticAction, ...]:
    recorded = {(s.component, s.vendor, s.tactic): s for s in states}
    actions = []
    for c in components:
        if c.disposition != FIREWALL:
            continue
        for vendor, keys in assigned.items():
            held = set(keys)
            via: str | None
            if c.key in held:
                via = ""
            else:
                via = next((a for a in tree.ancestors(c.key) if a in held), None)
                if via is None:
                    continue
            for tactic in policy.tactics_for(c.kind):
                state = recorded.get((c.key, vendor, tactic.id))
                actions.append(
                    TacticAction(
                        component=c.key,
                        vendor=vendor,
                        via=via,
                        tactic=tactic.id,
                        title=tactic.title,
                        status=state.status if state else "open",
                        on=state.on if state else None,
                        evidence=state.evidence if state else "",
                        reason=state.reason if state else "",
                    )
                )
    return tuple(actions)


def _flags(
    tree: ComponentTree,
    components: Sequence[ComponentRisk],
    vendors: Sequence[VendorRiskView],
    sights: Sequence[CriticalSetSight],
    actions: Sequence[TacticAction],
    names: dict[str, str],
) -> tuple[RiskFlag, ...]:
    flags = []
    for c in components:
        if c.disposition == FIREWALL:
            for vendor in c.vendors:
                flags.append(
                    RiskFlag(
                        FIREWALL_ASSIGNED_FLAG,
                        f"{c.name} ({c.key}) is to be kept in-house (firewall) but is assigned to "
                        f"{names[vendor]}",
                        component=c.key,
                        vendor=vendor,
                    )
                )
        if c.against_recommendation and c.decision and not c.decision.reason.strip():
            flags.append(
                RiskFlag(
                    DECISION_UNEXPLAINED_FLAG,
                    f"{c.name} ({c.key}): the decision ({DISPOSITION_LABELS[c.disposition]}) goes "
                    f"against the recommendation ({c.recommendation.label}) and gives no reason",
                    component=c.key,
                )
            )
    for s in sights:
        for vendor in s.could_reproduce:
            flags.append(
                RiskFlag(
                    COULD_REPRODUCE_FLAG,
                    f"{names[vendor]} sees every part of {s.name} ({listing(s.members)}) and could "
                    "reproduce it",
                    vendor=vendor,
                    critical_set=s.key,
                )
            )
    touched: dict[tuple[str, str], list[TacticAction]] = {}
    for action in actions:
        if action.via:
            touched.setdefault((action.component, action.vendor), []).append(action)
    for (key, vendor), offered in touched.items():
        if any(a.status == DONE for a in offered):
            continue
        node = tree.node(key)
        flags.append(
            RiskFlag(
                FIREWALL_TOUCHED_FLAG,
                f"{node.name} ({key}) is to be kept in-house but goes into "
                f"{offered[0].via}, which {names[vendor]} makes, and no design tactic is in place "
                f"({listing(a.title.lower() for a in offered)})",
                component=key,
                vendor=vendor,
            )
        )
    for v in vendors:
        if v.competitors and v.in_place == 0:
            flags.append(
                RiskFlag(
                    COMPETITOR_UNGUARDED_FLAG,
                    f"{v.name} serves {listing(v.competitors)} and no safeguard is in place "
                    "(field-of-business restriction, exclusivity, premium rate, licensing "
                    "incentive)",
                    vendor=v.key,
                )
            )
    for v in vendors:
        for safeguard in v.safeguards:
            if unproven(safeguard):
                flags.append(
                    RiskFlag(
                        SAFEGUARD_UNPROVEN_FLAG,
                        f"{v.name}: {safeguard.kind} is marked done without "
                        f"{'its date' if safeguard.on is None else 'its evidence'}: "
                        "record when it came into force and where the signed term is",
                        vendor=v.key,
                    )
                )
    order = {kind: index for index, kind in enumerate(FLAG_KINDS)}
    return tuple(sorted(flags, key=lambda f: order[f.kind]))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
