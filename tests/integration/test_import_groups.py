"""A long import writes in groups, in short transactions, so another writer gets its turn
part-way through; every group is whole, and the groups follow the records' order."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from firstfile.interchange.reader import read_document
from firstfile.services import disclosures, import_prepared, importer
from firstfile.services.errors import ValidationFailed
from firstfile.services.importer import (
    DISCLOSURE,
    ENGAGEMENT,
    SESSION,
    GroupWritten,
    ImportStopped,
    check_document,
    import_document,
    plan_groups,
)
from firstfile.storage import audit
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.integration.big_files import big_document, write_big_file


def _transactions_of_groups(
    store: Store,
) -> tuple[list[GroupWritten], list[int], Callable[[GroupWritten], None]]:
    """Each group reported written, and the number of write transactions committed by then
    (the same for groups committed together; an ANALYZE after one only adds to it)."""
    commits = [0]

    def commit(conn: Any) -> None:
        if conn.get_execution_options().get("firstfile_write"):
            commits[0] += 1

    event.listen(store.engine, "commit", commit)
    seen: list[GroupWritten] = []
    counts: list[int] = []

    def progress(done: GroupWritten) -> None:
        seen.append(done)
        counts.append(commits[0])

    return seen, counts, progress


def test_a_transaction_holds_as_many_groups_as_fit_before_the_lock_is_left_free(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for every group: one transaction, and every group reported once it is committed.
    monkeypatch.setattr(importer, "GROUP_SIZE", 10)
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 600.0)
    doc = big_document(60, ideas=2)
    total = len(plan_groups(doc, 10))
    seen, counts, progress = _transactions_of_groups(sqlite_store)
    report = import_document(sqlite_store, doc, actor="tester", progress=progress)
    assert report.outcomes["disclosure created"] == 60
    assert total >= 6 and len(set(counts)) == 1
    assert [(d.number, d.total) for d in seen] == [(n, total) for n in range(1, total + 1)]
    assert [done.group for done in seen] == plan_groups(doc, 10)


def test_without_room_each_group_is_its_own_transaction_and_the_lock_is_left_free_after_it(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "GROUP_SIZE", 10)
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(importer, "YIELD_SECONDS", 0.01)
    pauses: list[float] = []
    ahead = import_prepared.Preparation.ahead

    def preparing(self: import_prepared.Preparation, indexes: Iterable[int],
                  until: float) -> int:
        pauses.append(until)
        return ahead(self, indexes, until)

    monkeypatch.setattr(import_prepared.Preparation, "ahead", preparing)
    doc = big_document(40, ideas=2)
    total = len(plan_groups(doc, 10))
    _, counts, progress = _transactions_of_groups(sqlite_store)
    import_document(sqlite_store, doc, actor="tester", progress=progress)
    assert len(set(counts)) == len(counts) == total >= 4
    assert len(pauses) == total - 1


def test_groups_of_a_size_given_are_each_their_own_transaction(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 600.0)
    doc = big_document(40, ideas=2)
    _, counts, progress = _transactions_of_groups(sqlite_store)
    import_document(sqlite_store, doc, actor="tester", group_size=10, progress=progress)
    assert len(set(counts)) == len(counts) == len(plan_groups(doc, 10)) >= 4


def test_the_lock_is_left_free_after_a_transaction_that_used_up_its_room(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "YIELD_SECONDS", 0.01)
    turns = importer._Turns(sqlite_store)
    pauses: list[float] = []
    assert turns.room() == importer.YIELD_AFTER_SECONDS == 1.0
    turns.take(0.3, pauses.append)  # held 0.3 s of its second: no pause yet
    assert pauses == [] and turns.room() == pytest.approx(0.7)
    turns.take(0.3, pauses.append, due=True)  # the transaction filled its room
    assert len(pauses) == 1 and turns.room() == 1.0
    turns.take(0.6, pauses.append)
    turns.take(0.6, pauses.append)  # a second held in all
    assert len(pauses) == 2 and turns.room() == 1.0


def test_a_transaction_takes_the_next_group_only_if_it_would_end_within_its_room() -> None:
    fits = importer._another_fits
    assert fits(0.3, 1, 1.0)  # two groups at 0.3 s: 0.6 s
    assert not fits(0.6, 1, 1.0)  # 1.2 s
    assert fits(0.6, 2, 1.0)  # 0.9 s
    assert not fits(0.9, 3, 1.0)  # 1.2 s
    assert not fits(0.01, 1, 0.0)


def test_a_failed_group_stops_the_import_and_says_how_many_are_written(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "GROUP_SIZE", 2)
    doc = big_document(6, ideas=2)
    last = replace(doc.disclosures[-1], key="not a key")
    broken = replace(doc, disclosures=(*doc.disclosures[:-1], last))
    total = len(plan_groups(broken, 2))
    # Each group its own transaction: those before the failed one are written, whole.
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(importer, "YIELD_SECONDS", 0.0)
    with pytest.raises(ImportStopped) as stopped:
        import_document(sqlite_store, broken, actor="tester", checked=True)
    assert (stopped.value.written, stopped.value.total) == (total - 1, total)
    assert isinstance(stopped.value.cause, ValidationFailed)
    plan = plan_groups(broken, 2)
    before = sum(unit.kind == DISCLOSURE for group in plan[:-1] for unit in group.units)
    assert disclosures.count(sqlite_store) == before == 4


def test_groups_written_together_are_undone_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "GROUP_SIZE", 2)
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 600.0)
    store = open_store(str(tmp_path / "firstfile.db"))
    try:
        doc = big_document(6, ideas=2)
        last = replace(doc.disclosures[-1], key="not a key")
        broken = replace(doc, disclosures=(*doc.disclosures[:-1], last))
        # One transaction for every group: the failure in the last undoes them all.
        with pytest.raises(ValidationFailed):
            import_document(store, broken, actor="tester", checked=True)
        assert disclosures.count(store) == 0
    finally:
        store.dispose()


def test_groups_keep_records_whole_and_in_dependency_order() -> None:
    doc = big_document(250, ideas=40)
    groups = plan_groups(doc, 100)
    units = [unit for group in groups for unit in group.units]
    assert units[0].kind == ENGAGEMENT
    kinds = [unit.kind for unit in units]
    assert kinds.index(SESSION) < kinds.index(DISCLOSURE)
    assert [u.index for u in units if u.kind == DISCLOSURE] == list(range(250))
    assert all(sum(u.kind == DISCLOSURE for u in g.units) <= 100 for g in groups)
    assert len(groups) == 3
    assert len(plan_groups(doc, 10_000)) == 1


def test_a_group_size_of_one_writes_each_disclosure_alone(sqlite_store: Store) -> None:
    doc = big_document(5, ideas=2)
    seen: list[str] = []
    report = import_document(sqlite_store, doc, actor="tester", group_size=1,
                             progress=lambda done: seen.append(f"{done.number}/{done.total}"))
    assert report.outcomes["disclosure created"] == 5
    total = len(plan_groups(doc, 1))
    assert seen == [f"{n}/{total}" for n in range(1, total + 1)]
    assert [len(g.units) for g in plan_groups(doc, 1)][-5:] == [1] * 5
    assert disclosures.count(sqlite_store) == 5


def _probe(other: Store) -> int:
    """Another writer's audit row, written at once; its id."""
    with other.write() as session:
        event = audit.record(db=session, actor="probe", entity="probe", entity_key="probe",
                             action="probe")
        session.flush()
        assert event.id is not None
        return event.id


