"""Ideas with several authors, merged ideas and session settings in `firstfile/1` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstfile.interchange import IdeaDoc, dump_document
from tests.unit.interchange_cases import BASE, edit, line_of, parse, problems

# Two own engineers and a vendor engineer in the room; idea 2 was merged into idea 1, which
# therefore has two authors and carries both ideas' dots.
MERGED = edit(
    """    participants: [jdoe]
    ideas:
      - text: Sensorless start-up from back-EMF
        author: jdoe
        component: motor-fw
        votes: 2
""",
    """    participants: [jdoe, mroe, wli]
    components: [motor-fw]
    decks: [scamper, design-around]
    time_box_minutes: 90
    prompt_minutes: 6
    dots_per_participant: 4
    ideas:
      - text: Sensorless start-up from back-EMF
        authors: [jdoe, wli]
        component: motor-fw
        votes: 3
      - text: Start the motor without Hall sensors
        author: wli
        status: parked
        merged_into: 1
      - text: Pot the driver stage
        author: mroe
        votes: 1
""",
    edit("""  - key: wli
""", """  - key: mroe
    name: Mary Roe
  - key: wli
"""),
)


def only_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_merged_ideas_and_settings_are_read() -> None:
    (session,) = parse(MERGED).sessions
    survivor, absorbed, other = session.ideas
    assert survivor.author == "jdoe" and survivor.authors == ("jdoe", "wli")
    assert absorbed.merged_into == 1 and absorbed.status == "parked"
    assert absorbed.authors == ("wli",) and other.merged_into is None
    assert (session.time_box_minutes, session.prompt_minutes,
            session.dots_per_participant) == (90, 6, 4)
    assert session.decks == ("scamper", "design-around")
    assert session.components == ("motor-fw",)


def test_a_file_without_the_new_fields_reads_as_before() -> None:
    (session,) = parse(BASE).sessions
    (idea,) = session.ideas
    assert idea == IdeaDoc(text="Sensorless start-up from back-EMF", author="jdoe",
                           component="motor-fw", votes=2)
    assert idea.authors == ("jdoe",) and idea.merged_into is None
    assert (session.time_box_minutes, session.prompt_minutes, session.dots_per_participant,
            session.decks, session.components) == (60, 5, 3, (), ())


def test_author_may_be_given_with_authors_when_it_comes_first() -> None:
    both = edit("        authors: [jdoe, wli]\n",
                "        author: jdoe\n        authors: [jdoe, wli]\n", MERGED)
    assert parse(both) == parse(MERGED)


def test_the_order_after_the_first_author_is_not_kept() -> None:
    three = edit("authors: [jdoe, wli]", "authors: [jdoe, wli, mroe]", MERGED)
    (session,) = parse(three).sessions
    assert session.ideas[0].authors == ("jdoe", "mroe", "wli")
    assert IdeaDoc("x", authors=("wli", "mroe", "jdoe")).author == "wli"


def test_author_that_is_not_the_first_of_authors() -> None:
    text = edit("        authors: [jdoe, wli]\n",
                "        author: wli\n        authors: [jdoe, wli]\n", MERGED)
    line = line_of(text, "authors: [jdoe, wli]") - 1
    assert only_problem(text) == (
        f"acme.yaml:{line}: sessions[0].ideas[0].author: 'wli' is not the first of authors "
        "('jdoe'): the first author leads the list; put them first there, or leave author out"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("authors: [jdoe, wli]", "authors: [jdoe, jdoe]", "sessions[0].ideas[0].authors[1]",
         "'jdoe' is listed twice"),
        ("authors: [jdoe, wli]", "authors: [jdoe, wlee]", "sessions[0].ideas[0].authors[1]",
         "unknown person 'wlee'"),
        ("authors: [jdoe, wli]", "authors: []", "sessions[0].ideas[0].authors",
         "must name at least one person (the first author first)"),
        ("authors: [jdoe, wli]", "authors: jdoe", "sessions[0].ideas[0].authors",
         "expected a list, got text"),
    ],
)
def test_bad_authors(old: str, new: str, path: str, message: str) -> None:
    text = edit(old, new, MERGED)
    line = line_of(text, new)
    assert only_problem(text) == f"acme.yaml:{line}: {path}: {message}"


def test_an_idea_needs_an_author() -> None:
    text = edit("        author: mroe\n", "", MERGED)
    line = line_of(text, "- text: Pot the driver stage")
    assert only_problem(text) == f"acme.yaml:{line}: sessions[0].ideas[2].author: is required"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("merged_into: 4", "there is no idea 4: this session has 3, counted from 1 in the "
                           "order listed"),
        ("merged_into: 2", "an idea cannot be merged into itself"),
        ("merged_into: 0", "0 is out of range: use a number of 1 or more"),
        ("merged_into: first", "expected a whole number, got text"),
    ],
)
def test_merged_into_must_point_at_another_idea(new: str, message: str) -> None:
    text = edit("merged_into: 1", new, MERGED)
    line = line_of(text, new)
    assert only_problem(text) == f"acme.yaml:{line}: sessions[0].ideas[1].merged_into: {message}"


def test_merged_into_an_idea_that_is_merged_itself() -> None:
    text = edit("        author: mroe\n        votes: 1\n",
                "        author: mroe\n        status: parked\n        merged_into: 2\n", MERGED)
    line = line_of(text, "merged_into: 2")
    assert only_problem(text) == (
        f"acme.yaml:{line}: sessions[0].ideas[2].merged_into: idea 2 is itself merged into "
        "idea 1: point at that one"
    )


def test_a_merged_idea_is_parked_and_has_no_dots() -> None:
    text = edit("        status: parked\n        merged_into: 1\n",
                "        votes: 2\n        merged_into: 1\n", MERGED)
    idea, votes = line_of(text, "- text: Start the motor"), line_of(text, "votes: 2")
    # status is left out, so it is reported on the idea's first line
    assert problems(text) == [
        f"acme.yaml:{idea}: sessions[0].ideas[1].status: a merged idea is kept 'parked', "
        "not 'open': write status: parked",
        f"acme.yaml:{votes}: sessions[0].ideas[1].votes: a merged idea's dots moved to the "
        "idea it was merged into: give its votes there and leave them out here",
    ]


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("time_box_minutes: 90", "time_box_minutes: 600", "time_box_minutes",
         "600 is out of range: use a number from 5 to 480"),
        ("prompt_minutes: 6", "prompt_minutes: 0", "prompt_minutes",
         "0 is out of range: use a number from 1 to 480"),
        ("prompt_minutes: 6", "prompt_minutes: 95", "prompt_minutes",
         "95 minutes per prompt is more than the 90-minute time box: shorten it or lengthen "
         "the time box"),
        ("dots_per_participant: 4", "dots_per_participant: 21", "dots_per_participant",
         "21 is out of range: use a number from 1 to 20"),
        ("components: [motor-fw]\n    decks", "components: [motor-hw]\n    decks",
         "components[0]",
         "unknown component 'motor-hw'"),
        ("decks: [scamper, design-around]", "decks: [scamper, scamper]", "decks[1]",
         "'scamper' is listed twice"),
        ("decks: [scamper, design-around]", "decks: ['a,b']", "decks[0]",
         "'a,b' is not a valid key: use up to 64 letters, digits, '.', '_' or '-', starting "
         "with a letter or digit"),
    ],
)
def test_bad_settings(old: str, new: str, path: str, message: str) -> None:
    text = edit(old, new, MERGED)
    line = line_of(text, new.splitlines()[0])
    assert only_problem(text) == f"acme.yaml:{line}: sessions[0].{path}: {message}"


def test_too_many_decks() -> None:
    decks = ", ".join(f"deck-{n:02d}-{'x' * 40}" for n in range(10))
    text = edit("decks: [scamper, design-around]", f"decks: [{decks}]", MERGED)
    line = line_of(text, "decks:")
    assert only_problem(text) == (
        f"acme.yaml:{line}: sessions[0].decks: the deck names take more than 400 characters "
        "together: walk fewer decks in one session"
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_merged_session_round_trips(fmt: str) -> None:
    doc = parse(MERGED)
    assert parse(dump_document(doc, fmt), f"again.{fmt}") == doc


def test_writer_names_one_author_as_before_and_several_as_a_list() -> None:
    text = dump_document(parse(MERGED))
    assert "authors: [jdoe, wli]" in text and "author: jdoe" not in text
    assert "author: wli" in text and "merged_into: 1" in text
    assert "time_box_minutes: 90" in text and "decks: [scamper, design-around]" in text
    plain = dump_document(parse(BASE))
    for absent in ("authors", "merged_into", "time_box_minutes", "prompt_minutes",
                   "dots_per_participant", "decks"):
        assert absent not in plain


def test_the_merged_ideas_example_in_the_format_document_is_valid() -> None:
    format_md = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"
    blocks = format_md.read_text(encoding="utf-8").split("```yaml\n")
    example = blocks[1].split("```", 1)[0]
    codes = [b.split("```", 1)[0] for b in blocks[2:]]
    (merged,) = [code for code in codes if "merged_into" in code]
    start = example.index("    ideas:\n")
    end = example.index("disclosures:")
    doc = parse(example[:start] + merged + example[end:], "FORMAT.md")
    survivor, duplicate = doc.sessions[0].ideas
    assert survivor.authors == ("jdoe", "wli") and duplicate.merged_into == 1
