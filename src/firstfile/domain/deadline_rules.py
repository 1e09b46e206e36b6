"""The deadline rules as a table: one row per rule, each citing its source.

REFERENCE.md section 3 lists the rules; every row below names the statute, regulation or
case it encodes, so counsel can check a computed date against the text it comes from. The
engine that evaluates the rows is in `deadlines.py`; this module holds the rows, the event
selectors the rows use, and the period arithmetic (months with end-of-month clamping, the US
next-business-day shift).

Event kinds used here beyond `vocabulary.EVENT_KINDS` are in `EXTRA_EVENT_KINDS`.

Filings are read as follows (docs/DEADLINES.md says the same):
- `provisional-filed` is a US provisional application (a US-only kind), office "US".
- `nonprovisional-filed` is a regular national or regional application in the office named by
  its jurisdiction ("US" when empty): "EP", "CN", "JP", "DE", ...
- `pct-filed` is an international application; its jurisdiction, when given, is the receiving
  office (which matters for the Chinese confidentiality examination). It designates every PCT
  state, so for priority and grace purposes its office is "WO".
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from firstfile.domain.views import EventView
from firstfile.domain.vocabulary import EVENT_KINDS

# Kinds the engine understands that the shared vocabulary does not (yet) list. The date of each
# is the day it happened; the jurisdiction names the office where that matters.
EXTRA_EVENT_KINDS: tuple[str, ...] = (
    "national-phase-entered",  # PCT national/regional phase entered; jurisdiction = office
    "confidentiality-exam-cleared",  # CNIPA cleared the invention for filing abroad
    "employee-invention-reported",  # employer received the proper report (ArbnErfG §5)
    "employee-invention-claimed",  # employer claimed the invention (ArbnErfG §6(1))
    "employee-invention-released",  # employer released it in text form (ArbnErfG §6(2), §8)
)
KNOWN_EVENT_KINDS: frozenset[str] = frozenset(EVENT_KINDS) | frozenset(EXTRA_EVENT_KINDS)

# What makes the invention available to the public. A disclosure to a vendor with no NDA is
# a disclosure to someone free to pass it on, so it counts; one under NDA does not.
PUBLIC_KINDS: frozenset[str] = frozenset({"public-disclosure", "vendor-disclosure-no-nda"})
# US only: an offer for sale is a disclosure under 35 USC 102(a)(1) even when it is secret
# (Helsinn v. Teva, 139 S. Ct. 628 (2019)). Elsewhere a confidential offer is not public.
US_DISCLOSURE_KINDS: frozenset[str] = PUBLIC_KINDS | {"offer-for-sale"}
FILING_KINDS: frozenset[str] = frozenset({"provisional-filed", "nonprovisional-filed", "pct-filed"})

PERIOD = "period"  # due = basis + months; met by a matching later event
NOVELTY = "novelty"  # absolute novelty: lost when a public disclosure precedes every filing
CLEARANCE = "clearance"  # a permission needed before the first filing abroad

US_CALENDAR = "US"  # 35 USC 21(b) / 37 CFR 1.7: next business day in Washington, DC

_OFFICE_ALIASES: dict[str, str] = {
    "USA": "US",
    "USPTO": "US",
    "EPO": "EP",
    "EPA": "EP",
    "PRC": "CN",
    "CNIPA": "CN",
    "SIPO": "CN",
    "JPO": "JP",
    "DPMA": "DE",
    "PCT": "WO",
}


def normalize_office(code: str) -> str:
    """An office code in upper case, with common spellings (EPO, USPTO, CNIPA) folded."""
    cleaned = code.strip().upper()
    return _OFFICE_ALIASES.get(cleaned, cleaned)


def filing_office(event: EventView) -> str:
    """The office a filing protects in: "US" for provisionals, "WO" for PCT, else its own."""
    if event.kind == "provisional-filed":
        return "US"
    if event.kind == "pct-filed":
        return "WO"
    return normalize_office(event.jurisdiction) or "US"


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, clamped to the last day of a shorter month.

    29 Feb 2028 + 12 months is 28 Feb 2029: the period ends in the month it must end in,
    never spilling into March, which would be a day late.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


@lru_cache(maxsize=1)
def _us_federal_holidays() -> Any:
    # Built on first use, never at import. The holidays object fills in years lazily.
    # The default category of holidays.country_holidays("US") is the federal holidays of
    # 5 USC 6103(a), with their observed days (a Saturday holiday observed on Friday closes the
    # USPTO on that Friday). Inauguration Day (DC only, every fourth 20 January) is not in it:
    # missing it can only make a date one day early, never late.
    import holidays

    return holidays.country_holidays("US")


def is_us_business_day(day: date) -> bool:
    """False on Saturdays, Sundays and US federal holidays (observed days included)."""
    return day.weekday() < 5 and day not in _us_federal_holidays()


def next_us_business_day(day: date) -> date:
    """`day` itself when the USPTO is open, else the next day it is (35 USC 21(b))."""
    while not is_us_business_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class Facts:
    """One disclosure's events, sorted by date, and the flags the rules need."""

    events: tuple[EventView, ...]
    completed_in_china: bool = False
    german_employee_invention: bool = False

    @classmethod
    def build(
        cls,
        events: Iterable[EventView],
        *,
        completed_in_china: bool = False,
        german_employee_invention: bool = False,
    ) -> Facts:
        """Sort the events by date (input order breaks ties) and refuse unknown kinds.

        An unknown kind is refused rather than ignored: a misspelt "public-disclosure"
        silently dropped would hide the one date that matters most.
        """
        listed = list(events)
        unknown = sorted({e.kind for e in listed} - KNOWN_EVENT_KINDS)
        if unknown:
            raise ValueError(f"unknown event kind(s): {', '.join(unknown)}")
        ordered = tuple(sorted(listed, key=lambda e: e.date))
        return cls(ordered, completed_in_china, german_employee_invention)

    def earliest(self, kinds: frozenset[str]) -> EventView | None:
        """The earliest event of one of `kinds`, or None."""
        return next((e for e in self.events if e.kind in kinds), None)

    def first_filing(self) -> EventView | None:
        """The earliest application of any kind: the one whose priority others can claim."""
        return self.earliest(FILING_KINDS)


