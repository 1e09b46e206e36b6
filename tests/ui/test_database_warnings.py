"""The TUI tells the user when others can read the database it opened, and when the page
check it runs after opening a large database finds damage; and it opens the database with a
small page cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from firstfile.services import drafts
from firstfile.settings import Settings
from firstfile.storage.engine import (
    CACHE_FLOOR,
    IMPORT_CACHE_BYTES,
    SCREEN_CACHE_BYTES,
    StoreError,
    open_store,
)
from firstfile.ui.app import FirstfileApp
from tests.database_files import damage_a_table, large_database
from tests.ui.helpers import until


def _warnings(app: FirstfileApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_a_database_others_can_read_is_reported_in_a_notification(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    open_store(str(path)).dispose()
    os.chmod(path, 0o644)
    app = FirstfileApp(Settings(db=str(path), actor="tester", templates_dir=None))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(_warnings(app)), "the warning notification")
        (message,) = _warnings(app)
        assert f"chmod 600 {path}" in message
        app.wait_store(5).dispose()


async def test_a_private_database_opens_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    open_store(str(path)).dispose()
    app = FirstfileApp(Settings(db=str(path), actor="tester", templates_dir=None))
    async with app.run_test(size=(80, 24)) as pilot:
        # The opening worker posts its warnings (waiting for each) before it says it is done.
        await until(pilot, app._store_ready.is_set, "the store to open")
        assert app.store is not None
        assert _warnings(app) == []
        app.wait_store(5).dispose()


async def test_damage_found_by_the_later_check_is_shown_and_stops_saving(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    large_database(path)
    damage_a_table(path, "disclosureinventor")
    app = FirstfileApp(Settings(db=str(path), actor="tester", templates_dir=None))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: any(n.severity == "error" for n in app._notifications),
                    "the damage notification", timeout=60)
        (notice,) = [n for n in app._notifications if n.severity == "error"]
        assert notice.title == "The database is damaged"
        assert notice.message.startswith(f"{path} is damaged: ")
        store = app.wait_store(5)
        with pytest.raises(StoreError, match="firstfile will not write to it"):
            drafts.save_buffer(store, "edit:FF-2026-0001", "FF-2026-0001", {"title": "x"},
                               actor="tester")
        store.dispose()


async def test_the_screens_open_the_database_with_sqlite_s_own_small_cache(
        tmp_path: Path) -> None:
    """A person's edits and pages need no cache sized for the file; one kept the app with the
    list on 100,000 disclosures past its memory target."""
    path = tmp_path / "firstfile.db"
    open_store(str(path)).dispose()
    app = FirstfileApp(Settings(db=str(path), actor="tester", templates_dir=None))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, app._store_ready.is_set, "the store to open")
        store = app.wait_store(5)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -(
                SCREEN_CACHE_BYTES // 1024)
        assert SCREEN_CACHE_BYTES < IMPORT_CACHE_BYTES < CACHE_FLOOR
        store.dispose()