def test_another_writer_gets_in_between_the_groups_of_a_long_import(tmp_path: Path) -> None:
    db = tmp_path / "firstfile.db"
    store = open_store(str(db))
    other = open_store(str(db))  # another writer: its own connection to the same file
    path = tmp_path / "big.yaml"
    write_big_file(path, 200, ideas=10)
    probes: list[int] = []

    def after_group(written: GroupWritten) -> None:
        # The explicit signal that a group is committed and others are to come: the other
        # writer writes now. Were the import still holding the write lock, this would wait
        # out the busy timeout and fail.
        if written.number == 1:
            probes.append(_probe(other))

    try:
        report = import_document(store, read_document(path), actor="importer",
                                 group_size=20, progress=after_group)
        assert report.outcomes["disclosure created"] == 200
        [probe] = probes
        with store.read() as session:
            first_id, last_id = session.execute(
                select(func.min(AuditEvent.id), func.max(AuditEvent.id))
                .where(AuditEvent.entity == "disclosure")).one()
        # The other writer's row was committed between the import's groups: disclosures
        # were written both before it and after it.
        assert first_id < probe < last_id
        assert disclosures.count(store) == 200
    finally:
        other.dispose()
        store.dispose()


def test_the_pause_leaves_the_lock_free_while_the_next_disclosures_are_prepared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each second holding the lock an import leaves it free, and prepares the next
    disclosures meanwhile: another writer writes at once, every time, while it does."""
    monkeypatch.setattr(importer, "YIELD_AFTER_SECONDS", 0.0)  # a pause after every group
    db = tmp_path / "firstfile.db"
    store = open_store(str(db))
    other = open_store(str(db), busy_timeout=0.05)  # would fail were the lock held
    path = tmp_path / "big.yaml"
    write_big_file(path, 120, ideas=4)
    prepared: list[int] = []
    probes: list[int] = []
    pauses: list[tuple[float, float]] = []  # (when preparing began, until when)
    begun: list[float] = []  # when the import's transactions began
    event.listen(store.engine, "begin", lambda _: begun.append(time.monotonic()))
    ahead = import_prepared.Preparation.ahead

    def preparing(self: import_prepared.Preparation, indexes: Iterable[int],
                  until: float) -> int:
        pauses.append((time.monotonic(), until))
        probes.append(_probe(other))
        prepared.append(ahead(self, indexes, until))
        return prepared[-1]

    monkeypatch.setattr(import_prepared.Preparation, "ahead", preparing)
    try:
        doc = read_document(path)
        report = import_document(store, doc, actor="importer", group_size=30)
        plan = plan_groups(doc, 30)
        groups = len(plan)
        assert report.outcomes["disclosure created"] == 120
        # A pause after every group but the last, each one a probe written at once.
        assert len(probes) == groups - 1 >= 4
        # The first pause had time for every disclosure still to come.
        to_come = sum(unit.kind == DISCLOSURE for group in plan[1:] for unit in group.units)
        assert prepared[0] == to_come > 60 and sum(prepared) == to_come
        # Each pause lasted its full moment, though the preparing was done sooner: the next
        # group began only after it.
        for began, until in pauses:
            assert until - began <= importer.YIELD_SECONDS
            assert min(t for t in begun if t > began) >= until
        with store.read() as session:
            ids = [row.id for row in session.execute(
                select(AuditEvent).where(AuditEvent.entity == "disclosure")
                .order_by(AuditEvent.id)).scalars()]
        assert all(ids[0] < probe < ids[-1] for probe in probes)
        assert disclosures.count(store) == 120
    finally:
        other.dispose()
        store.dispose()


def test_reading_a_big_file_back_gives_the_document(tmp_path: Path) -> None:
    doc = write_big_file(tmp_path / "big.yaml", 3, ideas=2)
    assert read_document(tmp_path / "big.yaml") == doc


def test_the_document_is_kept_out_of_the_collectors_passes_only_while_it_is_written(
    sqlite_store: Store,
) -> None:
    doc = big_document(30, ideas=2)
    frozen: list[int] = []
    import_document(sqlite_store, doc, actor="tester", group_size=10,
                    progress=lambda _: frozen.append(gc.get_freeze_count()))
    # Everything alive when the writing began (the document among it) was set aside from
    # the collector in every group, and handed back to it after the last.
    assert len(frozen) == len(plan_groups(doc, 10))
    assert all(count > len(doc.disclosures) for count in frozen)
    assert gc.get_freeze_count() == 0
    check_document(sqlite_store, doc, actor="tester")
    assert gc.get_freeze_count() == 0


def test_a_failed_import_hands_the_objects_back_to_the_collector(sqlite_store: Store) -> None:
    doc = big_document(3, ideas=2)
    last = replace(doc.disclosures[-1], key="not a key")
    broken = replace(doc, disclosures=(*doc.disclosures[:-1], last))
    with pytest.raises(ValidationFailed):
        import_document(sqlite_store, broken, actor="tester", checked=True)
    assert gc.get_freeze_count() == 0


def test_objects_frozen_before_an_import_stay_frozen(sqlite_store: Store) -> None:
    # The app freezes what is alive once its start-up is over; an import must not hand
    # those back to the collector.
    kept: list[object] = [object()]
    gc.freeze()
    try:
        import_document(sqlite_store, big_document(3, ideas=2), actor="tester")
        # Still in the permanent generation, which no collection (and no listing) visits.
        assert gc.get_freeze_count() > 0
        assert all(alive is not kept for alive in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(alive is kept for alive in gc.get_objects())
