"""What a disclosure must hold, and the rules that decide whether it may be saved or submitted.

A draft is deliberately forgiving (REFERENCE.md section 2: long forms stop engineers from
disclosing), so most rules are warnings on a draft and errors only on submit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from firstfile.domain.limits import LINE_CHARS, NAME_CHARS, too_long
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import DISCLOSURE_STATUSES, PHASES, ROLES

TITLE_MAX_CHARS = NAME_CHARS  # the column's size (domain/limits.py)
TITLE_WORDS_ADVISED = 10
TEXT_MAX_CHARS = 2_000_000  # a 1 MB description must fit; far beyond that is a pasted file

# The long text fields, in the order counsel reads them (REFERENCE.md section 2).
TEXT_FIELDS: tuple[str, ...] = (
    "summary",
    "problem",
    "description",
    "variants",
    "advantages",
    "prior_art",
    "records_location",
    "third_parties",
)
LINE_FIELDS: tuple[str, ...] = ("title", "business_unit", "jurisdictions", "submitter")


@dataclass(frozen=True, slots=True)
class InventorEntry:
    """A person named on a disclosure, by their key."""

    person_key: str
    role: str = "inventor"
    contribution: float | None = None
    # For filing: all empty means "keep what is recorded" (services/disclosures).
    postal_address: str = ""
    citizenship: str = ""  # ISO 3166 alpha-2, e.g. DE
    employer_entity: str = ""  # the legal entity that employed them at conception
    contribution_note: str = ""  # what they contributed, in a sentence

    def cleaned_details(self) -> InventorEntry:
        """The entry with its filing details cleaned for storage."""
        return replace(self, postal_address=clean_text(self.postal_address).strip(),
                       citizenship=clean_line(self.citizenship).upper(),
                       employer_entity=clean_line(self.employer_entity),
                       contribution_note=clean_text(self.contribution_note).strip())

    @property
    def has_details(self) -> bool:
        """True when any of the filing details is given."""
        return any((self.postal_address, self.citizenship, self.employer_entity,
                    self.contribution_note))


@dataclass(frozen=True, slots=True)
class DisclosureDraft:
    """The editable fields of a disclosure, as typed by a user or read from a file."""

    title: str
    summary: str = ""
    engagement_key: str = ""
    phase: str = ""
    status: str = "draft"
    submitter: str = ""
    business_unit: str = ""
    problem: str = ""
    description: str = ""
    variants: str = ""
    advantages: str = ""
    prior_art: str = ""
    conception_date: date | None = None
    reduction_to_practice_date: date | None = None
    prototype_exists: bool = False
    records_location: str = ""
    third_parties: str = ""
    jurisdictions: str = ""
    reverse_engineerable: bool | None = None
    completed_in_china: bool = False
    made_in_us: bool = False  # any part made in the US (35 USC 184 foreign filing licence)
    inventors: tuple[InventorEntry, ...] = ()
    components: tuple[str, ...] = field(default=())

    def cleaned(self) -> DisclosureDraft:
        """The same draft with every text field cleaned for storage (visible replacements)."""
        changes: dict[str, Any] = {}
        for name in LINE_FIELDS:
            changes[name] = clean_line(getattr(self, name))
        for name in TEXT_FIELDS:
            changes[name] = clean_text(getattr(self, name))
        inventors = tuple(e.cleaned_details() if e.has_details else e for e in self.inventors)
        return replace(self, **changes, inventors=inventors)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a draft: which field, what to do about it, how serious."""

    field: str
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def validate(draft: DisclosureDraft, *, today: date | None = None) -> list[Problem]:
    """Every problem with draft; errors block saving, warnings are shown next to the field.

    Submitting (status "submitted") turns the completeness warnings into errors.
    """
    problems: list[Problem] = []
    submitting = draft.status != "draft"
    strict = "error" if submitting else "warning"

    title = draft.title.strip()
    if not title:
        problems.append(Problem("title", "give the invention a short title"))
    elif len(title) > TITLE_MAX_CHARS:
        problems.append(
            Problem("title", f"shorten the title to {TITLE_MAX_CHARS} characters or fewer")
        )
    elif len(title.split()) > TITLE_WORDS_ADVISED:
        problems.append(
            Problem("title", "counsel asks for ten words or fewer; move detail to the summary",
                    "warning")
        )

    if draft.status not in DISCLOSURE_STATUSES:
        problems.append(
            Problem("status", f"use one of {', '.join(DISCLOSURE_STATUSES)}, not {draft.status!r}")
        )
    if draft.phase and draft.phase not in PHASES:
        problems.append(Problem("phase", f"use one of {', '.join(PHASES)}, not {draft.phase!r}"))

    for name in ("business_unit", "jurisdictions", "submitter"):
        message = too_long(getattr(draft, name), LINE_CHARS)
        if message:
            problems.append(Problem(name, message))

    for name in TEXT_FIELDS:
        if len(getattr(draft, name)) > TEXT_MAX_CHARS:
            problems.append(
                Problem(name, f"shorten this text to {TEXT_MAX_CHARS:,} characters or attach "
                              "the rest as a file")
            )

    if not draft.summary.strip():
        problems.append(Problem("summary", "add a one-paragraph summary", strict))

    problems.extend(_inventor_problems(draft.inventors, strict))

    if today is not None and draft.conception_date and draft.conception_date > today:
        problems.append(Problem("conception_date", "the conception date is in the future"))
    if (
        draft.conception_date
        and draft.reduction_to_practice_date
        and draft.reduction_to_practice_date < draft.conception_date
    ):
        problems.append(
            Problem("reduction_to_practice_date",
                    "reduction to practice cannot come before conception")
        )
    return problems


