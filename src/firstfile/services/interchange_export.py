"""Reading an engagement (or a set of disclosures) back out as an interchange document.

The inverse of services/importer.py: what this builds, written with interchange.writer and
imported again, changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain.attachments import attachment_path
from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.risk.vendor_risk import safeguard_items
from firstfile.domain.views import DisclosureView
from firstfile.domain.vocabulary import INTERNAL
from firstfile.interchange.document import (
    AttachmentDoc,
    ComponentDoc,
    DisclosureDoc,
    EngagementDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SessionDoc,
    SittingDoc,
    VendorDoc,
)
from firstfile.services import interchange_risk
from firstfile.services.agreements import checklist_items
from firstfile.services.disclosures import view_to_draft
from firstfile.services.errors import unknown_engagement
from firstfile.storage import session_queries as sq
from firstfile.storage import strategy_queries, tracer_queries
from firstfile.storage.disclosure_queries import build_views
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    Component,
    ComponentVendor,
    Disclosure,
    DisclosureInventor,
    Engagement,
    EngagementVendor,
    ExtractionSession,
    Idea,
    IdeaAuthor,
    Person,
    SessionComponent,
    SessionParticipant,
    Vendor,
)


def export_engagement(
    store: Store, engagement_key: str, *, templates_dir: Path | None = None
) -> InterchangeDocument:
    """Everything recorded for one engagement, as a `firstfile/1` document.

    templates_dir is the user's template folder: its agreement checklist says which
    safeguards are checklist terms (services/interchange_risk.py).
    """
    term_items = safeguard_items(checklist_items(templates_dir).items)
    with store.read() as db:
        engagement = db.execute(
            select(Engagement).where(col(Engagement.key) == engagement_key)
        ).scalar_one_or_none()
        if engagement is None:
            raise unknown_engagement(engagement_key)
        return _document(db=db, engagement=engagement, term_items=term_items)


def _document(*, db: Session, engagement: Engagement,
              term_items: dict[str, str]) -> InterchangeDocument:
    tracers = tracer_queries.engagement_tracers(db=db, engagement=engagement)
    # A vendor taken off the engagement keeps its tracers (they are evidence), so the file
    # names it too: every vendor a tracer names must be defined in the file.
    tracer_vendors = sorted({t.vendor for t in tracers})
    vendors = list(
        db.execute(
            select(Vendor)
            .outerjoin(EngagementVendor, (col(EngagementVendor.vendor_id) == col(Vendor.id))
                       & (col(EngagementVendor.engagement_id) == engagement.id))
            .where(col(EngagementVendor.engagement_id).is_not(None)
                   | col(Vendor.key).in_(tracer_vendors))
            .order_by(Vendor.key)
        ).scalars()
    )
    strategy = strategy_queries.recorded_strategy(db=db, engagement=engagement)
    disclosures = list(
        db.execute(
            select(Disclosure)
            .where(col(Disclosure.engagement_id) == engagement.id,
                   Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
            .order_by(Disclosure.id)  # type: ignore[arg-type]
        ).scalars()
    )
    sessions = list(
        db.execute(
            select(ExtractionSession)
            .where(col(ExtractionSession.engagement_id) == engagement.id)
            .order_by(ExtractionSession.key)
        ).scalars()
    )
    components = list(
        db.execute(
            select(Component).where(col(Component.engagement_id) == engagement.id)
            .order_by(Component.key)
        ).scalars()
    )
    people = _people(db=db, engagement=engagement, vendors=vendors, sessions=sessions,
                     disclosures=disclosures)
    vendor_keys = {v.id: v.key for v in vendors}
    person_keys = {p.id: p.key for p in people}
    component_keys = {c.id: c.key for c in components}
    component_vendors: dict[int, list[str]] = {}
    for link in db.execute(
        select(ComponentVendor).where(
            ComponentVendor.component_id.in_(list(component_keys))  # type: ignore[attr-defined]
        )
    ).scalars():
        if link.vendor_id in vendor_keys:
            component_vendors.setdefault(link.component_id, []).append(
                vendor_keys[link.vendor_id]
            )
    risk = interchange_risk.export_parts(db=db, engagement_id=engagement.id or 0,
                                         term_items=term_items)
    return InterchangeDocument(
        engagement=EngagementDoc(key=engagement.key, name=engagement.name,
                                 product=engagement.product, phase=engagement.phase,
                                 vendor_facing_name=engagement.vendor_facing_name),
        vendors=tuple(
            VendorDoc(key=v.key, name=v.name, kind=v.kind, country=v.country,
                      competitors=tuple(c for c in v.competitors.split("\n") if c),
                      nda_signed_on=v.nda_signed_on, nda_expires_on=v.nda_expires_on,
                      safeguards=risk.safeguards.get(v.key, ()))
            for v in vendors
        ),
        people=tuple(
            PersonDoc(key=p.key, name=p.name, email=p.email,
                      organization=_organization(db, p))
            for p in people
        ),
        components=tuple(
            ComponentDoc(key=c.key, name=c.name, value_add=c.value_add,
                         differentiation=c.differentiation,
                         reverse_engineering_difficulty=c.reverse_engineering_difficulty,
                         kind=c.kind, vendors=tuple(sorted(component_vendors.get(c.id or 0, []))),
                         **risk.components.get(c.key, {}))
            for c in components
        ),
        critical_sets=risk.critical_sets,
        sessions=tuple(
            _session(db=db, session=s, person_keys=person_keys, component_keys=component_keys)
            for s in sessions
        ),
        disclosures=tuple(disclosure_doc(v) for v in build_views(db=db, disclosures=disclosures)),
        strategy=None if strategy.is_empty else strategy,
        tracers=tuple(tracers),
    )


def disclosure_doc(view: DisclosureView) -> DisclosureDoc:
    """One disclosure as the interchange format holds it."""
    draft: DisclosureDraft = view_to_draft(view)
    draft = DisclosureDraft(
        **{**{f: getattr(draft, f) for f in draft.__dataclass_fields__},
           "inventors": tuple(InventorEntry(i.person_key, i.role, i.contribution,
                                            i.postal_address, i.citizenship,
                                            i.employer_entity, i.contribution_note)
                              for i in draft.inventors)}
    )
    return DisclosureDoc(draft=draft, key=view.key, events=view.events,
                         submitted_on=view.submitted_on,
                         attachments=tuple(
                             AttachmentDoc(path=attachment_path(view.key, number, a.file_name),
                                           name=a.file_name, caption=a.caption,
                                           sha256=a.sha256)
                             for number, a in enumerate(view.attachments, start=1)))


def _organization(db: Session, person: Person) -> str:
    if person.vendor_id is None:
        return INTERNAL
    return str(db.execute(
        select(col(Vendor.key)).where(col(Vendor.id) == person.vendor_id)).scalar())


def _people(*, db, engagement, vendors, sessions, disclosures) -> list[Person]:
    """The people the engagement's records name, plus the staff of its vendors."""
    ids: set[int] = set()
    vendor_ids = [v.id for v in vendors]
    if vendor_ids:
        ids.update(db.execute(select(col(Person.id)).where(col(Person.vendor_id).in_(vendor_ids))).scalars())
    session_ids = [s.id for s in sessions]
    if session_ids:
        ids.update(db.execute(select(col(SessionParticipant.person_id)).where(
            col(SessionParticipant.session_id).in_(session_ids))).scalars())
        ids.update(s.facilitator_id for s in sessions if s.facilitator_id)
        ids.update(a for a in db.execute(select(col(Idea.author_id)).where(
            col(Idea.session_id).in_(session_ids))).scalars() if a)
        ids.update(db.execute(select(col(IdeaAuthor.person_id)).join(
            Idea, col(Idea.id) == col(IdeaAuthor.idea_id)
        ).where(col(Idea.session_id).in_(session_ids))
        ).scalars())
    disclosure_ids = [d.id for d in disclosures]
    if disclosure_ids:
        ids.update(db.execute(select(col(DisclosureInventor.person_id)).where(
            col(DisclosureInventor.disclosure_id).in_(disclosure_ids))).scalars())
        submitters = [d.submitter for d in disclosures if d.submitter]
        if submitters:
            ids.update(db.execute(select(col(Person.id)).where(col(Person.key).in_(submitters))).scalars())
    if not ids:
        return []
    return list(db.execute(select(Person).where(col(Person.id).in_(ids)).order_by(col(Person.key)))
                .scalars())


