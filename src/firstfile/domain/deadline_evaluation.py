"""Evaluating the rule table: one function per rule shape, each giving the rows of one rule.

The rules themselves (periods, offices, sources, wording) are rows of `deadline_rules.RULES`;
the functions here apply them to one disclosure's `Facts`. Every function is pure: dates in,
rows out, relative to `facts.as_of`.

States:
- met: the event that satisfies the rule exists, on or before the due date;
- lost: it can no longer be met (novelty destroyed, a filing made too late, a filing abroad
  without clearance). A late filing is "lost", never "met": the right the deadline protected is
  gone unless a remedy in the note applies;
- overdue: the due date has passed and no satisfying event is recorded (it may only be
  unrecorded: counsel checks), or only a remedy such as a restoration is left;
- due-soon: not met, due within DUE_SOON_DAYS days of as_of (today included);
- open: not met and due later, or not dated yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from firstfile.domain.deadline_rules import (
    ACTUAL_DATE_GRACE,
    BENEFIT,
    CONFIDENTIALITY,
    CONFLICT,
    DEFAULT_PHASE_MONTHS,
    GRACE_PROOF,
    LICENCE,
    NATIONAL_PHASES,
    NDA_EXPIRY,
    NOVELTY,
    OFFICE_MISSING,
    PERIOD,
    PHASE_ENTRY,
    PRIORITY,
    PUBLIC_KINDS,
    PUBLICATION,
    RESCISSION,
    RULES_BY_KEY,
    US_DISCLOSURE_KINDS,
    US_GRACE,
    UTILITY_MODEL_RESCUE,
    VENDOR_CLOCK,
    Facts,
    Rule,
)
from firstfile.domain.filings import (
    NONPROVISIONAL,
    PCT,
    PROVISIONAL,
    RESTORATION_MONTHS,
    UTILITY_MODEL,
    Filing,
    add_months,
    filing_office,
    normalize_office,
    receiving_office,
)
from firstfile.domain.office_calendars import (
    ClosureTable,
    calendar_warning,
    closed_reason,
    next_open_day,
)
from firstfile.domain.views import EventView

DEADLINE_STATES: tuple[str, ...] = ("overdue", "due-soon", "open", "met", "lost")
DUE_SOON_DAYS = 30
UNMET: frozenset[str] = frozenset({"overdue", "due-soon", "open"})

_OFFICE_NAMES = {"US": "the USPTO", "EP": "the EPO", "CN": "CNIPA", "JP": "the JPO",
                 "KR": "KIPO", "WO": "the International Bureau"}


@dataclass(frozen=True, slots=True)
class Deadline:
    """One computed deadline: which rule, where, when, from which event, and its state."""

    rule: str
    jurisdiction: str
    due: date | None
    basis: EventView | None
    state: str
    note: str
    source: str = ""
    planned: bool = False  # counted from an event that has not happened yet (after as_of)

    @property
    def title(self) -> str:
        """The rule in words, as the deadlines screen shows it."""
        rule = RULES_BY_KEY.get(self.rule)
        return rule.title if rule else self.rule

    def as_json(self, disclosure_key: str) -> dict[str, Any]:
        """The CLI's JSON row: disclosure, rule, jurisdiction, due, basis, state, note, source,
        planned."""
        basis: dict[str, Any] | None = None
        if self.basis is not None:
            basis = asdict(self.basis)
            basis["date"] = self.basis.date.isoformat()
            basis["claims_priority_of"] = list(self.basis.claims_priority_of)
        return {
            "disclosure": disclosure_key,
            "rule": self.rule,
            "jurisdiction": self.jurisdiction,
            "due": self.due.isoformat() if self.due else None,
            "basis": basis,
            "state": self.state,
            "note": self.note,
            "source": self.source,
            "planned": self.planned,
        }


def state_for(due: date | None, as_of: date) -> str:
    """The state of a deadline not met: overdue, due-soon (within 30 days) or open."""
    if due is None:
        return "open"
    if due < as_of:
        return "overdue"
    if due <= as_of + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "open"


# Helpers ---------------------------------------------------------------------------------


def _iso(value: date | None) -> str:
    return value.isoformat() if value else "-"


def _text(rule: Rule, name: str, **values: Any) -> str:
    # Only the rule table's own texts are formatted; event text never reaches format().
    shown = {k: _iso(v) if isinstance(v, date) or v is None else str(v)
             for k, v in values.items()}
    return rule.texts[name].format(**shown)


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


def _row(
    rule: Rule, due: date | None, basis: EventView | None, state: str, note: str, *,
    jurisdiction: str | None = None, source: str | None = None, planned: bool = False,
) -> Deadline:
    return Deadline(rule.key, rule.jurisdiction if jurisdiction is None else jurisdiction,
                    due, basis, state, note, rule.source if source is None else source, planned)


@dataclass(frozen=True, slots=True)
class _Due:
    """A due date with the words explaining a closed-day extension or a calendar gap."""

    day: date
    words: str = ""


def _due(facts: Facts, office: str, start: date, *, months: int = 0, days: int = 0) -> _Due:
    """start + months + days, moved to office's next open day ("" office: not moved)."""
    return _due_at(office, start, months, days, facts.closures)


