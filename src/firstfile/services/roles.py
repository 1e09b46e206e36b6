"""Team roles held by actors: grant, revoke, list, and the check a use case makes.

Two kinds of database hold roles differently:

- A team database on PostgreSQL (`firstfile init --team`, storage/team_roles.py): each member
  logs in as a PostgreSQL login of their own, a role is membership of a group role, and the
  database itself enforces it (grants and guard triggers), whatever program connects. The
  actor is the login (`current_user`); granting creates the login when it is new and needs a
  login with CREATEROLE (the superuser, or a member granted admin here).
- Any other database (a SQLite file, or PostgreSQL without team set-up) is single-user: roles
  are rows in `actorrole` held by the identity the audit trail records as acting
  (storage/identity.py: the database role on PostgreSQL, the operating-system account on
  SQLite); `$FIRSTFILE_USER` only chooses a display name, so it gives no role. That guards
  against a mistake, not against the file's owner, who can change the file directly. The
  first grant may be made by anyone (someone has to be first, and it is audited); after that,
  only an actor holding counsel or admin may grant or revoke.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from firstfile.domain.vocabulary import TEAM_ROLES
from firstfile.services.errors import NotFound, UserError
from firstfile.storage import audit, team_roles
from firstfile.storage.engine import Store, StoreRefused
from firstfile.storage.identity import current_actor
from firstfile.storage.tables import ActorRole, AuditEvent
from firstfile.storage.team_roles import TeamSetup, TeamSetupError

# PostgreSQL's insufficient_privilege.
_PG_NOT_ALLOWED = "42501"

# Roles that may grant and revoke roles.
GRANTING_ROLES = ("counsel", "admin")


class NotAllowed(UserError):
    """The actor does not hold the role this needs; nothing was written."""


@dataclass(frozen=True, slots=True)
class RoleView:
    actor: str
    role: str
    # None for a membership made outside firstfile (with psql), which has no audit record.
    granted_at: datetime | None
    granted_by: str


def require_in(*, db: Session, actor: str, role: str, doing: str) -> None:
    """Raise NotAllowed unless actor holds role (within the caller's transaction). In a team
    database the connected login must hold it, whoever actor names."""
    prefix = team_roles.team_prefix(db)
    if prefix is not None:
        if not team_roles.holds(db, prefix, role):
            who = team_roles.login(db)
            raise NotAllowed(
                f"only {role} may {doing}, and the login {who!r} does not hold the {role} "
                f"role; someone with CREATEROLE can grant it with `firstfile roles grant "
                f"{who} {role}`")
        return
    who = current_actor(db)
    if not _holds(db, who, (role,)):
        shown = who if actor in ("", who) else f"{who} (acting as {actor!r})"
        raise NotAllowed(
            f"only {role} may {doing}, and {shown} does not hold the {role} role; "
            f"someone who holds counsel or admin can grant it with "
            f"`firstfile roles grant {who} {role}`"
        )


def grant(store: Store, name: str, role: str, *, actor: str) -> RoleView:
    """Give name the role (audited). Raises UserError for an unknown role, NotAllowed when
    actor may not grant."""
    _check_role(role)
    if not name.strip():
        raise UserError("give who gets the role: their database role on PostgreSQL, their "
                        "login on this computer for a SQLite file (`firstfile whoami`)")
    with store.write() as db:
        prefix = team_roles.team_prefix(db)
        if prefix is not None:
            return _grant_login(db, prefix, name, role, actor=actor)
        granter = _require_granter(db, actor, f"grant {role}")
        found = db.get(ActorRole, (name, role))
        if found is not None:
            return _view(found)
        row = ActorRole(actor=name, role=role, granted_at=datetime.now(UTC), granted_by=granter)
        db.add(row)
        audit.record(db=db, actor=actor, entity="role", entity_key=name, action="grant",
                     changes={"role": (None, role)})
        db.flush()
        return _view(row)


def revoke(store: Store, name: str, role: str, *, actor: str) -> None:
    """Take the role from name (audited). Raises NotFound when name does not hold it."""
    _check_role(role)
    with store.write() as db:
        prefix = team_roles.team_prefix(db)
        if prefix is not None:
            _revoke_login(db, prefix, name, role, actor=actor)
            return
        _require_granter(db, actor, f"revoke {role}")
        gone = cast(CursorResult[Any], db.execute(
            delete(ActorRole).where(col(ActorRole.actor) == name, col(ActorRole.role) == role)))
        if not gone.rowcount:
            raise NotFound(f"{name!r} does not hold the {role} role; `firstfile roles list` "
                           "shows who holds which")
        audit.record(db=db, actor=actor, entity="role", entity_key=name, action="revoke",
                     changes={"role": (role, None)})


def list_roles(store: Store) -> list[RoleView]:
    """Every role held, by actor then role."""
    with store.read() as db:
        prefix = team_roles.team_prefix(db)
        if prefix is not None:
            return _members(db, prefix)
        rows = db.execute(select(ActorRole).order_by(col(ActorRole.actor),
                                                     col(ActorRole.role))).scalars()
        return [_view(r) for r in rows]


def set_up_team(store: Store, *, actor: str, prefix: str | None = None) -> TeamSetup:
    """Make store's PostgreSQL database a team database (storage/team_roles.py): the group
    roles PREFIX_engineer, _facilitator, _counsel and _admin, their grants and the guard
    triggers, audited. prefix defaults to the database's name. Running it again changes
    nothing, and grants tables a newer firstfile added.

    Raises UserError for a SQLite file (single-user) or a prefix PostgreSQL cannot take.
    """
    if store.is_sqlite:
        raise UserError(
            "team roles need PostgreSQL: a SQLite file has one user, its owner, who can change "
            "the file directly; give --db a postgresql+psycopg://user@host/dbname URL")
    try:
        with store.write() as db:
            setup = team_roles.set_up(db, prefix or team_roles.default_prefix(db))
            audit.record(db=db, actor=actor, entity="database", entity_key=setup.prefix,
                         action="team-set-up",
                         changes={"groups": (None, sorted(setup.groups.values()))})
    except TeamSetupError as error:
        raise UserError(str(error)) from None
    except (DBAPIError, StoreRefused) as refused:
        # The unit of work hands a driver error on as StoreRefused, the driver's error its cause.
        driver = refused if isinstance(refused, DBAPIError) else refused.__cause__
        if (isinstance(driver, DBAPIError)
                and getattr(driver.orig, "sqlstate", None) == _PG_NOT_ALLOWED):
            raise NotAllowed(
                "setting up team roles needs the database's owner or a superuser, with "
                f"CREATEROLE ({_first_line(driver)})") from None
        raise
    return setup


def _grant_login(db: Session, prefix: str, name: str, role: str, *, actor: str) -> RoleView:
    """Create name's login when new and make it a member of role's group, audited."""
    group = team_roles.group_names(prefix)[role]
    try:
        team_roles.check_name(name, what="a PostgreSQL login name")
    except TeamSetupError as error:
        raise UserError(str(error)) from None
    login, target = _quoted(name), _quoted(group)
    with _refused_in_words(f"grant {role}"):
        exists = db.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                            {"n": name}).first()
        if exists is None:
            db.execute(text(f"CREATE ROLE {login} LOGIN"))
        db.execute(text(f"GRANT {target} TO {login}"))
        if role == "admin":
            # An admin adds and removes members, which PostgreSQL allows only with CREATEROLE
            # (before PostgreSQL 16 that also lets them grant themselves any group role).
            db.execute(text(f"ALTER ROLE {login} CREATEROLE"))
    event = audit.record(db=db, actor=actor, entity="role", entity_key=name, action="grant",
                         changes={"role": (None, role), "login_created": (None, exists is None)})
    db.flush()
    db.refresh(event)  # the database names the granter: the login, in a team database
    return RoleView(actor=name, role=role, granted_at=event.at, granted_by=event.actor)


def _revoke_login(db: Session, prefix: str, name: str, role: str, *, actor: str) -> None:
    """Take name out of role's group (the login stays: its audit records name it), audited."""
    group = team_roles.group_names(prefix)[role]
    held = db.execute(text(
        "SELECT 1 FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid "
        "JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = :g AND m.rolname = :m"),
        {"g": group, "m": name}).first()
    if held is None:
        raise NotFound(f"{name!r} does not hold the {role} role; `firstfile roles list` "
                       "shows who holds which")
    with _refused_in_words(f"revoke {role}"):
        db.execute(text(f"REVOKE {_quoted(group)} FROM {_quoted(name)}"))
        if role == "admin":
            db.execute(text(f"ALTER ROLE {_quoted(name)} NOCREATEROLE"))
    audit.record(db=db, actor=actor, entity="role", entity_key=name, action="revoke",
                 changes={"role": (role, None)})


def _members(db: Session, prefix: str) -> list[RoleView]:
    """Every login holding one of the team's group roles, with the grant's audit record."""
    groups = team_roles.group_names(prefix)
    by_group = {group: role for role, group in groups.items()}
    rows = db.execute(text(
        "SELECT m.rolname, g.rolname, COALESCE(gr.rolname, '') FROM pg_auth_members am "
        "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
        "LEFT JOIN pg_roles gr ON gr.oid = am.grantor "
        "WHERE g.rolname = ANY(:groups) AND NOT m.rolname = ANY(:groups) "
        "ORDER BY m.rolname, g.rolname"), {"groups": list(groups.values())}).all()
    views = []
    for member, group, grantor in rows:
        role = by_group[group]
        granted = db.execute(
            select(col(AuditEvent.at), col(AuditEvent.actor)).where(
                col(AuditEvent.entity) == "role", col(AuditEvent.entity_key) == member,
                col(AuditEvent.action) == "grant",
                col(AuditEvent.changes).contains(f'"{role}"'))
            .order_by(col(AuditEvent.id).desc())).first()
        views.append(RoleView(actor=member, role=role,
                              granted_at=granted[0] if granted else None,
                              granted_by=granted[1] if granted else grantor))
    return views


@contextmanager
def _refused_in_words(doing: str) -> Iterator[None]:
    """Turn PostgreSQL's "permission denied" for role changes into NotAllowed."""
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != _PG_NOT_ALLOWED:
            raise
        raise NotAllowed(f"only a PostgreSQL login with CREATEROLE (the superuser, or an "
                         f"admin) may {doing} ({_first_line(error)})") from None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: DBAPIError) -> str:
    lines = str(error.orig or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _require_granter(db: Session, actor: str, doing: str) -> str:
    """Who grants (the acting identity), or NotAllowed."""
    who = current_actor(db)
    anyone = db.execute(select(func.count()).select_from(ActorRole)
                        .where(col(ActorRole.role).in_(GRANTING_ROLES))).scalar_one()
    if anyone and not _holds(db, who, GRANTING_ROLES):
        raise NotAllowed(f"only counsel or admin may {doing}, and {who!r} holds neither")
    return who


def whoami(store: Store) -> str:
    """The identity the audit trail records for this connection (storage/identity.py)."""
    with store.read() as db:
        return current_actor(db)


def _holds(db: Session, actor: str, roles: tuple[str, ...]) -> bool:
    return db.execute(select(col(ActorRole.actor)).where(
        col(ActorRole.actor) == actor, col(ActorRole.role).in_(roles))).first() is not None


def _check_role(role: str) -> None:
    if role not in TEAM_ROLES:
        raise UserError(f"the role must be one of {', '.join(TEAM_ROLES)}, not {role!r}")


def _view(row: ActorRole) -> RoleView:
    return RoleView(actor=row.actor, role=row.role, granted_at=row.granted_at,
                    granted_by=row.granted_by)
