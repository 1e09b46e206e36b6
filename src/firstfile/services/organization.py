"""The organisation's own name: set once (`firstfile init --organization`), changed with
`firstfile organization NAME`, and used in documents where they would otherwise name no one.
"""

from __future__ import annotations

from firstfile.domain.limits import NAME_CHARS, too_long
from firstfile.domain.text import clean_line
from firstfile.services.errors import UserError
from firstfile.services.races import retried
from firstfile.storage import audit
from firstfile.storage.engine import Store
from firstfile.storage.setting_queries import ORGANIZATION, read_setting, write_setting


def organization_name(store: Store) -> str:
    """The organisation's name, or "" when it was never set."""
    with store.read() as db:
        return read_setting(db=db, name=ORGANIZATION)


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