# Selectors: which event a rule counts from -----------------------------------------------


def _earliest_us_disclosure(facts: Facts) -> EventView | None:
    return facts.earliest(US_DISCLOSURE_KINDS)


def _earliest_public(facts: Facts) -> EventView | None:
    return facts.earliest(PUBLIC_KINDS)


def _earliest_provisional(facts: Facts) -> EventView | None:
    return facts.earliest(frozenset({"provisional-filed"}))


def _first_filing(facts: Facts) -> EventView | None:
    return facts.first_filing()


def _pct_priority(facts: Facts) -> EventView | None:
    """The earliest filing a PCT application can validly claim, or the PCT itself.

    A filing counts when the PCT was filed within its 12-month priority year. The engine
    cannot see the priority claims actually made; counsel checks them (docs/DEADLINES.md).
    """
    pct = facts.earliest(frozenset({"pct-filed"}))
    if pct is None:
        return None
    for event in facts.events:
        if event.kind in FILING_KINDS and add_months(event.date, 12) >= pct.date:
            return event  # events are sorted, so the first that qualifies is the earliest
    return pct


def _first_foreign_filing(facts: Facts) -> EventView | None:
    """The first filing outside China. A PCT with CNIPA as receiving office is not one."""
    for event in facts.events:
        if event.kind not in FILING_KINDS:
            continue
        if event.kind == "pct-filed":
            if normalize_office(event.jurisdiction) != "CN":
                return event
        elif filing_office(event) != "CN":
            return event
    return None


def _employee_report(facts: Facts) -> EventView | None:
    return facts.earliest(frozenset({"employee-invention-reported"}))


# Predicates: which event satisfies a rule (candidate, basis, facts) ----------------------


def _us_application(event: EventView, basis: EventView, facts: Facts) -> bool:
    # A PCT designates the US; a foreign application counts because the US application can
    # claim its date (35 USC 100(i)(1)(B), 119(a)) -- the note says that claim is required.
    return event.kind in FILING_KINDS


def _files_in(office: str) -> Callable[[EventView, EventView, Facts], bool]:
    def predicate(event: EventView, basis: EventView, facts: Facts) -> bool:
        if event.kind == "pct-filed":
            return True  # an international application designates every PCT state
        return event.kind == "nonprovisional-filed" and filing_office(event) == office

    return predicate


def _us_nonprovisional_after(event: EventView, basis: EventView, facts: Facts) -> bool:
    if event.date < basis.date:
        return False
    if event.kind == "pct-filed":
        return True  # a PCT designating the US may claim the provisional (35 USC 363, 119(e))
    return event.kind == "nonprovisional-filed" and filing_office(event) == "US"


def _priority_claiming(event: EventView, basis: EventView, facts: Facts) -> bool:
    # Another office than the first filing's, filed on or after it.
    return (
        event is not basis
        and event.kind in {"nonprovisional-filed", "pct-filed"}
        and event.date >= basis.date
        and filing_office(event) != filing_office(basis)
    )


