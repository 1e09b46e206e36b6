"""The counsel workflow's rules: moves, next actor, decisions and the trade-secret suggestion."""

from __future__ import annotations

import itertools

import pytest

from firstfile.domain import workflow
from firstfile.domain.disclosure import DisclosureDraft, InventorEntry, validate
from firstfile.domain.vocabulary import DECISIONS, DISCLOSURE_STATUSES


def test_every_status_has_its_moves_label_and_the_first_two_are_draft_and_submitted() -> None:
    assert DISCLOSURE_STATUSES[:2] == ("draft", "submitted")
    assert set(workflow.TRANSITIONS) == set(DISCLOSURE_STATUSES)
    assert set(workflow.STATUS_LABELS) == set(DISCLOSURE_STATUSES)
    assert set(workflow.DECISION_LABELS) == set(DECISIONS)
    for targets in workflow.TRANSITIONS.values():
        assert set(targets) <= set(DISCLOSURE_STATUSES)


def test_the_happy_path_is_allowed_in_order() -> None:
    path = ["draft", "submitted", "in-review", "decided", "filed", "closed"]
    for current, target in itertools.pairwise(path):
        assert workflow.check_move(current, target, "file-pct") is None, (current, target)


@pytest.mark.parametrize(
    ("current", "target", "decision", "says"),
    [
        ("draft", "decided", "", "cannot move from draft to decided"),
        ("draft", "filed", "", "cannot move from draft to filed"),
        ("closed", "draft", "", "closed is final"),
        ("in-review", "decided", "", "record a decision"),
        ("decided", "filed", "trade-secret", "files nothing"),
        ("decided", "closed", "file-provisional", "record the filing"),
        ("draft", "draft", "", "already draft"),
        ("draft", "archived", "", "use one of"),
        ("filed", "withdrawn", "file-pct", "cannot move from filed to withdrawn"),
    ],
)
def test_refused_moves_say_what_to_do(current: str, target: str, decision: str, says: str) -> None:
    problem = workflow.check_move(current, target, decision)
    assert problem is not None and says in problem


def test_allowed_moves_follow_the_decision() -> None:
    assert workflow.allowed_moves("decided", "trade-secret") == ("closed", "in-review",
                                                                 "withdrawn")
    assert workflow.allowed_moves("decided", "file-pct") == ("filed", "in-review", "withdrawn")
    assert workflow.allowed_moves("closed") == ()


@pytest.mark.parametrize(
    ("status", "actor"),
    [("draft", "inventor"), ("submitted", "counsel"), ("in-review", "counsel"),
     ("decided", "counsel"), ("filed", "counsel"), ("closed", ""), ("withdrawn", "")],
)
def test_next_actor(status: str, actor: str) -> None:
    assert workflow.next_actor(status) == actor


def test_a_decision_needs_a_known_value_a_reason_and_a_submitted_disclosure() -> None:
    assert workflow.check_decision("in-review", "file-pct", "Sold in EU and CN; file PCT.") == []
    assert any("use one of" in p for p in workflow.check_decision("in-review", "patent-it",
                                                                  "Because it is good."))
    assert any("reason" in p for p in workflow.check_decision("in-review", "no-action", "  "))
    assert any("submitted first" in p for p in workflow.check_decision("draft", "no-action",
                                                                       "Nothing new here."))
    assert any("decided again" in p for p in workflow.check_decision("closed", "no-action",
                                                                     "Nothing new here."))


@pytest.mark.parametrize("padding", [" " * 20, "\t\n" * 10, "\u00a0" * 12])
def test_a_short_rationale_padded_with_spaces_is_still_too_short(padding: str) -> None:
    # "ok" with spaces around it is as long as a sentence, and says nothing to review later.
    for rationale in (f"ok{padding}", f"{padding}ok", f"{padding}ok{padding}"):
        assert len(rationale) >= workflow.RATIONALE_MIN_CHARS
        assert workflow.check_decision("in-review", "no-action", rationale) == [
            "give the reason for the decision (a sentence or more), so it can be reviewed later"]
    assert workflow.check_decision("in-review", "no-action", f"{padding}Not new.  ok{padding}"
                                   ) == []


def test_trade_secret_is_suggested_only_when_it_cannot_be_reverse_engineered() -> None:
    suggestion = workflow.suggest_decision(False)
    assert suggestion is not None and suggestion.decision == "trade-secret"
    assert "reverse engineered" in suggestion.reason
    assert workflow.suggest_decision(True) is None
    assert workflow.suggest_decision(None) is None


def test_review_state_hides_the_suggestion_once_decided() -> None:
    open_state = workflow.ReviewState("FF-2026-0001", "t", "in-review", reverse_engineerable=False)
    assert open_state.suggestion is not None
    assert open_state.next_actor == "counsel"
    decided = workflow.ReviewState("FF-2026-0001", "t", "decided", decision="no-action",
                                   reverse_engineerable=False)
    assert decided.suggestion is None
    assert decided.moves == ("closed", "in-review", "withdrawn")


@pytest.mark.parametrize("status", DISCLOSURE_STATUSES[1:])
def test_every_status_after_draft_checks_contributions_strictly(status: str) -> None:
    draft = DisclosureDraft(
        title="Sensor", summary="One paragraph.", status=status,
        inventors=(InventorEntry("a", "inventor", 60), InventorEntry("b", "inventor", 30)),
    )
    problems = [p for p in validate(draft) if p.field == "inventors"]
    assert [p.severity for p in problems] == ["error"]
    as_draft = validate(DisclosureDraft(title="Sensor", inventors=draft.inventors))
    assert [p.severity for p in as_draft if p.field == "inventors"] == ["warning"]
