"""Reading the firewall policy (templates/policies/firewall.yaml), the user's copy first.

The policy holds every threshold, weight and word of the outsourcing-risk analysis
(domain/risk/policy.py says what each means; docs/RISK.md gives the formulas). A file named
`policies/firewall.yaml` in the user's template folder replaces the shipped one completely.

Unlike a checklist or a prompt deck, a broken policy is not quietly replaced by the shipped
one: the analysis would then recommend and score against numbers the user did not choose.
Every problem is reported as `path:line: where: what to fix`, and nothing is analysed until the
file is fixed. The file is read as line-numbered nodes by the interchange reader's safe YAML
reader (no tag can build an object, anchors are refused), and a misspelt key is named with
the key it probably meant.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from firstfile.domain.risk.policy import (
    FirewallPolicy,
    SafeguardRule,
    ScoreTest,
    Tactic,
    policy_problems,
)
from firstfile.domain.risk.vocabulary import SAFEGUARD_KINDS, SCORE_MAX, SCORE_MIN, SCORE_NAMES
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import VENDOR_KINDS
from firstfile.interchange.fields import Checker, Fields, join
from firstfile.interchange.nodes import INVALID, MAP, SCALAR, Node, describe
from firstfile.interchange.problems import Problems
from firstfile.interchange.yaml_nodes import yaml_nodes
from firstfile.resources import shipped_templates
from firstfile.services.errors import UserError

POLICIES_FOLDER = "policies"
POLICY_FILE = "firewall.yaml"
MAX_BYTES = 1_000_000  # a policy is a hundred lines; anything far bigger is a wrong file

_TOP = (
    ("policy", "title", "tests", "recommend", "exposure", "vendor_risk", "safeguards", "makes"),
    ("source", "kind_aliases", "tactics", "split"),
)
_TEST = (("threshold", "weight", "passes", "fails"), ())
_RECOMMEND = (("firewall", "safeguards"), ())
_EXPOSURE = (("interface_share",), ())
_VENDOR_RISK = (("no_competitor_share", "competitors_for_full_overlap"), ())
_SAFEGUARD = (("weight", "title"), ("help",))
_TACTIC = (("id", "title"), ("help", "kinds"))
_SPLIT = (("tolerance",), ())


class PolicyError(UserError):
    """The policy file cannot be used; `problems` lists every mistake, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the firewall policy cannot be used; fix these and try again:\n{lines}")


def policy_path(template_dirs: Sequence[Path]) -> Path:
    """The policy file in force: the first template folder's copy, else the shipped one."""
    for folder in template_dirs:
        candidate = Path(folder) / POLICIES_FOLDER / POLICY_FILE
        if candidate.is_file():
            return candidate
    return shipped_templates() / POLICIES_FOLDER / POLICY_FILE


def load_policy(template_dirs: Sequence[Path] = ()) -> FirewallPolicy:
    """The policy in force (see policy_path), or PolicyError with every problem in it."""
    return read_policy(policy_path(template_dirs))


