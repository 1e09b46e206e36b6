"""The days each patent office is closed, and the next day it is open again.

A time limit that ends on a day the office is closed runs on to its next open day, and that
later day decides whether a filing was in time:

- USPTO: 35 USC 21(b), 37 CFR 1.7(a): Saturdays, Sundays and Federal holidays within the
  District of Columbia. Those are the holidays of 5 USC 6103(a) with their observed days,
  Inauguration Day (5 USC 6103(c); MPEP 710.05) and any day the whole Office is officially
  closed (MPEP 510).
- Paris Convention Art. 4C(3): the priority year ends on the next working day of the office
  where the later application is filed; PCT Rule 80.5: the next day the office where the
  document must be filed is open; EPC Rule 134(1): the next day all EPO filing offices are open.
- JPO: Patent Act Art. 3(2): Saturdays, Sundays, national holidays and 29 December to 3 January.
- CNIPA: a time limit ending on a statutory holiday ends on the first working day after it
  (Implementing Regulations of the Patent Law, rule on the computation of time limits); the
  State Council's yearly schedule also turns some weekends into working days.
- KIPO: Patent Act Art. 14(4): public holidays, Saturdays and Labour Day (1 May).

Where the closed days come from:
- by law, in code here: weekends, and the national holidays of the `holidays` package for US,
  JP, CN and KR, with the additions above;
- by publication, as data (`ClosureTable`, read from templates/calendars/closures.yaml by
  services/office_closures.py): the EPO's and WIPO's closing days and the USPTO's ad-hoc
  closures, each with its source. Those lists run out: `calendar_warning` says so when a date
  falls in a year the table does not cover.

Any other office is taken to close on Saturdays and Sundays only, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

# Offices whose closed days beyond weekends come only from their published lists (the table).
TABLE_OFFICES: frozenset[str] = frozenset({"EP", "WO"})
# Offices with a statutory calendar in code.
LAW_OFFICES: frozenset[str] = frozenset({"US", "JP", "CN", "KR"})
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A run of closed days is never longer than this; a longer one means a broken table.
_MAX_CLOSED_RUN = 40


@dataclass(frozen=True, slots=True)
class Closure:
    """One day an office is closed by its own notice, and where that is published."""

    office: str
    day: date
    why: str
    source: str


class ClosureTable:
    """Published closed days per office, and the years each office's list is complete for."""

    __slots__ = ("_by_office", "_complete", "_hash", "closures")

    def __init__(
        self,
        closures: Iterable[Closure] = (),
        complete_years: Mapping[str, Iterable[int]] | None = None,
    ) -> None:
        self.closures: tuple[Closure, ...] = tuple(closures)
        self._by_office: dict[str, dict[date, Closure]] = {}
        for closure in self.closures:
            self._by_office.setdefault(closure.office, {})[closure.day] = closure
        self._complete: dict[str, frozenset[int]] = {
            office: frozenset(years) for office, years in (complete_years or {}).items()
        }
        # Computed once: tables key the calendar caches below.
        self._hash = hash((self.closures, tuple(sorted(self._complete.items()))))

    def closure(self, office: str, day: date) -> Closure | None:
        """The published closure of office on day, or None."""
        return self._by_office.get(office, {}).get(day)

    def covers(self, office: str, year: int) -> bool:
        """True when the table lists every closed day of office in year."""
        return year in self._complete.get(office, frozenset())

    def last_year(self, office: str) -> int | None:
        """The last year the table lists office's closed days completely for, or None."""
        years = self._complete.get(office)
        return max(years) if years else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClosureTable):
            return NotImplemented
        return (self.closures, self._complete) == (other.closures, other._complete)

    def __hash__(self) -> int:
        return self._hash


NO_CLOSURES = ClosureTable()


# Statutory calendars ---------------------------------------------------------------------


@lru_cache(maxsize=8)
def _national(country: str) -> Any:
    # Built on first use, never at import: the holidays objects fill in years lazily. The
    # default category is each country's public (statutory) holidays.
    import holidays

    return holidays.country_holidays(country)


