"""The database's own settings (table `setting`): read and written by name."""

from __future__ import annotations

from sqlmodel import Session

from firstfile.storage.tables import Setting

ORGANIZATION = "organization"  # the organisation's name, used in documents


def read_setting(*, db: Session, name: str) -> str:
    """The setting's value, or "" when it was never set."""
    row = db.get(Setting, name)
    return row.value if row is not None else ""


def write_setting(*, db: Session, name: str, value: str) -> str:
    """Set the value and return the one it replaces ("" when there was none)."""
    row = db.get(Setting, name)
    if row is None:
        db.add(Setting(name=name, value=value))
        db.flush()
        return ""
    old, row.value = row.value, value
    db.flush()
    return old
