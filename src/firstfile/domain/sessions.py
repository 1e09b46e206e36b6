"""Extraction sessions as plain data, and the rules a facilitator's room plays by.

A directed invention brainstorming session (seed article; REFERENCE.md sections 1 and 5) walks
prompt decks with engineers, counsel and sometimes vendor staff in the room. Ideas are captured
as they are voiced, duplicates are merged (the survivor keeps every author: each may be an
inventor), participants spend a fixed number of dots on the ideas worth disclosing, and the
top ideas are promoted to draft disclosures. These rules are pure: the services apply them and
store the result; the screen, the CLI and the minutes only read the views.

Statuses. An idea is `open`, `parked` (kept, not pursued now), `promoted` (a draft disclosure
was made from it) or merged. A merged idea is stored as parked with `merged_into` set, because
the interchange format knows only open, parked and promoted (docs/FORMAT.md): a session then
writes out and reads back unchanged, and `IdeaView.status` reports it as "merged".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry, even_split
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import PHASES

# Whoever holds the dots: a person key in the domain, a person id in storage.
_Voter = TypeVar("_Voter")

OPEN = "open"
PARKED = "parked"
PROMOTED = "promoted"
MERGED = "merged"
# What the database and the interchange format hold; "merged" is derived (see above).
STORED_IDEA_STATUSES: tuple[str, ...] = (OPEN, PARKED, PROMOTED)
IDEA_STATUSES: tuple[str, ...] = (OPEN, PARKED, MERGED, PROMOTED)

SESSION_STATUSES: tuple[str, ...] = ("planned", "running", "ended")

IDEA_MAX_CHARS = 20_000  # a spoken idea; a pasted document belongs in a disclosure
TITLE_WORDS = 10  # counsel asks for ten words or fewer (domain/disclosure.py)
TITLE_MAX_CHARS = 120
DEFAULT_TOP = 3


# --- views ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParticipantView:
    """Someone in the room, with the organisation they belonged to at the time."""

    person_id: int
    key: str
    name: str
    organization: str = "internal"  # "internal" or a vendor key
    organization_name: str = ""

    @property
    def is_vendor(self) -> bool:
        """Vendor staff in the room make any idea they contribute a possible joint invention."""
        return self.organization != "internal"


@dataclass(frozen=True, slots=True)
class IdeaView:
    """One idea as the room sees it."""

    id: int
    position: int  # the order the room raised it in, from 0
    text: str
    authors: tuple[str, ...]  # person keys, the first author first
    prompt_id: str = ""
    component: str = ""  # component key
    votes: int = 0
    stored_status: str = OPEN
    merged_into: int | None = None  # the id of the idea this one was merged into
    promoted_key: str = ""  # the disclosure made from it, when known
    version: int = 1  # the stored idea's version, to pass back when changing it

    @property
    def status(self) -> str:
        """open, parked, merged or promoted."""
        return MERGED if self.merged_into is not None else self.stored_status

    @property
    def number(self) -> int:
        """The 1-based number shown to the room and used in the minutes (#1, #2, ...)."""
        return self.position + 1


@dataclass(frozen=True, slots=True)
class SittingView:
    """One sitting of a session: when the room met and when it stopped (None: still sitting)."""

    number: int  # 1, 2, ... in the order the room met
    started_at: datetime
    ended_at: datetime | None = None

    def seconds(self, now: datetime) -> int:
        """Whole seconds the sitting lasted, or has lasted until now while it runs."""
        return max(0, int(((self.ended_at or now) - self.started_at).total_seconds()))


def held_seconds(sittings: Sequence[SittingView], now: datetime) -> int:
    """The session's held time: the sum of its sittings (an open one counted until now)."""
    return sum(sitting.seconds(now) for sitting in sittings)


@dataclass(frozen=True, slots=True)
class SessionView:
    """An extraction session with its set-up, its room and its ideas in raised order."""

    id: int
    engagement_key: str
    engagement_name: str
    key: str
    title: str
    phase: str
    held_on: date | None
    goal: str
    facilitator: str  # person key
    facilitator_name: str
    status: str
    time_box_minutes: int
    prompt_minutes: int
    dots_per_participant: int
    decks: tuple[str, ...]
    current_prompt: int
    started_at: datetime | None
    ended_at: datetime | None
    participants: tuple[ParticipantView, ...] = ()
    components: tuple[str, ...] = ()  # keys of the components in focus
    ideas: tuple[IdeaView, ...] = ()
    # Every component of the engagement, (key, name, kind), for tagging ideas.
    engagement_components: tuple[tuple[str, str, str], ...] = ()
    # person key -> dots that person has spent on ideas still in play.
    dots_spent: Mapping[str, int] = field(default_factory=dict)
    # Every sitting, in order; started_at/ended_at above are the first start and last end.
    sittings: tuple[SittingView, ...] = ()

    @property
    def ref(self) -> str:
        """`ENGAGEMENT/SESSION`, which names the session unambiguously."""
        return f"{self.engagement_key}/{self.key}"

    def participant(self, key: str) -> ParticipantView | None:
        """The participant with person key, if present."""
        return next((p for p in self.participants if p.key == key), None)

    def idea(self, idea_id: int) -> IdeaView | None:
        """The idea with id, if it belongs to this session."""
        return next((i for i in self.ideas if i.id == idea_id), None)

    def focus_kinds(self) -> set[str]:
        """The kinds of the components in focus, which decide the prompt order."""
        focus = set(self.components)
        return {kind for key, _name, kind in self.engagement_components if key in focus and kind}


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One line of `firstfile sessions list`."""

    engagement_key: str
    key: str
    title: str
    phase: str
    held_on: date | None
    status: str
    facilitator: str
    participants: int
    ideas: int
    promoted: int

    @property
    def ref(self) -> str:
        return f"{self.engagement_key}/{self.key}"


@dataclass(frozen=True, slots=True)
class SessionSetup:
    """What a facilitator fills in before the session starts."""

    engagement_key: str
    key: str
    title: str
    phase: str
    facilitator: str  # person key
    held_on: date
    goal: str = ""
    participants: tuple[str, ...] = ()  # person keys
    components: tuple[str, ...] = ()  # component keys in focus
    decks: tuple[str, ...] = ()  # deck names, in walking order
    time_box_minutes: int = 60
    prompt_minutes: int = 5
    dots_per_participant: int = 3


# --- set-up --------------------------------------------------------------------------------


def check_setup(setup: SessionSetup, phases: Sequence[str] = PHASES) -> list[str]:
    """Every problem with a set-up, each saying what to fix; empty when it can be saved."""
    problems: list[str] = []
    if not is_valid_record_key(setup.key):
        problems.append(f"session key {setup.key!r}: use letters, digits, '.', '_' or '-' "
                        "(such as pre-1)")
    if not setup.title.strip():
        problems.append("title: say what the session is for in a few words")
    if setup.phase not in phases:
        problems.append(f"phase: use one of {', '.join(phases)}, not {setup.phase!r}")
    if not setup.facilitator:
        problems.append("facilitator: choose who runs the session")
    if not setup.participants:
        problems.append("participants: choose who is in the room")
    if not 5 <= setup.time_box_minutes <= 8 * 60:
        problems.append("time box: between 5 and 480 minutes")
    if not 1 <= setup.prompt_minutes <= setup.time_box_minutes:
        problems.append("minutes per prompt: at least 1 and no more than the time box")
    if not 1 <= setup.dots_per_participant <= 20:
        problems.append("dots per participant: between 1 and 20")
    if len(",".join(setup.decks)) > 400:
        problems.append("decks: too many decks for one session")
    return problems


def room(participants: Iterable[str], facilitator: str) -> tuple[str, ...]:
    """Everyone in the room: the participants, and the facilitator, who may contribute too."""
    return tuple(dict.fromkeys([*participants, facilitator]))


# --- capture and editing -------------------------------------------------------------------


def idea_text(text: str) -> str:
    """Typed idea text as stored: control characters shown visibly, surrounding space gone.

    Raises ValueError with what to fix when nothing is left or far too much was pasted.
    """
    cleaned = clean_text(text).strip()
    if not cleaned:
        raise ValueError("type the idea before pressing Enter")
    if len(cleaned) > IDEA_MAX_CHARS:
        raise ValueError(f"an idea holds {IDEA_MAX_CHARS:,} characters at most; put long "
                         "detail in the disclosure once it is promoted")
    return cleaned


def next_participant(keys: Sequence[str], current: str, step: int = 1) -> str:
    """The participant after (or before, step=-1) current, wrapping around."""
    if not keys:
        return ""
    if current not in keys:
        return keys[0]
    return keys[(keys.index(current) + step) % len(keys)]


# --- merging -------------------------------------------------------------------------------


def merge_problem(survivor: IdeaView, absorbed: IdeaView) -> str | None:
    """Why absorbed cannot be merged into survivor, or None when it can."""
    if survivor.id == absorbed.id:
        return "choose two different ideas to merge"
    for idea in (survivor, absorbed):
        if idea.status == MERGED:
            return f"idea #{idea.number} is already merged into another; merge into that one"
        if idea.status == PROMOTED:
            made = idea.promoted_key or "promoted"
            return (f"idea #{idea.number} is already a disclosure ({made}); add the other "
                    "idea to that disclosure instead")
    return None


def merged_authors(survivor: Sequence[str], absorbed: Sequence[str]) -> tuple[str, ...]:
    """Every author of both ideas, the survivor's first, each once: nobody is dropped."""
    return tuple(dict.fromkeys([*survivor, *absorbed]))


def merged_dots(
    survivor: Mapping[_Voter, int], absorbed: Mapping[_Voter, int]
) -> dict[_Voter, int]:
    """The dots on the merged idea: each person's dots on both ideas, added.

    Nobody gets dots back or loses any: a person who voted for both duplicates has spent two
    dots on the same idea, as if they had put both there.
    """
    total = dict(survivor)
    for person, dots in absorbed.items():
        total[person] = total.get(person, 0) + dots
    return {person: dots for person, dots in total.items() if dots > 0}


def merged_text(survivor: str, absorbed: str) -> str:
    """The survivor's text, unless the absorbed idea adds words it lacks.

    Duplicates are usually the same idea in other words; keeping both sentences keeps what the
    second author added, which may be the inventive part.
    """
    if absorbed.strip().casefold() in survivor.casefold():
        return survivor
    return f"{survivor}\n{absorbed}"


# --- voting --------------------------------------------------------------------------------


def vote_problem(
    *, idea: IdeaView, person: str, delta: int, room_keys: Iterable[str],
    spent: int, on_this_idea: int, allowance: int,
) -> str | None:
    """Why person may not move delta dots onto (or, negative, off) idea, or None."""
    if person not in set(room_keys):
        return f"{person!r} is not in this session's room"
    if delta > 0 and idea.status in (MERGED, PARKED):
        return f"idea #{idea.number} is {idea.status}; vote on an open idea"
    if delta > 0 and spent + delta > allowance:
        return f"{person} has spent all {allowance} dots; take one back first"
    if delta < 0 and on_this_idea + delta < 0:
        return f"{person} has no dot on idea #{idea.number} to take back"
    return None


def tallies(votes: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Dots per idea from (idea id, dots) pairs."""
    total: dict[int, int] = {}
    for idea_id, dots in votes:
        total[idea_id] = total.get(idea_id, 0) + dots
    return total


def by_tally(ideas: Iterable[IdeaView]) -> list[IdeaView]:
    """The live list: merged ideas left out, most dots first, ties in the order raised.

    A new idea (no dots, raised last) therefore always goes to the end of the list.
    """
    return sorted((i for i in ideas if i.status != MERGED), key=lambda i: (-i.votes, i.position))


def top_ideas(ideas: Iterable[IdeaView], n: int) -> list[IdeaView]:
    """The n open ideas with the most dots (ties in the order raised); unvoted ideas never.

    An idea nobody voted for is not what the room chose, so fewer than n may come back.
    """
    if n < 1:
        return []
    return [i for i in by_tally(ideas) if i.status == OPEN and i.votes > 0][:n]


# --- promotion -----------------------------------------------------------------------------


def title_from_text(text: str) -> str:
    """A disclosure title from an idea: its first sentence, shortened to ten words when
    longer, at a word boundary and without an ellipsis: it is stored as the title, and an
    ellipsis in a record reads as text that was lost. The idea's full text is the summary
    (promotion_draft), so nothing is lost."""
    first = clean_line(text.strip().splitlines()[0] if text.strip() else "")
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].rstrip(".!? ")
    words = sentence.split()[:TITLE_WORDS]
    while len(words) > 1 and len(" ".join(words)) > TITLE_MAX_CHARS:
        words.pop()
    title = " ".join(words)[:TITLE_MAX_CHARS].rstrip(",;:-– ")
    return title or "Idea from an extraction session"


def title_shortened(text: str) -> bool:
    """True when the title an idea becomes (title_from_text) leaves part of its text out: the
    person promoting it is shown the title first (the summary keeps the whole text)."""
    whole = " ".join(clean_line(text).split()).rstrip(".!? ")
    return title_from_text(text) != whole


def shortened_title_note(ideas: Sequence[IdeaView]) -> str:
    """What promoting ideas does to those whose text is longer than a title: each title as it
    will be saved, and where the full text goes. Empty when no title is shortened."""
    cut = [idea for idea in ideas if title_shortened(idea.text)]
    if not cut:
        return ""
    lines = [f"  #{idea.number}: {title_from_text(idea.text)}" for idea in cut]
    return ("\n".join(lines) + f"\n\nA title is the idea's first sentence, at most "
            f"{TITLE_WORDS} words and {TITLE_MAX_CHARS} characters, cut between words; the "
            "idea's full text goes into the summary, so nothing is lost.")


def provenance(session: SessionView, idea: IdeaView, prompt_title: str = "") -> str:
    """Where the idea's record is kept: the session, its date, the idea and the prompt."""
    when = session.held_on.isoformat() if session.held_on else "undated"
    answered = ""
    if idea.prompt_id:
        answered = f", answering prompt {idea.prompt_id}"
        if prompt_title:
            answered += f" ({prompt_title})"
    return (f"Extraction session {session.ref} \"{session.title}\" on {when}, idea "
            f"#{idea.number}{answered}; the session minutes record who was in the room.")


def promotion_draft(
    session: SessionView, idea: IdeaView, *, prompt_title: str = "",
    absorbed: Sequence[IdeaView] = (),
) -> DisclosureDraft:
    """The draft disclosure an idea (with the ideas merged into it) becomes.

    Title and summary come from the idea; its authors are the inventors (in the order they
    contributed, editable later); the engagement, phase, component and the session date as the
    conception date come from the session; the record says which session and prompt it came
    from (the disclosure also links to them).
    """
    summary = idea.text
    for other in absorbed:
        summary = merged_text(summary, other.text)
    authors = merged_authors(idea.authors, [a for other in absorbed for a in other.authors])
    return DisclosureDraft(
        title=title_from_text(idea.text),
        summary=summary,
        engagement_key=session.engagement_key,
        phase=session.phase,
        status="draft",
        conception_date=session.held_on,
        records_location=provenance(session, idea, prompt_title),
        # Shares split evenly, so the draft is complete; the inventors correct them.
        inventors=tuple(InventorEntry(person_key=key, contribution=share)
                        for key, share in zip(authors, even_split(len(authors)), strict=True)),
        components=(idea.component,) if idea.component else (),
    )


# --- references and clocks -----------------------------------------------------------------


def parse_session_ref(ref: str) -> tuple[str | None, str]:
    """`ENGAGEMENT/SESSION` -> (engagement, session); a plain `SESSION` -> (None, session)."""
    engagement, slash, key = ref.strip().partition("/")
    if not slash:
        return None, engagement
    return engagement, key


def prompts_that_fit(time_box_minutes: int, prompt_minutes: int) -> int:
    """How many prompts the room can walk in the time box (at least one)."""
    return max(1, time_box_minutes // max(1, prompt_minutes))


def decks_that_fit(decks: Sequence[tuple[str, int]], time_box_minutes: int,
                   prompt_minutes: int) -> tuple[str, ...]:
    """The default decks of a session: (name, prompt count) taken in the order given, each
    deck that still fits the time box, so a 60-minute session at 5 minutes a prompt is not
    offered 77 prompts. When no deck fits whole, the smallest one: a session needs prompts."""
    room = prompts_that_fit(time_box_minutes, prompt_minutes)
    chosen: list[str] = []
    for name, count in decks:
        if 0 < count <= room:
            chosen.append(name)
            room -= count
    if not chosen and decks:
        chosen.append(min(decks, key=lambda deck: deck[1])[0])
    return tuple(chosen)


def time_box_left(view: SessionView, now: datetime) -> int:
    """Whole seconds left of the session's time box after every sitting so far (negative:
    overtime); an ended session's clock stands where its last sitting stopped."""
    if not view.sittings:
        return seconds_left(view.started_at, view.time_box_minutes,
                            view.ended_at or now)
    return view.time_box_minutes * 60 - held_seconds(view.sittings, now)


def seconds_left(started: datetime | None, minutes: int, now: datetime) -> int:
    """Whole seconds left of a countdown of minutes started at started (negative: overtime)."""
    if started is None:
        return minutes * 60
    elapsed = (now - started).total_seconds()
    return int(minutes * 60 - elapsed) if elapsed <= minutes * 60 else -int(
        elapsed - minutes * 60)


def format_countdown(seconds: int) -> str:
    """mm:ss, with a minus sign once the time is up (the room sees it is overrunning)."""
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(seconds), 60)
    return f"{sign}{minutes:02d}:{secs:02d}"


def component_for_prompt(
    prompt_kinds: Sequence[str], focus: Sequence[tuple[str, str]]
) -> str:
    """The component in focus an idea raised by a prompt belongs to, or "" when unclear.

    focus is (component key, kind) for each component in focus. The first whose kind the
    prompt is tied to wins; a general prompt in a session focused on one component gives that
    component; otherwise the facilitator tags the idea by hand.
    """
    for key, kind in focus:
        if kind and kind in prompt_kinds:
            return key
    return focus[0][0] if len(focus) == 1 else ""
