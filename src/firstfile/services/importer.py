"""Loading interchange files into the database, idempotently and all-or-nothing.

A file is written in one transaction: if any record fails, nothing from the file is kept.
Records are matched by key (components and sessions by key within the engagement; a
disclosure without a key by engagement and title), and only differences are written, each
with its audit record, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from firstfile.domain.disclosure import Problem, errors, validate
from firstfile.domain.sessions import PARKED
from firstfile.domain.vocabulary import INTERNAL
from firstfile.interchange.document import InterchangeDocument, SessionDoc
from firstfile.services import disclosures as disclosure_service
from firstfile.services.errors import ValidationFailed
from firstfile.storage import audit, upserts
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    Component,
    ComponentVendor,
    Disclosure,
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


@dataclass
class ImportReport:
    """What an import did, per kind of record: created / updated / unchanged counts."""

    source: str
    outcomes: Counter[str] = field(default_factory=Counter)
    disclosure_keys: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.outcomes[f"{kind} {outcome}"] += 1

    @property
    def changed(self) -> bool:
        return any(
            n for name, n in self.outcomes.items() if not name.endswith("unchanged")
        )

    def summary(self) -> str:
        parts = [f"{n} {name}" for name, n in sorted(self.outcomes.items()) if n]
        return f"{self.source}: " + (", ".join(parts) if parts else "nothing to import")


def import_document(
    store: Store, doc: InterchangeDocument, *, actor: str, source: str = ""
) -> ImportReport:
    """Write doc into the database in one transaction; see the module docstring."""
    report = ImportReport(source=source or doc.engagement.key)
    with store.write() as db:
        _import(db=db, doc=doc, actor=actor, report=report)
    return report


def _import(*, db: Session, doc: InterchangeDocument, actor: str, report: ImportReport) -> None:
    e = doc.engagement
    engagement, outcome = upserts.upsert(
        db=db, model=Engagement, match={"key": e.key},
        values={"name": e.name, "product": e.product, "phase": e.phase},
        create_only={"created_at": datetime.now(UTC)},
        actor=actor, entity="engagement", entity_key=e.key,
    )
    report.count("engagement", outcome)

    vendor_ids: dict[str, int] = {}
    for v in doc.vendors:
        vendor, outcome = upserts.upsert(
            db=db, model=Vendor, match={"key": v.key},
            values={"name": v.name, "kind": v.kind, "country": v.country,
                    "competitors": "\n".join(v.competitors),
                    "nda_signed_on": v.nda_signed_on, "nda_expires_on": v.nda_expires_on},
            actor=actor, entity="vendor", entity_key=v.key,
        )
        report.count("vendor", outcome)
        assert vendor.id is not None
        vendor_ids[v.key] = vendor.id
        upserts.link(db=db, model=EngagementVendor,
                     keys={"engagement_id": engagement.id, "vendor_id": vendor.id},
                     actor=actor, entity="engagement", entity_key=e.key, field="vendors",
                     linked=v.key)

    person_ids: dict[str, int] = {}
    for p in doc.people:
        vendor_id = None if p.organization == INTERNAL else _vendor_id(db, vendor_ids,
                                                                          p.organization)
        person, outcome = upserts.upsert(
            db=db, model=Person, match={"key": p.key},
            values={"name": p.name, "email": p.email, "vendor_id": vendor_id},
            actor=actor, entity="person", entity_key=p.key,
        )
        report.count("person", outcome)
        assert person.id is not None
        person_ids[p.key] = person.id

    component_ids: dict[str, int] = {}
    for c in doc.components:
        component, outcome = upserts.upsert(
            db=db, model=Component, match={"engagement_id": engagement.id, "key": c.key},
            values={"name": c.name, "kind": c.kind, "value_add": c.value_add,
                    "differentiation": c.differentiation,
                    "reverse_engineering_difficulty": c.reverse_engineering_difficulty},
            actor=actor, entity="component", entity_key=f"{e.key}/{c.key}",
        )
        assert component.id is not None
        component_ids[c.key] = component.id
        for vendor_key in c.vendors:
            if upserts.link(db=db, model=ComponentVendor,
                            keys={"component_id": component.id,
                                  "vendor_id": _vendor_id(db, vendor_ids, vendor_key)},
                            actor=actor, entity="component", entity_key=f"{e.key}/{c.key}",
                            field="vendors", linked=vendor_key):
                outcome = "updated" if outcome == "unchanged" else outcome
        report.count("component", outcome)

    for s in doc.sessions:
        _import_session(db=db, engagement=engagement, s=s, actor=actor, report=report,
                        person_ids=person_ids, component_ids=component_ids)

    for d in doc.disclosures:
        problems = errors(validate(d.draft))
        if problems:
            raise ValidationFailed(problems)
        draft = d.draft.cleaned()
        existing = _find_disclosure(db=db, key=d.key, engagement_id=engagement.id,
                                    title=draft.title)
        if existing is None:
            made = disclosure_service.insert_in(
                db=db, draft=draft, actor=actor, key=d.key, events=d.events
            )
            report.count("disclosure", "created")
            report.disclosure_keys.append(made.key)
        else:
            changed = disclosure_service.apply_in(
                db=db, disclosure=existing, draft=draft, events=d.events, actor=actor
            )
            report.count("disclosure", "updated" if changed else "unchanged")
            report.disclosure_keys.append(existing.key)


def _vendor_id(db: Session, known: dict[str, int], key: str) -> int:
    if key in known:
        return known[key]
    found = db.execute(select(Vendor.id).where(Vendor.key == key)).scalar()
    if found is None:
        raise ValidationFailed([Problem("vendors", f"unknown vendor {key!r}")])
    known[key] = int(found)
    return known[key]


def _find_disclosure(
    *, db: Session, key: str | None, engagement_id: int | None, title: str
) -> Disclosure | None:
    if key:
        return db.execute(select(Disclosure).where(Disclosure.key == key)).scalar_one_or_none()
    return db.execute(
        select(Disclosure)
        .where(Disclosure.engagement_id == engagement_id, Disclosure.title == title,
               Disclosure.deleted_at.is_(None))  # type: ignore[union-attr]
        .order_by(Disclosure.id)  # type: ignore[arg-type]
        .limit(1)
    ).scalar_one_or_none()


def _import_session(
    *, db: Session, engagement: Engagement, s: SessionDoc, actor: str, report: ImportReport,
    person_ids: dict[str, int], component_ids: dict[str, int],
) -> None:
    entity_key = f"{engagement.key}/{s.key}"

    def person(key: str) -> int:
        return person_ids.get(key) or _person_id(db, key)

    session_row, outcome = upserts.upsert(
        db=db, model=ExtractionSession, match={"engagement_id": engagement.id, "key": s.key},
        values={"title": s.title, "phase": s.phase, "held_on": s.date, "goal": s.goal,
                "facilitator_id": person(s.facilitator),
                "time_box_minutes": s.time_box_minutes, "prompt_minutes": s.prompt_minutes,
                "dots_per_participant": s.dots_per_participant, "decks": ",".join(s.decks)},
        actor=actor, entity="session", entity_key=entity_key,
    )
    assert session_row.id is not None
    changed = outcome != "unchanged"
    for person_key in s.participants:
        changed |= upserts.link(db=db, model=SessionParticipant,
                                keys={"session_id": session_row.id,
                                      "person_id": person(person_key)},
                                actor=actor, entity="session", entity_key=entity_key,
                                field="participants", linked=person_key)
    changed |= _set_focus(db=db, session_id=session_row.id, wanted=s.components,
                          component_ids=component_ids, actor=actor, entity_key=entity_key)
    changed |= _import_ideas(db=db, session_id=session_row.id, s=s, actor=actor,
                             entity_key=entity_key, person=person,
                             component_ids=component_ids)
    if changed and outcome == "unchanged":
        outcome = "updated"
    report.count("session", outcome)


def _set_focus(
    *, db: Session, session_id: int, wanted: tuple[str, ...], component_ids: dict[str, int],
    actor: str, entity_key: str,
) -> bool:
    """Make the session's components in focus exactly the file's; True when they changed."""
    stored = dict(db.execute(
        select(SessionComponent.component_id, Component.key)
        .join(Component, Component.id == SessionComponent.component_id)
        .where(SessionComponent.session_id == session_id)
    ).all())
    wanted_ids = {component_ids[key]: key for key in wanted}  # the reader checked the keys
    if set(stored) == set(wanted_ids):
        return False
    db.execute(delete(SessionComponent).where(
        SessionComponent.session_id == session_id,
        SessionComponent.component_id.not_in(list(wanted_ids))))  # type: ignore[attr-defined]
    for component_id in wanted_ids.keys() - stored.keys():
        db.add(SessionComponent(session_id=session_id, component_id=component_id))
    db.flush()
    audit.record(db=db, actor=actor, entity="session", entity_key=entity_key, action="update",
                 changes={"components": (tuple(sorted(stored.values())),
                                         tuple(sorted(wanted_ids.values())))})
    return True


def _import_ideas(
    *, db: Session, session_id: int, s: SessionDoc, actor: str, entity_key: str,
    person: Callable[[str], int], component_ids: dict[str, int],
) -> bool:
    """Write the session's ideas, their authors and their merges; True when any changed.

    Ideas are matched by their position in the session, the order the room raised them.
    Ideas the file does not list (added since in the app) are kept: nothing is lost. Authors
    and merges are only ever added: a co-author or a merge the database records and the file
    leaves out (a file from before they were written, say) stays, since dropping one would
    lose who contributed to an invention.
    """
    stored = {idea.position: idea for idea in db.execute(
        select(Idea).where(Idea.session_id == session_id)).scalars()}
    changed = False
    rows: list[Idea] = []
    for position, idea in enumerate(s.ideas):
        before = stored.get(position)
        if (idea.merged_into is None and before is not None
                and before.merged_into_id is not None and idea.status != PARKED):
            raise ValidationFailed([Problem(
                "ideas", f"idea #{position + 1} of {entity_key} was merged into another idea; "
                         "an import does not undo a merge: keep it parked in the file")])
        row, outcome = upserts.upsert(
            db=db, model=Idea, match={"session_id": session_id, "position": position},
            values={"text": idea.text, "author_id": person(idea.author),
                    "prompt_id": idea.prompt,
                    "component_id": component_ids.get(idea.component) if idea.component
                    else None,
                    "votes": idea.votes, "status": idea.status},
            create_only={"created_at": datetime.now(UTC)},
            actor=actor, entity="idea", entity_key=f"{entity_key}#{position + 1}",
        )
        changed |= outcome != "unchanged"
        rows.append(row)
    # Every co-author recorded for the session's ideas, read once rather than per idea.
    recorded: dict[int, dict[int, str]] = {}
    for idea_id, person_id, key in db.execute(
        select(IdeaAuthor.idea_id, IdeaAuthor.person_id, Person.key)
        .join(Person, Person.id == IdeaAuthor.person_id)
        .join(Idea, Idea.id == IdeaAuthor.idea_id).where(Idea.session_id == session_id)
    ).all():
        recorded.setdefault(int(idea_id), {})[int(person_id)] = key
    # A second pass: an idea may be merged into one listed after it.
    for position, (idea, row) in enumerate(zip(s.ideas, rows, strict=True)):
        changes: dict[str, tuple[Any, Any]] = {}
        if idea.merged_into is not None:
            target = rows[idea.merged_into - 1]
            if row.merged_into_id != target.id:
                old = db.get(Idea, row.merged_into_id) if row.merged_into_id else None
                changes["merged_into"] = (f"#{old.position + 1}" if old else None,
                                          f"#{idea.merged_into}")
                row.merged_into_id = target.id
        if len(idea.authors) > 1:
            # As sessions.merge_ideas stores them: every author, the first one included.
            have = recorded.get(row.id or 0, {})
            wanted = {person(key): key for key in idea.authors}
            if wanted.keys() - have.keys():
                for person_id in wanted.keys() - have.keys():
                    db.add(IdeaAuthor(idea_id=row.id or 0, person_id=person_id))
                changes["authors"] = (tuple(sorted(have.values())),
                                      tuple(sorted({**have, **wanted}.values())))
        if changes:
            db.flush()
            audit.record(db=db, actor=actor, entity="idea",
                         entity_key=f"{entity_key}#{position + 1}", action="update",
                         changes=changes)
            changed = True
    _check_merges(db=db, session_id=session_id, entity_key=entity_key)
    return changed


def _check_merges(*, db: Session, session_id: int, entity_key: str) -> None:
    """No idea may end up merged into an idea that is merged itself (file and database)."""
    ideas = {int(i): (int(p), m) for i, p, m in db.execute(
        select(Idea.id, Idea.position, Idea.merged_into_id)
        .where(Idea.session_id == session_id)).all()}
    for position, target in ideas.values():
        if target is not None and target in ideas and ideas[target][1] is not None:
            raise ValidationFailed([Problem(
                "ideas", f"idea #{position + 1} of {entity_key} would be merged into "
                         f"#{ideas[target][0] + 1}, which was itself merged into another idea; "
                         "point it at the idea that kept the others")])


def _person_id(db: Session, key: str) -> int:
    found = db.execute(select(Person.id).where(Person.key == key)).scalar()
    if found is None:
        raise ValidationFailed([Problem("people", f"unknown person {key!r}")])
    return int(found)