def _session(*, db, session, person_keys, component_keys) -> SessionDoc:
    participants = db.execute(
        select(col(Person.key))
        .join(SessionParticipant, col(SessionParticipant.person_id) == col(Person.id))
        .where(SessionParticipant.session_id == session.id)
        .order_by(Person.key)
    ).scalars()
    focus = sorted(component_keys[c] for c in db.execute(
        select(col(SessionComponent.component_id))
        .where(col(SessionComponent.session_id) == session.id)
    ).scalars() if c in component_keys)
    ideas = list(db.execute(
        select(Idea).where(Idea.session_id == session.id)
        .order_by(Idea.position, Idea.id)  # type: ignore[arg-type]
    ).scalars())
    # Every author of a merged idea (IdeaAuthor), and where each merged idea went, as its
    # place in the list the file writes (1-based), not a database id.
    co_authors: dict[int, list[str]] = {}
    for idea_id, person_id in db.execute(
        select(col(IdeaAuthor.idea_id), col(IdeaAuthor.person_id))
        .join(Idea, col(Idea.id) == col(IdeaAuthor.idea_id))
        .where(col(Idea.session_id) == session.id)
    ).all():
        if person_id in person_keys:
            co_authors.setdefault(idea_id, []).append(person_keys[person_id])
    place = {idea.id: number for number, idea in enumerate(ideas, start=1)}
    return SessionDoc(
        key=session.key,
        title=session.title,
        phase=session.phase,
        date=session.held_on,
        facilitator=person_keys.get(session.facilitator_id, ""),
        goal=session.goal,
        participants=tuple(participants),
        ideas=tuple(
            IdeaDoc(text=i.text, author=person_keys.get(i.author_id, ""), prompt=i.prompt_id,
                    authors=tuple(co_authors.get(i.id, ())),
                    component=component_keys.get(i.component_id, "") if i.component_id else "",
                    votes=i.votes, status=i.status,
                    merged_into=place.get(i.merged_into_id) if i.merged_into_id else None)
            for i in ideas
        ),
        time_box_minutes=session.time_box_minutes,
        prompt_minutes=session.prompt_minutes,
        dots_per_participant=session.dots_per_participant,
        decks=tuple(d for d in session.decks.split(",") if d),
        components=tuple(focus),
        sittings=tuple(SittingDoc(x.started_at, x.ended_at)
                       for x in sq.sitting_views(db=db, session_id=session.id or 0)),
    )


