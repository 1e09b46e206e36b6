"""Use cases for disclosures: log, edit, delete (a state), find, list and search.

Each public function is one unit of work: it opens a transaction, applies domain rules, writes
the change together with its audit record, and returns plain views.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import delete, select
from sqlmodel import Session, col

from firstfile.domain.disclosure import (
    DisclosureDraft,
    InventorEntry,
    Problem,
    errors,
    inventor_detail_problems,
    validate,
)
from firstfile.domain.keys import disclosure_key, parse_disclosure_key
from firstfile.domain.views import DisclosureRow, DisclosureView, EventView, ownership
from firstfile.domain.vocabulary import EVENT_KINDS, INTERNAL
from firstfile.services.disclosure_lists import all_views as all_views
from firstfile.services.disclosure_lists import search as search
from firstfile.services.disclosure_lists import views_for as views_for
from firstfile.services.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
    unknown_disclosure,
)
from firstfile.services.races import retried
from firstfile.storage import audit, sequences
from firstfile.storage.disclosure_queries import (
    Cursor,
    ListFilter,
    build_view,
    content_hash,
    count_rows,
    cursor_for,
    event_row,
    find_disclosure,
    page_rows,
)
from firstfile.storage.engine import Store
from firstfile.storage.setting_queries import ORGANIZATION, read_setting
from firstfile.storage.tables import (
    Component,
    Disclosure,
    DisclosureComponent,
    DisclosureEvent,
    DisclosureInventor,
    Engagement,
    Person,
    Vendor,
)

# all_views, views_for and search, named above beside the other ways of finding disclosures,
# read without the ORM (services/disclosure_lists.py).

# Draft fields stored as plain columns on Disclosure (the rest are links or the engagement).
_SCALARS = tuple(
    f.name
    for f in fields(DisclosureDraft)
    if f.name not in ("inventors", "components", "engagement_key")
)


def _now() -> datetime:
    return datetime.now(UTC)


@retried
def create_disclosure(
    store: Store,
    draft: DisclosureDraft,
    *,
    actor: str,
    key: str | None = None,
    events: tuple[EventView, ...] = (),
    today: date | None = None,
) -> DisclosureView:
    """Log a new disclosure and return it with its new key.

    Raises ValidationFailed (nothing written) when the draft has errors.
    """
    draft = draft.cleaned()
    _raise_on_errors(validate(draft, today=today))
    with store.write() as db:
        disclosure = _insert(db=db, draft=draft, actor=actor, key=key, events=events)
        return build_view(db=db, disclosure=disclosure)


def _insert(
    *,
    db: Session,
    draft: DisclosureDraft,
    actor: str,
    key: str | None,
    events: tuple[EventView, ...],
    submitted_on: date | None = None,
) -> Disclosure:
    now = _now()
    if key is None:
        year = now.year
        key = disclosure_key(year, sequences.next_number(db=db, year=year))
    else:
        parsed = parse_disclosure_key(key)
        if parsed is None:
            raise ValidationFailed([Problem("key", f"{key!r} is not a key like FF-2026-0001")])
        sequences.reserve_at_least(db=db, year=parsed[0], number=parsed[1])
    disclosure = Disclosure(
        key=key,
        engagement_id=_engagement_id(db=db, key=draft.engagement_key),
        **new_disclosure_values(draft, now=now, submitted_on=submitted_on),
    )
    db.add(disclosure)
    db.flush()
    _replace_links(db=db, disclosure=disclosure, draft=draft, events=events)
    audit.record(
        db=db,
        actor=actor,
        entity="disclosure",
        entity_key=key,
        action="create",
        changes=creation_changes(draft, events, submitted_on=submitted_on),
        record_sha256=content_hash(db=db, disclosure=disclosure),
    )
    return disclosure


def new_disclosure_values(
    draft: DisclosureDraft, *, now: datetime, submitted_on: date | None = None
) -> dict[str, Any]:
    """The columns of a new disclosure taken from its draft and the moment it is logged
    (all but its key, engagement and ownership flags). The per-record insert and the import's
    bulk insert (services/import_bulk.py) both build their rows here, so a new field of the
    draft is stored the same way by both. submitted_on is the day a record beyond draft was
    submitted when an imported file says it (the import day would be wrong)."""
    values: dict[str, Any] = {name: getattr(draft, name) for name in _SCALARS}
    values.update(created_at=now, updated_at=now)
    kept = kept_submission_day(draft, submitted_on)
    if kept is not None:
        values["submitted_on"] = kept
    elif draft.status == "submitted":
        values["submitted_on"] = now.date()
    return values


def kept_submission_day(draft: DisclosureDraft, submitted_on: date | None) -> date | None:
    """The day a file says a new disclosure was submitted, when it is kept: for a record
    beyond draft (a draft has not been submitted)."""
    return submitted_on if submitted_on is not None and draft.status != "draft" else None


def inventor_values(
    entry: InventorEntry, *, position: int, organization_key: str, organization_name: str,
    details: InventorEntry | DisclosureInventor | None = None,
) -> dict[str, Any]:
    """The columns of a disclosure's inventor link from the draft's entry (all but the
    disclosure and person ids); shared with the import's bulk insert, as above. details holds
    the filing details (address, citizenship, employer, contribution) when they are kept from
    an earlier link rather than taken from the entry."""
    held = entry if details is None else details
    return {"position": position, "role": entry.role, "contribution": entry.contribution,
            "organization_key": organization_key, "organization_name": organization_name,
            **{name: getattr(held, name) for name in INVENTOR_DETAILS}}


def insert_in(
    *, db: Session, draft: DisclosureDraft, actor: str, key: str | None,
    events: tuple[EventView, ...], submitted_on: date | None = None,
) -> Disclosure:
    """Insert a cleaned, validated draft within the caller's transaction (used by import);
    submitted_on is the day a record beyond draft was submitted, when the file says it."""
    return _insert(db=db, draft=draft, actor=actor, key=key, events=events,
                   submitted_on=submitted_on)


def apply_in(
    *, db: Session, disclosure: Disclosure, draft: DisclosureDraft,
    events: tuple[EventView, ...] | None, actor: str, action: str = "update",
    also: dict[str, tuple[Any, Any]] | None = None,
) -> bool:
    """Bring a stored disclosure up to date within the caller's transaction; True if changed.

    events=None keeps the stored events. action names the change in the audit trail (an
    import audits the values it replaced on request as "overwrite"). also holds entries added
    to the audit record of a change (how a conflict was settled); nothing is recorded when
    nothing changed.
    """
    before = build_view(db=db, disclosure=disclosure)
    changed = _apply(db=db, disclosure=disclosure, draft=draft, events=events, before=before)
    if changed:
        audit.record(
            db=db, actor=actor, entity="disclosure", entity_key=disclosure.key,
            action=action, changes={**changed, **(also or {})},
            record_sha256=content_hash(db=db, disclosure=disclosure),
        )
    return bool(changed)


@retried
def update_disclosure(
    store: Store,
    key: str,
    draft: DisclosureDraft,
    *,
    actor: str,
    expected_version: int | None = None,
    events: tuple[EventView, ...] | None = None,
    today: date | None = None,
    over_conflict: str = "",
) -> DisclosureView:
    """Replace the editable fields of a disclosure; audit records each changed field.

    expected_version is the version the change was made on: when the stored one differs
    (someone else saved in between) nothing is written and Conflict carries the stored
    disclosure. over_conflict says how the user settled such a conflict before saving again
    ("kept mine" over the other save, or "merged" field by field); the audit record keeps it
    together with the version that was overwritten. events=None keeps the existing events.
    """
    draft = draft.cleaned()
    _raise_on_errors(validate(draft, today=today))
    with store.write() as db:
        disclosure = _require(db=db, key=key)
        if expected_version is not None and disclosure.version != expected_version:
            raise Conflict(
                f"{key} was changed elsewhere since you opened it (version "
                f"{disclosure.version}, yours {expected_version}); nothing was saved",
                current=build_view(db=db, disclosure=disclosure),
            )
        settled = {"conflict": (disclosure.version, over_conflict)} if over_conflict else {}
        apply_in(db=db, disclosure=disclosure, draft=draft, events=events, actor=actor,
                 also=settled)
        return build_view(db=db, disclosure=disclosure)


def _apply(
    *,
    db: Session,
    disclosure: Disclosure,
    draft: DisclosureDraft,
    events: tuple[EventView, ...] | None,
    before: DisclosureView,
) -> dict[str, tuple[Any, Any]]:
    old = _snapshot(view_to_draft(before), before.events)
    keep_events = before.events if events is None else events
    new = _snapshot(draft, keep_events)
    changed = {name: (old[name], new[name]) for name in new if old[name] != new[name]}
    if not changed:
        return {}
    for name in _SCALARS:
        setattr(disclosure, name, getattr(draft, name))
    disclosure.engagement_id = _engagement_id(db=db, key=draft.engagement_key)
    if draft.status == "submitted" and before.status != "submitted":
        disclosure.submitted_on = _now().date()
    disclosure.updated_at = _now()  # the version goes up with it (storage/versions.py)
    # Events are rewritten only when they changed: they are mostly counsel's record, and an
    # inventor's save of the text leaves them alone (a team database refuses anyone else's
    # change to a filing event, storage/team_roles.py).
    _replace_links(db=db, disclosure=disclosure, draft=draft,
                   events=keep_events if "events" in changed else None)
    return changed


def delete_disclosure(store: Store, key: str, *, actor: str) -> DisclosureView:
    """Mark a disclosure deleted. Nothing is removed: the record and its history stay."""
    return _set_deleted(store, key, actor=actor, deleted=True)


def restore_disclosure(store: Store, key: str, *, actor: str) -> DisclosureView:
    """Undo a delete."""
    return _set_deleted(store, key, actor=actor, deleted=False)


@retried
def _set_deleted(store: Store, key: str, *, actor: str, deleted: bool) -> DisclosureView:
    with store.write() as db:
        disclosure = _require(db=db, key=key)
        was = disclosure.deleted_at
        if (was is not None) != deleted:
            now = _now()
            disclosure.deleted_at = now if deleted else None
            disclosure.updated_at = now
            audit.record(
                db=db, actor=actor, entity="disclosure", entity_key=key,
                action="delete" if deleted else "restore",
                changes={"deleted_at": (was, disclosure.deleted_at)},
            )
        return build_view(db=db, disclosure=disclosure)


INVENTOR_DETAILS = ("postal_address", "citizenship", "employer_entity", "contribution_note")


@retried
def set_inventor_details(store: Store, key: str, person_key: str, changes: dict[str, str], *,
                         actor: str) -> DisclosureView:
    """Change what counsel needs to file about one person named on a disclosure (names in
    INVENTOR_DETAILS; "" clears one), audited, in one unit of work. Raises NotFound for an
    unknown key or a person not named on it, ValidationFailed for a bad value."""
    unknown = set(changes) - set(INVENTOR_DETAILS)
    if unknown:
        raise ValueError(f"not an inventor detail: {sorted(unknown)}")
    entry = InventorEntry(person_key, **cast(dict[str, Any], changes)).cleaned_details()
    where = f"inventors[{person_key}]"
    bad = [Problem(p.field.replace("inventors[0]", where), p.message)
           for p in errors(inventor_detail_problems(entry))]
    if bad:
        raise ValidationFailed(bad)
    with store.write() as db:
        disclosure = _require(db=db, key=key)
        if disclosure.deleted_at is not None:
            raise ValidationFailed([Problem("key", f"{key} is deleted; restore it first")])
        link = db.execute(
            select(DisclosureInventor)
            .join(Person, col(Person.id) == col(DisclosureInventor.person_id))
            .where(col(DisclosureInventor.disclosure_id) == disclosure.id,
                   col(Person.key) == person_key)
        ).scalar_one_or_none()
        if link is None:
            raise NotFound(f"{person_key!r} is not named on {key}; `firstfile review show "
                           f"{key}` lists its people")
        changed = {}
        for name in changes:
            old, new = getattr(link, name), getattr(entry, name)
            if old != new:
                changed[f"{where}.{name}"] = (old, new)
                setattr(link, name, new)
        if changed:
            disclosure.updated_at = _now()  # the version goes up with it (storage/versions.py)
            audit.record(db=db, actor=actor, entity="disclosure", entity_key=key,
                         action="update", changes=changed,
                         record_sha256=content_hash(db=db, disclosure=disclosure))
        db.flush()
        return build_view(db=db, disclosure=disclosure)


def get_disclosure(store: Store, key: str) -> DisclosureView:
    with store.read() as db:
        return build_view(db=db, disclosure=_require(db=db, key=key))


def list_page(
    store: Store,
    filt: ListFilter | None = None,
    *,
    sort: str = "updated",
    descending: bool = True,
    after: Cursor | None = None,
    before: Cursor | None = None,
    after_row: DisclosureRow | None = None,
    before_row: DisclosureRow | None = None,
    limit: int = 100,
) -> list[DisclosureRow]:
    """One page of the list in the sort order; after/before (or the rows at a page's edge,
    after_row/before_row) walk it by keyset, so a page costs the same anywhere in the list.

    ListFilter is part of this function's interface: screens build it from here.
    """
    if after_row is not None:
        after = cursor_for(after_row, sort)
    if before_row is not None:
        before = cursor_for(before_row, sort)
    with store.read() as db:
        return page_rows(
            db=db, filt=filt or ListFilter(), sort=sort, descending=descending,
            after=after, before=before, limit=limit,
        )


def count(store: Store, filt: ListFilter | None = None) -> int:
    with store.read() as db:
        return count_rows(db=db, filt=filt or ListFilter())


def view_to_draft(view: DisclosureView) -> DisclosureDraft:
    """The editable part of a view, e.g. to open it in the editor."""
    return DisclosureDraft(
        inventors=tuple(
            InventorEntry(p.person_key, p.role, p.contribution, p.postal_address,
                          p.citizenship, p.employer_entity, p.contribution_note)
            for p in view.inventors
        ),
        components=view.components,
        **{
            name: getattr(view, name)
            for name in (*_SCALARS, "engagement_key")
        },
    )


# --- helpers -------------------------------------------------------------------------------


def _raise_on_errors(problems: list[Problem]) -> None:
    bad = errors(problems)
    if bad:
        raise ValidationFailed(bad)


def _require(*, db: Session, key: str) -> Disclosure:
    disclosure = find_disclosure(db=db, key=key)
    if disclosure is None:
        raise unknown_disclosure(key)
    return disclosure


def _engagement_id(*, db: Session, key: str) -> int | None:
    if not key:
        return None
    found = db.execute(select(col(Engagement.id)).where(col(Engagement.key) == key)).scalar()
    if found is None:
        raise ValidationFailed([Problem("engagement", f"unknown engagement {key!r}")])
    return int(found)


def creation_changes(
    draft: DisclosureDraft, events: tuple[EventView, ...], *, submitted_on: date | None
) -> dict[str, tuple[Any, Any]]:
    """What a new disclosure's "create" audit record holds: every value it was given, and
    the day a file says it was submitted when that day is kept (kept_submission_day). The
    import's bulk path records its new disclosures with this too."""
    created = {name: (None, value) for name, value in _snapshot(draft, events).items() if value}
    kept = kept_submission_day(draft, submitted_on)
    if kept is not None:
        created["submitted_on"] = (None, kept)
    return created


