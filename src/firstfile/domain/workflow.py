"""The counsel workflow: where a disclosure stands, who acts next, and what counsel decided.

    draft -> submitted -> in-review -> decided -> filed -> closed
                 \\___________\\___________\\-> withdrawn

An inventor writes and submits; counsel reviews, decides, files and closes. Counsel may send
a submitted disclosure back to its inventors (to "draft") for more detail, and an inventor
or counsel may withdraw it until it is filed. A filing decision leads to "filed"; the other
decisions (trade secret, defensive publication, no action) lead straight to "closed".

Pure rules over plain values: the services apply them inside a unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from firstfile.domain.vocabulary import DECISIONS, DISCLOSURE_STATUSES

INVENTOR = "inventor"
COUNSEL = "counsel"
NOBODY = ""

STATUS_LABELS: dict[str, str] = {
    "draft": "Draft",
    "submitted": "Submitted",
    "in-review": "In review",
    "decided": "Decided",
    "filed": "Filed",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
}

DECISION_LABELS: dict[str, str] = {
    "file-provisional": "File a US provisional application",
    "file-nonprovisional": "File a non-provisional application",
    "file-pct": "File a PCT application",
    "trade-secret": "Keep as a trade secret",
    "defensive-publication": "Publish defensively",
    "no-action": "No action",
}

# Decisions that end in a filing; the others close the disclosure without one.
FILING_DECISIONS: frozenset[str] = frozenset(
    {"file-provisional", "file-nonprovisional", "file-pct"}
)

# Where each status may go next. "decided" -> "filed" also needs a filing decision, and
# "decided" -> "closed" a decision that files nothing (see check_move).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",),
    "submitted": ("in-review", "draft", "withdrawn"),
    "in-review": ("decided", "draft", "withdrawn"),
    "decided": ("filed", "closed", "in-review", "withdrawn"),
    "filed": ("closed",),
    "closed": (),
    "withdrawn": ("draft",),
}

# The moves that send a disclosure back rather than forward: counsel asking the inventors for
# more, reconsidering a decision, or reopening a withdrawn disclosure.
SEND_BACKS: frozenset[tuple[str, str]] = frozenset({
    ("submitted", "draft"),
    ("in-review", "draft"),
    ("decided", "in-review"),
    ("withdrawn", "draft"),
})

# Statuses in which the disclosure waits on counsel: the review queue.
AWAITING_COUNSEL: tuple[str, ...] = ("submitted", "in-review", "decided", "filed")
# Statuses whose deadlines no longer matter: nothing will be filed for them.
INACTIVE: frozenset[str] = frozenset({"closed", "withdrawn"})

RATIONALE_MIN_CHARS = 10  # a decision without a reason cannot be reviewed later


def next_actor(status: str, decision: str = "") -> str:
    """Who acts next: "inventor", "counsel", or "" once nothing is left to do.

    A decided disclosure waits on counsel either way: to file it, or to close it.
    """
    if status == "draft":
        return INVENTOR
    if status in ("submitted", "in-review", "decided", "filed"):
        return COUNSEL
    return NOBODY


def allowed_moves(status: str, decision: str = "") -> tuple[str, ...]:
    """The statuses this one may move to, given the decision recorded (if any)."""
    return tuple(s for s in TRANSITIONS.get(status, ()) if check_move(status, s, decision) is None)


def check_move(current: str, target: str, decision: str = "") -> str | None:
    """None when current -> target is allowed, else a sentence saying what to do instead."""
    if target not in DISCLOSURE_STATUSES:
        return f"use one of {', '.join(DISCLOSURE_STATUSES)}, not {target!r}"
    if target == current:
        return f"it is already {target}"
    if target not in TRANSITIONS.get(current, ()):
        nexts = TRANSITIONS.get(current, ())
        where = f"from {current} it can go to {', '.join(nexts)}" if nexts else (
            f"{current} is final"
        )
        return f"a disclosure cannot move from {current} to {target}; {where}"
    if target == "decided" and not decision:
        return "record a decision with its rationale first (it moves the disclosure to decided)"
    if current == "decided" and target == "filed" and decision not in FILING_DECISIONS:
        return (f"the decision is {decision or 'missing'}, which files nothing; "
                "close the disclosure instead, or record a filing decision")
    if current == "decided" and target == "closed" and decision in FILING_DECISIONS:
        return (f"the decision is to file ({decision}); record the filing (status filed) "
                "first, or record another decision")
    return None


def is_further_along(status: str, than: str) -> bool:
    """True when a disclosure at `than` reaches `status` by moving forward only (no send-back).

    "filed" is further along than "submitted"; "draft" is further along than nothing.
    """
    seen = {than}
    frontier = [than]
    while frontier:
        current = frontier.pop()
        for target in TRANSITIONS.get(current, ()):
            if (current, target) in SEND_BACKS or target in seen:
                continue
            if target == status:
                return True
            seen.add(target)
            frontier.append(target)
    return False


# What an import may do with a stored disclosure's status (docs/FORMAT.md).
IMPORT_SAME = "same"  # the file says what the database says
IMPORT_SUBMIT = "submit"  # the file submits a draft that was never submitted: the one move
IMPORT_BEHIND = "behind"  # the database is further along (or was sent back): it is kept
IMPORT_REFUSED = "refused"  # a move only counsel makes, through the review commands


def import_status(stored: str, incoming: str, *, submitted_before: bool) -> str:
    """How an import treats a file's status against the stored one.

    An interchange file carries an inventor's draft or submission, and the status a record
    had when it was written; counsel's moves are recorded in firstfile with a decision and
    never replayed from a file. So an import submits a draft that was never submitted, keeps
    a status that is further along (or a draft counsel sent back), and refuses anything else.
    """
    if incoming == stored:
        return IMPORT_SAME
    if stored == "draft" and incoming == "submitted":
        return IMPORT_BEHIND if submitted_before else IMPORT_SUBMIT
    if stored == "draft" and submitted_before and is_further_along(incoming, "submitted"):
        return IMPORT_BEHIND  # sent back for more detail after the file was written
    if is_further_along(stored, incoming):
        return IMPORT_BEHIND
    return IMPORT_REFUSED


def check_decision(status: str, decision: str, rationale: str) -> list[str]:
    """What is wrong with recording decision now; an empty list when it may be recorded.

    A decision may be recorded while counsel holds the disclosure (submitted, in review, or
    already decided, to change its mind); it moves the disclosure to decided.
    """
    problems: list[str] = []
    if decision not in DECISIONS:
        problems.append(f"use one of {', '.join(DECISIONS)}, not {decision!r}")
    if len(rationale.strip()) < RATIONALE_MIN_CHARS:
        problems.append("give the reason for the decision (a sentence or more), so it can be "
                        "reviewed later")
    if status not in ("submitted", "in-review", "decided"):
        problems.append(f"a {status} disclosure cannot be decided; it must be submitted first"
                        if status == "draft" else
                        f"a {status} disclosure cannot be decided again")
    return problems


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A decision worth considering, and why."""

    decision: str
    reason: str


