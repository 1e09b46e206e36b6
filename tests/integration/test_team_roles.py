"""Team roles held by PostgreSQL itself, proven the way a determined colleague would try:
connected as their own login, with raw SQL, past every check firstfile makes.

Each test makes a database of its own, sets it up as a team database (group roles named
after the database, so tests sharing the server never share roles), creates uniquely named
logins, and drops the database, the logins and the group roles afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.domain.vocabulary import TEAM_ROLES
from firstfile.services import counsel, disclosures, purge, roles
from firstfile.services.roles import NotAllowed
from firstfile.storage.engine import Store, open_store
from tests.conftest import require_pg_server
from tests.factories import seed_basics

pytestmark = pytest.mark.postgres

# PostgreSQL's insufficient_privilege: a missing grant, a guard trigger, a non-owner's DDL.
NOT_ALLOWED = "42501"


@dataclass
class Team:
    """A team database: the owner's store, and a store and a raw engine per member login."""

    owner: Store
    url: str
    prefix: str
    logins: dict[str, str]  # team role -> login name
    stores: dict[str, Store]
    engines: dict[str, Engine]

    def url_as(self, login: str) -> str:
        return make_url(self.url).set(username=login).render_as_string(hide_password=False)


@pytest.fixture
def team(request: pytest.FixtureRequest) -> Iterator[Team]:
    server = require_pg_server(request)
    url = server.new_database()
    database = url.rsplit("/", 1)[1]
    owner = open_store(url)
    tag = uuid.uuid4().hex[:8]
    logins = {role: f"ff_{role}_{tag}" for role in ("engineer", "counsel")}
    stores: dict[str, Store] = {}
    engines: dict[str, Engine] = {}
    made = Team(
        owner=owner, url=url, prefix=database, logins=logins, stores=stores, engines=engines
    )
    try:
        seed_basics(owner)
        roles.set_up_team(owner, actor="owner")
        for role, login in logins.items():
            roles.grant(owner, login, role, actor="owner")
            stores[role] = open_store(made.url_as(login))
            engines[role] = create_engine(made.url_as(login))
        yield made
    finally:
        for store in stores.values():
            store.dispose()
        for engine in engines.values():
            engine.dispose()
        owner.dispose()
        server.drop(database)
        with server.admin.connect() as conn:
            for login in (*logins.values(), f"ff_nobody_{tag}"):
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
            for role in TEAM_ROLES:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{database}_{role}"')


def _draft(**changes: object) -> DisclosureDraft:
    values: dict[str, object] = {
        "title": "Cell balancing by pulse injection",
        "summary": "Balances cells with short pulses.",
        "engagement_key": "ACME-2026",
        "inventors": (InventorEntry("jdoe", "inventor", 100),),
    }
    values.update(changes)
    return DisclosureDraft(**values)  # type: ignore[arg-type]


def _decided(team: Team) -> str:
    """A disclosure an engineer wrote and submitted, which counsel reviewed, decided, noted
    and filed a provisional for."""
    engineer, lawyer = team.stores["engineer"], team.stores["counsel"]
    key = disclosures.create_disclosure(engineer, _draft(), actor="jdoe").key
    counsel.move_status(engineer, key, "submitted", actor="jdoe")
    counsel.move_status(lawyer, key, "in-review", actor="ada")
    counsel.record_decision(
        lawyer,
        key,
        "file-provisional",
        "New circuit, vendor sees the board next month.",
        actor="ada",
    )
    counsel.set_reviewer_notes(lawyer, key, "Check the 2019 paper first.", actor="ada")
    counsel.add_event(
        lawyer,
        key,
        EventView(
            kind="provisional-filed",
            date=date(2026, 3, 2),
            jurisdiction="US",
            reference="63/123,456",
        ),
        actor="ada",
    )
    return key


def _evidence(team: Team, key: str) -> tuple[object, ...]:
    """Everything counsel's work and the audit trail consist of, read by the owner."""
    with team.owner.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT status, decision, decision_rationale, decided_on, reviewer_notes, "
                "deleted_at, german_employee_invention FROM disclosure WHERE key = :k"
            ),
            {"k": key},
        ).one()
        events = conn.execute(
            text("SELECT kind, happened_on, reference FROM disclosureevent ORDER BY id")
        ).all()
        trail = conn.execute(
            text(
                "SELECT id, at, actor, entity, entity_key, action, changes FROM auditevent "
                "ORDER BY id"
            )
        ).all()
        keys = conn.execute(text("SELECT year, last FROM keysequence ORDER BY year")).all()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return (
        tuple(row),
        tuple(map(tuple, events)),
        tuple(map(tuple, trail)),
        tuple(map(tuple, keys)),
        tuple(map(tuple, revision)),
    )


