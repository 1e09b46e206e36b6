"""Team roles: the first grant is open, later grants need counsel or admin, every change is
audited."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from firstfile.services import roles
from firstfile.services.errors import NotFound, UserError
from firstfile.services.roles import NotAllowed
from firstfile.storage.engine import Store


def test_the_first_grant_is_open_and_later_ones_need_counsel_or_admin(store: Store) -> None:
    roles.grant(store, "ada", "counsel", actor="ada")
    with pytest.raises(NotAllowed, match="only counsel or admin may grant counsel, and "
                                         "'mallory' holds neither"):
        roles.grant(store, "mallory", "counsel", actor="mallory")
    roles.grant(store, "bo", "admin", actor="ada")
    roles.grant(store, "cy", "engineer", actor="bo")
    assert [(r.actor, r.role, r.granted_by) for r in roles.list_roles(store)] == [
        ("ada", "counsel", "ada"), ("bo", "admin", "ada"), ("cy", "engineer", "bo")]


def test_granting_twice_changes_nothing_and_revoking_is_audited(store: Store) -> None:
    roles.grant(store, "ada", "counsel", actor="ada")
    roles.grant(store, "ada", "counsel", actor="ada")
    roles.grant(store, "bo", "counsel", actor="ada")
    roles.revoke(store, "bo", "counsel", actor="ada")
    with pytest.raises(NotFound, match="'bo' does not hold the counsel role"):
        roles.revoke(store, "bo", "counsel", actor="ada")
    with store.read() as db:
        trail = db.execute(text("SELECT actor, entity_key, action, changes FROM auditevent "
                                "WHERE entity = 'role' ORDER BY id")).all()
    assert [tuple(r) for r in trail] == [
        ("ada", "ada", "grant", '{"role": [null, "counsel"]}'),
        ("ada", "bo", "grant", '{"role": [null, "counsel"]}'),
        ("ada", "bo", "revoke", '{"role": ["counsel", null]}'),
    ]


def test_an_unknown_role_is_refused(store: Store) -> None:
    with pytest.raises(UserError, match="engineer, facilitator, counsel, admin, not 'boss'"):
        roles.grant(store, "ada", "boss", actor="ada")
    assert roles.list_roles(store) == []


def test_init_team_refuses_a_sqlite_file_in_words(tmp_path: Path) -> None:
    db = tmp_path / "firstfile.db"
    done = subprocess.run([sys.executable, "-m", "firstfile", "init", "--team", "--db", str(db)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "team roles need PostgreSQL: a SQLite file has one user" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "firstfile", "init", "--role-prefix", "acme",
                           "--db", str(tmp_path / "other.db")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "--role-prefix goes with --team" in done.stderr
    assert not (tmp_path / "other.db").exists()
