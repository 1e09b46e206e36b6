"""Rows handed to the driver (storage/bulk_rows.insert_rows) are stored exactly as
SQLAlchemy's own insert of the same rows stores them: the same text, numbers and types in
every column, timestamps included, read back raw from the database on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Table, insert

from firstfile.storage.bulk_rows import insert_rows
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import (
    AuditEvent,
    Disclosure,
    DisclosureEvent,
    DisclosureInventor,
    Person,
)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _complete(model: Any, rows: list[dict[str, Any]], **required: Any) -> list[dict[str, Any]]:
    """Each row with every other column at the model's default, as the import builds them."""
    template = model(**required)
    defaults = {c.name: getattr(template, c.name) for c in _table(model).columns
                if c.name != "id"}
    return [{**defaults, **row} for row in rows]


_AWARE = datetime(2026, 3, 1, 23, 59, 58, 123456, tzinfo=UTC)
_ELSEWHERE = datetime(2026, 3, 2, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=5, minutes=30)))

_DISCLOSURES = _complete(
    Disclosure,
    [
        {"key": "FF-2026-0001", "title": "Snap-fit bezel", "summary": "Größe, 寸法 and “quotes”",
         "conception_date": date(2026, 2, 28), "prototype_exists": True, "joint": True,
         "created_at": _AWARE, "updated_at": _ELSEWHERE, "submitted_on": date(2026, 3, 1),
         "status": "submitted", "version": 3},
        {"key": "FF-2026-0002", "title": "Line\nbreaks and\ttabs", "made_in_us": True,
         "vendor_invention": False, "created_at": _ELSEWHERE, "updated_at": _AWARE,
         "conception_date": None, "decided_on": date(2026, 12, 31)},
    ],
    key="", title="", created_at=_AWARE, updated_at=_AWARE,
)


def _inventors() -> list[dict[str, Any]]:
    return _complete(
        DisclosureInventor,
        [{"disclosure_id": 1, "person_id": 1, "position": 0, "contribution": 0.625,
          "organization_name": "Acme GmbH"},
         {"disclosure_id": 1, "person_id": 1, "position": 1, "contribution": 1.0,
          "role": "contributor"}],
        disclosure_id=0, person_id=0,
    )


_EVENTS = _complete(
    DisclosureEvent,
    [{"disclosure_id": 2, "kind": "filed", "happened_on": date(2026, 4, 1), "restored": True,
      "jurisdiction": "EP", "reference": "EP 26 123 456.7"}],
    disclosure_id=0, kind="", happened_on=date(2026, 1, 1),
)


def _audit(seq: int) -> list[dict[str, Any]]:
    return [{"seq": seq + n, "at": _ELSEWHERE if n else _AWARE, "actor": "jdoe",
             "actor_name": "J. Doe", "entity": "disclosure", "entity_key": f"FF-2026-000{n}",
             "action": "create", "changes": '{"title":[null,"Ünïcode"]}',
             "record_sha256": "ab" * 32, "values_sha256": "cd" * 32,
             "content_sha256": "ef" * 32, "chain_sha256": "01" * 32} for n in range(2)]


def _raw(store: Store, table: Table) -> list[tuple[Any, ...]]:
    """The table's rows as the driver reads them, with no conversion by SQLAlchemy."""
    with store.read() as db:
        conn = db.connection()
        return [tuple(row) for row in conn.exec_driver_sql(
            f"SELECT * FROM {conn.dialect.identifier_preparer.quote(table.name)} ORDER BY id"  # noqa: S608 - a table's own name
        ).all()]


def _person(store: Store) -> None:
    with store.write() as db:
        db.add(Person(key="jdoe", name="J. Doe"))


def test_rows_are_stored_as_sqlalchemys_insert_stores_them(
    two_stores: tuple[Store, Store],
) -> None:
    with two_stores[0].read() as db:
        head = db.connection().exec_driver_sql("SELECT seq FROM auditchainhead").scalar()
    for store in two_stores:
        _person(store)
    for store, by_driver in zip(two_stores, (False, True), strict=True):
        with store.write() as db:
            conn = db.connection()
            for model, rows in ((Disclosure, _DISCLOSURES), (DisclosureInventor, _inventors()),
                                (DisclosureEvent, _EVENTS), (AuditEvent, _audit(head + 1))):
                if by_driver:
                    insert_rows(conn, _table(model), rows)
                else:
                    conn.execute(insert(_table(model)), rows)
    for model in (Disclosure, DisclosureInventor, DisclosureEvent, AuditEvent):
        compiled, handed = (_raw(store, _table(model)) for store in two_stores)
        assert handed == compiled, model.__name__
        assert handed, model.__name__
    if two_stores[0].is_sqlite:
        # The stored text itself, not only what it reads back as.
        assert _raw(two_stores[1], _table(Disclosure))[0].count("2026-02-28") == 1


def test_rows_without_a_column_that_has_a_default_are_refused(db_url: str) -> None:
    store = open_store(db_url)
    try:
        row = dict(_DISCLOSURES[0])
        del row["status"]
        with pytest.raises(ValueError, match="status"), store.write() as db:
            insert_rows(db.connection(), _table(Disclosure), [row])
        with store.read() as db:
            assert db.connection().exec_driver_sql("SELECT count(*) FROM disclosure").scalar() == 0
    finally:
        store.dispose()