def _inventor_problems(inventors: tuple[InventorEntry, ...], strict: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, entry in enumerate(inventors):
        where = f"inventors[{index}]"
        if entry.person_key in seen:
            problems.append(Problem(where, f"{entry.person_key!r} is named twice"))
        seen.add(entry.person_key)
        if entry.role not in ROLES:
            problems.append(Problem(f"{where}.role", f"use inventor or contributor, not "
                                                     f"{entry.role!r}"))
        if entry.contribution is not None and not 0 <= entry.contribution <= 100:
            problems.append(Problem(f"{where}.contribution", "use a percentage from 0 to 100"))
        problems.extend(
            Problem(p.field.replace("inventors[0]", where, 1), p.message)
            for p in inventor_detail_problems(entry))
    named = [e for e in inventors if e.role == "inventor"]
    if not named:
        problems.append(Problem("inventors", "name at least one inventor", strict))
        return problems
    total = contribution_total(inventors)
    if abs(total - 100) > 0.01:
        problems.append(
            Problem("inventors",
                    f"inventors' contributions total {total:g}%, they must total 100%", strict)
        )
    return problems


def inventor_detail_problems(entry: InventorEntry) -> list[Problem]:
    """What is wrong with one person's filing details (paths as inventors[0].name)."""
    problems: list[Problem] = []
    code = entry.citizenship
    if code and not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
        problems.append(Problem("inventors[0].citizenship", "use a two-letter country code "
                                                             f"such as DE or CN, not {code!r}"))
    message = too_long(entry.employer_entity, NAME_CHARS)
    if message:
        problems.append(Problem("inventors[0].employer_entity", message))
    return problems


def contribution_total(inventors: tuple[InventorEntry, ...]) -> float:
    """Sum of the inventors' percentages; a lone inventor with none given counts as 100."""
    named = [e for e in inventors if e.role == "inventor"]
    if len(named) == 1 and named[0].contribution is None:
        return 100.0
    return sum(e.contribution or 0 for e in named)


def even_split(count: int) -> list[float]:
    """Whole percentages for count inventors that total exactly 100 (34, 33, 33).

    Whole numbers because inventors and counsel read them; the first ones take the remainder
    so the total is exact and a strict submit check (total 100) passes without editing.
    """
    if count <= 0:
        return []
    base, extra = divmod(100, count)
    return [float(base + 1 if index < extra else base) for index in range(count)]


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