def _snapshot(draft: DisclosureDraft, events: tuple[EventView, ...]) -> dict[str, Any]:
    """Comparable values of every field, so an update can audit exactly what changed."""
    data = {name: getattr(draft, name) for name in (*_SCALARS, "engagement_key")}
    data["inventors"] = tuple(
        f"{e.person_key}:{e.role}:{'' if e.contribution is None else f'{e.contribution:g}'}"
        + (f":{e.citizenship}:{e.employer_entity}:{e.postal_address}:{e.contribution_note}"
           if e.has_details else "")
        for e in draft.inventors
    )
    data["components"] = tuple(sorted(draft.components))
    data["events"] = tuple(
        f"{e.kind}:{e.date.isoformat()}:{e.jurisdiction}:{e.reference}:{e.note}"
        + (f":claims {','.join(e.claims_priority_of)}" if e.claims_priority_of else "")
        + (":restored" if e.restored else "")
        for e in events
    )
    return data


def _replace_links(
    *,
    db: Session,
    disclosure: Disclosure,
    draft: DisclosureDraft,
    events: tuple[EventView, ...] | None,
) -> None:
    """Write the inventors, events and components; they are replaced as a whole (events=None
    leaves the stored events as they are)."""
    assert disclosure.id is not None
    previous = {
        link.person_id: link
        for link in db.execute(
            select(DisclosureInventor).where(col(DisclosureInventor.disclosure_id) == disclosure.id)
        ).scalars()
    }
    db.execute(
        delete(DisclosureInventor).where(col(DisclosureInventor.disclosure_id) == disclosure.id))
    if events is not None:
        db.execute(
            delete(DisclosureEvent).where(col(DisclosureEvent.disclosure_id) == disclosure.id))
    db.execute(
        delete(DisclosureComponent).where(col(DisclosureComponent.disclosure_id) == disclosure.id)
    )
    problems: list[Problem] = []
    organizations: list[str] = []
    for position, entry in enumerate(draft.inventors):
        found = db.execute(
            select(Person, Vendor)
            .outerjoin(Vendor, col(Vendor.id) == col(Person.vendor_id))
            .where(col(Person.key) == entry.person_key)
        ).first()
        if found is None:
            problems.append(
                Problem(f"inventors[{position}].person", f"unknown person {entry.person_key!r}")
            )
            continue
        person, vendor = found
        # The organisation at conception is kept: an existing link keeps its affiliation
        # even when the person has since moved to another employer.
        earlier = previous.get(person.id)
        if earlier is not None:
            org_key, org_name = earlier.organization_key, earlier.organization_name
        elif vendor is not None:
            org_key, org_name = vendor.key, vendor.name
        else:
            # Own staff: the organisation's name as it is at conception, kept with the link.
            org_key, org_name = INTERNAL, read_setting(db=db, name=ORGANIZATION)
        if entry.role == "inventor":
            organizations.append(org_key)
        # Details left out are kept as recorded: a form or file that does not show them
        # must not erase them (set_inventor_details changes them on purpose).
        details = entry if entry.has_details or earlier is None else earlier
        db.add(
            DisclosureInventor(
                disclosure_id=disclosure.id,
                person_id=person.id,
                **inventor_values(entry, position=position, organization_key=org_key,
                                  organization_name=org_name, details=details),
            )
        )
    for index, event in enumerate(events or ()):
        if event.kind not in EVENT_KINDS:
            problems.append(Problem(f"events[{index}].kind", f"unknown event kind {event.kind!r}"))
            continue
        db.add(event_row(disclosure.id, event))
    for index, component_key in enumerate(dict.fromkeys(draft.components)):
        component_id = db.execute(
            select(col(Component.id)).where(
                col(Component.key) == component_key,
                col(Component.engagement_id) == disclosure.engagement_id,
            )
        ).scalar()
        if component_id is None:
            problems.append(
                Problem(f"components[{index}]", f"unknown component {component_key!r} in this "
                                                "disclosure's engagement")
            )
            continue
        db.add(DisclosureComponent(disclosure_id=disclosure.id, component_id=component_id))
    if problems:
        raise ValidationFailed(problems)
    owner = ownership(organizations)
    disclosure.joint = owner == "joint"
    disclosure.vendor_invention = owner == "vendor"
    db.flush()


