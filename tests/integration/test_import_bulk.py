"""New disclosures written with bulk statements (services/import_bulk.py) leave the database
exactly as the per-record path (services/disclosures.py) leaves it: the same rows with the
same ids and values in every table, and the same audit records sealed into a hash chain that
`verify` accepts, on SQLite and PostgreSQL. Only the moments of writing (timestamp columns,
and the audit hashes that cover them) may differ."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import DateTime, select
from sqlmodel import SQLModel

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.evidence import GENESIS, chain_link, content_sha256
from firstfile.domain.views import EventView
from firstfile.interchange import InterchangeDocument, dump_document
from firstfile.interchange.reader import parse_document
from firstfile.services import disclosures, import_prepared, importer
from firstfile.services.errors import ValidationFailed
from firstfile.services.importer import GroupWritten, ImportReport, import_document
from firstfile.services.verification import verify
from firstfile.storage.engine import Store
from firstfile.storage.evidence_queries import audit_rows, chain_head
from firstfile.storage.tables import AuditEvent
from tests.integration.big_files import big_document


def _as_file(doc: InterchangeDocument) -> InterchangeDocument:
    """doc as the reader gives it back from a file (with the fields the file states)."""
    return parse_document(dump_document(doc), source="portfolio.yaml")


def _first_file() -> InterchangeDocument:
    return _as_file(big_document(30, ideas=5))


def _second_file() -> InterchangeDocument:
    """The first file's records again and more: some stored ones gain a value (an update),
    some new ones have no key (numbered on import), one names only a vendor's engineer
    (joint) and has filings, one claiming the other's priority."""
    doc = big_document(60, ideas=8)
    changed = []
    for n, d in enumerate(doc.disclosures, start=1):
        if n <= 30 and n % 4 == 0:
            d = replace(d, draft=replace(d.draft, variants=f"Also in resin ({n})."))
        if n > 30 and n % 3 == 0:
            d = replace(d, key=None)
        if n in (45, 51):
            # Submitted on a day the file states, before the import.
            d = replace(d, submitted_on=date(2025, 3, n - 40))
        if n in (12, 47):
            # An inventor with the details counsel files (one stored disclosure gains them).
            inventor = replace(d.draft.inventors[0], postal_address="1 Quay St\nCork",
                               citizenship="IE", employer_entity="Acme Ltd",
                               contribution_note="The latch.")
            d = replace(d, draft=replace(d.draft, inventors=(inventor, *d.draft.inventors[1:])))
        if n == 50:
            d = replace(
                d,
                draft=replace(d.draft, inventors=(InventorEntry("p11", contribution=100.0),)),
                events=(
                    *d.events,
                    EventView("provisional-filed", date(2025, 6, 2), "US", "US 63/000,050"),
                    EventView(
                        "nonprovisional-filed",
                        date(2026, 5, 29),
                        "US",
                        "US 19/1",
                        claims_priority_of=("US 63/000,050",),
                    ),
                ),
            )
        changed.append(d)
    return _as_file(replace(doc, disclosures=tuple(changed)))


# Hashes over a row's moment of writing: they differ between two databases written at
# different moments, and verify() checks them in each.
_MOMENT_HASHES = {
    ("auditevent", "content_sha256"),
    ("auditevent", "chain_sha256"),
    ("auditchainhead", "chain_sha256"),
}


def _tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order, without the timestamp columns and the
    audit hashes that cover them."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as db:
        for table in SQLModel.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if not _timestamp(c) and (table.name, c.name) not in _MOMENT_HASHES
            ]
            rows = db.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            dump[table.name] = [tuple(row) for row in rows]
    return dump


def _timestamp(column: Any) -> bool:
    kind = column.type
    return isinstance(getattr(kind, "impl", kind), DateTime)


def _import_both(
    stores: tuple[Store, Store], doc: InterchangeDocument, **options: Any
) -> tuple[ImportReport, ImportReport]:
    reports = []
    for store, bulk in zip(stores, (False, True), strict=True):
        reports.append(import_document(store, doc, actor="importer", bulk=bulk, **options))
    return reports[0], reports[1]


def _same(stores: tuple[Store, Store]) -> None:
    by_row, bulk = (_tables(store) for store in stores)
    assert by_row.keys() == bulk.keys()
    for name in by_row:
        assert bulk[name] == by_row[name], f"table {name} differs"
    for store in stores:
        report = verify(store)
        assert report.ok, [p.line() for p in report.problems]


