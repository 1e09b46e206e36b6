"""Disclosures stored and read back on SQLite and PostgreSQL, with their audit trail."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.services import disclosures, roles
from firstfile.services.errors import Conflict, NotFound, ValidationFailed
from firstfile.storage.disclosure_queries import ListFilter, cursor_for
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.factories import seed_basics


def _draft(**overrides: object) -> DisclosureDraft:
    values: dict[str, object] = {
        "title": "Adaptive cell balancing threshold",
        "summary": "Balancing starts at a threshold that follows cell temperature.",
        "engagement_key": "ACME-2026",
        "phase": "pre",
        "description": "The BMS lowers the balancing threshold by 2 mV per degree above 35 C.",
        "conception_date": date(2026, 3, 2),
        "inventors": (InventorEntry("jdoe", "inventor", 60), InventorEntry("wli", "inventor", 40)),
        "components": ("bms-fw",),
    }
    values.update(overrides)
    return DisclosureDraft(**values)  # type: ignore[arg-type]


def _audit(store: Store, key: str) -> list[AuditEvent]:
    with store.read() as db:
        return list(
            db.execute(
                select(AuditEvent).where(AuditEvent.entity_key == key).order_by(AuditEvent.id)
            ).scalars()
        )


def test_create_assigns_sequential_keys_and_round_trips_every_field(store: Store) -> None:
    seed_basics(store)
    event = EventView("vendor-disclosure-nda", date(2026, 3, 10), "CN", "NDA-17", "kick-off")
    first = disclosures.create_disclosure(store, _draft(), actor="jdoe", events=(event,))
    second = disclosures.create_disclosure(store, _draft(title="Second"), actor="jdoe")
    year = first.created_at.year if first.created_at else 0
    assert first.key == f"FF-{year}-0001"
    assert second.key == f"FF-{year}-0002"

    again = disclosures.get_disclosure(store, first.key)
    assert again.title == "Adaptive cell balancing threshold"
    assert again.engagement_key == "ACME-2026"
    assert again.conception_date == date(2026, 3, 2)
    assert [(p.person_key, p.role, p.contribution) for p in again.inventors] == [
        ("jdoe", "inventor", 60), ("wli", "inventor", 40)
    ]
    assert again.events == (event,)
    assert again.components == ("bms-fw",)
    assert again.joint and again.joint_vendors == ("Shenzhen PCBA Co.",)
    assert disclosures.get_disclosure(store, second.key).title == "Second"


def test_joint_only_when_a_vendor_person_is_an_inventor(store: Store) -> None:
    seed_basics(store)
    own = disclosures.create_disclosure(
        store,
        _draft(inventors=(InventorEntry("jdoe", "inventor", 100),
                          InventorEntry("wli", "contributor"))),
        actor="jdoe",
    )
    assert own.joint is False
    rows = disclosures.list_page(store)
    assert [r.joint for r in rows] == [False]


def test_update_writes_an_audit_event_with_old_and_new_values(store: Store) -> None:
    seed_basics(store)
    created = disclosures.create_disclosure(store, _draft(), actor="jdoe")
    updated = disclosures.update_disclosure(
        store, created.key, _draft(title="Temperature-tracking balancing"), actor="rsmith",
        expected_version=created.version,
    )
    assert updated.version == created.version + 1
    trail = _audit(store, created.key)
    assert [e.action for e in trail] == ["create", "update"]
    # Who acted is the login (or database role); "rsmith" is only the name they chose.
    assert (trail[1].actor, trail[1].actor_name) == (roles.whoami(store), "rsmith")
    assert trail[1].actor != "rsmith"
    assert json.loads(trail[1].changes) == {
        "title": ["Adaptive cell balancing threshold", "Temperature-tracking balancing"]
    }


def test_update_with_a_stale_version_is_refused_and_writes_nothing(store: Store) -> None:
    seed_basics(store)
    created = disclosures.create_disclosure(store, _draft(), actor="jdoe")
    disclosures.update_disclosure(store, created.key, _draft(title="B"), actor="a")
    with pytest.raises(Conflict):
        disclosures.update_disclosure(
            store, created.key, _draft(title="C"), actor="b", expected_version=created.version
        )
    assert disclosures.get_disclosure(store, created.key).title == "B"


def test_unknown_person_is_rejected_and_nothing_is_written(store: Store) -> None:
    seed_basics(store)
    with pytest.raises(ValidationFailed) as raised:
        disclosures.create_disclosure(
            store, _draft(inventors=(InventorEntry("jdo", "inventor", 100),)), actor="jdoe"
        )
    assert "unknown person 'jdo'" in str(raised.value)
    assert disclosures.count(store) == 0
    with store.read() as db:
        assert db.execute(select(AuditEvent).where(AuditEvent.entity == "disclosure")).first() \
            is None


def test_delete_is_a_state_and_keys_never_repeat(store: Store) -> None:
    seed_basics(store)
    first = disclosures.create_disclosure(store, _draft(), actor="jdoe")
    disclosures.delete_disclosure(store, first.key, actor="jdoe")
    assert disclosures.count(store) == 0
    assert disclosures.count(store, ListFilter(include_deleted=True)) == 1
    assert disclosures.get_disclosure(store, first.key).deleted
    second = disclosures.create_disclosure(store, _draft(), actor="jdoe")
    assert second.key != first.key
    assert [e.action for e in _audit(store, first.key)] == ["create", "delete"]


def test_missing_key_is_reported(store: Store) -> None:
    with pytest.raises(NotFound):
        disclosures.get_disclosure(store, "FF-2026-9999")


def test_submit_requires_contributions_totalling_100(store: Store) -> None:
    seed_basics(store)
    bad = (InventorEntry("jdoe", "inventor", 60), InventorEntry("wli", "inventor", 30))
    draft = disclosures.create_disclosure(store, _draft(inventors=bad), actor="jdoe")
    assert draft.status == "draft"  # a warning only on a draft
    with pytest.raises(ValidationFailed) as raised:
        disclosures.create_disclosure(store, _draft(inventors=bad, status="submitted"),
                                      actor="jdoe")
    assert "total 90%" in str(raised.value)


def test_search_ranks_title_matches_and_supports_prefixes(store: Store) -> None:
    seed_basics(store)
    disclosures.create_disclosure(
        store, _draft(title="Graphene heat spreader", description="thermal pad"), actor="a"
    )
    disclosures.create_disclosure(
        store, _draft(title="Cell tab welding", description="uses graphite foil under tabs"),
        actor="a",
    )
    disclosures.create_disclosure(store, _draft(title="Unrelated", description="nothing"),
                                  actor="a")
    rows = disclosures.search(store, "graph*")
    assert [r.title for r in rows] == ["Graphene heat spreader", "Cell tab welding"]
    assert disclosures.search(store, "graphene")[0].title == "Graphene heat spreader"
    assert disclosures.search(store, "graph") == []
    # Operators and quotes in user text are data, not query syntax.
    assert disclosures.search(store, 'graphene" NEAR "x') == []
    assert disclosures.search(store, 'graphene" AND "x') == []
    assert disclosures.search(store, "NEAR(") == []


def test_search_skips_deleted_and_sees_updates(store: Store) -> None:
    seed_basics(store)
    made = disclosures.create_disclosure(store, _draft(title="Busbar clamp"), actor="a")
    disclosures.update_disclosure(store, made.key, _draft(title="Busbar spring clip"), actor="a")
    assert [r.key for r in disclosures.search(store, "clip")] == [made.key]
    assert disclosures.search(store, "clamp") == []
    disclosures.delete_disclosure(store, made.key, actor="a")
    assert disclosures.search(store, "clip") == []


@pytest.mark.parametrize("sort", ["key", "title", "status", "updated"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_row_once_in_both_directions(
    store: Store, sort: str, descending: bool
) -> None:
    seed_basics(store)
    made = [
        disclosures.create_disclosure(
            store, _draft(title=f"Idea {n:02d}", status="submitted" if n % 3 else "draft"),
            actor="a",
        )
        for n in range(23)
    ]
    disclosures.delete_disclosure(store, made[5].key, actor="a")
    whole = disclosures.list_page(store, sort=sort, descending=descending, limit=1000)
    assert len(whole) == 22 and made[5].key not in [r.key for r in whole]
    pages = []
    after = None
    while page := disclosures.list_page(store, sort=sort, descending=descending, after=after,
                                        limit=5):
        pages.append(page)
        after = cursor_for(page[-1], sort)
    assert [r for page in pages for r in page] == whole
    back = disclosures.list_page(
        store, sort=sort, descending=descending, before=cursor_for(pages[2][0], sort), limit=5
    )
    assert back == pages[1]


def test_sqlite_planner_has_statistics_after_open(sqlite_store: Store) -> None:
    from sqlalchemy import text as sql

    seed_basics(sqlite_store)
    disclosures.create_disclosure(sqlite_store, _draft(), actor="a")
    reopened = open_store(sqlite_store.url)
    try:
        with reopened.read() as db:
            tables = set(db.execute(sql("SELECT tbl FROM sqlite_stat1")).scalars())
        assert "disclosure" in tables
    finally:
        reopened.dispose()


def test_large_and_unusual_text_is_stored_whole(store: Store) -> None:
    seed_basics(store)
    huge = ("Sensor drift compensation " * 40_000)[:1_000_000]
    text = "שלום عالم 🔋 {{ 7*7 }} R&D <b>x</b> \x00\x1b end"
    made = disclosures.create_disclosure(
        store, _draft(title="{{ 7*7 }} ../../etc/passwd", description=huge, problem=text),
        actor="a",
    )
    again = disclosures.get_disclosure(store, made.key)
    assert again.description == huge
    assert again.title == "{{ 7*7 }} ../../etc/passwd"
    assert again.problem == "שלום عالم 🔋 {{ 7*7 }} R&D <b>x</b> \u2400\u241b end"
    assert [r.key for r in disclosures.search(store, "drift")] == [made.key]


def test_search_or_between_words_matches_either(store: Store) -> None:
    seed_basics(store)
    disclosures.create_disclosure(
        store, _draft(title="Graphene heat spreader", description="thermal pad"), actor="a")
    disclosures.create_disclosure(
        store, _draft(title="Cell tab welding", description="uses graphite foil under tabs"),
        actor="a")
    disclosures.create_disclosure(store, _draft(title="Unrelated", description="thermal foil"),
                                  actor="a")
    titles = {r.title for r in disclosures.search(store, "graphene OR graphite")}
    assert titles == {"Graphene heat spreader", "Cell tab welding"}
    # OR binds two words; every other word must still match
    assert {r.title for r in disclosures.search(store, "pad OR foil thermal")} == {
        "Graphene heat spreader", "Unrelated"}
    assert {r.title for r in disclosures.search(store, "spread* OR weld*")} == {
        "Graphene heat spreader", "Cell tab welding"}
    # a lower-case "or" is a word, and OR with nothing on one side joins nothing
    assert disclosures.search(store, "graphene or graphite") == []
    assert [r.title for r in disclosures.search(store, "OR graphene OR")] == [
        "Graphene heat spreader"]