def inauguration_day(year: int) -> date | None:
    """Inauguration Day of year, or None in a year without one (5 USC 6103(c)).

    20 January of each fourth year after 1965 (1969, ..., 2025, 2029); when that is a Sunday,
    the Monday after. A Saturday Inauguration Day has no weekday in lieu.
    """
    if year < 1969 or (year - 1965) % 4:
        return None
    day = date(year, 1, 20)
    return day + timedelta(days=1) if day.weekday() == 6 else day


def _by_law(office: str, day: date) -> str | None:
    """Why office is closed on day by law (weekend, holiday), or None."""
    if office == "CN":
        cn = _national("CN")
        # The State Council's schedule moves working days onto some weekends; holidays knows
        # them (is_working_day), so a make-up Saturday counts as open.
        if cn.is_working_day(day):
            return None
        return str(cn.get(day) or _WEEKDAY_NAMES[day.weekday()])
    if day.weekday() >= 5:
        return _WEEKDAY_NAMES[day.weekday()]
    if office == "US":
        if day == inauguration_day(day.year):
            return "Inauguration Day"
        name = _national("US").get(day)
        return str(name) if name else None
    if office == "JP":
        if (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3):
            return "year-end closure (Patent Act Art. 3(2))"
        name = _national("JP").get(day)
        return str(name) if name else None
    if office == "KR":
        if day.month == 5 and day.day == 1:
            return "Labour Day (Patent Act Art. 14(4))"
        name = _national("KR").get(day)
        return str(name) if name else None
    return None


def closed_reason(office: str, day: date, table: ClosureTable = NO_CLOSURES) -> str | None:
    """Why office is closed on day ("Saturday", "Independence Day", ...), or None when open."""
    reason = _by_law(office, day)
    if reason is not None:
        return reason
    closure = table.closure(office, day)
    return closure.why if closure is not None else None


def is_open(office: str, day: date, table: ClosureTable = NO_CLOSURES) -> bool:
    """True when office is open for filing on day."""
    return closed_reason(office, day, table) is None


@lru_cache(maxsize=65536)
def next_open_day(office: str, day: date, table: ClosureTable = NO_CLOSURES) -> date:
    """day itself when office is open then, else the next day it is."""
    start = day
    while not is_open(office, day, table):
        day += timedelta(days=1)
        if (day - start).days > _MAX_CLOSED_RUN:
            raise ValueError(f"{office} is closed for more than {_MAX_CLOSED_RUN} days from "
                             f"{start.isoformat()}: check the closure table")
    return day


@lru_cache(maxsize=256)
def _cn_schedule_known(year: int) -> bool:
    # The State Council publishes each year's holiday schedule late in the year before; the
    # holidays package has a year's make-up working days only once it is published, so a
    # year without any is a year whose schedule it does not know yet.
    cn = _national("CN")
    date(year, 6, 1) in cn  # noqa: B015 -- fills in the year
    return any(d.year == year for d in cn.weekend_workdays)


@lru_cache(maxsize=4096)
def calendar_warning(office: str, day: date, table: ClosureTable = NO_CLOSURES) -> str:
    """A sentence saying the closed days of office around day are not fully known, or "".

    Said when a date counts on a list that does not reach it: the EPO's or WIPO's published
    closing days past the years the table covers, China's holiday schedule before the State
    Council publishes it, or an office with no holiday list at all.
    """
    if office in TABLE_OFFICES:
        if table.covers(office, day.year):
            return ""
        last = table.last_year(office)
        known = f"the table covers up to {last}" if last else "the table has none"
        return (f"{office} closing days for {day.year} are not in the closure table ({known}): "
                "only weekends were skipped; add the office's published list to "
                "calendars/closures.yaml.")
    if office == "CN":
        if _cn_schedule_known(day.year):
            return ""
        return (f"China's holiday schedule for {day.year} is not published in the holiday "
                "data yet: statutory holidays were estimated; counsel confirms.")
    if office in LAW_OFFICES:
        return ""
    if table.covers(office, day.year):
        return ""
    return (f"No holiday list for office {office or '(none)'}: only weekends were skipped; "
            "counsel confirms its closed days.")
