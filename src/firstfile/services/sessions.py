"""Use cases of an extraction session: set it up, run it, capture, sort, vote and promote.

Each public function is one unit of work with its audit records in the same transaction, so
what the room typed is on disk the moment the function returns (SQLite runs synchronous=FULL):
closing the terminal mid-session loses nothing that was entered. Capturing an idea is the hot
path (it runs on every Enter), so it is a handful of small statements and returns only the new
idea; the other actions return the whole session, which the screen redraws.

Sessions are named `ENGAGEMENT/SESSION`; a plain `SESSION` is accepted when only one
engagement has a session with that key. A merged idea is stored as parked with
`merged_into_id` set (see domain/sessions.py and docs/FORMAT.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from firstfile.domain import sessions as rules
from firstfile.domain.disclosure import Problem, errors, validate
from firstfile.domain.prompts import Prompt, order_for_session
from firstfile.domain.sessions import IdeaView, SessionSetup, SessionView
from firstfile.domain.text import clean_line, clean_text
from firstfile.services import disclosures as disclosure_service
from firstfile.services.errors import (
    Conflict,
    NotFound,
    UserError,
    ValidationFailed,
)
from firstfile.services.prompt_decks import load_decks
from firstfile.services.races import retried
from firstfile.services.record_lists import list_sessions as list_sessions
from firstfile.storage import audit
from firstfile.storage import session_queries as queries
from firstfile.storage.engagement_queries import find_engagement
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    AuditEvent,
    ExtractionSession,
    Idea,
    IdeaVote,
    SessionComponent,
    SessionParticipant,
    SessionSitting,
)


def _now() -> datetime:
    return datetime.now(UTC)


# --- set-up --------------------------------------------------------------------------------


@retried
def create_session(store: Store, setup: SessionSetup, *, actor: str) -> SessionView:
    """Create a planned session with its room, components in focus, decks and time box.

    Raises ValidationFailed (nothing written) when the set-up has problems.
    """
    problems = rules.check_setup(setup)
    with store.write() as db:
        engagement = find_engagement(db=db, key=setup.engagement_key)
        if engagement is None:
            problems.append(f"engagement: no engagement {setup.engagement_key!r}")
        else:
            if queries.session_key_taken(db=db, engagement_id=engagement.id or 0,
                                         key=setup.key):
                problems.append(f"session key: {setup.engagement_key}/{setup.key} exists "
                                "already; choose another key")
        people = queries.person_ids(db=db,
                                    keys=rules.room(setup.participants, setup.facilitator))
        problems += [f"people: no person {key!r}" for key in
                     rules.room(setup.participants, setup.facilitator) if key not in people]
        components: dict[str, int] = {}
        if engagement is not None:
            components = queries.component_ids(db=db, engagement_id=engagement.id or 0)
            problems += [f"components: {key!r} is not a component of {engagement.key}"
                         for key in setup.components if key not in components]
        if problems:
            raise ValidationFailed([Problem("session", p) for p in problems])
        assert engagement is not None
        row = ExtractionSession(
            engagement_id=engagement.id or 0, key=setup.key, title=clean_line(setup.title),
            phase=setup.phase, held_on=setup.held_on, goal=clean_text(setup.goal).strip(),
            facilitator_id=people[setup.facilitator], status="planned",
            time_box_minutes=setup.time_box_minutes, prompt_minutes=setup.prompt_minutes,
            dots_per_participant=setup.dots_per_participant,
            decks=",".join(setup.decks), current_prompt=0,
        )
        db.add(row)
        db.flush()
        for key in dict.fromkeys(setup.participants):
            db.add(SessionParticipant(session_id=row.id or 0, person_id=people[key]))
        for key in dict.fromkeys(setup.components):
            db.add(SessionComponent(session_id=row.id or 0, component_id=components[key]))
        db.flush()
        audit.record(
            db=db, actor=actor, entity="session", entity_key=f"{engagement.key}/{row.key}",
            action="create",
            changes={"title": (None, row.title), "phase": (None, row.phase),
                     "held_on": (None, row.held_on), "facilitator": (None, setup.facilitator),
                     "participants": (None, tuple(setup.participants)),
                     "components": (None, tuple(setup.components)),
                     "decks": (None, row.decks), "time_box_minutes": (None, row.time_box_minutes),
                     "dots_per_participant": (None, row.dots_per_participant)},
        )
        return _view(db, row)


@retried
def update_setup(
    store: Store, session_id: int, setup: SessionSetup, *, actor: str,
    expected_version: int | None = None,
) -> SessionView:
    """Change a session's set-up after it was created: title, phase, date, goal, facilitator,
    room, focus, decks, time box, minutes per prompt and dots. The engagement and the key
    name the session and stay.

    Nobody who raised an idea or holds a dot leaves the room, and the dots per participant do
    not go below what someone has spent: the record of who contributed stays true. Raises
    ValidationFailed (nothing written) for those and for what create_session refuses;
    Conflict when the session changed since expected_version.
    """
    problems = rules.check_setup(setup)
    with store.write() as db:
        row = _row(db, session_id)
        if expected_version is not None and row.version != expected_version:
            raise Conflict(f"the session was changed elsewhere since you opened it (version "
                           f"{row.version}, yours {expected_version}); nothing was saved",
                           current=_view(db, row))
        view = _view(db, row)
        if (setup.engagement_key, setup.key) != (view.engagement_key, view.key):
            problems.append("engagement and key: they name the session and cannot change")
        everyone = rules.room(setup.participants, setup.facilitator)
        people = queries.person_ids(db=db, keys=[*everyone,
                                                 *(p.key for p in view.participants)])
        problems += [f"people: no person {key!r}" for key in everyone if key not in people]
        contributed = {key for idea in view.ideas for key in idea.authors}
        contributed |= {key for key, dots in view.dots_spent.items() if dots}
        leaving = [p for p in view.participants
                   if p.key not in setup.participants and p.key != setup.facilitator]
        problems += [f"participants: {p.name} raised an idea or placed a dot, so they stay "
                     "in the room's record" for p in leaving if p.key in contributed]
        spent = max(view.dots_spent.values(), default=0)
        if setup.dots_per_participant < spent:
            problems.append(f"dots per participant: someone has placed {spent} already; "
                            f"give at least {spent}")
        components = queries.component_ids(db=db, engagement_id=row.engagement_id)
        problems += [f"components: {key!r} is not a component of {view.engagement_key}"
                     for key in setup.components if key not in components]
        if problems:
            raise ValidationFailed([Problem("session", p) for p in problems])
        before: dict[str, Any] = {
            "title": row.title, "phase": row.phase, "held_on": row.held_on, "goal": row.goal,
            "facilitator": view.facilitator,
            "participants": tuple(sorted(p.key for p in view.participants)),
            "components": tuple(sorted(view.components)), "decks": row.decks,
            "time_box_minutes": row.time_box_minutes, "prompt_minutes": row.prompt_minutes,
            "dots_per_participant": row.dots_per_participant}
        after: dict[str, Any] = {
            "title": clean_line(setup.title), "phase": setup.phase, "held_on": setup.held_on,
            "goal": clean_text(setup.goal).strip(), "facilitator": setup.facilitator,
            # The room as the view shows it: the facilitator is in it.
            "participants": tuple(sorted(
                {p.key for p in view.participants if p.key in contributed}
                | set(everyone))),
            "components": tuple(sorted(set(setup.components))), "decks": ",".join(setup.decks),
            "time_box_minutes": setup.time_box_minutes, "prompt_minutes": setup.prompt_minutes,
            "dots_per_participant": setup.dots_per_participant}
        changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if not changes:
            return view
        if "participants" in changes:
            queries.replace_room(db=db, session_id=session_id,
                                 person_ids=[people[k] for k in after["participants"]])
        if "components" in changes:
            queries.replace_focus(db=db, session_id=session_id,
                                  component_ids=[components[k] for k in after["components"]])
        row.title, row.phase, row.held_on, row.goal = (
            after["title"], after["phase"], after["held_on"], after["goal"])
        row.facilitator_id = people[setup.facilitator]
        row.decks = after["decks"]
        row.time_box_minutes, row.prompt_minutes, row.dots_per_participant = (
            after["time_box_minutes"], after["prompt_minutes"], after["dots_per_participant"])
        _audit_session(db, row, actor, "update", changes)
        return _view(db, row)


def components_of(store: Store, engagement_key: str) -> list[tuple[str, str, str]]:
    """(key, name, kind) of every component of an engagement, for the set-up form."""
    with store.read() as db:
        return queries.components_of(db=db, engagement_key=engagement_key)


# --- reading -------------------------------------------------------------------------------


def get_session(store: Store, ref: str) -> SessionView:
    """The session named by ref (`ENGAGEMENT/SESSION`, or `SESSION` when unambiguous)."""
    with store.read() as db:
        return _view(db, _find(db, ref))


def session_by_id(store: Store, session_id: int) -> SessionView:
    """The session with database id session_id (the screen keeps the id once opened)."""
    with store.read() as db:
        return _view(db, _row(db, session_id))


def session_prompts(
    view: SessionView, template_dirs: list[Path]
) -> tuple[list[Prompt], list[str]]:
    """The prompts the session walks, in order, and every problem met loading its decks.

    The session's decks are used in the order it names them (every deck when it names none),
    with prompts tied to the kinds of the components in focus first. A deck that is broken or
    missing is reported and left out: the session still runs on the others.
    """
    loaded = load_decks(template_dirs)
    problems = list(loaded.problems)
    by_name = {deck.name: deck for deck in loaded.decks}
    if view.decks:
        decks = [by_name[name] for name in view.decks if name in by_name]
        problems += [f"deck {name!r} of this session did not load; its prompts are left out"
                     for name in view.decks if name not in by_name]
    else:
        decks = list(loaded.decks)
    return order_for_session(decks, view.focus_kinds()), problems


def prompt_titles(prompts: list[Prompt]) -> dict[str, str]:
    """prompt id -> title, for promotion and the minutes."""
    return {prompt.id: prompt.title for prompt in prompts}


# --- running -------------------------------------------------------------------------------


@retried
def start_session(
    store: Store, session_id: int, *, actor: str, now: datetime | None = None
) -> SessionView:
    """Start the clock: a planned session's first sitting, or a new sitting of an ended one
    (the room is back; the earlier sittings keep their start and end). A running session is
    left as it is."""
    with store.write() as db:
        row = _row(db, session_id)
        sittings = queries.sitting_rows(db=db, session_id=session_id)
        if row.status == "running" and sittings and sittings[-1].ended_at is None:
            return _view(db, row)
        at = now or _now()
        sitting = SessionSitting(session_id=session_id, number=len(sittings) + 1,
                                 started_at=at)
        db.add(sitting)
        before = (row.status, row.started_at, row.ended_at)
        row.status = "running"
        if row.started_at is None:
            row.started_at = at  # the first sitting's start: never overwritten
        row.ended_at = None
        _audit_session(db, row, actor, "start" if sitting.number == 1 else "reopen", {
            "status": (before[0], row.status), "started_at": (before[1], row.started_at),
            "ended_at": (before[2], None), "sitting": (None, sitting.number),
            "sitting_started_at": (None, at)})
        return _view(db, row)


@retried
def move_to_prompt(store: Store, session_id: int, index: int, *, actor: str) -> None:
    """Remember which prompt the room is on, so a reopened session resumes there."""
    if index < 0:
        raise UserError("there is no prompt before the first")
    with store.write() as db:
        row = _row(db, session_id)
        if row.current_prompt != index:
            _audit_session(db, row, actor, "update",
                           {"current_prompt": (row.current_prompt, index)})
            row.current_prompt = index


@retried
def end_session(
    store: Store, session_id: int, *, actor: str, now: datetime | None = None
) -> SessionView:
    """Stop the clock and close the running sitting; ideas can still be edited, voted on and
    promoted afterwards. An ended session is left as it is."""
    with store.write() as db:
        row = _row(db, session_id)
        if row.status == "ended":
            return _view(db, row)
        at = now or _now()
        sittings = queries.sitting_rows(db=db, session_id=session_id)
        changes: dict[str, tuple[Any, Any]] = {"status": (row.status, "ended"),
                                               "ended_at": (None, at)}
        # A planned session ended without being started has no sitting to close.
        if sittings and sittings[-1].ended_at is None:
            sittings[-1].ended_at = at
            changes["sitting"] = (None, sittings[-1].number)
        row.status = "ended"
        row.ended_at = at
        _audit_session(db, row, actor, "end", changes)
        return _view(db, row)


@retried
def capture_idea(
    store: Store, *, session_id: int, text: str, author: str, actor: str,
    prompt_id: str = "", component: str = "",
) -> IdeaView:
    """Add an idea as it is voiced, attributed to author (a person key in the room).

    The idea keeps the prompt and component it came from. Raises UserError for empty text or
    an author who is not in the room; nothing is written then.
    """
    try:
        cleaned = rules.idea_text(text)
    except ValueError as error:
        raise UserError(str(error)) from None
    with store.write() as db:
        found = queries.capture_context(db=db, session_id=session_id)
        if found is None:
            raise NotFound(f"no session with id {session_id}")
        engagement_id, session_key, facilitator_id, engagement_key = found
        _take_turn(_row(db, session_id, lock=True))
        author_id = queries.person_id(db=db, key=author)
        in_room = author_id is not None and (author_id == facilitator_id or queries.in_room(
            db=db, session_id=session_id, person_id=author_id))
        if not in_room:
            raise UserError(f"{author!r} is not in this session's room; add them to the "
                            "participants first")
        component_id = None
        if component:
            component_id = queries.component_id(db=db, engagement_id=engagement_id,
                                                key=component)
            if component_id is None:
                raise UserError(f"{component!r} is not a component of {engagement_key}")
        last = queries.last_position(db=db, session_id=session_id)
        position = 0 if last is None else last + 1
        now = _now()
        idea = Idea(session_id=session_id, position=position, text=cleaned, author_id=author_id,
                    prompt_id=clean_line(prompt_id)[:64], component_id=component_id,
                    votes=0, status=rules.OPEN, created_at=now)
        db.add(idea)
        db.flush()
        audit.record(
            db=db, actor=actor, entity="idea",
            entity_key=f"{engagement_key}/{session_key}#{position + 1}", action="create",
            changes={"text": (None, cleaned), "author": (None, author),
                     "prompt": (None, idea.prompt_id), "component": (None, component or None)},
        )
        return IdeaView(id=idea.id or 0, position=position, text=cleaned, authors=(author,),
                        prompt_id=idea.prompt_id, component=component)


@retried
def edit_idea(
    store: Store, idea_id: int, text: str, *, actor: str, expected_version: int | None = None
) -> SessionView:
    """Replace an idea's text (say, to clarify it once the room has discussed it).

    expected_version (as for tag_idea and park_idea) is the IdeaView.version the change was
    made on: when the idea was changed since, nothing is written and Conflict carries it.
    """
    try:
        cleaned = rules.idea_text(text)
    except ValueError as error:
        raise UserError(str(error)) from None
    with store.write() as db:
        idea, row = _idea_and_session(db, idea_id, expected_version)
        if idea.text != cleaned:
            _audit_idea(db, row, idea, actor, "update", {"text": (idea.text, cleaned)})
            idea.text = cleaned
        return _view(db, row)


@retried
def tag_idea(
    store: Store, idea_id: int, component: str, *, actor: str,
    expected_version: int | None = None,
) -> SessionView:
    """Tag an idea with a component of the engagement ("" removes the tag)."""
    with store.write() as db:
        idea, row = _idea_and_session(db, idea_id, expected_version)
        component_id = None
        if component:
            component_id = queries.component_id(db=db, engagement_id=row.engagement_id,
                                                key=component)
            if component_id is None:
                raise UserError(f"{component!r} is not a component of this engagement")
        if idea.component_id != component_id:
            old = queries.component_key(db=db, component_id=idea.component_id)
            _audit_idea(db, row, idea, actor, "update", {"component": (old, component or None)})
            idea.component_id = component_id
        return _view(db, row)


@retried
def park_idea(
    store: Store, idea_id: int, *, actor: str, parked: bool = True,
    expected_version: int | None = None,
) -> SessionView:
    """Park an idea (kept in the minutes, not pursued now), or bring it back (parked=False)."""
    with store.write() as db:
        idea, row = _idea_and_session(db, idea_id, expected_version)
        if idea.merged_into_id is not None:
            raise UserError("this idea was merged into another; work on that one")
        if idea.status == rules.PROMOTED:
            raise UserError("this idea is already a draft disclosure; delete the disclosure "
                            "instead if it is not worth pursuing")
        wanted = rules.PARKED if parked else rules.OPEN
        if idea.status != wanted:
            _audit_idea(db, row, idea, actor, "update", {"status": (idea.status, wanted)})
            idea.status = wanted
        return _view(db, row)


@retried
def merge_ideas(store: Store, survivor_id: int, absorbed_id: int, *, actor: str) -> SessionView:
    """Merge a duplicate into an idea: the survivor keeps every author and every dot.

    The absorbed idea stays in the record (parked, pointing at the survivor) so the minutes
    still show what was said and by whom.
    """
    with store.write() as db:
        survivor, row = _idea_and_session(db, survivor_id)
        absorbed, other_row = _idea_and_session(db, absorbed_id)
        if other_row.id != row.id:
            raise UserError("both ideas must come from the same session")
        view = _view(db, row)
        survivor_view, absorbed_view = view.idea(survivor_id), view.idea(absorbed_id)
        assert survivor_view is not None and absorbed_view is not None
        problem = rules.merge_problem(survivor_view, absorbed_view)
        if problem:
            raise UserError(problem)

        authors = rules.merged_authors(survivor_view.authors, absorbed_view.authors)
        ids = queries.person_ids(db=db, keys=authors)
        queries.replace_authors(db=db, idea_id=survivor_id,
                                person_ids=[ids[key] for key in authors])
        survivor_dots = queries.dots_by_person(db=db, idea_id=survivor_id)
        absorbed_dots = queries.dots_by_person(db=db, idea_id=absorbed_id)
        dots = rules.merged_dots(survivor_dots, absorbed_dots)
        queries.move_votes(db=db, from_ids=[survivor_id, absorbed_id], to_id=survivor_id,
                           dots=dots)
        keys = queries.person_keys(db=db, ids=[*survivor_dots, *absorbed_dots])

        text = rules.merged_text(survivor.text, absorbed.text)
        changes: dict[str, tuple[Any, Any]] = {
            "authors": (survivor_view.authors, authors),
            "votes": (survivor.votes, survivor.votes + absorbed.votes),
            "merged": (None, f"#{absorbed.position + 1}"),
            # Whose dots were where, so the merge can be undone exactly (unmerge_idea).
            "dots": (_by_key(survivor_dots, keys), _by_key(dots, keys)),
        }
        if text != survivor.text:
            changes["text"] = (survivor.text, text)
        _audit_idea(db, row, survivor, actor, "merge", changes)
        _audit_idea(db, row, absorbed, actor, "merge", {
            "status": (absorbed.status, rules.PARKED),
            "merged_into": (None, f"#{survivor.position + 1}"),
            "votes": (absorbed.votes, 0), "dots": (_by_key(absorbed_dots, keys), {})})
        survivor.text = text
        survivor.votes += absorbed.votes
        absorbed.votes = 0
        absorbed.status = rules.PARKED
        absorbed.merged_into_id = survivor_id
        db.flush()
        return _view(db, row)


@retried
def unmerge_idea(store: Store, idea_id: int, *, actor: str) -> SessionView:
    """Undo a merge: of idea_id when it was merged into another, else the last merge into
    idea_id (the list shows survivors only). The merged idea is what it was before, and the
    idea it went into gets back the text, authors and dots it had.

    Refused, with nothing changed, while anything happened to either idea after the merge (an
    edit, a dot, a later merge: undo that first), and for a merge that moved dots before
    merges recorded whose they were. The undo is recorded beside the merge ("unmerge").
    """
    with store.write() as db:
        absorbed, row = _idea_and_session(db, idea_id, lock=True)
        ref = queries.session_ref(db=db, session=row)

        def last_merge(idea: Idea) -> AuditEvent | None:
            """The merge into idea that undoing comes to next: its latest merge, passing
            merges already undone; None when anything else happened to it since."""
            undone = 0
            for event in queries.idea_events(db=db, entity_key=f"{ref}#{idea.position + 1}"):
                if event.action == "unmerge":
                    undone += 1
                elif event.action == "merge" and "merged" in json.loads(event.changes):
                    if not undone:
                        return event
                    undone -= 1
                else:
                    return None
            return None

        if absorbed.merged_into_id is None:
            event = last_merge(absorbed)
            if event is None:
                raise UserError(f"idea #{absorbed.position + 1} is not merged, and nothing "
                                "merged into it can be undone (a change after the merge "
                                "comes first): there is no merge to undo")
            into = json.loads(event.changes)["merged"][1]
            found = queries.idea_at(db=db, session_id=row.id or 0,
                                    position=int(str(into).lstrip("#")) - 1)
            if found is None or found.merged_into_id != absorbed.id:
                raise UserError(f"idea {into} is no longer merged into "
                                f"#{absorbed.position + 1}")
            absorbed = found
        assert absorbed.merged_into_id is not None
        survivor, _ = _idea_and_session(db, absorbed.merged_into_id)
        merged = {survivor.id: last_merge(survivor),
                  absorbed.id: queries.last_idea_event(
                      db=db, entity_key=f"{ref}#{absorbed.position + 1}")}
        for idea in (survivor, absorbed):
            event = merged[idea.id]
            if event is None or event.action != "merge" or (
                    idea is survivor
                    and json.loads(event.changes).get("merged", [None, None])[1]
                    != f"#{absorbed.position + 1}"):
                raise UserError(
                    f"idea #{idea.position + 1} changed after the merge of "
                    f"#{absorbed.position + 1} (a later merge, an edit or a dot); undo or "
                    "reverse that first, then undo the merge")
        kept = json.loads(merged[survivor.id].changes)  # type: ignore[union-attr]
        gone = json.loads(merged[absorbed.id].changes)  # type: ignore[union-attr]
        if "dots" not in kept and (gone.get("votes", [0, 0])[0] or 0) > 0:
            raise UserError(f"the merge of #{absorbed.position + 1} moved dots before merges "
                            "recorded whose they were, so it cannot be undone exactly; "
                            "leave it merged")
        authors = tuple(kept["authors"][0])
        survivor_dots = kept.get("dots", [None, None])[0]
        absorbed_dots = gone.get("dots", [{}, {}])[0]
        ids = queries.person_ids(db=db, keys=[*authors, *(survivor_dots or {}),
                                              *absorbed_dots])
        queries.replace_authors(db=db, idea_id=survivor.id or 0,
                                person_ids=[ids[key] for key in authors])
        if survivor_dots is not None:
            queries.move_votes(db=db, from_ids=[survivor.id or 0], to_id=survivor.id or 0,
                               dots={ids[k]: n for k, n in survivor_dots.items()})
            queries.move_votes(db=db, from_ids=[absorbed.id or 0], to_id=absorbed.id or 0,
                               dots={ids[k]: n for k, n in absorbed_dots.items()})
        text = kept.get("text", [survivor.text])[0]
        votes_before = kept["votes"][0]
        status_before = gone["status"][0]
        absorbed_votes = gone["votes"][0]
        changes: dict[str, Any] = {
            "authors": (kept["authors"][1], authors), "votes": (survivor.votes, votes_before),
            "unmerged": (f"#{absorbed.position + 1}", None)}
        if text != survivor.text:
            changes["text"] = (survivor.text, text)
        _audit_idea(db, row, survivor, actor, "unmerge", changes)
        _audit_idea(db, row, absorbed, actor, "unmerge", {
            "status": (absorbed.status, status_before),
            "merged_into": (f"#{survivor.position + 1}", None),
            "votes": (absorbed.votes, absorbed_votes)})
        survivor.text, survivor.votes = text, votes_before
        absorbed.status, absorbed.votes, absorbed.merged_into_id = (
            status_before, absorbed_votes, None)
        db.flush()
        return _view(db, row)


def _by_key(dots: Mapping[int, int], keys: Mapping[int, str]) -> dict[str, int]:
    """person id -> dots, as person key -> dots (the audit trail names people by key)."""
    return {keys[person]: count for person, count in sorted(dots.items()) if person in keys}


@retried
def vote(
    store: Store, idea_id: int, person: str, *, actor: str, delta: int = 1
) -> SessionView:
    """Put one of person's dots on an idea (delta=1) or take one back (delta=-1)."""
    if delta not in (1, -1):
        raise UserError("a vote moves one dot at a time")
    with store.write() as db:
        idea, row = _idea_and_session(db, idea_id, lock=True)
        _take_turn(row)
        view = _view(db, row)
        idea_view = view.idea(idea_id)
        assert idea_view is not None
        person_id = queries.person_id(db=db, key=person)
        existing = None
        if person_id is not None:
            existing = queries.vote_row(db=db, idea_id=idea_id, person_id=person_id)
        room = [p.key for p in view.participants]
        problem = rules.vote_problem(
            idea=idea_view, person=person, delta=delta, room_keys=room,
            spent=view.dots_spent.get(person, 0),
            on_this_idea=existing.dots if existing else 0,
            allowance=row.dots_per_participant,
        )
        if problem:
            raise UserError(problem)
        assert person_id is not None
        if existing is None:
            db.add(IdeaVote(idea_id=idea_id, person_id=person_id, dots=delta))
        elif existing.dots + delta == 0:
            db.delete(existing)
        else:
            existing.dots += delta
        _audit_idea(db, row, idea, actor, "vote",
                    {"votes": (idea.votes, idea.votes + delta), "by": (None, person)})
        idea.votes += delta
        db.flush()
        return _view(db, row)


