"""The component tree of an engagement: product, subsystems, components, each scored.

A node is a part of the product or process (hardware, firmware, software, mechanical,
process, test) with the article's three scores, each 1-5 with a one-line rationale, who
assessed it and when, and the user's decision once there is one. A node names its parent by
key; a node without a parent hangs directly under the engagement's product. A node with
children stands for a subsystem: its own scores are the knowledge of how its parts fit
together (architecture, integration), not the sum of its children.

`tree_problems` says everything wrong with a set of nodes (scores outside 1-5, a node that is
its own ancestor, an unknown parent, ...), each problem saying what to fix; `ComponentTree`
indexes a valid set for the rest of the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from firstfile.domain.disclosure import Problem
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.risk.vocabulary import (
    COMPONENT_KINDS,
    DISPOSITION_LABELS,
    DISPOSITIONS,
    RATIONALE_MAX_CHARS,
    SCORE_LABELS,
    SCORE_MAX,
    SCORE_MIN,
    SCORE_NAMES,
)


class RiskInputError(ValueError):
    """The data cannot be analysed as it is; `problems` says every thing to fix."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Score:
    """One of the three 1-5 scores and the one-line reason it was given."""

    value: int
    rationale: str = ""


@dataclass(frozen=True, slots=True)
class Assessment:
    """The three scores of a node, who gave them and when."""

    value_add: Score
    differentiation: Score
    reverse_engineering_difficulty: Score
    assessor: str = ""
    assessed_on: date | None = None

    def score(self, name: str) -> Score:
        """The score called name (one of vocabulary.SCORE_NAMES)."""
        if name not in SCORE_NAMES:
            raise KeyError(name)
        score: Score = getattr(self, name)
        return score

    @property
    def values(self) -> tuple[int, int, int]:
        """(value added, differentiation, difficulty of reverse engineering)."""
        return (
            self.value_add.value,
            self.differentiation.value,
            self.reverse_engineering_difficulty.value,
        )


def scored(
    value_add: int,
    differentiation: int,
    reverse_engineering_difficulty: int,
    assessor: str = "",
    assessed_on: date | None = None,
) -> Assessment:
    """An assessment from three bare scores (no rationale): today's data, tests, examples."""
    return Assessment(
        Score(value_add),
        Score(differentiation),
        Score(reverse_engineering_difficulty),
        assessor,
        assessed_on,
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """What the user decided for a node, and why when it differs from the recommendation."""

    disposition: str  # one of vocabulary.DISPOSITIONS
    reason: str = ""
    decided_by: str = ""
    decided_on: date | None = None


@dataclass(frozen=True, slots=True)
class ComponentNode:
    """One node of the tree, as stored: the analysis adds the recommendation and exposure."""

    key: str
    name: str
    kind: str  # one of COMPONENT_KINDS, a word the policy maps onto one, or "" (not yet said)
    assessment: Assessment
    parent: str = ""  # key of the parent node; "" hangs the node under the product
    decision: Decision | None = None


# --- checks -------------------------------------------------------------------------------


def where(key: str, field: str = "") -> str:
    """The path of a node's field in problems: components[afe-board].value_add."""
    return f"components[{key}]" + (f".{field}" if field else "")


def score_problems(key: str, assessment: Assessment) -> list[Problem]:
    """Scores outside 1-5 and rationales that are not one short line."""
    problems = []
    for name in SCORE_NAMES:
        score = assessment.score(name)
        label = SCORE_LABELS[name]
        value = score.value
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCORE_MIN <= value <= SCORE_MAX
        ):
            problems.append(
                Problem(
                    where(key, name),
                    f"{label} is {value!r}: give a whole number from {SCORE_MIN} to {SCORE_MAX}",
                )
            )
        rationale = score.rationale
        if "\n" in rationale or "\r" in rationale:
            problems.append(
                Problem(
                    where(key, f"{name}.rationale"),
                    f"the reason for {label} is one line: remove the line breaks",
                )
            )
        if len(rationale) > RATIONALE_MAX_CHARS:
            problems.append(
                Problem(
                    where(key, f"{name}.rationale"),
                    f"the reason for {label} is {len(rationale)} characters: "
                    f"keep it to one line of {RATIONALE_MAX_CHARS}",
                )
            )
    return problems


def assessment_problems(key: str, assessment: Assessment) -> list[Problem]:
    """What a new (re-)scoring needs before it is recorded: valid scores, a reason for each,
    who assessed and when. Stored data from before rationales existed is only held to
    score_problems."""
    problems = score_problems(key, assessment)
    for name in SCORE_NAMES:
        if not assessment.score(name).rationale.strip():
            problems.append(
                Problem(
                    where(key, f"{name}.rationale"),
                    f"say in one line why {SCORE_LABELS[name]} is {assessment.score(name).value}",
                )
            )
    if not assessment.assessor.strip():
        problems.append(Problem(where(key, "assessor"), "say who assessed the component"))
    if assessment.assessed_on is None:
        problems.append(Problem(where(key, "assessed_on"), "give the date of the assessment"))
    return problems


def decision_problems(key: str, decision: Decision, recommended: str) -> list[Problem]:
    """A decision needs a known disposition and who made it; one against the recommendation
    also needs the reason, because it is what a reader in a dispute will ask about."""
    problems = []
    if decision.disposition not in DISPOSITIONS:
        problems.append(
            Problem(
                where(key, "decision"),
                f"{decision.disposition!r} is not a decision: use one of {', '.join(DISPOSITIONS)}",
            )
        )
        return problems
    if decision.disposition != recommended and not decision.reason.strip():
        problems.append(
            Problem(
                where(key, "decision.reason"),
                f"the decision ({DISPOSITION_LABELS[decision.disposition]}) goes against the "
                f"recommendation ({DISPOSITION_LABELS.get(recommended, recommended)}): say why",
            )
        )
    if not decision.decided_by.strip():
        problems.append(Problem(where(key, "decision.decided_by"), "say who decided"))
    return problems


