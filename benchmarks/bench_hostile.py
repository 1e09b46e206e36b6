"""Time how fast hostile interchange files are refused, against reading a good file.

Three files the reader must turn away without doing the work they ask for: an alias bomb
("billion laughs", 9**9 values if expanded), 100,000 nested flow brackets, and a 50 MB sparse
file (refused by its size, never read). The baseline, alternated with each in the same process,
is reading the shipped sample engagement. Medians of --repeat runs. tests/unit/
test_interchange_hostile.py checks that they are refused, and that no alias was expanded and
the big file never read; these figures used to be asserted there against the clock.

Run: python benchmarks/bench_hostile.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from firstfile.interchange import InterchangeError, read_document  # noqa: E402
from firstfile.interchange.nodes import MAX_FILE_BYTES  # noqa: E402
from firstfile.interchange.reader import parse_document  # noqa: E402
from firstfile.resources import sample_sessions  # noqa: E402
from tests.unit.interchange_cases import BASE  # noqa: E402
from tests.unit.test_interchange_hostile import BILLION_LAUGHS  # noqa: E402


def refused(work: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except InterchangeError:
            return
        raise AssertionError("a hostile file was accepted")

    return run


def median_ms(work: Callable[[], object], baseline: Callable[[], object],
              repeat: int) -> tuple[float, float]:
    """Median milliseconds of work and of baseline, alternated."""
    ours, base = [], []
    for number in range(repeat):
        for which, into in ((work, ours), (baseline, base))[:: 1 if number % 2 else -1]:
            started = time.perf_counter()
            which()
            into.append((time.perf_counter() - started) * 1000)
    return statistics.median(ours), statistics.median(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sample = sorted(sample_sessions().glob("*.yaml"))[0]
    big = Path(tempfile.mkdtemp(prefix="firstfile-bench-")) / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    deep = BASE + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n"
    cases = {
        "billion laughs": refused(lambda: parse_document(BILLION_LAUGHS, "acme.yaml")),
        "deep flow nesting": refused(lambda: parse_document(deep, "acme.yaml")),
        "50 MB file": refused(lambda: read_document(big)),
    }
    print(f"refusing hostile files against reading {sample.name} "
          f"({sample.stat().st_size:,} bytes), medians of {args.repeat}")
    for name, work in cases.items():
        ours, base = median_ms(work, lambda: read_document(sample), args.repeat)
        print(f"  {name:18} {ours:8.2f} ms   good file {base:7.2f} ms   {ours / base:6.2f}x")


if __name__ == "__main__":
    main()
