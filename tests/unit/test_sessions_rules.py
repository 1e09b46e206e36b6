"""The pure rules of an extraction session: merge, vote, sort, top N and promotion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from firstfile.domain import sessions as rules
from firstfile.domain.sessions import IdeaView, SessionSetup, SessionView


def idea(number: int, votes: int = 0, status: str = "open", authors: tuple[str, ...] = ("a",),
         merged_into: int | None = None, text: str = "") -> IdeaView:
    return IdeaView(id=100 + number, position=number - 1, text=text or f"idea {number}",
                    authors=authors, votes=votes, stored_status=status,
                    merged_into=merged_into, prompt_id="cm-test-01", component="bms-fw")


def session(*ideas: IdeaView) -> SessionView:
    return SessionView(
        id=7, engagement_key="ACME-2026", engagement_name="Battery module", key="pre-1",
        title="Before the RFQ", phase="pre", held_on=date(2026, 2, 10), goal="",
        facilitator="jdoe", facilitator_name="Jane Doe", status="running",
        time_box_minutes=60, prompt_minutes=5, dots_per_participant=3, decks=("scamper",),
        current_prompt=0, started_at=None, ended_at=None, ideas=ideas)


def test_merge_keeps_every_author_once_survivor_first() -> None:
    assert rules.merged_authors(("b", "a"), ("c", "a", "d")) == ("b", "a", "c", "d")


def test_merged_dots_add_per_person_and_keep_everyone() -> None:
    assert rules.merged_dots({1: 1, 2: 2}, {2: 1, 3: 1}) == {1: 1, 2: 3, 3: 1}


def test_merged_text_keeps_added_words_but_not_a_repeat() -> None:
    assert rules.merged_text("Press-fit pins", "press-fit pins") == "Press-fit pins"
    assert rules.merged_text("Press-fit pins", "into the busbar") == (
        "Press-fit pins\ninto the busbar")


@pytest.mark.parametrize(("survivor", "absorbed", "words"), [
    (idea(1), idea(1), "two different"),
    (idea(1), idea(2, merged_into=101), "already merged"),
    (idea(1, status="promoted"), idea(2), "already a disclosure"),
])
def test_merge_problems(survivor: IdeaView, absorbed: IdeaView, words: str) -> None:
    problem = rules.merge_problem(survivor, absorbed)
    assert problem is not None and words in problem


def test_merge_of_two_open_ideas_is_allowed() -> None:
    assert rules.merge_problem(idea(1), idea(2, status="parked")) is None


def test_merged_idea_reports_merged_status() -> None:
    assert idea(2, status="parked", merged_into=101).status == "merged"
    assert idea(2, status="parked").status == "parked"


def test_vote_rules() -> None:
    common = {"room_keys": ("a", "b"), "allowance": 3}
    assert rules.vote_problem(idea=idea(1), person="a", delta=1, spent=2, on_this_idea=0,
                              **common) is None
    spent_out = rules.vote_problem(idea=idea(1), person="a", delta=1, spent=3,
                                   on_this_idea=0, **common)
    assert spent_out is not None and "all 3 dots" in spent_out
    stranger = rules.vote_problem(idea=idea(1), person="z", delta=1, spent=0,
                                  on_this_idea=0, **common)
    assert stranger is not None and "not in" in stranger
    nothing_back = rules.vote_problem(idea=idea(1), person="a", delta=-1, spent=1,
                                      on_this_idea=0, **common)
    assert nothing_back is not None and "no dot" in nothing_back
    parked = rules.vote_problem(idea=idea(1, status="parked"), person="a", delta=1, spent=0,
                                on_this_idea=0, **common)
    assert parked is not None and "parked" in parked
    # Taking a dot back from a parked idea is always allowed.
    assert rules.vote_problem(idea=idea(1, status="parked"), person="a", delta=-1, spent=1,
                              on_this_idea=1, **common) is None


def test_tallies_add_dots_per_idea() -> None:
    assert rules.tallies([(1, 2), (2, 1), (1, 1)]) == {1: 3, 2: 1}


def test_live_list_sorts_by_tally_then_order_and_hides_merged() -> None:
    ideas = [idea(1, 1), idea(2, 3), idea(3, 1), idea(4, 0, merged_into=102), idea(5, 0)]
    assert [i.number for i in rules.by_tally(ideas)] == [2, 1, 3, 5]


def test_top_n_takes_only_open_voted_ideas() -> None:
    ideas = [idea(1, 2), idea(2, 5, status="promoted"), idea(3, 4, status="parked"),
             idea(4, 1), idea(5, 0), idea(6, 2)]
    assert [i.number for i in rules.top_ideas(ideas, 3)] == [1, 6, 4]
    assert [i.number for i in rules.top_ideas(ideas, 10)] == [1, 6, 4]
    assert rules.top_ideas(ideas, 0) == []


def test_promotion_draft_is_prefilled_from_idea_and_session() -> None:
    text = ("Calibrate the cell-voltage channels on the line by pushing a known current "
            "through the balancing resistors. Saves a precision source.")
    chosen = idea(4, 3, authors=("tnguyen", "wli"), text=text)
    draft = rules.promotion_draft(session(chosen), chosen, prompt_title="Calibration")
    # Ten words at a word boundary, no ellipsis; the whole idea is the summary.
    assert draft.title == "Calibrate the cell-voltage channels on the line by pushing a"
    assert draft.summary == text
    assert [(i.person_key, i.contribution) for i in draft.inventors] == [
        ("tnguyen", 50.0), ("wli", 50.0)]
    assert draft.engagement_key == "ACME-2026"
    assert draft.phase == "pre"
    assert draft.status == "draft"
    assert draft.conception_date == date(2026, 2, 10)
    assert draft.components == ("bms-fw",)
    assert "ACME-2026/pre-1" in draft.records_location
    assert "idea #4" in draft.records_location
    assert "cm-test-01 (Calibration)" in draft.records_location


def test_promotion_draft_with_absorbed_ideas_names_their_authors() -> None:
    chosen, other = idea(1, authors=("a",)), idea(2, authors=("b",), text="also shielded")
    draft = rules.promotion_draft(session(chosen, other), chosen, absorbed=[other])
    assert [i.person_key for i in draft.inventors] == ["a", "b"]
    assert "also shielded" in draft.summary


def test_a_long_title_is_shortened_at_a_word_boundary_without_an_ellipsis() -> None:
    long_word = "x" * 70  # two of them pass the 120 characters a promoted title may hold
    title = rules.title_from_text(f"{long_word} {long_word} and more")
    assert title == long_word and "…" not in title
    three = rules.title_from_text("one two three four five six seven eight nine ten eleven")
    assert three == "one two three four five six seven eight nine ten"


def test_short_title_is_kept_whole() -> None:
    assert rules.title_from_text("Dual footprint regulator.\nMore detail") == (
        "Dual footprint regulator")


def test_idea_text_is_cleaned_and_empty_refused() -> None:
    assert rules.idea_text("  bad\x1bchar  ") == "bad\u241bchar"
    with pytest.raises(ValueError, match="type the idea"):
        rules.idea_text("   \n ")


def test_next_participant_wraps_both_ways() -> None:
    keys = ["a", "b", "c"]
    assert rules.next_participant(keys, "c") == "a"
    assert rules.next_participant(keys, "a", -1) == "c"
    assert rules.next_participant(keys, "zz") == "a"
    assert rules.next_participant([], "a") == ""


def test_parse_session_ref() -> None:
    assert rules.parse_session_ref("ACME-2026/pre-1") == ("ACME-2026", "pre-1")
    assert rules.parse_session_ref("pre-1") == (None, "pre-1")


def test_countdown_runs_into_overtime() -> None:
    start = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    assert rules.seconds_left(start, 5, start + timedelta(seconds=61)) == 239
    assert rules.seconds_left(start, 5, start + timedelta(minutes=6)) == -60
    assert rules.seconds_left(None, 5, start) == 300
    assert rules.format_countdown(239) == "03:59"
    assert rules.format_countdown(-60) == "-01:00"


def test_check_setup_reports_each_problem() -> None:
    bad = SessionSetup(engagement_key="ACME-2026", key="pre 1", title=" ", phase="later",
                       facilitator="", held_on=date(2026, 2, 10), time_box_minutes=1,
                       prompt_minutes=5, dots_per_participant=0)
    problems = " | ".join(rules.check_setup(bad))
    for words in ("session key", "title", "phase", "facilitator", "participants",
                  "time box", "minutes per prompt", "dots"):
        assert words in problems
    good = SessionSetup(engagement_key="ACME-2026", key="pre-1", title="Before the RFQ",
                        phase="pre", facilitator="jdoe", held_on=date(2026, 2, 10),
                        participants=("rsmith",))
    assert rules.check_setup(good) == []


def test_component_for_prompt() -> None:
    focus = [("bms-fw", "firmware"), ("afe-pcb", "pcb")]
    assert rules.component_for_prompt(("pcb",), focus) == "afe-pcb"
    assert rules.component_for_prompt((), focus) == ""
    assert rules.component_for_prompt((), focus[:1]) == "bms-fw"
    assert rules.component_for_prompt(("power",), []) == ""


def test_default_decks_fit_the_time_box() -> None:
    from firstfile.domain.sessions import decks_that_fit, prompts_that_fit

    shipped = [("contract-manufacturer", 25), ("design-around", 5), ("scamper", 7),
               ("triz", 40)]
    assert prompts_that_fit(60, 5) == 12
    assert decks_that_fit(shipped, 60, 5) == ("design-around", "scamper")
    assert decks_that_fit(shipped, 60, 2) == ("contract-manufacturer", "design-around")
    assert decks_that_fit(shipped, 480, 1) == tuple(name for name, _ in shipped)
    # Nothing fits whole: the smallest deck, so the session still has prompts.
    assert decks_that_fit(shipped, 5, 5) == ("design-around",)
    assert decks_that_fit([], 60, 5) == ()
