"""Team roles: held by who acts (the login, or the database role), never by the name one
chooses; the first grant is open, later grants need counsel or admin, every change is
audited."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from firstfile.services import roles
from firstfile.services.errors import NotFound, UserError
from firstfile.services.roles import NotAllowed
from firstfile.storage.engine import Store


def test_the_first_grant_is_open_and_later_ones_need_counsel_or_admin(store: Store) -> None:
    me = roles.whoami(store)
    roles.grant(store, me, "counsel", actor="Ada")
    roles.grant(store, "bo", "admin", actor="Ada")
    roles.grant(store, "cy", "engineer", actor="Ada")
    assert sorted((r.actor, r.role, r.granted_by) for r in roles.list_roles(store)) == sorted([
        (me, "counsel", me), ("bo", "admin", me), ("cy", "engineer", me)])


def test_a_chosen_name_is_no_licence_to_grant(store: Store) -> None:
    roles.grant(store, "ada", "counsel", actor="ada")
    me = roles.whoami(store)
    with pytest.raises(NotAllowed, match=f"only counsel or admin may grant counsel, and "
                                         f"'{me}' holds neither"):
        roles.grant(store, "mallory", "counsel", actor="ada")
    assert [(r.actor, r.role) for r in roles.list_roles(store)] == [("ada", "counsel")]


@pytest.mark.postgres
def test_on_postgresql_each_login_is_its_own_actor(
    pg_store: Store, other_login: Callable[[Store, str], Store]
) -> None:
    ada = other_login(pg_store, "ada")
    mallory = other_login(pg_store, "mallory")
    roles.grant(ada, roles.whoami(ada), "counsel", actor="Ada")
    with pytest.raises(NotAllowed, match=f"'{roles.whoami(mallory)}' holds neither"):
        roles.grant(mallory, roles.whoami(mallory), "counsel", actor="Ada")
    roles.grant(ada, roles.whoami(mallory), "engineer", actor="Ada")
    with ada.read() as db:
        trail = db.execute(text("SELECT actor, actor_name, entity_key FROM auditevent "
                                "WHERE entity = 'role' ORDER BY seq")).all()
    assert [tuple(r) for r in trail] == [
        (roles.whoami(ada), "Ada", roles.whoami(ada)),
        (roles.whoami(ada), "Ada", roles.whoami(mallory))]


def test_granting_twice_changes_nothing_and_revoking_is_audited(store: Store) -> None:
    me = roles.whoami(store)
    roles.grant(store, me, "counsel", actor="ada")
    roles.grant(store, me, "counsel", actor="ada")
    roles.grant(store, "bo", "counsel", actor="ada")
    roles.revoke(store, "bo", "counsel", actor="ada")
    with pytest.raises(NotFound, match="'bo' does not hold the counsel role"):
        roles.revoke(store, "bo", "counsel", actor="ada")
    with store.read() as db:
        trail = db.execute(text("SELECT actor, actor_name, entity_key, action, changes "
                                "FROM auditevent WHERE entity = 'role' ORDER BY seq")).all()
    assert [tuple(r) for r in trail] == [
        (me, "ada", me, "grant", '{"role": [null, "counsel"]}'),
        (me, "ada", "bo", "grant", '{"role": [null, "counsel"]}'),
        (me, "ada", "bo", "revoke", '{"role": ["counsel", null]}'),
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
