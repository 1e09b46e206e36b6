"""Home's first look: a SQLite file read through Python's sqlite3 before the store opens
(storage/first_look.py). It must read what the store reads, write nothing, and stand aside
for every file the store's opening would have to create, upgrade, refuse or cannot read."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from firstfile.services import drafts
from firstfile.services.home import first_look, home_data
from firstfile.storage.engine import Store, open_store
from firstfile.storage.stored_values import day, flag, utc_time
from tests.database_files import damage_a_table, large_database
from tests.integration.portfolio import build_portfolio


@pytest.fixture
def portfolio(sqlite_store: Store) -> Path:
    build_portfolio(sqlite_store)
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    drafts.save_buffer(sqlite_store, "edit:FF-2026-0001", "FF-2026-0001", {}, now=base,
                       actor="jdoe")
    drafts.save_buffer(sqlite_store, "edit:FF-2026-0002", "FF-2026-0002", {},
                       now=base - timedelta(days=1), actor=drafts.UNCLAIMED)
    drafts.save_buffer(sqlite_store, "edit:FF-2026-0003", "FF-2026-0003", {}, now=base,
                       actor="rsmith")
    return Path(sqlite_store.url.removeprefix("sqlite:///"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_first_look_reads_what_the_store_reads(portfolio: Path, sqlite_store: Store) -> None:
    looked = first_look(str(portfolio), actor="jdoe")
    assert looked is not None
    assert looked == home_data(sqlite_store, actor="jdoe")
    # every kind of value the screen shows came back as the store reads it
    assert looked.waiting == ["FF-2026-0001", "FF-2026-0002"]
    assert all(row.updated_at.tzinfo is UTC for row in looked.summary.recent)
    assert any(isinstance(s.held_on, date) for s in looked.sessions)
    assert all(isinstance(row.joint, bool) and isinstance(row.vendor_invention, bool)
               for row in looked.summary.recent)
    assert looked.summary.people > 0 and any(e.vendors for e in looked.summary.engagements)


def test_the_first_look_writes_nothing(portfolio: Path, sqlite_store: Store) -> None:
    sqlite_store.dispose()  # closed cleanly: the file holds everything, its log nothing
    before = digest(portfolio)
    assert first_look(str(portfolio), actor="jdoe") is not None
    assert digest(portfolio) == before


def test_the_first_look_sees_what_another_process_has_committed(portfolio: Path) -> None:
    writer = open_store(str(portfolio))
    drafts.save_buffer(writer, "edit:FF-2026-0009", "FF-2026-0009", {}, actor="jdoe")
    looked = first_look(str(portfolio), actor="jdoe")
    writer.dispose()
    assert looked is not None and looked.waiting[0] == "FF-2026-0009"


def test_the_first_look_reads_its_data_without_sqlalchemy(portfolio: Path) -> None:
    code = (
        "import json, sys\n"
        "from firstfile.services.home import first_look\n"
        "data = first_look(sys.argv[1], actor='jdoe')\n"
        "print(json.dumps([len(data.summary.recent), len(data.sessions),\n"
        "                  sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "                         ('sqlalchemy', 'sqlmodel', 'alembic', 'psycopg'))]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(portfolio)],
                            capture_output=True, text=True, timeout=120, check=True)
    recent, sessions, loaded = json.loads(result.stdout)
    assert recent > 0 and sessions > 0
    assert loaded == []


def _set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()


@pytest.mark.parametrize("revision", ["0013_vendor_facing_name", "9999_from_a_newer_firstfile"])
def test_a_file_to_upgrade_or_from_a_newer_firstfile_gets_no_first_look(
    portfolio: Path, sqlite_store: Store, revision: str
) -> None:
    sqlite_store.dispose()
    _set_revision(portfolio, revision)
    assert first_look(str(portfolio), actor="jdoe") is None


def test_a_damaged_file_gets_no_first_look(portfolio: Path, sqlite_store: Store) -> None:
    sqlite_store.dispose()
    damage_a_table(portfolio, "disclosureinventor")  # not a table home reads
    assert first_look(str(portfolio), actor="jdoe") is None


def test_a_large_file_gets_the_look_the_store_gives_it(tmp_path: Path) -> None:
    # Over FULL_CHECK_UP_TO and closed cleanly: the store leaves the page check for later,
    # and so does the first look.
    path = tmp_path / "large.db"
    large_database(path)
    looked = first_look(str(path), actor="tester")
    assert looked is not None and len(looked.summary.recent) == 10


def test_what_is_not_an_up_to_date_firstfile_file_gets_no_first_look(tmp_path: Path) -> None:
    missing = tmp_path / "new.db"
    empty = tmp_path / "empty.db"
    empty.touch()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY)")
    conn.close()
    for given in (str(missing), str(empty), str(text), str(foreign), str(tmp_path),
                  "sqlite://", "sqlite:///:memory:", f"sqlite:///{foreign}?mode=ro",
                  "postgresql+psycopg://firstfile@127.0.0.1:1/none"):
        assert first_look(given, actor="tester") is None, given
    assert not missing.exists()  # nothing was created either


def test_stored_values_are_read_as_the_store_reads_them() -> None:
    # SQLite's text and integers, and PostgreSQL's own types, alike
    assert utc_time("2026-03-01 09:00:00.000000") == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert utc_time(datetime(2026, 3, 1, 9)) == datetime(2026, 3, 1, 9, tzinfo=UTC)
    cet = datetime(2026, 3, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    assert utc_time(cet) == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert utc_time(cet).tzinfo is UTC
    assert day("2026-03-01") == date(2026, 3, 1) == day(date(2026, 3, 1))
    assert day(None) is None
    assert (flag(1), flag(0), flag(True), flag(None)) == (True, False, True, False)
