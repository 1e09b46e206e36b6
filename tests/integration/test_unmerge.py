"""A merge of ideas can be undone exactly (text, authors, every person's dots), as a change
of its own, and only while nothing happened to either idea since. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from firstfile.services import sessions
from firstfile.services.errors import UserError
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from tests.integration.sessions_fixtures import seeded_session
from tests.integration.test_sessions_service import capture


def test_undoing_a_merge_gives_each_idea_back_what_it_had(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "Dual-footprint regulator", "jdoe")
    b = capture(store, view, "regulator with two footprints, firmware reads which", "wli")
    sessions.vote(store, a, "jdoe", actor="t")
    sessions.vote(store, b, "rsmith", actor="t")
    sessions.vote(store, b, "jdoe", actor="t")
    before = sessions.session_by_id(store, view.id)
    merged = sessions.merge_ideas(store, a, b, actor="t")
    assert merged.idea(b).status == "merged"  # type: ignore[union-attr]
    assert merged.idea(a).votes == 3 and merged.idea(a).authors == ("jdoe", "wli")  # type: ignore[union-attr]
    with pytest.raises(UserError, match="no merge to undo"):
        sessions.unmerge_idea(store, capture(store, view, "unrelated", "jdoe"), actor="t")

    undone = sessions.unmerge_idea(store, b, actor="lena")
    def shape(v: object) -> list[tuple[object, ...]]:
        return [(i.id, i.text, i.authors, i.votes, i.status, i.merged_into)
                for i in v.ideas if i.id in (a, b)]  # type: ignore[attr-defined]  # not the unrelated one

    assert shape(undone) == shape(before)  # each idea as it was, versions aside
    assert undone.dots_spent == before.dots_spent
    # Each person's dots are back where they were: jdoe can take one back from each idea.
    sessions.vote(store, b, "jdoe", actor="t", delta=-1)
    sessions.vote(store, a, "jdoe", actor="t", delta=-1)
    with store.read() as db:
        actions = [e.action for e in db.execute(
            select(AuditEvent).where(AuditEvent.entity == "idea")
            .order_by(AuditEvent.seq)).scalars()]
    assert actions.count("merge") == 2 and actions.count("unmerge") == 2  # the merge stays


def test_a_merge_is_undone_only_while_nothing_happened_since(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "Thermal pad instead of the clip", "jdoe")
    b = capture(store, view, "thermal pad", "rsmith")
    c = capture(store, view, "A pad, not a clip, for heat", "wli")
    sessions.merge_ideas(store, a, b, actor="t")
    sessions.merge_ideas(store, a, c, actor="t")
    # The later merge into #1 comes first.
    with pytest.raises(UserError, match="changed after the merge"):
        sessions.unmerge_idea(store, b, actor="t")
    sessions.unmerge_idea(store, c, actor="t")
    # A dot on the survivor after the merge: the merge is no longer undone.
    sessions.vote(store, a, "wli", actor="t")
    with pytest.raises(UserError, match="changed after the merge"):
        sessions.unmerge_idea(store, b, actor="t")
    kept = sessions.session_by_id(store, view.id)
    assert kept.idea(b).status == "merged" and kept.idea(c).status == "open"  # type: ignore[union-attr]
    with store.read() as db:
        last = db.execute(select(AuditEvent).where(AuditEvent.entity == "idea")
                          .order_by(AuditEvent.seq.desc())).scalars().first()  # type: ignore[attr-defined]
    assert last is not None and last.action == "vote"
    assert "unmerged" not in json.loads(last.changes)


def test_the_last_merge_into_a_survivor_is_undone_from_the_survivor(store: Store) -> None:
    view = seeded_session(store)
    a = capture(store, view, "Thermal pad instead of the clip", "jdoe")
    b = capture(store, view, "thermal pad", "rsmith")
    c = capture(store, view, "A pad, not a clip, for heat", "wli")
    sessions.merge_ideas(store, a, b, actor="t")
    sessions.merge_ideas(store, a, c, actor="t")
    first = sessions.unmerge_idea(store, a, actor="t")  # the later merge, of c
    assert (first.idea(b).status, first.idea(c).status) == ("merged", "open")  # type: ignore[union-attr]
    second = sessions.unmerge_idea(store, a, actor="t")  # then the one before it, of b
    assert second.idea(b).status == "open"  # type: ignore[union-attr]
    assert second.idea(a).text == "Thermal pad instead of the clip"  # type: ignore[union-attr]
    assert second.idea(a).authors == ("jdoe",)  # type: ignore[union-attr]
    with pytest.raises(UserError, match="no merge to undo"):
        sessions.unmerge_idea(store, a, actor="t")