@retried
def promote_idea(
    store: Store, idea_id: int, *, actor: str, prompt_titles: Mapping[str, str] | None = None
) -> str:
    """Turn an idea (with everything merged into it) into a draft disclosure; its key.

    The disclosure is pre-filled from the idea and the session and records where it came
    from (source idea, session and prompt); the idea is marked promoted in the same
    transaction, so either both happen or neither does.
    """
    with store.write() as db:
        _idea, row = _idea_and_session(db, idea_id)
        return _promote_in(db, _view(db, row), idea_id, actor, prompt_titles or {})


@retried
def promote_top(
    store: Store, session_id: int, n: int = rules.DEFAULT_TOP, *, actor: str,
    prompt_titles: Mapping[str, str] | None = None,
) -> list[str]:
    """Promote the n open ideas with the most dots, in one transaction; their keys in order."""
    with store.write() as db:
        view = _view(db, _row(db, session_id))
        chosen = rules.top_ideas(view.ideas, n)
        if not chosen:
            raise UserError("no open idea has any dots yet; vote first, or promote one idea")
        return [_promote_in(db, view, idea.id, actor, prompt_titles or {}) for idea in chosen]


def _promote_in(
    db: Session, view: SessionView, idea_id: int, actor: str, prompt_titles: Mapping[str, str]
) -> str:
    idea_view = view.idea(idea_id)
    assert idea_view is not None
    if idea_view.status != rules.OPEN and idea_view.status != rules.PARKED:
        what = idea_view.promoted_key or "a disclosure"
        raise UserError(f"idea #{idea_view.number} is {idea_view.status}"
                        + (f" (to {what})" if idea_view.status == rules.PROMOTED else "")
                        + "; promote an open idea")
    draft = rules.promotion_draft(view, idea_view,
                                  prompt_title=prompt_titles.get(idea_view.prompt_id, ""))
    draft = draft.cleaned()
    problems = errors(validate(draft))
    if problems:
        raise ValidationFailed(problems)
    disclosure = disclosure_service.insert_in(db=db, draft=draft, actor=actor, key=None,
                                              events=())
    disclosure.source_idea_id = idea_id
    disclosure.source_session_id = view.id
    disclosure.source_prompt_id = idea_view.prompt_id
    idea = queries.idea_row(db=db, idea_id=idea_id)
    assert idea is not None
    row = _row(db, view.id)
    _audit_idea(db, row, idea, actor, "promote",
                {"status": (idea.status, rules.PROMOTED), "disclosure": (None, disclosure.key)})
    idea.status = rules.PROMOTED
    db.flush()
    return disclosure.key


