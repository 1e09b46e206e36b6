"""Prompt decks: the shipped files, the loader's error reports and overrides, session order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from firstfile.domain.prompts import Deck, Prompt, order_for_session
from firstfile.resources import shipped_templates
from firstfile.services.prompt_decks import DeckLoad, load_decks, read_deck

# Altshuller's 40 principles, in his order (names as in REFERENCE.md section 5 and the
# TRIZ Journal lists).
TRIZ_NAMES = [
    "Segmentation", "Taking out", "Local quality", "Asymmetry", "Merging", "Universality",
    "Nested doll", "Anti-weight", "Preliminary anti-action", "Preliminary action",
    "Beforehand cushioning", "Equipotentiality", "The other way round",
    "Spheroidality/curvature", "Dynamics", "Partial or excessive actions", "Another dimension",
    "Mechanical vibration", "Periodic action", "Continuity of useful action", "Skipping",
    "Blessing in disguise", "Feedback", "Intermediary", "Self-service", "Copying",
    "Cheap short-living objects", "Mechanics substitution", "Pneumatics and hydraulics",
    "Flexible shells and thin films", "Porous materials", "Colour changes", "Homogeneity",
    "Discarding and recovering", "Parameter changes", "Phase transitions", "Thermal expansion",
    "Strong oxidants", "Inert atmosphere", "Composite materials",
]
# The component kinds the shipped decks may name; a typo such as "firmare" would silently
# never match a focus, so the shipped data is held to this list.
SHIPPED_KINDS = {
    "pcb", "firmware", "mechanical", "test", "packaging", "algorithm", "power", "thermal",
    "enclosure",
}

GOOD_DECK = """\
deck: bench
title: Bench prompts
source: our own
prompts:
  - id: bench-01
    title: Fixture
    question: What would the vendor change in the fixture?
    component_kinds: [test]
  - id: bench-02
    title: Anything
    question: What else?
