"""The foundation's figures in one run: cold start, the list, search, export, memory.

    python benchmarks/bench_foundation.py [--n 100000] [--db PATH] [--repeat K] [--json FILE]

A SQLite file with N disclosures is prepared first: a copy of --db when it holds exactly N
disclosures (the copy is migrated to the newest schema and analysed, the original is never
touched), else a fresh file seeded by benchmarks/seed.py in a child process, so that seeding
counts in no measurement. Then, each against a baseline measured the same way:

- cold start: fresh interpreters, alternately (a) a minimal Textual app showing one Static and
  (b) `FirstfileApp(Settings.build(db))`, both headless at 80x24; each notes the time from
  just before the parent started it (time.perf_counter is the system's monotonic clock on
  Linux, shared by both processes) to the moment its first screen has been painted
  (`screen.call_after_refresh` from the app's mount), prints it and exits. K runs of each;
  the median ratio b/a is held against 1.5. The firstfile child also reports when home has
  its data (the store opens in a thread after the first frame), for information;
- the list, in this process on a headless 80x24 app: pushing the list screen until its first
  page of rows is painted, alternating with pushing an empty screen (the floor); page down
  from the last screenful of a page until the next page is painted; and the longest stall of
  the event loop (the largest lag of a task sleeping 1 ms, and the largest gap of a 5 ms
  Textual timer) while page down is held through 10 pages and the down arrow through 3.
  Keys go straight to the driver, as a terminal sends them: `pilot.press` waits ~62 ms for
  idle after each key;
- search: `services.disclosures.search` over 100 queries drawn from the seeded vocabulary
  (rare and common words, techniques, prefixes, two-word queries), alternating with a read
  unit of work doing `SELECT 1` (the floor of any query); median and p95. The list's page and
  count queries are timed the same way, for the storage figures;
- export: `rendering.export.export_disclosure(view, dir, "docx")` for seeded disclosures,
  alternating with writing the same document's parts (document.xml taken from the builder's
  own output, outside the timing) into a zip file directly (benchmarks/bench_export.py);
- memory: peak RSS (getrusage) of a fresh process that opens the app on the database, opens
  the list and pages down 10 pages, against a fresh minimal Textual app that paints its one
  screen; and tracemalloc's peak of Python allocations over the empty app while the list
  shows and pages, in this process.

Prints one table (measure, value, target, pass/fail); the exit status is 1 when a target is
missed. Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (80, 24)
TIMEOUT = 60.0

# --- what the child interpreters run --------------------------------------------------------
# Both cold-start children are the same code around a different app, started the same way:
# the ratio compares the apps, not the harnesses. They print one JSON line and exit.

_CHILD_HEAD = """
import json, resource, sys, time
T0 = float(sys.argv[1])
def _rss():
    # VmHWM: this address space's own high-water. getrusage's ru_maxrss would report the
    # parent's when it is larger (a vfork'd child inherits the parent's mark at exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

MINIMAL_CHILD = _CHILD_HEAD + """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("firstfile")
    def on_mount(self):
        self.screen.call_after_refresh(self._painted)
    def _painted(self):
        print(json.dumps({"painted": time.perf_counter() - T0, "rss_mb": _rss()}), flush=True)
        self.exit()

Minimal().run(headless=True, size=(80, 24))
"""

FIRSTFILE_CHILD = _CHILD_HEAD + """
from firstfile.settings import Settings
from firstfile.ui.app import FirstfileApp

class Cold(FirstfileApp):
    CSS_PATH = CSS
    def on_mount(self):  # FirstfileApp.on_mount runs too (Textual calls both)
        self.screen.call_after_refresh(self._painted)
    def _painted(self):
        self.figures = {"painted": time.perf_counter() - T0, "rss_mb": _rss()}
        self.set_interval(0.002, self._data)
    def _data(self):
        # Home hides its body behind a loading indicator until the summary is in; the data
        # is on the screen once the refresh after that has been painted.
        if self.screen.query_one("#home-body").display and not hasattr(self, "_seen"):
            self._seen = True
            self.screen.call_after_refresh(self._data_painted)
    def _data_painted(self):
        self.figures["data"] = time.perf_counter() - T0
        print(json.dumps(self.figures), flush=True)
        self.exit()

Cold(Settings.build(DB), tune_gc=True).run(headless=True, size=(80, 24))
"""

