"""The deadline rules as a table: one row per rule, each citing its source.

REFERENCE.md sections 3 and 7 list the rules; every row below names the statute, regulation or
case it encodes, so counsel can check a computed date against the text it comes from. The
engine that evaluates the rows is in `deadline_evaluation.py` (one function per rule shape);
`deadlines.py` is the public face. This module holds the rows, the per-office national-phase
table, the event kinds and the facts the rules read.

Filings are read as follows (docs/DEADLINES.md says the same):
- `provisional-filed` is a US provisional application, filed with the USPTO;
- `nonprovisional-filed` and `utility-model-filed` are national or regional applications in the
  office their jurisdiction names ("EP", "CN", "JP", "DE", ...); an empty one counts for no
  office, and the docket asks for it;
- `pct-filed` is an international application; its jurisdiction is the receiving office, and
  it designates every PCT state ("WO").
Events dated after `as_of` are planned: a planned disclosure gives "file before" rows, a
planned filing or entry meets nothing until its day has come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from firstfile.domain.filings import (
    FILING_KINDS,
    NATIONAL_PHASE,
    OFFICE_KINDS,
    PCT,
    Filing,
    normalize_office,
    resolve_filings,
)
from firstfile.domain.office_calendars import NO_CLOSURES, ClosureTable
from firstfile.domain.views import EventView
from firstfile.domain.vocabulary import EVENT_KINDS

# Kinds the engine reads beyond the first, general ones of `vocabulary.EVENT_KINDS`. The date
# of each is the day it happened; the jurisdiction names the office where that matters.
EXTRA_EVENT_KINDS: tuple[str, ...] = (
    "national-phase-entered",  # PCT national/regional phase entered; jurisdiction = office
    "utility-model-filed",  # a utility model application; jurisdiction = office (DE, CN, ...)
    "confidentiality-exam-requested",  # the CNIPA confidentiality examination was requested
    "confidentiality-exam-cleared",  # CNIPA cleared the invention for filing abroad
    "foreign-filing-licence-granted",  # USPTO foreign filing licence (37 CFR 5.11-5.15)
    "nonpublication-requested",  # US non-publication request (35 USC 122(b)(2)(B)(i))
    "nonpublication-rescinded",  # the request rescinded, or the foreign filing notified
    "grace-proof-filed",  # proof of a grace-period disclosure filed; jurisdiction = office
    "vendor-application-published",  # a vendor's own application on the invention published
    "derivation-petition-filed",  # US derivation petition (35 USC 135)
    "employee-invention-reported",  # employer received the proper report (ArbnErfG §5)
    "employee-invention-claimed",  # employer claimed the invention (ArbnErfG §6(1))
    "employee-invention-released",  # employer released it in text form (ArbnErfG §6(2), §8)
)
KNOWN_EVENT_KINDS: frozenset[str] = frozenset(EVENT_KINDS) | frozenset(EXTRA_EVENT_KINDS)

# What makes the invention available to the public. A disclosure to a vendor with no NDA is
# a disclosure to someone free to pass it on, so it counts; one under NDA does not. A vendor's
# own application, once published, discloses the invention too.
PUBLIC_KINDS: frozenset[str] = frozenset(
    {"public-disclosure", "vendor-disclosure-no-nda", "vendor-application-published"}
)
# US only: an offer for sale is a disclosure under 35 USC 102(a)(1) even when it is secret
# (Helsinn v. Teva, 139 S. Ct. 628 (2019)). Elsewhere a confidential offer is not public.
US_DISCLOSURE_KINDS: frozenset[str] = PUBLIC_KINDS | {"offer-for-sale"}


# Rule shapes: each names the evaluation function in deadline_evaluation.py.
US_GRACE = "us-grace"
NOVELTY = "novelty"
UTILITY_MODEL_RESCUE = "utility-model-rescue"
ACTUAL_DATE_GRACE = "actual-date-grace"
GRACE_PROOF = "grace-proof"
BENEFIT = "benefit"
PRIORITY = "priority"
PHASE_ENTRY = "phase-entry"
PUBLICATION = "publication"
RESCISSION = "rescission"
NDA_EXPIRY = "nda-expiry"
VENDOR_CLOCK = "vendor-clock"
PERIOD = "period"
LICENCE = "licence"
CONFIDENTIALITY = "confidentiality"
CONFLICT = "conflict"
OFFICE_MISSING = "office-missing"


@dataclass(frozen=True, slots=True)
class VendorNda:
    """A vendor's NDA as recorded on the vendor: when it was signed and when it expires."""

    vendor_key: str
    vendor_name: str
    signed_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class NationalPhase:
    """One office's national (or regional) phase time limit under the PCT."""

    office: str
    months: int
    source: str
    late_months: int | None = None  # a later limit with a surcharge or late fee
    late_note: str = ""


