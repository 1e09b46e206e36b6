"""The worked example of docs/RISK.md ("Where to file and where to outsource") as test data.

Every figure the tests check is worked out by hand in the test's comments from these inputs.
"""

from __future__ import annotations

from datetime import date

from firstfile.domain.jurisdictions import JurisdictionTable
from firstfile.domain.strategy_inputs import CompetitorPresence, Market, Site, StrategyInputs
from firstfile.services.jurisdiction_table import parse_table

# Scores on a 0-100 scale; DE's cost is in EUR at 0.8 EUR per USD (48,000 EUR = 60,000 USD).
TABLE_TEXT = """\
reviewed: 2026-06-01
scale: {name: Example index, low: 0, high: 100}
rates: {base: USD, date: 2026-06-01, source: Example rates, units_per_base: {EUR: 0.8}}
offices:
  - code: CN
    name: China
    enforceability: {score: 50, source: Example index, year: 2026}
    grace_period: {months: 0, source: CN Patent Law Art. 24, year: 2020}
    deadline_rules: [cn-absolute-novelty, cn-confidentiality-exam]
    cost_10y: {amount: 40000, currency: USD, source: Counsel, date: 2026-05-01}
  - code: US
    name: United States
    enforceability: {score: 90, source: Example index, year: 2026}
    grace_period: {months: 12, source: 35 USC 102(b)(1), year: 2011}
    deadline_rules: [us-grace-period]
    cost_10y: {amount: 50000, currency: USD, source: Counsel, date: 2026-05-01}
  - code: DE
    name: Germany
    enforceability: {score: 80, source: Example index, year: 2026}
    cost_10y: {amount: 48000, currency: EUR, source: Counsel, date: 2026-05-01}
  - code: JP
    name: Japan
    enforceability: {score: 80, source: Example index, year: 2026}
    cost_10y: {amount: 70000, currency: USD, source: Counsel, date: 2026-05-01}
  - code: TW
    name: Taiwan
    cost_10y: {amount: 30000, currency: USD, source: Counsel, date: 2026-05-01}
  - code: VN
    name: Viet Nam
    enforceability: {score: 45, source: Example index, year: 2026}
  - code: MX
    name: Mexico
    enforceability: {score: 60, source: Example index, year: 2026}
  - code: TH
    name: Thailand
    enforceability: {score: 55, source: Example index, year: 2026}
"""


def example_table() -> JurisdictionTable:
    table, problems, _ = parse_table(TABLE_TEXT, "example.yaml", today=date(2026, 6, 2))
    assert problems == [] and table is not None
    return table


# 200,000 USD a year, half of it at risk, weighed over 5 years; made in CN by one vendor.
EXAMPLE_INPUTS = StrategyInputs(
    subject="bms",
    annual_revenue=200_000,
    currency="USD",
    exposure=0.5,
    horizon_years=5,
    markets=(Market("US", 0.5), Market("DE", 0.2), Market("JP", 0.1), Market("TW", 0.1)),
    sites=(Site("CN", "made", "Huaxin PCBA"),),
    competitors=(CompetitorPresence("VN", "VoltCore Mobility"),),
)
