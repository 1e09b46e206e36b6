"""Deleting, restoring and purging from the command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.storage.engine import open_store


def run(*args: str, user: str = "counsel", typed: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FIRSTFILE_USER=user)
    return subprocess.run([sys.executable, "-m", "firstfile", *args], input=typed,
                          capture_output=True, text=True, env=env, timeout=120)


def _one_disclosure(db: str) -> str:
    store = open_store(db)
    try:
        return disclosures.create_disclosure(
            store, DisclosureDraft(title="Heat stake jig", summary="s"), actor="engineer").key
    finally:
        store.dispose()


def _exists(db: str, key: str) -> bool:
    store = open_store(db)
    try:
        return any(v.key == key for v in disclosures.all_views(
            store, disclosures.ListFilter(include_deleted=True)))
    finally:
        store.dispose()


def _whoami(db: str) -> str:
    return str(json.loads(run("whoami", "--json", "--db", db).stdout)["actor"])


def test_delete_restore_and_purge_with_the_typed_key(db_url: str) -> None:
    db = db_url.removeprefix("sqlite:///")
    key = _one_disclosure(db)
    assert run("disclosures", "delete", key, "--db", db).stdout.startswith(f"{key} deleted")
    assert key not in run("disclosures", "list", "--db", db).stdout
    assert run("disclosures", "restore", key, "--db", db).stdout == f"{key} restored\n"
    assert key in run("disclosures", "list", "--db", db).stdout
    run("disclosures", "delete", key, "--db", db)

    who = _whoami(db)
    refused = run("disclosures", "purge", key, "--db", db)
    assert refused.returncode == 1
    assert "only counsel may purge a disclosure" in refused.stderr
    assert f"firstfile roles grant {who} counsel" in refused.stderr
    assert run("roles", "grant", who, "counsel", "--db", db).returncode == 0

    mistyped = run("disclosures", "purge", key, "--db", db, typed="FF-2026-9999\n")
    assert mistyped.returncode == 1
    assert "Heat stake jig" in mistyped.stderr  # what would be purged is shown first
    assert "not " + key + "; nothing was purged" in mistyped.stderr
    assert _exists(db, key)

    purged = run("disclosures", "purge", key, "--db", db, typed=f"{key}\n")
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.startswith(f"{key} purged; ")
    assert not _exists(db, key)


def test_purge_with_yes_asks_nothing(db_url: str) -> None:
    db = db_url.removeprefix("sqlite:///")
    key = _one_disclosure(db)
    run("disclosures", "delete", key, "--db", db)
    who = _whoami(db)
    assert run("whoami", "--db", db).stdout == f"{who} (shown as counsel)\n"
    assert run("roles", "grant", who, "counsel", "--db", db).returncode == 0
    done = run("disclosures", "purge", key, "--yes", "--db", db)
    assert done.returncode == 0, done.stderr
    assert not _exists(db, key)
    assert f"{who}  counsel  granted by {who}" in run("roles", "list", "--db", db).stdout


def test_a_chosen_name_gives_no_role(db_url: str) -> None:
    """$FIRSTFILE_USER only chooses the name shown: granting counsel to "counsel" does not let
    a login that calls itself counsel purge, or grant."""
    db = db_url.removeprefix("sqlite:///")
    key = _one_disclosure(db)
    run("disclosures", "delete", key, "--db", db)
    assert run("roles", "grant", "counsel", "counsel", "--db", db).returncode == 0
    who = _whoami(db)
    other = run("roles", "grant", who, "counsel", "--db", db, user="counsel")
    assert other.returncode == 1
    assert f"only counsel or admin may grant counsel, and '{who}' holds neither" in other.stderr
    refused = run("disclosures", "purge", key, "--yes", "--db", db, user="counsel")
    assert refused.returncode == 1
    assert f"{who} (acting as 'counsel') does not hold the counsel role" in refused.stderr
    assert _exists(db, key)


def test_a_deleted_disclosure_is_not_exported(db_url: str, tmp_path: object) -> None:
    db = db_url.removeprefix("sqlite:///")
    key = _one_disclosure(db)
    run("disclosures", "delete", key, "--db", db)
    result = run("export", "disclosure", key, "-o", str(tmp_path), "--db", db)
    assert result.returncode == 1
    assert f"{key} is deleted, and a deleted disclosure is not exported" in result.stderr