def tree_problems(
    nodes: Sequence[ComponentNode], kind_aliases: Mapping[str, str] | None = None
) -> list[Problem]:
    """Everything wrong with the tree's structure and scores, each saying what to fix.

    Keys must be valid and unique; names given; kinds one of COMPONENT_KINDS, a word
    kind_aliases maps onto one, or empty; scores whole numbers from 1 to 5; every parent a
    node of the same tree; no node its own ancestor. Each cycle is reported once, at the
    first of its nodes in the given order, with the whole loop spelled out.
    """
    problems: list[Problem] = []
    aliases = kind_aliases or {}
    by_key: dict[str, ComponentNode] = {}
    for node in nodes:
        if not is_valid_record_key(node.key):
            problems.append(
                Problem(
                    where(node.key),
                    f"{node.key!r} is not a valid key: use up "
                    "to 64 letters, digits, '.', '_' or '-'",
                )
            )
        if node.key in by_key:
            problems.append(
                Problem(where(node.key), "the key is used by two components: give each its own")
            )
            continue
        by_key[node.key] = node
        if not node.name.strip():
            problems.append(Problem(where(node.key, "name"), "give the component a name"))
        if node.kind and node.kind not in COMPONENT_KINDS and node.kind not in aliases:
            known = ", ".join((*COMPONENT_KINDS, *sorted(aliases)))
            problems.append(
                Problem(
                    where(node.key, "kind"),
                    f"{node.kind!r} is not a kind the policy knows: use one of {known}",
                )
            )
        problems += score_problems(node.key, node.assessment)
    for node in by_key.values():
        if node.parent and node.parent not in by_key:
            problems.append(
                Problem(
                    where(node.key, "parent"),
                    f"parent {node.parent!r} is "
                    "not a component of this engagement: correct the key, "
                    "or add that component first",
                )
            )
    problems += _cycle_problems(by_key)
    return problems


def loop_problems(nodes: Sequence[ComponentNode]) -> list[Problem]:
    """Only the loops of tree_problems: each node that is its own ancestor, reported once per
    loop at the first of its nodes in the given order, the loop spelled out (what a file
    reader checks before it knows the policy's kinds)."""
    by_key: dict[str, ComponentNode] = {}
    for node in nodes:
        by_key.setdefault(node.key, node)
    return _cycle_problems(by_key)


def _cycle_problems(by_key: Mapping[str, ComponentNode]) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for start in by_key:
        if start in reported:
            continue
        path = [start]
        seen = {start}
        current = by_key[start].parent
        while current in by_key and current not in seen:
            path.append(current)
            seen.add(current)
            current = by_key[current].parent
        if current != start:
            continue  # no loop, or a loop further up that its own first node reports
        reported.update(path)
        if len(path) == 1:
            message = "the component is its own parent: choose another parent or none"
        else:
            loop = " → ".join((*path, start))
            message = (
                f"the component is its own ancestor ({loop}): give one of these "
                "components a different parent"
            )
        problems.append(Problem(where(start, "parent"), message))
    return problems


# --- reading a valid tree -------------------------------------------------------------------


class ComponentTree:
    """A checked set of nodes, indexed for the analysis. Build it with `build_tree`."""

    def __init__(self, nodes: Sequence[ComponentNode]) -> None:
        self._nodes = {node.key: node for node in nodes}
        self._children: dict[str, list[str]] = {key: [] for key in self._nodes}
        roots = []
        for node in nodes:
            if node.parent:
                self._children[node.parent].append(node.key)
            else:
                roots.append(node.key)
        # Depth-first from the roots, siblings in the order given: the order rows are shown.
        self.order: tuple[str, ...] = tuple(self._walk(roots))
        self._ancestors = {key: self._chain(key) for key in self._nodes}

    def _walk(self, roots: list[str]) -> Iterable[str]:
        stack = list(reversed(roots))
        while stack:
            key = stack.pop()
            yield key
            stack.extend(reversed(self._children[key]))

    def _chain(self, key: str) -> tuple[str, ...]:
        chain = []
        parent = self._nodes[key].parent
        while parent:
            chain.append(parent)
            parent = self._nodes[parent].parent
        return tuple(chain)

    def __contains__(self, key: object) -> bool:
        return key in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def node(self, key: str) -> ComponentNode:
        """The node with that key."""
        return self._nodes[key]

    def nodes(self) -> tuple[ComponentNode, ...]:
        """Every node, in tree order."""
        return tuple(self._nodes[key] for key in self.order)

    def ancestors(self, key: str) -> tuple[str, ...]:
        """The node's parent, its parent's parent, ... up to a root: nearest first."""
        return self._ancestors[key]

    def children(self, key: str) -> tuple[str, ...]:
        """The node's children, in the order given."""
        return tuple(self._children[key])

    def depth(self, key: str) -> int:
        """0 for a node directly under the product, 1 below that, ..."""
        return len(self._ancestors[key])

    def descendants(self, key: str) -> tuple[str, ...]:
        """Every node below key, in tree order."""
        below = []
        stack = list(reversed(self._children[key]))
        while stack:
            child = stack.pop()
            below.append(child)
            stack.extend(reversed(self._children[child]))
        return tuple(below)


def build_tree(
    nodes: Sequence[ComponentNode], kind_aliases: Mapping[str, str] | None = None
) -> ComponentTree:
    """The indexed tree, or RiskInputError listing every problem of tree_problems."""
    problems = tree_problems(nodes, kind_aliases)
    if problems:
        raise RiskInputError(problems)
    return ComponentTree(nodes)
