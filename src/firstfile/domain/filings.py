"""Filings, the offices they are in, and the priority each one validly claims.

A filing may claim the priority (or, in the US, the benefit) of earlier filings: the user
records which, by the earlier filings' references (`EventView.claims_priority_of`), and whether
a late claim was restored on petition (`EventView.restored`). When a filing records no claim,
the engine infers one to every earlier filing whose priority year it was filed in, and every
row that relies on an inferred claim says so.

Whether a claim is valid is decided at the office the later application was filed with:
- the priority year is 12 months (Paris Convention Art. 4A, 4C(1); 35 USC 119(a), (e)(1);
  EPC Art. 87(1); PCT Art. 8, Rule 4.10), extended to that office's next open day when it ends
  on a day the office is closed (Paris Art. 4C(3); PCT Rule 80.5; EPC Rule 134(1); 35 USC 21(b));
- a claim filed within 2 months after that (14 months from the earlier filing) counts when it
  was restored (PCT Rule 26bis.3; 37 CFR 1.78(b), (c) and 1.55(c); EPC Art. 122 with Rule
  136(1)).

Every period counted from the priority date counts from the earliest validly claimed filing's
own date, never from the day the priority year was extended to.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from firstfile.domain.disclosure import Problem
from firstfile.domain.office_calendars import NO_CLOSURES, ClosureTable, next_open_day
from firstfile.domain.views import EventView

PROVISIONAL = "provisional-filed"
NONPROVISIONAL = "nonprovisional-filed"
PCT = "pct-filed"
UTILITY_MODEL = "utility-model-filed"
NATIONAL_PHASE = "national-phase-entered"

FILING_KINDS: frozenset[str] = frozenset({PROVISIONAL, NONPROVISIONAL, PCT, UTILITY_MODEL})
# Kinds that can claim an earlier filing: a US provisional cannot (35 USC 111(b)(7)).
CLAIMING_KINDS: frozenset[str] = frozenset({NONPROVISIONAL, PCT, UTILITY_MODEL})
# Kinds whose office must be named: the interchange reader and the CLI refuse them without one.
OFFICE_KINDS: frozenset[str] = frozenset({NONPROVISIONAL, PCT, UTILITY_MODEL, NATIONAL_PHASE})

EARLIEST_EVENT_DATE = date(1980, 1, 1)  # an event before this is a typing mistake


def before_conception(event_date: date, conception: date | None) -> str | None:
    """A warning when an event is dated before the invention was conceived: possible (a
    vendor disclosure of an earlier version), but more often a typing mistake in either
    date, and it moves every deadline counted from it."""
    if conception is None or event_date >= conception:
        return None
    return (f"{event_date.isoformat()} is before the conception date "
            f"{conception.isoformat()}; check both dates")
PRIORITY_MONTHS = 12
RESTORATION_MONTHS = 14

_OFFICE_ALIASES: dict[str, str] = {
    "USA": "US",
    "USPTO": "US",
    "EPO": "EP",
    "EPA": "EP",
    "PRC": "CN",
    "CNIPA": "CN",
    "SIPO": "CN",
    "JPO": "JP",
    "KIPO": "KR",
    "DPMA": "DE",
    "PCT": "WO",
    "IB": "WO",
    "WIPO": "WO",
}


def normalize_office(code: str) -> str:
    """An office code in upper case, with common spellings (EPO, USPTO, CNIPA, IB) folded."""
    cleaned = code.strip().upper()
    return _OFFICE_ALIASES.get(cleaned, cleaned)


def receiving_office(event: EventView) -> str:
    """The office the application was filed with ("" when not recorded).

    A provisional is filed with the USPTO; a PCT application with its receiving office (the
    event's jurisdiction; IB is "WO"); any other filing with its own office.
    """
    if event.kind == PROVISIONAL:
        return "US"
    return normalize_office(event.jurisdiction)


def filing_office(event: EventView) -> str:
    """The office a filing protects in: "US" for a provisional, "WO" for a PCT, else its own."""
    if event.kind == PCT:
        return "WO"
    return receiving_office(event)


def add_months(start: date, months: int) -> date:
    """start moved by whole months, clamped to the last day of a shorter month.

    29 Feb 2028 + 12 months is 28 Feb 2029: the period ends in the month it must end in,
    never spilling into March, which would be a day late.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def _same_reference(left: str, right: str) -> bool:
    return left.strip().casefold() == right.strip().casefold() != ""


@dataclass(frozen=True, slots=True)
class Claim:
    """One priority (or benefit) claim of a filing, and whether it holds."""

    reference: str  # as recorded; for an inferred claim, the earlier filing's reference
    claimed: EventView | None  # the earlier filing, None when no recorded filing matches
    valid: bool
    restored: bool = False  # valid only because the late claim was restored on petition
    inferred: bool = False  # not recorded: assumed because the filing recorded no claim
    year_end: date | None = None  # last day of the priority year at the claiming office
    problem: str = ""  # why the claim does not hold


@dataclass(frozen=True, slots=True)
class Filing:
    """An application as filed, with the claims it makes."""

    event: EventView
    claims: tuple[Claim, ...] = ()

    @property
    def valid_claims(self) -> tuple[Claim, ...]:
        """The claims that hold, earliest claimed filing first."""
        held = [c for c in self.claims if c.valid and c.claimed is not None]
        return tuple(sorted(held, key=lambda c: c.claimed.date if c.claimed else date.max))

    @property
    def priority_basis(self) -> EventView:
        """The filing the priority date comes from: the earliest validly claimed, or itself."""
        held = self.valid_claims
        if held and held[0].claimed is not None and held[0].claimed.date <= self.event.date:
            return held[0].claimed
        return self.event

    @property
    def priority_date(self) -> date:
        """The date periods counted from the priority date start on (PCT Art. 2(xi))."""
        return self.priority_basis.date

    def claims_filing(self, earlier: EventView) -> Claim | None:
        """The valid claim of this filing to earlier, or None."""
        return next((c for c in self.valid_claims if c.claimed == earlier), None)

    def claim_words(self, claim: Claim | None = None) -> str:
        """How the filing's priority reads in a note: ", claiming X of DATE (restored)"."""
        claim = claim or (self.valid_claims[0] if self.valid_claims else None)
        if claim is None or claim.claimed is None:
            return ""
        return (f", claiming {claim.claimed.kind} of {claim.claimed.date.isoformat()}"
                f"{_qualifier(claim)}")

    def priority_words(self) -> str:
        """A sentence naming the filing the priority date comes from, or "" for its own."""
        basis = self.priority_basis
        claim = self.claims_filing(basis)
        if basis is self.event or claim is None:
            return ""
        return (f"The priority date is that of the {basis.kind} of {basis.date.isoformat()}"
                f"{_qualifier(claim)}.")

    def problem_words(self) -> str:
        """The recorded claims that do not hold, as one sentence, or ""."""
        bad = [c.problem for c in self.claims if not c.valid and c.problem]
        return " ".join(bad)


def _qualifier(claim: Claim) -> str:
    words = ""
    if claim.restored:
        words += " (restored on petition: holds only if the petition is granted)"
    if claim.inferred:
        words += " (claim inferred: none is recorded; record claims_priority_of to confirm it)"
    return words


def priority_year_end(
    claimed: date, office: str, table: ClosureTable = NO_CLOSURES, months: int = PRIORITY_MONTHS
) -> date:
    """The last day a filing with office can claim a filing of claimed (closed days included)."""
    return next_open_day(office, add_months(claimed, months), table)


def resolve_filings(
    filings: Iterable[EventView], table: ClosureTable = NO_CLOSURES
) -> dict[EventView, Filing]:
    """Every filing with its claims checked, keyed by its event.

    filings are the filings made (not planned), in date order. A recorded claim names earlier
    filings by reference; without one, a claim is inferred to every earlier filing whose
    priority year the filing was made in.
    """
    ordered = sorted(filings, key=lambda e: e.date)
    resolved: dict[EventView, Filing] = {}
    for event in ordered:
        if event.kind not in CLAIMING_KINDS:
            resolved[event] = Filing(event)
            continue
        office = receiving_office(event)
        earlier = [e for e in ordered if e.date < event.date]
        if event.claims_priority_of:
            claims = tuple(_recorded(event, ref, ordered, office, table)
                           for ref in event.claims_priority_of)
        else:
            claims = tuple(
                Claim(e.reference, e, True, inferred=True, year_end=end)
                for e in earlier
                if event.date <= (end := priority_year_end(e.date, office, table))
            )
        resolved[event] = Filing(event, claims)
    return resolved


def _recorded(
    event: EventView, reference: str, filings: list[EventView], office: str,
    table: ClosureTable,
) -> Claim:
    matches = [e for e in filings if e is not event and _same_reference(e.reference, reference)]
    if not matches:
        return Claim(reference, None, False,
                     problem=f"The claim to {reference!r} names no recorded filing: record it "
                             "with that reference.")
    claimed = matches[0]
    if claimed.date > event.date:
        return Claim(reference, claimed, False,
                     problem=f"The claim to {reference!r} names a later filing "
                             f"({claimed.date.isoformat()}).")
    end = priority_year_end(claimed.date, office, table)
    if event.date <= end:
        return Claim(reference, claimed, True, year_end=end)
    restore_end = priority_year_end(claimed.date, office, table, RESTORATION_MONTHS)
    if event.restored and event.date <= restore_end:
        return Claim(reference, claimed, True, restored=True, year_end=end)
    if event.date <= restore_end:
        why = (f"it was filed after the priority year ended on {end.isoformat()}; record "
               "restored: true if the claim was restored on petition")
    else:
        why = (f"it was filed after {restore_end.isoformat()}, past even a restored "
               "priority year (14 months)")
    return Claim(reference, claimed, False, year_end=end,
                 problem=f"The claim to {reference!r} ({claimed.date.isoformat()}) does not "
                         f"hold: {why}.")


def event_problems(event: EventView) -> list[Problem]:
    """What the deadline engine cannot read in one event: a date before 1980, a filing or
    phase entry without its office, a provisional outside the US, a priority claim on an event
    that is not a filing, restored without a claim. The CLI, the services and the interchange
    reader all refuse these (nothing is written)."""
    problems: list[Problem] = []
    if event.date < EARLIEST_EVENT_DATE:
        problems.append(Problem("date", f"{event.date.isoformat()} is before "
                                        f"{EARLIEST_EVENT_DATE.year}: check the year"))
    if event.kind in OFFICE_KINDS and not event.jurisdiction.strip():
        problems.append(Problem("jurisdiction", f"a {event.kind} event names its office: give "
                                                "it as US, EP, CN, JP, ... (for a PCT, the "
                                                "receiving office)"))
    if event.kind == PROVISIONAL and normalize_office(event.jurisdiction) not in ("", "US"):
        problems.append(Problem("jurisdiction", "a provisional-filed event is a US provisional: "
                                                "leave the office empty or give US; record "
                                                "another office's filing as "
                                                "nonprovisional-filed"))
    if event.claims_priority_of and event.kind not in CLAIMING_KINDS:
        problems.append(Problem("claims_priority_of", f"only a filing claims priority "
                                                      f"({', '.join(sorted(CLAIMING_KINDS))}), "
                                                      f"not a {event.kind} event"))
    if event.restored and not event.claims_priority_of:
        problems.append(Problem("restored", "restored says a late priority claim was restored: "
                                            "name the claimed filing in claims_priority_of"))
    return problems


def claim_problems(event: EventView, recorded: Iterable[EventView]) -> list[Problem]:
    """A claim naming no recorded earlier filing (by its reference) of the same disclosure."""
    filings = [e for e in recorded
               if e is not event and e.kind in FILING_KINDS and e.reference]
    problems: list[Problem] = []
    for reference in event.claims_priority_of:
        found = [e for e in filings if e.reference.casefold() == reference.casefold()]
        if not found:
            problems.append(Problem("claims_priority_of", f"no filing with the reference "
                                                          f"{reference!r} is recorded on this "
                                                          "disclosure: record that filing with "
                                                          "this reference, or correct it"))
        elif found[0].date > event.date:
            problems.append(Problem("claims_priority_of", f"{reference!r} was filed on "
                                                          f"{found[0].date.isoformat()}, after "
                                                          "this filing: a filing claims only "
                                                          "earlier ones"))
    return problems
