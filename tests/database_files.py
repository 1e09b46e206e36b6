"""Real database files in states the tests need: large, damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures, drafts
from firstfile.storage.engine import open_store
from firstfile.storage.inspection import FULL_CHECK_UP_TO


def large_database(path: Path) -> None:
    """A firstfile database larger than FULL_CHECK_UP_TO (an autosave buffer holds the bulk),
    with a few disclosures, closed cleanly."""
    store = open_store(str(path))
    for n in range(20):
        disclosures.create_disclosure(
            store, DisclosureDraft(title=f"Snap-fit clip variant {n}", summary="s"),
            actor="tester")
    drafts.save_buffer(store, "edit:bulk", "",
                       {"notes": "x" * (FULL_CHECK_UP_TO + 2 * 1024 * 1024)}, actor="tester")
    store.dispose()
    assert path.stat().st_size > FULL_CHECK_UP_TO
    assert not path.with_name(path.name + "-wal").exists()


def damage_a_table(path: Path, table: str) -> None:
    """Overwrite the first page of table's b-tree (not page 1, which says what the file holds)
    with bytes no page can start with."""
    # Read-only, so that closing it does not fold a crashed writer's log into the file.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    assert root > 1
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xee" * 64)
