"""How long another writer waits while a long import runs, with and without write groups.

    python benchmarks/bench_import_lock.py [--disclosures 2000] [--group-size 25] [--json F]

A fresh SQLite database; a second writer process (the prober) writes one audit row every
0.25 s, in its own write unit of work as the app does, and reports how long each write
waited for the lock. Meanwhile `firstfile import` loads a file of N disclosures: as it does
by default (groups written as many to a transaction as fit in its turn with the lock), with
the given group size (one transaction per group), then as one single group (one transaction
for the whole file, as imports were written before groups). Each import goes into its own
fresh database. The
figures: the import's wall and CPU time, and the prober's waits (count, median, 95th percentile,
maximum, and how many gave up after the 30 s busy timeout).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from firstfile.storage.engine import open_store  # noqa: E402
from tests.integration.big_files import write_big_file  # noqa: E402

PROBER = """
import json, sys, time
from sqlalchemy.exc import OperationalError
from firstfile.storage import audit
from firstfile.storage.engine import open_store

store = open_store(sys.argv[1])
stop = sys.argv[2]
print("ready", flush=True)
import os
while not os.path.exists(stop):
    asked = time.monotonic()
    try:
        with store.write() as db:
            audit.record(db=db, actor="probe", entity="probe", entity_key="probe",
                         action="probe")
            db.flush()  # BEGIN IMMEDIATE: the wait for the write lock happens here
            waited = time.monotonic() - asked
    except OperationalError:
        waited = None  # gave up after the busy timeout
    print(json.dumps(waited), flush=True)
    time.sleep(0.25)
store.dispose()
"""


def run_once(file: Path, workdir: Path, group_size: int | None) -> dict[str, object]:
    """One import of file into a fresh database with a prober running beside it (group_size
    None: the import's default)."""
    db = workdir / f"lock-{group_size}.db"
    open_store(str(db)).dispose()
    stop = workdir / f"stop-{group_size}"
    prober = subprocess.Popen([sys.executable, "-c", PROBER, str(db), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    assert prober.stdout is not None
    assert prober.stdout.readline() == "ready\n"
    started = time.monotonic()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sized = ["--group-size", str(group_size)] if group_size is not None else []
    result = subprocess.run(
        [sys.executable, "-m", "firstfile", "import", str(file), "--db", str(db), *sized],
        capture_output=True, text=True, env=dict(os.environ, FIRSTFILE_USER="bench"))
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the prober is not reaped yet
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime
                                                         + cpu_before.ru_stime)
    stop.touch()
    out, _ = prober.communicate(timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"import failed:\n{result.stderr}")
    waits = [json.loads(line) for line in out.splitlines() if line.strip()]
    done = sorted(w for w in waits if w is not None)
    return {
        "group_size": group_size,
        "import_seconds": round(elapsed, 2),
        "import_cpu_seconds": round(cpu, 2),
        "probes": len(waits),
        "timed_out": sum(1 for w in waits if w is None),
        "wait_median_s": round(statistics.median(done), 3) if done else None,
        "wait_p95_s": round(done[int(0.95 * (len(done) - 1))], 3) if done else None,
        "wait_max_s": round(done[-1], 3) if done else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--disclosures", type=int, default=2000)
    parser.add_argument("--group-size", type=int, default=25)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        file = workdir / "big.yaml"
        write_big_file(file, args.disclosures)
        size_mb = file.stat().st_size / 1024 / 1024
        rows = [run_once(file, workdir, None), run_once(file, workdir, args.group_size),
                run_once(file, workdir, 1_000_000)]
    print(f"{args.disclosures} disclosures, {size_mb:.1f} MB; load average "
          f"{os.getloadavg()[0]:.2f}")
    print(f"{'groups of':>10} {'import s':>9} {'cpu s':>7} {'probes':>7} {'timed out':>9} "
          f"{'median s':>9} {'p95 s':>7} {'max s':>7}")
    for row in rows:
        size = row["group_size"]
        label = "one" if size == 1_000_000 else "default" if size is None else size
        print(f"{label!s:>10} {row['import_seconds']!s:>9} {row['import_cpu_seconds']!s:>7} "
              f"{row['probes']!s:>7} "
              f"{row['timed_out']!s:>9} {row['wait_median_s']!s:>9} {row['wait_p95_s']!s:>7} "
              f"{row['wait_max_s']!s:>7}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
