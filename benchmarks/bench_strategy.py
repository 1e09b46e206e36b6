"""Time the filing strategy for 40 countries and the tracer lookup among 10,000 markers.

Targets (docs/PERFORMANCE.md): the strategy for 40 countries, budgeted set included, under
100 ms; a tracer lookup under 10 ms with 10,000 markers in the register.

- Strategy: a jurisdiction table of 45 offices (scores, costs in three currencies) and inputs
  naming 40 countries (3 where the product is made or designed, 35 markets, 2 competitor
  countries). `assess` without a budget, with a budget (scipy's MILP chooses among about 30
  recommended countries), a what-if on one country's enforceability, and the where-to-outsource
  comparison of 40 candidates. The solver's first call (importing scipy) is timed once, apart.
  Floor, alternated with it: the bare formula over the same 40 countries in a loop.
- Tracers: 10,000 tracers issued for 2,500 components x 4 vendors, the register indexed once,
  then 1,000 lookups: codes of ours typed in lower case without hyphens, codes with a valid
  check symbol we never issued, and mistyped codes. Floor, alternated: `dict.get` on the
  formatted code.

Medians, 95th percentiles and maxima in milliseconds; the machine's load average before and
after. It exits with status 1 when a target is missed (judged on the 95th percentile).

Run: python benchmarks/bench_strategy.py [--repeat 200] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from firstfile.domain.country_codes import ISO_3166_ALPHA_2  # noqa: E402
from firstfile.domain.filing_strategy import assess  # noqa: E402
from firstfile.domain.jurisdictions import (  # noqa: E402
    EnforceabilityScore,
    ExchangeRates,
    FilingCost,
    Jurisdiction,
    JurisdictionTable,
    Scale,
)
from firstfile.domain.outsourcing_choice import (  # noqa: E402
    OutsourcingCandidate,
    compare_outsourcing,
)
from firstfile.domain.strategy_inputs import (  # noqa: E402
    CompetitorPresence,
    Market,
    Site,
    StrategyInputs,
)
from firstfile.domain.tracers import (  # noqa: E402
    TRACER_KINDS,
    TracerIssue,
    TracerRegister,
    format_code,
    issue_tracer,
    lookup,
    marker_value,
    new_secret,
)
from firstfile.domain.what_if import ENFORCEABILITY, Change, what_if  # noqa: E402

STRATEGY_TARGET_MS = 100.0
LOOKUP_TARGET_MS = 10.0
DAY = date(2026, 11, 30)


def build_table(rng: random.Random, codes: list[str]) -> JurisdictionTable:
    rates = ExchangeRates("USD", DAY, "bench", (("EUR", 0.9), ("JPY", 150.0)))
    offices = []
    for code in codes:
        currency = rng.choice(["USD", "EUR", "JPY"])
        amount = rng.uniform(15_000, 120_000) * (rates.rate(currency) or 1.0)
        offices.append(
            Jurisdiction(
                code=code,
                name=f"Country {code}",
                enforceability=EnforceabilityScore(rng.uniform(20, 95), "bench index", 2026),
                cost_10y=FilingCost(amount, currency, "bench counsel", DAY),
            )
        )
    return JurisdictionTable(DAY, Scale("bench index", 0, 100), rates, tuple(offices))


def build_inputs(rng: random.Random, codes: list[str]) -> StrategyInputs:
    sites = tuple(Site(code, "made", f"vendor-{i}") for i, code in enumerate(codes[:3]))
    shares = [rng.random() for _ in codes[3:38]]
    total = sum(shares)
    markets = tuple(
        Market(code, share / total) for code, share in zip(codes[3:38], shares, strict=True)
    )
    competitors = tuple(CompetitorPresence(code, f"competitor-{code}") for code in codes[38:40])
    return StrategyInputs(
        subject="bench",
        annual_revenue=20_000_000,
        currency="USD",
        exposure=0.6,
        horizon_years=12,
        markets=markets,
        sites=sites,
        competitors=competitors,
        budget=900_000,
    )


def bare_formula(inputs: StrategyInputs, table: JurisdictionTable) -> float:
    """The floor: value minus cost of every market, nothing else."""
    total = 0.0
    for market in inputs.markets:
        office = table.get(market.code)
        assert office is not None and office.cost_10y is not None
        e = table.enforceability(market.code) or 0.0
        cost = table.rates.convert(office.cost_10y.amount, office.cost_10y.currency, "USD")
        total += 20_000_000 * 12 * market.revenue_share * 0.6 * e - cost * 1.2
    return total


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def alternate(
    work: Callable[[], object], floor: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Times of work and of floor, taken in turns (which goes first alternates too)."""
    works, floors = [], []
    for index in range(repeat):
        if index % 2:
            floors.append(timed(floor))
            works.append(timed(work))
        else:
            works.append(timed(work))
            floors.append(timed(floor))
    return works, floors


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[int(len(ordered) * 0.95) - 1],
        "max": ordered[-1],
    }


