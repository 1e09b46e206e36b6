"""Team roles held by PostgreSQL itself: group roles, grants and guard triggers.

`set_up` (run by `firstfile init --team` as the database's owner or a superuser) creates four
group roles, PREFIX_engineer, PREFIX_facilitator, PREFIX_counsel and PREFIX_admin, grants them
what each may do, and installs triggers that hold counsel's work and the audit trail against
anyone else, whatever program they connect with (psql included). Every member logs in with a
login role of their own, so the database knows who is acting: `current_user`.

Group roles belong to the whole PostgreSQL server, not to one database, so their names start
with a prefix: by default the database's name (a database "firstfile" gets
firstfile_engineer, ...), so two team databases on one server never share members.

What the database enforces, for every login that is not the tables' owner (or a superuser):

- reading needs a role (CONNECT on the database is taken from PUBLIC);
- only counsel changes a disclosure's review status (an engineer may submit a draft and
  withdraw a disclosure counsel has not decided yet), decision, rationale, decision date,
  reviewer notes and the German employee-invention flag; only counsel deletes or restores a
  disclosure counsel is working on, removes a disclosure (purge), or records, changes or
  removes a filing event;
- the audit trail is append-only: each new row's actor is set to the login that wrote it,
  nobody deletes or truncates it, and only counsel rewrites a row, and only to the purged
  form ("(purged)" for every value) of a disclosure that no longer exists;
- only admin or counsel changes the database's settings, the organisation's name first
  among them (it is printed in every document and its confidentiality marking);
- key numbers only go up; the schema's revision is read-only.

The owner of the tables (who ran the migrations) is not bound by the triggers and can change
or drop them: keep that login for administration. SQLite has none of this: a file belongs to
whoever can write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from firstfile.domain.vocabulary import TEAM_ROLES

# The custom setting that tells a connection it is in a team database, and its prefix.
SETTING = "firstfile.team_roles"
# PostgreSQL truncates names past 63 bytes; the longest suffix is "_facilitator".
MAX_NAME = 63
_LONGEST_SUFFIX = max(len(f"_{role}") for role in TEAM_ROLES)
# Plain lower-case names only: they are written into DDL, quoted, and must need no escaping.
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")

# Event kinds an inventor reports (a disclosure or offer that starts a grace period); every
# other kind is counsel's filing record.
INVENTOR_EVENT_KINDS = (
    "public-disclosure",
    "offer-for-sale",
    "vendor-disclosure-nda",
    "vendor-disclosure-no-nda",
)
# A disclosure's status moves an engineer may make: submit a draft, withdraw one counsel has
# not decided. Every other move is counsel's.
ENGINEER_MOVES = (("draft", "submitted"), ("submitted", "withdrawn"), ("in-review", "withdrawn"))
# Statuses in which an engineer may still delete or restore a disclosure.
ENGINEER_DELETABLE = ("draft", "submitted", "withdrawn")
# Tables only read by the team: the schema revision (migrations are the owner's job) and the
# application's own role records (PostgreSQL's memberships are the ones that count here).
READ_ONLY_TABLES = ("alembic_version", "actorrole")
# Tables that take inserts but no deletes: the audit trail and the key counter.
APPEND_TABLES = ("auditevent", "keysequence")


class TeamSetupError(Exception):
    """The team set-up cannot be done as asked; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class TeamSetup:
    """What `set_up` made: the prefix and the four group roles, by team role."""

    prefix: str
    groups: dict[str, str]


def check_name(name: str, *, what: str) -> str:
    """name, if it can be a PostgreSQL role name as firstfile writes them; else
    TeamSetupError saying what to give instead."""
    if not _NAME.match(name) or len(name) > MAX_NAME:
        raise TeamSetupError(
            f"{what} must be lower-case letters, digits and underscores, starting with a letter "
            f"or underscore, at most {MAX_NAME} characters, not {name!r}"
        )
    return name


def group_names(prefix: str) -> dict[str, str]:
    """The group role for each team role under prefix."""
    check_name(prefix, what="the role prefix")
    if len(prefix) + _LONGEST_SUFFIX > MAX_NAME:
        raise TeamSetupError(
            f"the role prefix {prefix!r} is too long for PostgreSQL's {MAX_NAME}-character "
            f"role names: give at most {MAX_NAME - _LONGEST_SUFFIX} characters with "
            "--role-prefix"
        )
    return {role: f"{prefix}_{role}" for role in TEAM_ROLES}


def default_prefix(db: Session) -> str:
    """The database's name, as a prefix (lower-cased, other characters as underscores)."""
    name = str(db.execute(text("SELECT current_database()")).scalar_one())
    prefix = re.sub(r"[^a-z0-9_]", "_", name.lower())
    return prefix if _NAME.match(prefix) else f"_{prefix}"