def _refused(engine: Engine, sql: str, **params: object) -> str:
    """Run sql in a transaction of its own; return PostgreSQL's refusal (fails if it ran)."""
    with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
        conn.execute(text(sql), params)
    state = getattr(caught.value.orig, "sqlstate", None)
    assert state == NOT_ALLOWED, f"{sql}: refused with {state}, not as not allowed: {caught.value}"
    return str(caught.value.orig)


# What an engineer might try on counsel's work with psql; each must be refused.
ENGINEER_FORBIDDEN = (
    ("UPDATE disclosure SET status = 'draft' WHERE key = :k", "only counsel may move"),
    ("UPDATE disclosure SET status = 'closed' WHERE key = :k", "only counsel may move"),
    ("UPDATE disclosure SET decision = 'no-action' WHERE key = :k", "decision, rationale"),
    ("UPDATE disclosure SET decision_rationale = 'x' WHERE key = :k", "decision, rationale"),
    ("UPDATE disclosure SET decided_on = NULL WHERE key = :k", "decision, rationale"),
    ("UPDATE disclosure SET reviewer_notes = '' WHERE key = :k", "decision, rationale"),
    ("UPDATE disclosure SET german_employee_invention = true WHERE key = :k", "decision"),
    ("UPDATE disclosure SET deleted_at = now() WHERE key = :k", "only counsel may delete"),
    ("DELETE FROM disclosure WHERE key = :k", "purge"),
    ("DELETE FROM disclosureevent WHERE kind = 'provisional-filed'", "provisional-filed"),
    ("UPDATE disclosureevent SET happened_on = happened_on + 400", "provisional-filed"),
    ("UPDATE disclosureevent SET kind = 'public-disclosure'", "provisional-filed"),
    (
        "INSERT INTO disclosureevent (disclosure_id, kind, happened_on, jurisdiction, reference,"
        " note, claims_priority_of, restored) SELECT id, 'granted', '2026-05-01', 'US', '', '',"
        " '', false FROM disclosure WHERE key = :k",
        "granted",
    ),
    ("UPDATE auditevent SET changes = '{}' WHERE entity_key = :k", "permission denied"),
    ("UPDATE auditevent SET actor = 'someone else'", "permission denied"),
    ("DELETE FROM auditevent WHERE entity_key = :k", "permission denied"),
    ("TRUNCATE auditevent", "permission denied"),
    ("UPDATE keysequence SET last = 0", "key numbers only go up"),
    ("DELETE FROM keysequence", "permission denied"),
    ("UPDATE alembic_version SET version_num = '0001_initial'", "permission denied"),
    ("INSERT INTO actorrole VALUES ('me', 'counsel', now(), 'me')", "permission denied"),
    ("ALTER TABLE disclosure DISABLE TRIGGER firstfile_guard_disclosure", "must be owner"),
    ("DROP TRIGGER firstfile_guard_audit ON auditevent", "must be owner"),
    (
        "CREATE OR REPLACE FUNCTION firstfile_guard_disclosure() RETURNS trigger LANGUAGE sql "
        "AS 'SELECT NULL'",
        "permission denied for schema public",
    ),
    ("SET session_replication_role = replica", "permission denied"),
    ("SET ROLE :counsel_group", "permission denied"),
)


def test_an_engineer_cannot_change_counsels_work_or_the_audit_trail_with_sql(team: Team) -> None:
    key = _decided(team)
    before = _evidence(team, key)
    group = f"{team.prefix}_counsel"
    for sql, words in ENGINEER_FORBIDDEN:
        said = _refused(
            team.engines["engineer"], sql.replace(":counsel_group", f'"{group}"'), k=key
        )
        assert words in said, f"{sql}: {said}"
    assert _evidence(team, key) == before


