"""Reading extraction sessions: one session as plain data, lookups (the session list is
read with plain SQL in storage/home_queries.py).

Every function runs inside the caller's unit of work (`db`). Lookups return None (or an empty
result) when nothing matches; services/sessions.py turns that into a message that says what
to do. Only the two rewrites a merge needs (`replace_authors`, `move_votes`) write anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, union
from sqlmodel import Session, col

from firstfile.domain.sessions import (
    IdeaView,
    ParticipantView,
    SessionView,
    SittingView,
)
from firstfile.domain.vocabulary import INTERNAL
from firstfile.storage.tables import (
    AuditEvent,
    Component,
    Disclosure,
    Engagement,
    ExtractionSession,
    Idea,
    IdeaAuthor,
    IdeaVote,
    Person,
    SessionComponent,
    SessionParticipant,
    SessionSitting,
    Vendor,
)

# --- finding rows ----------------------------------------------------------------------------


def sessions_named(
    *, db: Session, key: str, engagement_key: str | None = None
) -> list[tuple[ExtractionSession, str]]:
    """Every session with key (in engagement_key only, when given), with its engagement key."""
    stmt = (select(ExtractionSession, col(Engagement.key))
            .join(Engagement, col(Engagement.id) == col(ExtractionSession.engagement_id))
            .where(col(ExtractionSession.key) == key))
    if engagement_key is not None:
        stmt = stmt.where(col(Engagement.key) == engagement_key)
    return [(session, engagement) for session, engagement in db.execute(stmt).all()]


def session_key_taken(*, db: Session, engagement_id: int, key: str) -> bool:
    return db.execute(select(col(ExtractionSession.id)).where(
        col(ExtractionSession.engagement_id) == engagement_id,
        col(ExtractionSession.key) == key)).first() is not None


def session_row(*, db: Session, session_id: int, lock: bool = False) -> ExtractionSession | None:
    """The session's row; lock=True waits for (and takes) its row lock on PostgreSQL and reads
    it as committed then, so a unit that takes its turn on the session queues behind another
    one instead of losing the race (SQLite's BEGIN IMMEDIATE already queues every writer)."""
    return db.get(ExtractionSession, session_id, with_for_update=lock or None,
                  populate_existing=lock)


def idea_row(*, db: Session, idea_id: int) -> Idea | None:
    return db.get(Idea, idea_id)


def capture_context(*, db: Session, session_id: int) -> tuple[int, str, int | None, str] | None:
    """(engagement id, session key, facilitator id, engagement key) of a session, or None."""
    found = db.execute(
        select(col(ExtractionSession.engagement_id), col(ExtractionSession.key),
               col(ExtractionSession.facilitator_id), col(Engagement.key))
        .join(Engagement, col(Engagement.id) == col(ExtractionSession.engagement_id))
        .where(col(ExtractionSession.id) == session_id)
    ).first()
    if found is None:
        return None
    engagement_id, session_key, facilitator_id, engagement_key = found
    return engagement_id, session_key, facilitator_id, engagement_key


def person_id(*, db: Session, key: str) -> int | None:
    return db.execute(select(col(Person.id)).where(col(Person.key) == key)).scalar()


def person_ids(*, db: Session, keys: Iterable[str]) -> dict[str, int]:
    """key -> id of the people among keys that exist."""
    wanted = list(keys)
    if not wanted:
        return {}
    return {k: int(i) for k, i in db.execute(
        select(col(Person.key), col(Person.id)).where(col(Person.key).in_(wanted))).all()}


def in_room(*, db: Session, session_id: int, person_id: int) -> bool:
    """Whether the person is one of the session's participants."""
    return db.execute(select(col(SessionParticipant.person_id)).where(
        col(SessionParticipant.session_id) == session_id,
        col(SessionParticipant.person_id) == person_id)).first() is not None


def component_ids(*, db: Session, engagement_id: int) -> dict[str, int]:
    """key -> id of every component of an engagement."""
    return {k: int(i) for k, i in db.execute(
        select(col(Component.key), col(Component.id))
        .where(col(Component.engagement_id) == engagement_id)
    ).all()}


def component_id(*, db: Session, engagement_id: int, key: str) -> int | None:
    return db.execute(select(col(Component.id)).where(
        col(Component.engagement_id) == engagement_id, col(Component.key) == key)).scalar()


def component_key(*, db: Session, component_id: int | None) -> str | None:
    if component_id is None:
        return None
    return db.execute(select(col(Component.key)).where(col(Component.id) == component_id)).scalar()


def components_of(*, db: Session, engagement_key: str) -> list[tuple[str, str, str]]:
    """(key, name, kind) of every component of an engagement, by key."""
    return [
        (c.key, c.name, c.kind) for c in db.execute(
            select(Component).join(Engagement, col(Engagement.id) == col(Component.engagement_id))
            .where(col(Engagement.key) == engagement_key).order_by(col(Component.key))
        ).scalars()
    ]


def last_position(*, db: Session, session_id: int) -> int | None:
    """The position of the session's last idea, or None before the first."""
    last = db.execute(select(func.max(Idea.position)).where(
        col(Idea.session_id) == session_id)).scalar()
    return None if last is None else int(last)


def vote_row(*, db: Session, idea_id: int, person_id: int) -> IdeaVote | None:
    """The person's dots on the idea, if they put any."""
    return db.execute(select(IdeaVote).where(
        col(IdeaVote.idea_id) == idea_id, col(IdeaVote.person_id) == person_id)
    ).scalar_one_or_none()


def dots_by_person(*, db: Session, idea_id: int) -> dict[int, int]:
    """person id -> dots each put on the idea."""
    return {int(p): int(d) for p, d in db.execute(
        select(col(IdeaVote.person_id), col(IdeaVote.dots)).where(col(IdeaVote.idea_id) == idea_id)
    ).all()}


def person_keys(*, db: Session, ids: Iterable[int]) -> dict[int, str]:
    """person id -> key, for the ids given."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {int(i): k for i, k in db.execute(
        select(col(Person.id), col(Person.key)).where(col(Person.id).in_(wanted))).all()}


def idea_at(*, db: Session, session_id: int, position: int) -> Idea | None:
    """The session's idea raised at position (from 0), or None."""
    return db.execute(select(Idea).where(col(Idea.session_id) == session_id,
                                         col(Idea.position) == position)).scalars().first()


def idea_events(*, db: Session, entity_key: str) -> list[AuditEvent]:
    """Every audit row of an idea (named ENGAGEMENT/SESSION#N), the latest first."""
    return list(db.execute(
        select(AuditEvent).where(col(AuditEvent.entity) == "idea",
                                 col(AuditEvent.entity_key) == entity_key)
        .order_by(col(AuditEvent.seq).desc())).scalars())


def last_idea_event(*, db: Session, entity_key: str) -> AuditEvent | None:
    """The latest audit row of an idea (named ENGAGEMENT/SESSION#N), or None."""
    return db.execute(
        select(AuditEvent).where(col(AuditEvent.entity) == "idea",
                                 col(AuditEvent.entity_key) == entity_key)
        .order_by(col(AuditEvent.seq).desc()).limit(1)).scalars().first()


def replace_room(*, db: Session, session_id: int, person_ids: list[int]) -> None:
    """Make person_ids the session's participants."""
    db.execute(delete(SessionParticipant).where(col(SessionParticipant.session_id) == session_id))
    for person in dict.fromkeys(person_ids):
        db.add(SessionParticipant(session_id=session_id, person_id=person))


def replace_focus(*, db: Session, session_id: int, component_ids: list[int]) -> None:
    """Make component_ids the session's components in focus."""
    db.execute(delete(SessionComponent).where(col(SessionComponent.session_id) == session_id))
    for component in dict.fromkeys(component_ids):
        db.add(SessionComponent(session_id=session_id, component_id=component))


def session_ref(*, db: Session, session: ExtractionSession) -> str:
    """ENGAGEMENT/SESSION, as the audit trail names a session."""
    engagement = db.execute(select(col(Engagement.key)).where(
        col(Engagement.id) == session.engagement_id)).scalar()
    return f"{engagement}/{session.key}"


# --- the two rewrites of a merge -------------------------------------------------------------


def replace_authors(*, db: Session, idea_id: int, person_ids: list[int]) -> None:
    """Make person_ids the idea's extra authors, in that order."""
    db.execute(delete(IdeaAuthor).where(col(IdeaAuthor.idea_id) == idea_id))
    for person in person_ids:
        db.add(IdeaAuthor(idea_id=idea_id, person_id=person))


def move_votes(*, db: Session, from_ids: list[int], to_id: int, dots: dict[int, int]) -> None:
    """Drop every dot on from_ids and put dots (person id -> count) on to_id instead."""
    db.execute(delete(IdeaVote).where(col(IdeaVote.idea_id).in_(from_ids)))
    for person, count in dots.items():
        db.add(IdeaVote(idea_id=to_id, person_id=person, dots=count))


# --- one session as plain data --------------------------------------------------------------


def session_view(*, db: Session, session: ExtractionSession) -> SessionView:
    """The whole session as plain data, in a fixed number of queries however many ideas."""
    db.flush()
    session_id = session.id or 0
    engagement = db.get(Engagement, session.engagement_id)
    assert engagement is not None
    facilitator = db.get(Person, session.facilitator_id) if session.facilitator_id else None

    participants: list[ParticipantView] = []
    for person, vendor in db.execute(
        select(Person, Vendor)
        .join(SessionParticipant, col(SessionParticipant.person_id) == col(Person.id))
        .outerjoin(Vendor, col(Vendor.id) == col(Person.vendor_id))
        .where(col(SessionParticipant.session_id) == session_id).order_by(col(Person.key))
    ).all():
        participants.append(_participant(person, vendor))
    if facilitator is not None and all(p.key != facilitator.key for p in participants):
        vendor = db.get(Vendor, facilitator.vendor_id) if facilitator.vendor_id else None
        participants.insert(0, _participant(facilitator, vendor))

    all_components = list(db.execute(
        select(Component).where(col(Component.engagement_id) == session.engagement_id)
        .order_by(col(Component.key))).scalars())
    component_keys = {c.id: c.key for c in all_components}
    focus = [component_keys[c] for c in db.execute(
        select(col(SessionComponent.component_id))
        .where(col(SessionComponent.session_id) == session_id)
    ).scalars() if c in component_keys]

    ideas = list(db.execute(select(Idea).where(col(Idea.session_id) == session_id)
                            .order_by(col(Idea.position), col(Idea.id))).scalars())
    ids = [i.id for i in ideas]
    people = {int(i): k for i, k in db.execute(select(col(Person.id), col(Person.key)).where(
        col(Person.id).in_(union(
            select(col(Idea.author_id)).where(col(Idea.session_id) == session_id),
            select(col(IdeaAuthor.person_id)).join(Idea, col(Idea.id) == col(IdeaAuthor.idea_id))
            .where(col(Idea.session_id) == session_id),
            select(col(IdeaVote.person_id)).join(Idea, col(Idea.id) == col(IdeaVote.idea_id))
            .where(col(Idea.session_id) == session_id),
        )))).all()}
    extra_authors: dict[int, list[str]] = {}
    for idea_id, person in db.execute(
        select(col(IdeaAuthor.idea_id), col(IdeaAuthor.person_id)).join(
            Idea, col(Idea.id) == col(IdeaAuthor.idea_id))
        .where(col(Idea.session_id) == session_id)
    ).all():
        extra_authors.setdefault(int(idea_id), []).append(people[int(person)])
    spent: dict[str, int] = {}
    for person, dots in db.execute(
        select(col(IdeaVote.person_id), func.sum(col(IdeaVote.dots))).join(
            Idea, col(Idea.id) == col(IdeaVote.idea_id))
        .where(col(Idea.session_id) == session_id)
        .group_by(col(IdeaVote.person_id))
    ).all():
        spent[people[int(person)]] = int(dots)
    promoted: dict[int, str] = {}
    if ids:
        for idea_id, key in db.execute(
            select(col(Disclosure.source_idea_id), col(Disclosure.key)).where(
                col(Disclosure.source_idea_id).in_(ids), col(Disclosure.deleted_at).is_(None))
            .order_by(col(Disclosure.id))
        ).all():
            promoted.setdefault(int(idea_id), key)

    def authors(idea: Idea) -> tuple[str, ...]:
        first = [people[idea.author_id]] if idea.author_id in people else []
        return tuple(dict.fromkeys([*first, *sorted(extra_authors.get(idea.id or 0, []))]))

    return SessionView(
        id=session_id, engagement_key=engagement.key, engagement_name=engagement.name,
        key=session.key, title=session.title, phase=session.phase, held_on=session.held_on,
        goal=session.goal, facilitator=facilitator.key if facilitator else "",
        facilitator_name=facilitator.name if facilitator else "",
        status=session.status, time_box_minutes=session.time_box_minutes,
        prompt_minutes=session.prompt_minutes,
        dots_per_participant=session.dots_per_participant,
        decks=tuple(d for d in session.decks.split(",") if d),
        current_prompt=session.current_prompt,
        started_at=_aware(session.started_at), ended_at=_aware(session.ended_at),
        participants=tuple(participants), components=tuple(sorted(focus)),
        ideas=tuple(
            IdeaView(id=i.id or 0, position=i.position, text=i.text, authors=authors(i),
                     prompt_id=i.prompt_id,
                     component=component_keys.get(i.component_id, "") if i.component_id else "",
                     votes=i.votes, stored_status=i.status, merged_into=i.merged_into_id,
                     promoted_key=promoted.get(i.id or 0, ""), version=i.version)
            for i in ideas
        ),
        engagement_components=tuple((c.key, c.name, c.kind) for c in all_components),
        dots_spent=spent,
        sittings=sitting_views(db=db, session_id=session_id),
    )


def sitting_rows(*, db: Session, session_id: int) -> list[SessionSitting]:
    """The session's sittings in the order the room met."""
    return list(db.execute(select(SessionSitting)
                           .where(col(SessionSitting.session_id) == session_id)
                           .order_by(col(SessionSitting.number))).scalars())


def sitting_views(*, db: Session, session_id: int) -> tuple[SittingView, ...]:
    """The session's sittings as plain data, times in UTC."""
    return tuple(
        SittingView(number=row.number, started_at=_aware(row.started_at) or row.started_at,
                    ended_at=_aware(row.ended_at))
        for row in sitting_rows(db=db, session_id=session_id))


def _participant(person: Person, vendor: Vendor | None) -> ParticipantView:
    return ParticipantView(
        person_id=person.id or 0, key=person.key, name=person.name,
        organization=vendor.key if vendor else INTERNAL,
        organization_name=vendor.name if vendor else "")


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
