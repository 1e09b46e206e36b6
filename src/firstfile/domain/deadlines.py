"""The deadline engine: from a disclosure's events to dated, stated deadline rows.

The rules themselves are rows of `deadline_rules.RULES`; this module evaluates them. Each rule
gives at most one row per disclosure, so a docket never shows the same deadline twice.

States, relative to `as_of`:
- met: the event that satisfies the rule exists, on or before the due date;
- lost: it can no longer be met (novelty destroyed, a filing made after the due date, a
  filing abroad without the Chinese clearance). A late filing is "lost", never "met": the
  right the deadline protected is gone unless a remedy in the note applies;
- overdue: the due date has passed and no satisfying event is recorded (it may only be
  unrecorded: counsel checks);
- due-soon: not met, due within DUE_SOON_DAYS days of as_of (today included);
- open: not met and due later, or not dated yet.

This is a docketing aid, not legal advice: counsel confirms every date (docs/DEADLINES.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from firstfile.domain.deadline_rules import (
    CLEARANCE,
    NOVELTY,
    PERIOD,
    RULES,
    RULES_BY_KEY,
    US_CALENDAR,
    Facts,
    Rule,
    add_months,
    next_us_business_day,
)
from firstfile.domain.views import DisclosureView, EventView

__all__ = [
    "DEADLINE_STATES",
    "DUE_SOON_DAYS",
    "Deadline",
    "DisclosureEvents",
    "DocketRow",
    "add_months",
    "compute_deadlines",
    "compute_docket",
    "due_within",
    "next_us_business_day",
    "state_for",
]

DEADLINE_STATES: tuple[str, ...] = ("overdue", "due-soon", "open", "met", "lost")
DUE_SOON_DAYS = 30
_UNMET: frozenset[str] = frozenset({"overdue", "due-soon", "open"})
# Rules whose due date is a filing outside China: the clearance must come before the first.
_FILES_ABROAD: frozenset[str] = frozenset(
    {
        "us-grace-period",
        "ep-absolute-novelty",
        "jp-grace-period",
        "us-nonprovisional",
        "paris-priority",
    }
)
_RULE_ORDER: dict[str, int] = {rule.key: index for index, rule in enumerate(RULES)}


@dataclass(frozen=True, slots=True)
class Deadline:
    """One computed deadline: which rule, where, when, from which event, and its state."""

    rule: str
    jurisdiction: str
    due: date | None
    basis: EventView | None
    state: str
    note: str

    @property
    def source(self) -> str:
        """The statute, regulation or case the rule encodes."""
        return RULES_BY_KEY[self.rule].source

    def as_json(self, disclosure_key: str) -> dict[str, Any]:
        """The CLI's JSON row: {disclosure, rule, jurisdiction, due, basis, state, note, source}."""
        basis: dict[str, Any] | None = None
        if self.basis is not None:
            basis = asdict(self.basis)
            basis["date"] = self.basis.date.isoformat()
        return {
            "disclosure": disclosure_key,
            "rule": self.rule,
            "jurisdiction": self.jurisdiction,
            "due": self.due.isoformat() if self.due else None,
            "basis": basis,
            "state": self.state,
            "note": self.note,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class DisclosureEvents:
    """What the engine needs of one disclosure: its key, events and two flags.

    The German employee-invention flag is a parameter (the disclosure record has no field for
    it); the date of the proper report is an `employee-invention-reported` event.
    """

    key: str
    events: tuple[EventView, ...]
    completed_in_china: bool = False
    german_employee_invention: bool = False

    @classmethod
    def from_view(
        cls, view: DisclosureView, *, german_employee_invention: bool = False
    ) -> DisclosureEvents:
        """Take key, events and the China flag from a DisclosureView."""
        return cls(view.key, view.events, view.completed_in_china, german_employee_invention)


@dataclass(frozen=True, slots=True)
class DocketRow:
    """A deadline with the key of the disclosure it belongs to."""

    disclosure: str
    deadline: Deadline

    def as_json(self) -> dict[str, Any]:
        """Same shape as Deadline.as_json."""
        return self.deadline.as_json(self.disclosure)


def state_for(due: date | None, as_of: date) -> str:
    """The state of a deadline not met: overdue, due-soon (within 30 days) or open."""
    if due is None:
        return "open"
    if due < as_of:
        return "overdue"
    if due <= as_of + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "open"


def compute_deadlines(
    events: Iterable[EventView],
    *,
    as_of: date,
    completed_in_china: bool = False,
    german_employee_invention: bool = False,
) -> list[Deadline]:
    """Every deadline the rules derive from one disclosure's events, in table order.

    Raises ValueError on an event kind the engine does not know.
    """
    facts = Facts.build(
        events,
        completed_in_china=completed_in_china,
        german_employee_invention=german_employee_invention,
    )
    rows: list[Deadline] = []
    for rule in RULES:
        if not rule.applies(facts):
            continue
        row = _evaluate(rule, facts, as_of, rows)
        if row is not None:
            rows.append(row)
    return rows


def compute_docket(disclosures: Iterable[DisclosureEvents], *, as_of: date) -> list[DocketRow]:
    """Deadlines of many disclosures, soonest first; undated rows last.

    Ties sort by disclosure key, then by the rule's place in the table, so the order is stable.
    Raises ValueError when a disclosure key appears twice (its rows would be duplicated).
    """
    seen: set[str] = set()
    rows: list[DocketRow] = []
    for item in disclosures:
        if item.key in seen:
            raise ValueError(f"disclosure {item.key} given twice")
        seen.add(item.key)
        for deadline in compute_deadlines(
            item.events,
            as_of=as_of,
            completed_in_china=item.completed_in_china,
            german_employee_invention=item.german_employee_invention,
        ):
            rows.append(DocketRow(item.key, deadline))
    rows.sort(
        key=lambda r: (
            r.deadline.due is None,
            r.deadline.due or date.min,
            r.disclosure,
            _RULE_ORDER[r.deadline.rule],
        )
    )
    return rows


Row = TypeVar("Row", Deadline, DocketRow)


def due_within(
    rows: Sequence[Row], days: int, *, as_of: date, include_overdue: bool = True
) -> list[Row]:
    """Unmet rows due within `days` days of as_of (as_of itself included), order kept.

    Overdue rows are included unless include_overdue is False; met, lost and undated rows
    never are.
    """
    limit = as_of + timedelta(days=days)
    kept: list[Row] = []
    for row in rows:
        deadline = row.deadline if isinstance(row, DocketRow) else row
        if deadline.state not in _UNMET or deadline.due is None:
            continue
        if deadline.due > limit:
            continue
        if deadline.due < as_of and not include_overdue:
            continue
        kept.append(row)
    return kept


# Evaluation ---------------------------------------------------------------------------------


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else "-"


def _text(template: str, **values: date | None) -> str:
    # Only the rule table's own texts are formatted; event text never reaches format().
    return template.format(**{name: _fmt(value) for name, value in values.items()})


def _due(rule: Rule, start: date) -> date:
    due = add_months(start, rule.months)
    if rule.calendar == US_CALENDAR:
        due = next_us_business_day(due)
    return due


def _settle(
    rule: Rule,
    facts: Facts,
    basis: EventView,
    due: date,
    as_of: date,
    note: str,
    *,
    lapse_note: str,
    on_time_until: date | None = None,
) -> Deadline:
    """State a dated rule from the events that would satisfy it."""
    matches = [e for e in facts.events if rule.meets(e, basis, facts)]
    limit = max(due, on_time_until) if on_time_until else due
    on_time = next((e for e in matches if e.date <= limit), None)
    if on_time is not None:
        met = f" Met by {on_time.kind} of {on_time.date.isoformat()}."
        return Deadline(rule.key, rule.jurisdiction, due, basis, "met", note + met)
    if matches:
        late = _text(rule.late, basis=basis.date, due=due, met=matches[0].date)
        state = "met" if rule.lapse_state == "met" else "lost"
        return Deadline(rule.key, rule.jurisdiction, due, basis, state, f"{note} {late}")
    state = state_for(due, as_of)
    if state == "overdue":
        state = rule.lapse_state
        if lapse_note:
            note = f"{note} {_text(lapse_note, basis=basis.date, due=due)}"
    return Deadline(rule.key, rule.jurisdiction, due, basis, state, note)


def _evaluate(rule: Rule, facts: Facts, as_of: date, earlier: list[Deadline]) -> Deadline | None:
    if rule.shape == PERIOD:
        return _period(rule, facts, as_of)
    if rule.shape == NOVELTY:
        return _novelty(rule, facts, as_of)
    if rule.shape == CLEARANCE:
        return _clearance(rule, facts, as_of, earlier)
    raise ValueError(f"rule {rule.key}: unknown shape {rule.shape}")


def _period(rule: Rule, facts: Facts, as_of: date) -> Deadline | None:
    basis = rule.basis(facts)
    if basis is None:
        if rule.missing_basis:
            return Deadline(rule.key, rule.jurisdiction, None, None, "open", rule.missing_basis)
        return None
    due = _due(rule, basis.date)
    note = _text(rule.note, basis=basis.date, due=due)
    return _settle(rule, facts, basis, due, as_of, note, lapse_note=rule.lapse_note)


def _novelty(rule: Rule, facts: Facts, as_of: date) -> Deadline | None:
    disclosure = rule.basis(facts)
    if disclosure is None:
        return None
    first = facts.first_filing()
    # The state of the art is what was public *before* the filing date: a disclosure on the
    # day of filing is not prior art (EPC Art. 54(2)), hence the strict comparison.
    if first is None or disclosure.date < first.date:
        note = _text(rule.note, basis=disclosure.date, exception_by=add_months(disclosure.date, 6))
        return Deadline(rule.key, rule.jurisdiction, None, disclosure, "lost", note)
    # Disclosed after the first filing: novelty holds only for an application that claims the
    # first filing's priority, so the due date is the end of that priority year.
    due = _due(rule, first.date)
    note = _text(rule.lapse_note, basis=disclosure.date, due=due)
    # An application in this office filed before the disclosure needs no priority at all.
    return _settle(
        rule, facts, disclosure, due, as_of, note, lapse_note="", on_time_until=disclosure.date
    )


def _clearance(rule: Rule, facts: Facts, as_of: date, earlier: list[Deadline]) -> Deadline | None:
    foreign = rule.basis(facts)
    cleared = next((e for e in facts.events if e.kind == "confidentiality-exam-cleared"), None)
    if foreign is not None:
        if cleared is not None and cleared.date <= foreign.date:
            met = f" Cleared on {cleared.date.isoformat()}."
            return Deadline(
                rule.key, rule.jurisdiction, foreign.date, foreign, "met", rule.note + met
            )
        late = _text(rule.late, basis=foreign.date)
        return Deadline(
            rule.key, rule.jurisdiction, foreign.date, foreign, "lost", f"{rule.note} {late}"
        )
    if cleared is not None:
        met = f" Cleared on {cleared.date.isoformat()}."
        return Deadline(rule.key, rule.jurisdiction, None, cleared, "met", rule.note + met)
    # Nothing filed abroad yet: the clearance is due before the earliest filing abroad that
    # another rule asks for. Without one, it is open and undated.
    pending = [
        d for d in earlier if d.rule in _FILES_ABROAD and d.state in _UNMET and d.due is not None
    ]
    if not pending:
        return Deadline(rule.key, rule.jurisdiction, None, None, "open", rule.note)
    due, driver = min(((d.due, d) for d in pending if d.due is not None), key=lambda p: p[0])
    note = f"{rule.note} Needed before the filing due {due.isoformat()} ({driver.rule})."
    return Deadline(rule.key, rule.jurisdiction, due, driver.basis, state_for(due, as_of), note)