def test_the_bulk_path_writes_what_the_per_record_path_writes(
    two_stores: tuple[Store, Store],
) -> None:
    # Disclosures logged by hand first: new numbers come after theirs, and an imported key
    # below the counter leaves it alone.
    for store in two_stores:
        for key in (None, "FF-2025-0100"):
            disclosures.create_disclosure(
                store,
                DisclosureDraft(title=f"Logged by hand {key}", summary="Before."),
                actor="jdoe",
                key=key,
            )
    first = _import_both(two_stores, _first_file(), group_size=7)
    assert first[0] == first[1]
    assert first[1].outcomes["disclosure created"] == 30
    _same(two_stores)

    second = _import_both(two_stores, _second_file(), group_size=9)
    assert second[0] == second[1]
    assert second[1].outcomes["disclosure created"] == 30
    assert second[1].outcomes["disclosure updated"] == 7
    # Keyless disclosures are numbered in this year after the one logged by hand.
    year = datetime.now(UTC).year
    numbered = [key for key in second[1].disclosure_keys if key.startswith(f"FF-{year}-")]
    assert numbered[:2] == [f"FF-{year}-0002", f"FF-{year}-0003"]
    _same(two_stores)

    # Importing the same file again changes nothing on either path.
    again = _import_both(two_stores, _second_file())
    assert again[0] == again[1] and not again[1].changed
    _same(two_stores)