def team_prefix(db: Session) -> str | None:
    """The role prefix when db is a team database on PostgreSQL, else None."""
    if db.get_bind().dialect.name != "postgresql":
        return None
    found = db.execute(text(f"SELECT current_setting('{SETTING}', true)")).scalar()
    return str(found) if found else None


def holds(db: Session, prefix: str, role: str) -> bool:
    """Whether the connected login holds role (directly or through another group)."""
    group = group_names(prefix)[role]
    return bool(
        db.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :g) "
                "AND pg_has_role(current_user, :g, 'MEMBER')"
            ),
            {"g": group},
        ).scalar()
    )


def login(db: Session) -> str:
    """The PostgreSQL login acting on db: the audit trail's actor in a team database."""
    return str(db.execute(text("SELECT current_user")).scalar_one())


def set_up(db: Session, prefix: str) -> TeamSetup:
    """Create the group roles (those missing), grant them their rights and install the guard
    triggers, in db's transaction. Running it again changes nothing but granting tables and
    installing guards added since (migrate runs it after every upgrade of a team database).
    Needs the tables' owner or a superuser, with CREATEROLE when a group role is missing."""
    groups = group_names(prefix)
    database = str(db.execute(text("SELECT current_database()")).scalar_one())
    tables = sorted(
        str(name)
        for name in db.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
    )
    for statement in _statements(database, groups, tables, prefix):
        db.execute(text(statement))
    # This connection acts as a team connection from now on; new ones read the database's
    # setting when they connect.
    db.execute(text("SELECT set_config(:s, :p, false)"), {"s": SETTING, "p": prefix})
    return TeamSetup(prefix=prefix, groups=groups)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(_literal(v) for v in values)