def read_policy(path: Path) -> FirewallPolicy:
    """The policy in the file at path, or PolicyError with every problem in it."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PolicyError([f"{path}:1: the file is larger than {MAX_BYTES:,} bytes"])
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise PolicyError([f"{path}:1: cannot read the file ({exc.strerror or exc})"]) from exc
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{path}:1: not UTF-8 text (byte {exc.start})"]) from exc
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str) -> FirewallPolicy:
    """The policy written in text (source names it in messages), or PolicyError."""
    problems = Problems(source)
    root = yaml_nodes(
        text,
        problems,
        empty="the file is empty: expected a firewall policy "
        "(policy: firewall, tests, recommend, ...)",
        second_document="one policy per file: found a second YAML document ('---')",
    )
    policy = None if root is None else _Reader(problems).policy(root)
    if problems.errors or policy is None:
        raise PolicyError(problems.format_errors())
    return policy


class _Reader:
    """Builds the policy from nodes; shape and types here, meaning in domain.policy_problems."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.check = Checker(problems)

    def policy(self, root: Node) -> FirewallPolicy | None:
        check = self.check
        fields = check.mapping(root, "", *_TOP)
        if fields is None:
            return None
        name = check.text(fields, "policy", "")
        if name and name != "firewall":
            self._error(
                fields["policy"],
                "policy",
                f"{name!r}: this file holds the firewall policy, so write 'policy: firewall'",
            )
        recommend = self._section(fields, "recommend", _RECOMMEND)
        exposure = self._section(fields, "exposure", _EXPOSURE)
        vendor_risk = self._section(fields, "vendor_risk", _VENDOR_RISK)
        split = self._section(fields, "split", _SPLIT)
        policy = FirewallPolicy(
            title=check.text(fields, "title", "", required=True),
            source=check.text(fields, "source", "", multiline=True).strip(),
            tests=self._tests(fields),
            firewall_at=self._number(recommend, "firewall", "recommend", 3.0),
            safeguards_at=self._number(recommend, "safeguards", "recommend", 2.0),
            interface_share=self._number(exposure, "interface_share", "exposure", 0.0),
            no_competitor_share=self._number(
                vendor_risk, "no_competitor_share", "vendor_risk", 0.5
            ),
            competitors_for_full_overlap=check.integer(
                vendor_risk, "competitors_for_full_overlap", "vendor_risk", 1
            )
            or 1,
            safeguards=self._safeguards(fields),
            makes=self._makes(fields),
            kind_aliases=self._aliases(fields),
            tactics=self._tactics(fields),
            split_tolerance=self._number(split, "tolerance", "split", 0.0),
        )
        self._meaning(policy)
        return policy

    # -- sections ---------------------------------------------------------------------------

    def _section(self, fields: Fields, name: str, keys: tuple[tuple[str, ...], ...]) -> Fields:
        node = fields.get(name)
        if node is None:
            return {}
        return self.check.mapping(node, name, keys[0], keys[1]) or {}

    def _tests(self, fields: Fields) -> tuple[ScoreTest, ...]:
        section = (
            self.check.mapping(fields["tests"], "tests", SCORE_NAMES, ())
            if "tests" in fields
            else None
        )
        tests = []
        for score in SCORE_NAMES:
            path = join("tests", score)
            node = (section or {}).get(score)
            entry = self.check.mapping(node, path, *_TEST) if node is not None else None
            entry = entry or {}
            threshold = self.check.integer(entry, "threshold", path, SCORE_MIN, SCORE_MAX)
            tests.append(
                ScoreTest(
                    score=score,
                    threshold=threshold if threshold is not None else SCORE_MAX,
                    weight=self._number(entry, "weight", path, 1.0),
                    passes=self.check.text(entry, "passes", path, required=True),
                    fails=self.check.text(entry, "fails", path, required=True),
                )
            )
        return tuple(tests)

    def _safeguards(self, fields: Fields) -> tuple[SafeguardRule, ...]:
        if "safeguards" not in fields:
            return ()
        section = self.check.mapping(fields["safeguards"], "safeguards", (), SAFEGUARD_KINDS)
        rules = []
        for kind, node in (section or {}).items():
            path = join("safeguards", kind)
            entry = self.check.mapping(node, path, *_SAFEGUARD) or {}
            rules.append(
                SafeguardRule(
                    kind=kind,
                    weight=self._number(entry, "weight", path, 0.0),
                    title=self.check.text(entry, "title", path, required=True),
                    help=self.check.text(entry, "help", path, multiline=True).strip(),
                )
            )
        return tuple(rules)

    def _makes(self, fields: Fields) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if "makes" not in fields:
            return ()
        section = self.check.mapping(fields["makes"], "makes", (), VENDOR_KINDS)
        return tuple(
            (kind, self._words(node, join("makes", kind))) for kind, node in (section or {}).items()
        )

    def _aliases(self, fields: Fields) -> tuple[tuple[str, str], ...]:
        node = fields.get("kind_aliases")
        if node is None or node.tag == INVALID:
            return ()
        if node.kind != MAP:
            self._error(
                node,
                "kind_aliases",
                f"expected a mapping such as 'pcb: hardware', got {describe(node)}",
            )
            return ()
        aliases: dict[str, str] = {}
        for key, value in node.value:
            word = self.check.text_of(key, "kind_aliases") if key.kind == SCALAR else ""
            path = join("kind_aliases", word)
            if not word:
                self._error(key, "kind_aliases", "keys must be plain words")
                continue
            if word in aliases:
                self._error(key, path, "given twice")
                continue
            self.check.lines[path] = key.line
            aliases[word] = self.check.text_of(value, path, required=True)
        return tuple(aliases.items())

    def _tactics(self, fields: Fields) -> tuple[Tactic, ...]:
        tactics = []
        for node, path in self.check.items(fields, "tactics", ""):
            entry = self.check.mapping(node, path, *_TACTIC)
            if entry is None:
                continue
            tactics.append(
                Tactic(
                    id=self.check.key(entry, "id", path),
                    title=self.check.text(entry, "title", path, required=True),
                    help=clean_text(self.check.text(entry, "help", path, multiline=True)).strip(),
                    kinds=self._words(entry["kinds"], join(path, "kinds"))
                    if "kinds" in entry
                    else (),
                )
            )
        return tuple(tactics)

    # -- values -----------------------------------------------------------------------------

    def _number(self, fields: Fields, name: str, path: str, default: float) -> float:
        value = self.check.number(fields, name, path)
        return default if value is None else value

    def _words(self, node: Node, path: str) -> tuple[str, ...]:
        if node.tag == INVALID:
            return ()
        if node.kind != "seq":
            self._error(
                node, path, f"expected a list such as [hardware, test], got {describe(node)}"
            )
            return ()
        return tuple(
            clean_line(self.check.text_of(item, f"{path}[{i}]"))
            for i, item in enumerate(node.value)
        )

    def _error(self, node: Node, path: str, message: str) -> None:
        self.problems.error(node.line, path, message)

    def _meaning(self, policy: FirewallPolicy) -> None:
        """The domain's checks, each placed on the line of the field it names. A field already
        refused for its shape, type or range (or one inside or around it) is not reported
        again: the value the check saw there was a stand-in."""
        refused = {path for _line, path, _message in self.problems.errors}
        for problem in policy_problems(policy):
            if any(_related(problem.field, path) for path in refused):
                continue
            self.problems.error(self._line(problem.field), problem.field, problem.message)

    def _line(self, path: str) -> int:
        return self.check.line(path) or 1


def _related(one: str, other: str) -> bool:
    """True when one path is the other, inside it or around it ("" holds every path)."""
    if not one or not other or one == other:
        return True
    short, long = sorted((one, other), key=len)
    return long.startswith((short + ".", short + "["))
