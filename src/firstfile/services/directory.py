"""Use cases for the records disclosures point at: engagements, vendors and people."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.limits import EMAIL_CHARS, NAME_CHARS, too_long
from firstfile.domain.text import clean_line
from firstfile.domain.vocabulary import INTERNAL
from firstfile.services.errors import UserError
from firstfile.services.races import retried
from firstfile.services.record_lists import list_engagements as list_engagements
from firstfile.storage import audit
from firstfile.storage.engine import Store
from firstfile.storage.tables import Engagement, EngagementVendor, Person, Vendor


@dataclass(frozen=True, slots=True)
class PersonChoice:
    """A person as offered in pickers: key, name and who they work for."""

    key: str
    name: str
    email: str
    organization: str  # "internal" or a vendor key
    organization_name: str

    @property
    def is_vendor(self) -> bool:
        return self.organization != INTERNAL


def engagement_vendor_keys(store: Store) -> dict[str, tuple[str, ...]]:
    """The keys of each engagement's vendors, by engagement key (every engagement listed)."""
    with store.read() as db:
        keys: dict[str, list[str]] = {
            key: [] for key in db.execute(select(col(Engagement.key))).scalars()}
        for engagement, vendor in db.execute(
            select(col(Engagement.key), col(Vendor.key))
            .join(EngagementVendor, col(EngagementVendor.engagement_id) == col(Engagement.id))
            .join(Vendor, col(Vendor.id) == col(EngagementVendor.vendor_id))
            .order_by(col(Vendor.key))
        ):
            keys[engagement].append(vendor)
        return {key: tuple(vendors) for key, vendors in keys.items()}


def list_people(store: Store) -> list[PersonChoice]:
    with store.read() as db:
        rows = db.execute(
            select(Person, Vendor).outerjoin(Vendor, col(Vendor.id) == col(Person.vendor_id))
            .order_by(Person.name)
        ).all()
        return [
            PersonChoice(
                key=p.key, name=p.name, email=p.email,
                organization=v.key if v else INTERNAL,
                organization_name=v.name if v else "",
            )
            for p, v in rows
        ]


def list_vendors(store: Store) -> list[tuple[str, str]]:
    """(key, name) of every vendor."""
    with store.read() as db:
        return [(v.key, v.name) for v in db.execute(select(Vendor).order_by(Vendor.name)).scalars()]


def suggest_person_key(name: str, taken: set[str]) -> str:
    """A readable key from a name: "Jane Doe" -> "jdoe", then "jdoe2" when taken."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    if not words:
        base = "person"
    elif len(words) == 1:
        base = words[0][:24]
    else:
        base = (words[0][0] + words[-1])[:24]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}{n}", n + 1
    return key


@retried
def add_person(
    store: Store, name: str, *, email: str = "", organization: str = INTERNAL, actor: str,
    key: str | None = None,
) -> PersonChoice:
    """Add a person (own staff, or a vendor's when organization is a vendor key)."""
    name = clean_line(name)
    email = clean_line(email)
    if not name:
        raise UserError("give the person's name")
    for what, value, limit in (("name", name, NAME_CHARS), ("email", email, EMAIL_CHARS)):
        message = too_long(value, limit)
        if message:
            raise UserError(f"the {what} takes {message}")
    with store.write() as db:
        vendor = None
        if organization != INTERNAL:
            vendor = db.execute(select(Vendor).where(col(Vendor.key) == organization)).scalar()
            if vendor is None:
                raise UserError(f"unknown vendor {organization!r}; use internal or a vendor key")
        taken = set(db.execute(select(col(Person.key))).scalars())
        if key is None:
            key = suggest_person_key(name, taken)
        elif key in taken:
            raise UserError(f"the key {key!r} is taken; choose another")
        if not is_valid_record_key(key):
            raise UserError(f"{key!r} is not a usable key: letters, digits, '.', '_' or '-'")
        person = Person(key=key, name=name, email=email, vendor_id=vendor.id if vendor else None)
        db.add(person)
        audit.record(
            db=db, actor=actor, entity="person", entity_key=key, action="create",
            changes={"name": (None, name), "email": (None, email),
                     "organization": (None, organization)},
        )
        return PersonChoice(key, name, email, organization, vendor.name if vendor else "")

