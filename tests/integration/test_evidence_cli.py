"""The evidence commands as a user runs them, in a child process on a real SQLite file:
`verify` (exit status and the first mismatch), `audit [KEY] [--json]`, `timestamp` against a
real local authority and without one, `sign`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures
from firstfile.storage.engine import open_store
from tests.factories import seed_basics
from tests.local_tsa import LocalTsa, Served


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    # XDG_CONFIG_HOME: the signing key is made in this test's own config folder.
    env = dict(os.environ, FIRSTFILE_USER="Jane Doe", XDG_CONFIG_HOME=str(home / "config"))
    env.pop("FIRSTFILE_TSA_URL", None)
    env.pop("FIRSTFILE_TSA_CA", None)
    return subprocess.run(
        [sys.executable, "-m", "firstfile", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _database(tmp_path: Path) -> tuple[str, str]:
    db = str(tmp_path / "firstfile.db")
    store = open_store(db)
    try:
        seed_basics(store)
        draft = DisclosureDraft(
            title="Cell balancing by temperature",
            summary="Balance by temperature.",
            engagement_key="ACME-2026",
            conception_date=date(2026, 1, 12),
            inventors=(InventorEntry("jdoe", "inventor", 100),),
        )
        key = disclosures.create_disclosure(store, draft, actor="jdoe").key
    finally:
        store.dispose()
    return db, key


def test_verify_passes_then_names_the_first_mismatch(tmp_path: Path) -> None:
    db, key = _database(tmp_path)
    done = _cli("verify", "--db", db, home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "everything matches"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE auditevent SET at = '2025-01-01 00:00:00.000000' WHERE seq = 3")
    done = _cli("verify", "--db", db, home=tmp_path)
    assert done.returncode == 1
    assert "FIRST MISMATCH: audit row 3 " in done.stdout
    report = json.loads(_cli("verify", "--json", "--db", db, home=tmp_path).stdout)
    assert report["ok"] is False and report["problems"][0]["seq"] == 3


def test_audit_reads_one_record_or_everything(tmp_path: Path) -> None:
    db, key = _database(tmp_path)
    trail = json.loads(_cli("audit", key, "--json", "--db", db, home=tmp_path).stdout)
    (created,) = trail["entries"]
    assert (created["action"], created["entity_key"]) == ("create", key)
    assert created["changes"]["title"] == [None, "Cell balancing by temperature"]
    everything = json.loads(_cli("audit", "--json", "--db", db, home=tmp_path).stdout)
    assert everything["chain_head"]["seq"] == len(everything["entries"]) > 1
    assert everything["entries"][-1]["chain_sha256"] == everything["chain_head"]["chain_sha256"]
    text = _cli("audit", key, "--db", db, home=tmp_path).stdout
    assert f"create disclosure {key}" in text
    assert "title: - -> Cell balancing by temperature" in text
    missing = _cli("audit", "FF-2099-0001", "--db", db, home=tmp_path)
    assert missing.returncode == 1 and "no audit records for 'FF-2099-0001'" in missing.stderr


def test_timestamp_and_sign_from_the_command_line(
    tmp_path: Path, local_tsa: Served, tsa_files: LocalTsa
) -> None:
    db, key = _database(tmp_path)
    without = _cli("timestamp", key, "--db", db, home=tmp_path)
    assert without.returncode == 1
    assert f"{key} is not timestamped: no timestamp authority is configured" in without.stderr
    stamped = _cli(
        "timestamp",
        key,
        "--tsa",
        local_tsa.url,
        "--tsa-ca",
        str(tsa_files.ca_pem),
        "--db",
        db,
        home=tmp_path,
    )
    assert stamped.returncode == 0, stamped.stderr
    assert stamped.stdout.startswith(f"{key} timestamped at ")

    first = _cli("sign", key, "--as", "inventor", "--db", db, home=tmp_path)
    assert first.returncode == 1 and "--person KEY" in first.stderr
    signed = _cli("sign", key, "--as", "inventor", "--person", "jdoe", "--db", db, home=tmp_path)
    assert signed.returncode == 0, signed.stderr
    assert "your public key is registered" in signed.stdout
    assert f"{key} signed as inventor by Jane Doe" in signed.stdout
    key_file = tmp_path / "config" / "firstfile" / "signing-key.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600

    checked = _cli("verify", "--tsa-ca", str(tsa_files.ca_pem), "--db", db, home=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "signatures: 1" in checked.stdout and "timestamps: 2" in checked.stdout


def test_an_unreadable_ca_file_is_said_and_nothing_is_asked(
    tmp_path: Path, local_tsa: Served
) -> None:
    db, key = _database(tmp_path)
    missing = tmp_path / "no-such-ca.pem"
    done = _cli(
        "timestamp",
        key,
        "--tsa",
        local_tsa.url,
        "--tsa-ca",
        str(missing),
        "--db",
        db,
        home=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"firstfile: cannot read the timestamp authority's CA file {missing}"
    )
    assert "Traceback" not in done.stderr and local_tsa.requests == []
    checked = _cli("verify", "--tsa-ca", str(missing), "--db", db, home=tmp_path)
    assert checked.returncode == 1 and "cannot read the timestamp authority's CA" in checked.stderr