# --- helpers -------------------------------------------------------------------------------


def _find(db: Session, ref: str) -> ExtractionSession:
    engagement_key, key = rules.parse_session_ref(ref)
    found = queries.sessions_named(db=db, key=key, engagement_key=engagement_key)
    if not found:
        raise NotFound(f"no session {ref!r}; `firstfile sessions list` shows them "
                       "as ENGAGEMENT/SESSION")
    if len(found) > 1:
        where = ", ".join(sorted(f"{e}/{s.key}" for s, e in found))
        raise UserError(f"session {key!r} exists in several engagements ({where}); "
                        "name it as ENGAGEMENT/SESSION")
    return found[0][0]


def _row(db: Session, session_id: int, *, lock: bool = False) -> ExtractionSession:
    row = queries.session_row(db=db, session_id=session_id, lock=lock)
    if row is None:
        raise NotFound(f"no session with id {session_id}")
    return row


def _idea_and_session(
    db: Session, idea_id: int, expected_version: int | None = None, *, lock: bool = False
) -> tuple[Idea, ExtractionSession]:
    """The idea and its session; Conflict (carrying the stored idea) when expected_version is
    given and the idea has changed since. lock=True takes the session's row lock first (see
    queries.session_row) and reads the idea again under it."""
    idea = queries.idea_row(db=db, idea_id=idea_id)
    if idea is None:
        raise NotFound(f"no idea with id {idea_id}")
    row = _row(db, idea.session_id, lock=lock)
    if lock:
        db.refresh(idea)
    if expected_version is not None and idea.version != expected_version:
        raise Conflict(f"idea #{idea.position + 1} was changed elsewhere since you saw it "
                       f"(version {idea.version}, yours {expected_version}); nothing was saved",
                       current=_view(db, row).idea(idea_id))
    return idea, row


def _take_turn(row: ExtractionSession) -> None:
    """Claim the session for this unit of work (its version goes up, storage/versions.py).

    Two captures or votes in one session at once then take turns on PostgreSQL as they do
    on SQLite: the loser runs again (services/races.py), so ideas keep distinct numbers and
    nobody spends more dots than the session allows.
    """
    row.version += 1


def _audit_session(db: Session, row: ExtractionSession, actor: str, action: str,
                   changes: dict[str, tuple[Any, Any]]) -> None:
    audit.record(db=db, actor=actor, entity="session",
                 entity_key=queries.session_ref(db=db, session=row), action=action,
                 changes=changes)


def _audit_idea(db: Session, row: ExtractionSession, idea: Idea, actor: str, action: str,
                changes: dict[str, tuple[Any, Any]]) -> None:
    audit.record(db=db, actor=actor, entity="idea",
                 entity_key=f"{queries.session_ref(db=db, session=row)}#{idea.position + 1}",
                 action=action, changes=changes)


def _view(db: Session, row: ExtractionSession) -> SessionView:
    return queries.session_view(db=db, session=row)