@lru_cache(maxsize=65536)
def _due_at(office: str, start: date, months: int, days: int, table: ClosureTable) -> _Due:
    # Pure in its arguments, and a docket asks for the same few dates over and over.
    raw = add_months(start, months) + timedelta(days=days)
    if not office:
        return _Due(raw)
    day = next_open_day(office, raw, table)
    words = []
    if day != raw:
        reason = closed_reason(office, raw, table)
        words.append(f"{raw.isoformat()} is a day {_OFFICE_NAMES.get(office, office)} is "
                     f"closed ({reason}): the period runs to {day.isoformat()}.")
    warning = calendar_warning(office, raw, table)
    if warning:
        words.append(warning)
    return _Due(day, " ".join(words))


def _settle_unmet(due: date, as_of: date, restore: date | None) -> str:
    """overdue/due-soon/open for a deadline nothing has met yet; lost once even a restoration
    window (when there is one) has closed."""
    state = state_for(due, as_of)
    if state == "overdue" and restore is not None and as_of > restore:
        return "lost"
    return state


def _met_words(filing: Filing, claim_of: EventView | None = None) -> str:
    claim = filing.claims_filing(claim_of) if claim_of is not None else None
    return (f"Met by the {filing.event.kind} of {filing.event.date.isoformat()}"
            f"{filing.claim_words(claim)}.")


def _designates_us(filing: Filing) -> bool:
    e = filing.event
    return e.kind == PCT or (e.kind == NONPROVISIONAL and filing_office(e) == "US")


def _protects_in(filing: Filing, office: str) -> bool:
    """True for an application that can become a patent in office (a PCT designates all)."""
    e = filing.event
    if e.kind == PCT:
        return True
    return e.kind in (NONPROVISIONAL, UTILITY_MODEL) and filing_office(e) == office


@dataclass(frozen=True, slots=True)
class PhaseStatus:
    """Where one PCT application stands in one office's national (regional) phase."""

    office: str
    months: int
    due: _Due
    late_due: date | None
    entry: EventView | None
    status: str  # entered | entered-late | too-late | pending | late-window | missed
    source: str
    known: bool  # the office is in the national-phase table


def phase_status(facts: Facts, pct: Filing, office: str) -> PhaseStatus:
    """Where pct stands in office's national phase, counted from its priority date."""
    key = ("phase", id(pct), office)  # the Filing lives as long as facts
    known = facts.memo.get(key)
    if isinstance(known, PhaseStatus):
        return known
    status = _phase_status(facts, pct, office)
    facts.memo[key] = status
    return status


def _phase_status(facts: Facts, pct: Filing, office: str) -> PhaseStatus:
    phase = NATIONAL_PHASES.get(office)
    months = phase.months if phase else DEFAULT_PHASE_MONTHS
    due = _due(facts, office, pct.priority_date, months=months)
    late_due = None
    if phase and phase.late_months:
        late_due = _due(facts, office, pct.priority_date, months=phase.late_months).day
    entries = [e for e in facts.entries(office) if e.date >= pct.event.date]
    if office == "US":
        # A US application claiming the PCT (a bypass continuation) enters the US too.
        entries += [f.event for f in facts.made_filings()
                    if f.event.kind == NONPROVISIONAL and filing_office(f.event) == "US"
                    and f.event.date >= pct.event.date]
        entries.sort(key=lambda e: e.date)
    entry = entries[0] if entries else None
    if entry is not None:
        if entry.date <= due.day:
            status = "entered"
        elif late_due is not None and entry.date <= late_due:
            status = "entered-late"
        else:
            status = "too-late"
    elif facts.as_of <= due.day:
        status = "pending"
    elif late_due is not None and facts.as_of <= late_due:
        status = "late-window"
    else:
        status = "missed"
    source = phase.source if phase else "PCT Art. 22(1), (3)"
    return PhaseStatus(office, months, due, late_due, entry, status, source, phase is not None)


def _through_pct(facts: Facts, filing: Filing, office: str) -> tuple[bool, str]:
    """Whether a filing still counts in office, and the words saying what it depends on.

    A PCT application counts in an office only while its national phase there can still be
    (or was) entered in time.
    """
    if filing.event.kind != PCT:
        return True, ""
    phase = phase_status(facts, filing, office)
    if phase.status in ("entered", "entered-late"):
        return True, ""
    if phase.status in ("pending", "late-window"):
        until = phase.late_due if phase.status == "late-window" else phase.due.day
        return True, (f"Through the PCT: it holds only if the {office} national phase is "
                      f"entered by {_iso(until)}.")
    return False, (f"The PCT of {filing.event.date.isoformat()} no longer counts in {office}: "
                   f"its national phase there was due {phase.due.day.isoformat()} and is not "
                   "recorded as entered.")


# Shapes --------------------------------------------------------------------------------------


