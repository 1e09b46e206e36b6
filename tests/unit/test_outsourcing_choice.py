"""Where to outsource: enforceability against the user's cost index, ranked by hand."""

from __future__ import annotations

import json

import pytest

from firstfile.domain.outsourcing_choice import OutsourcingCandidate, compare_outsourcing
from firstfile.domain.strategy_inputs import StrategyInputError
from tests.unit.strategy_samples import example_table

TABLE = example_table()
CANDIDATES = [
    OutsourcingCandidate("VN", 55),  # score 45
    OutsourcingCandidate("CN", 60),  # score 50
    OutsourcingCandidate("MX", 80),  # score 60
    OutsourcingCandidate("DE", 150),  # score 80
    OutsourcingCandidate("TH", 85),  # score 55: MX is cheaper and more enforceable
    OutsourcingCandidate("TW", 58),  # no cited score
]


def test_the_ranking_worked_by_hand() -> None:
    result = compare_outsourcing(CANDIDATES, TABLE)
    # Enforceability per relative cost (cheapest index 55):
    #   CN 0.50 / (60/55) = 0.458, VN 0.45 / 1 = 0.450, MX 0.60 / (80/55) = 0.4125,
    #   DE 0.80 / (150/55) = 0.293; TH (0.55 / (85/55) = 0.356) is beaten by MX, so after.
    assert [(o.code, o.rank, o.frontier) for o in result.options] == [
        ("CN", 1, True),
        ("VN", 2, True),
        ("MX", 3, True),
        ("DE", 4, True),
        ("TH", 5, False),
        ("TW", None, False),
    ]
    th = result.options[4]
    assert th.dominated_by == ("MX",)
    assert th.reason.startswith("Beaten by MX: cheaper or as cheap, and at least as enforceable.")
    cn = result.options[0]
    assert cn.relative_cost == pytest.approx(60 / 55) and cn.score == pytest.approx(50)
    assert cn.enforceability_source == "Example index (2026)"
    assert result.options[-1].reason.startswith(
        "The jurisdiction table has no cited enforceability for TW"
    )


def test_the_trade_offs_along_the_frontier() -> None:
    result = compare_outsourcing(CANDIDATES, TABLE)
    # Cheapest first: VN 55 -> CN 60 is 9% more for 5 points; CN -> MX 33% for 10;
    # MX -> DE 88% for 20.
    assert result.trade_offs == (
        "CN instead of VN: 9% more cost for 5.00 points more enforceability.",
        "MX instead of CN: 33% more cost for 10.00 points more enforceability.",
        "DE instead of MX: 88% more cost for 20.00 points more enforceability.",
    )
    assert json.loads(json.dumps(result.as_json()))["options"][0]["code"] == "CN"


def test_a_users_own_score_moves_a_country() -> None:
    result = compare_outsourcing(CANDIDATES, TABLE, scores=[("TH", 70)])
    th = next(o for o in result.options if o.code == "TH")
    assert th.frontier and th.enforceability_source == "entered by the user"


def test_bad_candidates_are_refused() -> None:
    with pytest.raises(StrategyInputError) as caught:
        compare_outsourcing(
            [
                OutsourcingCandidate("EP", 10),
                OutsourcingCandidate("CN", 0),
                OutsourcingCandidate("CN", 5),
            ],
            TABLE,
            scores=[("CN", 101)],
        )
    problems = caught.value.problems
    assert problems[0] == (
        "candidate: EP is a patent office, not a country: a vendor works in a country"
    )
    assert "candidate CN: the cost index must be above 0, not 0" in problems
    assert "candidate CN is listed twice" in problems
    assert problems[-1].startswith("enforceability for CN: 101 is outside the table's scale")
