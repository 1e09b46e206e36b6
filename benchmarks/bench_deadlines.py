"""Time the deadline engine on a docket of N disclosures, and its unit tests.

- docket: `domain.deadlines.compute_docket` over N disclosures of a typical mix (a disclosure,
  a provisional, a PCT claiming it, three designated offices; every fifth one made in the US
  and China, every seventh with a planned trade show), with the shipped closure table. The
  median and best of --repeat runs are reported as milliseconds per disclosure.
- tests: the engine's unit tests (tests/unit/test_deadlines.py, test_filings.py and
  test_office_calendars.py) run by pytest in a fresh process; pytest's own "passed in" time is
  reported, which includes importing holidays and hypothesis.

Not part of the test run. Run: python benchmarks/bench_deadlines.py [--count 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from firstfile.domain.deadlines import DisclosureEvents, compute_docket  # noqa: E402
from firstfile.domain.views import EventView  # noqa: E402
from firstfile.services.office_closures import load_closures  # noqa: E402

TESTS = ["tests/unit/test_deadlines.py", "tests/unit/test_filings.py",
         "tests/unit/test_office_calendars.py"]


def portfolio(count: int) -> list[DisclosureEvents]:
    """count disclosures spread over three years of dates."""
    items = []
    for n in range(count):
        start = date(2025, 1, 6) + timedelta(days=n % 1000)
        events = [
            EventView("public-disclosure", start),
            EventView("provisional-filed", start + timedelta(days=20), "US", f"63/{n}"),
            EventView("pct-filed", start + timedelta(days=380), "US", f"PCT/{n}",
                      claims_priority_of=(f"63/{n}",)),
        ]
        if n % 7 == 0:
            events.append(EventView("public-disclosure", start + timedelta(days=900)))
        joint = n % 5 == 0
        items.append(DisclosureEvents(f"FF-2026-{n + 1:05d}", tuple(events),
                                      completed_in_china=joint, made_in_us=joint,
                                      designated=("US", "EP", "CN")))
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    closures = load_closures().table
    items = portfolio(args.count)
    as_of = date(2026, 6, 1)
    compute_docket(items[:10], as_of=as_of, closures=closures)  # warm-up: imports, calendars
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows = compute_docket(items, as_of=as_of, closures=closures)
        runs.append((time.perf_counter() - started) * 1000 / args.count)
    print(f"docket of {args.count} disclosures ({len(rows)} rows): median "
          f"{statistics.median(runs):.3f} ms, best {min(runs):.3f} ms per disclosure")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             *TESTS], cwd=ROOT, capture_output=True, text=True)
    found = re.search(r"(\d+) passed.* in ([\d.]+)s", result.stdout)
    if found is None:
        print(result.stdout[-2000:])
        return 1
    print(f"engine unit tests: {found.group(1)} passed in {found.group(2)} s (pytest's time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