def test_an_engineer_does_their_own_work_through_firstfile_and_with_sql(team: Team) -> None:
    key = _decided(team)
    engineer = team.stores["engineer"]
    login = team.logins["engineer"]
    # The inventors' text stays theirs to improve; counsel's events and decision stay put.
    view = disclosures.get_disclosure(engineer, key)
    edited = disclosures.update_disclosure(
        engineer,
        key,
        replace(disclosures.view_to_draft(view), summary="Short pulses, measured."),
        actor="jdoe",
        expected_version=view.version,
    )
    assert edited.summary == "Short pulses, measured."
    assert [e.kind for e in edited.events] == ["provisional-filed"]
    assert counsel.review_state(engineer, key).decision == "file-provisional"
    fresh = disclosures.create_disclosure(engineer, _draft(title="Potting jig"), actor="jdoe")
    counsel.move_status(engineer, fresh.key, "submitted", actor="jdoe")
    counsel.move_status(engineer, fresh.key, "withdrawn", actor="jdoe")
    disclosures.delete_disclosure(engineer, fresh.key, actor="jdoe")
    with team.engines["engineer"].begin() as conn:
        conn.execute(
            text("UPDATE disclosure SET title = 'Pulse balancing' WHERE key = :k"), {"k": key}
        )
        conn.execute(
            text(
                "INSERT INTO auditevent (at, actor, entity, entity_key, action, changes) "
                "VALUES (now(), 'ada', 'disclosure', :k, 'note', '{}')"
            ),
            {"k": fresh.key},
        )
    with team.owner.engine.connect() as conn:
        trail = conn.execute(
            text("SELECT action, actor FROM auditevent WHERE entity_key = :k ORDER BY id"),
            {"k": fresh.key},
        ).all()
    # Whatever name the program or the SQL gave, the trail names the login that acted.
    assert [tuple(r) for r in trail] == [
        (action, login) for action in ("create", "status", "status", "delete", "note")
    ]
    with pytest.raises(NotAllowed, match=f"login '{login}' does not hold the counsel role"):
        purge.purge_disclosure(engineer, fresh.key, actor="counsel")
    with pytest.raises(NotAllowed, match="CREATEROLE"):
        roles.grant(engineer, login, "counsel", actor=login)


def test_counsel_decides_with_sql_but_cannot_rewrite_the_audit_trail(team: Team) -> None:
    key = _decided(team)
    lawyer = team.engines["counsel"]
    with lawyer.begin() as conn:
        conn.execute(
            text(
                "UPDATE disclosure SET decision = 'trade-secret', "
                "decision_rationale = 'Kept in-house after all.' WHERE key = :k"
            ),
            {"k": key},
        )
        conn.execute(text("DELETE FROM disclosureevent WHERE kind = 'provisional-filed'"))
    before = _evidence(team, key)
    for sql, words in (
        ("UPDATE auditevent SET changes = '{}' WHERE entity_key = :k", "only ever added to"),
        (
            'UPDATE auditevent SET changes = \'{"title": ["(purged)", "(purged)"]}\' '
            "WHERE entity_key = :k",
            "only ever added to",
        ),
        ("UPDATE auditevent SET actor = 'someone else'", "permission denied"),
        ("DELETE FROM auditevent", "permission denied"),
        ("TRUNCATE auditevent", "permission denied"),
    ):
        assert words in _refused(lawyer, sql, k=key), sql
    assert _evidence(team, key) == before


def test_counsels_purge_runs_as_counsel_and_clears_only_the_purged_records(team: Team) -> None:
    key = _decided(team)
    other = disclosures.create_disclosure(
        team.stores["engineer"], _draft(title="Other"), actor="jdoe"
    ).key
    lawyer = team.stores["counsel"]
    disclosures.delete_disclosure(lawyer, key, actor="ada")
    result = purge.purge_disclosure(lawyer, key, actor="ada")
    assert result.audit_records > 0
    with team.owner.engine.connect() as conn:
        trail = conn.execute(
            text(
                "SELECT entity_key, action, actor, changes FROM auditevent "
                "WHERE entity = 'disclosure' ORDER BY id"
            )
        ).all()
    purged = [json.loads(c) for k, a, _who, c in trail if k == key and a != "purge"]
    assert purged and all(v == ["(purged)", "(purged)"] for c in purged for v in c.values())
    assert [who for k, a, who, _c in trail if a == "purge"] == [team.logins["counsel"]]
    kept = [json.loads(c) for k, _a, _who, c in trail if k == other]
    assert kept[0]["title"] == [None, "Other"]


def test_a_login_without_a_role_cannot_even_read(team: Team) -> None:
    nobody = f"ff_nobody_{team.logins['engineer'].rsplit('_', 1)[1]}"
    with team.owner.engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{nobody}" LOGIN'))
    engine = create_engine(team.url_as(nobody))
    try:
        with pytest.raises(DBAPIError, match="permission denied for database"), engine.connect():
            pass
    finally:
        engine.dispose()


def test_revoking_takes_the_right_away_and_the_list_says_who_holds_what(team: Team) -> None:
    login = team.logins["engineer"]
    roles.grant(team.owner, login, "counsel", actor="owner")
    held = {(r.actor, r.role) for r in roles.list_roles(team.owner)}
    assert {(login, "engineer"), (login, "counsel"), (team.logins["counsel"], "counsel")} <= held
    roles.revoke(team.owner, login, "counsel", actor="owner")
    assert (login, "counsel") not in {(r.actor, r.role) for r in roles.list_roles(team.owner)}
    key = _decided(team)
    _refused(
        team.engines["engineer"],
        "UPDATE disclosure SET decision = 'no-action' WHERE key = :k",
        k=key,
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "firstfile", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, FIRSTFILE_USER="owner"),
    )


