"""Disclosure numbers after importing explicit keys: the counter only ever goes up.

An imported key below the counter must leave it where it is; lowering it would hand out
numbers already taken, and the next new disclosure would fail on the unique key.
"""

from __future__ import annotations

from datetime import UTC, datetime

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from tests.unit.interchange_cases import edit, parse


def import_key(store: Store, key: str) -> None:
    """Import the small interchange file with its one disclosure under key."""
    import_document(store, parse(edit("  - key: FF-2026-0001", f"  - key: {key}")),
                    actor="tester")


def log(store: Store, title: str) -> str:
    return disclosures.create_disclosure(store, DisclosureDraft(title=title), actor="tester").key


def test_importing_a_key_below_the_counter_leaves_it_where_it_was(store: Store) -> None:
    year = datetime.now(UTC).year  # new disclosures are numbered in the current year
    import_key(store, f"FF-{year}-0007")
    assert log(store, "After the import") == f"FF-{year}-0008"
    import_key(store, f"FF-{year}-0003")  # below the counter, and free
    assert disclosures.get_disclosure(store, f"FF-{year}-0003").title == (
        "Sensorless start-up of a BLDC motor")
    # The counter stays at 8: numbers 4 to 7 are never handed out again, so nothing collides.
    assert [log(store, f"Logged {n}") for n in range(5)] == [
        f"FF-{year}-{n:04d}" for n in range(9, 14)]


def test_importing_a_key_above_the_counter_moves_it_past_that_key(store: Store) -> None:
    year = datetime.now(UTC).year
    assert log(store, "First") == f"FF-{year}-0001"
    import_key(store, f"FF-{year}-0042")
    assert log(store, "Next") == f"FF-{year}-0043"