def _statements(database: str, groups: dict[str, str], tables: list[str], prefix: str) -> list[str]:
    engineer, facilitator, counsel, admin = (_quoted(groups[r]) for r in TEAM_ROLES)
    db = _quoted(database)
    out: list[str] = []
    for role in TEAM_ROLES:
        out.append(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_literal(groups[role])}) THEN
                CREATE ROLE {_quoted(groups[role])} NOLOGIN;
            END IF; END $$""")  # noqa: S608 - names checked by check_name, then quoted
    # Every role can do what an engineer does; the guards below name counsel alone.
    out += [f"GRANT {engineer} TO {other}" for other in (facilitator, counsel, admin)]
    out += [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {engineer}",
        f"ALTER DATABASE {db} SET {SETTING} = {_literal(prefix)}",
        f"GRANT USAGE ON SCHEMA public TO {engineer}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {engineer}, {facilitator}, "
        f"{counsel}, {admin}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {engineer}",
    ]
    for table in tables:
        quoted = _quoted(table)
        if table in READ_ONLY_TABLES:
            out.append(f"GRANT SELECT ON {quoted} TO {engineer}")
        elif table in APPEND_TABLES:
            out.append(f"GRANT SELECT, INSERT ON {quoted} TO {engineer}")
        else:
            out.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {engineer}")
    # The key counter moves on (guarded: only upwards); purge rewrites audit values only.
    out.append(f"GRANT UPDATE (last) ON keysequence TO {engineer}")
    out.append(f"GRANT UPDATE (changes) ON auditevent TO {counsel}")
    out += _guards(groups[TEAM_ROLES[2]], groups[TEAM_ROLES[3]])
    return out


def owns_tables(db: Session) -> bool:
    """Whether the connected login owns firstfile's tables (the login that set the team up),
    which the guards let through like counsel."""
    return bool(db.execute(text(
        "SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class "
        "WHERE oid = 'public.setting'::regclass), 'MEMBER')")).scalar())


def _guards(counsel: str, admin: str) -> list[str]:
    """The trigger functions and triggers. Each lets the tables' owner and counsel through
    and holds everyone else to an engineer's rights."""
    free = (
        "pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')"
    )
    is_counsel = f"pg_has_role(current_user, {_literal(counsel)}, 'MEMBER')"
    is_admin = f"pg_has_role(current_user, {_literal(admin)}, 'MEMBER')"
    moves = " OR ".join(
        f"(OLD.status = {_literal(a)} AND NEW.status = {_literal(b)})" for a, b in ENGINEER_MOVES
    )
    refuse = "RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = "
    functions = {
        "firstfile_guard_disclosure": f"""
            IF {free} OR {is_counsel} THEN RETURN COALESCE(NEW, OLD); END IF;
            IF TG_OP = 'DELETE' THEN
                {refuse} format('only counsel may remove disclosure %s (purge); %s is not '
                                'counsel', OLD.key, current_user);
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.status NOT IN ('draft', 'submitted') OR NEW.decision <> ''
                   OR NEW.decision_rationale <> '' OR NEW.decided_on IS NOT NULL
                   OR NEW.reviewer_notes <> '' OR NEW.german_employee_invention THEN
                    {refuse} format('%s may log disclosure %s as a draft or submitted, '
                                    'without counsel''s decision or notes; the rest is '
                                    'counsel''s', current_user, NEW.key);
                END IF;
                RETURN NEW;
            END IF;
            IF NEW.decision IS DISTINCT FROM OLD.decision
               OR NEW.decision_rationale IS DISTINCT FROM OLD.decision_rationale
               OR NEW.decided_on IS DISTINCT FROM OLD.decided_on
               OR NEW.reviewer_notes IS DISTINCT FROM OLD.reviewer_notes
               OR NEW.german_employee_invention IS DISTINCT FROM OLD.german_employee_invention
               OR NEW.key IS DISTINCT FROM OLD.key THEN
                {refuse} format('only counsel may change the decision, rationale or notes '
                                'of %s; %s is not counsel', OLD.key, current_user);
            END IF;
            IF NEW.status IS DISTINCT FROM OLD.status AND NOT ({moves}) THEN
                {refuse} format('only counsel may move %s from %s to %s; %s is not counsel',
                                OLD.key, OLD.status, NEW.status, current_user);
            END IF;
            IF NEW.deleted_at IS DISTINCT FROM OLD.deleted_at
               AND OLD.status NOT IN ({_in(ENGINEER_DELETABLE)}) THEN
                {refuse} format('%s is %s: only counsel may delete or restore it; %s is not '
                                'counsel', OLD.key, OLD.status, current_user);
            END IF;
            RETURN NEW;""",
        "firstfile_guard_event": f"""
            IF {free} OR {is_counsel} THEN RETURN COALESCE(NEW, OLD); END IF;
            IF TG_OP <> 'INSERT' AND OLD.kind NOT IN ({_in(INVENTOR_EVENT_KINDS)}) THEN
                {refuse} format('only counsel may change or remove a %s event; %s is not '
                                'counsel', OLD.kind, current_user);
            END IF;
            IF TG_OP <> 'DELETE' AND NEW.kind NOT IN ({_in(INVENTOR_EVENT_KINDS)}) THEN
                {refuse} format('only counsel may record a %s event; %s is not counsel',
                                NEW.kind, current_user);
            END IF;
            RETURN COALESCE(NEW, OLD);""",
        "firstfile_guard_audit": f"""
            IF TG_OP = 'INSERT' THEN
                IF NOT {free} THEN NEW.actor := current_user; END IF;
                RETURN NEW;
            END IF;
            IF {free} THEN RETURN COALESCE(NEW, OLD); END IF;
            IF TG_OP = 'DELETE' THEN
                {refuse} 'the audit trail is never deleted from';
            END IF;
            IF NOT {is_counsel} OR OLD.entity <> 'disclosure'
               OR (NEW.at, NEW.actor, NEW.entity, NEW.entity_key, NEW.action)
                  IS DISTINCT FROM (OLD.at, OLD.actor, OLD.entity, OLD.entity_key, OLD.action)
               OR EXISTS (SELECT 1 FROM disclosure WHERE key = OLD.entity_key)
               OR EXISTS (SELECT 1 FROM jsonb_each(NEW.changes::jsonb) AS field
                          WHERE field.value <> '["(purged)", "(purged)"]'::jsonb) THEN
                {refuse} format('the audit trail is only ever added to; counsel''s purge '
                                'alone clears the values of a purged disclosure''s records '
                                '(%s tried to change record %s)', current_user, OLD.id);
            END IF;
            RETURN NEW;""",  # noqa: S608 - the only names in it are checked, then quoted
        # The database's settings (the organisation's name, printed in every document and
        # its confidentiality marking) are admin's or counsel's to change.
        "firstfile_guard_setting": f"""
            IF {free} OR {is_counsel} OR {is_admin} THEN RETURN COALESCE(NEW, OLD); END IF;
            {refuse} format('only admin or counsel may change the setting %s (the '
                            'organisation''s name); %s is neither',
                            COALESCE(NEW.name, OLD.name), current_user);""",
        "firstfile_guard_keys": f"""
            IF {free} THEN RETURN NEW; END IF;
            IF NEW.last < OLD.last OR NEW.year IS DISTINCT FROM OLD.year THEN
                {refuse} 'key numbers only go up: a number handed out is never handed out '
                         'again';
            END IF;
            RETURN NEW;""",
    }
    out = [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $guard$
        BEGIN {body}
        END $guard$"""
        for name, body in functions.items()
    ]
    for table, function, events in (
        ("disclosure", "firstfile_guard_disclosure", "INSERT OR UPDATE OR DELETE"),
        ("disclosureevent", "firstfile_guard_event", "INSERT OR UPDATE OR DELETE"),
        ("auditevent", "firstfile_guard_audit", "INSERT OR UPDATE OR DELETE"),
        ("keysequence", "firstfile_guard_keys", "UPDATE"),
        ("setting", "firstfile_guard_setting", "INSERT OR UPDATE OR DELETE"),
    ):
        out.append(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        out.append(
            f"CREATE TRIGGER {function} BEFORE {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    return out
