"""Use cases of the agreement checklists: the item definitions, one vendor's checklist, setting
where an item stands, and the checklist the vendor is sent.

Checklist items are data (services/checklist_items.py) read from the user's template folder
first, then the shipped one; templates_dir is that user folder (or None). Each function is one
unit of work; every change writes its audit record in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from firstfile.domain.checklist import (
    ITEM_STATUSES,
    Checklist,
    ChecklistLine,
    ItemState,
    VendorChecklistDocument,
    VendorFacts,
    state_problems,
    vendor_terms,
)
from firstfile.domain.text import clean_line, clean_text
from firstfile.rendering.checklist_export import unnamed_vendor_file
from firstfile.services.checklist_items import ItemLoad, load_items
from firstfile.services.errors import Conflict, NotFound, UserError, unknown_engagement
from firstfile.services.races import retried
from firstfile.services.tracers import document_canary_in, find_document_canary
from firstfile.services.vendors import (
    require_engagement,
    require_engagement_vendor,
    require_vendor,
)
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage.engine import DuplicateKey, Store
from firstfile.storage.setting_queries import ORGANIZATION, read_setting
from firstfile.storage.tables import AgreementItem

_STATE_FIELDS = ("status", "reason", "evidence", "internal_note", "done_on", "who")
WHO_CHARS = 200  # AgreementItem.who


@dataclass(frozen=True, slots=True)
class ItemUpdate:
    """A checklist item's new state; None leaves a field as it is."""

    status: str | None = None
    reason: str | None = None
    evidence: str | None = None
    internal_note: str | None = None
    done_on: date | None = None
    who: str | None = None


def checklist_items(templates_dir: Path | None = None) -> ItemLoad:
    """The checklist item definitions (user folder first, then shipped) and any file problems."""
    return load_items([templates_dir] if templates_dir is not None else [])


def checklist_json(checklist: Checklist) -> dict[str, Any]:
    """A checklist as the CLI's JSON prints it (internal: status, evidence, notes)."""
    return {
        "vendor": checklist.vendor.key,
        "complete": checklist.complete,
        "items": [
            {"id": line.item.id, "title": line.item.title, "critical": line.item.critical,
             "status": line.state.status, "reason": line.state.reason,
             "evidence": line.state.evidence, "internal_note": line.state.internal_note,
             "done_on": line.state.done_on.isoformat() if line.state.done_on else None,
             "who": line.state.who}
            for line in checklist.lines
        ],
    }


def vendor_checklist(
    store: Store, engagement_key: str, vendor_key: str, *, templates_dir: Path | None = None
) -> Checklist:
    """One vendor's checklist in one engagement (the vendor must be on the engagement)."""
    load = checklist_items(templates_dir)
    with store.read() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        vendor = require_engagement_vendor(db=db, engagement=engagement, vendor_key=vendor_key)
        return q.checklists(db=db, engagement=engagement, vendors=[vendor], items=load.items)[0]


@retried
def update_item(
    store: Store, engagement_key: str, vendor_key: str, item_id: str, update: ItemUpdate, *,
    actor: str, templates_dir: Path | None = None, today: date | None = None,
    expected_version: int | None = None,
) -> ChecklistLine:
    """Change where a checklist item stands: status, reason, evidence, note, date, who.

    Marking an item done without a date records today, and without a name records the actor.
    Not applicable needs a reason. Only applicable items of the vendor can be set.
    expected_version is the ItemState.version the change was made on (0: never set): when
    the item was changed since, nothing is written and Conflict carries the stored line.
    """
    items = {i.id: i for i in checklist_items(templates_dir).items}
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        vendor = require_engagement_vendor(db=db, engagement=engagement, vendor_key=vendor_key)
        item = items.get(item_id)
        if item is None or not item.when.holds_for(vendor.facts):
            known = ", ".join(i.id for i in items.values() if i.when.holds_for(vendor.facts))
            raise NotFound(f"{item_id!r} is not on {vendor_key}'s checklist; items: {known}")
        vendor_id = q.vendor_id(db=db, key=vendor_key)
        row = q.find_agreement_item(db=db, engagement=engagement, vendor_id=vendor_id,
                                    item_id=item_id)
        old = q.item_state(row) if row is not None else ItemState()
        if expected_version is not None and old.version != expected_version:
            raise Conflict(f"{item_id} for {vendor_key} was changed elsewhere since you "
                           f"opened it (version {old.version}, yours {expected_version}); "
                           "nothing was saved", current=ChecklistLine(item, old))
        new = _merge(old, update, actor=actor, today=today or date.today())
        problems = state_problems(new)
        if problems:
            raise UserError(f"{item_id}: " + "; ".join(problems))
        diff = {name: (getattr(old, name), getattr(new, name)) for name in _STATE_FIELDS
                if getattr(old, name) != getattr(new, name)}
        if diff:
            if row is None:
                row = AgreementItem(engagement_id=engagement.id or 0, vendor_id=vendor_id,
                                    item_id=item_id)
                db.add(row)
            for name, (_old, value) in diff.items():
                setattr(row, name, value)
            db.flush()
            new = replace(new, version=row.version)
            changes: dict[str, tuple[Any, Any]] = {"vendor": (vendor_key, vendor_key),
                                                   "item": (item_id, item_id)}
            audit.record(db=db, actor=actor, entity="agreement-item", entity_key=engagement_key,
                         action="update", changes={**changes, **diff})
        return ChecklistLine(item, new)


