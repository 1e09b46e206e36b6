"""Team roles held by actors: grant, revoke, list, and the check a use case makes.

An actor is who the audit trail records as acting (storage/identity.py): the database role
on PostgreSQL, the operating-system account on SQLite. `$FIRSTFILE_USER` only chooses a
display name, so it gives no role. On a single-user SQLite file a role guards against a
mistake, not against the file's owner, who can change the file directly; on PostgreSQL it is
as strong as the logins (each person needs a database role of their own). Enforcing roles in
the database itself (grants per table) is later work.

The first grant in a database may be made by anyone (someone has to be first, and it is
audited); after that, only an actor holding counsel or admin may grant or revoke.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlmodel import Session, col

from firstfile.domain.vocabulary import TEAM_ROLES
from firstfile.services.errors import NotFound, UserError
from firstfile.storage import audit
from firstfile.storage.engine import Store
from firstfile.storage.identity import current_actor
from firstfile.storage.tables import ActorRole

# Roles that may grant and revoke roles.
GRANTING_ROLES = ("counsel", "admin")


class NotAllowed(UserError):
    """The actor does not hold the role this needs; nothing was written."""


@dataclass(frozen=True, slots=True)
class RoleView:
    actor: str
    role: str
    granted_at: datetime
    granted_by: str


def require_in(*, db: Session, actor: str, role: str, doing: str) -> None:
    """Raise NotAllowed unless whoever acts in db's transaction holds role. actor is the
    display name they act under; it gives no role (see the module docstring)."""
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
        rows = db.execute(select(ActorRole).order_by(col(ActorRole.actor),
                                                     col(ActorRole.role))).scalars()
        return [_view(r) for r in rows]


def _require_granter(db: Session, actor: str, doing: str) -> str:
    """Who grants (the acting identity), or NotAllowed."""
    who = current_actor(db)
    anyone = db.execute(select(func.count()).select_from(ActorRole)
                        .where(col(ActorRole.role).in_(GRANTING_ROLES))).scalar_one()
    if anyone and not _holds(db, who, GRANTING_ROLES):
        raise NotAllowed(f"only counsel or admin may {doing}, and {who!r} holds neither")
    return who


def whoami(store: Store) -> str:
    """Who acts when this store writes: the database role, or the operating-system account."""
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