def write_engagement(store: Store, engagement_key: str, out: Path, *,
                     templates_dir: Path | None = None) -> list[Path]:
    """Write the engagement as a `firstfile/1` file at out (YAML, or JSON for a .json name)
    with every attached file beside it at the relative path the file names; returns the
    paths written, the interchange file last. Each file is written atomically, and the
    interchange file only after every attached file is in place, so it never names a file
    that is missing. templates_dir is as for export_engagement."""
    from firstfile.interchange.writer import dump_document
    from firstfile.rendering.safe_files import ExportError, atomic_write_bytes
    from firstfile.services.attachments import contents

    if out.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise ExportError(f"{out} must end in .yaml or .json; for example -o engagement.yaml")
    if not out.parent.is_dir():
        raise ExportError(f"the folder {out.parent} does not exist; create it or choose "
                          "another -o path")
    doc = export_engagement(store, engagement_key, templates_dir=templates_dir)
    by_path = {a.path: a.sha256 for d in doc.disclosures for a in d.attachments}
    data = contents(store, set(by_path.values()))
    written: list[Path] = []
    try:
        for relative, sha256 in by_path.items():
            target = out.parent / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data[sha256])
            written.append(target)
        fmt = "json" if out.suffix.lower() == ".json" else "yaml"
        atomic_write_bytes(out, dump_document(doc, fmt).encode("utf-8"))
    except OSError as error:
        raise ExportError(f"cannot write into {out.parent} ({error.strerror}); check the "
                          "folder's permissions and free space") from None
    written.append(out)
    return written