# Memory: the app opens the list on the database and pages down; RSS high-water at the end.
MEMORY_CHILD = _CHILD_HEAD + """
import asyncio
from textual import events
from firstfile.settings import Settings
from firstfile.ui.app import FirstfileApp

class Mem(FirstfileApp):
    CSS_PATH = CSS

async def drive(pilot):
    app = pilot.app
    while not app.screen.query_one("#home-body").display:
        await asyncio.sleep(0.01)
    app.open_disclosure_list()
    while type(app.screen).__name__ != "DisclosureListScreen":
        await asyncio.sleep(0.01)
    screen = app.screen
    while screen.total is None or not screen.table.page:
        await asyncio.sleep(0.01)
    target = min(PAGES * 100, screen.total - 1)
    while (screen.spot.top or 0) + screen.table.cursor_row < target:
        key = events.Key("pagedown", None)
        key.set_sender(app)
        app._driver.send_message(key)
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    print(json.dumps({"rss_mb": _rss(), "rows": screen.total}), flush=True)
    app.exit()

Mem(Settings.build(DB), tune_gc=True).run(headless=True, size=(80, 24), auto_pilot=drive)
"""


def _child_code(template: str, db: str = "", pages: int = 0) -> str:
    from firstfile.ui.app import FirstfileApp

    css = str(Path(sys.modules[FirstfileApp.__module__].__file__ or "").parent
              / str(FirstfileApp.CSS_PATH))
    return f"DB = {db!r}\nCSS = {css!r}\nPAGES = {pages}\n" + template