def _entered_national(event: EventView, basis: EventView, facts: Facts) -> bool:
    return event.kind == "national-phase-entered" and normalize_office(event.jurisdiction) != "EP"


def _entered_ep(event: EventView, basis: EventView, facts: Facts) -> bool:
    return event.kind == "national-phase-entered" and normalize_office(event.jurisdiction) == "EP"


def _cleared(event: EventView, basis: EventView, facts: Facts) -> bool:
    return event.kind == "confidentiality-exam-cleared"


def _employer_decided(event: EventView, basis: EventView, facts: Facts) -> bool:
    return event.kind in {"employee-invention-claimed", "employee-invention-released"} and (
        event.date >= basis.date
    )


def _always(facts: Facts) -> bool:
    return True


def _in_china(facts: Facts) -> bool:
    return facts.completed_in_china


def _german_employee(facts: Facts) -> bool:
    return facts.german_employee_invention


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table. Text fields may use {basis}, {due}, {met}, {exception_by}."""

    key: str
    jurisdiction: str
    shape: str
    source: str
    basis: Callable[[Facts], EventView | None]
    meets: Callable[[EventView, EventView, Facts], bool]
    months: int = 0
    calendar: str = ""  # US_CALENDAR: shift to the next US business day; "": no shift
    applies: Callable[[Facts], bool] = _always
    note: str = ""  # always shown
    late: str = ""  # shown when the matching event came after the due date
    lapse_state: str = "overdue"  # state once the due date passes with no matching event
    lapse_note: str = ""
    missing_basis: str = ""  # when set, an applicable rule without its event still shows


RULES: tuple[Rule, ...] = (
    Rule(
        key="us-grace-period",
        jurisdiction="US",
        shape=PERIOD,
        source="35 USC 102(b)(1)(A); MPEP 2153.01(a); Helsinn v. Teva (2019); 35 USC 21(b)",
        basis=_earliest_us_disclosure,
        meets=_us_application,
        months=12,
        calendar=US_CALENDAR,
        note=(
            "US application within 1 year of the earliest public disclosure or offer for sale "
            "({basis}); secret offers count too. A foreign or PCT filing counts only if the US "
            "application claims its priority. Outside the US an offer is public only if it "
            "made the invention available: if so, record a public-disclosure too."
        ),
        late="The first application was filed on {met}, after the grace period: the "
        "disclosure of {basis} is prior art in the US.",
    ),
    Rule(
        key="ep-absolute-novelty",
        jurisdiction="EP",
        shape=NOVELTY,
        source="EPC Art. 54, 55, 87-89; G 3/98; T 173/83",
        basis=_earliest_public,
        meets=_files_in("EP"),
        months=12,
        note=(
            "Absolute novelty: the public disclosure of {basis} came before any filing, so "
            "it is prior art for an EP application. Art. 55 exceptions (evident abuse such as "
            "a breach of confidence, T 173/83; display at an officially recognised exhibition) "
            "cover only a disclosure within 6 months before the actual EP filing date, not "
            "the priority date (G 3/98), i.e. filed by {exception_by}. Warning only: do not "
            "rely on it without counsel."
        ),
        lapse_note=(
            "The disclosure of {basis} came after the first filing: EP novelty depends on an "
            "EP or PCT application claiming its priority by {due}."
        ),
        late="The EP/PCT application of {met} came after the priority year: the disclosure "
        "of {basis} is prior art for it.",
    ),
    Rule(
        key="cn-absolute-novelty",
        jurisdiction="CN",
        shape=NOVELTY,
        source="CN Patent Law Art. 22, 24, 29 (2020 amendment)",
        basis=_earliest_public,
        meets=_files_in("CN"),
        months=12,
        note=(
            "Absolute novelty: the public disclosure of {basis} came before any filing, so "
            "it is prior art for a CN application. Art. 24 allows 6 months only for a first "
            "disclosure in a national emergency for the public interest, at a recognised "
            "exhibition, at a prescribed academic or technical conference, or without the "
            "applicant's consent, i.e. filed by {exception_by}. Warning only: do not rely on "
            "it without counsel."
        ),
        lapse_note=(
            "The disclosure of {basis} came after the first filing: CN novelty depends on a "
            "CN or PCT application claiming its priority by {due}."
        ),
        late="The CN/PCT application of {met} came after the priority year: the disclosure "
        "of {basis} is prior art for it.",
    ),
    Rule(
        key="jp-grace-period",
        jurisdiction="JP",
        shape=PERIOD,
        source="JP Patent Act Art. 30(2), (3) (2018 amendment)",
        basis=_earliest_public,
        meets=_files_in("JP"),
        months=12,
        note=(
            "JP or PCT application within 1 year of the public disclosure of {basis}, counted "
            "to its actual filing date: a priority claim does not extend it. File the Art. 30 "
            "statement with the application and the proof within 30 days. Not shifted for "
            "JPO closed days: counsel confirms."
        ),
        late="The JP/PCT application of {met} came after the grace year: the disclosure of "
        "{basis} is prior art in Japan.",
    ),
    Rule(
        key="us-nonprovisional",
        jurisdiction="US",
        shape=PERIOD,
        source="35 USC 119(e)(1), (3); 37 CFR 1.7(b), 1.78(a)-(b)",
        basis=_earliest_provisional,
        meets=_us_nonprovisional_after,
        months=12,
        calendar=US_CALENDAR,
        note=(
            "US non-provisional (or PCT) claiming the provisional of {basis}. A petition to "
            "restore the benefit up to 14 months (37 CFR 1.78(b)) needs an unintentional "
            "delay: never plan on it."
        ),
        late="Filed on {met}, after 12 months: the provisional's benefit is lost unless a "
        "petition under 37 CFR 1.78(b) restores it (within 14 months, unintentional delay).",
    ),
    Rule(
        key="paris-priority",
        jurisdiction="foreign",
        shape=PERIOD,
        source="Paris Convention Art. 4A, 4C(1)-(3)",
        basis=_first_filing,
        meets=_priority_claiming,
        months=12,
        note=(
            "Applications in other countries (or a PCT) claiming the priority of the first "
            "filing of {basis}: 12 months for patents and utility models (6 for designs). "
            "Each office extends a day it is closed (Art. 4C(3)); not applied here."
        ),
        late="The first application elsewhere, {met}, came after the priority year: it "
        "cannot claim {basis} unless restored (PCT Rule 26bis.3, within 14 months).",
    ),
    Rule(
        key="pct-national-phase",
        jurisdiction="national",
        shape=PERIOD,
        source="PCT Art. 22(1), 39(1)(a)",
        basis=_pct_priority,
        meets=_entered_national,
        months=30,
        note=(
            "National phase 30 months from the earliest priority date ({basis}) in most "
            "offices (US, JP, CN; CN allows 32 months with a surcharge). Each office's own "
            "closed-day rules apply; not applied here. Met by the first entry recorded: "
            "counsel tracks each office."
        ),
        late="The first national entry, {met}, came after 30 months: reinstatement depends "
        "on the office.",
    ),
    Rule(
        key="pct-ep-regional-phase",
        jurisdiction="EP",
        shape=PERIOD,
        source="EPC Rule 159(1); PCT Art. 22(3), 39(1)(b)",
        basis=_pct_priority,
        meets=_entered_ep,
        months=31,
        note="EP regional phase 31 months from the earliest priority date ({basis}).",
        late="EP phase entered on {met}, after 31 months: further processing or re-"
        "establishment may help (EPC Art. 121, 122).",
    ),
    Rule(
        key="de-employee-invention",
        jurisdiction="DE",
        shape=PERIOD,
        source="ArbnErfG §5, §6(1)-(2)",
        basis=_employee_report,
        meets=_employer_decided,
        months=4,
        applies=_german_employee,
        note=(
            "The employer claims or releases (in text form) within 4 months of receiving the "
            "proper report of {basis}; without a release by then the invention is deemed "
            "claimed (§6(2)). Not shifted for weekends or holidays (BGB §193): counsel "
            "confirms."
        ),
        late="The decision of {met} came after 4 months: the invention was already deemed "
        "claimed on {due} (§6(2)).",
        lapse_state="met",
        lapse_note="No release within 4 months: the invention was deemed claimed (§6(2)).",
        missing_basis="German employee invention: record the date the proper report "
        "(ArbnErfG §5) was received to start the 4-month period.",
    ),
    # Last, because its due date borrows the earliest open filing deadline computed above.
    Rule(
        key="cn-confidentiality-exam",
        jurisdiction="CN",
        shape=CLEARANCE,
        source="CN Patent Law Art. 19 (2020 amendment); Implementing Regulations Art. 8, 9",
        basis=_first_foreign_filing,
        meets=_cleared,
        applies=_in_china,
        note=(
            "Completed (even partly) in China: CNIPA's confidentiality examination must clear "
            "it before any filing abroad (a PCT filed with CNIPA as receiving office counts "
            "as the request)."
        ),
        late="Filed abroad on {basis} without clearance: no CN patent can be granted for it "
        "(Art. 19) and penalties may follow.",
    ),
)

RULES_BY_KEY: dict[str, Rule] = {rule.key: rule for rule in RULES}
