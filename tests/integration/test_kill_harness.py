"""Crash safety: real firstfile processes on a real SQLite file, killed with SIGKILL.

Imports: `firstfile import` runs on a file of many groups and is killed at a random moment
(a fixed seed), again and again on the same database. After every kill the database passes
`PRAGMA integrity_check`, every group the process confirmed (its "group K of N written"
line) is present and whole, every other group is either whole or absent, and in the end an
uninterrupted run completes the import and a further one finds nothing to do.

Exports: `firstfile export disclosure` is killed at random moments while it replaces an
earlier export; the file is always either the complete earlier document or the complete new
one, never a partial one, and the temporary files a kill leaves behind are swept by the
next export once they are old.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

from docx import Document

from firstfile.interchange.document import InterchangeDocument
from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.services import disclosures
from firstfile.services.importer import DISCLOSURE, SESSION, plan_groups
from firstfile.storage.engine import open_store
from tests.integration.big_files import write_big_file

SEED = 20261130
DATABASES = 2
KILLS_PER_DATABASE = 10  # 20 kills of imports in all
GROUP_SIZE = 4
EXPORT_KILLS = 6

_WRITTEN = re.compile(r"group (\d+) of (\d+) written")


class Watched:
    """A firstfile process whose stderr is read line by line as it arrives."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "firstfile", *args], stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        self.confirmed: list[int] = []
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                found = _WRITTEN.search(line)
                if found:
                    self.confirmed.append(int(found.group(1)))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for_groups(self, count: int, timeout: float = 120) -> None:
        """Return once count groups are confirmed or the process has ended."""
        with self.changed:
            self.changed.wait_for(
                lambda: len(self.confirmed) >= count or self.process.poll() is not None,
                timeout=timeout)

    def kill(self) -> None:
        """SIGKILL, then collect what was said before it."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)
        self.reader.join(timeout=60)


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _present(db: Path, doc: InterchangeDocument) -> dict[str, tuple[int, int, int]]:
    """Each stored disclosure of doc: (inventors, events, components), straight from SQL."""
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'disclosure'").fetchone():
            return {}
        rows = conn.execute(
            "SELECT d.key,"
            " (SELECT count(*) FROM disclosureinventor i WHERE i.disclosure_id = d.id),"
            " (SELECT count(*) FROM disclosureevent e WHERE e.disclosure_id = d.id),"
            " (SELECT count(*) FROM disclosurecomponent c WHERE c.disclosure_id = d.id)"
            " FROM disclosure d").fetchall()
    return {key: (inventors, events, components)
            for key, inventors, events, components in rows}


def _session_ideas(db: Path) -> int | None:
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'idea'").fetchone():
            return None
        row = conn.execute("SELECT count(*) FROM idea").fetchone()
    return int(row[0]) if row[0] else None


def _check_groups(db: Path, doc: InterchangeDocument, confirmed: set[int]) -> int:
    """Every confirmed group whole, every other whole or absent; the number present."""
    present = _present(db, doc)
    ideas = _session_ideas(db)
    whole = 0
    for number, group in enumerate(plan_groups(doc, GROUP_SIZE), start=1):
        states: list[bool] = []
        for unit in group.units:
            if unit.kind == DISCLOSURE:
                d = doc.disclosures[unit.index]
                expected = (len(d.draft.inventors), len(d.events), len(d.draft.components))
                assert d.key is not None
                if d.key in present:
                    assert present[d.key] == expected, f"{d.key} is not whole"
                states.append(d.key in present)
            elif unit.kind == SESSION:
                session = doc.sessions[unit.index]
                assert ideas in (None, len(session.ideas)), "the session's ideas are not whole"
                states.append(ideas is not None)
        assert len(set(states)) <= 1, f"group {number} is partly written: {states}"
        if number in confirmed:
            assert all(states), f"group {number} was confirmed but is missing"
        whole += all(states)  # a group of people and such has nothing counted here
    return whole


def test_imports_killed_at_random_moments_lose_nothing_confirmed(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "big.yaml"
    doc = write_big_file(path, 40, ideas=12)
    total = len(plan_groups(doc, GROUP_SIZE))
    assert total >= 10
    command = ["import", str(path), "--group-size", str(GROUP_SIZE)]
    kills = mid_import = 0
    for number in range(DATABASES):
        db = tmp_path / f"killed-{number}.db"
        confirmed: set[int] = set()
        for _ in range(KILLS_PER_DATABASE):
            run = Watched([*command, "--db", str(db)])
            # A random moment: after a random number of confirmed groups (none: while it
            # starts, reads and checks), plus a random part of a group's time. The bulk path
            # writes a group of four in milliseconds, so the wait after a confirmation is kept
            # that short: a longer one mostly let the import finish before the kill.
            run.wait_for_groups(rng.randrange(total))
            time.sleep(rng.uniform(0, 0.3) / 30)
            run.kill()
            kills += 1
            # Killed while writing: some groups confirmed, the import not finished.
            mid_import += bool(run.confirmed) and run.process.returncode == -signal.SIGKILL
            confirmed.update(run.confirmed)
            if db.exists():
                assert _integrity(db) == "ok"
            _check_groups(db, doc, confirmed)
        finished = Watched([*command, "--db", str(db)])
        assert finished.process.wait(timeout=300) == 0, "".join(finished.lines)
        finished.reader.join(timeout=60)
        assert _integrity(db) == "ok"
        assert _check_groups(db, doc, set(range(1, total + 1))) == total
        store = open_store(str(db))
        try:
            assert disclosures.count(store) == len(doc.disclosures)
            from firstfile.services.importer import import_document

            again = import_document(store, read_document(path), actor="tester")
            assert not again.changed, again.summary()
        finally:
            store.dispose()
    assert kills == DATABASES * KILLS_PER_DATABASE
    assert mid_import >= kills // 2, f"only {mid_import} kills landed while groups were written"


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_exports_killed_at_random_moments_leave_the_old_file_or_the_new_one(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "firstfile.db"
    store = open_store(str(db))
    try:
        from firstfile.services.importer import import_document

        for sample in sorted(sample_sessions().glob("*.yaml")):
            import_document(store, read_document(sample), actor="tester")
        key = disclosures.all_views(store)[0].key
        out = tmp_path / "out"
        out.mkdir()
        started = time.monotonic()
        first = Watched(["export", "disclosure", key, "-o", str(out), "--db", str(db)])
        assert first.process.wait(timeout=120) == 0, "".join(first.lines)
        duration = time.monotonic() - started
        target = out / f"{key}.docx"
        old = target.read_bytes()
        view = disclosures.get_disclosure(store, key)
        new_summary = "Summary rewritten after the first export."
        disclosures.update_disclosure(
            store, key, replace(disclosures.view_to_draft(view), summary=new_summary),
            actor="tester")
    finally:
        store.dispose()
    for _ in range(EXPORT_KILLS):
        run = Watched(["export", "disclosure", key, "-o", str(out), "--db", str(db)])
        # Most of a run is starting up and rendering; the write comes at its very end.
        time.sleep(rng.uniform(0.5, 1.1) * duration)
        run.kill()
        assert target.exists()
        if target.read_bytes() != old:
            assert new_summary in _docx_text(target)  # complete, and the new document
        else:
            assert new_summary not in _docx_text(target)
    strays = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    long_ago = time.time() - 3600
    for stray in strays:
        os.utime(stray, (long_ago, long_ago))
    again = Watched(["export", "disclosure", key, "-o", str(out), "--db", str(db)])
    assert again.process.wait(timeout=120) == 0, "".join(again.lines)
    assert sorted(p.name for p in out.iterdir()) == [f"{key}.docx"]
    assert new_summary in _docx_text(target)