# Months from the priority date for entering each office (PCT Art. 22(1), (3), 39(1)). An
# office not listed gets 30 months (Art. 22(1)), the earliest most offices allow, and its row
# says the office's own limit is to be confirmed.
NATIONAL_PHASES: Mapping[str, NationalPhase] = {
    p.office: p
    for p in (
        NationalPhase("US", 30, "35 USC 371(b), (d); 37 CFR 1.495; PCT Art. 22(1)"),
        NationalPhase(
            "CN", 30, "Implementing Regulations of the CN Patent Law Rule 103 (2010 numbering); "
            "PCT Art. 22(3)", late_months=32,
            late_note="CNIPA accepts entry up to 32 months with a surcharge for late entry",
        ),
        NationalPhase("JP", 30, "JP Patent Act Art. 184-4(1); PCT Art. 22(1)"),
        NationalPhase("KR", 31, "KR Patent Act Art. 201(1); PCT Art. 22(3)"),
        NationalPhase("IN", 31, "Indian Patents Rules 2003 r. 20(4)(i); PCT Art. 22(3)"),
        NationalPhase("EP", 31, "EPC Rule 159(1); PCT Art. 22(3), 39(1)(b)"),
        NationalPhase(
            "CA", 30, "Canadian Patent Rules (SOR/2019-251) s. 154; PCT Art. 22(3)",
            late_months=42, late_note="CIPO accepts entry up to 42 months with a late fee "
            "and a statement that the delay was unintentional",
        ),
    )
}
DEFAULT_PHASE_MONTHS = 30


@dataclass(frozen=True, slots=True)
class Facts:
    """One disclosure's events, sorted by date, the flags the rules need, and its filings."""

    events: tuple[EventView, ...]
    as_of: date
    completed_in_china: bool = False
    german_employee_invention: bool = False
    made_in_us: bool = False
    designated: tuple[str, ...] = ()  # offices the disclosure names in its jurisdictions
    closures: ClosureTable = NO_CLOSURES
    ndas: tuple[VendorNda, ...] = ()
    made: tuple[Filing, ...] = ()  # the filings made by as_of, in date order, with claims
    # Results the rules share while one disclosure is evaluated (a PCT's phase in an office).
    memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        events: Iterable[EventView],
        *,
        as_of: date,
        completed_in_china: bool = False,
        german_employee_invention: bool = False,
        made_in_us: bool = False,
        designated: Iterable[str] = (),
        closures: ClosureTable = NO_CLOSURES,
        ndas: Iterable[VendorNda] = (),
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
        made = [e for e in ordered if e.kind in FILING_KINDS and e.date <= as_of]
        resolved = resolve_filings(made, closures)
        offices: list[str] = []
        for code in designated:
            office = normalize_office(code)
            if office and office != "WO" and office not in offices:
                offices.append(office)
        return cls(
            ordered, as_of, completed_in_china, german_employee_invention, made_in_us,
            tuple(offices), closures, tuple(ndas), tuple(resolved[e] for e in made),
        )

    def happened(self, kinds: Iterable[str]) -> list[EventView]:
        """Events of kinds that have happened by as_of, in date order."""
        wanted = frozenset(kinds)
        return [e for e in self.events if e.kind in wanted and e.date <= self.as_of]

    def earliest(self, kinds: Iterable[str], *, planned: bool = False) -> EventView | None:
        """The earliest event of kinds that has happened (or, with planned, any), or None."""
        wanted = frozenset(kinds)
        return next((e for e in self.events
                     if e.kind in wanted and (planned or e.date <= self.as_of)), None)

    def made_filings(self) -> list[Filing]:
        """Every filing made by as_of, in date order, with its claims."""
        return list(self.made)

    def first_filing(self) -> Filing | None:
        """The earliest filing made: the one whose priority others can claim."""
        return self.made[0] if self.made else None

    def entries(self, office: str) -> list[EventView]:
        """National or regional phase entries made in office, in date order."""
        return [e for e in self.happened({NATIONAL_PHASE})
                if normalize_office(e.jurisdiction) == office]

    def pcts(self) -> list[Filing]:
        """PCT applications filed, in date order."""
        return [f for f in self.made if f.event.kind == PCT]

    def office_missing(self) -> list[EventView]:
        """Filings and phase entries recorded without the office they were made in."""
        return [e for e in self.events if e.kind in OFFICE_KINDS and not e.jurisdiction.strip()]