def suggest_decision(reverse_engineerable: bool | None) -> Suggestion | None:
    """Suggest keeping a trade secret when the product does not reveal the invention.

    REFERENCE.md section 2 item 12: if it cannot be reverse engineered from the product,
    keeping it a trade secret is an option (a patent would publish it). Unknown (None) and
    reverse-engineerable inventions get no suggestion: a competitor could copy them.
    """
    if reverse_engineerable is False:
        return Suggestion(
            "trade-secret",
            "the disclosure says the invention cannot be reverse engineered from the product, "
            "so it could stay a trade secret instead of being published in a patent",
        )
    return None


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Where a disclosure stands with counsel. Reviewer notes are internal: no export that
    goes to inventors or vendors reads this object."""

    key: str
    title: str
    status: str
    decision: str = ""
    decision_rationale: str = ""
    decided_on: date | None = None
    reviewer_notes: str = ""
    german_employee_invention: bool = False
    submitted_on: date | None = None
    reverse_engineerable: bool | None = None
    joint_vendors: tuple[str, ...] = ()
    version: int = 1

    @property
    def next_actor(self) -> str:
        """Who acts next (inventor, counsel, or nobody)."""
        return next_actor(self.status, self.decision)

    @property
    def suggestion(self) -> Suggestion | None:
        """The trade-secret suggestion, while no decision is recorded."""
        return None if self.decision else suggest_decision(self.reverse_engineerable)

    @property
    def moves(self) -> tuple[str, ...]:
        """The statuses this disclosure may move to now."""
        return allowed_moves(self.status, self.decision)


def status_label(status: str) -> str:
    """The display name of a status (the value itself when unknown)."""
    return STATUS_LABELS.get(status, status)


def decision_label(decision: str) -> str:
    """The display name of a decision ("" when none is recorded)."""
    return DECISION_LABELS.get(decision, decision)
