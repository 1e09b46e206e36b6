"""Use cases of the vendors: adding, changing and removing them and putting them on
engagements. What a vendor may be given of the product is the outsourcing-risk analysis's
(services/risk.py).

Each function is one unit of work; every change writes its audit record in the same
transaction. The `require_*` lookups are for use inside another unit of work: they turn a key
that matches nothing into a NotFound that says where to find the right one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from sqlmodel import Session

from firstfile.domain.filings import EARLIEST_EVENT_DATE, add_months
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import VENDOR_KINDS
from firstfile.services.errors import Conflict, NotFound, UserError, unknown_engagement
from firstfile.services.races import retried
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage.engagement_queries import ContactView, VendorView
from firstfile.storage.engine import Store
from firstfile.storage.tables import Engagement, EngagementVendor, Vendor


@dataclass(frozen=True, slots=True)
class VendorChanges:
    """Fields to change on a vendor; None leaves a field as it is."""

    name: str | None = None
    kind: str | None = None
    country: str | None = None
    competitors: Sequence[str] | None = None
    notes: str | None = None


class _VendorValues(TypedDict):
    name: str
    kind: str
    country: str
    competitors: str
    notes: str


def list_vendors(store: Store) -> list[VendorView]:
    """Every vendor with its contacts and engagements, by name."""
    with store.read() as db:
        return q.all_vendors(db=db)


def get_vendor(store: Store, key: str) -> VendorView:
    """One vendor with its contacts and engagements."""
    with store.read() as db:
        return q.vendor_views(db=db, vendors=[require_vendor(db=db, key=key)])[0]


@retried
def create_vendor(
    store: Store, *, key: str, name: str, kind: str = "contract-manufacturer",
    country: str = "", competitors: Sequence[str] = (), notes: str = "", actor: str,
) -> VendorView:
    """Add a vendor; the key must be new."""
    values = _vendor_values(name=name, kind=kind, country=country, competitors=competitors,
                            notes=notes)
    if not is_valid_record_key(key):
        raise UserError(f"{key!r} is not a usable vendor key: letters, digits, '.', '_' or '-'")
    with store.write() as db:
        if q.vendor_key_taken(db=db, key=key):
            raise Conflict(f"a vendor with the key {key!r} exists already; choose another key")
        vendor = Vendor(key=key, **values)
        db.add(vendor)
        db.flush()
        audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="create",
                     changes={k: (None, v) for k, v in values.items() if v})
        return q.vendor_views(db=db, vendors=[vendor])[0]


@retried
def update_vendor(
    store: Store, key: str, changes: VendorChanges, *, actor: str,
    expected_version: int | None = None,
) -> VendorView:
    """Change a vendor's fields; only what differs is written and audited.

    expected_version is the VendorView.version the change was made on: when the vendor was
    changed since, nothing is written and Conflict carries the stored vendor.
    """
    with store.write() as db:
        vendor = require_vendor(db=db, key=key)
        if expected_version is not None and vendor.version != expected_version:
            raise Conflict(f"vendor {key} was changed elsewhere since you opened it (version "
                           f"{vendor.version}, yours {expected_version}); nothing was saved",
                           current=q.vendor_views(db=db, vendors=[vendor])[0])
        values = _vendor_values(
            name=vendor.name if changes.name is None else changes.name,
            kind=vendor.kind if changes.kind is None else changes.kind,
            country=vendor.country if changes.country is None else changes.country,
            competitors=(vendor.competitors.split("\n") if changes.competitors is None
                         else changes.competitors),
            notes=vendor.notes if changes.notes is None else changes.notes,
        )
        diff = {k: (getattr(vendor, k), v) for k, v in values.items() if getattr(vendor, k) != v}
        for name, (_old, new) in diff.items():
            setattr(vendor, name, new)
        if diff:
            db.flush()
            audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="update",
                         changes=diff)
        return q.vendor_views(db=db, vendors=[vendor])[0]


@retried
def set_vendor_nda(
    store: Store, key: str, *, signed_on: date | None, expires_on: date | None = None,
    term_months: int | None = None, actor: str,
) -> VendorView:
    """Record the vendor's NDA: when it was signed and when its confidentiality duty ends.

    expires_on may be given directly or as term_months from signed_on; both None (and no
    term) clears the record. The expiry is what the deadline rule vendor-nda-expiry reads.
    """
    if term_months is not None:
        if expires_on is not None:
            raise UserError("give the expiry date or the term in months, not both")
        if signed_on is None:
            raise UserError("a term in months counts from the signing date: give it too")
        if term_months <= 0:
            raise UserError(f"the term must be a positive number of months, not {term_months}")
        expires_on = add_months(signed_on, term_months)
    for label, value in (("signing", signed_on), ("expiry", expires_on)):
        if value is not None and value < EARLIEST_EVENT_DATE:
            raise UserError(f"the {label} date {value.isoformat()} is before "
                            f"{EARLIEST_EVENT_DATE.year}: check the year")
    if signed_on is not None and expires_on is not None and expires_on < signed_on:
        raise UserError(f"the NDA cannot expire ({expires_on.isoformat()}) before it was "
                        f"signed ({signed_on.isoformat()})")
    with store.write() as db:
        vendor = require_vendor(db=db, key=key)
        diff = {name: (getattr(vendor, name), value)
                for name, value in (("nda_signed_on", signed_on), ("nda_expires_on", expires_on))
                if getattr(vendor, name) != value}
        for name, (_old, new) in diff.items():
            setattr(vendor, name, new)
        if diff:
            db.flush()
            audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="update",
                         changes=diff)
        return q.vendor_views(db=db, vendors=[vendor])[0]


@retried
def delete_vendor(store: Store, key: str, *, actor: str) -> None:
    """Remove a vendor nothing refers to; a vendor with history is kept (Conflict)."""
    with store.write() as db:
        vendor = require_vendor(db=db, key=key)
        uses = q.vendor_uses(db=db, vendor=vendor)
        used = [f"{n} {what}" for what, n in uses.items() if n]
        if used:
            raise Conflict(f"{key} is still referred to ({', '.join(used)}); remove it from its "
                           "engagements and people first — its history is kept otherwise")
        db.delete(vendor)
        audit.record(db=db, actor=actor, entity="vendor", entity_key=key, action="delete",
                     changes={"name": (vendor.name, None)})


@retried
def attach_vendor(store: Store, engagement_key: str, vendor_key: str, *, actor: str) -> bool:
    """Put a vendor on an engagement; False when it was already there."""
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        vendor = require_vendor(db=db, key=vendor_key)
        link = db.get(EngagementVendor, (engagement.id, vendor.id))
        if link is not None:
            return False
        db.add(EngagementVendor(engagement_id=engagement.id or 0, vendor_id=vendor.id or 0))
        audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                     action="add-vendor", changes={"vendor": (None, vendor_key)})
        return True


@retried
def detach_vendor(store: Store, engagement_key: str, vendor_key: str, *, actor: str) -> bool:
    """Take a vendor off an engagement (its checklist states are kept); False if not on it."""
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        vendor = require_vendor(db=db, key=vendor_key)
        link = db.get(EngagementVendor, (engagement.id, vendor.id))
        if link is None:
            return False
        db.delete(link)
        audit.record(db=db, actor=actor, entity="engagement", entity_key=engagement_key,
                     action="remove-vendor", changes={"vendor": (vendor_key, None)})
        return True


# --- lookups shared by the engagement services ------------------------------------------------


def require_engagement(*, db: Session, key: str) -> Engagement:
    """The engagement with this key; NotFound (saying where to look) when there is none."""
    engagement = q.find_engagement(db=db, key=key)
    if engagement is None:
        raise unknown_engagement(key)
    return engagement


def require_vendor(*, db: Session, key: str) -> Vendor:
    """The vendor with this key; NotFound (saying where to look) when there is none."""
    vendor = q.find_vendor(db=db, key=key)
    if vendor is None:
        raise NotFound(f"no vendor {key!r}; `firstfile vendors list` shows them")
    return vendor


def require_engagement_vendor(
    *, db: Session, engagement: Engagement, vendor_key: str
) -> VendorView:
    """A vendor that is on the engagement; NotFound for an unknown key or one not on it."""
    for vendor in q.engagement_vendors(db=db, engagement=engagement):
        if vendor.key == vendor_key:
            return vendor
    require_vendor(db=db, key=vendor_key)  # an unknown key says so; a known one is not on it
    raise NotFound(f"{vendor_key} is not a vendor on {engagement.key}")


def _vendor_values(*, name: str, kind: str, country: str, competitors: Sequence[str],
                   notes: str) -> _VendorValues:
    name = clean_line(name)
    if not name:
        raise UserError("give the vendor's name")
    if kind not in VENDOR_KINDS:
        raise UserError(f"kind must be one of {', '.join(VENDOR_KINDS)}, not {kind!r}")
    country = clean_line(country).upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise UserError(f"{country!r} is not a country code: use two letters, such as CN or MX")
    names: list[str] = []
    for competitor in competitors:
        cleaned = clean_line(competitor)
        if cleaned and cleaned not in names:
            names.append(cleaned)
    return {"name": name, "kind": kind, "country": country, "competitors": "\n".join(names),
            "notes": clean_text(notes).strip()}


__all__ = [
    "ContactView", "VendorChanges", "VendorView", "attach_vendor", "create_vendor",
    "delete_vendor", "detach_vendor", "get_vendor", "list_vendors", "require_engagement",
    "require_engagement_vendor", "require_vendor", "set_vendor_nda", "update_vendor",
]
