"""Priority claims as data: recorded, inferred, restored, and checked at the claiming office.

Calendar facts used below: 2027-03-13 Sat, 2027-03-15 Mon; 2026-11-25 Wed, 2027-11-25 Thu
(Thanksgiving), 2027-11-26 Fri; 2026-04-07 Tue (the EPO's first open day after Easter 2026:
Good Friday 3 Apr, Easter Monday 6 Apr); 2026-10-08 Thu (CNIPA's first open day after the
National Day holidays of 1-7 October 2026).
"""

from __future__ import annotations

from datetime import date

from firstfile.domain.filings import (
    add_months,
    filing_office,
    normalize_office,
    receiving_office,
    resolve_filings,
)
from firstfile.domain.views import EventView
from firstfile.services.office_closures import load_closures

SHIPPED = load_closures().table


def ev(kind: str, iso: str, jurisdiction: str = "", reference: str = "",
       claims: tuple[str, ...] = (), restored: bool = False) -> EventView:
    return EventView(kind=kind, date=date.fromisoformat(iso), jurisdiction=jurisdiction,
                     reference=reference, claims_priority_of=claims, restored=restored)


def test_offices_of_each_kind_of_filing() -> None:
    assert normalize_office(" epo ") == "EP" and normalize_office("IB") == "WO"
    pct = ev("pct-filed", "2026-01-01", "USPTO")
    assert (receiving_office(pct), filing_office(pct)) == ("US", "WO")
    provisional = ev("provisional-filed", "2026-01-01")
    assert (receiving_office(provisional), filing_office(provisional)) == ("US", "US")
    assert filing_office(ev("nonprovisional-filed", "2026-01-01")) == ""  # no office named


def test_a_claim_filed_on_the_monday_after_a_saturday_priority_year_end_holds() -> None:
    first = ev("provisional-filed", "2026-03-13", reference="63/100")
    pct = ev("pct-filed", "2027-03-15", "US", "PCT/US2027/1", claims=("63/100",))
    filings = resolve_filings([first, pct], SHIPPED)
    claim = filings[pct].claims[0]
    # 2026-03-13 + 12 months = Sat 2027-03-13; the USPTO (receiving office) reopens Mon 15
    assert claim.valid and claim.year_end == date(2027, 3, 15)
    # The priority date stays the provisional's own date, not the extended one
    assert filings[pct].priority_date == date(2026, 3, 13)


def test_a_claim_a_day_after_the_extended_year_does_not_hold() -> None:
    first = ev("provisional-filed", "2026-03-13", reference="63/100")
    pct = ev("pct-filed", "2027-03-16", "US", claims=("63/100",))
    filing = resolve_filings([first, pct], SHIPPED)[pct]
    assert not filing.claims[0].valid
    assert "restored: true" in filing.problem_words()
    assert filing.priority_date == date(2027, 3, 16)


def test_the_claiming_offices_holidays_decide() -> None:
    first = ev("provisional-filed", "2025-04-03", reference="63/200")
    # 2025-04-03 + 12 months = Good Friday 2026-04-03: the EPO reopens Tue 2026-04-07
    ep = ev("nonprovisional-filed", "2026-04-07", "EP", claims=("63/200",))
    assert resolve_filings([first, ep], SHIPPED)[ep].claims[0].valid
    # The same day at the USPTO is an ordinary Friday: a US filing on Tue 7 April is late
    us = ev("nonprovisional-filed", "2026-04-07", "US", claims=("63/200",))
    assert not resolve_filings([first, us], SHIPPED)[us].claims[0].valid
    # CNIPA: 2025-10-01 + 12 months = National Day 2026-10-01 -> open again Thu 8 October
    cn_first = ev("provisional-filed", "2025-10-01", reference="63/300")
    cn = ev("nonprovisional-filed", "2026-10-08", "CN", claims=("63/300",))
    assert resolve_filings([cn_first, cn], SHIPPED)[cn].claims[0].valid


def test_thanksgiving_extends_a_us_benefit_claim() -> None:
    provisional = ev("provisional-filed", "2026-11-25", reference="63/400")
    # 2026-11-25 + 12 months = Thu 2027-11-25, Thanksgiving -> Fri 2027-11-26
    nonprovisional = ev("nonprovisional-filed", "2027-11-26", "US", claims=("63/400",))
    claim = resolve_filings([provisional, nonprovisional])[nonprovisional].claims[0]
    assert claim.valid and claim.year_end == date(2027, 11, 26)


def test_restored_claim_up_to_fourteen_months() -> None:
    provisional = ev("provisional-filed", "2026-01-15", reference="63/500")
    # 2026-01-15 + 14 months = Mon 2027-03-15: the last day a restored claim can be made
    restored = ev("pct-filed", "2027-02-10", "US", claims=("63/500",), restored=True)
    filing = resolve_filings([provisional, restored])[restored]
    assert filing.claims[0].valid and filing.claims[0].restored
    assert filing.priority_date == date(2026, 1, 15)
    assert "restored on petition" in filing.claim_words()
    too_late = ev("pct-filed", "2027-03-16", "US", claims=("63/500",), restored=True)
    late = resolve_filings([provisional, too_late])[too_late]
    assert not late.claims[0].valid and "14 months" in late.problem_words()


def test_a_claim_is_inferred_only_when_none_is_recorded_and_then_says_so() -> None:
    provisional = ev("provisional-filed", "2026-02-02", reference="63/600")
    other = ev("provisional-filed", "2026-05-05", reference="63/601")
    inferred = ev("pct-filed", "2027-02-01", "US")
    filing = resolve_filings([provisional, other, inferred])[inferred]
    assert [c.claimed for c in filing.valid_claims] == [provisional, other]
    assert all(c.inferred for c in filing.claims)
    assert "claim inferred" in filing.priority_words()
    # Recorded: only what the user names counts
    named = ev("pct-filed", "2027-02-01", "US", claims=("63/601",))
    recorded = resolve_filings([provisional, other, named])[named]
    assert recorded.priority_date == date(2026, 5, 5)
    assert not any(c.inferred for c in recorded.claims)


def test_a_claim_to_an_unknown_or_later_filing_does_not_hold() -> None:
    unknown = ev("nonprovisional-filed", "2026-06-01", "EP", claims=("EP-404",))
    filing = resolve_filings([unknown])[unknown]
    assert not filing.claims[0].valid and "names no recorded filing" in filing.problem_words()
    later = ev("nonprovisional-filed", "2026-09-01", "US", "US-2")
    early = ev("nonprovisional-filed", "2026-06-01", "EP", claims=("US-2",))
    assert "later filing" in resolve_filings([early, later])[early].problem_words()


def test_a_provisional_claims_nothing_and_add_months_clamps() -> None:
    provisional = ev("provisional-filed", "2026-03-01", claims=("x",))
    assert resolve_filings([provisional])[provisional].claims == ()
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
