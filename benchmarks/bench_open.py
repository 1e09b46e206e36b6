"""What checking a database's pages costs against opening it, at a given size.

On a copy of DB (the original is left alone; seed one with benchmarks/seed.py), alternately:

- open: `open_store` as a command does it (the read-only look, WAL and pragmas, the revision
  check), on a file closed cleanly: for a file over FULL_CHECK_UP_TO the page check is left
  for later, so this is what a command pays;
- quick_check: `PRAGMA quick_check` over the whole file on a read-only connection, what
  opening adds for a small file or one not closed cleanly, and what the TUI runs later;
- command: a whole `firstfile search WORD --limit 1` in a fresh process (interpreter,
  imports, open, query), for the scale of a start-up.

Medians of --repeat runs each. Not part of the test run.

Run: python benchmarks/bench_open.py DB [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from firstfile.storage.engine import open_store  # noqa: E402
from firstfile.storage.inspection import FULL_CHECK_UP_TO, check_pages  # noqa: E402


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.db"
        shutil.copyfile(args.db, path)
        os.chmod(path, 0o600)
        open_store(str(path)).dispose()  # migrated and analysed before anything is timed

        def opened() -> None:
            open_store(str(path)).dispose()

        def command() -> None:
            subprocess.run([sys.executable, "-m", "firstfile", "search", "voltage",
                            "--limit", "1", "--db", str(path)],
                           check=True, capture_output=True)

        runs: dict[str, list[float]] = {"open": [], "quick_check": [], "command": []}
        steps: list[tuple[str, Callable[[], object]]] = [
            ("open", opened), ("quick_check", lambda: check_pages(path)), ("command", command)]
        for index in range(args.repeat):
            order = steps if index % 2 == 0 else list(reversed(steps))
            for name, run in order:
                runs[name].append(timed(run))
        size = path.stat().st_size
    where = "over" if size > FULL_CHECK_UP_TO else "within"
    print(f"{args.db.name}: {size / 1024 / 1024:.0f} MB ({where} "
          f"the {FULL_CHECK_UP_TO // 1024 // 1024} MB checked at every open), "
          f"{args.repeat} alternating runs, median (min-max)")
    for name, values in runs.items():
        print(f"  {name:12} {statistics.median(values) * 1000:8.0f} ms "
              f"({min(values) * 1000:.0f}-{max(values) * 1000:.0f})")
    print(f"  quick_check / command = "
          f"{statistics.median(runs['quick_check']) / statistics.median(runs['command']):.2f}")
    print(f"  load average: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
