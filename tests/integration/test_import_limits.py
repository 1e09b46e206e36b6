"""A file that imports into SQLite imports into PostgreSQL: lengths are checked the same way
for both, against the column sizes, and the longest values allowed are stored by both."""

from __future__ import annotations

from firstfile.domain import limits
from firstfile.interchange.reader import parse_document
from firstfile.services import disclosures, sessions
from firstfile.services.importer import import_document
from firstfile.storage import tables
from firstfile.storage.engine import Store


def test_the_limits_are_the_column_sizes() -> None:
    models = {model.__tablename__: model for model in (  # type: ignore[attr-defined]
        tables.Engagement, tables.Vendor, tables.Person, tables.Component,
        tables.ExtractionSession, tables.Idea, tables.Disclosure, tables.DisclosureEvent)}
    for (table, column), size in limits.COLUMN_CHARS.items():
        kind = models[table].__table__.c[column].type  # type: ignore[attr-defined]
        assert getattr(kind, "length", None) == size, (table, column)

KEY = "k" * 64
LONGEST = f"""\
format: firstfile/1
engagement:
  key: {KEY}
  name: {"e" * 200}
  product: {"p" * 200}
vendors:
  - key: {"v" * 64}
    name: {"n" * 200}
    kind: design-firm
    country: TW
people:
  - key: {"a" * 64}
    name: {"m" * 200}
    email: {"x" * 64}@{"d" * 189}
components:
  - key: {"c" * 64}
    name: {"o" * 200}
    kind: {"f" * 32}
    value_add: 3
    differentiation: 3
    reverse_engineering_difficulty: 3
sessions:
  - key: {"s" * 64}
    title: {"t" * 200}
    phase: pre
    date: 2026-03-02
    facilitator: {"a" * 64}
    components: [{"c" * 64}]
    ideas:
      - text: An idea
        author: {"a" * 64}
        prompt: {"q" * 64}
        component: {"c" * 64}
disclosures:
  - key: FF-2026-999999999
    title: {"T" * 200}
    business_unit: {"b" * 200}
    jurisdictions: {"j" * 200}
    submitter: {"a" * 64}
    inventors:
      - person: {"a" * 64}
    events:
      - kind: public-disclosure
        date: 2026-03-01
        jurisdiction: {"J" * 8}
        reference: {"r" * 200}
    components: [{"c" * 64}]
"""

def test_the_longest_values_allowed_import_into_every_backend(store: Store) -> None:
    doc = parse_document(LONGEST, "longest.yaml")
    report = import_document(store, doc, actor="tester")
    assert report.outcomes["disclosure created"] == 1
    view = disclosures.get_disclosure(store, "FF-2026-999999999")
    assert (len(view.title), len(view.business_unit), len(view.events[0].reference)) == (
        200, 200, 200)
    session = sessions.get_session(store, f"{KEY}/{'s' * 64}")
    assert session.ideas[0].prompt_id == "q" * 64
    # And again: merged and compared, nothing to write.
    assert not import_document(store, doc, actor="tester").changed


def test_upgrading_from_0003_keeps_the_audit_trail_and_takes_long_keys(db_url: str) -> None:
    from alembic import command
    from sqlalchemy import select, text

    from firstfile.storage import audit
    from firstfile.storage.engine import create_store_engine, open_store
    from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
    from firstfile.storage.tables import AuditEvent

    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    with old.write() as db:
        db.execute(text(
            "INSERT INTO auditevent (at, actor, entity, entity_key, action, changes) VALUES "
            "(CURRENT_TIMESTAMP, 'tester', 'component', :key, 'create', '{}')"),
            {"key": "k" * 64})
    old.dispose()
    store = open_store(db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        long_key = f"{'k' * 64}/{'s' * 64}#12"
        with store.write() as db:
            audit.record(db=db, actor="tester", entity="idea", entity_key=long_key,
                         action="create")
        with store.read() as db:
            keys = list(db.execute(select(AuditEvent.entity_key)
                                   .order_by(AuditEvent.id)).scalars())
        assert keys == ["k" * 64, long_key]
    finally:
        store.dispose()
