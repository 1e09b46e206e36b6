"""Migration 0007 on a database written by the previous release, with data in it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from firstfile.services import engagements, vendors
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from firstfile.storage.tables import Component, Engagement, Person, Vendor
from tests.factories import seed_basics

VERSIONED = (Engagement, Vendor, Person, Component)


def _old_database(db_url: str) -> None:
    """A database at 0003 holding an engagement, a vendor, people and a component."""
    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    # The test data is written with plain SQL: the models already have the new columns.
    with old.write() as db:
        db.execute(text("INSERT INTO engagement (key, name, product, phase, created_at) "
                        "VALUES ('ACME-2026', 'Battery module', 'BMS-48', 'pre', "
                        "CURRENT_TIMESTAMP)"))
        db.execute(text("INSERT INTO vendor (key, name, kind, country, competitors, notes) "
                        "VALUES ('sz-pcba', 'Shenzhen PCBA Co.', 'contract-manufacturer', "
                        "'CN', '', 'pays on time')"))
        db.execute(text("INSERT INTO person (key, name, email) "
                        "VALUES ('jdoe', 'Jane Doe', 'jdoe@example.com')"))
        db.execute(text("INSERT INTO component (engagement_id, key, name, kind, value_add, "
                        "differentiation, reverse_engineering_difficulty, firewalled) "
                        "SELECT id, 'bms-fw', 'BMS firmware', 'firmware', 3, 3, 3, false "
                        "FROM engagement"))
    old.dispose()


def test_existing_records_start_at_version_1_and_are_guarded(empty_db_url: str) -> None:
    _old_database(empty_db_url)
    store = open_store(empty_db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        with store.read() as db:
            for model in VERSIONED:
                assert db.execute(select(model.version)).scalars().all() == [1]
        changed = vendors.update_vendor(store, "sz-pcba", vendors.VendorChanges(notes="late"),
                                        actor="tester")
        assert changed.notes == "late"
        with store.read() as db:
            assert db.execute(select(Vendor.version)).scalar() == 2
    finally:
        store.dispose()


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    store = open_store(db_url)
    seed_basics(store)
    command.downgrade(alembic_config(store), "0006_import_merge")
    command.upgrade(alembic_config(store), "head")
    assert current_revision(store) == HEAD_REVISION
    assert engagements.engagement_overview(store, "ACME-2026").vendors[0].key == "sz-pcba"
    store.dispose()