def run_child(code: str, env: dict[str, str]) -> dict[str, Any]:
    """Start a fresh interpreter on code; return the JSON it printed, with its time base."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, repr(started)], capture_output=True,
                          text=True, env=env, timeout=TIMEOUT, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def child_env(workdir: Path) -> dict[str, str]:
    # The user's own templates and identity must not change the figures.
    env = dict(os.environ)
    env["FIRSTFILE_USER"] = "bench"
    env["FIRSTFILE_TEMPLATES"] = str(workdir / "no-templates")
    env.pop("FIRSTFILE_DB", None)
    return env


# --- results --------------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    value: str
    target: str = ""
    passed: bool | None = None  # None: for information, no target


@dataclass
class Report:
    rows: list[Row]
    numbers: dict[str, float]

    def add(self, measure: str, value: str, target: str = "",
            passed: bool | None = None) -> None:
        self.rows.append(Row(measure, value, target, passed))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- the database ---------------------------------------------------------------------------


def disclosure_count(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM disclosure").fetchone()[0])
        except sqlite3.Error:
            return -1


def prepare(n: int, given: str | None, workdir: Path) -> Path:
    """A database file in workdir holding n disclosures, migrated and analysed."""
    db = workdir / "bench.db"
    if given and Path(given).is_file() and disclosure_count(Path(given)) == n:
        print(f"copying {given} ({n:,} disclosures) ...", flush=True)
        shutil.copyfile(given, db)
    else:
        if given:
            print(f"{given} does not hold {n:,} disclosures: seeding a new file", flush=True)
        print(f"seeding {n:,} disclosures into {db} ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "seed.py"), str(db), str(n)],
                       check=True)
    # Opening migrates and analyses once, here, so that no measured run pays for it.
    from firstfile.storage.engine import open_store

    started = time.perf_counter()
    open_store(str(db)).dispose()
    print(f"opened (migrations, ANALYZE) in {time.perf_counter() - started:.1f} s", flush=True)
    return db


# --- cold start -----------------------------------------------------------------------------


def cold_start(db: Path, repeat: int, env: dict[str, str], report: Report) -> None:
    minimal_code = _child_code(MINIMAL_CHILD)
    firstfile_code = _child_code(FIRSTFILE_CHILD, str(db))
    run_child(minimal_code, env)  # warm the disk cache for both
    run_child(firstfile_code, env)
    minimal: list[dict[str, Any]] = []
    firstfile: list[dict[str, Any]] = []
    for i in range(repeat):
        # Which goes first alternates, so a trend in the machine's load hits both alike.
        order = ((minimal, minimal_code), (firstfile, firstfile_code))
        for samples, code in order if i % 2 == 0 else order[::-1]:
            samples.append(run_child(code, env))
    base = statistics.median(r["painted"] for r in minimal)
    ours = statistics.median(r["painted"] for r in firstfile)
    ratios = [f["painted"] / m["painted"] for m, f in zip(minimal, firstfile, strict=True)]
    ratio = ours / base
    report.numbers.update(cold_minimal_s=base, cold_firstfile_s=ours, cold_ratio=ratio,
                          cold_pair_ratio_median=statistics.median(ratios),
                          cold_home_data_s=statistics.median(r["data"] for r in firstfile))
    report.add(f"cold start, minimal Textual app (median of {repeat})", ms(base))
    report.add(f"cold start, firstfile home painted (median of {repeat})", ms(ours))
    report.add("cold start ratio firstfile / minimal", f"{ratio:.2f}x (pairs: median "
               f"{statistics.median(ratios):.2f}x, {min(ratios):.2f}-{max(ratios):.2f}x)",
               "<= 1.5x", ratio <= 1.5)
    report.add("cold start, home painted with its data",
               ms(report.numbers["cold_home_data_s"]))


# --- the list -------------------------------------------------------------------------------


async def list_pass(store: Any, repeat: int, report: Report) -> None:
    from textual.screen import Screen

    from benchmarks.bench_list import BenchApp, Shown, StallMeter, send_key, settle
    from firstfile.settings import Settings
    from firstfile.ui.screens.disclosure_list import DisclosureListScreen

    shown = Shown()
    shown.install()
    # tune_gc as `firstfile` runs the app; settle_memory() stands for home's first load,
    # which is when the real app freezes its start-up objects.
    app = BenchApp(Settings(db=None, actor="bench", templates_dir=Path(tempfile.gettempdir())),
                   store=store, tune_gc=True)
    async with app.run_test(size=SIZE):
        await settle(app)
        app.settle_memory()

        async def push_empty() -> float:
            painted = asyncio.Event()
            started = time.perf_counter()
            await app.push_screen(screen := Screen[None]())
            screen.call_after_refresh(painted.set)
            await painted.wait()
            return time.perf_counter() - started

        async def push_list() -> float:
            started = time.perf_counter()
            await app.push_screen(DisclosureListScreen())
            return await shown.next_after(started)

        await push_list()  # the first visit imports the services in the worker: not counted
        await settle(app)
        await app.pop_screen()
        empty: list[float] = []
        first: list[float] = []
        for i in range(repeat):
            order = ((empty, push_empty), (first, push_list))
            for samples, push in order if i % 2 == 0 else order[::-1]:
                gc.collect()
                samples.append(await push())
                await settle(app, 0.2)
                await app.pop_screen()
                await settle(app, 0.1)

        screen = DisclosureListScreen()
        await app.push_screen(screen)
        while screen.total is None or not screen.table.page:
            await asyncio.sleep(0.01)
        await settle(app)
        table = screen.table

        # Page down from the last screenful of a page: the next page is fetched and painted.
        page_down: list[float] = []
        for _ in range(max(5, repeat)):
            if screen.spot.at_end:  # a small database: start again from the top
                send_key(app, "home")
                await settle(app, 0.2)
            table.move_cursor(row=table.row_count - 2)
            await settle(app, 0.1)
            started = time.perf_counter()
            send_key(app, "pagedown")
            page_down.append(await shown.next_after(started))
            await settle(app, 0.1)

        stalls: dict[str, StallMeter] = {}
        for label, key, pages, interval in (("page down held, 10 pages", "pagedown", 10, 0.05),
                                             ("down arrow held, 3 pages", "down", 3, 1 / 30)):
            # Back to the top first, so that a small database has room for every page.
            send_key(app, "home")
            await settle(app, 0.3)
            gc.collect()
            meter = StallMeter()
            stop = meter.start(app)
            target = min(pages * 100, (screen.total or 0) - 1)
            while (screen.spot.top or 0) + table.cursor_row < target:
                send_key(app, key)
                await asyncio.sleep(interval)
            await settle(app, 0.2)
            stop()
            stalls[label] = meter
            await settle(app)

    empty_m, first_m = statistics.median(empty), statistics.median(first)
    stall = max(max(m.loop_lag, m.tick_gap - 0.005) for m in stalls.values())
    report.numbers.update(list_empty_screen_s=empty_m, list_first_page_s=first_m,
                          list_page_down_s=statistics.median(page_down),
                          list_page_down_max_s=max(page_down), list_stall_s=stall)
    report.add(f"list: push an empty screen, painted (median of {repeat})", ms(empty_m))
    report.add(f"list: push the list, first page painted (median of {repeat})",
               f"{ms(first_m)} (max {ms(max(first))}; {first_m / empty_m:.1f}x empty)",
               "<= 100 ms", first_m <= 0.1)
    report.add(f"list: page down into the next page, painted (median of {len(page_down)})",
               f"{ms(statistics.median(page_down))} (max {ms(max(page_down))})")
    for label, meter in stalls.items():
        report.add(f"list: longest stall, {label}",
                   f"loop lag {ms(meter.loop_lag)}, 5 ms timer gap {ms(meter.tick_gap)}",
                   "<= 50 ms", max(meter.loop_lag, meter.tick_gap - 0.005) <= 0.05)


async def tracemalloc_pass(store: Any, report: Report) -> None:
    """Python allocations while the list shows and pages, over the app on an empty screen."""
    from benchmarks.bench_list import BenchApp, send_key, settle
    from firstfile.settings import Settings
    from firstfile.ui.screens.disclosure_list import DisclosureListScreen

    app = BenchApp(Settings(db=None, actor="bench", templates_dir=Path(tempfile.gettempdir())),
                   store=store)
    tracemalloc.start()
    try:
        async with app.run_test(size=SIZE):
            await settle(app)
            gc.collect()
            baseline = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            screen = DisclosureListScreen()
            await app.push_screen(screen)
            while screen.total is None or not screen.table.page:
                await asyncio.sleep(0.01)
            target = min(1000, (screen.total or 0) - 1)
            while (screen.spot.top or 0) + screen.table.cursor_row < target:
                send_key(app, "pagedown")
                await asyncio.sleep(0.05)
            await settle(app)
            current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    report.numbers.update(tracemalloc_peak_mb=(peak - baseline) / 2**20,
                          tracemalloc_after_mb=(current - baseline) / 2**20)
    report.add("memory: tracemalloc over the empty app, peak / after 10 pages",
               f"+{(peak - baseline) / 2**20:.1f} MB / +{(current - baseline) / 2**20:.1f} MB")


# --- search and the list's queries ----------------------------------------------------------


def search_queries(count: int, seed_value: int = 7) -> list[str]:
    """Words and prefixes from the seeded vocabulary, rare and common, one and two words."""
    from benchmarks import seed as seeding

    rng = random.Random(seed_value)
    # seed() draws its made-up words first from Random(2026): the same words are in the rows.
    rare = seeding._rare_words(random.Random(2026), 3000)
    common = [*seeding.ENGINEERING, *seeding.NOUNS, *seeding.ADJECTIVES]
    techniques = [t.split()[0] for t in seeding.TECHNIQUES]
    makers: list[Callable[[], str]] = [
        lambda: rng.choice(rare[:300]),  # the Zipf head of the made-up words
        lambda: rng.choice(rare),
        lambda: rng.choice(common),
        lambda: rng.choice(techniques),
        lambda: rng.choice(common)[: rng.randint(3, 5)] + "*",
        lambda: rng.choice(rare)[:4] + "*",
        lambda: f"{rng.choice(seeding.ADJECTIVES)} {rng.choice(seeding.NOUNS)}",
        lambda: f"{rng.choice(common)} {rng.choice(rare[:300])}",
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def alternate(work: Callable[[], object], floor: Callable[[], object],
              rounds: int) -> tuple[list[float], list[float]]:
    """Time work and floor alternately (which goes first alternates too); seconds each."""
    work_s: list[float] = []
    floor_s: list[float] = []
    for i in range(rounds):
        for samples, call in (((work_s, work), (floor_s, floor)) if i % 2 == 0
                              else ((floor_s, floor), (work_s, work))):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    return work_s, floor_s


def queries_pass(store: Any, searches: int, report: Report) -> None:
    from sqlalchemy import text

    from firstfile.services import disclosures

    def select_one() -> None:
        with store.read() as db:
            db.execute(text("SELECT 1")).scalar()

    queries = search_queries(searches)
    for query in queries[:10]:  # warm the statement cache and the pages of the index
        disclosures.search(store, query)
    found: list[int] = []
    it = iter(queries)

    def one_search() -> None:
        found.append(len(disclosures.search(store, next(it))))

    search_s, floor_s = alternate(one_search, select_one, len(queries))
    median, floor = statistics.median(search_s), statistics.median(floor_s)
    report.numbers.update(search_median_s=median, search_p95_s=p95(search_s),
                          search_max_s=max(search_s), read_floor_s=floor)
    report.add(f"search: services.disclosures.search, {len(queries)} queries",
               f"median {ms(median)}, p95 {ms(p95(search_s))}, max {ms(max(search_s))}; "
               f"{statistics.median(found):.0f} results median (limit 50)",
               "median <= 5 ms", median <= 0.005)
    report.add("search: floor, read unit of work with SELECT 1", f"median {ms(floor)}")

    for sort in ("updated", "key", "title", "status"):
        page_s, _ = alternate(lambda s=sort: disclosures.list_page(store, sort=s), select_one,
                              30)
        report.numbers[f"page_{sort}_s"] = statistics.median(page_s)
    counts, _ = alternate(lambda: disclosures.count(store), select_one, 15)
    report.numbers["count_s"] = statistics.median(counts)
    report.add("storage: first page of 100 rows, by updated / key / title / status",
               " / ".join(ms(report.numbers[f"page_{s}_s"])
                          for s in ("updated", "key", "title", "status")))
    report.add("storage: count of all disclosures", ms(report.numbers["count_s"]))


# --- export ---------------------------------------------------------------------------------


def export_pass(store: Any, documents: int, workdir: Path, report: Report) -> None:
    """Per document: the export against the same parts zipped directly, to disk and in memory.

    On disk both go through `atomic_write_bytes` (two fsyncs), so the ratio compares the
    making of the document; in memory the ratio is rendering alone against zipping alone.
    """
    import zipfile
    from io import BytesIO

    from benchmarks.bench_export import zip_parts
    from firstfile.rendering.disclosure_docx import render_disclosure_docx
    from firstfile.rendering.export import export_disclosure, render_disclosure
    from firstfile.rendering.safe_files import atomic_write_bytes
    from firstfile.services import disclosures

    keys = [row.key for row in disclosures.list_page(store, sort="key", limit=documents)]
    views = disclosures.views_for(store, keys)
    prepared = []
    for view in views:  # the same document's parts, made outside the timing
        with zipfile.ZipFile(BytesIO(render_disclosure_docx(view))) as built:
            parts = {n: built.read(n) for n in built.namelist() if n != "word/document.xml"}
            prepared.append((view, parts, built.read("word/document.xml")))
    export_dir, direct_dir = workdir / "export", workdir / "direct"
    direct_dir.mkdir()
    export_disclosure(views[0], export_dir, "docx")  # warm-up: imports, template parsing
    samples: dict[str, list[float]] = {"export": [], "direct": [], "render": [], "zip": []}
    for i, (view, parts, document_xml) in enumerate(prepared):
        calls: list[tuple[str, Callable[[], object]]] = [
            ("export", lambda v=view: export_disclosure(v, export_dir, "docx")),
            ("direct", lambda v=view, p=parts, x=document_xml: atomic_write_bytes(
                direct_dir / f"{v.key}.docx", zip_parts(x, p))),
            ("render", lambda v=view: render_disclosure(v, "docx")),
            ("zip", lambda p=parts, x=document_xml: zip_parts(x, p)),
        ]
        # Rotate the order, so that no kind always runs first (or right after an fsync).
        for name, call in calls[i % 4:] + calls[: i % 4]:
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    med = {name: statistics.median(values) for name, values in samples.items()}
    report.numbers.update(export_s=med["export"], export_direct_s=med["direct"],
                          export_ratio=med["export"] / med["direct"],
                          render_s=med["render"], zip_s=med["zip"],
                          render_ratio=med["render"] / med["zip"])
    report.add(f"export: export_disclosure to .docx on disk, per document ({len(prepared)})",
               f"median {ms(med['export'])}, p95 {ms(p95(samples['export']))}")
    report.add("export: same parts zipped, written the same way (atomic, fsync)",
               f"median {ms(med['direct'])} (export is {med['export'] / med['direct']:.1f}x)")
    report.add("export: rendering in memory / zipping the same parts in memory",
               f"{ms(med['render'])} / {ms(med['zip'])} ({med['render'] / med['zip']:.1f}x)")


# --- memory ---------------------------------------------------------------------------------


def memory(db: Path, env: dict[str, str], report: Report) -> None:
    minimal = run_child(_child_code(MINIMAL_CHILD), env)
    scrolled = run_child(_child_code(MEMORY_CHILD, str(db), pages=10), env)
    ours, base = scrolled["rss_mb"], minimal["rss_mb"]
    report.numbers.update(rss_minimal_mb=base, rss_firstfile_list_mb=ours)
    report.add("memory: peak RSS, minimal Textual app painted", f"{base:.0f} MB")
    report.add(f"memory: peak RSS, firstfile list on {scrolled['rows']:,} rows, 10 pages down",
               f"{ours:.0f} MB ({ours / base:.1f}x minimal, +{ours - base:.0f} MB)",
               "< 100 MB", ours < 100)


# --- main -----------------------------------------------------------------------------------


def print_table(report: Report, header: str) -> None:
    print(f"\n{header}")
    widths = [max(len(r.measure) for r in report.rows), max(len(r.value) for r in report.rows),
              max(len(r.target) for r in report.rows)]
    for row in report.rows:
        verdict = "" if row.passed is None else ("pass" if row.passed else "FAIL")
        print(f"{row.measure:<{widths[0]}}  {row.value:<{widths[1]}}  "
              f"{row.target:<{widths[2]}}  {verdict}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="disclosures (default 100000)")
    parser.add_argument("--db", help="a seeded database to copy if it holds N disclosures")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each alternated pair")
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--exports", type=int, default=40)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    report = Report(rows=[], numbers={})
    with tempfile.TemporaryDirectory(prefix="firstfile-bench-") as folder:
        workdir = Path(folder)
        db = prepare(args.n, args.db, workdir)
        env = child_env(workdir)
        print("cold start ...", flush=True)
        cold_start(db, args.repeat, env, report)
        print("memory (child processes) ...", flush=True)
        memory(db, env, report)

        from firstfile.storage.engine import SCREEN_CACHE_BYTES, open_store

        store = open_store(str(db), cache_bytes=SCREEN_CACHE_BYTES)  # as the app opens it
        try:
            print("list ...", flush=True)
            asyncio.run(list_pass(store, args.repeat, report))
            print("search ...", flush=True)
            queries_pass(store, args.searches, report)
            print("export ...", flush=True)
            export_pass(store, args.exports, workdir, report)
            print("tracemalloc ...", flush=True)
            asyncio.run(tracemalloc_pass(store, report))
        finally:
            store.dispose()
    load_after = os.getloadavg()
    header = (f"firstfile foundation, {args.n:,} disclosures, {os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}, "
              f"load average {load_before[0]:.2f} before / {load_after[0]:.2f} after")
    print_table(report, header)
    if args.json:
        args.json.write_text(json.dumps({
            "header": header, "n": args.n, "load_before": load_before,
            "load_after": load_after, "rows": [asdict(r) for r in report.rows],
            "numbers": report.numbers,
        }, indent=2))
    return 0 if all(r.passed is not False for r in report.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