def test_disclosures_prepared_while_the_lock_is_free_are_written_the_same(
    two_stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pause after every group (SQLite), the disclosures still to come are prepared
    in the first pause (services/import_prepared.py) and written from there: the same rows
    and audit records as the per-record path with no pause at all."""
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 0.0)
    prepared: list[int] = []
    ahead = import_prepared.Preparation.ahead

    def counted(self: import_prepared.Preparation, indexes: Any, until: float) -> int:
        prepared.append(ahead(self, indexes, until))
        return prepared[-1]

    monkeypatch.setattr(import_prepared.Preparation, "ahead", counted)
    first = import_document(two_stores[1], _second_file(), actor="importer", group_size=9)
    if two_stores[1].is_sqlite:
        assert sum(prepared) > 40
    else:
        assert prepared == []  # PostgreSQL locks rows: other writers need no pause
    monkeypatch.setattr(import_prepared.Preparation, "ahead", ahead)
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 3600.0)  # no pause at all
    second = import_document(two_stores[0], _second_file(), actor="importer", bulk=False)
    assert first == second
    _same(two_stores)


def test_the_bulk_path_writes_the_same_audit_records(two_stores: tuple[Store, Store]) -> None:
    _import_both(two_stores, _second_file())
    trails = []
    for store in two_stores:
        with store.read() as db:
            trails.append(
                [
                    (
                        e.id,
                        e.seq,
                        e.actor,
                        e.actor_name,
                        e.entity,
                        e.entity_key,
                        e.action,
                        e.changes,
                        e.values_sha256,
                        e.record_sha256,
                    )
                    for e in db.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
                ]
            )
    assert trails[1] == trails[0]
    creates = [row for row in trails[1] if row[4] == "disclosure"]
    assert len(creates) == 60
    # Each "create" record carries the hash of the disclosure's content as stored.
    assert all(len(row[9]) == 64 for row in creates)
    # What a disclosure's "create" record holds: the file's values, inventors and events.
    joint = next(row for row in creates if row[5] == "FF-2025-0050")
    assert "p11:inventor:100" in joint[7] and "claims US 63/000,050" in joint[7]
    # The day a file says a record was submitted is part of its creation.
    submitted = [row[7] for row in creates if '"submitted_on": [null, "2025-03-' in row[7]]
    assert len(submitted) == 2
    # And an inventor's filing details.
    assert sum(":IE:Acme Ltd:1 Quay St" in row[7] for row in creates) == 2
    # The bulk rows are sealed in order onto the chain, each linked to the row before it.
    with two_stores[1].read() as db:
        rows = list(audit_rows(db))
        head = chain_head(db)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    previous = GENESIS
    for row in rows:
        assert row.chain_sha256 == chain_link(previous, row.content_sha256)
        previous = row.chain_sha256
    assert head == (rows[-1].seq, rows[-1].chain_sha256)
    report = verify(two_stores[1])
    assert report.ok, [p.line() for p in report.problems]
    assert report.disclosures == 60


def test_a_group_with_an_unknown_person_writes_nothing_on_either_path(
    two_stores: tuple[Store, Store],
) -> None:
    doc = big_document(12, ideas=2)
    bad = replace(
        doc.disclosures[10],
        draft=replace(
            doc.disclosures[10].draft, inventors=(InventorEntry("nobody", contribution=100.0),)
        ),
    )
    doc = replace(doc, disclosures=(*doc.disclosures[:10], bad, doc.disclosures[11]))
    messages = []
    for store, bulk in zip(two_stores, (False, True), strict=True):
        with pytest.raises(ValidationFailed) as raised:
            import_document(store, doc, actor="importer", bulk=bulk, checked=True)
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "nobody" in messages[1]
    assert disclosures.count(two_stores[1]) == 0
    _same(two_stores)


@pytest.mark.postgres
def test_a_writer_during_a_bulk_import_on_postgresql_leaves_a_valid_chain(
    pg_store: Store,
) -> None:
    """Another writer logs disclosures while a bulk import writes its groups: its rows and
    the import's take turns on the chain head, and the chain verifies."""
    doc = _as_file(big_document(40, ideas=2))
    first_group = threading.Event()
    writer_wrote = threading.Event()
    import_done = threading.Event()
    failures: list[BaseException] = []

    def after_group(written: GroupWritten) -> None:
        if written.number == 1:
            first_group.set()
            # The next group is written only once the other writer has committed a row.
            assert writer_wrote.wait(120), "the other writer never wrote"

    def write() -> None:
        try:
            assert first_group.wait(120), "the import never wrote its first group"
            index = 0
            while not import_done.is_set() or index < 3:
                disclosures.create_disclosure(
                    pg_store,
                    DisclosureDraft(title=f"Logged meanwhile {index}", summary="By hand."),
                    actor="writer",
                )
                index += 1
                writer_wrote.set()
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)
            writer_wrote.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        report = import_document(
            pg_store, doc, actor="importer", bulk=True, group_size=10, progress=after_group
        )
    finally:
        import_done.set()
        thread.join()
    assert failures == []
    assert report.outcomes["disclosure created"] == 40
    with pg_store.read() as db:
        rows = [r for r in audit_rows(db) if r.entity == "disclosure"]
    names = [r.actor_name for r in rows]
    # The writer's rows sit between the import's: the two took turns on the head.
    first_writer = names.index("writer")
    assert "importer" in names[:first_writer] and "importer" in names[first_writer:]
    verified = verify(pg_store)
    assert verified.ok, [p.line() for p in verified.problems]
    assert verified.disclosures == 40 + names.count("writer")


def test_the_bulk_hashes_of_new_disclosures_match_their_stored_content(
    two_stores: tuple[Store, Store],
) -> None:
    # The bulk path hashes the values it inserts without reading them back: whole-number
    # shares (written 70 in the file), filing details, a vendor's engineer and text beyond
    # ASCII must hash as stored.
    doc = big_document(6, ideas=1)
    odd = []
    for n, d in enumerate(doc.disclosures):
        inventors = (
            InventorEntry("p01", contribution=70.0, postal_address="Hauptstraße 5\nMünchen",
                          citizenship="DE", employer_entity="Müller GmbH",
                          contribution_note="Der Regler — 温度"),
            InventorEntry("p11", contribution=30.0),
        )
        odd.append(replace(d, draft=replace(d.draft, inventors=inventors,
                                            title=f"Überwachung {n} ✓")))
    doc = _as_file(replace(doc, disclosures=tuple(odd)))
    reports = _import_both(two_stores, doc)
    assert reports[1].outcomes["disclosure created"] == 6
    _same(two_stores)
    with two_stores[1].read() as db:
        creates = {
            e.entity_key: e.record_sha256
            for e in db.execute(select(AuditEvent).where(AuditEvent.entity == "disclosure"))
            .scalars()
        }
    for key, recorded in creates.items():
        assert recorded == content_sha256(disclosures.get_disclosure(two_stores[1], key)), key
