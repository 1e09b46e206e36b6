"""Running an extraction session against a real database: capture, merge, vote, promote."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from firstfile.domain.sessions import SessionView
from firstfile.services import disclosures, sessions
from firstfile.services.directory import add_person
from firstfile.services.errors import NotFound, UserError, ValidationFailed
from firstfile.storage import upserts
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent, Disclosure, Engagement, Idea
from tests.integration.sessions_fixtures import SETUP, seeded_session


def capture(store: Store, view: SessionView, text: str, author: str,
            prompt: str = "scamper-s") -> int:
    return sessions.capture_idea(store, session_id=view.id, text=text, author=author,
                                 actor="tester", prompt_id=prompt).id


def test_create_session_with_room_focus_and_decks(store: Store) -> None:
    view = seeded_session(store)
    assert view.ref == "ACME-2026/pre-1"
    assert view.status == "planned"
    assert [p.key for p in view.participants] == ["jdoe", "rsmith", "wli"]
    assert [p.is_vendor for p in view.participants] == [False, False, True]
    assert view.participants[2].organization_name == "Shenzhen PCBA Co."
    assert view.components == ("bms-fw",)
    assert view.focus_kinds() == {"firmware"}
    assert view.decks == ("scamper", "design-around")
    assert sessions.get_session(store, "pre-1") == view
    assert sessions.get_session(store, "ACME-2026/pre-1") == view


def test_bad_set_up_writes_nothing(store: Store) -> None:
    seeded_session(store)
    bad = replace(SETUP, key="pre-1", participants=("nobody",), components=("nope",))
    with pytest.raises(ValidationFailed) as raised:
        sessions.create_session(store, bad, actor="tester")
    message = str(raised.value)
    assert "exists already" in message and "'nobody'" in message and "'nope'" in message
    assert len(sessions.list_sessions(store)) == 1


def test_plain_session_key_must_be_unambiguous(store: Store) -> None:
    seeded_session(store)
    with store.write() as db:
        upserts.upsert(db=db, model=Engagement, match={"key": "OTHER"},
                       values={"name": "Other"}, create_only={"created_at": upserts.now()},
                       actor="t", entity="engagement", entity_key="OTHER")
    sessions.create_session(store, replace(SETUP, engagement_key="OTHER", components=()),
                            actor="tester")
    with pytest.raises(UserError, match="ENGAGEMENT/SESSION"):
        sessions.get_session(store, "pre-1")
    assert sessions.get_session(store, "OTHER/pre-1").engagement_key == "OTHER"
    with pytest.raises(NotFound):
        sessions.get_session(store, "ACME-2026/pre-9")


def test_capture_keeps_author_prompt_component_and_order(store: Store) -> None:
    view = seeded_session(store)
    first = sessions.capture_idea(store, session_id=view.id, text="  Dual footprint \x1b ",
                                  author="wli", actor="tester", prompt_id="scamper-s",
                                  component="bms-fw")
    second = sessions.capture_idea(store, session_id=view.id, text="Press-fit pins",
                                   author="jdoe", actor="tester")
    assert (first.position, second.position) == (0, 1)
    again = sessions.session_by_id(store, view.id)
    stored = again.ideas[0]
    assert stored.text == "Dual footprint \u241b"
    assert (stored.authors, stored.prompt_id, stored.component) == (
        ("wli",), "scamper-s", "bms-fw")
    with store.read() as db:
        actions = db.execute(select(AuditEvent.entity_key).where(
            AuditEvent.entity == "idea")).scalars().all()
    assert actions == ["ACME-2026/pre-1#1", "ACME-2026/pre-1#2"]


def test_capture_refuses_outsiders_and_empty_text(store: Store) -> None:
    view = seeded_session(store)
    add_person(store, name="Out Sider", actor="tester", key="outsider")
    with pytest.raises(UserError, match="not in this session"):
        capture(store, view, "idea", "outsider")
    with pytest.raises(UserError, match="type the idea"):
        capture(store, view, "  ", "jdoe")
    assert sessions.session_by_id(store, view.id).ideas == ()


def test_merge_keeps_every_author_and_every_dot(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "Press-fit pins into the AFE board", "rsmith")
    b = capture(store, view, "press-fit pins into the AFE board", "wli")
    sessions.vote(store, a, "jdoe", actor="tester")
    sessions.vote(store, b, "jdoe", actor="tester")
    sessions.vote(store, b, "wli", actor="tester")
    merged = sessions.merge_ideas(store, a, b, actor="tester")
    survivor, absorbed = merged.idea(a), merged.idea(b)
    assert survivor is not None and absorbed is not None
    assert survivor.authors == ("rsmith", "wli")
    assert survivor.votes == 3
    assert survivor.text == "Press-fit pins into the AFE board"
    assert (absorbed.status, absorbed.merged_into, absorbed.votes) == ("merged", a, 0)
    assert merged.dots_spent == {"jdoe": 2, "wli": 1}
    with pytest.raises(UserError, match="already merged"):
        sessions.merge_ideas(store, a, b, actor="tester")
    # Taking back a dot put on the absorbed duplicate takes it from the survivor.
    after = sessions.vote(store, a, "jdoe", actor="tester", delta=-1)
    assert after.idea(a).votes == 2  # type: ignore[union-attr]


def test_dots_are_limited_per_participant(store: Store) -> None:
    view = seeded_session(store)
    ideas = [capture(store, view, f"idea {n}", "jdoe") for n in range(4)]
    for idea_id in ideas[:3]:
        sessions.vote(store, idea_id, "rsmith", actor="tester")
    with pytest.raises(UserError, match="all 3 dots"):
        sessions.vote(store, ideas[3], "rsmith", actor="tester")
    sessions.vote(store, ideas[0], "rsmith", actor="tester", delta=-1)
    after = sessions.vote(store, ideas[3], "rsmith", actor="tester")
    assert [i.votes for i in after.ideas] == [0, 1, 1, 1]


def test_park_and_bring_back(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "idea", "jdoe")
    assert sessions.park_idea(store, a, actor="tester").idea(a).status == "parked"  # type: ignore[union-attr]
    with pytest.raises(UserError, match="parked"):
        sessions.vote(store, a, "jdoe", actor="tester")
    back = sessions.park_idea(store, a, actor="tester", parked=False)
    assert back.idea(a).status == "open"  # type: ignore[union-attr]


def test_edit_and_tag(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "idea", "jdoe")
    edited = sessions.edit_idea(store, a, "a clearer idea", actor="tester")
    assert edited.idea(a).text == "a clearer idea"  # type: ignore[union-attr]
    tagged = sessions.tag_idea(store, a, "bms-fw", actor="tester")
    assert tagged.idea(a).component == "bms-fw"  # type: ignore[union-attr]
    assert sessions.tag_idea(store, a, "", actor="tester").idea(a).component == ""  # type: ignore[union-attr]
    with pytest.raises(UserError, match="not a component"):
        sessions.tag_idea(store, a, "nope", actor="tester")


def test_promote_prefills_and_links_the_disclosure(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "Calibrate cells through the balancing resistors. Cheap.",
                "rsmith", prompt="da-04")
    b = capture(store, view, "calibrate using balancing resistors", "wli", prompt="da-04")
    sessions.merge_ideas(store, a, b, actor="tester")
    key = sessions.promote_idea(store, a, actor="tester",
                                prompt_titles={"da-04": "Move the function elsewhere"})
    made = disclosures.get_disclosure(store, key)
    assert made.title == "Calibrate cells through the balancing resistors"
    assert made.status == "draft"
    assert made.engagement_key == "ACME-2026" and made.phase == "pre"
    assert [i.person_key for i in made.inventors] == ["rsmith", "wli"]
    assert made.joint  # wli works for the vendor
    assert "Move the function elsewhere" in made.records_location
    with store.read() as db:
        row = db.execute(select(Disclosure).where(Disclosure.key == key)).scalar_one()
        assert (row.source_idea_id, row.source_session_id, row.source_prompt_id) == (
            a, view.id, "da-04")
    after = sessions.session_by_id(store, view.id)
    assert after.idea(a).status == "promoted"  # type: ignore[union-attr]
    assert after.idea(a).promoted_key == key  # type: ignore[union-attr]
    with pytest.raises(UserError, match="promote an open idea"):
        sessions.promote_idea(store, a, actor="tester")


def test_promote_top_n_in_one_transaction(store: Store) -> None:
    view = seeded_session(store)
    ids = [capture(store, view, f"Idea number {n}", "jdoe") for n in range(5)]
    for person, idea_index in (("jdoe", 3), ("rsmith", 3), ("wli", 1), ("jdoe", 4),
                               ("rsmith", 0)):
        sessions.vote(store, ids[idea_index], person, actor="tester")
    keys = sessions.promote_top(store, view.id, 3, actor="tester")
    after = sessions.session_by_id(store, view.id)
    promoted = {i.position: i.promoted_key for i in after.ideas if i.status == "promoted"}
    assert sorted(promoted) == [0, 1, 3]
    assert keys == [promoted[3], promoted[0], promoted[1]]


def test_a_failed_promotion_leaves_nothing_behind(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "good idea", "jdoe")
    b = capture(store, view, "second idea", "rsmith")
    sessions.vote(store, a, "jdoe", actor="tester")
    sessions.vote(store, a, "rsmith", actor="tester")
    sessions.vote(store, b, "jdoe", actor="tester")
    with store.write() as db:  # text far beyond a disclosure's limit, as a file could bring
        db.get(Idea, b).text = "x " * 1_100_000  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed, match="summary"):
        sessions.promote_top(store, view.id, 2, actor="tester")
    with store.read() as db:
        assert db.execute(select(func.count()).select_from(Disclosure)).scalar_one() == 0
    assert sessions.session_by_id(store, view.id).idea(a).status == "open"  # type: ignore[union-attr]


def test_start_move_end_and_list(store: Store) -> None:
    view = seeded_session(store)
    started = sessions.start_session(store, view.id, actor="tester")
    assert started.status == "running" and started.started_at is not None
    assert [(s.number, s.ended_at) for s in started.sittings] == [(1, None)]
    sessions.move_to_prompt(store, view.id, 4, actor="tester")
    capture(store, view, "an idea", "jdoe")
    ended = sessions.end_session(store, view.id, actor="tester")
    assert (ended.status, ended.current_prompt) == ("ended", 4)
    rows = sessions.list_sessions(store, engagement_key="ACME-2026")
    assert [(r.ref, r.participants, r.ideas, r.status) for r in rows] == [
        ("ACME-2026/pre-1", 3, 1, "ended")]
    with pytest.raises(NotFound):
        sessions.list_sessions(store, engagement_key="NOPE")


def test_prompts_follow_the_session_decks_and_skip_a_broken_one(
    store: Store, tmp_path: Path
) -> None:
    view = seeded_session(store)
    broken = tmp_path / "prompts" / "scamper.yaml"
    broken.parent.mkdir()
    broken.write_text("deck: scamper\ntitle: [unclosed\n", encoding="utf-8")
    # A broken override falls back to the shipped deck; a broken new deck is left out.
    (tmp_path / "prompts" / "ours.yaml").write_text("deck: ours\nprompts: 3\n",
                                                    encoding="utf-8")
    view = replace(view, decks=("ours", "design-around", "scamper"))
    prompts, problems = sessions.session_prompts(view, [tmp_path])
    assert any("ours.yaml:2:" in p for p in problems)
    assert any("scamper.yaml:3: not valid YAML" in p for p in problems)
    assert any("deck 'ours'" in p for p in problems)
    decks = [p.deck for p in prompts]
    assert set(decks) == {"design-around", "scamper"}
    # Firmware is in focus, so the design-around prompt tied to firmware comes first.
    assert prompts[0].id == "da-04"


def idea_trail(store: Store, number: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, actor's name, changes) of every audit record of idea #number, oldest first."""
    with store.read() as db:
        rows = db.execute(select(AuditEvent).where(
            AuditEvent.entity == "idea", AuditEvent.entity_key == f"ACME-2026/pre-1#{number}")
            .order_by(AuditEvent.id)).scalars().all()
    return [(row.action, row.actor_name, json.loads(row.changes)) for row in rows]