def _always(facts: Facts) -> bool:
    return True


def _in_china(facts: Facts) -> bool:
    return facts.completed_in_china


def _in_us(facts: Facts) -> bool:
    return facts.made_in_us


def _in_us_and_china(facts: Facts) -> bool:
    return facts.made_in_us and facts.completed_in_china


def _german_employee(facts: Facts) -> bool:
    return facts.german_employee_invention


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table.

    `texts` holds the rule's wording by purpose ("note", "late", "pending", ...); the engine
    fills in {basis}, {due}, {met}, {until} and the like. Only these texts are formatted:
    event text never reaches format().
    """

    key: str
    title: str  # the rule in words, as the deadlines screen shows it
    jurisdiction: str
    shape: str
    source: str
    office: str = ""  # whose closed days extend the due date; "" for none
    months: int = 0
    days: int = 0
    applies: Callable[[Facts], bool] = _always
    texts: Mapping[str, str] = field(default_factory=dict)


RULES: tuple[Rule, ...] = (
    Rule(
        key="record-office",
        title="Office missing on a filing",
        jurisdiction="",
        shape=OFFICE_MISSING,
        source="docs/DEADLINES.md (Inputs): a filing or phase entry names its office",
        texts={
            "note": "The {kind} of {basis} names no office: record the office it was made in "
            "(US, EP, CN, JP, ...; the receiving office for a PCT). Until then it counts for "
            "no office's rule.",
        },
    ),
    Rule(
        key="us-grace-period",
        title="US grace period (1 year)",
        jurisdiction="US",
        shape=US_GRACE,
        source="35 USC 102(b)(1)(A), 119(a), (e)(1); MPEP 2153.01(a); Helsinn v. Teva (2019); "
        "35 USC 21(b)",
        office="US",
        months=12,
        texts={
            "note": "A US application within 1 year of the earliest public disclosure or offer "
            "for sale ({basis}); secret offers count too. An earlier filing (a provisional, a "
            "foreign or PCT application) counts only through a US non-provisional or PCT that "
            "validly claims it. Outside the US an offer is public only if it made the "
            "invention available: if so, record a public-disclosure too.",
            "planned": "Planned for {basis}: once it happens, a US application by {due} keeps "
            "the grace; filing before it keeps EP and CN novelty as well.",
            "pending": "The {first} of {first_date} meets it only if a US non-provisional (or "
            "PCT) claiming it is filed by {until} (12 months, 35 USC 119(a), (e)(1)).",
            "restorable": "The claim window ended on {until}: a US application claiming the "
            "{first} can still be filed until {restore} with a petition to restore the benefit "
            "(37 CFR 1.78(b), 1.55(c); unintentional delay).",
            "late": "No US application validly claims an earlier filing made by {due}: the "
            "disclosure of {basis} is prior art in the US.",
        },
    ),
    Rule(
        key="ep-absolute-novelty",
        title="EP absolute novelty",
        jurisdiction="EP",
        shape=NOVELTY,
        source="EPC Art. 54, 55, 87-89, 122, Rule 134(1), 136(1); G 3/98; T 173/83",
        office="EP",
        months=12,
        texts={
            "lost": "Absolute novelty: the public disclosure of {basis} came before any filing, "
            "so it is prior art for an EP application. Art. 55 exceptions (evident abuse such "
            "as a breach of confidence, T 173/83; display at an officially recognised "
            "exhibition) cover only a disclosure within 6 months before the actual EP filing "
            "date, not the priority date (G 3/98), i.e. filed by {exception_by}. Warning only: "
            "do not rely on it without counsel.",
            "planned": "Planned for {basis}: file first (an EP or PCT application, or a first "
            "filing whose priority one claims within 12 months) before the disclosure, on "
            "{basis} at the latest; once it happens without a filing, EP novelty is lost.",
            "after": "The disclosure of {basis} came after the first filing ({first_date}): EP "
            "novelty holds only for an EP or PCT application with a priority date on or before "
            "it, i.e. one claiming that filing, filed by {due} (Art. 87-89).",
            "restorable": "The priority year ended on {due}: an application filed until "
            "{restore} can still claim it if the priority is restored (EPC Art. 122, Rule "
            "136(1); PCT Rule 26bis.3).",
            "late": "No EP or PCT application has a priority date on or before the disclosure "
            "of {basis}: it is prior art for them.",
        },
    ),
    Rule(
        key="de-utility-model-grace",
        title="German utility model rescue (6 months)",
        jurisdiction="DE",
        shape=UTILITY_MODEL_RESCUE,
        source="GebrMG §3(1) sentence 3, §5",
        months=6,
        texts={
            "note": "EP novelty is lost, but a German utility model (Gebrauchsmuster) ignores "
            "the applicant's own description or use within 6 months before the date its "
            "seniority counts from: file one (or a priority application it claims) by {due}. "
            "Only for the applicant's own disclosure; no processes (§2 No. 3); up to 10 years. "
            "Warning only: counsel decides.",
            "branch": " A utility model can also be branched off (§5) the {met} of {met_date} "
            "with its filing date, while that application is pending: counsel confirms.",
        },
    ),
    Rule(
        key="cn-absolute-novelty",
        title="CN absolute novelty",
        jurisdiction="CN",
        shape=NOVELTY,
        source="CN Patent Law Art. 22, 24, 29 (2020 amendment); Implementing Regulations "
        "Rule 11 (2010 numbering)",
        office="CN",
        months=12,
        texts={
            "lost": "Absolute novelty: the public disclosure of {basis} came before any filing, "
            "so it is prior art for a CN application. Art. 24 allows 6 months only for a first "
            "disclosure in a national emergency for the public interest, at a recognised "
            "exhibition, at a prescribed academic or technical conference, or without the "
            "applicant's consent, counted to the priority date (Implementing Regulations Rule "
            "11), i.e. filed by {exception_by}. Warning only: do not rely on it without counsel.",
            "planned": "Planned for {basis}: file first (a CN or PCT application, or a first "
            "filing whose priority one claims within 12 months) before the disclosure, on "
            "{basis} at the latest; once it happens without a filing, CN novelty is lost.",
            "after": "The disclosure of {basis} came after the first filing ({first_date}): CN "
            "novelty holds only for a CN or PCT application with a priority date on or before "
            "it, i.e. one claiming that filing, filed by {due} (Art. 29).",
            "restorable": "The priority year ended on {due}: an application filed until "
            "{restore} can still claim it if the priority is restored (PCT Rule 26bis.3; CN "
            "Implementing Regulations, 2023 revision): counsel confirms.",
            "late": "No CN or PCT application has a priority date on or before the disclosure "
            "of {basis}: it is prior art for them.",
        },
    ),
    Rule(
        key="jp-grace-period",
        title="JP grace period (1 year)",
        jurisdiction="JP",
        shape=ACTUAL_DATE_GRACE,
        source="JP Patent Act Art. 30(2), (3) (2018 amendment), Art. 3(2)",
        office="JP",
        months=12,
        texts={
            "note": "A JP or PCT application within 1 year of the public disclosure of {basis}, "
            "counted to its actual filing date: a priority claim does not extend it. File the "
            "Art. 30 statement with the application and the proof within 30 days.",
            "planned": "Planned for {basis}: once it happens, a JP or PCT application by {due} "
            "keeps the grace.",
            "late": "The first JP or PCT application, {met}, came after the grace year: the "
            "disclosure of {basis} is prior art in Japan.",
        },
    ),
    Rule(
        key="jp-grace-proof",
        title="JP grace: proof of the disclosure (30 days)",
        jurisdiction="JP",
        shape=GRACE_PROOF,
        source="JP Patent Act Art. 30(3), 184-14, Art. 3(2)",
        office="JP",
        days=30,
        texts={
            "note": "The JP application of {basis} relies on the grace for the disclosure of "
            "{disclosed}: file the certificate proving it within 30 days of filing (Art. "
            "30(3); for a PCT, 30 days from the national processing date, Art. 184-14).",
            "late": "No proof was recorded by {due}: the Art. 30 exception cannot be relied on.",
        },
    ),
    Rule(
        key="cn-grace-proof",
        title="CN grace: proof of the exhibition or conference (2 months)",
        jurisdiction="CN",
        shape=GRACE_PROOF,
        source="CN Patent Law Art. 24; Implementing Regulations Rule 30, 107 (2010 numbering)",
        office="CN",
        months=2,
        texts={
            "note": "Only if the CN application of {basis} claims the Art. 24 exception for the "
            "disclosure of {disclosed} (an exhibition, a prescribed conference, a national "
            "emergency): declare it when filing and file the proof within 2 months.",
            "late": "No proof was recorded by {due}: the Art. 24 exception cannot be relied on.",
        },
    ),
    Rule(
        key="ep-exhibition-certificate",
        title="EP exhibition certificate (4 months)",
        jurisdiction="EP",
        shape=GRACE_PROOF,
        source="EPC Art. 55(1)(b), (2), Rule 25, Rule 134(1)",
        office="EP",
        months=4,
        texts={
            "note": "Only if the disclosure of {disclosed} was a display at an officially "
            "recognised exhibition and the EP application of {basis} says so: file the "
            "exhibition certificate within 4 months of filing (Rule 25).",
            "late": "No certificate was recorded by {due}: the Art. 55(1)(b) exception cannot "
            "be relied on.",
        },
    ),
    Rule(
        key="us-nonprovisional",
        title="US non-provisional (12 months)",
        jurisdiction="US",
        shape=BENEFIT,
        source="35 USC 111(b)(5), 119(e)(1), (3); 37 CFR 1.7, 1.78(a)-(c)",
        office="US",
        months=12,
        texts={
            "note": "A US non-provisional (or PCT) claiming the provisional of {basis}. A "
            "petition to restore the benefit up to 14 months (37 CFR 1.78(b)) needs an "
            "unintentional delay: never plan on it.",
            "restorable": "Past 12 months: a non-provisional filed until {restore} can still "
            "claim it with a petition to restore the benefit (37 CFR 1.78(b)).",
            "late": "No US non-provisional or PCT validly claims the provisional: its benefit is "
            "lost (35 USC 119(e)(1)).",
        },
    ),
    Rule(
        key="paris-priority",
        title="Priority year for filings abroad (12 months)",
        jurisdiction="foreign",
        shape=PRIORITY,
        source="Paris Convention Art. 4A, 4C(1)-(3); PCT Rule 26bis.3, 80.5; EPC Art. 87, "
        "Rule 134(1)",
        months=12,
        texts={
            "note": "Applications in other offices (or a PCT) claiming the priority of the first "
            "filing of {basis}: 12 months for patents and utility models (6 for designs). The "
            "date shown is the anniversary itself; an office closed that day extends it to its "
            "next open day (Art. 4C(3)), and each filing made is checked against its own "
            "office's calendar.",
            "restorable": "Past the priority year: an application filed until {restore} can "
            "still claim it if the priority is restored on petition (PCT Rule 26bis.3; EPC Art. "
            "122; 37 CFR 1.55(c)).",
            "late": "No application in another office validly claims the first filing of "
            "{basis}.",
        },
    ),
    Rule(
        key="pct-national-phase",
        title="PCT national phase",
        jurisdiction="national",
        shape=PHASE_ENTRY,
        source="PCT Art. 22(1), (3), 39(1)",
        texts={
            "note": "National phase in {office} {months} months from the earliest priority date "
            "({basis}), met only by an entry in {office}.",
            "generic": "National phase 30 months from the earliest priority date ({basis}) in "
            "most offices (US, JP, CN; KR and IN 31). Name the offices in the disclosure's "
            "jurisdictions to track each with its own date; until then the first entry "
            "recorded meets this row.",
            "unknown": " {office} is not in the national-phase table: 30 months is the PCT's "
            "minimum; counsel confirms the office's own limit.",
            "bypass": " A US application filed on or after the PCT and claiming it (a bypass "
            "continuation, 35 USC 111(a), 120, 365(c)) also meets it.",
            "late": "Entered on {met}, after {due}: reinstatement depends on the office.",
        },
    ),
    Rule(
        key="pct-ep-regional-phase",
        title="PCT EP regional phase (31 months)",
        jurisdiction="EP",
        shape=PHASE_ENTRY,
        source="EPC Rule 159(1); PCT Art. 22(3), 39(1)(b)",
        office="EP",
        months=31,
        texts={
            "note": "EP regional phase 31 months from the earliest priority date ({basis}).",
            "late": "EP phase entered on {met}, after {due}: further processing or re-"
            "establishment may help (EPC Art. 121, 122).",
        },
    ),
    Rule(
        key="publication-18-months",
        title="Publication at 18 months",
        jurisdiction="WO",
        shape=PUBLICATION,
        source="PCT Art. 21(2)(a), Rule 90bis.1(c); 35 USC 122(b)(1)(A); 37 CFR 1.138(c); "
        "EPC Art. 93(1)",
        months=18,
        texts={
            "note": "The application is published about 18 months from the earliest priority "
            "date ({basis}). This is the last point at which the invention can still be kept a "
            "trade secret: withdraw before the technical preparations for publication end (PCT "
            "Rule 90bis.1(c): about 15 days before; USPTO: express abandonment under 37 CFR "
            "1.138(c), filed about 4 weeks before).",
            "done": "Published about {due}: the invention is public from then on.",
        },
    ),
    Rule(
        key="us-nonpublication-rescission",
        title="US non-publication request: rescind within 45 days of filing abroad",
        jurisdiction="US",
        shape=RESCISSION,
        source="35 USC 122(b)(2)(B)(i), (iii); 37 CFR 1.213(c); 37 CFR 1.137; 35 USC 21(b)",
        office="US",
        days=45,
        texts={
            "note": "A non-publication request was made on {requested}. The {basis_kind} of "
            "{basis} is a filing abroad (or under the PCT): notify the USPTO (rescind the "
            "request) within 45 days.",
            "waiting": "A non-publication request was made on {requested}. Any filing abroad or "
            "PCT application must be notified to the USPTO (rescinding the request) within 45 "
            "days of that filing.",
            "late": "Not notified by {due}: the US application is regarded as abandoned, unless "
            "revived on petition for an unintentional delay (37 CFR 1.137).",
        },
    ),
    Rule(
        key="vendor-nda-expiry",
        title="Vendor NDA expires",
        jurisdiction="NDA",
        shape=NDA_EXPIRY,
        source="The vendor's NDA (recorded on the vendor); 35 USC 102(a)(1); EPC Art. 54(2)",
        texts={
            "note": "The invention was disclosed under NDA on {basis}; the NDA with {vendor} "
            "expires on {due}. After that the vendor is free to disclose or use it: file "
            "before then.",
            "expired": "The NDA with {vendor} expired on {expired}, before the disclosure of "
            "{basis}: the disclosure was not under NDA. Record it as vendor-disclosure-no-nda "
            "if the vendor owed no other duty of confidence.",
            "late": "The NDA expired on {due} before any filing: a disclosure by the vendor "
            "since then is no breach and destroys novelty.",
        },
    ),
    Rule(
        key="us-derivation-petition",
        title="US derivation petition (1 year from the vendor's publication)",
        jurisdiction="US",
        shape=VENDOR_CLOCK,
        source="35 USC 135(a)(1); 37 CFR 42.403; 35 USC 21(b)",
        office="US",
        months=12,
        texts={
            "note": "The vendor's application claiming the invention was published on {basis}: "
            "a derivation petition must be filed within 1 year of that first publication. Only "
            "an applicant can petition: the company needs its own US application claiming the "
            "same invention.",
            "no_application": " No US application of the company is recorded yet: file one "
            "first.",
            "late": "No derivation petition by {due}: the derivation proceeding is no longer "
            "available.",
        },
    ),
    Rule(
        key="ep-abuse-grace",
        title="EP evident abuse (6 months from the vendor's disclosure)",
        jurisdiction="EP",
        shape=VENDOR_CLOCK,
        source="EPC Art. 55(1)(a), Art. 61; G 3/98; T 173/83",
        office="EP",
        months=6,
        texts={
            "note": "The vendor's publication of {basis} is not prior art if it was an evident "
            "abuse (a breach of the NDA) and an EP or PCT application is actually filed within "
            "6 months of it (Art. 55(1)(a), counted to the actual filing date, G 3/98). If the "
            "vendor filed an EP application, entitlement proceedings (Art. 61) may also help.",
            "late": "No EP or PCT application by {due}: the vendor's publication is prior art "
            "for EP.",
        },
    ),
    Rule(
        key="cn-consent-grace",
        title="CN disclosure without consent (6 months)",
        jurisdiction="CN",
        shape=VENDOR_CLOCK,
        source="CN Patent Law Art. 24(4) (2020 amendment); Implementing Regulations Rule 11, "
        "30 (2010 numbering)",
        office="CN",
        months=6,
        texts={
            "note": "The vendor's publication of {basis} disclosed the invention without the "
            "company's consent: it is not prior art for a CN or PCT application with a priority "
            "date within 6 months of it (Art. 24(4)); CNIPA may ask for proof.",
            "late": "No CN or PCT application with a priority date by {due}: the vendor's "
            "publication is prior art in China.",
        },
    ),
    Rule(
        key="de-employee-invention",
        title="German employee invention: claim or release (4 months)",
        jurisdiction="DE",
        shape=PERIOD,
        source="ArbnErfG §5, §6(1)-(2)",
        months=4,
        applies=_german_employee,
        texts={
            "note": "The employer claims or releases (in text form) within 4 months of "
            "receiving the proper report of {basis}; without a release by then the invention "
            "is deemed claimed (§6(2)). Not shifted for weekends or holidays (BGB §193): "
            "counsel confirms.",
            "late": "The decision of {met} came after 4 months: the invention was already "
            "deemed claimed on {due} (§6(2)).",
            "lapse": "No release within 4 months: the invention was deemed claimed (§6(2)).",
            "missing": "German employee invention: record the date the proper report (ArbnErfG "
            "§5) was received to start the 4-month period.",
        },
    ),
    # The three clearances come last: their due dates borrow the earliest open filing
    # deadline the rows above computed.
    Rule(
        key="us-foreign-filing-licence",
        title="US foreign filing licence",
        jurisdiction="US",
        shape=LICENCE,
        source="35 USC 184, 185, 186; 37 CFR 5.11, 5.12, 5.15, 5.25",
        months=6,
        applies=_in_us,
        texts={
            "note": "Made (at least partly) in the US: no application abroad (or PCT at a "
            "foreign receiving office) before 6 months after the US filing, unless the USPTO "
            "grants a foreign filing licence (usually on the filing receipt; otherwise by "
            "petition, 37 CFR 5.12(b)). Record it as foreign-filing-licence-granted.",
            "late": "Filed abroad on {basis} without a licence and before 6 months after a US "
            "filing: no US patent can be granted for it (35 USC 185) unless a retroactive "
            "licence is obtained (37 CFR 5.25).",
        },
    ),
    Rule(
        key="cn-confidentiality-exam",
        title="CN confidentiality examination before filing abroad",
        jurisdiction="CN",
        shape=CONFIDENTIALITY,
        source="CN Patent Law Art. 19 (2020 amendment); Implementing Regulations Rule 8, 9",
        months=4,
        applies=_in_china,
        texts={
            "note": "Completed (even partly) in China: CNIPA's confidentiality examination must "
            "clear it before any filing abroad (a PCT filed with CNIPA as receiving office "
            "counts as the request). Without a notice from CNIPA within 4 months of the request "
            "the applicant may file abroad; once CNIPA notifies that it examines, it decides "
            "within 6 months of the request (Rule 9).",
            "request_by": "Needed before the filing due {need} ({driver}): request by {due} so "
            "that the 4-month period ends in time (by {due6} if CNIPA examines: 6 months).",
            "requested": "Requested on {requested}: file abroad only after clearance or, "
            "without a notice from CNIPA, from {free}.",
            "too_late": " That is after the filing due {need} ({driver}): ask counsel about "
            "filing in China first.",
            "late": "Filed abroad on {basis} without clearance: no CN patent can be granted for "
            "it (Art. 19) and penalties may follow.",
        },
    ),
    Rule(
        key="us-cn-filing-conflict",
        title="US licence and CN examination both needed",
        jurisdiction="US+CN",
        shape=CONFLICT,
        source="35 USC 184; 37 CFR 5.12(b); CN Patent Law Art. 19; Implementing Regulations "
        "Rule 8, 9",
        applies=_in_us_and_china,
        texts={
            "note": "Made partly in the US and partly in China: each country requires its own "
            "clearance before any filing in the other, so whichever office gets the first "
            "filing, the other country's clearance must come first. Either petition the USPTO "
            "for a foreign filing licence (37 CFR 5.12(b)) before filing in China, or obtain "
            "CNIPA's clearance before filing in the US. Counsel chooses the route.",
        },
    ),
)

RULES_BY_KEY: dict[str, Rule] = {rule.key: rule for rule in RULES}


def rule_title(key: str) -> str:
    """The rule's name in words ("US grace period (1 year)"), or the key when unknown."""
    rule = RULES_BY_KEY.get(key)
    return rule.title if rule else key
