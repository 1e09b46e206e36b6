"""Two users saving the same record at the same moment, on real SQLite files and PostgreSQL.

Each writer is a thread with a store (an engine, so a connection) of its own, like two users'
processes. A barrier releases both at once, many times over. When both based their change on
the same version, exactly one save wins and the other gets Conflict carrying what is stored
now; when neither named a version (a command-line change), both are applied one after the
other and the audit trail links them (each change's "old" is the previous change's "new"):
nothing is ever silently lost.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import counsel, disclosures, engagements, sessions, vendors
from firstfile.services.errors import Conflict
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.factories import seed_basics
from tests.integration.sessions_fixtures import seeded_session

TRIALS = 25


@dataclass
class Outcome:
    """What one writer got: the value it returned, or the Conflict it raised."""

    result: Any = None
    conflict: Conflict | None = None


@pytest.fixture
def writers(db_url: str) -> Iterator[tuple[Store, Store]]:
    """Two stores on the same database, one per user."""
    first, second = open_store(db_url), open_store(db_url)
    yield first, second
    first.dispose()
    second.dispose()


def race(stores: tuple[Store, Store], write: Callable[[Store, int], Any]) -> list[Outcome]:
    """Run write(store, writer number) in two threads released at the same moment."""
    barrier = threading.Barrier(2)
    outcomes = [Outcome(), Outcome()]
    failures: list[BaseException] = []

    def run(number: int) -> None:
        barrier.wait()
        try:
            outcomes[number].result = write(stores[number], number)
        except Conflict as exc:
            outcomes[number].conflict = exc
        except BaseException as exc:  # reported below: anything else is a failure
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return outcomes


def one_winner(outcomes: list[Outcome]) -> tuple[Outcome, Outcome]:
    """The winner and the loser; fails unless exactly one save won."""
    won = [o for o in outcomes if o.conflict is None]
    lost = [o for o in outcomes if o.conflict is not None]
    assert len(won) == 1 and len(lost) == 1, (
        f"expected one save and one conflict, got {len(won)} saves")
    return won[0], lost[0]


def _draft(**changes: object) -> DisclosureDraft:
    values: dict[str, object] = {
        "title": "Cell balancing by pulse injection",
        "summary": "Balances cells with short pulses.",
        "engagement_key": "ACME-2026",
        "inventors": (InventorEntry("jdoe", "inventor", 60), InventorEntry("wli", "inventor", 40)),
    }
    values.update(changes)
    return DisclosureDraft(**values)  # type: ignore[arg-type]


def _audit(store: Store, entity_key: str, action: str) -> list[dict[str, list[Any]]]:
    with store.read() as db:
        rows = db.execute(
            select(AuditEvent.changes)
            .where(AuditEvent.entity_key == entity_key, AuditEvent.action == action)
            .order_by(AuditEvent.id)  # type: ignore[arg-type]
        ).scalars()
        return [json.loads(row) for row in rows]


# --- the same version: one wins, the other is told ---------------------------------------------


def test_two_editors_saving_one_disclosure_one_wins(writers: tuple[Store, Store]) -> None:
    seed_basics(writers[0])
    key = disclosures.create_disclosure(writers[0], _draft(), actor="jdoe").key
    for trial in range(TRIALS):
        base = disclosures.get_disclosure(writers[0], key)

        def save(store: Store, number: int, base: Any = base, trial: int = trial) -> Any:
            inventors = ((InventorEntry("rsmith", "inventor", 100),) if number
                         else _draft().inventors)
            return disclosures.update_disclosure(
                store, key, _draft(title=f"trial {trial} by writer {number}", inventors=inventors),
                actor=f"user{number}", expected_version=base.version)

        winner, loser = one_winner(race(writers, save))
        stored = disclosures.get_disclosure(writers[0], key)
        assert stored.version == base.version + 1
        assert stored.title == winner.result.title
        # The loser is shown what is stored now: the winner's save, inventors and all.
        current = loser.conflict.current  # type: ignore[union-attr]
        assert current.version == stored.version
        assert current.title == stored.title
        assert current.inventors == stored.inventors
    assert len(_audit(writers[0], key, "update")) == TRIALS


def test_two_counsel_moving_one_disclosure_one_wins(writers: tuple[Store, Store]) -> None:
    seed_basics(writers[0])
    key = disclosures.create_disclosure(writers[0], _draft(), actor="jdoe").key
    for _trial in range(TRIALS):
        state = counsel.review_state(writers[0], key)
        # Round the workflow's loop (draft, submitted, in review, back to draft), each move
        # made by two counsel at once.
        target = {"draft": "submitted", "submitted": "in-review", "in-review": "draft"}[
            state.status]

        def move(store: Store, number: int, state: Any = state, target: str = target) -> Any:
            return counsel.move_status(store, key, target, actor=f"counsel{number}",
                                       expected_version=state.version)

        winner, loser = one_winner(race(writers, move))
        stored = counsel.review_state(writers[0], key)
        assert stored.status == target == winner.result.status
        assert loser.conflict.current.status == target  # type: ignore[union-attr]
        assert loser.conflict.current.version == stored.version  # type: ignore[union-attr]


def test_two_counsel_deciding_and_noting_one_wins(writers: tuple[Store, Store]) -> None:
    seed_basics(writers[0])
    key = disclosures.create_disclosure(writers[0], _draft(), actor="jdoe").key
    counsel.move_status(writers[0], key, "submitted", actor="jdoe")
    counsel.move_status(writers[0], key, "in-review", actor="counsel")
    for trial in range(TRIALS):
        state = counsel.review_state(writers[0], key)

        def note(store: Store, number: int, state: Any = state, trial: int = trial) -> Any:
            return counsel.set_reviewer_notes(store, key, f"trial {trial}, counsel {number}",
                                              actor=f"counsel{number}",
                                              expected_version=state.version)

        winner, loser = one_winner(race(writers, note))
        assert loser.conflict.current.reviewer_notes == winner.result.reviewer_notes  # type: ignore[union-attr]
    state = counsel.review_state(writers[0], key)

    def decide(store: Store, number: int) -> Any:
        decision = ("file-provisional", "trade-secret")[number]
        return counsel.record_decision(store, key, decision,
                                       f"the reason given by counsel {number}",
                                       actor=f"counsel{number}", expected_version=state.version)

    winner, loser = one_winner(race(writers, decide))
    assert counsel.review_state(writers[0], key).decision == winner.result.decision
    assert loser.conflict.current.decision == winner.result.decision  # type: ignore[union-attr]


def test_two_users_changing_one_vendor_one_wins(writers: tuple[Store, Store]) -> None:
    seed_basics(writers[0])
    for trial in range(TRIALS):
        seen = vendors.get_vendor(writers[0], "sz-pcba")

        def change(store: Store, number: int, seen: Any = seen, trial: int = trial) -> Any:
            return vendors.update_vendor(
                store, "sz-pcba", vendors.VendorChanges(notes=f"trial {trial} by {number}"),
                actor=f"user{number}", expected_version=seen.version)

        winner, loser = one_winner(race(writers, change))
        assert vendors.get_vendor(writers[0], "sz-pcba").notes == winner.result.notes
        assert loser.conflict.current.notes == winner.result.notes  # type: ignore[union-attr]
        assert loser.conflict.current.version == winner.result.version  # type: ignore[union-attr]


def test_two_users_setting_one_checklist_item_one_wins(writers: tuple[Store, Store]) -> None:
    seed_basics(writers[0])
    item_id = engagements.vendor_checklist(writers[0], "ACME-2026", "sz-pcba").lines[0].item.id
    for trial in range(TRIALS):
        # The first trial races two first settings of an item never set (version 0).
        line = next(li for li in engagements.vendor_checklist(
            writers[0], "ACME-2026", "sz-pcba").lines if li.item.id == item_id)

        def change(store: Store, number: int, line: Any = line, trial: int = trial) -> Any:
            return engagements.update_item(
                store, "ACME-2026", "sz-pcba", item_id,
                engagements.ItemUpdate(evidence=f"trial {trial}: contract {number}"),
                actor=f"user{number}", expected_version=line.state.version)

        winner, loser = one_winner(race(writers, change))
        stored = next(li for li in engagements.vendor_checklist(
            writers[0], "ACME-2026", "sz-pcba").lines if li.item.id == item_id)
        assert stored.state == winner.result.state
        assert loser.conflict.current.state == stored.state  # type: ignore[union-attr]


def test_two_users_moving_one_engagement_one_wins(writers: tuple[Store, Store]) -> None:
    seed_basics(writers[0])
    for _trial in range(TRIALS):
        seen = engagements.engagement_overview(writers[0], "ACME-2026")
        target = "post" if seen.phase == "pre" else "pre"

        def move(store: Store, number: int, seen: Any = seen, target: str = target) -> Any:
            return engagements.change_phase(store, "ACME-2026", target, actor=f"user{number}",
                                            expected_version=seen.version)

        _winner, loser = one_winner(race(writers, move))
        assert engagements.engagement_overview(writers[0], "ACME-2026").phase == target
        assert loser.conflict.current.phase == target  # type: ignore[union-attr]


def test_two_facilitators_editing_one_idea_one_wins(writers: tuple[Store, Store]) -> None:
    session = seeded_session(writers[0])
    idea = sessions.capture_idea(writers[0], session_id=session.id, text="Pot the board",
                                 author="jdoe", actor="jdoe")
    for trial in range(TRIALS):
        seen = sessions.session_by_id(writers[0], session.id).idea(idea.id)
        assert seen is not None

        def edit(store: Store, number: int, seen: Any = seen, trial: int = trial) -> Any:
            return sessions.edit_idea(store, idea.id, f"Pot the board ({trial}, {number})",
                                      actor=f"user{number}", expected_version=seen.version)

        winner, loser = one_winner(race(writers, edit))
        assert loser.conflict.current.text == winner.result.idea(idea.id).text  # type: ignore[union-attr]


# --- no version named: both changes are applied, one after the other --------------------------


def test_command_line_changes_to_one_vendor_are_both_audited_in_order(
    writers: tuple[Store, Store],
) -> None:
    seed_basics(writers[0])
    for trial in range(TRIALS):

        def change(store: Store, number: int, trial: int = trial) -> Any:
            return vendors.update_vendor(
                store, "sz-pcba", vendors.VendorChanges(notes=f"trial {trial} by {number}"),
                actor=f"user{number}")

        outcomes = race(writers, change)
        assert [o.conflict for o in outcomes] == [None, None]
    # Each change's old value is what the change before it stored: none was overwritten
    # unseen.
    notes = [entry["notes"] for entry in _audit(writers[0], "sz-pcba", "update")]
    assert len(notes) == 2 * TRIALS
    for before, after in zip(notes, notes[1:], strict=False):
        assert after[0] == before[1]
    assert vendors.get_vendor(writers[0], "sz-pcba").notes == notes[-1][1]


def test_votes_and_captures_at_once_all_count(writers: tuple[Store, Store]) -> None:
    session = seeded_session(writers[0])
    ideas = [sessions.capture_idea(writers[0], session_id=session.id, text=f"Idea {n}",
                                   author="jdoe", actor="jdoe") for n in range(2)]
    voters = ("jdoe", "rsmith")

    def vote_and_capture(store: Store, number: int) -> Any:
        sessions.vote(store, ideas[0].id, voters[number], actor=voters[number])
        return sessions.capture_idea(store, session_id=session.id, text=f"More from {number}",
                                     author=voters[number], actor=voters[number])

    for _trial in range(3):  # the room's three dots each
        outcomes = race(writers, vote_and_capture)
        assert [o.conflict for o in outcomes] == [None, None]
    view = sessions.session_by_id(writers[0], session.id)
    first = view.idea(ideas[0].id)
    assert first is not None and first.votes == 6
    assert view.dots_spent == {"jdoe": 3, "rsmith": 3}
    positions = [idea.position for idea in view.ideas]
    assert sorted(positions) == list(range(2 + 6))
