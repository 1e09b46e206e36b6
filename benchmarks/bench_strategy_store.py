"""Time a tracer lookup and the filing strategy as the CLI runs them: through the services, on a
real database.

bench_strategy.py times the pure domain code; this times what a user waits for.

- Lookup: 10,000 tracers in the register (3,334 components x the sample engagement's 3
  vendors, inserted in one transaction with codes derived under the database's secret), then
  1,000 `services.tracers.lookup_code` calls: 60% our codes typed in lower case without hyphens,
  20% well-formed codes never issued, 20% with one symbol mistyped. Floor, alternated with it:
  a read unit of work that selects the id of the row with that code (the same index probe,
  without parsing, the HMAC or building the result).
- Strategy: `services.strategy.compute_strategy` for the sample BMS engagement (its recorded
  markets, exposure from its components, the docket for its disclosures, reading the
  jurisdiction table file), with the illustrative table of docs/examples so costs are known,
  with and without a budget. Floor: the domain's `assess` on the same inputs.

Targets (docs/PERFORMANCE.md): a lookup under 10 ms with 10,000 markers; the strategy under
100 ms. Judged on the 95th percentile; exits with status 1 when one is missed.

Run: python benchmarks/bench_strategy_store.py [--db URL_OR_PATH] [--lookups 1000]
                                                [--repeat 50] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_strategy import summary, timed  # noqa: E402
from sqlalchemy import select  # noqa: E402

from firstfile.domain.tracers import (  # noqa: E402
    TRACER_KINDS,
    TracerIssue,
    format_code,
    issue_tracer,
    new_secret,
    parse_code,
)
from firstfile.interchange.reader import read_document  # noqa: E402
from firstfile.resources import sample_sessions  # noqa: E402
from firstfile.services import strategy, tracers  # noqa: E402
from firstfile.services.importer import import_document  # noqa: E402
from firstfile.storage import tracer_queries  # noqa: E402
from firstfile.storage.engine import Store, open_store  # noqa: E402
from firstfile.storage.strategy_queries import vendor_sites  # noqa: E402
from firstfile.storage.tables import Engagement, Tracer, Vendor  # noqa: E402

LOOKUP_TARGET_MS = 10.0
STRATEGY_TARGET_MS = 100.0
BMS = "bms48-shenzhen"
DAY = date(2026, 11, 30)
ILLUSTRATIVE = ROOT / "docs" / "examples" / "illustrative-jurisdictions"


def seed(store: Store, markers: int) -> list[str]:
    """The samples, and markers tracers on the BMS engagement; their codes."""
    for path in sorted(sample_sessions().glob("*.yaml")):
        import_document(store, read_document(path), actor="bench")
    codes: list[str] = []
    with store.write() as db:
        secret, _ = tracer_queries.ensure_tracer_secret(db=db, secret=new_secret())
        engagement = db.execute(select(Engagement).where(Engagement.key == BMS)).scalar_one()
        vendors = list(
            db.execute(
                select(Vendor.key, Vendor.id).where(
                    Vendor.key.in_(["huaxin-pcba", "tamsui-embedded", "gd-battery-lab"])  # type: ignore[attr-defined]
                )
            )
        )
        kinds = [k for k in TRACER_KINDS if k != "document-canary"]
        for n in range(-(-markers // len(vendors))):
            for vendor_key, vendor_id in vendors:
                issue = TracerIssue(BMS, f"component-{n}", vendor_key, DAY, kinds[n % 4])
                tracer = issue_tracer(secret, issue)
                db.add(
                    Tracer(
                        engagement_id=engagement.id,
                        vendor_id=vendor_id,
                        component=tracer.component,
                        kind=tracer.kind,
                        issued_on=tracer.issued_on,
                        code=tracer.code,
                    )
                )
                codes.append(tracer.code)
    return codes


def bench_lookup(store: Store, codes: list[str], lookups: int) -> dict[str, object]:
    rng = random.Random(7)
    probes: list[str] = []
    for _ in range(lookups):
        choice, code = rng.random(), rng.choice(codes)
        if choice < 0.6:
            probes.append(code.replace("-", "").lower())
        elif choice < 0.8:
            probes.append(format_code(parse_code(code) ^ 0x5A5A))
        else:
            body = code.replace("-", "")
            probes.append(body[:3] + ("0" if body[3] != "0" else "1") + body[4:])
    statuses: dict[str, int] = {}
    works, floors = [], []
    for index, probe in enumerate(probes):

        def work(code: str = probe) -> None:
            status = tracers.lookup_code(store, code).status
            statuses[status] = statuses.get(status, 0) + 1

        def floor(code: str = probe) -> None:
            with store.read() as db:
                db.execute(select(Tracer.id).where(Tracer.code == code)).first()

        if index % 2:
            floors.append(timed(floor))
            works.append(timed(work))
        else:
            works.append(timed(work))
            floors.append(timed(floor))
    return {
        "lookup_ms": summary(works),
        "index_probe_floor_ms": summary(floors),
        "statuses": statuses,
    }


def bench_strategy(store: Store, repeat: int) -> dict[str, object]:
    from firstfile.analysis.budget_solver import solve_knapsack
    from firstfile.domain.filing_strategy import assess
    from firstfile.domain.strategy_inputs import StrategyInputs, sites_from_vendors

    report = strategy.compute_strategy(store, BMS, templates_dir=ILLUSTRATIVE, budget=200_000)
    table = strategy.jurisdiction_table(ILLUSTRATIVE).table
    assert table is not None
    with store.read() as db:
        engagement = db.execute(select(Engagement).where(Engagement.key == BMS)).scalar_one()
        sites = sites_from_vendors(vendor_sites(db=db, engagement=engagement))
    record = report.inputs
    inputs = StrategyInputs(
        subject=BMS,
        annual_revenue=record.annual_revenue,
        currency=record.currency,
        exposure=report.exposure.combined,
        horizon_years=record.horizon_years,
        markets=record.markets,
        sites=sites,
        competitors=record.competitors,
        budget=200_000,
    )
    assert assess(inputs, table, solve=solve_knapsack).filing_set == report.strategy.filing_set
    with_budget = [
        timed(
            lambda: strategy.compute_strategy(
                store, BMS, templates_dir=ILLUSTRATIVE, budget=200_000
            )
        )
        for _ in range(repeat)
    ]
    without = [
        timed(lambda: strategy.compute_strategy(store, BMS, templates_dir=ILLUSTRATIVE))
        for _ in range(repeat)
    ]
    floor = [timed(lambda: assess(inputs, table, solve=solve_knapsack)) for _ in range(repeat)]
    return {
        "countries": len(report.strategy.countries),
        "service_with_budget_ms": summary(with_budget),
        "service_without_budget_ms": summary(without),
        "domain_assess_floor_ms": summary(floor),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database URL or SQLite path (default: a new temp file)")
    parser.add_argument("--markers", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(args.db or str(Path(folder) / "bench.db"))
        try:
            load_before = os.getloadavg()[0]
            codes = seed(store, args.markers)
            lookup = bench_lookup(store, codes, args.lookups)
            computed = bench_strategy(store, args.repeat)
            load_after = os.getloadavg()[0]
        finally:
            store.dispose()
    report = {
        "dialect": store.dialect,
        "markers": len(codes),
        "load_before": load_before,
        "load_after": load_after,
        "lookup": lookup,
        "strategy": computed,
    }
    print(json.dumps(report, indent=2))
    lookup_ms = lookup["lookup_ms"]["p95"]  # type: ignore[index]
    strategy_ms = computed["service_with_budget_ms"]["p95"]  # type: ignore[index]
    ok = lookup_ms < LOOKUP_TARGET_MS and strategy_ms < STRATEGY_TARGET_MS
    print(
        f"lookup among {len(codes):,} ({store.dialect}): p95 {lookup_ms:.2f} ms (target < "
        f"{LOOKUP_TARGET_MS:.0f}); strategy through the service, with a budget: p95 "
        f"{strategy_ms:.1f} ms (target < {STRATEGY_TARGET_MS:.0f}): "
        f"{'pass' if ok else 'MISSED'}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
