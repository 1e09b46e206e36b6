"""A database that cannot take a write right now: held by another program, or out of room.

The conditions are real: another connection holding the lock (SQLite's write lock, a
PostgreSQL row lock) past a short busy timeout, and SQLite's own SQLITE_FULL from a page limit
(`PRAGMA max_page_count`, the same error a full disk gives). Each ends in firstfile's own
error with words, writes nothing, and the same write succeeds once the cause is gone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.storage.engine import DatabaseBusy, DiskFull, Store, open_store
from tests.conditions import disk_full, lock_held

BUSY_TIMEOUT = 0.3


@pytest.fixture
def impatient(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url, busy_timeout=BUSY_TIMEOUT)
    yield opened
    opened.dispose()


def test_a_held_lock_is_reported_in_words_and_the_next_save_works(
    impatient: Store, db_url: str
) -> None:
    made = disclosures.create_disclosure(impatient, DisclosureDraft(title="Potting", summary="s"),
                                         actor="a")
    with lock_held(db_url, made.key), pytest.raises(DatabaseBusy) as caught:
        disclosures.update_disclosure(impatient, made.key, DisclosureDraft(title="Potted",
                                                                           summary="s"),
                                      actor="a", expected_version=made.version)
    # Who holds it, in words: another program (SQLite's lock) or another user (PostgreSQL's).
    assert "another " in str(caught.value)
    assert "try again" in str(caught.value)
    assert disclosures.get_disclosure(impatient, made.key).title == "Potting"
    saved = disclosures.update_disclosure(impatient, made.key,
                                          DisclosureDraft(title="Potted", summary="s"),
                                          actor="a", expected_version=made.version)
    assert saved.title == "Potted"


def test_a_full_disk_is_reported_in_words_and_the_next_save_works(sqlite_store: Store) -> None:
    made = disclosures.create_disclosure(sqlite_store, DisclosureDraft(title="Potting",
                                                                       summary="s"), actor="a")
    longer = DisclosureDraft(title="Potting", summary="s", description="measured " * 20_000)
    with disk_full(sqlite_store), pytest.raises(DiskFull, match="the disk is full: free space"):
        disclosures.update_disclosure(sqlite_store, made.key, longer, actor="a",
                                      expected_version=made.version)
    assert disclosures.get_disclosure(sqlite_store, made.key).description == ""
    saved = disclosures.update_disclosure(sqlite_store, made.key, longer, actor="a",
                                          expected_version=made.version)
    assert saved.description == longer.description