def bench_strategy(repeat: int) -> dict[str, object]:
    from firstfile.analysis.budget_solver import solve_knapsack

    rng = random.Random(12)
    codes = rng.sample(sorted(ISO_3166_ALPHA_2), 45)
    table = build_table(rng, codes)
    inputs = build_inputs(rng, codes)
    first_solve = timed(lambda: assess(inputs, table, solve=solve_knapsack))
    budgeted, floor = alternate(
        lambda: assess(inputs, table, solve=solve_knapsack),
        lambda: bare_formula(inputs, table),
        repeat,
    )
    unbudgeted = [timed(lambda: assess(budget_free(inputs), table)) for _ in range(repeat)]
    change = Change(ENFORCEABILITY, 30, inputs.markets[0].code)
    whatif = [
        timed(lambda: what_if(inputs, table, change, solve=solve_knapsack))
        for _ in range(max(10, repeat // 4))
    ]
    candidates = [OutsourcingCandidate(code, rng.uniform(40, 200)) for code in codes[:40]]
    outsourcing = [timed(lambda: compare_outsourcing(candidates, table)) for _ in range(repeat)]
    strategy = assess(inputs, table, solve=solve_knapsack)
    assert strategy.budgeted is not None
    return {
        "countries": len(strategy.countries),
        "recommended": len(strategy.recommended),
        "budget_candidates": len(strategy.budgeted.chosen) + len(strategy.budgeted.left_out),
        "first_budgeted_call_ms": first_solve,
        "strategy_with_budget_ms": summary(budgeted),
        "strategy_without_budget_ms": summary(unbudgeted),
        "bare_formula_floor_ms": summary(floor),
        "what_if_with_budget_ms": summary(whatif),
        "where_to_outsource_40_ms": summary(outsourcing),
    }


def budget_free(inputs: StrategyInputs) -> StrategyInputs:
    from dataclasses import replace

    return replace(inputs, budget=None)


def bench_tracers(count: int, lookups: int) -> dict[str, object]:
    rng = random.Random(7)
    secret = new_secret()
    vendors = ["huaxin-pcba", "tamsui-embedded", "bayan-ems", "tlaquepaque-ems"]
    kinds = list(TRACER_KINDS)
    start = time.perf_counter()
    tracers = [
        issue_tracer(secret, TracerIssue("bench", f"component-{n}", vendor, DAY, kinds[n % 5]))
        for n in range(count // len(vendors))
        for vendor in vendors
    ]
    issue_ms = (time.perf_counter() - start) * 1000
    build_ms = timed(lambda: TracerRegister(tracers))
    register = TracerRegister(tracers)
    plain = {t.code: t for t in tracers}
    probes: list[str] = []
    for _ in range(lookups):
        choice = rng.random()
        tracer = rng.choice(tracers)
        if choice < 0.6:  # ours, typed by hand
            probes.append(tracer.code.replace("-", "").lower())
        elif choice < 0.8:  # well formed, never issued
            probes.append(format_code(marker_value(secret, tracer.issue) ^ 0x5A5A))
        else:  # one symbol mistyped
            body = tracer.code.replace("-", "")
            swap = "0" if body[3] != "0" else "1"
            probes.append(body[:3] + swap + body[4:])
    statuses: dict[str, int] = {}
    works, floors = [], []
    for index, probe in enumerate(probes):

        def work(code: str = probe) -> None:
            result = lookup(code, register, secret)
            statuses[result.status] = statuses.get(result.status, 0) + 1

        def floor(code: str = probe) -> None:
            plain.get(code)

        pair = (work, floor) if index % 2 == 0 else (floor, work)
        first, second = timed(pair[0]), timed(pair[1])
        works.append(first if index % 2 == 0 else second)
        floors.append(second if index % 2 == 0 else first)
    return {
        "markers": len(register),
        "issue_all_ms": issue_ms,
        "index_register_ms": build_ms,
        "lookup_ms": summary(works),
        "dict_get_floor_ms": summary(floors),
        "statuses": statuses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--markers", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    load_before = os.getloadavg()
    strategy = bench_strategy(args.repeat)
    tracers = bench_tracers(args.markers, args.lookups)
    load_after = os.getloadavg()
    report = {
        "load_before": load_before[0],
        "load_after": load_after[0],
        "strategy": strategy,
        "tracers": tracers,
    }
    print(json.dumps(report, indent=2))
    # Judged on the 95th percentile: on a shared 2-core machine a single sample can be held up
    # by the scheduler for milliseconds (the dict.get floor shows the same maxima).
    strategy_ms = strategy["strategy_with_budget_ms"]["p95"]  # type: ignore[index]
    lookup_ms = tracers["lookup_ms"]["p95"]  # type: ignore[index]
    ok = strategy_ms < STRATEGY_TARGET_MS and lookup_ms < LOOKUP_TARGET_MS
    print(
        f"strategy, 40 countries with budget: p95 {strategy_ms:.2f} ms "
        f"(target < {STRATEGY_TARGET_MS:.0f}); tracer lookup among {tracers['markers']:,}: "
        f"p95 {lookup_ms:.3f} ms (target < {LOOKUP_TARGET_MS:.0f}): "
        f"{'pass' if ok else 'MISSED'}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
