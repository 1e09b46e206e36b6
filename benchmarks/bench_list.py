"""How the disclosure list behaves on a large database: latency, event-loop stalls, memory.

    python benchmarks/bench_list.py DB_OR_N

DB_OR_N is an existing firstfile database, or a number: a fresh SQLite file with that many
disclosures is seeded first (in a child process, so seeding does not count in this process's
memory). Not part of the test suite.

What is measured, in one process, on a headless 80x24 app:

- the store is opened first and timed on its own; the app starts on an empty screen;
- "shown" means the table received the rows and the screen was refreshed afterwards
  (`call_after_refresh`), not just that the query returned;
- keys go straight to the driver, as a terminal would send them: `pilot.press()` waits for the
  app to be idle (~62 ms) after every key, which would hide the latency being measured;
- the longest stall is taken two ways while scrolling: the largest lag of an asyncio task that
  sleeps 1 ms in a loop, and the largest gap between ticks of a 5 ms `set_interval` timer on
  the app (which also waits for the app's message queue);
- memory: peak RSS (getrusage) and tracemalloc's peak, each against the same app showing an
  empty screen in this process; tracemalloc slows Python down, so it runs in a second pass and
  no latency is taken from that pass.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from firstfile.settings import Settings
from firstfile.storage.engine import SCREEN_CACHE_BYTES, Store, open_store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.disclosure_list import DisclosureListScreen
from firstfile.ui.widgets.disclosure_table import DisclosureTable

SIZE = (80, 24)
SCROLL_PAGES = 5  # pages walked with a held down arrow
PAGE_DOWN_PAGES = 10  # pages walked with page down
KEY_INTERVAL = 1 / 30  # a held key: terminals auto-repeat at about 30 presses a second
TIMEOUT = 30.0


class BenchApp(FirstfileApp):
    """The real app, starting on an empty screen instead of home (the baseline)."""

    CSS_PATH = str(Path(inspect.getfile(FirstfileApp)).parent / str(FirstfileApp.CSS_PATH))

    def get_default_screen(self) -> Screen[None]:
        return Screen()

    def open_disclosure(self, key: str) -> None:
        """Opening is not measured here."""


@dataclass
class Shown:
    """Times at which the table's rows were replaced and the screen refreshed after that."""

    times: list[float] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def install(self) -> None:
        original = DisclosureTable.show_rows
        shown = self

        def timed(table: DisclosureTable, *args: Any, **kwargs: Any) -> None:
            original(table, *args, **kwargs)
            table.call_after_refresh(shown.mark)

        DisclosureTable.show_rows = timed  # type: ignore[method-assign]

    def mark(self) -> None:
        self.times.append(time.perf_counter())
        self.changed.set()

    async def next_after(self, started: float) -> float:
        """Seconds from started to the first refresh with new rows after it."""
        deadline = time.perf_counter() + TIMEOUT
        while True:
            later = [t for t in self.times if t >= started]
            if later:
                return later[0] - started
            self.changed.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("the list did not show new rows")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                continue


@dataclass
class StallMeter:
    """Largest asyncio loop lag and largest gap between ticks of a Textual interval timer."""

    loop_lag: float = 0.0
    tick_gap: float = 0.0
    _last_tick: float | None = None
    _running: bool = False

    async def _sample(self) -> None:
        while self._running:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            self.loop_lag = max(self.loop_lag, time.perf_counter() - before - 0.001)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last_tick is not None:
            self.tick_gap = max(self.tick_gap, now - self._last_tick)
        self._last_tick = now

    def start(self, app: App[Any]) -> Callable[[], None]:
        self._running = True
        task = asyncio.get_running_loop().create_task(self._sample())
        timer = app.set_interval(0.005, self._tick)

        def stop() -> None:
            self._running = False
            timer.stop()
            task.cancel()

        return stop


def send_key(app: App[Any], key: str) -> None:
    """Deliver a key the way the terminal driver does, without waiting for the app."""
    event = events.Key(key, None)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


def maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


async def settle(app: App[Any], seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)
    await app.workers.wait_for_complete()


