"""The organisation's own name: set once (`firstfile init --organization`), changed with
`firstfile organization NAME`, and used in documents where they would otherwise name no one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from firstfile.domain.limits import NAME_CHARS, too_long
from firstfile.domain.text import clean_line
from firstfile.services.errors import UserError
from firstfile.services.races import retried
from firstfile.storage import audit
from firstfile.storage.engine import Store

if TYPE_CHECKING:
    from sqlmodel import Session
from firstfile.storage.setting_queries import ORGANIZATION, read_setting, write_setting


def organization_name(store: Store) -> str:
    """The organisation's name, or "" when it was never set."""
    with store.read() as db:
        return read_setting(db=db, name=ORGANIZATION)


def _may_rename(db: Session) -> None:
    """In a team database only admin or counsel (or the login that owns the tables, which set
    the team up) changes the organisation's name: every document prints it. NotAllowed says
    so, and nothing is written; the database's own guard (storage/team_roles.py) refuses the
    same change made around firstfile. A SQLite file belongs to one person, who may."""
    from firstfile.services.roles import NotAllowed
    from firstfile.storage import team_roles

    prefix = team_roles.team_prefix(db)
    if prefix is None or team_roles.owns_tables(db):
        return
    if any(team_roles.holds(db, prefix, role) for role in ("admin", "counsel")):
        return
    who = team_roles.login(db)
    raise NotAllowed(
        f"only admin or counsel may change the organisation's name, and the login {who!r} "
        "holds neither role; ask someone who does, or have one granted with "
        f"`firstfile roles grant {who} admin`")


@retried
def set_organization_name(store: Store, name: str, *, actor: str) -> str:
    """Set the organisation's name (audited); returns it as stored. UserError for an empty
    or overlong name, and nothing is written then."""
    cleaned = clean_line(name)
    if not cleaned:
        raise UserError('give the organisation\'s name, e.g. --organization "Northwind GmbH"')
    message = too_long(cleaned, NAME_CHARS)
    if message:
        raise UserError(f"the organisation's name: {message}")
    with store.write() as db:
        _may_rename(db)
        old = write_setting(db=db, name=ORGANIZATION, value=cleaned)
        if old != cleaned:
            audit.record(
                db=db,
                actor=actor,
                entity="setting",
                entity_key=ORGANIZATION,
                action="update",
                changes={"value": (old or None, cleaned)},
            )
    return cleaned
