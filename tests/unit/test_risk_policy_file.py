"""The firewall policy file: the shipped default, a user's copy, and every way a copy breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstfile.domain.risk.policy import policy_problems, recommend
from firstfile.domain.risk.tree import scored
from firstfile.domain.risk.vocabulary import COMPONENT_KINDS, SAFEGUARD_KINDS
from firstfile.domain.vocabulary import VENDOR_KINDS
from firstfile.resources import shipped_templates
from firstfile.services.firewall_policy import (
    PolicyError,
    load_policy,
    parse_policy,
    policy_path,
    read_policy,
)
from tests.unit.risk_samples import ARTICLE_POLICY

SHIPPED = shipped_templates() / "policies" / "firewall.yaml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line that starts with fragment, indentation included."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(fragment))


def user_copy(folder: Path, text: str) -> Path:
    path = folder / "policies" / "firewall.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "firewall.yaml")
    return caught.value.problems


def test_the_shipped_policy_follows_the_articles_three_tests_and_says_so() -> None:
    policy = load_policy()
    assert policy_problems(policy) == []
    assert "practice 1" in policy.title and "seed-article" in policy.source
    assert "cannot be reverse engineered" in SHIPPED_TEXT
    # The same numbers as the policy the formula tests are worked by hand against.
    assert policy.tests == ARTICLE_POLICY.tests
    assert (policy.firewall_at, policy.safeguards_at) == (3.0, 2.0)
    assert policy.interface_share == 0.25
    assert (policy.no_competitor_share, policy.competitors_for_full_overlap) == (0.5, 2)
    assert [(r.kind, r.weight) for r in policy.safeguards] == [
        (r.kind, r.weight) for r in ARTICLE_POLICY.safeguards
    ]
    assert recommend(scored(5, 5, 5), policy).reason == (
        "adds the most value, differentiates the product and cannot be reverse engineered"
    )


def test_the_shipped_policy_covers_every_vendor_kind_safeguard_and_component_kind() -> None:
    policy = load_policy()
    assert [kind for kind, _ in policy.makes] == list(VENDOR_KINDS)
    assert {kind for _, made in policy.makes for kind in made} == set(COMPONENT_KINDS)
    assert [r.kind for r in policy.safeguards] == list(SAFEGUARD_KINDS)
    assert [t.id for t in policy.tactics] == ["sealed-module", "onshore-servers", "tracer"]
    # Every component kind the shipped prompt decks use is read as one of the six kinds.
    for word in (
        "pcb",
        "firmware",
        "algorithm",
        "enclosure",
        "mechanical",
        "thermal",
        "power",
        "packaging",
        "test",
    ):
        assert policy.component_kind(word) in COMPONENT_KINDS, word


def test_a_users_copy_replaces_the_shipped_policy(tmp_path: Path) -> None:
    assert policy_path([]) == SHIPPED
    assert policy_path([tmp_path]) == SHIPPED  # a template folder without a policy
    user_copy(tmp_path, SHIPPED_TEXT.replace("interface_share: 0.25", "interface_share: 0.5"))
    assert policy_path([tmp_path]) == tmp_path / "policies" / "firewall.yaml"
    assert load_policy([tmp_path]).interface_share == 0.5


def test_a_broken_users_copy_is_reported_with_its_line_and_never_replaced(tmp_path: Path) -> None:
    text = SHIPPED_TEXT.replace("  firewall: 3\n", "  firewall: [3\n")
    path = user_copy(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy([tmp_path])
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:")
    assert "not valid YAML" in problem
    # The line PyYAML blames is at or just after the broken one, never before it.
    line = int(problem.split(":")[1])
    assert line_of(text, "  firewall: [3") <= line <= line_of(text, "  firewall: [3") + 1
    assert "fix these and try again" in str(caught.value)


def test_a_misspelt_key_is_named_with_the_key_it_probably_meant() -> None:
    text = SHIPPED_TEXT.replace("  interface_share: 0.25", "  interface_shar: 0.25")
    # A block mapping starts at its first key, so the missing key is reported there too.
    line = line_of(text, "  interface_shar:")
    assert problems_of(text) == [
        f"firewall.yaml:{line}: exposure.interface_shar: unknown key 'interface_shar' (did you "
        "mean 'interface_share'?); allowed here: interface_share",
        f"firewall.yaml:{line}: exposure.interface_share: is required",
    ]


def test_a_misspelt_vendor_kind_is_named_on_its_line() -> None:
    text = SHIPPED_TEXT.replace("  design-firm: [", "  design-frim: [")
    line = line_of(text, "  design-frim")
    assert problems_of(text) == [
        f"firewall.yaml:{line}: makes.design-frim: unknown key 'design-frim' (did you mean "
        "'design-firm'?); allowed here: contract-manufacturer, design-firm, odm, test-house",
    ]


def test_values_out_of_range_are_placed_on_their_own_lines() -> None:
    text = (
        SHIPPED_TEXT.replace("interface_share: 0.25", "interface_share: 1.25")
        .replace("  test-house: [test]", "  test-house: [test, rocket]")
        .replace(
            "    threshold: 4\n    weight: 1\n    passes: adds the most value",
            "    threshold: 6\n    weight: 1\n    passes: adds the most value",
        )
        .replace("pcb: hardware", "pcb: board")
        .replace("  firewall: 3\n", "  firewall: 9\n")
    )
    assert problems_of(text) == [
        f"firewall.yaml:{line_of(text, '    threshold: 6')}: tests.value_add.threshold: 6 is out "
        "of range: use a number from 1 to 5",
        f"firewall.yaml:{line_of(text, '  firewall: 9')}: recommend.firewall: 9 can never be "
        "reached: the weights of the tests add up to 3",
        f"firewall.yaml:{line_of(text, '  interface_share:')}: exposure.interface_share: 1.25 is a "
        "share: use a number from 0 to 1",
        f"firewall.yaml:{line_of(text, '  test-house:')}: makes.test-house: 'rocket' is not a "
        "component kind: use hardware, firmware, software, mechanical, process, test",
        f"firewall.yaml:{line_of(text, '  pcb: board')}: kind_aliases.pcb: 'board' is not a "
        "component kind: use hardware, firmware, software, mechanical, process, test",
    ]


def test_wrong_types_are_named() -> None:
    text = SHIPPED_TEXT.replace(
        "    weight: 0.35\n    title: Exclusivity", "    weight: lots\n    title: Exclusivity"
    )
    text = text.replace("competitors_for_full_overlap: 2", "competitors_for_full_overlap: 1.5")
    assert problems_of(text) == [
        f"firewall.yaml:{line_of(text, '  competitors_for_full_overlap:')}: "
        "vendor_risk.competitors_for_full_overlap: expected a whole number, got a number",
        f"firewall.yaml:{line_of(text, '    weight: lots')}: safeguards.exclusivity.weight: "
        "expected a number, got text",
    ]


def test_a_missing_safeguard_and_a_repeated_tactic() -> None:
    start = SHIPPED_TEXT.index("  premium-rate:")
    end = SHIPPED_TEXT.index("  licensing-incentive:")
    text = SHIPPED_TEXT[:start] + SHIPPED_TEXT[end:]
    text = text.replace("  - id: onshore-servers", "  - id: sealed-module")
    second = [i for i, line in enumerate(text.splitlines(), 1) if "id: sealed-module" in line][1]
    assert problems_of(text) == [
        f"firewall.yaml:{line_of(text, 'safeguards:')}: safeguards: the safeguard "
        "'premium-rate' is missing: give it a weight (0 if it should not count)",
        f"firewall.yaml:{second}: tactics[1].id: 'sealed-module' is used twice: give each "
        "tactic its own",
    ]


def test_a_file_that_is_not_a_policy() -> None:
    assert problems_of("") == [
        "firewall.yaml:1: the file is empty: expected a firewall policy (policy: firewall, "
        "tests, recommend, ...)"
    ]
    assert problems_of("# nothing but a comment\n")[0].endswith(
        "expected a firewall policy (policy: firewall, tests, recommend, ...)"
    )
    assert problems_of("- a list\n") == ["firewall.yaml:1: expected a mapping, got a list"]
    wrong = problems_of(SHIPPED_TEXT.replace("policy: firewall", "policy: checklist"))
    assert wrong == [
        f"firewall.yaml:{line_of(SHIPPED_TEXT, 'policy: firewall')}: policy: 'checklist': this "
        "file holds the firewall policy, so write 'policy: firewall'"
    ]


def test_a_tag_that_would_build_an_object_is_refused_never_run() -> None:
    text = SHIPPED_TEXT.replace("title: Firewall policy", "title: !!python/object/apply:os.system")
    problems = problems_of(text)
    line = line_of(text, "title: !!python")
    assert problems[0] == (
        f"firewall.yaml:{line}: the tag '!!python/object/apply:os.system' is not allowed: "
        "firstfile reads plain data (text, numbers, dates, true/false, lists, mappings) and "
        "never builds objects from a file"
    )


def test_anchors_are_refused() -> None:
    text = SHIPPED_TEXT.replace("  test-house: [test]", "  test-house: &t [test]")
    assert "anchors and aliases (&t) are not supported" in problems_of(text)[0]


def test_unreadable_files(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"policy: \xff\xfe firewall\n")
    with pytest.raises(PolicyError) as caught:
        read_policy(binary)
    assert caught.value.problems == [f"{binary}:1: not UTF-8 text (byte 8)"]
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * 1_000_001)
    with pytest.raises(PolicyError) as caught:
        read_policy(huge)
    assert caught.value.problems == [f"{huge}:1: the file is larger than 1,000,000 bytes"]
    with pytest.raises(PolicyError) as caught:
        read_policy(tmp_path / "missing.yaml")
    assert "cannot read the file" in caught.value.problems[0]
