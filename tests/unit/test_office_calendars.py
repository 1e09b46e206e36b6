"""Each office's closed days and the published closure table, with dates checked by hand.

Calendar facts used below: 2026-04-03 Fri (Good Friday), 2026-04-06 Mon (Easter Monday);
2029-01-20 Sat (Inauguration Day); 2013-01-20 Sun; 2026-10-01 Thu (CN National Day, holidays
1-7 October with Sun 4 Oct, working Sat 10 Oct); 2026-02-14 Sat (a CN make-up working day);
2026-12-29 Tue; 2027-01-04 Mon; 2026-05-01 Fri; 2025-12-24 Wed.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain.office_calendars import (
    NO_CLOSURES,
    Closure,
    ClosureTable,
    calendar_warning,
    closed_reason,
    inauguration_day,
    is_open,
    next_open_day,
)
from firstfile.services.office_closures import load_closures, parse_closures

SHIPPED = load_closures().table


def test_the_shipped_table_loads_without_problems() -> None:
    load = load_closures()
    assert load.problems == []
    assert load.path is not None and load.path.name == "closures.yaml"
    # Good Friday 2026 is a published EPO closing day (OJ EPO 2025, A40).
    closure = SHIPPED.closure("EP", date(2026, 4, 3))
    assert closure is not None and "A40" in closure.source


def test_epo_good_friday_runs_to_the_tuesday_after_easter() -> None:
    # Fri 3 Apr 2026 Good Friday, Sat, Sun, Mon 6 Apr Easter Monday -> Tue 7 Apr
    assert next_open_day("EP", date(2026, 4, 3), SHIPPED) == date(2026, 4, 7)
    # Without the table only the weekend is known: Mon 6 Apr (and a warning says so)
    assert next_open_day("EP", date(2026, 4, 3)) == date(2026, 4, 3)
    assert "not in the closure table" in calendar_warning("EP", date(2026, 4, 3))
    assert calendar_warning("EP", date(2026, 4, 3), SHIPPED) == ""


def test_epo_warns_past_the_last_year_the_table_covers() -> None:
    warning = calendar_warning("EP", date(2028, 3, 1), SHIPPED)
    assert "2028" in warning and "up to 2026" in warning


def test_inauguration_day_every_fourth_year_and_sunday_rule() -> None:
    assert inauguration_day(2025) == date(2025, 1, 20)
    assert inauguration_day(2029) == date(2029, 1, 20)  # a Saturday: no weekday in lieu
    assert inauguration_day(2013) == date(2013, 1, 21)  # 20 Jan 2013 was a Sunday
    assert inauguration_day(2026) is None
    assert inauguration_day(1961) is None  # before 5 USC 6103(c)'s "after 1965"
    # Thu 20 Jan 2033 closes the USPTO: a US date that day moves to Fri 21 Jan 2033
    assert closed_reason("US", date(2033, 1, 20)) == "Inauguration Day"
    assert next_open_day("US", date(2033, 1, 20)) == date(2033, 1, 21)


def test_uspto_official_closings_come_from_the_table() -> None:
    # Wed 24 Dec 2025 (closed by executive order), Thu 25 Christmas, Fri 26 (closed),
    # Sat, Sun -> Mon 29 Dec 2025
    assert next_open_day("US", date(2025, 12, 24), SHIPPED) == date(2025, 12, 29)
    # Without the table: 24 Dec is an ordinary Wednesday
    assert next_open_day("US", date(2025, 12, 24)) == date(2025, 12, 24)
    assert calendar_warning("US", date(2030, 6, 3), SHIPPED) == ""  # built-in calendar


def test_cnipa_follows_the_state_council_schedule() -> None:
    # Thu 1 Oct 2026 National Day; holidays to Wed 7 Oct -> Thu 8 Oct
    assert next_open_day("CN", date(2026, 10, 1)) == date(2026, 10, 8)
    # Sat 14 Feb 2026 is a make-up working day: open
    assert is_open("CN", date(2026, 2, 14))
    assert calendar_warning("CN", date(2026, 10, 1)) == ""
    assert "not published" in calendar_warning("CN", date(2031, 10, 1))


def test_jpo_year_end_closure() -> None:
    # Tue 29 Dec 2026 to Sun 3 Jan 2027 closed (Patent Act Art. 3(2)) -> Mon 4 Jan 2027
    assert next_open_day("JP", date(2026, 12, 29)) == date(2027, 1, 4)


def test_kipo_labour_day() -> None:
    # Fri 1 May 2026 Labour Day (Patent Act Art. 14(4)), Sat, Sun -> Mon 4 May 2026
    assert next_open_day("KR", date(2026, 5, 1)) == date(2026, 5, 4)


def test_office_without_a_calendar_closes_on_weekends_and_says_so() -> None:
    assert next_open_day("MX", date(2026, 3, 14)) == date(2026, 3, 16)  # Sat -> Mon
    assert "No holiday list for office MX" in calendar_warning("MX", date(2026, 3, 14))


@given(st.sampled_from(["US", "EP", "WO", "CN", "JP", "KR", "MX"]),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)))
def test_next_open_day_is_open_and_never_earlier(office: str, day: date) -> None:
    moved = next_open_day(office, day, SHIPPED)
    assert moved >= day
    assert is_open(office, moved, SHIPPED)
    assert all(not is_open(office, day + timedelta(days=n), SHIPPED)
               for n in range((moved - day).days))


def test_a_table_holding_a_month_of_closures_is_refused() -> None:
    start = date(2026, 7, 1)
    table = ClosureTable([Closure("EP", start + timedelta(days=n), "closed", "test")
                          for n in range(60)])
    with pytest.raises(ValueError, match="check the closure table"):
        next_open_day("EP", start, table)


def test_closure_file_problems_are_reported_with_their_lines() -> None:
    text = (
        "offices:\n"
        "  EP:\n"
        "    years:\n"
        "      2027:\n"
        "        complete: yes please\n"
        "        days:\n"
        "          2026-12-31: wrong year\n"
        "  epo:\n"
        "    years: {}\n"
    )
    table, problems = parse_closures(text, "closures.yaml")
    assert table is None
    joined = "\n".join(problems)
    assert "closures.yaml:4: offices.EP: 2027: 'source' must say" in joined
    assert "closures.yaml:5: offices.EP: 2027: 'complete' must be true or false" in joined
    assert "closures.yaml:7:" in joined and "not a date in 2027" in joined
    assert "closures.yaml:8: 'epo' is not an office code" in joined


def test_closure_file_refuses_python_tags() -> None:
    table, problems = parse_closures("offices: !!python/object/apply:os.system [ls]\n", "x")
    assert table is None and "is not allowed" in problems[0]


def test_a_users_closure_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    folder = tmp_path / "calendars"
    folder.mkdir()
    (folder / "closures.yaml").write_text(
        "offices:\n  EP:\n    years:\n      2028:\n        complete: true\n"
        "        source: OJ EPO 2027, A1\n        days:\n          2028-04-14: Good Friday\n",
        encoding="utf-8")
    load = load_closures(tmp_path)
    assert load.problems == [] and load.path == folder / "closures.yaml"
    assert load.table.covers("EP", 2028) and not load.table.covers("EP", 2026)
    # A broken user file falls back to the shipped one and says why
    (folder / "closures.yaml").write_text("offices: [", encoding="utf-8")
    broken = load_closures(tmp_path)
    assert broken.table.covers("EP", 2026)
    assert broken.problems and "not valid YAML" in broken.problems[0]


def test_a_day_given_twice_is_refused_at_its_line() -> None:
    text = (
        "offices:\n  EP:\n    years:\n      2026:\n        source: OJ EPO\n"
        "        days:\n          2026-01-01: New Year\n          2026-01-01: again\n"
    )
    table, problems = parse_closures(text, "closures.yaml")
    assert table is None
    assert problems == ["closures.yaml:8: duplicate key 2026-01-01"]


def test_no_closures_table_is_empty() -> None:
    assert NO_CLOSURES.closure("EP", date(2026, 4, 3)) is None
    assert NO_CLOSURES.last_year("EP") is None