def test_the_commands_set_up_a_team_and_add_a_member(request: pytest.FixtureRequest) -> None:
    server = require_pg_server(request)
    url = server.new_database()
    database = url.rsplit("/", 1)[1]
    prefix = f"ff_{uuid.uuid4().hex[:8]}"
    login = f"{prefix}_member"
    try:
        done = run("init", "--team", "--role-prefix", prefix, "--db", url)
        assert done.returncode == 0, done.stderr
        assert (
            f"{prefix}_engineer, {prefix}_facilitator, {prefix}_counsel, {prefix}_admin"
            in done.stdout
        )
        done = run("roles", "grant", login, "engineer", "--db", url)
        assert done.returncode == 0 and f"{login} holds engineer" in done.stdout, done.stderr
        done = run("roles", "list", "--json", "--db", url)
        assert [(r["name"], r["role"]) for r in json.loads(done.stdout)] == [(login, "engineer")]
        done = run("roles", "grant", "Robert'); DROP TABLE disclosure;--", "counsel", "--db", url)
        assert done.returncode != 0 and "lower-case letters" in done.stderr
        assert "Traceback" not in done.stderr
    finally:
        server.drop(database)
        with server.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
            for role in TEAM_ROLES:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{prefix}_{role}"')


def test_only_admin_or_counsel_changes_the_organisations_name(team: Team) -> None:
    from firstfile.services.organization import organization_name, set_organization_name

    set_organization_name(team.owner, "Northfield Power GmbH", actor="owner")
    # Through firstfile: the engineer is told who may, and nothing is written.
    with pytest.raises(NotAllowed, match="only admin or counsel"):
        set_organization_name(team.stores["engineer"], "Someone Else Ltd", actor="x")
    # Around it, with SQL: the database's own guard refuses, as not allowed.
    for sql in ("UPDATE setting SET value = 'Someone Else Ltd'",
                "DELETE FROM setting",
                "INSERT INTO setting (name, value, version) VALUES ('other', 'x', 1)"):
        said = _refused(team.engines["engineer"], sql)
        assert "only admin or counsel" in said, f"{sql}: {said}"
    assert organization_name(team.owner) == "Northfield Power GmbH"
    # Counsel may, through firstfile and with SQL.
    assert set_organization_name(team.stores["counsel"], "Northfield Power AG",
                                 actor="c") == "Northfield Power AG"
    with team.engines["counsel"].begin() as conn:
        conn.execute(text("UPDATE setting SET value = 'Northfield Power SE' "
                          "WHERE name = 'organization'"))
    assert organization_name(team.owner) == "Northfield Power SE"


def test_upgrading_an_older_team_database_renews_its_grants_and_guards(
    request: pytest.FixtureRequest,
) -> None:
    """A team set up under an older schema: the tables added since (a session's sittings)
    open to the members and the guards added since (the organisation's name) hold, as soon as
    the owner's firstfile upgrades it, without running `init --team` again."""
    from alembic import command

    from firstfile.services.organization import organization_name, set_organization_name
    from firstfile.storage import team_roles
    from firstfile.storage.engine import create_store_engine
    from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision

    server = require_pg_server(request)
    url = server.new_database(empty=True)
    database = url.rsplit("/", 1)[1]
    login = f"ff_engineer_{uuid.uuid4().hex[:8]}"
    member: Engine | None = None
    try:
        old = Store(create_store_engine(url), url)
        command.upgrade(alembic_config(old), "0011_counsel_records")
        with old.write() as db:
            team_roles.set_up(db, database)
            # As a set-up made before the settings table had its guard.
            db.execute(text("DROP TRIGGER firstfile_guard_setting ON setting"))
        old.dispose()
        owner = open_store(url)  # the owner's firstfile upgrades it on opening
        try:
            assert current_revision(owner) == HEAD_REVISION
            set_organization_name(owner, "Northfield Power GmbH", actor="owner")
            roles.grant(owner, login, "engineer", actor="owner")
            member = create_engine(make_url(url).set(username=login))
            with member.begin() as conn:  # a table added after the set-up is the team's
                assert conn.execute(text("SELECT count(*) FROM session_sittings")).scalar() == 0
            said = _refused(member, "UPDATE setting SET value = 'Someone Else Ltd'")
            assert "only admin or counsel" in said
            assert organization_name(owner) == "Northfield Power GmbH"
        finally:
            owner.dispose()
    finally:
        if member is not None:
            member.dispose()
        server.drop(database)
        with server.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
            for role in TEAM_ROLES:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{database}_{role}"')
