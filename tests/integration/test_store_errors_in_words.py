"""A driver's error never leaves a unit of work: it becomes StoreError with words in it.

Screens and commands catch the project's own errors only, so a constraint the database
enforces must arrive as StoreRefused (DuplicateKey for a taken key), with nothing written.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from firstfile.storage.engine import DuplicateKey, Store, StoreError, StoreRefused
from firstfile.storage.tables import Vendor


def _vendors(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(Vendor)).scalar_one())


def test_a_taken_key_is_a_duplicate_key_in_words_and_nothing_is_written(store: Store) -> None:
    with store.write() as db:
        db.add(Vendor(key="acme", name="Acme"))
    with pytest.raises(DuplicateKey) as caught, store.write() as db:
        db.add(Vendor(key="other", name="Other"))
        db.flush()
        db.add(Vendor(key="acme", name="Acme again"))
    assert isinstance(caught.value, StoreRefused)
    assert not isinstance(caught.value, SQLAlchemyError)
    assert "database refused the change" in str(caught.value)
    assert _vendors(store) == 1  # "other" went with the failed unit of work


def test_any_other_refusal_is_store_refused_not_a_driver_error(store: Store) -> None:
    with pytest.raises(StoreRefused) as caught, store.read() as db:
        db.execute(text("SELECT no_such_column FROM vendor"))
    assert not isinstance(caught.value, DuplicateKey)
    assert isinstance(caught.value, StoreError)
    assert isinstance(caught.value.__cause__, SQLAlchemyError)  # kept for the log


def test_a_plain_read_turns_the_drivers_errors_into_words_too(store: Store) -> None:
    with pytest.raises(StoreRefused) as caught, store.plain_read() as conn:
        conn.execute(text("SELECT no_such_column FROM vendor"))
    assert isinstance(caught.value.__cause__, SQLAlchemyError)


def test_a_plain_read_writes_nothing(store: Store) -> None:
    with store.plain_read() as conn:
        conn.execute(text("INSERT INTO vendor (key, name, kind, country, competitors, notes, "
                          "version) VALUES ('acme', 'Acme', '', '', '', '', 1)"))
        assert conn.execute(text("SELECT count(*) FROM vendor")).scalar_one() == 1
    assert _vendors(store) == 0  # rolled back when the unit of work ended