"""


def write_deck(template_dir: Path, file_name: str, text: str) -> Path:
    folder = template_dir / "prompts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    path.write_text(text, encoding="utf-8")
    return path


def by_name(load: DeckLoad) -> dict[str, Deck]:
    return {deck.name: deck for deck in load.decks}


@pytest.fixture(scope="module")
def shipped() -> DeckLoad:
    return load_decks([])


# --- the shipped decks -------------------------------------------------------------------------


def test_shipped_decks_load_without_problems(shipped: DeckLoad) -> None:
    assert shipped.problems == []
    assert set(by_name(shipped)) == {"triz", "scamper", "design-around", "contract-manufacturer"}
    for deck in shipped.decks:
        assert deck.title and deck.source, deck.name
        for prompt in deck.prompts:
            assert prompt.deck == deck.name
            assert prompt.title and prompt.question.endswith("?"), prompt.id


def test_triz_has_the_forty_principles_in_order(shipped: DeckLoad) -> None:
    triz = by_name(shipped)["triz"]
    assert [p.id for p in triz.prompts] == [f"triz-{n:02d}" for n in range(1, 41)]
    assert [p.title for p in triz.prompts] == TRIZ_NAMES
    for prompt in triz.prompts:
        assert prompt.question.startswith("What would the vendor improve by "), prompt.id
        assert prompt.example, prompt.id


def test_triz_file_cites_its_sources() -> None:
    header = (shipped_templates() / "prompts" / "triz.yaml").read_text(encoding="utf-8")
    assert "Altshuller" in header
    assert "Retseptor" in header and "40 Inventive Principles in Microelectronics" in header


def test_scamper_has_seven_prompts(shipped: DeckLoad) -> None:
    scamper = by_name(shipped)["scamper"]
    assert [p.id for p in scamper.prompts] == [f"scamper-{c}" for c in "scamper"]
    assert [p.title.split()[0].strip("(/") for p in scamper.prompts] == [
        "Substitute", "Combine", "Adapt", "Modify", "Put", "Eliminate", "Reverse/Rearrange",
    ]


def test_contract_manufacturer_deck_covers_each_area(shipped: DeckLoad) -> None:
    deck = by_name(shipped)["contract-manufacturer"]
    assert "AESTECHNO" in deck.source
    areas: dict[str, int] = {}
    for prompt in deck.prompts:
        match = re.fullmatch(r"cm-([a-z]+)-(\d\d)", prompt.id)
        assert match, prompt.id
        areas[match.group(1)] = areas.get(match.group(1), 0) + 1
        assert prompt.question.endswith("What would the vendor improve here, and how?")
    assert set(areas) == {
        "pcb", "comp", "asm", "test", "therm", "cert", "cost", "yield", "fw", "pack",
    }
    assert all(2 <= count <= 3 for count in areas.values()), areas


def test_design_around_prompts(shipped: DeckLoad) -> None:
    deck = by_name(shipped)["design-around"]
    ids = [p.id for p in deck.prompts]
    assert ids[:3] == ["da-01", "da-02", "da-03"]
    assert "remove" in deck.prompts[0].title.lower()


def test_prompt_ids_are_unique_across_shipped_decks(shipped: DeckLoad) -> None:
    ids = [p.id for deck in shipped.decks for p in deck.prompts]
    assert len(ids) == len(set(ids)) > 40


def test_shipped_decks_name_only_known_component_kinds(shipped: DeckLoad) -> None:
    used = {k for deck in shipped.decks for p in deck.prompts for k in p.component_kinds}
    assert used <= SHIPPED_KINDS, used - SHIPPED_KINDS
    assert used  # the decks do tie prompts to kinds, or focus ordering would do nothing


# --- broken and overriding user decks ----------------------------------------------------------


def test_bad_yaml_is_reported_with_file_and_line_and_skipped(tmp_path: Path) -> None:
    write_deck(tmp_path, "bench.yaml", GOOD_DECK)
    bad = write_deck(tmp_path, "broken.yaml", "deck: broken\ntitle: Broken\nprompts:\n"
                                              "  - id: b-01\n    title: [unclosed\n"
                                              "    question: q\n")
    load = load_decks([tmp_path])
    assert len(load.problems) == 1
    assert re.match(rf"^{re.escape(str(bad))}:[56]: not valid YAML", load.problems[0])
    names = set(by_name(load))
    assert "broken" not in names
    assert {"bench", "triz", "scamper", "design-around", "contract-manufacturer"} <= names


def test_missing_question_is_reported_at_its_prompt_and_skipped(tmp_path: Path) -> None:
    write_deck(tmp_path, "bench.yaml", GOOD_DECK)
    text = GOOD_DECK.replace("deck: bench", "deck: other").replace("bench-", "other-")
    text = text.replace("    question: What else?\n", "")
    path = write_deck(tmp_path, "other.yaml", text)
    load = load_decks([tmp_path])
    # The second prompt starts on line 9 of the file.
    assert load.problems == [f"{path}:9: prompts[1]: missing 'question'"]
    assert "other" not in by_name(load)
    assert len(by_name(load)["bench"].prompts) == 2
    assert len(by_name(load)["triz"].prompts) == 40


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    [
        (("title: Bench prompts", "title: 12"), 2, "'title' must be text, not a number"),
        (("source: our own", "sauce: our own"), 3, "unknown key 'sauce'"),
        (("component_kinds: [test]", "component_kinds: test"), 8, "must be a list"),
        (("id: bench-02", "id: bench-01"), 9, "'bench-01' is used twice"),
        (("id: bench-02", "id: ../etc"), 9, "id '../etc' must be letters"),
        (("deck: bench", "deck: bench\ndeck: again"), 2, "duplicate key 'deck'"),
        (("prompts:\n", "prompts: []\nx:\n"), 4, "'prompts' is empty"),
    ],
)
def test_wrong_shapes_are_reported_at_their_line(
    tmp_path: Path, change: tuple[str, str], line: int, fragment: str
) -> None:
    assert change[0] in GOOD_DECK
    path = write_deck(tmp_path, "bench.yaml", GOOD_DECK.replace(*change, 1))
    deck, problems = read_deck(path)
    assert deck is None
    assert any(p.startswith(f"{path}:{line}: ") and fragment in p for p in problems), problems


def test_a_user_deck_overrides_the_shipped_one_by_file_name(tmp_path: Path) -> None:
    write_deck(tmp_path, "triz.yaml", "deck: triz\ntitle: Our TRIZ\nprompts:\n"
                                      "  - id: triz-01\n    title: Segmentation\n"
                                      "    question: Split what?\n")
    load = load_decks([tmp_path])
    assert load.problems == []
    triz = [d for d in load.decks if d.name == "triz"]
    assert len(triz) == 1
    assert triz[0].title == "Our TRIZ"
    assert [p.question for p in triz[0].prompts] == ["Split what?"]
    # The user's folder is walked first.
    assert load.decks[0] is triz[0]


def test_a_broken_override_falls_back_to_the_shipped_deck(tmp_path: Path) -> None:
    path = write_deck(tmp_path, "triz.yaml", "deck: triz\ntitle: [\n")
    load = load_decks([tmp_path])
    assert len(load.problems) == 1 and load.problems[0].startswith(f"{path}:")
    assert len(by_name(load)["triz"].prompts) == 40


def test_a_user_deck_reusing_a_shipped_id_is_the_one_skipped(tmp_path: Path) -> None:
    text = GOOD_DECK.replace("id: bench-02", "id: triz-05")
    path = write_deck(tmp_path, "bench.yaml", text)
    load = load_decks([tmp_path])
    assert len(load.problems) == 1
    assert load.problems[0].startswith(f"{path}:9: prompt id 'triz-05' is already used by "
                                       "deck 'triz'")
    assert "bench" not in by_name(load)
    assert len(by_name(load)["triz"].prompts) == 40


def test_two_user_decks_sharing_an_id_keep_the_first_file(tmp_path: Path) -> None:
    write_deck(tmp_path, "a.yaml", GOOD_DECK)
    second = write_deck(tmp_path, "b.yaml", GOOD_DECK.replace("deck: bench", "deck: bench-b"))
    load = load_decks([tmp_path], include_shipped=False)
    assert [d.name for d in load.decks] == ["bench"]
    assert [p.split(": prompt id")[0] for p in load.problems] == [f"{second}:5", f"{second}:9"]


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = write_deck(
        tmp_path, "evil.yaml",
        "deck: evil\ntitle: Evil\nprompts:\n  - id: e-01\n    title: t\n"
        f"    question: !!python/object/apply:os.mkdir [{str(marker)!r}]\n",
    )
    other = write_deck(
        tmp_path, "other.yaml",
        "!!python/object:firstfile.domain.prompts.Deck\nname: x\ntitle: y\nsource: z\n",
    )
    load = load_decks([tmp_path], include_shipped=False)
    assert load.decks == []
    assert not marker.exists()
    assert len(load.problems) == 2
    assert load.problems[0].startswith(
        f"{evil}:6: the tag '!!python/object/apply:os.mkdir' is not allowed")
    assert load.problems[1].startswith(
        f"{other}:1: the tag '!!python/object:firstfile.domain.prompts.Deck' is not allowed")


def test_control_characters_in_user_text_are_replaced_visibly(tmp_path: Path) -> None:
    path = write_deck(tmp_path, "bench.yaml",
                      GOOD_DECK.replace("title: Fixture", 'title: "Fix\\x1bture"'))
    deck, problems = read_deck(path)
    assert problems == [] and deck is not None
    assert deck.prompts[0].title == "Fix\u241bture"


def test_a_missing_user_folder_is_not_a_problem(tmp_path: Path) -> None:
    load = load_decks([tmp_path / "nowhere"])
    assert load.problems == []
    assert len(load.decks) == 4


# --- session order -----------------------------------------------------------------------------


def _deck(name: str, *specs: tuple[str, tuple[str, ...]]) -> Deck:
    prompts = tuple(
        Prompt(id=pid, deck=name, title=pid, question=f"{pid}?", component_kinds=kinds)
        for pid, kinds in specs
    )
    return Deck(name=name, title=name, source="", prompts=prompts)


DECKS = [
    _deck("one", ("a", ("pcb",)), ("b", ()), ("c", ("firmware",)), ("d", ("pcb", "test"))),
    _deck("two", ("e", ("test",)), ("f", ()), ("g", ("firmware", "power"))),
]


def test_without_focus_the_decks_are_walked_in_order() -> None:
    expected = list("abcdefg")
    assert [p.id for p in order_for_session(DECKS, None)] == expected
    assert [p.id for p in order_for_session(DECKS, set())] == expected


def test_focus_puts_tied_prompts_first_then_general_ones_and_keeps_all() -> None:
    ordered = [p.id for p in order_for_session(DECKS, {"firmware"})]
    assert ordered == ["c", "g", "b", "f", "a", "d", "e"]
    ordered = [p.id for p in order_for_session(DECKS, {"Test", "power"})]
    assert ordered == ["d", "e", "g", "b", "f", "a", "c"]


def test_focus_on_the_shipped_decks_keeps_every_prompt(shipped: DeckLoad) -> None:
    everything = order_for_session(shipped.decks, None)
    focused = order_for_session(shipped.decks, {"firmware"})
    assert sorted(p.id for p in focused) == sorted(p.id for p in everything)
    tied = [p for p in focused if "firmware" in p.component_kinds]
    assert tied and focused[: len(tied)] == tied



def test_an_alias_in_a_user_deck_is_refused_not_expanded(tmp_path: Path) -> None:
    path = write_deck(tmp_path, "triz.yaml", "deck: triz\ntitle: &t Ours\nsource: *t\n"
                                             "prompts:\n  - id: triz-01\n    title: x\n"
                                             "    question: q\n")
    load = load_decks([tmp_path])
    assert [p.split(": anchors")[0] for p in load.problems] == [f"{path}:2", f"{path}:3"]
    assert len(by_name(load)["triz"].prompts) == 40  # the shipped deck, not the broken one
