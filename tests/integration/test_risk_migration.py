"""Migration 0008_risk on a 0003 database holding the sample engagements (SQLite and PostgreSQL).

The 0003 database is filled with plain SQL, the way the code of that revision stored the
samples: components with their 1-5 scores and the `firewalled` flag, assignments, and the
audit rows the importer and the firewall toggle wrote.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import inspect, select, text

from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from firstfile.storage.tables import AuditEvent, Component, ComponentDecision, ComponentVendor

IMPORTED_AT = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
WALLED_AT = datetime(2026, 2, 12, 16, 5, tzinfo=UTC)
RESCORED_AT = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def _audit(db, *, at, actor, entity_key, action, changes) -> None:  # type: ignore[no-untyped-def]
    db.execute(
        text(
            "INSERT INTO auditevent (at, actor, entity, entity_key, action, changes) "
            "VALUES (:at, :actor, 'component', :key, :action, :changes)"
        ),
        {
            "at": at,
            "actor": actor,
            "key": entity_key,
            "action": action,
            "changes": json.dumps(changes),
        },
    )


def old_database_with_samples(url: str) -> Store:
    """A database at 0003 holding both sample engagements as 0003 stored them; in the BMS one
    the state-of-charge estimator was firewalled by hand, and afe-board re-scored by hand."""
    old = Store(create_store_engine(url), url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    with old.write() as db:
        for path in sorted(sample_sessions().glob("*.yaml")):
            doc = read_document(path)
            e = doc.engagement
            engagement_id = db.execute(
                text(
                    "INSERT INTO engagement (key, name, product, phase, created_at) "
                    "VALUES (:k, :n, :p, :ph, :at) RETURNING id"
                ),
                {"k": e.key, "n": e.name, "p": e.product, "ph": e.phase, "at": IMPORTED_AT},
            ).scalar_one()
            vendor_ids = {}
            for v in doc.vendors:
                vendor_ids[v.key] = db.execute(
                    text(
                        "INSERT INTO vendor (key, name, kind, country, competitors, notes) "
                        "VALUES (:k, :n, :kind, :c, :comp, '') RETURNING id"
                    ),
                    {
                        "k": v.key,
                        "n": v.name,
                        "kind": v.kind,
                        "c": v.country,
                        "comp": "\n".join(v.competitors),
                    },
                ).scalar_one()
                db.execute(
                    text("INSERT INTO engagementvendor (engagement_id, vendor_id) VALUES (:e, :v)"),
                    {"e": engagement_id, "v": vendor_ids[v.key]},
                )
            for c in doc.components:
                component_id = db.execute(
                    text(
                        "INSERT INTO component (engagement_id, key, name, kind, value_add, "
                        "differentiation, reverse_engineering_difficulty, firewalled) "
                        "VALUES (:e, :k, :n, :kind, :va, :d, :r, false) RETURNING id"
                    ),
                    {
                        "e": engagement_id,
                        "k": c.key,
                        "n": c.name,
                        "kind": c.kind,
                        "va": c.value_add,
                        "d": c.differentiation,
                        "r": c.reverse_engineering_difficulty,
                    },
                ).scalar_one()
                _audit(
                    db,
                    at=IMPORTED_AT,
                    actor="seed",
                    entity_key=f"{e.key}/{c.key}",
                    action="create",
                    changes={"name": [None, c.name], "value_add": [None, c.value_add]},
                )
                for vendor_key in c.vendors:
                    db.execute(
                        text(
                            "INSERT INTO componentvendor (component_id, vendor_id) VALUES (:c, :v)"
                        ),
                        {"c": component_id, "v": vendor_ids[vendor_key]},
                    )
        db.execute(text("UPDATE component SET firewalled = true WHERE key = 'soc-estimator'"))
        _audit(
            db,
            at=WALLED_AT,
            actor="mhartmann",
            entity_key="soc-estimator",
            action="update",
            changes={
                "firewalled": [False, True],
                "engagement": ["bms48-shenzhen", "bms48-shenzhen"],
            },
        )
        db.execute(text("UPDATE component SET value_add = 4 WHERE key = 'afe-board'"))
        _audit(
            db,
            at=RESCORED_AT,
            actor="tnguyen",
            entity_key="bms48-shenzhen/afe-board",
            action="update",
            changes={"value_add": [3, 4]},
        )
    return old


def test_upgrading_turns_firewalled_into_a_decision_and_keeps_the_scores(
    empty_db_url: str,
) -> None:
    old = old_database_with_samples(empty_db_url)
    with old.read() as db:
        before = {
            key: tuple(row)
            for key, *row in db.execute(
                text(
                    "SELECT key, value_add, differentiation, reverse_engineering_difficulty "
                    "FROM component"
                )
            )
        }
        links_before = db.execute(text("SELECT count(*) FROM componentvendor")).scalar_one()
    old.dispose()

    store = open_store(empty_db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        with store.read() as db:
            columns = {c["name"] for c in inspect(db.connection()).get_columns("component")}
            assert "firewalled" not in columns
            components = {c.key: c for c in db.execute(select(Component)).scalars()}
            keys = {c.id: key for key, c in components.items()}
            decisions = {
                keys[d.component_id]: d for d in db.execute(select(ComponentDecision)).scalars()
            }
            links = list(db.execute(select(ComponentVendor)).scalars())
            migrated = [
                (e.entity_key, json.loads(e.changes))
                for e in db.execute(
                    select(AuditEvent).where(AuditEvent.action == "migrate").order_by(AuditEvent.id)
                ).scalars()
            ]
        # The scores are unchanged, with who recorded them last and when as their assessor.
        assert {
            k: (c.value_add, c.differentiation, c.reverse_engineering_difficulty)
            for k, c in components.items()
        } == before
        assert (components["afe-board"].assessor, components["afe-board"].assessed_on) == (
            "tnguyen",
            date(2026, 3, 3),
        )
        assert (components["eol-station"].assessor, components["eol-station"].assessed_on) == (
            "seed",
            date(2026, 2, 1),
        )
        assert all(c.value_add_reason == "" and c.parent_id is None for c in components.values())
        # Only the firewalled component has a decision, from whoever set the flag.
        assert set(decisions) == {"soc-estimator"}
        walled = decisions["soc-estimator"]
        assert (walled.disposition, walled.reason, walled.decided_by, walled.decided_on) == (
            "firewall",
            "",
            "mhartmann",
            date(2026, 2, 12),
        )
        # Assignments are kept, none pinned.
        assert len(links) == links_before and not any(link.pinned for link in links)
        # Every component's change is in the audit trail, the decision among them.
        assert len(migrated) == len(components)
        soc = dict(migrated)["soc-estimator"]
        assert soc["decision"] == [None, "firewall"] and soc["firewalled"] == [True, None]
        assert soc["engagement"] == ["bms48-shenzhen", "bms48-shenzhen"]
    finally:
        store.dispose()


def test_downgrading_and_upgrading_again_keeps_what_to_keep_in_house(empty_db_url: str) -> None:
    old = old_database_with_samples(empty_db_url)
    old.dispose()
    store = open_store(empty_db_url)
    store.dispose()
    back = Store(create_store_engine(empty_db_url), empty_db_url)
    try:
        command.downgrade(alembic_config(back), "0007_row_versions")
        with back.read() as db:
            walled = set(db.execute(text("SELECT key FROM component WHERE firewalled")).scalars())
        assert walled == {"soc-estimator"}
        assert current_revision(back) == "0007_row_versions"
    finally:
        back.dispose()
    again = open_store(empty_db_url)
    try:
        with again.read() as db:
            decided = db.execute(select(ComponentDecision)).scalars().all()
        assert [d.disposition for d in decided] == ["firewall"]
    finally:
        again.dispose()


def test_an_empty_old_database_upgrades_without_a_migration_record(empty_db_url: str) -> None:
    old = Store(create_store_engine(empty_db_url), empty_db_url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    old.dispose()
    store = open_store(empty_db_url)
    try:
        with store.read() as db:
            assert db.execute(select(AuditEvent)).first() is None
    finally:
        store.dispose()