def _office_missing(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    return [_row(rule, None, e, "open", _text(rule, "note", kind=e.kind, basis=e.date))
            for e in facts.office_missing()]


def _us_grace(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    disclosure = facts.earliest(US_DISCLOSURE_KINDS, planned=True)
    if disclosure is None:
        return []
    planned = disclosure.date > facts.as_of
    grace = _due(facts, "US", disclosure.date, months=rule.months)
    note = _join(_text(rule, "note", basis=disclosure.date),
                 _text(rule, "planned", basis=disclosure.date, due=grace.day) if planned else "",
                 grace.words)
    us_apps = [f for f in facts.made_filings() if _designates_us(f)]
    lost_words = []
    for app in us_apps:
        if app.priority_date > grace.day:
            continue
        counts, words = _through_pct(facts, app, "US")
        if counts:
            basis_claim = app.priority_basis if app.priority_basis is not app.event else None
            return [_row(rule, grace.day, disclosure, "met",
                         _join(note, _met_words(app, basis_claim), words), planned=planned)]
        lost_words.append(words)
    # Earlier filings that a US application could still claim (the benefit chain).
    early = [f for f in facts.made_filings() if f.event.date <= grace.day]
    windows = [(_due(facts, "US", f.event.date, months=12).day, f) for f in early]
    problems = " ".join(a.problem_words() for a in us_apps if a.problem_words())
    if windows:
        until, first = max(windows, key=lambda w: w[0])
        restore = _due(facts, "US", first.event.date, months=RESTORATION_MONTHS).day
        due = max(grace.day, until)
        if until > grace.day:
            note = _join(note, _text(rule, "pending", first=first.event.kind,
                                     first_date=first.event.date, until=until))
        late = [a for a in us_apps if a.event.date > due]
        if late:
            words = (f"The US application of {late[0].event.date.isoformat()} came too late "
                     f"and does not validly claim the {first.event.kind}.")
            return [_row(rule, due, disclosure, "lost",
                         _join(note, problems, words, *lost_words,
                               _text(rule, "late", due=grace.day, basis=disclosure.date)),
                         planned=planned)]
        state = _settle_unmet(due, facts.as_of, restore)
        extra = ""
        if state == "overdue" and until >= grace.day:
            extra = _text(rule, "restorable", until=until, first=first.event.kind,
                          restore=restore)
        elif state == "lost":
            extra = _text(rule, "late", due=grace.day, basis=disclosure.date)
        return [_row(rule, due, disclosure, state, _join(note, problems, *lost_words, extra),
                     planned=planned)]
    if us_apps:
        late_app = us_apps[0]
        return [_row(rule, grace.day, disclosure, "lost",
                     _join(note, f"The first US application, {late_app.event.date.isoformat()}, "
                                 "came after the grace period.", problems, *lost_words,
                           _text(rule, "late", due=grace.day, basis=disclosure.date)),
                     planned=planned)]
    return [_row(rule, grace.day, disclosure, state_for(grace.day, facts.as_of), note,
                 planned=planned)]


def _novelty(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    office = rule.office
    disclosure = facts.earliest(PUBLIC_KINDS, planned=True)
    if disclosure is None:
        return []
    planned = disclosure.date > facts.as_of
    first = facts.first_filing()
    # The state of the art is what was public *before* the filing date: a disclosure on the
    # day of filing is not prior art (EPC Art. 54(2)), hence the strict comparison.
    if first is None or disclosure.date < first.event.date:
        if planned:
            note = _text(rule, "planned", basis=disclosure.date)
            return [_row(rule, disclosure.date, disclosure,
                         state_for(disclosure.date, facts.as_of), note, planned=True)]
        exception_by = add_months(disclosure.date, 6)
        return [_row(rule, None, disclosure, "lost",
                     _text(rule, "lost", basis=disclosure.date, exception_by=exception_by))]
    # Disclosed on or after the first filing: novelty holds for an application whose
    # priority date is on or before the disclosure (EPC Art. 89; CN Art. 29).
    due = _due(facts, office, first.event.date, months=rule.months)
    restore = _due(facts, office, first.event.date, months=RESTORATION_MONTHS).day
    note = _join(_text(rule, "after", basis=disclosure.date, first_date=first.event.date,
                       due=due.day), due.words)
    apps = [f for f in facts.made_filings() if _protects_in(f, office)]
    dropped = []
    for app in apps:
        if app.priority_date > disclosure.date:
            continue
        counts, words = _through_pct(facts, app, office)
        if counts:
            claimed = app.priority_basis if app.priority_basis is not app.event else None
            restored = ""
            if office == "EP" and claimed is not None:
                claim = app.claims_filing(claimed)
                if claim is not None and claim.restored:
                    restored = ("A priority restored by a receiving office under the "
                                "'unintentional' criterion has no effect before the EPO (PCT "
                                "Rule 49ter.1(b)): counsel confirms the criterion applied.")
            return [_row(rule, due.day, disclosure, "met",
                         _join(note, _met_words(app, claimed), words, restored),
                         planned=planned)]
        dropped.append(words)
    problems = " ".join(a.problem_words() for a in apps if a.problem_words())
    late = [a for a in apps if a.priority_date > disclosure.date]
    if late:
        words = (f"The {late[0].event.kind} of {late[0].event.date.isoformat()} has a priority "
                 f"date after the disclosure.")
        return [_row(rule, due.day, disclosure, "lost",
                     _join(note, problems, words, *dropped,
                           _text(rule, "late", basis=disclosure.date)), planned=planned)]
    state = _settle_unmet(due.day, facts.as_of, restore)
    extra = ""
    if state == "overdue":
        extra = _text(rule, "restorable", due=due.day, restore=restore)
    elif state == "lost":
        extra = _text(rule, "late", basis=disclosure.date)
    return [_row(rule, due.day, disclosure, state, _join(note, *dropped, extra),
                 planned=planned)]


def _utility_model_rescue(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    ep = next((d for d in earlier if d.rule == "ep-absolute-novelty"), None)
    if ep is None or ep.state != "lost" or ep.due is not None or ep.basis is None:
        return []  # offered only next to an EP row lost to a disclosure before any filing
    disclosure = ep.basis
    due = add_months(disclosure.date, rule.months)
    note = _text(rule, "note", due=due)
    for filing in facts.made_filings():
        e = filing.event
        if e.kind == UTILITY_MODEL and filing_office(e) == "DE" and filing.priority_date <= due:
            return [_row(rule, due, disclosure, "met", _join(note, _met_words(filing)))]
    parent = next((f for f in facts.made_filings()
                   if f.event.date <= due and (f.event.kind == PCT or (
                       f.event.kind == NONPROVISIONAL
                       and filing_office(f.event) in ("DE", "EP")))), None)
    if parent is not None:
        note += _text(rule, "branch", met=parent.event.kind, met_date=parent.event.date)
    state = state_for(due, facts.as_of)
    if state == "overdue":
        state = "open" if parent is not None else "lost"
    return [_row(rule, due, disclosure, state, note)]


def _actual_date_grace(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    office = rule.office
    disclosure = facts.earliest(PUBLIC_KINDS, planned=True)
    if disclosure is None:
        return []
    planned = disclosure.date > facts.as_of
    due = _due(facts, office, disclosure.date, months=rule.months)
    note = _join(_text(rule, "note", basis=disclosure.date),
                 _text(rule, "planned", basis=disclosure.date, due=due.day) if planned else "",
                 due.words)
    apps = [f for f in facts.made_filings() if _protects_in(f, office)]
    dropped = []
    for app in apps:
        if app.event.date > due.day:
            break
        counts, words = _through_pct(facts, app, office)
        if counts:
            return [_row(rule, due.day, disclosure, "met",
                         _join(note, f"Met by the {app.event.kind} of "
                                     f"{app.event.date.isoformat()}.", words), planned=planned)]
        dropped.append(words)
    late = [a for a in apps if a.event.date > due.day]
    if late:
        return [_row(rule, due.day, disclosure, "lost",
                     _join(note, *dropped, _text(rule, "late", met=late[0].event.date,
                                                 basis=disclosure.date)), planned=planned)]
    state = state_for(due.day, facts.as_of)
    if state == "overdue" and dropped:
        state = "lost"
    return [_row(rule, due.day, disclosure, state, _join(note, *dropped), planned=planned)]


def _grace_proof(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    """The proof an application relying on a grace period owes, counted from its filing.

    JP: any JP application filed after a disclosure within the grace year relies on Art. 30.
    CN and EP: only an exhibition or conference disclosure qualifies, which the engine cannot
    tell; the row is offered for an application filed within 6 months after the disclosure.
    """
    office = rule.office
    disclosure = facts.earliest(PUBLIC_KINDS)
    if disclosure is None:
        return []
    # JP: the grace year, extended like the grace row; EP and CN: the 6-month exception
    # windows, not extended (neither is a procedural time limit).
    limit = (_due(facts, office, disclosure.date, months=12).day if office == "JP"
             else add_months(disclosure.date, 6))
    direct = [f for f in facts.made_filings()
              if f.event.kind in (NONPROVISIONAL, UTILITY_MODEL)
              and filing_office(f.event) == office]
    start: EventView | None = None
    for filing in direct:
        counted = filing.event.date if office in ("JP", "EP") else filing.priority_date
        if disclosure.date < filing.event.date and counted <= limit:
            start = filing.event
            break
    if start is None and office in ("JP", "CN"):
        # A PCT application relying on the grace owes the proof from its national phase entry.
        pct = next((f for f in facts.pcts()
                    if disclosure.date < f.event.date <= limit), None)
        entries = facts.entries(office)
        if pct is not None and entries:
            start = entries[0]
    if start is None:
        return []
    due = _due(facts, office, start.date, months=rule.months, days=rule.days)
    note = _join(_text(rule, "note", basis=start.date, disclosed=disclosure.date), due.words)
    proofs = [e for e in facts.happened({"grace-proof-filed"})
              if normalize_office(e.jurisdiction) == office and e.date >= start.date]
    if proofs and proofs[0].date <= due.day:
        return [_row(rule, due.day, start, "met",
                     _join(note, f"Proof filed on {proofs[0].date.isoformat()}."))]
    state = state_for(due.day, facts.as_of)
    if state == "overdue" or proofs:
        return [_row(rule, due.day, start, "lost", _join(note, _text(rule, "late", due=due.day)))]
    return [_row(rule, due.day, start, state, note)]


def _benefit(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    provisional = next((f for f in facts.made_filings() if f.event.kind == PROVISIONAL), None)
    if provisional is None:
        return []
    basis = provisional.event
    due = _due(facts, "US", basis.date, months=rule.months)
    restore = _due(facts, "US", basis.date, months=RESTORATION_MONTHS).day
    note = _join(_text(rule, "note", basis=basis.date), due.words)
    apps = [f for f in facts.made_filings() if _designates_us(f) and f.event.date >= basis.date]
    for app in apps:
        if app.claims_filing(basis) is not None:
            counts, words = _through_pct(facts, app, "US")
            if counts:
                return [_row(rule, due.day, basis, "met",
                             _join(note, _met_words(app, basis), words))]
    problems = " ".join(a.problem_words() for a in apps if a.problem_words())
    if apps and apps[-1].event.date > due.day:
        late = apps[-1]
        words = (f"The {late.event.kind} of {late.event.date.isoformat()} came after 12 "
                 "months without a restored claim to it.")
        if late.event.date <= restore:
            words += (" If the benefit was restored on petition, record claims_priority_of "
                      "with restored: true.")
        return [_row(rule, due.day, basis, "lost",
                     _join(note, problems, words, _text(rule, "late")))]
    state = _settle_unmet(due.day, facts.as_of, restore)
    extra = ""
    if state == "overdue":
        extra = _text(rule, "restorable", restore=restore)
    elif state == "lost":
        extra = _text(rule, "late")
    return [_row(rule, due.day, basis, state, _join(note, problems, extra))]


def _priority(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    first = facts.first_filing()
    if first is None:
        return []
    basis = first.event
    # Each office extends its own closed days (Art. 4C(3)): the row shows the anniversary,
    # which is never later than any office's last day; filings made are checked against
    # their own office's calendar when their claims are resolved.
    due = add_months(basis.date, rule.months)
    restore = add_months(basis.date, RESTORATION_MONTHS)
    note = _text(rule, "note", basis=basis.date)
    home = filing_office(basis)
    apps = [f for f in facts.made_filings()
            if f.event is not basis and f.event.kind in (NONPROVISIONAL, PCT, UTILITY_MODEL)
            and filing_office(f.event) != home and f.event.date >= basis.date]
    for app in apps:
        if app.claims_filing(basis) is not None:
            return [_row(rule, due, basis, "met", _join(note, _met_words(app, basis)))]
    problems = " ".join(a.problem_words() for a in apps if a.problem_words())
    if apps:
        late = apps[0]
        return [_row(rule, due, basis, "lost",
                     _join(note, problems,
                           f"The {late.event.kind} in {receiving_office(late.event) or '?'} of "
                           f"{late.event.date.isoformat()} does not validly claim it.",
                           _text(rule, "late", basis=basis.date)))]
    state = _settle_unmet(due, facts.as_of, restore)
    extra = ""
    if state == "overdue":
        extra = _text(rule, "restorable", restore=restore)
    elif state == "lost":
        extra = _text(rule, "late", basis=basis.date)
    return [_row(rule, due, basis, state, _join(note, extra))]


def _phase_entry(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    pcts = facts.pcts()
    if not pcts:
        return []
    pct = pcts[0]
    entered = [normalize_office(e.jurisdiction) for e in facts.happened({"national-phase-entered"})
               if e.jurisdiction.strip() and e.date >= pct.event.date]
    offices = list(facts.designated)
    offices += [o for o in entered if o not in offices]
    ep_rule = rule.key == "pct-ep-regional-phase"
    if not facts.designated:
        return [_generic_phase(rule, facts, pct, entered)]
    wanted = [o for o in offices if (o == "EP") == ep_rule]
    return [_office_phase(rule, facts, pct, office) for office in wanted]


def _generic_phase(rule: Rule, facts: Facts, pct: Filing, entered: list[str]) -> Deadline:
    """Without designated offices: the 30-month row met by any entry, and the EP row."""
    basis = pct.priority_basis
    if rule.key == "pct-ep-regional-phase":
        return _office_phase(rule, facts, pct, "EP")
    due = add_months(pct.priority_date, 30)
    note = _join(_text(rule, "generic", basis=basis.date), pct.priority_words())
    entries = [e for e in facts.happened({"national-phase-entered"})
               if normalize_office(e.jurisdiction) not in ("EP", "")
               and e.date >= pct.event.date]
    if entries:
        first = entries[0]
        if first.date <= due:
            return _row(rule, due, basis, "met", _join(
                note, f"Met by the entry in {normalize_office(first.jurisdiction)} of "
                      f"{first.date.isoformat()}."))
        return _row(rule, due, basis, "lost",
                    _join(note, _text(rule, "late", met=first.date, due=due)))
    return _row(rule, due, basis, state_for(due, facts.as_of), note)


def _office_phase(rule: Rule, facts: Facts, pct: Filing, office: str) -> Deadline:
    phase = phase_status(facts, pct, office)
    basis = pct.priority_basis
    note = _text(rule, "note", office=office, months=phase.months, basis=basis.date)
    if not phase.known:
        note += _text(rule, "unknown", office=office)
    if office == "US" and "bypass" in rule.texts:
        note += _text(rule, "bypass")
    table = NATIONAL_PHASES.get(office)
    words = [note, pct.priority_words(), phase.due.words]
    source = phase.source
    if phase.status == "entered":
        assert phase.entry is not None
        return _row(rule, phase.due.day, basis, "met", _join(
            *words, f"Met by the {phase.entry.kind} of {phase.entry.date.isoformat()}."),
            jurisdiction=office, source=source)
    if phase.status == "entered-late":
        assert phase.entry is not None and table is not None
        return _row(rule, phase.due.day, basis, "met", _join(
            *words, f"Entered late on {phase.entry.date.isoformat()}: {table.late_note}."),
            jurisdiction=office, source=source)
    if phase.status == "too-late":
        assert phase.entry is not None
        return _row(rule, phase.due.day, basis, "lost", _join(
            *words, _text(rule, "late", met=phase.entry.date, due=phase.late_due or
                          phase.due.day)), jurisdiction=office, source=source)
    state = state_for(phase.due.day, facts.as_of)
    if phase.status == "late-window" and table is not None:
        words.append(f"{table.late_note}: until {_iso(phase.late_due)}.")
    elif table is not None and table.late_months:
        words.append(f"{table.late_note} ({_iso(phase.late_due)}).")
    return _row(rule, phase.due.day, basis, state, _join(*words), jurisdiction=office,
                source=source)


def _publication(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    requested = facts.earliest({"nonpublication-requested"})
    rescinded = facts.earliest({"nonpublication-rescinded"})
    secret_us = requested is not None and (rescinded is None or rescinded.date < requested.date)
    publishable = [f for f in facts.made_filings()
                   if f.event.kind == PCT
                   or (f.event.kind == NONPROVISIONAL and filing_office(f.event)
                       and not (filing_office(f.event) == "US" and secret_us))]
    if not publishable:
        return []
    first = min(publishable, key=lambda f: (f.priority_date, f.event.kind != PCT))
    basis = first.priority_basis
    due = add_months(first.priority_date, rule.months)
    where = "WO" if first.event.kind == PCT else filing_office(first.event)
    note = _join(_text(rule, "note", basis=basis.date), first.priority_words())
    published = facts.earliest({"published"})
    if published is not None:
        return [_row(rule, due, basis, "met",
                     _join(note, f"Publication recorded on {published.date.isoformat()}."),
                     jurisdiction=where)]
    if due <= facts.as_of:
        return [_row(rule, due, basis, "met", _join(note, _text(rule, "done", due=due)),
                     jurisdiction=where)]
    return [_row(rule, due, basis, state_for(due, facts.as_of), note, jurisdiction=where)]


def _rescission(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    requested = facts.earliest({"nonpublication-requested"})
    if requested is None:
        return []
    abroad = [f.event for f in facts.made_filings()
              if f.event.kind == PCT or (f.event.kind == NONPROVISIONAL
                                         and filing_office(f.event) not in ("US", ""))]
    rescinded = [e for e in facts.happened({"nonpublication-rescinded"})
                 if e.date >= requested.date]
    if not abroad:
        if rescinded:
            return [_row(rule, None, requested, "met",
                         _join(_text(rule, "waiting", requested=requested.date),
                               f"Rescinded on {rescinded[0].date.isoformat()}."))]
        return [_row(rule, None, requested, "open",
                     _text(rule, "waiting", requested=requested.date))]
    trigger = max(abroad[0], requested, key=lambda e: e.date)
    basis = abroad[0]
    due = _due(facts, "US", trigger.date, days=rule.days)
    note = _join(_text(rule, "note", requested=requested.date, basis_kind=basis.kind,
                       basis=basis.date), due.words)
    if rescinded and rescinded[0].date <= due.day:
        return [_row(rule, due.day, basis, "met",
                     _join(note, f"Rescinded on {rescinded[0].date.isoformat()}."))]
    state = state_for(due.day, facts.as_of)
    if state == "overdue" or rescinded:
        return [_row(rule, due.day, basis, "lost", _join(note, _text(rule, "late", due=due.day)))]
    return [_row(rule, due.day, basis, state, note)]


def _nda_expiry(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    shared = facts.earliest({"vendor-disclosure-nda"}, planned=True)
    if shared is None:
        return []
    reference = shared.reference.strip().casefold()
    named = [n for n in facts.ndas if n.vendor_key.casefold() == reference]
    ndas = [n for n in (named or facts.ndas) if n.expires_on is not None]
    if not ndas:
        return []
    planned = shared.date > facts.as_of
    expired = [n for n in ndas if n.expires_on is not None and n.expires_on < shared.date]
    if expired and len(expired) == len(ndas):
        nda = max(expired, key=lambda n: n.expires_on or date.min)
        return [_row(rule, nda.expires_on, shared, "lost",
                     _text(rule, "expired", vendor=nda.vendor_name, expired=nda.expires_on,
                           basis=shared.date), planned=planned)]
    live = [n for n in ndas if n not in expired]
    nda = min(live, key=lambda n: n.expires_on or date.max)
    assert nda.expires_on is not None
    due = nda.expires_on
    note = _text(rule, "note", basis=shared.date, vendor=nda.vendor_name, due=due)
    first = facts.first_filing()
    if first is not None and first.event.date <= due:
        return [_row(rule, due, shared, "met",
                     _join(note, f"Filed first on {first.event.date.isoformat()}."),
                     planned=planned)]
    state = state_for(due, facts.as_of)
    if state == "overdue":
        note = _join(note, _text(rule, "late", due=due))
    return [_row(rule, due, shared, state, note, planned=planned)]


def _vendor_clock(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    published = facts.earliest({"vendor-application-published"})
    if published is None:
        return []
    office = rule.office
    if rule.key == "us-derivation-petition":
        due = _due(facts, "US", published.date, months=rule.months)
        note = _join(_text(rule, "note", basis=published.date), due.words)
        if not any(_designates_us(f) for f in facts.made_filings()):
            note += _text(rule, "no_application")
        petitions = facts.happened({"derivation-petition-filed"})
        if petitions and petitions[0].date <= due.day:
            return [_row(rule, due.day, published, "met",
                         _join(note, f"Petition filed on {petitions[0].date.isoformat()}."))]
        state = state_for(due.day, facts.as_of)
        if state == "overdue" or petitions:
            return [_row(rule, due.day, published, "lost",
                         _join(note, _text(rule, "late", due=due.day)))]
        return [_row(rule, due.day, published, state, note)]
    # EP counts to the actual filing date (G 3/98); CN to the priority date (Rule 11). Neither
    # is a procedural time limit, so the date is not moved for closed days.
    day = add_months(published.date, rule.months)
    note = _text(rule, "note", basis=published.date)
    for app in facts.made_filings():
        if not _protects_in(app, office):
            continue
        counted = app.event.date if office == "EP" else app.priority_date
        if counted > day:
            continue
        counts, words = _through_pct(facts, app, office)
        if counts:
            return [_row(rule, day, published, "met", _join(note, _met_words(app), words))]
    state = state_for(day, facts.as_of)
    if state == "overdue":
        return [_row(rule, day, published, "lost", _join(note, _text(rule, "late", due=day)))]
    return [_row(rule, day, published, state, note)]


def _period(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    """The German employee-invention rule: report + 4 months, met by a claim or release."""
    report = facts.earliest({"employee-invention-reported"})
    if report is None:
        return [_row(rule, None, None, "open", _text(rule, "missing"))]
    due = add_months(report.date, rule.months)
    note = _text(rule, "note", basis=report.date)
    decisions = [e for e in facts.happened({"employee-invention-claimed",
                                             "employee-invention-released"})
                 if e.date >= report.date]
    if decisions and decisions[0].date <= due:
        return [_row(rule, due, report, "met", _join(
            note, f"Met by {decisions[0].kind} of {decisions[0].date.isoformat()}."))]
    if decisions:
        # The law decides at the end of the period: deemed claimed (ArbnErfG §6(2)).
        return [_row(rule, due, report, "met",
                     _join(note, _text(rule, "late", met=decisions[0].date, due=due)))]
    state = state_for(due, facts.as_of)
    if state == "overdue":
        return [_row(rule, due, report, "met", _join(note, _text(rule, "lapse")))]
    return [_row(rule, due, report, state, note)]


# Filing abroad: which earlier rows ask for a filing outside China, or outside the US.
_ABROAD_FROM_CHINA = ("us-grace-period", "ep-absolute-novelty", "jp-grace-period",
                      "us-nonprovisional", "paris-priority")
_ABROAD_FROM_US = ("ep-absolute-novelty", "cn-absolute-novelty", "jp-grace-period",
                   "paris-priority")


def _needed_by(earlier: list[Deadline], rules: tuple[str, ...]) -> Deadline | None:
    pending = [d for d in earlier
               if d.rule in rules and d.state in UNMET and d.due is not None]
    return min(pending, key=lambda d: d.due or date.max, default=None)


def _licence(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    made = facts.made_filings()
    at_uspto = [f.event for f in made if receiving_office(f.event) == "US"]
    abroad = [f.event for f in made if receiving_office(f.event) not in ("US", "")]
    licence = facts.earliest({"foreign-filing-licence-granted"})
    note = _text(rule, "note")
    us_first = at_uspto[0] if at_uspto else None
    free_from = add_months(us_first.date, rule.months) if us_first else None
    if abroad:
        foreign = abroad[0]
        if licence is not None and licence.date <= foreign.date:
            return [_row(rule, foreign.date, foreign, "met",
                         _join(note, f"Licence granted on {licence.date.isoformat()}."))]
        if free_from is not None and us_first is not None and us_first.date < foreign.date \
                and foreign.date >= free_from:
            return [_row(rule, foreign.date, foreign, "met", _join(
                note, f"Filed abroad on {foreign.date.isoformat()}, 6 months or more after "
                      f"the US filing of {us_first.date.isoformat()}."))]
        return [_row(rule, foreign.date, foreign, "lost",
                     _join(note, _text(rule, "late", basis=foreign.date)))]
    if licence is not None:
        return [_row(rule, None, licence, "met",
                     _join(note, f"Licence granted on {licence.date.isoformat()}."))]
    need = _needed_by(earlier, _ABROAD_FROM_US)
    if us_first is not None and free_from is not None:
        if need is None or (need.due is not None and need.due >= free_from):
            words = (f"No licence is needed for a filing abroad from {free_from.isoformat()} "
                     "(6 months after the US filing).")
            state = "met" if facts.as_of >= free_from else state_for(free_from, facts.as_of)
            return [_row(rule, free_from, us_first, state, _join(note, words))]
        words = (f"The filing due {_iso(need.due)} ({need.rule}) comes before "
                 f"{free_from.isoformat()}: it needs the licence.")
        return [_row(rule, need.due, us_first, state_for(need.due, facts.as_of),
                     _join(note, words))]
    if need is None:
        return [_row(rule, None, None, "open", note)]
    words = (f"Nothing is filed in the US yet and the filing due {_iso(need.due)} ({need.rule}) "
             "may go abroad: file in the US first or petition for a licence (37 CFR 5.12(b)).")
    return [_row(rule, need.due, need.basis, state_for(need.due, facts.as_of),
                 _join(note, words))]


def _confidentiality(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    note = _text(rule, "note")
    made = facts.made_filings()
    # A PCT filed with CNIPA as receiving office is not a filing abroad: it is the request.
    abroad = [f.event for f in made if receiving_office(f.event) not in ("CN", "")]
    cleared = facts.earliest({"confidentiality-exam-cleared"})
    requests = facts.happened({"confidentiality-exam-requested"}) + [
        f.event for f in made if f.event.kind == PCT and receiving_office(f.event) == "CN"]
    requested = min(requests, key=lambda e: e.date, default=None)
    if abroad:
        foreign = abroad[0]
        if cleared is not None and cleared.date <= foreign.date:
            return [_row(rule, foreign.date, foreign, "met",
                         _join(note, f"Cleared on {cleared.date.isoformat()}."))]
        if requested is not None and foreign.date >= add_months(requested.date, rule.months):
            words = (f"Filed abroad on {foreign.date.isoformat()}, 4 months after the request "
                     f"of {requested.date.isoformat()}: in time only if CNIPA sent no notice "
                     "that it examines the invention (Rule 9).")
            return [_row(rule, foreign.date, foreign, "met", _join(note, words))]
        return [_row(rule, foreign.date, foreign, "lost",
                     _join(note, _text(rule, "late", basis=foreign.date)))]
    if cleared is not None:
        return [_row(rule, None, cleared, "met",
                     _join(note, f"Cleared on {cleared.date.isoformat()}."))]
    need = _needed_by(earlier, _ABROAD_FROM_CHINA)
    if requested is not None:
        free = add_months(requested.date, rule.months)
        words = _text(rule, "requested", requested=requested.date, free=free)
        if need is None:
            return [_row(rule, None, requested, "open", _join(note, words))]
        if need.due is not None and free > need.due:
            words += _text(rule, "too_late", need=need.due, driver=need.rule)
        return [_row(rule, need.due, requested, state_for(need.due, facts.as_of),
                     _join(note, words))]
    if need is None or need.due is None:
        return [_row(rule, None, None, "open", note)]
    request_by = add_months(need.due, -rule.months)
    words = _text(rule, "request_by", need=need.due, driver=need.rule, due=request_by,
                  due6=add_months(need.due, -6))
    return [_row(rule, request_by, need.basis, state_for(request_by, facts.as_of),
                 _join(note, words))]


def _conflict(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    rows = [d for d in earlier if d.rule in ("us-foreign-filing-licence",
                                              "cn-confidentiality-exam")]
    if len(rows) < 2:
        return []
    note = _text(rule, "note")
    words = " ".join(f"{d.title}: {d.state}" + (f", due {d.due.isoformat()}" if d.due else "")
                     + "." for d in rows)
    if any(d.state == "lost" for d in rows):
        state = "lost"
    elif all(d.state == "met" for d in rows):
        state = "met"
    else:
        dated = [d.due for d in rows if d.state in UNMET and d.due is not None]
        due = min(dated, default=None)
        return [_row(rule, due, None, state_for(due, facts.as_of), _join(note, words))]
    dates = [d.due for d in rows if d.due is not None]
    return [_row(rule, min(dates, default=None), None, state, _join(note, words))]


EVALUATORS: dict[str, Callable[[Rule, Facts, list[Deadline]], list[Deadline]]] = {
    OFFICE_MISSING: _office_missing,
    US_GRACE: _us_grace,
    NOVELTY: _novelty,
    UTILITY_MODEL_RESCUE: _utility_model_rescue,
    ACTUAL_DATE_GRACE: _actual_date_grace,
    GRACE_PROOF: _grace_proof,
    BENEFIT: _benefit,
    PRIORITY: _priority,
    PHASE_ENTRY: _phase_entry,
    PUBLICATION: _publication,
    RESCISSION: _rescission,
    NDA_EXPIRY: _nda_expiry,
    VENDOR_CLOCK: _vendor_clock,
    PERIOD: _period,
    LICENCE: _licence,
    CONFIDENTIALITY: _confidentiality,
    CONFLICT: _conflict,
}


def evaluate(rule: Rule, facts: Facts, earlier: list[Deadline]) -> list[Deadline]:
    """The rows rule gives for facts; earlier holds the rows of the rules before it."""
    try:
        evaluator = EVALUATORS[rule.shape]
    except KeyError:
        raise ValueError(f"rule {rule.key}: unknown shape {rule.shape}") from None
    return evaluator(rule, facts, earlier)


__all__ = ["DEADLINE_STATES", "DUE_SOON_DAYS", "UNMET", "Deadline", "PhaseStatus", "evaluate",
           "phase_status", "state_for"]
