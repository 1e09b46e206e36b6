"""The deadline engine, rule by rule, with expected dates worked out by hand.

Calendar facts used below (checked against a printed calendar):
2027-03-13 Sat; 2027-07-04 Sun; 2028-07-04 Tue (Independence Day); 2027-11-25 Thu
(Thanksgiving); 2027-12-31 Fri (New Year's Day 2028 observed, because 2028-01-01 is a Sat);
2027-01-01 Fri (New Year's Day); 2021-02-28 Sun; 2027-05-15 Sat; 2029-02-28 Wed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain.deadline_rules import EXTRA_EVENT_KINDS, RULES
from firstfile.domain.deadlines import (
    DEADLINE_STATES,
    Deadline,
    DisclosureEvents,
    add_months,
    compute_deadlines,
    compute_docket,
    due_within,
    next_us_business_day,
    state_for,
)
from firstfile.domain.views import DisclosureView, EventView
from firstfile.domain.vocabulary import EVENT_KINDS

EARLY = date(2000, 1, 1)  # an as_of before every date here: nothing is overdue


def ev(kind: str, iso: str, jurisdiction: str = "", reference: str = "") -> EventView:
    return EventView(
        kind=kind, date=date.fromisoformat(iso), jurisdiction=jurisdiction, reference=reference
    )


def only(rows: list[Deadline], rule: str) -> Deadline:
    found = [r for r in rows if r.rule == rule]
    assert len(found) == 1, f"{rule}: {len(found)} rows"
    return found[0]


def rules_of(rows: list[Deadline]) -> set[str]:
    return {r.rule for r in rows}


# Month arithmetic and the US calendar ------------------------------------------------------


def test_add_months_clamps_to_the_end_of_a_shorter_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)  # 31 Feb 2026 -> 28 Feb
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # 2028 is a leap year
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)  # 29 Feb 2029 -> 28 Feb
    assert add_months(date(2027, 2, 28), 12) == date(2028, 2, 28)  # stays 28: no drift to 29
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)  # across the year end
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)  # backwards too


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 48))
def test_add_months_lands_in_the_right_month_and_never_later_than_the_day(
    start: date, months: int
) -> None:
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day <= start.day
    assert moved.day == start.day or (moved + timedelta(days=1)).month != moved.month


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
def test_next_business_day_is_a_weekday_within_four_days(day: date) -> None:
    moved = next_us_business_day(day)
    assert moved.weekday() < 5
    # At worst a Saturday, a Sunday and a Monday holiday come before it: Sat 2027-07-03 ->
    # Sun -> Mon 5 Jul (Independence Day observed) -> Tue 2027-07-06, three days later.
    assert day <= moved <= day + timedelta(days=4)


def test_next_business_day_skips_weekend_and_federal_holidays() -> None:
    assert next_us_business_day(date(2027, 3, 10)) == date(2027, 3, 10)  # a Wednesday
    assert next_us_business_day(date(2027, 3, 13)) == date(2027, 3, 15)  # Sat -> Mon
    assert next_us_business_day(date(2028, 7, 4)) == date(2028, 7, 5)  # Tue holiday -> Wed
    # Sun 4 Jul 2027 -> Mon 5 Jul is the observed holiday -> Tue 6 Jul
    assert next_us_business_day(date(2027, 7, 4)) == date(2027, 7, 6)


# US grace period ---------------------------------------------------------------------------


def test_us_grace_one_year_after_a_public_disclosure() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=EARLY)
    grace = only(rows, "us-grace-period")
    # 2026-03-10 + 1 year = 2027-03-10, a Wednesday: no shift
    assert grace.due == date(2027, 3, 10)
    assert grace.jurisdiction == "US"
    assert grace.basis == ev("public-disclosure", "2026-03-10")
    assert grace.state == "open"


def test_us_grace_moves_off_a_weekend() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-13")], as_of=EARLY)
    # 2026-03-13 + 1 year = Sat 2027-03-13 -> Mon 2027-03-15
    assert only(rows, "us-grace-period").due == date(2027, 3, 15)


def test_us_grace_moves_off_independence_day() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2027-07-04")], as_of=EARLY)
    # 2027-07-04 + 1 year = Tue 2028-07-04, Independence Day -> Wed 2028-07-05
    assert only(rows, "us-grace-period").due == date(2028, 7, 5)


def test_us_grace_at_year_end_skips_observed_new_year_and_weekend() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-12-31")], as_of=EARLY)
    # 2026-12-31 + 1 year = Fri 2027-12-31, New Year's Day 2028 observed (1 Jan 2028 is a
    # Saturday) -> Sat 1 Jan, Sun 2 Jan -> Mon 2028-01-03
    assert only(rows, "us-grace-period").due == date(2028, 1, 3)


def test_us_grace_from_a_leap_day_clamps_then_shifts() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2020-02-29")], as_of=EARLY)
    # 2020-02-29 + 1 year: 29 Feb 2021 does not exist -> 28 Feb 2021, a Sunday -> Mon 1 Mar
    assert only(rows, "us-grace-period").due == date(2021, 3, 1)


def test_us_grace_earliest_of_several_disclosures_counts() -> None:
    events = [
        ev("public-disclosure", "2026-06-20"),
        ev("public-disclosure", "2026-03-10", reference="trade show"),
        ev("public-disclosure", "2026-09-01"),
    ]
    grace = only(compute_deadlines(events, as_of=EARLY), "us-grace-period")
    # the earliest is 2026-03-10, listed second: + 1 year = Wed 2027-03-10
    assert grace.basis is not None and grace.basis.reference == "trade show"
    assert grace.due == date(2027, 3, 10)


def test_us_grace_counts_a_secret_offer_for_sale() -> None:
    events = [ev("public-disclosure", "2026-06-20"), ev("offer-for-sale", "2026-03-10")]
    grace = only(compute_deadlines(events, as_of=EARLY), "us-grace-period")
    # the offer (2026-03-10) precedes the disclosure: + 1 year = Wed 2027-03-10
    assert grace.basis is not None and grace.basis.kind == "offer-for-sale"
    assert grace.due == date(2027, 3, 10)


def test_vendor_disclosure_without_nda_counts_as_public() -> None:
    rows = compute_deadlines([ev("vendor-disclosure-no-nda", "2026-03-10")], as_of=EARLY)
    # 2026-03-10 + 1 year = Wed 2027-03-10
    assert only(rows, "us-grace-period").due == date(2027, 3, 10)
    assert only(rows, "ep-absolute-novelty").state == "lost"


def test_vendor_disclosure_under_nda_is_not_public() -> None:
    rows = compute_deadlines([ev("vendor-disclosure-nda", "2026-03-10")], as_of=EARLY)
    assert rows == []


def test_vendor_disclosure_under_nda_does_not_move_the_earliest_disclosure() -> None:
    events = [ev("vendor-disclosure-nda", "2026-01-05"), ev("public-disclosure", "2026-03-10")]
    grace = only(compute_deadlines(events, as_of=EARLY), "us-grace-period")
    assert grace.basis is not None and grace.basis.kind == "public-disclosure"
    assert grace.due == date(2027, 3, 10)  # 2026-03-10 + 1 year, a Wednesday


def test_us_grace_met_by_a_provisional_filed_in_time() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("provisional-filed", "2026-09-01")]
    grace = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "us-grace-period")
    assert grace.state == "met"
    assert "2026-09-01" in grace.note


def test_us_grace_met_by_a_filing_on_the_shifted_day() -> None:
    # due: Sat 2027-03-13 -> Mon 2027-03-15; filing that Monday is in time
    events = [ev("public-disclosure", "2026-03-13"), ev("nonprovisional-filed", "2027-03-15")]
    grace = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "us-grace-period")
    assert grace.due == date(2027, 3, 15)
    assert grace.state == "met"


def test_us_grace_filing_after_the_due_date_is_lost() -> None:
    # due 2027-03-15 (see above); a filing on Tue 2027-03-16 is one day late
    events = [ev("public-disclosure", "2026-03-13"), ev("nonprovisional-filed", "2027-03-16")]
    grace = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "us-grace-period")
    assert grace.state == "lost"
    assert "2027-03-16" in grace.note


# EP and CN absolute novelty ----------------------------------------------------------------


def test_ep_and_cn_lost_after_a_public_disclosure_before_filing() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("provisional-filed", "2026-04-01")]
    rows = compute_deadlines(events, as_of=date(2026, 4, 2))
    for rule in ("ep-absolute-novelty", "cn-absolute-novelty"):
        lost = only(rows, rule)
        assert lost.state == "lost"
        assert lost.due is None  # an exception is a warning, never a date to rely on
        assert lost.basis == ev("public-disclosure", "2026-03-10")
        # the 6-month exception window is named in the warning: 2026-03-10 + 6 months
        assert "2026-09-10" in lost.note
        assert "Warning" in lost.note
    assert only(rows, "ep-absolute-novelty").jurisdiction == "EP"
    assert only(rows, "cn-absolute-novelty").jurisdiction == "CN"


def test_ep_lost_when_nothing_is_filed_yet() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=EARLY)
    assert only(rows, "ep-absolute-novelty").state == "lost"


def test_offer_for_sale_alone_does_not_destroy_ep_novelty() -> None:
    rows = compute_deadlines([ev("offer-for-sale", "2026-03-10")], as_of=EARLY)
    assert rules_of(rows) == {"us-grace-period"}


def test_disclosure_on_the_filing_day_is_not_prior_art_for_ep() -> None:
    events = [ev("provisional-filed", "2026-03-10"), ev("public-disclosure", "2026-03-10")]
    ep = only(compute_deadlines(events, as_of=date(2026, 4, 1)), "ep-absolute-novelty")
    assert ep.state != "lost"
    # EP must then claim the provisional's priority: 2026-03-10 + 12 months = 2027-03-10
    assert ep.due == date(2027, 3, 10)


def test_ep_after_disclosure_following_a_filing_met_by_pct_in_priority_year() -> None:
    events = [
        ev("provisional-filed", "2026-02-02"),
        ev("public-disclosure", "2026-05-05"),
        ev("pct-filed", "2027-02-01", "US"),
    ]
    ep = only(compute_deadlines(events, as_of=date(2027, 3, 1)), "ep-absolute-novelty")
    # priority year: 2026-02-02 + 12 months = 2027-02-02 (EP dates are not US-shifted)
    assert ep.due == date(2027, 2, 2)
    assert ep.state == "met"


def test_ep_priority_year_passed_without_ep_filing_is_overdue() -> None:
    events = [ev("provisional-filed", "2026-02-02"), ev("public-disclosure", "2026-05-05")]
    ep = only(compute_deadlines(events, as_of=date(2027, 2, 3)), "ep-absolute-novelty")
    # due 2027-02-02 (2026-02-02 + 12 months) < as_of 2027-02-03
    assert ep.state == "overdue"


# Japan ---------------------------------------------------------------------------------------


def test_jp_grace_one_year_not_shifted_off_a_weekend() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-05-15")], as_of=EARLY)
    jp = only(rows, "jp-grace-period")
    # 2026-05-15 + 1 year = Sat 2027-05-15; only US rules move to a business day
    assert jp.due == date(2027, 5, 15)
    assert jp.jurisdiction == "JP"


def test_jp_grace_counts_the_actual_filing_date_not_the_priority_date() -> None:
    events = [
        ev("public-disclosure", "2026-05-15"),
        ev("provisional-filed", "2026-06-01"),  # in time for the US
        ev("nonprovisional-filed", "2027-05-28", "JP"),  # claims the provisional, too late
    ]
    rows = compute_deadlines(events, as_of=date(2027, 6, 1))
    # JP due 2027-05-15; JP filed 2027-05-28: lost in Japan
    assert only(rows, "jp-grace-period").state == "lost"
    # ... though within the Paris year of the provisional (2026-06-01 + 12 = 2027-06-01)
    assert only(rows, "paris-priority").state == "met"


def test_jp_grace_met_by_a_pct_within_the_year() -> None:
    events = [ev("public-disclosure", "2026-05-15"), ev("pct-filed", "2027-05-14", "US")]
    assert only(compute_deadlines(events, as_of=EARLY), "jp-grace-period").state == "met"


# US provisional -> non-provisional ----------------------------------------------------------


def test_nonprovisional_twelve_months_after_provisional_with_restoration_note() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2026-03-10")], as_of=EARLY)
    nonprov = only(rows, "us-nonprovisional")
    # 2026-03-10 + 12 months = Wed 2027-03-10
    assert nonprov.due == date(2027, 3, 10)
    assert "14 months" in nonprov.note


def test_nonprovisional_due_on_thanksgiving_moves_to_friday() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2026-11-25")], as_of=EARLY)
    # 2026-11-25 + 12 months = Thu 2027-11-25, Thanksgiving -> Fri 2027-11-26
    assert only(rows, "us-nonprovisional").due == date(2027, 11, 26)


def test_nonprovisional_due_on_new_years_day_moves_past_the_weekend() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2026-01-01")], as_of=EARLY)
    # 2026-01-01 + 12 months = Fri 2027-01-01, New Year's Day -> Sat, Sun -> Mon 2027-01-04
    assert only(rows, "us-nonprovisional").due == date(2027, 1, 4)


def test_nonprovisional_from_a_leap_day_provisional() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2028-02-29")], as_of=EARLY)
    # 2028-02-29 + 12 months: no 29 Feb 2029 -> Wed 2029-02-28, a business day
    assert only(rows, "us-nonprovisional").due == date(2029, 2, 28)
    # Paris priority from the same filing, not shifted: also 2029-02-28
    assert only(rows, "paris-priority").due == date(2029, 2, 28)


def test_nonprovisional_met_by_us_filing_not_by_an_ep_filing() -> None:
    base = [ev("provisional-filed", "2026-03-10")]
    with_ep = compute_deadlines(
        [*base, ev("nonprovisional-filed", "2027-03-01", "EP")], as_of=date(2027, 3, 2)
    )
    assert only(with_ep, "us-nonprovisional").state == "due-soon"  # due 2027-03-10
    with_us = compute_deadlines(
        [*base, ev("nonprovisional-filed", "2027-03-01")], as_of=date(2027, 3, 2)
    )
    assert only(with_us, "us-nonprovisional").state == "met"


# Paris priority ------------------------------------------------------------------------------


def test_paris_priority_twelve_months_from_first_filing_met_abroad() -> None:
    events = [
        ev("provisional-filed", "2026-04-15"),
        ev("nonprovisional-filed", "2027-04-10"),  # US: same office, not a Paris filing
    ]
    rows = compute_deadlines(events, as_of=date(2027, 4, 11))
    paris = only(rows, "paris-priority")
    # 2026-04-15 + 12 months = 2027-04-15
    assert paris.due == date(2027, 4, 15)
    assert paris.state == "due-soon"
    met = compute_deadlines(
        [*events, ev("nonprovisional-filed", "2027-04-14", "EPO")], as_of=date(2027, 4, 16)
    )
    assert only(met, "paris-priority").state == "met"


# PCT national phase --------------------------------------------------------------------------


def test_pct_national_phase_30_months_and_ep_31_months_from_priority() -> None:
    events = [ev("provisional-filed", "2027-08-29"), ev("pct-filed", "2028-08-28", "US")]
    rows = compute_deadlines(events, as_of=EARLY)
    national = only(rows, "pct-national-phase")
    ep = only(rows, "pct-ep-regional-phase")
    # 2027-08-29 + 30 months = 29 Feb 2030, which does not exist -> 2030-02-28
    assert national.due == date(2030, 2, 28)
    # 2027-08-29 + 31 months = 2030-03-29
    assert ep.due == date(2030, 3, 29)
    assert ep.jurisdiction == "EP"
    assert national.basis == ev("provisional-filed", "2027-08-29")


def test_pct_without_earlier_filing_counts_from_its_own_date() -> None:
    rows = compute_deadlines([ev("pct-filed", "2026-01-15", "EP")], as_of=EARLY)
    # 2026-01-15 + 30 months = 2028-07-15; + 31 months = 2028-08-15
    assert only(rows, "pct-national-phase").due == date(2028, 7, 15)
    assert only(rows, "pct-ep-regional-phase").due == date(2028, 8, 15)


def test_pct_ignores_a_filing_older_than_the_priority_year() -> None:
    events = [ev("nonprovisional-filed", "2025-01-10"), ev("pct-filed", "2026-01-15")]
    rows = compute_deadlines(events, as_of=EARLY)
    # 2025-01-10 + 12 months = 2026-01-10 < 2026-01-15: not a valid priority
    assert only(rows, "pct-national-phase").due == date(2028, 7, 15)


def test_ep_regional_phase_met_by_ep_entry_only() -> None:
    events = [
        ev("pct-filed", "2026-01-15"),
        ev("national-phase-entered", "2028-07-01", "US"),
        ev("national-phase-entered", "2028-08-01", "EP"),
    ]
    rows = compute_deadlines(events, as_of=date(2028, 9, 1))
    assert only(rows, "pct-national-phase").state == "met"
    assert only(rows, "pct-ep-regional-phase").state == "met"
    no_ep = compute_deadlines(events[:2], as_of=date(2028, 9, 1))
    assert only(no_ep, "pct-ep-regional-phase").state == "overdue"  # due 2028-08-15


# China: confidentiality examination before filing abroad ---------------------------------


def test_china_exam_lost_when_filed_abroad_without_clearance() -> None:
    events = [ev("provisional-filed", "2026-03-10")]
    rows = compute_deadlines(events, as_of=date(2026, 4, 1), completed_in_china=True)
    exam = only(rows, "cn-confidentiality-exam")
    assert exam.state == "lost"
    assert exam.basis == ev("provisional-filed", "2026-03-10")
    assert "cn-confidentiality-exam" not in rules_of(compute_deadlines(events, as_of=EARLY))


def test_china_exam_met_when_cleared_before_the_first_filing_abroad() -> None:
    events = [
        ev("confidentiality-exam-cleared", "2026-03-01"),
        ev("provisional-filed", "2026-03-10"),
    ]
    rows = compute_deadlines(events, as_of=date(2026, 4, 1), completed_in_china=True)
    assert only(rows, "cn-confidentiality-exam").state == "met"


def test_china_exam_clearance_after_the_filing_abroad_is_still_lost() -> None:
    events = [
        ev("provisional-filed", "2026-03-10"),
        ev("confidentiality-exam-cleared", "2026-03-11"),
    ]
    rows = compute_deadlines(events, as_of=date(2026, 4, 1), completed_in_china=True)
    assert only(rows, "cn-confidentiality-exam").state == "lost"


def test_china_exam_due_before_the_earliest_filing_abroad_another_rule_needs() -> None:
    events = [ev("public-disclosure", "2026-03-10")]
    rows = compute_deadlines(events, as_of=date(2027, 2, 20), completed_in_china=True)
    exam = only(rows, "cn-confidentiality-exam")
    # the US grace application is due Wed 2027-03-10 (2026-03-10 + 1 year): 18 days away
    assert exam.due == date(2027, 3, 10)
    assert exam.state == "due-soon"


def test_china_exam_open_and_undated_without_any_filing_deadline() -> None:
    rows = compute_deadlines([], as_of=EARLY, completed_in_china=True)
    exam = only(rows, "cn-confidentiality-exam")
    assert (exam.due, exam.state) == (None, "open")


def test_pct_filed_with_cnipa_is_not_a_filing_abroad() -> None:
    events = [ev("nonprovisional-filed", "2026-03-10", "CN"), ev("pct-filed", "2026-09-01", "CN")]
    exam = only(
        compute_deadlines(events, as_of=EARLY, completed_in_china=True), "cn-confidentiality-exam"
    )
    assert exam.state == "open"
    assert exam.basis is None or exam.basis.kind != "pct-filed"


# German employee invention -----------------------------------------------------------------


def test_german_employee_invention_four_months_after_report() -> None:
    events = [ev("employee-invention-reported", "2026-10-31")]
    rows = compute_deadlines(events, as_of=date(2027, 2, 1), german_employee_invention=True)
    de = only(rows, "de-employee-invention")
    # 2026-10-31 + 4 months = 31 Feb 2027, which does not exist -> 2027-02-28 (a Sunday, not
    # shifted: only US rules move)
    assert de.due == date(2027, 2, 28)
    assert de.state == "due-soon"
    assert de.jurisdiction == "DE"


def test_german_employee_invention_only_when_marked() -> None:
    events = [ev("employee-invention-reported", "2026-10-31")]
    assert compute_deadlines(events, as_of=EARLY) == []


def test_german_employee_invention_without_report_asks_for_the_date() -> None:
    rows = compute_deadlines([], as_of=EARLY, german_employee_invention=True)
    de = only(rows, "de-employee-invention")
    assert (de.due, de.state, de.basis) == (None, "open", None)


def test_german_employee_invention_release_in_time_is_met_and_lapse_is_deemed_claim() -> None:
    report = ev("employee-invention-reported", "2026-10-31")
    released = compute_deadlines(
        [report, ev("employee-invention-released", "2027-01-15")],
        as_of=date(2027, 6, 1),
        german_employee_invention=True,
    )
    assert only(released, "de-employee-invention").state == "met"
    lapsed = only(
        compute_deadlines([report], as_of=date(2027, 6, 1), german_employee_invention=True),
        "de-employee-invention",
    )
    assert lapsed.state == "met"
    assert "deemed claimed" in lapsed.note


# States relative to as_of ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2027, 3, 11), "overdue"),  # one day after the due date 2027-03-10
        (date(2027, 3, 10), "due-soon"),  # the due date itself
        (date(2027, 2, 8), "due-soon"),  # 2027-02-08 + 30 days = 2027-03-10
        (date(2027, 2, 7), "open"),  # 31 days ahead
    ],
)
def test_states_relative_to_as_of(as_of: date, expected: str) -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=as_of)
    assert only(rows, "us-grace-period").state == expected


def test_state_for_undated_is_open() -> None:
    assert state_for(None, date(2026, 1, 1)) == "open"


def test_every_state_is_a_declared_state() -> None:
    events = [
        ev("public-disclosure", "2026-03-10"),
        ev("offer-for-sale", "2026-01-10"),
        ev("provisional-filed", "2026-04-01"),
        ev("pct-filed", "2027-03-30", "US"),
        ev("employee-invention-reported", "2026-02-01"),
    ]
    rows = compute_deadlines(
        events, as_of=date(2027, 1, 1), completed_in_china=True, german_employee_invention=True
    )
    assert {r.state for r in rows} <= set(DEADLINE_STATES)
    assert rows


# No duplicated rows, docket, filters, JSON --------------------------------------------------


def test_no_duplicated_rows_even_with_repeated_events() -> None:
    events = [
        ev("public-disclosure", "2026-03-10"),
        ev("public-disclosure", "2026-03-10"),  # the same talk logged twice
        ev("vendor-disclosure-no-nda", "2026-03-10"),
        ev("provisional-filed", "2026-04-01"),
        ev("provisional-filed", "2026-05-01"),
        ev("pct-filed", "2027-03-30", "US"),
        ev("pct-filed", "2027-03-30", "US"),
        ev("employee-invention-reported", "2026-02-01"),
    ]
    rows = compute_deadlines(
        events, as_of=date(2026, 6, 1), completed_in_china=True, german_employee_invention=True
    )
    keys = [r.rule for r in rows]
    assert len(keys) == len(set(keys))
    identities = [(r.rule, r.jurisdiction, r.due, r.basis) for r in rows]
    assert len(identities) == len(set(identities))
    # every rule of the table fired once here
    assert set(keys) == {rule.key for rule in RULES}


def test_docket_sorts_many_disclosures_by_due_date_undated_last() -> None:
    docket = compute_docket(
        [
            DisclosureEvents("FF-2026-0002", (ev("public-disclosure", "2026-01-05"),)),
            DisclosureEvents("FF-2026-0001", (ev("provisional-filed", "2026-06-01"),)),
            DisclosureEvents("FF-2026-0003", (), german_employee_invention=True),
        ],
        as_of=date(2026, 7, 1),
    )
    dues = [row.deadline.due for row in docket]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert dues[-1] is None and docket[-1].disclosure == "FF-2026-0003"
    # the first row: 2026-01-05 + 1 year = Tue 2027-01-05 (US grace of FF-2026-0002)
    assert (docket[0].disclosure, docket[0].deadline.due) == ("FF-2026-0002", date(2027, 1, 5))
    pairs = [(r.disclosure, r.deadline.rule) for r in docket]
    assert len(pairs) == len(set(pairs))


def test_docket_refuses_the_same_disclosure_twice() -> None:
    item = DisclosureEvents("FF-2026-0001", (ev("public-disclosure", "2026-01-05"),))
    with pytest.raises(ValueError, match="twice"):
        compute_docket([item, item], as_of=EARLY)


def test_docket_from_a_disclosure_view_takes_the_china_flag() -> None:
    view = DisclosureView(
        key="FF-2026-0007",
        title="Sensor",
        status="draft",
        completed_in_china=True,
        events=(ev("provisional-filed", "2026-03-10"),),
    )
    docket = compute_docket([DisclosureEvents.from_view(view)], as_of=date(2026, 4, 1))
    exam = [r for r in docket if r.deadline.rule == "cn-confidentiality-exam"]
    assert len(exam) == 1 and exam[0].deadline.state == "lost"


def test_due_within_keeps_unmet_rows_up_to_n_days() -> None:
    docket = compute_docket(
        [
            DisclosureEvents("A", (ev("public-disclosure", "2026-03-10"),)),  # US 2027-03-10
            DisclosureEvents("B", (ev("public-disclosure", "2026-05-12"),)),  # US 2027-05-12
            DisclosureEvents("C", (ev("public-disclosure", "2026-02-01"),)),  # US 2027-02-01
        ],
        as_of=date(2027, 3, 1),
    )
    us = [r for r in docket if r.deadline.rule == "us-grace-period"]
    within = due_within(us, 30, as_of=date(2027, 3, 1))
    # C is overdue (2027-02-01), A is 9 days away, B is 72 days away
    assert [r.disclosure for r in within] == ["C", "A"]
    future_only = due_within(us, 30, as_of=date(2027, 3, 1), include_overdue=False)
    assert [r.disclosure for r in future_only] == ["A"]
    # plain Deadline rows work too: US and JP are both due 2027-03-10 (no shift needed, a
    # Wednesday); the lost EP and CN rows never appear
    plain = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=date(2027, 3, 1))
    assert [d.rule for d in due_within(plain, 30, as_of=date(2027, 3, 1))] == [
        "us-grace-period",
        "jp-grace-period",
    ]


def test_as_json_is_plain_and_serialisable() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-13", reference="talk")], as_of=EARLY)
    data = only(rows, "us-grace-period").as_json("FF-2026-0001")
    assert {"disclosure", "rule", "jurisdiction", "due", "basis", "state"} <= data.keys()
    assert data["disclosure"] == "FF-2026-0001"
    assert data["due"] == "2027-03-15"  # Sat 2027-03-13 -> Mon 2027-03-15
    assert data["basis"]["date"] == "2026-03-13"
    assert data["basis"]["reference"] == "talk"
    assert "102(b)(1)" in data["source"]
    lost = only(rows, "ep-absolute-novelty").as_json("FF-2026-0001")
    assert lost["due"] is None and lost["state"] == "lost"
    assert json.loads(json.dumps([data, lost]))[0]["rule"] == "us-grace-period"


# Table and inputs ---------------------------------------------------------------------------


def test_every_rule_cites_a_source_and_keys_are_unique() -> None:
    keys = [rule.key for rule in RULES]
    assert len(keys) == len(set(keys))
    for rule in RULES:
        assert rule.source.strip(), rule.key


def test_every_vocabulary_event_kind_is_accepted() -> None:
    events = [EventView(kind, date(2026, 1, 1)) for kind in (*EVENT_KINDS, *EXTRA_EVENT_KINDS)]
    compute_deadlines(events, as_of=EARLY)  # raises on an unknown kind
    # Every kind the engine reads can be recorded: the vocabulary lists them all.
    assert set(EXTRA_EVENT_KINDS) <= set(EVENT_KINDS)


def test_unknown_event_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="publick-disclosure"):
        compute_deadlines([ev("publick-disclosure", "2026-03-10")], as_of=EARLY)


def test_engine_imports_nothing_outside_the_domain_layer() -> None:
    code = (
        "import sys, firstfile.domain.deadlines\n"
        "bad = [m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'jinja2', 'docx', 'docxtpl',"
        " 'holidays') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # holidays is loaded on first use, not at import
    assert result.stdout.strip() == ""
