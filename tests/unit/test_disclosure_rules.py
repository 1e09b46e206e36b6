"""Rules of the disclosure itself: the contribution split offered for a new team, and the
inventors' total that a submitted disclosure must reach."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain.disclosure import (
    DisclosureDraft,
    InventorEntry,
    contribution_total,
    errors,
    even_split,
    validate,
)


def test_even_split_of_small_teams() -> None:
    assert even_split(0) == []
    assert even_split(-2) == []
    assert even_split(1) == [100.0]
    assert even_split(2) == [50.0, 50.0]
    assert even_split(3) == [34.0, 33.0, 33.0]
    assert even_split(7) == [15.0, 15.0, 14.0, 14.0, 14.0, 14.0, 14.0]


@given(st.integers(min_value=1, max_value=150))
def test_even_split_is_whole_fair_and_exact(count: int) -> None:
    shares = even_split(count)
    assert len(shares) == count
    assert sum(shares) == 100
    assert all(share == int(share) for share in shares)
    assert max(shares) - min(shares) <= 1
    assert shares == sorted(shares, reverse=True)  # the remainder goes to the first named


@given(st.integers(min_value=1, max_value=12))
def test_a_team_split_evenly_can_be_submitted(count: int) -> None:
    people = tuple(InventorEntry(f"p{i}", "inventor", share)
                   for i, share in enumerate(even_split(count)))
    assert contribution_total(people) == 100
    draft = DisclosureDraft(title="Pre-charge bypass through the balancing FETs",
                            summary="Skips the resistor.", status="submitted", inventors=people)
    assert not [p for p in errors(validate(draft)) if p.field.startswith("inventors")]


def _split_problems(*inventors: InventorEntry) -> list[str]:
    """The contribution problems a submitted draft naming inventors has."""
    draft = DisclosureDraft(title="Pre-charge bypass through the balancing FETs",
                            summary="Skips the resistor.", status="submitted",
                            inventors=inventors)
    return [p.message for p in errors(validate(draft)) if p.field == "inventors"]


def test_a_third_each_rounded_down_is_not_a_whole() -> None:
    # 33.3 x 3 = 99.9: a tenth of a percent short is a mistake to fix, not rounding.
    short = tuple(InventorEntry(key, "inventor", 33.3) for key in ("ana", "ben", "cy"))
    assert _split_problems(*short) == [
        "inventors' contributions total 99.9%, they must total 100%"]
    # Thirds written to two decimals add up to 100 within floating point: accepted.
    thirds = (InventorEntry("ana", "inventor", 33.34), InventorEntry("ben", "inventor", 33.33),
              InventorEntry("cy", "inventor", 33.33))
    assert _split_problems(*thirds) == []


def test_contributors_are_not_counted_in_the_inventors_hundred() -> None:
    team = (InventorEntry("ana", "inventor", 60), InventorEntry("ben", "inventor", 40),
            InventorEntry("cy", "contributor", 25))
    assert contribution_total(team) == 100
    assert _split_problems(*team) == []
    # And a contributor's share cannot make up for the inventors' missing part.
    short = (InventorEntry("ana", "inventor", 60), InventorEntry("cy", "contributor", 40))
    assert contribution_total(short) == 60
    assert _split_problems(*short) == [
        "inventors' contributions total 60%, they must total 100%"]
