"""The deadline engine, rule by rule, with expected dates worked out by hand.

Calendar facts used below (checked against a printed calendar): 1 January is a Thursday in
2026, Friday in 2027, Saturday in 2028, Monday in 2029, Saturday in 2033. 2027-03-13 Sat;
2027-07-04 Sun; 2028-07-04 Tue (Independence Day); 2027-11-25 Thu (Thanksgiving); 2027-12-31 Fri
(New Year's Day 2028 observed); 2021-02-28 Sun; 2027-05-15 Sat; 2029-02-28 Wed; 2028-07-15 Sat;
2028-07-17 Mon (JP Marine Day); 2028-08-15 Tue (KR Liberation Day); 2028-09-02 Sat;
2027-01-10 Sun; 2027-02-01 Mon; 2026-10-03 Sat (CN National Day holidays 1-7 Oct 2026);
2033-01-20 Thu (Inauguration Day); 2025-12-24 Wed (USPTO closed by executive order).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain.deadline_rules import EXTRA_EVENT_KINDS, RULES, VendorNda, rule_title
from firstfile.domain.deadlines import (
    DEADLINE_STATES,
    Deadline,
    DisclosureEvents,
    add_months,
    compute_deadlines,
    compute_docket,
    designated_offices,
    due_within,
    next_us_business_day,
    state_for,
)
from firstfile.domain.views import DisclosureView, EventView
from firstfile.domain.vocabulary import EVENT_KINDS
from firstfile.services.office_closures import load_closures

LATE = date(2035, 1, 1)  # an as_of after every date here: every event has happened
SHIPPED = load_closures().table


def ev(kind: str, iso: str, jurisdiction: str = "", reference: str = "",
       claims: tuple[str, ...] = (), restored: bool = False) -> EventView:
    return EventView(kind=kind, date=date.fromisoformat(iso), jurisdiction=jurisdiction,
                     reference=reference, claims_priority_of=claims, restored=restored)


def only(rows: list[Deadline], rule: str, jurisdiction: str | None = None) -> Deadline:
    found = [r for r in rows if r.rule == rule
             and (jurisdiction is None or r.jurisdiction == jurisdiction)]
    assert len(found) == 1, f"{rule} {jurisdiction}: {len(found)} rows"
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


def test_next_business_day_skips_weekend_and_federal_holidays() -> None:
    assert next_us_business_day(date(2027, 3, 10)) == date(2027, 3, 10)  # a Wednesday
    assert next_us_business_day(date(2027, 3, 13)) == date(2027, 3, 15)  # Sat -> Mon
    assert next_us_business_day(date(2028, 7, 4)) == date(2028, 7, 5)  # Tue holiday -> Wed
    # Sun 4 Jul 2027 -> Mon 5 Jul is the observed holiday -> Tue 6 Jul
    assert next_us_business_day(date(2027, 7, 4)) == date(2027, 7, 6)


# US grace period ---------------------------------------------------------------------------


def test_us_grace_one_year_after_a_public_disclosure() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=date(2026, 4, 1))
    grace = only(rows, "us-grace-period")
    # 2026-03-10 + 1 year = 2027-03-10, a Wednesday: no shift
    assert grace.due == date(2027, 3, 10)
    assert grace.jurisdiction == "US"
    assert grace.basis == ev("public-disclosure", "2026-03-10")
    assert (grace.state, grace.planned) == ("open", False)
    assert "102(b)(1)" in grace.source


def test_us_grace_moves_off_a_weekend_and_says_why() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-13")], as_of=LATE)
    grace = only(rows, "us-grace-period")
    # 2026-03-13 + 1 year = Sat 2027-03-13 -> Mon 2027-03-15
    assert grace.due == date(2027, 3, 15)
    assert "2027-03-13 is a day the USPTO is closed (Saturday)" in grace.note


def test_us_grace_moves_off_independence_day() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2027-07-04")], as_of=LATE)
    # 2027-07-04 + 1 year = Tue 2028-07-04, Independence Day -> Wed 2028-07-05
    assert only(rows, "us-grace-period").due == date(2028, 7, 5)


def test_us_grace_at_year_end_skips_observed_new_year_and_weekend() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-12-31")], as_of=LATE)
    # 2026-12-31 + 1 year = Fri 2027-12-31, New Year's Day 2028 observed (1 Jan 2028 is a
    # Saturday) -> Sat 1 Jan, Sun 2 Jan -> Mon 2028-01-03
    assert only(rows, "us-grace-period").due == date(2028, 1, 3)


def test_us_grace_from_a_leap_day_clamps_then_shifts() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2020-02-29")], as_of=LATE)
    # 2020-02-29 + 1 year: 29 Feb 2021 does not exist -> 28 Feb 2021, a Sunday -> Mon 1 Mar
    assert only(rows, "us-grace-period").due == date(2021, 3, 1)


def test_us_grace_skips_inauguration_day() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2032-01-20")], as_of=LATE)
    # 2032-01-20 + 1 year = Thu 2033-01-20, Inauguration Day (5 USC 6103(c)) -> Fri 21 Jan
    assert only(rows, "us-grace-period").due == date(2033, 1, 21)


def test_us_grace_skips_an_official_uspto_closing() -> None:
    events = [ev("public-disclosure", "2024-12-24")]
    # 2024-12-24 + 1 year = Wed 2025-12-24 (closed by executive order), Thu 25 Christmas,
    # Fri 26 (closed), Sat, Sun -> Mon 2025-12-29
    assert only(compute_deadlines(events, as_of=LATE, closures=SHIPPED),
                "us-grace-period").due == date(2025, 12, 29)
    assert only(compute_deadlines(events, as_of=LATE), "us-grace-period").due == date(2025, 12, 24)


def test_us_grace_earliest_of_several_disclosures_counts() -> None:
    events = [
        ev("public-disclosure", "2026-06-20"),
        ev("public-disclosure", "2026-03-10", reference="trade show"),
        ev("public-disclosure", "2026-09-01"),
    ]
    grace = only(compute_deadlines(events, as_of=LATE), "us-grace-period")
    # the earliest is 2026-03-10, listed second: + 1 year = Wed 2027-03-10
    assert grace.basis is not None and grace.basis.reference == "trade show"
    assert grace.due == date(2027, 3, 10)


def test_us_grace_counts_a_secret_offer_for_sale() -> None:
    events = [ev("public-disclosure", "2026-06-20"), ev("offer-for-sale", "2026-03-10")]
    grace = only(compute_deadlines(events, as_of=LATE), "us-grace-period")
    # the offer (2026-03-10) precedes the disclosure: + 1 year = Wed 2027-03-10
    assert grace.basis is not None and grace.basis.kind == "offer-for-sale"
    assert grace.due == date(2027, 3, 10)


def test_vendor_disclosure_without_nda_counts_as_public() -> None:
    rows = compute_deadlines([ev("vendor-disclosure-no-nda", "2026-03-10")], as_of=LATE)
    # 2026-03-10 + 1 year = Wed 2027-03-10
    assert only(rows, "us-grace-period").due == date(2027, 3, 10)
    assert only(rows, "ep-absolute-novelty").state == "lost"


def test_vendor_disclosure_under_nda_is_not_public() -> None:
    rows = compute_deadlines([ev("vendor-disclosure-nda", "2026-03-10")], as_of=LATE)
    assert rows == []


def test_vendor_disclosure_under_nda_does_not_move_the_earliest_disclosure() -> None:
    events = [ev("vendor-disclosure-nda", "2026-01-05"), ev("public-disclosure", "2026-03-10")]
    grace = only(compute_deadlines(events, as_of=LATE), "us-grace-period")
    assert grace.basis is not None and grace.basis.kind == "public-disclosure"
    assert grace.due == date(2027, 3, 10)  # 2026-03-10 + 1 year, a Wednesday


def test_us_grace_through_a_provisional_waits_for_the_non_provisional() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("provisional-filed", "2026-09-01")]
    grace = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "us-grace-period")
    # The provisional helps only if a non-provisional claims it within its 12 months:
    # 2026-09-01 + 12 months = Wed 2027-09-01, later than the grace date (Wed 2027-03-10)
    assert (grace.due, grace.state) == (date(2027, 9, 1), "open")
    assert "meets it only if a US non-provisional" in grace.note
    met = compute_deadlines([*events, ev("nonprovisional-filed", "2027-08-30", "US")],
                            as_of=date(2027, 9, 10))
    assert only(met, "us-grace-period").state == "met"


def test_us_grace_met_by_a_filing_on_the_shifted_day() -> None:
    # due: Sat 2027-03-13 -> Mon 2027-03-15; filing that Monday is in time
    events = [ev("public-disclosure", "2026-03-13"), ev("nonprovisional-filed", "2027-03-15",
                                                       "US")]
    grace = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "us-grace-period")
    assert grace.due == date(2027, 3, 15)
    assert grace.state == "met"


def test_us_grace_filing_after_the_due_date_is_lost() -> None:
    # due 2027-03-15 (see above); a filing on Tue 2027-03-16 is one day late
    events = [ev("public-disclosure", "2026-03-13"), ev("nonprovisional-filed", "2027-03-16",
                                                       "US")]
    grace = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "us-grace-period")
    assert grace.state == "lost"
    assert "2027-03-16" in grace.note


def test_late_non_provisional_loses_the_grace_and_the_benefit() -> None:
    events = [
        ev("public-disclosure", "2026-01-10"),
        ev("provisional-filed", "2026-02-01", reference="63/1"),
        ev("nonprovisional-filed", "2027-02-05", "US"),
    ]
    rows = compute_deadlines(events, as_of=date(2027, 3, 1))
    grace = only(rows, "us-grace-period")
    # grace: 2026-01-10 + 1 year = Sun 2027-01-10 -> Mon 2027-01-11; the provisional's
    # 12 months end Mon 2027-02-01; the non-provisional of Fri 2027-02-05 is after both
    assert (grace.due, grace.state) == (date(2027, 2, 1), "lost")
    assert "prior art in the US" in grace.note
    benefit = only(rows, "us-nonprovisional")
    assert (benefit.due, benefit.state) == (date(2027, 2, 1), "lost")
    # still within 14 months (2026-02-01 + 14 = Thu 2027-04-01): the note names the petition
    assert "restored: true" in benefit.note
    # The same filing with its claim restored on petition keeps both
    restored = [*events[:2], ev("nonprovisional-filed", "2027-02-05", "US",
                                claims=("63/1",), restored=True)]
    rows = compute_deadlines(restored, as_of=date(2027, 3, 1))
    assert only(rows, "us-grace-period").state == "met"
    assert only(rows, "us-nonprovisional").state == "met"
    assert "restored on petition" in only(rows, "us-nonprovisional").note


def test_us_grace_chain_overdue_while_restorable_then_lost() -> None:
    events = [ev("public-disclosure", "2026-01-10"), ev("provisional-filed", "2026-02-01")]
    # window ends Mon 2027-02-01; restoration until Thu 2027-04-01 (2026-02-01 + 14 months)
    overdue = only(compute_deadlines(events, as_of=date(2027, 2, 10)), "us-grace-period")
    assert overdue.state == "overdue" and "2027-04-01" in overdue.note
    lost = only(compute_deadlines(events, as_of=date(2027, 4, 2)), "us-grace-period")
    assert lost.state == "lost"


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
    rows = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=date(2026, 3, 11))
    assert only(rows, "ep-absolute-novelty").state == "lost"


def test_offer_for_sale_alone_does_not_destroy_ep_novelty() -> None:
    rows = compute_deadlines([ev("offer-for-sale", "2026-03-10")], as_of=LATE)
    assert rules_of(rows) == {"us-grace-period"}


def test_disclosure_on_the_filing_day_is_not_prior_art_for_ep() -> None:
    events = [ev("provisional-filed", "2026-03-10"), ev("public-disclosure", "2026-03-10")]
    ep = only(compute_deadlines(events, as_of=date(2026, 4, 1)), "ep-absolute-novelty")
    assert ep.state == "open"
    # EP must then claim the provisional's priority: 2026-03-10 + 12 months = Wed 2027-03-10
    assert ep.due == date(2027, 3, 10)


def test_ep_after_disclosure_following_a_filing_met_by_pct_in_priority_year() -> None:
    events = [
        ev("provisional-filed", "2026-02-02"),
        ev("public-disclosure", "2026-05-05"),
        ev("pct-filed", "2027-02-01", "US"),
    ]
    ep = only(compute_deadlines(events, as_of=date(2027, 3, 1)), "ep-absolute-novelty")
    # priority year: 2026-02-02 + 12 months = Tue 2027-02-02
    assert ep.due == date(2027, 2, 2)
    assert ep.state == "met"
    assert "claim inferred" in ep.note


def test_ep_priority_year_passed_overdue_while_restorable_then_lost() -> None:
    events = [ev("provisional-filed", "2026-02-02"), ev("public-disclosure", "2026-05-05")]
    # due Tue 2027-02-02 < as_of 2027-02-03; restorable to Fri 2027-04-02 (+14 months)
    ep = only(compute_deadlines(events, as_of=date(2027, 2, 3)), "ep-absolute-novelty")
    assert ep.state == "overdue" and "2027-04-02" in ep.note
    gone = only(compute_deadlines(events, as_of=date(2027, 4, 5)), "ep-absolute-novelty")
    assert gone.state == "lost"


def test_saturday_priority_year_end_keeps_priority_and_novelty() -> None:
    # The case the docket used to get a year wrong: the priority year of a provisional of
    # Fri 2026-03-13 ends Sat 2027-03-13, so a PCT filed at the USPTO on Mon 2027-03-15 claims
    # it validly (PCT Rule 80.5; 35 USC 21(b)), and the disclosure of 2026-06-01 in between is
    # not prior art (EPC Art. 89).
    events = [
        ev("provisional-filed", "2026-03-13", reference="63/100"),
        ev("public-disclosure", "2026-06-01"),
        ev("pct-filed", "2027-03-15", "US", "PCT/US2027/1", claims=("63/100",)),
    ]
    rows = compute_deadlines(events, as_of=date(2027, 4, 1), designated=("US", "EP"),
                             closures=SHIPPED)
    assert only(rows, "ep-absolute-novelty").state == "met"
    assert only(rows, "cn-absolute-novelty").state == "met"
    # Counted from the original priority date 2026-03-13, not from the PCT:
    # + 30 months = Wed 2028-09-13 (US); + 31 months = Fri 2028-10-13 (EP)
    assert only(rows, "pct-national-phase", "US").due == date(2028, 9, 13)
    ep_phase = only(rows, "pct-ep-regional-phase", "EP")
    assert ep_phase.due == date(2028, 10, 13)
    assert ep_phase.basis == events[0]
    # 2028 is past the EPO closing days the table holds: the row says so
    assert "not in the closure table" in ep_phase.note


def test_priority_year_ending_on_an_office_holiday() -> None:
    # 2025-04-03 + 12 months = Good Friday 2026-04-03: the EPO reopens Tue 2026-04-07
    # (Easter Monday 6 April), so an EP application that day claims the provisional.
    events = [
        ev("provisional-filed", "2025-04-03", reference="63/200"),
        ev("public-disclosure", "2025-06-01"),
        ev("nonprovisional-filed", "2026-04-07", "EP", claims=("63/200",)),
    ]
    rows = compute_deadlines(events, as_of=date(2026, 5, 1), closures=SHIPPED)
    assert only(rows, "ep-absolute-novelty").state == "met"
    assert only(rows, "ep-absolute-novelty").due == date(2026, 4, 7)
    assert only(rows, "paris-priority").state == "met"
    # Without the EPO's published closing days only the weekend is known: the claim fails
    bare = compute_deadlines(events, as_of=date(2026, 5, 1))
    assert only(bare, "paris-priority").state == "lost"


def test_restored_priority_counts_from_the_original_date() -> None:
    restored = [
        ev("provisional-filed", "2026-01-15", reference="63/500"),
        ev("public-disclosure", "2026-03-01"),
        ev("pct-filed", "2027-02-10", "US", claims=("63/500",), restored=True),
    ]
    rows = compute_deadlines(restored, as_of=date(2027, 3, 1), designated=("US", "EP"))
    # 2026-01-15 + 30 months = Sat 2028-07-15 -> Mon 2028-07-17 (USPTO)
    assert only(rows, "pct-national-phase", "US").due == date(2028, 7, 17)
    # + 31 months = Tue 2028-08-15
    assert only(rows, "pct-ep-regional-phase", "EP").due == date(2028, 8, 15)
    assert only(rows, "us-nonprovisional").state == "met"
    ep = only(rows, "ep-absolute-novelty")
    assert ep.state == "met" and "Rule 49ter.1(b)" in ep.note
    # Not restored: the PCT counts from its own date, 2027-02-10 + 30 months = Fri 2029-08-10
    plain = [*restored[:2], ev("pct-filed", "2027-02-10", "US", claims=("63/500",))]
    rows = compute_deadlines(plain, as_of=date(2027, 3, 1), designated=("US",))
    assert only(rows, "pct-national-phase", "US").due == date(2029, 8, 10)
    assert only(rows, "ep-absolute-novelty").state == "lost"


def test_ep_met_through_a_pct_only_while_its_ep_phase_can_be_entered() -> None:
    events = [
        ev("provisional-filed", "2026-02-02"),
        ev("public-disclosure", "2026-05-05"),
        ev("pct-filed", "2027-02-01", "US"),
    ]
    # EP phase: 2026-02-02 + 31 months = Sat 2028-09-02 -> Mon 2028-09-04
    pending = only(compute_deadlines(events, as_of=date(2028, 8, 1)), "ep-absolute-novelty")
    assert pending.state == "met" and "2028-09-04" in pending.note
    missed = only(compute_deadlines(events, as_of=date(2028, 10, 1)), "ep-absolute-novelty")
    assert missed.state == "lost"
    entered = [*events, ev("national-phase-entered", "2028-09-01", "EP")]
    assert only(compute_deadlines(entered, as_of=date(2028, 10, 1)),
                "ep-absolute-novelty").state == "met"


# Planned disclosures -----------------------------------------------------------------------


def test_planned_disclosure_before_and_after_as_of() -> None:
    events = [ev("public-disclosure", "2026-09-15", reference="trade show")]
    before = compute_deadlines(events, as_of=date(2026, 8, 20))
    ep = only(before, "ep-absolute-novelty")
    # file before the show: due the show's day, 26 days ahead
    assert (ep.due, ep.state, ep.planned) == (date(2026, 9, 15), "due-soon", True)
    assert "file first" in ep.note
    grace = only(before, "us-grace-period")
    # 2026-09-15 + 1 year = Wed 2027-09-15
    assert (grace.due, grace.state, grace.planned) == (date(2027, 9, 15), "open", True)
    assert only(before, "jp-grace-period").planned
    assert only(before, "ep-absolute-novelty").as_json("FF-2026-0001")["planned"] is True
    after = compute_deadlines(events, as_of=date(2026, 9, 16))
    assert (only(after, "ep-absolute-novelty").state, only(after, "ep-absolute-novelty").planned
            ) == ("lost", False)
    assert only(after, "us-grace-period").planned is False


def test_planned_disclosure_after_a_filing_gives_the_priority_year() -> None:
    events = [ev("provisional-filed", "2026-06-01"), ev("public-disclosure", "2026-09-15")]
    ep = only(compute_deadlines(events, as_of=date(2026, 8, 20)), "ep-absolute-novelty")
    # 2026-06-01 + 12 months = Tue 2027-06-01
    assert (ep.due, ep.state, ep.planned) == (date(2027, 6, 1), "open", True)


def test_a_planned_filing_meets_nothing_until_it_is_made() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("nonprovisional-filed", "2026-12-01",
                                                       "US")]
    grace = only(compute_deadlines(events, as_of=date(2026, 6, 1)), "us-grace-period")
    assert grace.state == "open"
    assert only(compute_deadlines(events, as_of=date(2026, 12, 1)),
                "us-grace-period").state == "met"


# German utility model ----------------------------------------------------------------------


def test_german_utility_model_offered_next_to_the_lost_ep_row() -> None:
    events = [ev("public-disclosure", "2026-03-10")]
    rows = compute_deadlines(events, as_of=date(2026, 4, 1))
    gbm = only(rows, "de-utility-model-grace")
    # 2026-03-10 + 6 months = 2026-09-10 (counted to the utility model's priority date)
    assert (gbm.due, gbm.state, gbm.jurisdiction) == (date(2026, 9, 10), "open", "DE")
    assert "GebrMG" in gbm.source
    filed = compute_deadlines([*events, ev("utility-model-filed", "2026-08-01", "DE")],
                              as_of=date(2026, 10, 1))
    assert only(filed, "de-utility-model-grace").state == "met"
    assert only(compute_deadlines(events, as_of=date(2026, 9, 11)),
                "de-utility-model-grace").state == "lost"
    # No EP row lost, no rescue row
    assert "de-utility-model-grace" not in rules_of(
        compute_deadlines([ev("provisional-filed", "2026-01-01"), *events], as_of=LATE))


# Japan ---------------------------------------------------------------------------------------


def test_jp_grace_moves_off_a_jpo_closed_day() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-05-15")], as_of=LATE)
    jp = only(rows, "jp-grace-period")
    # 2026-05-15 + 1 year = Sat 2027-05-15 -> Mon 2027-05-17 (Patent Act Art. 3(2))
    assert jp.due == date(2027, 5, 17)
    assert jp.jurisdiction == "JP"


def test_jp_grace_counts_the_actual_filing_date_not_the_priority_date() -> None:
    events = [
        ev("public-disclosure", "2026-05-15"),
        ev("provisional-filed", "2026-06-01"),  # in time for the US
        ev("nonprovisional-filed", "2027-05-28", "JP"),  # claims the provisional, too late
    ]
    rows = compute_deadlines(events, as_of=date(2027, 6, 1))
    # JP due Mon 2027-05-17; JP filed 2027-05-28: lost in Japan
    assert only(rows, "jp-grace-period").state == "lost"
    # ... though within the Paris year of the provisional (2026-06-01 + 12 = 2027-06-01)
    assert only(rows, "paris-priority").state == "met"


def test_jp_grace_met_by_a_pct_only_while_the_jp_phase_can_be_entered() -> None:
    events = [ev("public-disclosure", "2026-05-15"), ev("pct-filed", "2027-05-14", "US")]
    jp = only(compute_deadlines(events, as_of=date(2027, 6, 1)), "jp-grace-period")
    # JP phase: 2027-05-14 + 30 months = Wed 2029-11-14
    assert jp.state == "met" and "2029-11-14" in jp.note
    missed = only(compute_deadlines(events, as_of=date(2029, 12, 1)), "jp-grace-period")
    assert missed.state == "lost"


def test_jp_grace_proof_within_30_days_of_filing() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("nonprovisional-filed", "2026-09-01",
                                                       "JP")]
    proof = only(compute_deadlines(events, as_of=date(2026, 9, 2)), "jp-grace-proof")
    # 2026-09-01 + 30 days = Thu 2026-10-01
    assert (proof.due, proof.state) == (date(2026, 10, 1), "due-soon")
    filed = [*events, ev("grace-proof-filed", "2026-09-20", "JP")]
    assert only(compute_deadlines(filed, as_of=date(2026, 10, 2)), "jp-grace-proof").state \
        == "met"
    assert only(compute_deadlines(events, as_of=date(2026, 10, 2)), "jp-grace-proof").state \
        == "lost"
    # Filed on the grace year's extended last day (Sat 2027-05-15 -> Mon 2027-05-17): the
    # proof is still owed, 2027-05-17 + 30 days = Wed 2027-06-16
    last_day = [ev("public-disclosure", "2026-05-15"),
                ev("nonprovisional-filed", "2027-05-17", "JP")]
    assert only(compute_deadlines(last_day, as_of=date(2027, 5, 18)),
                "jp-grace-proof").due == date(2027, 6, 16)


def test_cn_proof_two_months_moved_past_national_day() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("nonprovisional-filed", "2026-08-03",
                                                       "CN")]
    proof = only(compute_deadlines(events, as_of=date(2026, 8, 4)), "cn-grace-proof")
    # 2026-08-03 + 2 months = Sat 2026-10-03, inside the National Day holidays (1-7 Oct)
    # -> Thu 2026-10-08
    assert proof.due == date(2026, 10, 8)
    assert "Only if" in proof.note


def test_ep_exhibition_certificate_four_months() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("nonprovisional-filed", "2026-08-03",
                                                       "EP")]
    cert = only(compute_deadlines(events, as_of=date(2026, 8, 4), closures=SHIPPED),
                "ep-exhibition-certificate")
    # 2026-08-03 + 4 months = Thu 2026-12-03, an EPO working day
    assert cert.due == date(2026, 12, 3)


# US provisional -> non-provisional ----------------------------------------------------------


def test_nonprovisional_twelve_months_after_provisional_with_restoration_note() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2026-03-10")], as_of=date(2026, 4, 1))
    nonprov = only(rows, "us-nonprovisional")
    # 2026-03-10 + 12 months = Wed 2027-03-10
    assert nonprov.due == date(2027, 3, 10)
    assert "14 months" in nonprov.note


def test_nonprovisional_due_on_thanksgiving_moves_to_friday() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2026-11-25")], as_of=date(2026, 12, 1))
    # 2026-11-25 + 12 months = Thu 2027-11-25, Thanksgiving -> Fri 2027-11-26
    assert only(rows, "us-nonprovisional").due == date(2027, 11, 26)


def test_nonprovisional_due_on_new_years_day_moves_past_the_weekend() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2026-01-01")], as_of=date(2026, 1, 2))
    # 2026-01-01 + 12 months = Fri 2027-01-01, New Year's Day -> Sat, Sun -> Mon 2027-01-04
    assert only(rows, "us-nonprovisional").due == date(2027, 1, 4)


def test_nonprovisional_from_a_leap_day_provisional() -> None:
    rows = compute_deadlines([ev("provisional-filed", "2028-02-29")], as_of=date(2028, 3, 1))
    # 2028-02-29 + 12 months: no 29 Feb 2029 -> Wed 2029-02-28, a business day
    assert only(rows, "us-nonprovisional").due == date(2029, 2, 28)
    # Paris priority from the same filing (the anniversary itself): also 2029-02-28
    assert only(rows, "paris-priority").due == date(2029, 2, 28)


def test_nonprovisional_met_by_us_filing_not_by_an_ep_filing() -> None:
    base = [ev("provisional-filed", "2026-03-10")]
    with_ep = compute_deadlines(
        [*base, ev("nonprovisional-filed", "2027-03-01", "EP")], as_of=date(2027, 3, 2)
    )
    assert only(with_ep, "us-nonprovisional").state == "due-soon"  # due 2027-03-10
    with_us = compute_deadlines(
        [*base, ev("nonprovisional-filed", "2027-03-01", "US")], as_of=date(2027, 3, 2)
    )
    assert only(with_us, "us-nonprovisional").state == "met"


# Paris priority ------------------------------------------------------------------------------


def test_paris_priority_twelve_months_from_first_filing_met_abroad() -> None:
    events = [
        ev("provisional-filed", "2026-04-15"),
        ev("nonprovisional-filed", "2027-04-10", "US"),  # US: same office, not a Paris filing
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


# PCT national phase, per office ---------------------------------------------------------------


def test_each_designated_office_has_its_own_date_met_only_by_its_own_entry() -> None:
    pct = ev("pct-filed", "2026-01-15", "EP")
    offices = designated_offices("US, EP, CN; JP KR/IN")
    assert offices == ("US", "EP", "CN", "JP", "KR", "IN")
    rows = compute_deadlines([pct, ev("national-phase-entered", "2028-07-10", "US")],
                             as_of=date(2028, 8, 1), designated=offices)
    national = {r.jurisdiction: r for r in rows if r.rule == "pct-national-phase"}
    assert set(national) == {"US", "CN", "JP", "KR", "IN"}
    # 2026-01-15 + 30 months = Sat 2028-07-15 -> Mon 2028-07-17 (US, CN)
    assert national["US"].due == date(2028, 7, 17) and national["US"].state == "met"
    assert national["CN"].due == date(2028, 7, 17) and national["CN"].state == "overdue"
    # CN: late entry until 2026-01-15 + 32 months = Fri 2028-09-15
    assert "2028-09-15" in national["CN"].note
    # JP: Mon 17 July 2028 is Marine Day -> Tue 2028-07-18
    assert national["JP"].due == date(2028, 7, 18)
    # KR: + 31 months = Tue 2028-08-15, Liberation Day -> Wed 2028-08-16
    assert national["KR"].due == date(2028, 8, 16)
    # IN: + 31 months = 2028-08-15; no holiday list for IN, and the row says so
    assert national["IN"].due == date(2028, 8, 15) and "No holiday list" in national["IN"].note
    assert national["KR"].source.startswith("KR Patent Act Art. 201")
    ep = only(rows, "pct-ep-regional-phase", "EP")
    assert (ep.due, ep.state) == (date(2028, 8, 15), "due-soon")  # the US entry is not EP's


def test_cn_late_entry_within_32_months_is_met_after_it_lost() -> None:
    pct = ev("pct-filed", "2026-01-15", "EP")
    late = compute_deadlines([pct, ev("national-phase-entered", "2028-09-10", "CN")],
                             as_of=date(2028, 10, 1), designated=("CN",))
    row = only(late, "pct-national-phase", "CN")
    assert row.state == "met" and "surcharge" in row.note
    too_late = compute_deadlines([pct, ev("national-phase-entered", "2028-09-20", "CN")],
                                 as_of=date(2028, 10, 1), designated=("CN",))
    assert only(too_late, "pct-national-phase", "CN").state == "lost"


def test_us_national_phase_met_by_a_bypass_continuation() -> None:
    events = [ev("pct-filed", "2026-01-15", "US"), ev("nonprovisional-filed", "2028-06-01",
                                                      "US")]
    rows = compute_deadlines(events, as_of=date(2028, 8, 1), designated=("US",))
    assert only(rows, "pct-national-phase", "US").state == "met"


def test_without_designated_offices_the_generic_rows_remain() -> None:
    pct = ev("pct-filed", "2026-01-15", "EP")
    rows = compute_deadlines([pct], as_of=date(2026, 2, 1))
    national = only(rows, "pct-national-phase")
    # 2026-01-15 + 30 months = 2028-07-15; + 31 months = 2028-08-15
    assert (national.jurisdiction, national.due) == ("national", date(2028, 7, 15))
    assert "Name the offices" in national.note
    assert only(rows, "pct-ep-regional-phase").due == date(2028, 8, 15)
    entered = compute_deadlines([pct, ev("national-phase-entered", "2028-07-01", "JP")],
                                as_of=date(2028, 8, 1))
    # Without designations the first entry recorded, in any office but EP, meets the row
    assert only(entered, "pct-national-phase", "national").state == "met"


def test_pct_ignores_a_filing_older_than_the_priority_year() -> None:
    events = [ev("nonprovisional-filed", "2025-01-10", "US"), ev("pct-filed", "2026-01-15",
                                                                 "US")]
    rows = compute_deadlines(events, as_of=date(2026, 2, 1))
    # 2025-01-10 + 12 months = Sat 2026-01-10 -> Mon 2026-01-12 < 2026-01-15: no priority
    assert only(rows, "pct-national-phase").due == date(2028, 7, 15)


# Publication and the US non-publication request ------------------------------------------------


def test_publication_at_18_months_from_the_priority_date() -> None:
    events = [ev("provisional-filed", "2025-06-10"), ev("pct-filed", "2026-06-09", "US")]
    soon = only(compute_deadlines(events, as_of=date(2026, 11, 20)), "publication-18-months")
    # 2025-06-10 + 18 months = 2026-12-10
    assert (soon.due, soon.state, soon.jurisdiction) == (date(2026, 12, 10), "due-soon", "WO")
    assert "trade secret" in soon.note
    done = only(compute_deadlines(events, as_of=date(2026, 12, 11)), "publication-18-months")
    assert done.state == "met"


def test_non_publication_request_rescinded_within_45_days_of_filing_abroad() -> None:
    base = [ev("nonprovisional-filed", "2026-02-01", "US"),
            ev("nonpublication-requested", "2026-02-01")]
    rows = compute_deadlines(base, as_of=date(2026, 3, 1))
    assert "publication-18-months" not in rules_of(rows)  # the US application stays secret
    waiting = only(rows, "us-nonpublication-rescission")
    assert (waiting.due, waiting.state) == (None, "open")
    abroad = [*base, ev("nonprovisional-filed", "2026-09-01", "EP")]
    rows = compute_deadlines(abroad, as_of=date(2026, 10, 20))
    row = only(rows, "us-nonpublication-rescission")
    # 2026-09-01 + 45 days = Fri 2026-10-16
    assert (row.due, row.state) == (date(2026, 10, 16), "lost")
    assert "37 CFR 1.137" in row.note
    # The EP application is published: 2026-02-01 (the claimed US date) + 18 months
    assert only(rows, "publication-18-months").due == date(2027, 8, 1)
    rescinded = [*abroad, ev("nonpublication-rescinded", "2026-10-01")]
    assert only(compute_deadlines(rescinded, as_of=date(2026, 10, 20)),
                "us-nonpublication-rescission").state == "met"


# Vendors --------------------------------------------------------------------------------------


def test_vendor_publication_starts_the_clocks() -> None:
    published = [ev("vendor-application-published", "2026-05-20", "CN", "CN 2026-0001 A")]
    rows = compute_deadlines(published, as_of=date(2026, 6, 1))
    derivation = only(rows, "us-derivation-petition")
    # 2026-05-20 + 1 year = Thu 2027-05-20
    assert (derivation.due, derivation.state) == (date(2027, 5, 20), "open")
    assert "file one first" in derivation.note
    # EP and CN: 6 months, 2026-11-20
    assert only(rows, "ep-abuse-grace").due == date(2026, 11, 20)
    assert only(rows, "cn-consent-grace").due == date(2026, 11, 20)
    assert only(rows, "ep-absolute-novelty").state == "lost"  # Art. 55 is the way out
    answered = [*published, ev("pct-filed", "2026-10-01", "US"),
                ev("derivation-petition-filed", "2027-04-01")]
    rows = compute_deadlines(answered, as_of=date(2027, 5, 1))
    assert {only(rows, rule).state for rule in ("us-derivation-petition", "ep-abuse-grace",
                                                 "cn-consent-grace")} == {"met"}
    late = compute_deadlines(published, as_of=date(2026, 11, 21))
    assert only(late, "ep-abuse-grace").state == "lost"


def test_vendor_nda_expiry_is_a_date_to_file_before() -> None:
    nda = VendorNda("sz-pcba", "Shenzhen PCBA Co.", date(2026, 1, 1), date(2027, 1, 1))
    shared = [ev("vendor-disclosure-nda", "2026-03-10", "CN", "sz-pcba")]
    row = only(compute_deadlines(shared, as_of=date(2026, 12, 10), ndas=[nda]),
               "vendor-nda-expiry")
    # expires 2027-01-01: 22 days after 2026-12-10
    assert (row.due, row.state) == (date(2027, 1, 1), "due-soon")
    assert "Shenzhen PCBA Co." in row.note
    filed = [*shared, ev("provisional-filed", "2026-06-01")]
    assert only(compute_deadlines(filed, as_of=date(2026, 12, 10), ndas=[nda]),
                "vendor-nda-expiry").state == "met"
    expired = VendorNda("sz-pcba", "Shenzhen PCBA Co.", date(2025, 1, 1), date(2026, 2, 1))
    stale = only(compute_deadlines(shared, as_of=date(2026, 4, 1), ndas=[expired]),
                 "vendor-nda-expiry")
    assert stale.state == "lost" and "was not under NDA" in stale.note


# China: confidentiality examination before filing abroad ---------------------------------


def test_china_exam_lost_when_filed_abroad_without_clearance() -> None:
    events = [ev("provisional-filed", "2026-03-10")]
    rows = compute_deadlines(events, as_of=date(2026, 4, 1), completed_in_china=True)
    exam = only(rows, "cn-confidentiality-exam")
    assert exam.state == "lost"
    assert exam.basis == ev("provisional-filed", "2026-03-10")
    assert "cn-confidentiality-exam" not in rules_of(compute_deadlines(events, as_of=LATE))


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


def test_china_exam_dated_by_when_the_request_is_needed() -> None:
    events = [ev("public-disclosure", "2026-03-10")]
    rows = compute_deadlines(events, as_of=date(2026, 10, 1), completed_in_china=True)
    exam = only(rows, "cn-confidentiality-exam")
    # The US grace application is due Wed 2027-03-10; the 4-month period must end by then:
    # request by 2026-11-10 (2027-03-10 - 4 months), 40 days after as_of; 6 months: 2026-09-10
    assert (exam.due, exam.state) == (date(2026, 11, 10), "open")
    assert "2026-09-10" in exam.note and "4-month" in exam.note
    soon = only(compute_deadlines(events, as_of=date(2026, 10, 20), completed_in_china=True),
                "cn-confidentiality-exam")
    assert soon.state == "due-soon"


def test_china_exam_requested_then_filing_after_four_months() -> None:
    events = [ev("public-disclosure", "2026-03-10"),
              ev("confidentiality-exam-requested", "2026-10-01")]
    exam = only(compute_deadlines(events, as_of=date(2026, 10, 2), completed_in_china=True),
                "cn-confidentiality-exam")
    # requested 2026-10-01: free to file abroad from 2027-02-01 without a notice; the filing
    # itself is due Wed 2027-03-10
    assert exam.due == date(2027, 3, 10) and "2027-02-01" in exam.note
    in_time = [*events, ev("provisional-filed", "2027-02-15")]
    assert only(compute_deadlines(in_time, as_of=date(2027, 3, 1), completed_in_china=True),
                "cn-confidentiality-exam").state == "met"
    early = [*events, ev("provisional-filed", "2027-01-15")]
    assert only(compute_deadlines(early, as_of=date(2027, 3, 1), completed_in_china=True),
                "cn-confidentiality-exam").state == "lost"


def test_china_exam_open_and_undated_without_any_filing_deadline() -> None:
    rows = compute_deadlines([], as_of=date(2026, 1, 1), completed_in_china=True)
    exam = only(rows, "cn-confidentiality-exam")
    assert (exam.due, exam.state) == (None, "open")


def test_pct_filed_with_cnipa_is_not_a_filing_abroad() -> None:
    events = [ev("nonprovisional-filed", "2026-03-10", "CN"), ev("pct-filed", "2026-09-01",
                                                                 "CN")]
    exam = only(compute_deadlines(events, as_of=date(2026, 10, 1), completed_in_china=True),
                "cn-confidentiality-exam")
    assert exam.state != "lost"
    assert exam.basis is None or exam.basis.kind != "pct-filed" or "Requested" in exam.note


# US foreign filing licence, and the US-China conflict ------------------------------------------


def test_us_licence_six_months_or_a_licence_before_filing_abroad() -> None:
    us = ev("provisional-filed", "2026-03-10")
    early = [us, ev("nonprovisional-filed", "2026-06-01", "EP")]
    assert only(compute_deadlines(early, as_of=date(2026, 7, 1), made_in_us=True),
                "us-foreign-filing-licence").state == "lost"
    licensed = [*early, ev("foreign-filing-licence-granted", "2026-03-20")]
    assert only(compute_deadlines(licensed, as_of=date(2026, 7, 1), made_in_us=True),
                "us-foreign-filing-licence").state == "met"
    # 2026-03-10 + 6 months = 2026-09-10: filing abroad that day needs no licence
    waited = [us, ev("nonprovisional-filed", "2026-09-10", "EP")]
    assert only(compute_deadlines(waited, as_of=date(2026, 10, 1), made_in_us=True),
                "us-foreign-filing-licence").state == "met"
    pending = only(compute_deadlines([us], as_of=date(2026, 4, 1), made_in_us=True),
                   "us-foreign-filing-licence")
    assert (pending.due, pending.state) == (date(2026, 9, 10), "open")
    assert "us-foreign-filing-licence" not in rules_of(compute_deadlines([us], as_of=LATE))


def test_us_china_joint_invention_needs_both_clearances() -> None:
    show = [ev("public-disclosure", "2026-11-02", reference="trade show")]
    flags = {"made_in_us": True, "completed_in_china": True}
    rows = compute_deadlines(show, as_of=date(2026, 6, 1), **flags)
    # The first filing is due before the show (Mon 2026-11-02): the CN request 4 months
    # before, 2026-07-02; the US licence (nothing filed in the US yet) by the show itself
    exam = only(rows, "cn-confidentiality-exam")
    assert (exam.due, exam.state) == (date(2026, 7, 2), "open")
    licence = only(rows, "us-foreign-filing-licence")
    assert licence.due == date(2026, 11, 2) and "37 CFR 5.12(b)" in licence.note
    conflict = only(rows, "us-cn-filing-conflict")
    assert (conflict.due, conflict.state) == (date(2026, 7, 2), "open")
    assert "whichever office gets the first filing" in conflict.note
    # Filing the US provisional first without CNIPA's clearance loses the Chinese side
    us_first = [*show, ev("provisional-filed", "2026-10-01")]
    rows = compute_deadlines(us_first, as_of=date(2026, 10, 2), **flags)
    assert only(rows, "cn-confidentiality-exam").state == "lost"
    assert only(rows, "us-cn-filing-conflict").state == "lost"
    # The route that works: a US licence by petition, file in China and request the
    # examination, then file in the US 4 months later (2026-08-03 + 4 months = 2026-12-03)
    route = [*show, ev("foreign-filing-licence-granted", "2026-07-01"),
             ev("nonprovisional-filed", "2026-08-03", "CN"),
             ev("confidentiality-exam-requested", "2026-08-03"),
             ev("provisional-filed", "2026-12-04")]
    rows = compute_deadlines(route, as_of=date(2026, 12, 10), **flags)
    assert only(rows, "us-foreign-filing-licence").state == "met"
    assert only(rows, "cn-confidentiality-exam").state == "met"
    assert only(rows, "us-cn-filing-conflict").state == "met"


# German employee invention -----------------------------------------------------------------


def test_german_employee_invention_four_months_after_report() -> None:
    events = [ev("employee-invention-reported", "2026-10-31")]
    rows = compute_deadlines(events, as_of=date(2027, 2, 1), german_employee_invention=True)
    de = only(rows, "de-employee-invention")
    # 2026-10-31 + 4 months = 31 Feb 2027, which does not exist -> 2027-02-28 (a Sunday, not
    # shifted: BGB §193 is for counsel)
    assert de.due == date(2027, 2, 28)
    assert de.state == "due-soon"
    assert de.jurisdiction == "DE"


def test_german_employee_invention_only_when_marked() -> None:
    events = [ev("employee-invention-reported", "2026-10-31")]
    assert compute_deadlines(events, as_of=LATE) == []


def test_german_employee_invention_without_report_asks_for_the_date() -> None:
    rows = compute_deadlines([], as_of=LATE, german_employee_invention=True)
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


# Inputs the engine does not guess ----------------------------------------------------------


def test_a_filing_without_an_office_counts_for_none_and_asks_for_it() -> None:
    events = [ev("public-disclosure", "2026-03-10"), ev("nonprovisional-filed", "2026-09-01")]
    rows = compute_deadlines(events, as_of=date(2026, 10, 1))
    missing = only(rows, "record-office")
    assert missing.basis == events[1] and "names no office" in missing.note
    # It is not taken for a US application: the grace waits for one
    assert only(rows, "us-grace-period").state != "met"


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


# Every rule, no duplicated rows, docket, filters, JSON --------------------------------------


SCENARIOS: list[tuple[list[EventView], dict[str, object]]] = [
    ([ev("public-disclosure", "2026-03-10"), ev("offer-for-sale", "2026-01-10"),
      ev("provisional-filed", "2026-04-01", reference="P1"),
      ev("nonprovisional-filed", "2026-08-03", "JP"),
      ev("nonprovisional-filed", "2026-08-03", "CN"),
      ev("nonprovisional-filed", "2026-08-03", "EP"),
      ev("pct-filed", "2027-03-30", "US"), ev("nonpublication-requested", "2026-04-01"),
      ev("vendor-application-published", "2026-05-20"),
      ev("vendor-disclosure-nda", "2026-02-01", reference="v1"),
      ev("employee-invention-reported", "2026-02-01"),
      ev("nonprovisional-filed", "2026-09-01")],
     {"completed_in_china": True, "german_employee_invention": True, "made_in_us": True,
      "designated": ("US", "EP", "CN"),
      "ndas": [VendorNda("v1", "Vendor One", date(2026, 1, 1), date(2028, 1, 1))]}),
]


def test_every_rule_fires_in_the_scenarios_and_no_row_is_duplicated() -> None:
    fired: set[str] = set()
    for events, flags in SCENARIOS:
        for as_of in (date(2026, 6, 1), date(2027, 6, 1)):
            rows = compute_deadlines(events, as_of=as_of, **flags)  # type: ignore[arg-type]
            identities = [(r.rule, r.jurisdiction) for r in rows if r.rule != "record-office"]
            assert len(identities) == len(set(identities))
            assert {r.state for r in rows} <= set(DEADLINE_STATES)
            fired |= rules_of(rows)
    fired |= rules_of(compute_deadlines([ev("public-disclosure", "2026-03-10")],
                                        as_of=date(2026, 4, 1)))  # the utility-model rescue
    assert fired == {rule.key for rule in RULES}


def test_repeated_events_give_no_repeated_rows() -> None:
    events = [
        ev("public-disclosure", "2026-03-10"),
        ev("public-disclosure", "2026-03-10"),  # the same talk logged twice
        ev("provisional-filed", "2026-04-01"),
        ev("provisional-filed", "2026-04-01"),
        ev("pct-filed", "2027-03-30", "US"),
        ev("pct-filed", "2027-03-30", "US"),
    ]
    rows = compute_deadlines(events, as_of=date(2027, 6, 1), designated=("US", "EP"))
    identities = [(r.rule, r.jurisdiction, r.due) for r in rows]
    assert len(identities) == len(set(identities))


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
    # The utility-model rescue of FF-2026-0002 comes first: 2026-01-05 + 6 months = 2026-07-05
    assert (docket[0].disclosure, docket[0].deadline.due) == ("FF-2026-0002", date(2026, 7, 5))
    pairs = [(r.disclosure, r.deadline.rule, r.deadline.jurisdiction) for r in docket]
    assert len(pairs) == len(set(pairs))


def test_docket_refuses_the_same_disclosure_twice() -> None:
    item = DisclosureEvents("FF-2026-0001", (ev("public-disclosure", "2026-01-05"),))
    with pytest.raises(ValueError, match="twice"):
        compute_docket([item, item], as_of=LATE)


def test_docket_from_a_disclosure_view_takes_flags_and_offices() -> None:
    view = DisclosureView(
        key="FF-2026-0007",
        title="Sensor",
        status="draft",
        completed_in_china=True,
        made_in_us=True,
        jurisdictions="US, EP",
        events=(ev("provisional-filed", "2026-03-10"),),
    )
    item = DisclosureEvents.from_view(view)
    assert item.designated == ("US", "EP") and item.made_in_us
    docket = compute_docket([item], as_of=date(2026, 4, 1))
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
    # plain Deadline rows work too: US and JP are both due Wed 2027-03-10; the lost EP and CN
    # rows and the lost utility-model rescue (due 2026-09-10) never appear
    plain = compute_deadlines([ev("public-disclosure", "2026-03-10")], as_of=date(2027, 3, 1))
    assert [d.rule for d in due_within(plain, 30, as_of=date(2027, 3, 1))] == [
        "us-grace-period",
        "jp-grace-period",
    ]


def test_as_json_is_plain_and_serialisable() -> None:
    rows = compute_deadlines([ev("public-disclosure", "2026-03-13", reference="talk")],
                             as_of=date(2026, 4, 1))
    data = only(rows, "us-grace-period").as_json("FF-2026-0001")
    assert set(data) == {"disclosure", "rule", "jurisdiction", "due", "basis", "state", "note",
                         "source", "planned"}
    assert data["disclosure"] == "FF-2026-0001"
    assert data["due"] == "2027-03-15"  # Sat 2027-03-13 -> Mon 2027-03-15
    assert data["basis"]["date"] == "2026-03-13"
    assert data["basis"]["reference"] == "talk"
    assert data["planned"] is False
    assert "102(b)(1)" in data["source"]
    lost = only(rows, "ep-absolute-novelty").as_json("FF-2026-0001")
    assert lost["due"] is None and lost["state"] == "lost"
    assert json.loads(json.dumps([data, lost]))[0]["rule"] == "us-grace-period"


# Table and inputs ---------------------------------------------------------------------------


def test_every_rule_cites_a_source_and_has_a_title() -> None:
    keys = [rule.key for rule in RULES]
    assert len(keys) == len(set(keys))
    for rule in RULES:
        assert rule.source.strip() and rule.title.strip(), rule.key
        assert rule_title(rule.key) == rule.title
    assert rule_title("no-such-rule") == "no-such-rule"


def test_every_vocabulary_event_kind_is_accepted() -> None:
    events = [EventView(kind, date(2026, 1, 1), "US")
              for kind in (*EVENT_KINDS, *EXTRA_EVENT_KINDS)]
    compute_deadlines(events, as_of=LATE)  # raises on an unknown kind
    # Every kind the engine reads can be recorded: the vocabulary lists them all.
    assert set(EXTRA_EVENT_KINDS) <= set(EVENT_KINDS)


def test_unknown_event_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="publick-disclosure"):
        compute_deadlines([ev("publick-disclosure", "2026-03-10")], as_of=LATE)


def test_engine_imports_nothing_outside_the_domain_layer() -> None:
    code = (
        "import sys, firstfile.domain.deadlines\n"
        "bad = [m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'jinja2', 'docx', 'docxtpl',"
        " 'yaml', 'holidays') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # holidays is loaded on first use, not at import
    assert result.stdout.strip() == ""