async def timed_pass(store: Store, results: dict[str, str], *, freeze_gc: bool) -> None:
    shown = Shown()
    shown.install()
    app = BenchApp(Settings(db=None, actor="bench", templates_dir=Path(tempfile.gettempdir())),
                   store=store)
    async with app.run_test(size=SIZE):
        await settle(app)
        gc.collect()
        if freeze_gc:
            # What an app could do once it is up: move everything that exists now out of the
            # collector's reach, so a full collection only walks what was made since.
            gc.freeze()
        rss_empty = maxrss_mb()

        # The first push pays once for importing the services in the worker; the second
        # push is what every later visit costs.
        for visit in ("first visit", "later visit"):
            if visit == "later visit":
                await app.pop_screen()
                await settle(app)
            screen = DisclosureListScreen()
            painted = asyncio.Event()
            started = time.perf_counter()
            await app.push_screen(screen)
            screen.call_after_refresh(painted.set)
            await painted.wait()
            frame = time.perf_counter() - started
            first = await shown.next_after(started)
            while screen.total is None:
                await asyncio.sleep(0.001)
            counted = time.perf_counter() - started
            results[f"push list -> screen painted, no rows yet ({visit})"] = (
                f"{frame * 1000:.0f} ms")
            results[f"push list -> first page shown ({visit})"] = f"{first * 1000:.0f} ms"
            results[f"push list -> total counted ({visit})"] = (
                f"{counted * 1000:.0f} ms ({screen.total:,} rows)")
            await settle(app)
        table = screen.query_one(DisclosureTable)

        # Down arrow on the last row of a page, five times.
        latencies = []
        for _ in range(5):
            table.move_cursor(row=table.row_count - 1)
            await settle(app, 0.1)
            started = time.perf_counter()
            send_key(app, "down")
            latencies.append(await shown.next_after(started))
            await settle(app, 0.1)
        results["down past a page -> next page shown"] = (
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms")

        # A held down arrow through several pages.
        meter = StallMeter()
        stop = meter.start(app)
        target = (screen.spot.top or 0) + SCROLL_PAGES * 100
        started = time.perf_counter()
        presses = 0
        while (screen.spot.top or 0) + table.cursor_row < target:
            send_key(app, "down")
            presses += 1
            await asyncio.sleep(KEY_INTERVAL)
        elapsed = time.perf_counter() - started
        stop()
        results[f"held down arrow, {SCROLL_PAGES} pages ({presses} keys at 30/s)"] = (
            f"{elapsed:.1f} s; longest loop stall {meter.loop_lag * 1000:.0f} ms, "
            f"longest 5 ms-timer gap {meter.tick_gap * 1000:.0f} ms")
        await settle(app)

        meter = StallMeter()
        stop = meter.start(app)
        target = (screen.spot.top or 0) + PAGE_DOWN_PAGES * 100
        presses = 0
        started = time.perf_counter()
        while (screen.spot.top or 0) + table.cursor_row < target:
            send_key(app, "pagedown")
            presses += 1
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        stop()
        results[f"page down, {PAGE_DOWN_PAGES} pages ({presses} keys at 20/s)"] = (
            f"{elapsed:.1f} s; longest loop stall {meter.loop_lag * 1000:.0f} ms, "
            f"longest 5 ms-timer gap {meter.tick_gap * 1000:.0f} ms")
        await settle(app)

        for label, key in (("End -> last page shown", "end"), ("Home -> first page shown",
                                                                "home")):
            started = time.perf_counter()
            send_key(app, key)
            results[label] = f"{await shown.next_after(started) * 1000:.0f} ms"
            await settle(app)

        for sort in ("key", "title", "status"):
            started = time.perf_counter()
            send_key(app, "s")
            results[f"sort by {sort} -> first page shown"] = (
                f"{await shown.next_after(started) * 1000:.0f} ms")
            await settle(app)
            assert screen.sort == sort
        send_key(app, "s")  # back to last update
        await settle(app)

        started = time.perf_counter()
        engagement = screen.query_one("#engagement")
        engagement.value = "NOVA-2026"  # type: ignore[attr-defined]
        results["filter by engagement -> first page shown"] = (
            f"{await shown.next_after(started) * 1000:.0f} ms")
        while screen.total is None:
            await asyncio.sleep(0.001)
        results["filter by engagement -> total counted"] = (
            f"{(time.perf_counter() - started) * 1000:.0f} ms ({screen.total:,} rows)")
        engagement.value = engagement.NULL  # type: ignore[attr-defined]
        await settle(app)

        send_key(app, "slash")
        await settle(app, 0.1)
        meter = StallMeter()
        stop = meter.start(app)
        for word in ("graph*", "zeroth"):
            for char in word:
                started = time.perf_counter()
                send_key(app, char if char != "*" else "asterisk")
                await asyncio.sleep(0.05)
            waited = await shown.next_after(started)
            results[f"search {word!r}: last key -> results shown"] = (
                f"{waited * 1000:.0f} ms incl. the 150 ms pause; "
                f"{len(table.page)} results")
            for _ in word:
                send_key(app, "backspace")
                await asyncio.sleep(0.05)
            await settle(app)
        stop()
        results["longest loop stall while typing searches"] = f"{meter.loop_lag * 1000:.0f} ms"

        gc.collect()
        rss_list = maxrss_mb()
        results["peak RSS: empty screen / after all of the above"] = (
            f"{rss_empty:.0f} MB / {rss_list:.0f} MB (+{rss_list - rss_empty:.0f} MB)")


async def memory_pass(store: Store, results: dict[str, str]) -> None:
    tracemalloc.start()
    app = BenchApp(Settings(db=None, actor="bench", templates_dir=Path(tempfile.gettempdir())),
                   store=store)
    async with app.run_test(size=SIZE):
        await settle(app)
        gc.collect()
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        screen = DisclosureListScreen()
        await app.push_screen(screen)
        while screen.total is None or not screen.query_one(DisclosureTable).page:
            await asyncio.sleep(0.01)
        table = screen.query_one(DisclosureTable)
        for _ in range(5):
            table.move_cursor(row=table.row_count - 1)
            await asyncio.sleep(0.05)
            top = screen.spot.top
            send_key(app, "down")
            while screen.spot.top == top:
                await asyncio.sleep(0.01)
        await settle(app)
        current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["tracemalloc over the empty screen: peak / after 6 pages"] = (
        f"+{(peak - baseline) / 2**20:.1f} MB / +{(current - baseline) / 2**20:.1f} MB")


def prepare(db_or_n: str, workdir: Path) -> str:
    if not db_or_n.isdigit():
        if not Path(db_or_n).exists() and "://" not in db_or_n:
            raise SystemExit(f"{db_or_n} does not exist; give a database or a number of rows")
        return db_or_n
    db = str(workdir / "bench.db")
    print(f"seeding {int(db_or_n):,} disclosures into {db} ...", flush=True)
    seed_script = Path(__file__).with_name("seed.py")
    subprocess.run([sys.executable, str(seed_script), db, db_or_n], check=True)
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db_or_n", help="a firstfile database, or a number of rows to seed")
    parser.add_argument("--freeze-gc", action="store_true",
                        help="call gc.freeze() once the empty app is up, to compare stalls")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        db = prepare(args.db_or_n, Path(workdir))
        results: dict[str, str] = {}
        started = time.perf_counter()
        store = open_store(db, cache_bytes=SCREEN_CACHE_BYTES)  # as the app opens it
        results["open store (no migration)"] = f"{(time.perf_counter() - started) * 1000:.0f} ms"
        try:
            asyncio.run(timed_pass(store, results, freeze_gc=args.freeze_gc))
            asyncio.run(memory_pass(store, results))
        finally:
            store.dispose()
    width = max(len(k) for k in results)
    print(f"\nfirstfile disclosure list, {db if not args.db_or_n.isdigit() else args.db_or_n}, "
          f"{SIZE[0]}x{SIZE[1]}, Python {sys.version.split()[0]}"
          f"{', gc.freeze() after start-up' if args.freeze_gc else ''}")
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
