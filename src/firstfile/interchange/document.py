"""The parsed form of one `firstfile/1` file: one engagement and everything recorded for it.

Plain frozen dataclasses, like the domain views, so the importer, the exporter and the tests
compare and pass them around without touching a database. Every reference between records
(a person's organisation, an inventor, a component's vendors) is a key, checked by the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.domain.strategy_record import RecordedStrategy
from firstfile.domain.tracers import Tracer
from firstfile.domain.views import EventView
from firstfile.interchange.places import Places

FORMAT_NAME = "firstfile/1"


@dataclass(frozen=True, slots=True)
class EngagementDoc:
    """The outsourcing engagement the file describes."""

    key: str
    name: str
    product: str = ""
    phase: str = "pre"  # pre | during | post | closed
    vendor_facing_name: str = ""  # what vendors see instead of the key and name


@dataclass(frozen=True, slots=True)
class SafeguardDoc:
    """Where one of the article's safeguards against competitor work stands for a vendor in
    this engagement (docs/RISK.md, section 6)."""

    kind: str  # field-of-business | exclusivity | premium-rate | licensing-incentive
    status: str  # open | in-progress | done | not-applicable
    date: date | None = None  # when it came into force, or was ruled out
    evidence: str = ""  # where the signed clause, rate card or licence is
    reason: str = ""  # why it does not apply
    who: str = ""  # who settled it


@dataclass(frozen=True, slots=True)
class VendorDoc:
    """A contract manufacturer, design firm, ODM or test house."""

    key: str
    name: str
    kind: str
    country: str  # ISO 3166 alpha-2, upper case
    competitors: tuple[str, ...] = ()  # names of competitors the vendor also serves
    nda_signed_on: date | None = None  # the NDA's term: signed ...
    nda_expires_on: date | None = None  # ... and when its confidentiality duty ends
    safeguards: tuple[SafeguardDoc, ...] = ()  # in this engagement


@dataclass(frozen=True, slots=True)
class PersonDoc:
    """Someone who takes part: own staff (organization "internal") or a vendor's staff."""

    key: str
    name: str
    email: str = ""
    organization: str = "internal"  # "internal" or a vendor key


@dataclass(frozen=True, slots=True)
class DecisionDoc:
    """What the user decided for a component, beside the firewall policy's recommendation."""

    disposition: str  # firewall | outsource-with-safeguards | outsource
    reason: str = ""  # why, when it goes against the recommendation
    decided_by: str = ""
    decided_on: date | None = None


@dataclass(frozen=True, slots=True)
class ActionDoc:
    """Where one design tactic stands for a component kept in-house that a vendor touches."""

    vendor: str  # vendor key
    tactic: str  # a tactic id of the firewall policy: sealed-module, onshore-servers, tracer
    status: str  # open | in-progress | done | not-applicable
    date: date | None = None
    evidence: str = ""
    reason: str = ""
    who: str = ""


@dataclass(frozen=True, slots=True)
class ComponentDoc:
    """A node of the component tree, scored 1-5 (each score with its one-line reason) to
    decide what to keep in-house, with the decision, assignments, pins and design tactics."""

    key: str
    name: str
    value_add: int
    differentiation: int
    reverse_engineering_difficulty: int
    kind: str = ""
    vendors: tuple[str, ...] = ()  # vendor keys that see this component
    parent: str = ""  # the component key of the subsystem it belongs to
    value_add_reason: str = ""
    differentiation_reason: str = ""
    reverse_engineering_difficulty_reason: str = ""
    assessor: str = ""
    assessed_on: date | None = None
    decision: DecisionDoc | None = None
    pinned: tuple[str, ...] = ()  # of vendors: the assignments the best split keeps
    actions: tuple[ActionDoc, ...] = ()


@dataclass(frozen=True, slots=True)
class CriticalSetDoc:
    """Components that together reveal a subsystem: no vendor should hold all of them."""

    key: str
    name: str
    members: tuple[str, ...]  # component keys, at least two
    reveals: str = ""  # the component key of the subsystem it reveals
    note: str = ""


@dataclass(frozen=True, slots=True)
class IdeaDoc:
    """One idea raised in an extraction session.

    ``author`` is the first author and ``authors`` every author, the first author first;
    give either or both. Once built, both are filled and ``authors`` holds the others in key
    order: the database keeps who contributed, not in which order (a merged idea's authors
    are equals), so two documents naming the same people compare equal.
    """

    text: str
    author: str = ""  # person key of the first author
    prompt: str = ""  # the id of the brainstorming prompt that raised it, if any
    component: str = ""  # component key, if the idea belongs to one
    votes: int = 0
    status: str = "open"  # open | parked | promoted
    authors: tuple[str, ...] = ()  # person keys of every author, the first author first
    # 1-based place, in the same session's ideas, of the idea this one was merged into.
    merged_into: int | None = None

    def __post_init__(self) -> None:
        first = self.author or (self.authors[0] if self.authors else "")
        others = sorted({key for key in self.authors if key and key != first})
        # Frozen: the normal form is set once, here, so equality means the same people.
        object.__setattr__(self, "author", first)
        object.__setattr__(self, "authors", tuple([first, *others]) if first else
                           tuple(others))