def test_every_change_to_an_idea_is_in_its_audit_trail(store: Store) -> None:
    view = seeded_session(store)
    first = capture(store, view, "Pot the sensor after test", "rsmith")
    second = capture(store, view, "pot the sensor after the test", "wli")
    third = capture(store, view, "Thermal pad instead of the clip", "jdoe")
    sessions.edit_idea(store, first, "Pot the sensor after the test", actor="maria")
    sessions.tag_idea(store, first, "bms-fw", actor="maria")
    sessions.vote(store, first, "jdoe", actor="maria")
    sessions.park_idea(store, third, actor="maria")
    sessions.merge_ideas(store, first, second, actor="maria")
    key = sessions.promote_idea(store, first, actor="maria")

    assert [(action, actor) for action, actor, _ in idea_trail(store, 1)] == [
        ("create", "tester"), ("update", "maria"), ("update", "maria"), ("vote", "maria"),
        ("merge", "maria"), ("promote", "maria")]
    _, edit, tag, dot, merge, promote = (changes for _, _, changes in idea_trail(store, 1))
    assert edit == {"text": ["Pot the sensor after test", "Pot the sensor after the test"]}
    assert tag == {"component": [None, "bms-fw"]}
    assert dot == {"votes": [0, 1], "by": [None, "jdoe"]}
    assert (merge["authors"], merge["votes"], merge["merged"]) == (
        [["rsmith"], ["rsmith", "wli"]], [1, 1], [None, "#2"])
    assert promote == {"status": ["open", "promoted"], "disclosure": [None, key]}
    assert [(action, changes) for action, _, changes in idea_trail(store, 2)][1:] == [
        ("merge", {"status": ["open", "parked"], "merged_into": [None, "#1"],
                   "votes": [0, 0], "dots": [{}, {}]})]
    assert [(action, changes) for action, _, changes in idea_trail(store, 3)][1:] == [
        ("update", {"status": ["open", "parked"]})]
    # A change that changes nothing leaves no record.
    sessions.tag_idea(store, first, "bms-fw", actor="maria")
    sessions.park_idea(store, third, actor="maria")
    assert len(idea_trail(store, 1)) == 6 and len(idea_trail(store, 3)) == 2
