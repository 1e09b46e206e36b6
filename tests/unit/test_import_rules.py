"""The merge rule an import follows, as pure rules: values, stages and counsel's statuses."""

from __future__ import annotations

from datetime import date

import pytest

from firstfile.domain.merge import (
    CLEARS,
    CONFLICT,
    FILL,
    NO_BLANK,
    SAME,
    merge_value,
    shown_value,
    stage_move,
)
from firstfile.domain.vocabulary import DISCLOSURE_STATUSES, ENGAGEMENT_PHASES
from firstfile.domain.workflow import (
    IMPORT_BEHIND,
    IMPORT_REFUSED,
    IMPORT_SAME,
    IMPORT_SUBMIT,
    import_status,
    is_further_along,
)


@pytest.mark.parametrize(
    ("stored", "incoming", "blank", "outcome"),
    [
        ("Drives", "Drives", "", SAME),
        ("", "Drives", "", FILL),
        ("Drives", "", "", CLEARS),
        ("Drives", "Motors", "", CONFLICT),
        (None, date(2026, 3, 2), None, FILL),
        ((), ("motor-fw",), (), FILL),
        (("motor-fw",), (), (), CLEARS),
        (False, True, False, FILL),
        (True, False, False, CLEARS),
        (None, False, None, FILL),  # reverse_engineerable: unknown, then "no"
        (3, 4, NO_BLANK, CONFLICT),  # a score always holds a value
    ],
)
def test_merge_value(stored: object, incoming: object, blank: object, outcome: str) -> None:
    assert merge_value(stored, incoming, blank) == outcome


def test_stages_only_move_forward() -> None:
    assert stage_move(ENGAGEMENT_PHASES, "during", "pre") == "behind"
    assert stage_move(ENGAGEMENT_PHASES, "pre", "during") == "ahead"
    assert stage_move(ENGAGEMENT_PHASES, "post", "post") == SAME


@pytest.mark.parametrize(
    ("stored", "incoming", "submitted_before", "outcome"),
    [
        ("draft", "draft", False, IMPORT_SAME),
        ("draft", "submitted", False, IMPORT_SUBMIT),
        ("draft", "submitted", True, IMPORT_BEHIND),  # counsel sent it back
        ("draft", "in-review", True, IMPORT_BEHIND),
        ("submitted", "draft", True, IMPORT_BEHIND),
        ("filed", "submitted", True, IMPORT_BEHIND),
        ("closed", "decided", True, IMPORT_BEHIND),
        ("withdrawn", "submitted", True, IMPORT_BEHIND),
        ("withdrawn", "draft", True, IMPORT_BEHIND),
        ("submitted", "filed", True, IMPORT_REFUSED),  # counsel's moves are counsel's
        ("draft", "withdrawn", False, IMPORT_REFUSED),
        ("closed", "withdrawn", True, IMPORT_REFUSED),
        ("decided", "in-review", True, IMPORT_BEHIND),  # written before the decision
        ("in-review", "decided", True, IMPORT_REFUSED),  # a decision needs counsel
    ],
)
def test_what_an_import_does_with_a_status(stored: str, incoming: str,
                                           submitted_before: bool, outcome: str) -> None:
    assert import_status(stored, incoming, submitted_before=submitted_before) == outcome


def test_every_status_is_further_along_than_draft_and_none_than_itself() -> None:
    for status in DISCLOSURE_STATUSES:
        assert is_further_along(status, "draft") == (status != "draft")
        assert not is_further_along(status, status)
    assert not is_further_along("draft", "filed")


def test_values_are_quoted_short() -> None:
    assert shown_value("x" * 100) == repr("x" * 60 + "...")
    assert shown_value(None) == "nothing"
    assert shown_value(("a", "b")) == "[a, b]"
    assert shown_value(date(2026, 3, 2)) == "2026-03-02"
    assert shown_value(True) == "true"