@dataclass(frozen=True, slots=True)
class SittingDoc:
    """One sitting of a session: when the room met and when it stopped (None: it still sits,
    only the last sitting). Times are UTC."""

    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionDoc:
    """An extraction session (before, during or after the engagement) and its ideas."""

    key: str
    title: str
    phase: str
    date: date
    facilitator: str  # person key
    goal: str = ""
    participants: tuple[str, ...] = ()  # person keys
    ideas: tuple[IdeaDoc, ...] = ()
    # How the facilitator set the session up (domain.sessions.SessionSetup has the same).
    time_box_minutes: int = 60
    prompt_minutes: int = 5
    dots_per_participant: int = 3
    decks: tuple[str, ...] = ()  # prompt deck names, in walking order
    components: tuple[str, ...] = ()  # keys of the components in focus
    # When the room met, in order; none in a file written before sittings were carried.
    sittings: tuple[SittingDoc, ...] = ()


@dataclass(frozen=True, slots=True)
class AttachmentDoc:
    """A file attached to a disclosure, named by its path relative to the interchange file's
    folder. ``data`` holds its bytes once read from beside the file (interchange/reader's
    read_document); it takes no part in equality, the SHA-256 does."""

    path: str
    name: str = ""  # the file's name as attached; the path's last part when empty
    caption: str = ""
    sha256: str = ""
    data: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def file_name(self) -> str:
        """The name the file is attached under."""
        return self.name or self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class DisclosureDoc:
    """An invention disclosure: the editable draft, its key if it has one, and its events.

    ``draft.engagement_key`` is the file's engagement; ``draft.submitter``, the inventors'
    ``person_key`` and ``draft.components`` are keys from the same file.
    """

    draft: DisclosureDraft
    key: str | None = None  # FF-YYYY-NNNN; None until the importer assigns one
    events: tuple[EventView, ...] = ()
    attachments: tuple[AttachmentDoc, ...] = ()
    # The day it was submitted, as the database that wrote the file recorded it; an import
    # keeps it rather than stamping the import's own date.
    submitted_on: date | None = None

    @property
    def title(self) -> str:
        """The disclosure's title (the matching key when it has no FF key yet)."""
        return self.draft.title


@dataclass(frozen=True, slots=True)
class InterchangeDocument:
    """One engagement file, read and checked.

    ``warnings`` are the draft-level notes (a contribution total that is not 100 on a draft,
    a title longer than counsel likes, control characters replaced), each formatted as
    ``file:line: path: message``. They do not take part in equality: the same content read
    from two differently laid-out files is the same document.

    ``source`` and ``places`` say where the document came from, for the importer's messages
    and merge rule: the file's name, the line of every path the file holds
    (``disclosures[2].summary``) and the fields whose value the file gives (not null). A
    document built in code has no places: no lines, and it states every field.
    """

    engagement: EngagementDoc
    vendors: tuple[VendorDoc, ...] = ()
    people: tuple[PersonDoc, ...] = ()
    components: tuple[ComponentDoc, ...] = ()
    sessions: tuple[SessionDoc, ...] = ()
    disclosures: tuple[DisclosureDoc, ...] = ()
    critical_sets: tuple[CriticalSetDoc, ...] = ()
    # The filing-strategy inputs recorded for the engagement (None: the file says nothing
    # about them, and an import leaves what is recorded alone), its lists in stored order.
    strategy: RecordedStrategy | None = None
    # The engagement's tracer register. Never the secret the codes were derived with: a
    # register imported into another database cannot be checked there (docs/FORMAT.md).
    tracers: tuple[Tracer, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)
    places: Places | None = field(default=None, compare=False)

    def states(self, path: str) -> bool:
        """True when the file gives a value at path (a document built in code gives all)."""
        return self.places is None or self.places.states(path)

    def line(self, path: str) -> int:
        """The line of path, or of the nearest enclosing value the file has (0: unknown)."""
        return 0 if self.places is None else self.places.line(path)

    def where(self, path: str) -> str:
        """``file:line: path`` for messages about the value at path."""
        line = self.line(path)
        place = f"{self.source}:{line}" if line else self.source or "<document>"
        return f"{place}: {path}" if path else place
