"""The deadline engine: from a disclosure's events to dated, stated deadline rows.

The rules are rows of `deadline_rules.RULES`; `deadline_evaluation.py` applies them; this
module is the public face: one disclosure (`compute_deadlines`), many (`compute_docket`), and
the "due within N days" filter. Each rule gives at most one row per disclosure and office, so
a docket never shows the same deadline twice. States are described in deadline_evaluation.

This is a docketing aid, not legal advice: counsel confirms every date (docs/DEADLINES.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from firstfile.domain.deadline_evaluation import (
    DEADLINE_STATES,
    DUE_SOON_DAYS,
    UNMET,
    Deadline,
    evaluate,
    state_for,
)
from firstfile.domain.deadline_rules import RULES, Facts, VendorNda
from firstfile.domain.filings import add_months
from firstfile.domain.office_calendars import NO_CLOSURES, ClosureTable, next_open_day
from firstfile.domain.views import DisclosureView, EventView

__all__ = [
    "DEADLINE_STATES",
    "DUE_SOON_DAYS",
    "Deadline",
    "DisclosureEvents",
    "DocketRow",
    "VendorNda",
    "add_months",
    "compute_deadlines",
    "compute_docket",
    "designated_offices",
    "due_within",
    "next_us_business_day",
    "state_for",
]

_RULE_ORDER: dict[str, int] = {rule.key: index for index, rule in enumerate(RULES)}
_SEPARATORS = re.compile(r"[\s,;/]+")


def next_us_business_day(day: date, closures: ClosureTable = NO_CLOSURES) -> date:
    """day itself when the USPTO is open, else the next day it is (35 USC 21(b))."""
    return next_open_day("US", day, closures)


def designated_offices(jurisdictions: str) -> tuple[str, ...]:
    """The offices a disclosure's jurisdictions text names ("US, EP, CN" -> US, EP, CN)."""
    return tuple(part.upper() for part in _SEPARATORS.split(jurisdictions) if part)


@dataclass(frozen=True, slots=True)
class DisclosureEvents:
    """What the engine needs of one disclosure: its key, events, flags and offices.

    The German employee-invention flag is a parameter (the disclosure record has no field for
    it); the date of the proper report is an `employee-invention-reported` event. `designated`
    are the offices the disclosure names (its jurisdictions); `ndas` the NDAs of the vendors of
    its engagement.
    """

    key: str
    events: tuple[EventView, ...]
    completed_in_china: bool = False
    german_employee_invention: bool = False
    made_in_us: bool = False
    designated: tuple[str, ...] = ()
    ndas: tuple[VendorNda, ...] = ()

    @classmethod
    def from_view(
        cls, view: DisclosureView, *, german_employee_invention: bool = False,
        ndas: Iterable[VendorNda] = (),
    ) -> DisclosureEvents:
        """Take key, events, flags and designated offices from a DisclosureView."""
        return cls(view.key, view.events, view.completed_in_china, german_employee_invention,
                   view.made_in_us, designated_offices(view.jurisdictions), tuple(ndas))


@dataclass(frozen=True, slots=True)
class DocketRow:
    """A deadline with the key of the disclosure it belongs to."""

    disclosure: str
    deadline: Deadline

    def as_json(self) -> dict[str, Any]:
        """Same shape as Deadline.as_json."""
        return self.deadline.as_json(self.disclosure)


def compute_deadlines(
    events: Iterable[EventView],
    *,
    as_of: date,
    completed_in_china: bool = False,
    german_employee_invention: bool = False,
    made_in_us: bool = False,
    designated: Iterable[str] = (),
    closures: ClosureTable = NO_CLOSURES,
    ndas: Iterable[VendorNda] = (),
) -> list[Deadline]:
    """Every deadline the rules derive from one disclosure's events, in table order.

    closures holds the offices' published closed days (services/office_closures.py reads
    them); without it only the closed days known by law count. Raises ValueError on an event
    kind the engine does not know.
    """
    facts = Facts.build(
        events,
        as_of=as_of,
        completed_in_china=completed_in_china,
        german_employee_invention=german_employee_invention,
        made_in_us=made_in_us,
        designated=designated,
        closures=closures,
        ndas=ndas,
    )
    rows: list[Deadline] = []
    for rule in RULES:
        if rule.applies(facts):
            rows.extend(evaluate(rule, facts, rows))
    return rows


def compute_docket(
    disclosures: Iterable[DisclosureEvents], *, as_of: date,
    closures: ClosureTable = NO_CLOSURES,
) -> list[DocketRow]:
    """Deadlines of many disclosures, soonest first; undated rows last.

    Ties sort by disclosure key, then by the rule's place in the table and its office, so the
    order is stable. Raises ValueError when a disclosure key appears twice (its rows would be
    duplicated).
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
            made_in_us=item.made_in_us,
            designated=item.designated,
            closures=closures,
            ndas=item.ndas,
        ):
            rows.append(DocketRow(item.key, deadline))
    rows.sort(
        key=lambda r: (
            r.deadline.due is None,
            r.deadline.due or date.min,
            r.disclosure,
            _RULE_ORDER[r.deadline.rule],
            r.deadline.jurisdiction,
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
        if deadline.state not in UNMET or deadline.due is None:
            continue
        if deadline.due > limit:
            continue
        if deadline.due < as_of and not include_overdue:
            continue
        kept.append(row)
    return kept