def vendor_checklist_document(
    store: Store, engagement_key: str, vendor_key: str, *, actor: str,
    templates_dir: Path | None = None, today: date | None = None,
) -> VendorChecklistDocument:
    """The checklist to send to the vendor, built from an allowlist of fields, with the
    vendor's document canary.

    It reads only what the vendor may see or what decides which terms apply: the vendor's
    name, kind and country, whether it serves any competitor (never whom), and which items
    were ruled out. Nothing from the internal checklist (status, evidence, notes, dates,
    names), no other vendor, component or disclosure is read at all, so none can leak. Our
    organisation's name is read for the signature block.

    The first document made for a vendor in an engagement issues the vendor's document
    canary (a tracer, audited as issued by actor); later ones carry the same canary.
    """
    items = checklist_items(templates_dir).items
    issued_on = today or date.today()
    with store.read() as db:
        engagement_id = q.find_engagement_id(db=db, key=engagement_key)
        if engagement_id is None:
            raise unknown_engagement(engagement_key)
        found = q.vendor_terms_facts(db=db, engagement_id=engagement_id, vendor_key=vendor_key)
        if found is None:
            require_vendor(db=db, key=vendor_key)  # an unknown vendor says so
            raise NotFound(f"{vendor_key} is not a vendor on {engagement_key}")
        ruled_out = q.ruled_out_items(db=db, engagement_id=engagement_id,
                                      vendor_id=found.vendor_id)
        organization = read_setting(db=db, name=ORGANIZATION)
        facing, engagements = q.vendor_facing_facts(db=db, engagement_id=engagement_id,
                                                    vendor_id=found.vendor_id)
        # Refused before the vendor's canary is issued: a refused export writes nothing.
        refusal = unnamed_vendor_file(vendor_key, engagement_key, facing, engagements)
        if refusal:
            raise UserError(refusal)
        canary = find_document_canary(db=db, engagement_id=engagement_id,
                                      vendor_id=found.vendor_id)
    if canary is None:
        try:
            with store.write() as db:
                canary = document_canary_in(
                    db=db, engagement_id=engagement_id, engagement_key=engagement_key,
                    vendor_id=found.vendor_id, vendor_key=vendor_key, actor=actor,
                    today=issued_on)
        except (IntegrityError, DuplicateKey):  # the unit of work hands it on as DuplicateKey
            # A colleague's first export issued it at the same moment: use theirs.
            with store.read() as db:
                canary = find_document_canary(db=db, engagement_id=engagement_id,
                                              vendor_id=found.vendor_id)
            if canary is None:
                raise
    facts = VendorFacts(vendor_key, found.name, found.kind, found.country,
                        serves_competitor=found.serves_competitor)
    return VendorChecklistDocument(vendor_name=found.name, issued_on=issued_on,
                                   terms=vendor_terms(items, facts, ruled_out),
                                   canary=canary.code, organization_name=organization,
                                   vendor_facing_name=facing, vendor_engagements=engagements)


def _merge(old: ItemState, update: ItemUpdate, *, actor: str, today: date) -> ItemState:
    status = old.status if update.status is None else update.status.strip().lower()
    if status not in ITEM_STATUSES:
        raise UserError(f"status must be one of {', '.join(ITEM_STATUSES)}, not {status!r}")
    done_on = old.done_on if update.done_on is None else update.done_on
    who = old.who if update.who is None else clean_line(update.who)
    if status in ("done", "not-applicable") and old.status != status:
        # The date and the name are the evidence of when, and by whom, it was settled.
        done_on = update.done_on or today
        who = clean_line(update.who) if update.who else actor
    elif status in ("open", "in-progress") and update.done_on is None:
        done_on = None
    if len(who) > WHO_CHARS:
        raise UserError(f"who settled it takes {len(who):,} characters: the database keeps "
                        f"{WHO_CHARS}; shorten it")
    reason = old.reason if update.reason is None else clean_text(update.reason).strip()
    if status != "not-applicable" and update.reason is None:
        reason = ""
    return ItemState(
        status=status, reason=reason,
        evidence=old.evidence if update.evidence is None else clean_text(update.evidence).strip(),
        internal_note=(old.internal_note if update.internal_note is None
                       else clean_text(update.internal_note).strip()),
        done_on=done_on, who=who, version=old.version,
    )


__all__ = [
    "ItemUpdate", "checklist_items", "checklist_json", "update_item", "vendor_checklist",
    "vendor_checklist_document",
]
