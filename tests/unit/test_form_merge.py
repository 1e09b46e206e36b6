"""Settling a clash field by field: what differs, what is suggested, what a merge gives."""

from __future__ import annotations

from firstfile.ui.form_merge import MINE, THEIRS, brief, differences, merged, shown

LABELS = (("title", "Title"), ("summary", "Summary"), ("variants", "Variants"),
          ("inventors", "People"))
BASE = {"title": "Potting", "summary": "s", "variants": "", "inventors": []}


def test_only_differing_fields_are_listed_with_a_suggestion_each() -> None:
    mine = {**BASE, "title": "Potting v2", "summary": "mine"}
    theirs = {**BASE, "summary": "theirs", "variants": "a second comparator"}
    rows = {row.name: row for row in differences(BASE, mine, theirs, LABELS)}
    assert list(rows) == ["title", "summary", "variants"]  # in the labels' order
    assert (rows["title"].suggested, rows["title"].both_changed) == (MINE, False)
    assert (rows["summary"].suggested, rows["summary"].both_changed) == (MINE, True)
    assert (rows["variants"].suggested, rows["variants"].both_changed) == (THEIRS, False)
    assert (rows["variants"].mine, rows["variants"].theirs) == ("(empty)", "a second comparator")


def test_a_merge_takes_each_field_from_the_side_chosen() -> None:
    mine = {**BASE, "title": "Potting v2", "summary": "mine"}
    theirs = {**BASE, "summary": "theirs", "variants": "v"}
    result = merged(mine, theirs, {"title": MINE, "summary": THEIRS, "variants": THEIRS})
    assert result == {**BASE, "title": "Potting v2", "summary": "theirs", "variants": "v"}


def test_people_and_long_text_read_plainly() -> None:
    people = [{"person": "jdoe", "role": "inventor", "contribution": "60"},
              {"person": "wli", "role": "contributor", "contribution": ""}]
    assert shown(people) == "jdoe (inventor, 60%), wli (contributor)"
    assert shown(["bms-fw", "pack"]) == "bms-fw, pack"
    assert brief("x" * 310, 300) == "x" * 300 + "... (10 more characters)"
    assert brief("short") == "short"
