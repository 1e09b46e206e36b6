"""Migration 0009: a database at 0003 with data in it upgrades in place, the new tables work,
and the migration goes down and up again without touching the old data."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, text

from firstfile.domain.strategy_inputs import Market
from firstfile.services import strategy, tracers
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision

NEW_TABLES = {
    "engagementstrategy",
    "strategymarket",
    "strategycompetitor",
    "outsourcingcostindex",
    "tracer",
    "tracersecret",
}
PREVIOUS = "0003_list_indexes"
BEFORE = "0008_risk"  # the revision 0009 follows


def _old_database(db_url: str) -> None:
    """A database at revision 0003 holding an engagement, its vendor and a component."""
    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), PREVIOUS)
    with old.write() as db:
        for statement in (
            "INSERT INTO engagement (key, name, product, phase, created_at) VALUES "
            "('e1', 'Old engagement', 'Sensor', 'pre', CURRENT_TIMESTAMP)",
            "INSERT INTO vendor (key, name, kind, country, competitors, notes) VALUES "
            "('v1', 'Old vendor', 'contract-manufacturer', 'MY', '', '')",
            "INSERT INTO engagementvendor (engagement_id, vendor_id) SELECT e.id, v.id "
            "FROM engagement e, vendor v",
            "INSERT INTO component (engagement_id, key, name, kind, value_add, differentiation, "
            "reverse_engineering_difficulty, firewalled) SELECT id, 'board', 'Board', '', 4, 4, "
            "4, false FROM engagement",
            "INSERT INTO componentvendor (component_id, vendor_id) SELECT c.id, v.id "
            "FROM component c, vendor v",
        ):
            db.execute(text(statement))
    old.dispose()


def _tables(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_a_0003_database_with_data_upgrades_and_the_new_tables_work(empty_db_url: str) -> None:
    _old_database(empty_db_url)
    store = open_store(empty_db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        assert _tables(store) >= NEW_TABLES
        recorded = strategy.record_strategy_inputs(
            store,
            "e1",
            strategy.StrategyChanges(
                annual_revenue=100_000, currency="USD", markets=(Market("US", 0.5),)
            ),
            actor="a",
        )
        assert recorded.markets == (Market("US", 0.5),)
        report = strategy.compute_strategy(store, "e1")
        # The old vendor makes it in Malaysia and sees the one component there is.
        assert report.strategy.recommended == ("MY",) and report.exposure.combined == 1.0
        issued = tracers.issue_tracers(
            store, "e1", "board", ["v1"], actor="a", today=date(2026, 3, 2)
        )
        assert tracers.lookup_code(store, issued.tracers[0].code).authentic
    finally:
        store.dispose()


def test_the_migration_goes_down_and_up_again_keeping_the_old_data(empty_db_url: str) -> None:
    _old_database(empty_db_url)
    store = open_store(empty_db_url)
    config = alembic_config(store)
    command.downgrade(config, BEFORE)
    try:
        assert current_revision(store) == BEFORE
        assert not NEW_TABLES & _tables(store)
        with store.read() as db:
            assert db.execute(text("SELECT name FROM engagement")).scalar() == "Old engagement"
        command.upgrade(config, "head")
        assert current_revision(store) == HEAD_REVISION and _tables(store) >= NEW_TABLES
    finally:
        store.dispose()
