"""A long import writes in groups, each in its own short transaction, so another writer gets
its turn part-way through; every group is whole, and the groups follow the records' order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from firstfile.interchange.reader import read_document
from firstfile.services import disclosures
from firstfile.services.importer import (
    DISCLOSURE,
    ENGAGEMENT,
    GROUP_SIZE,
    SESSION,
    import_document,
    plan_groups,
)
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.integration.big_files import big_document, write_big_file

# A second writer: opens the database, says "ready", waits for "go", then writes one audit
# row in its own unit of work and says which row it wrote and how long it waited for it.
WRITER = """
import sys, time
from firstfile.storage import audit
from firstfile.storage.engine import open_store

store = open_store(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
asked = time.monotonic()
with store.write() as db:
    event = audit.record(db=db, actor="probe", entity="probe", entity_key="probe",
                         action="probe")
    db.flush()  # BEGIN IMMEDIATE: this is where the write lock is waited for
    got = time.monotonic()
    written = event.id
print(f"wrote {written} {got - asked:.3f}", flush=True)
store.dispose()
"""


def test_the_cli_default_group_size_is_the_importers() -> None:
    from firstfile.cli import GROUP_SIZE_DEFAULT

    assert GROUP_SIZE_DEFAULT == GROUP_SIZE


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


def test_another_writer_gets_in_between_the_groups_of_a_long_import(tmp_path: Path) -> None:
    db = tmp_path / "firstfile.db"
    open_store(str(db)).dispose()
    path = tmp_path / "big.yaml"
    write_big_file(path, 200, ideas=10)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    importer = None
    try:
        assert writer.stdout is not None and writer.stdin is not None
        assert writer.stdout.readline() == "ready\n"
        importer = subprocess.Popen(
            [sys.executable, "-m", "firstfile", "import", str(path), "--db", str(db),
             "--group-size", "20"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        assert importer.stderr is not None
        # The explicit signal that the import holds the database part-way: its first group
        # is committed and the others are to come.
        first = importer.stderr.readline()
        assert "group 1 of 11 written" in first, first
        writer.stdin.write("go\n")
        writer.stdin.flush()
        wrote = writer.stdout.readline().split()
        out, err = importer.communicate(timeout=300)
        assert importer.returncode == 0, err
        assert "200 disclosure created" in out
    finally:
        for process in (writer, importer):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert writer.wait(timeout=60) == 0 and wrote[0] == "wrote"
    probe = int(wrote[1])
    store = open_store(str(db))
    try:
        with store.read() as session:
            first_id, last_id = session.execute(
                select(func.min(AuditEvent.id), func.max(AuditEvent.id))
                .where(AuditEvent.entity == "disclosure")).one()
        # The other writer's row was committed between the import's groups: disclosures
        # were written both before it and after it.
        assert first_id < probe < last_id
        assert disclosures.count(store) == 200
    finally:
        store.dispose()


def test_reading_a_big_file_back_gives_the_document(tmp_path: Path) -> None:
    doc = write_big_file(tmp_path / "big.yaml", 3, ideas=2)
    assert read_document(tmp_path / "big.yaml") == doc
