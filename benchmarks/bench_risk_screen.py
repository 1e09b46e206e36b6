"""Time the outsourcing-risk screen painting an engagement of 300 components and 8 vendors.

    python benchmarks/bench_risk_screen.py [--rounds 7] [--db PATH]

The database (SQLite, a fresh file unless --db names one made by an earlier run) holds one
engagement, BENCH-300: a tree of 12 subsystems with 24 components each (300 nodes), scores
drawn from a fixed seed, 8 vendors of the four kinds attached to it, every leaf assigned to a
vendor able to make it, 5 critical sets. The rows are written through the storage tables in
one transaction (the setup is not what is measured); the screen reads them through the risk
service like any other engagement.

Measured, in one process with the real app headless at 80x24: from pushing RiskScreen until
the screen shows the picture (the worker has read and assessed the engagement, the tree is
filled and painted: the app is idle again; the matrix and bars are filled when their tab is
first shown). Three baselines, taking turns with it in the same process: the same screen for
an engagement that does not exist (mounting, the footer and the failed read, nothing to show),
so the difference is what 300 components cost; a bare Textual app pushing a screen (header,
DataTable, footer) that fills the table with the same 300 rows from a thread worker; and that
bare screen pushed in FirstfileApp, which adds the app's stylesheet and its app-wide keys in
the footer, what any screen of firstfile pays. For information the service's own read and
assessment (`risk.assessment`) is timed on its own.
Medians of wall time are reported, with the process's CPU time (every thread) beside them,
which moves less with other work on the machine, and the load average; the machine is
shared, so the ratio to the baseline is the figure to compare across runs
(docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

ENGAGEMENT = "BENCH-300"
SUBSYSTEMS = 12
PER_SUBSYSTEM = 24
VENDORS = (
    ("cm-a", "contract-manufacturer"),
    ("cm-b", "contract-manufacturer"),
    ("cm-c", "contract-manufacturer"),
    ("design-a", "design-firm"),
    ("design-b", "design-firm"),
    ("odm-a", "odm"),
    ("test-a", "test-house"),
    ("test-b", "test-house"),
)
KINDS = ("hardware", "mechanical", "firmware", "test", "software", "process")


def build(path: Path) -> None:
    """The engagement of 300 components, 8 vendors and 5 critical sets, in the file at path."""
    from firstfile.services import vendors
    from firstfile.services.firewall_policy import load_policy
    from firstfile.storage import upserts
    from firstfile.storage.engine import open_store
    from firstfile.storage.tables import (
        Component,
        ComponentVendor,
        CriticalSet,
        CriticalSetMember,
        Engagement,
    )

    policy = load_policy()
    rng = random.Random(300)
    store = open_store(str(path))
    with store.write() as db:
        upserts.upsert(
            db=db,
            model=Engagement,
            match={"key": ENGAGEMENT},
            values={"name": "Risk screen benchmark", "product": "300-part product", "phase": "pre"},
            create_only={"created_at": upserts.now()},
            actor="bench",
            entity="engagement",
            entity_key=ENGAGEMENT,
        )
    for key, kind in VENDORS:
        vendors.create_vendor(
            store,
            key=key,
            name=f"Vendor {key}",
            kind=kind,
            actor="bench",
            competitors=["Rival Ltd"] if key == "cm-b" else [],
        )
        vendors.attach_vendor(store, ENGAGEMENT, key, actor="bench")
    with store.write() as db:
        engagement_id = (
            db.exec(  # type: ignore[call-overload]
                Engagement.__table__.select().where(Engagement.__table__.c.key == ENGAGEMENT)
            )
            .one()
            .id
        )
        from firstfile.storage import engagement_queries as q

        vendor_ids = {key: q.vendor_id(db=db, key=key) for key, _ in VENDORS}

        def node(key: str, kind: str, parent: int | None, high: bool) -> Component:
            low, top = (3, 5) if high else (1, 5)
            row = Component(
                engagement_id=engagement_id,
                key=key,
                name=f"Part {key}",
                kind=kind,
                parent_id=parent,
                value_add=rng.randint(low, top),
                value_add_reason="bench",
                differentiation=rng.randint(low, top),
                differentiation_reason="bench",
                reverse_engineering_difficulty=rng.choice((1, 1, 2, 2, 3, 4, 5)),
                reverse_engineering_difficulty_reason="bench",
                assessor="bench",
                assessed_on=date(2026, 1, 5),
            )
            db.add(row)
            db.flush()
            return row

        leaves: list[tuple[Component, int]] = []
        for s in range(SUBSYSTEMS):
            sub = node(f"sub{s:02d}", "hardware", None, True)
            for i in range(PER_SUBSYSTEM):
                leaves.append((node(f"s{s:02d}-c{i:02d}", rng.choice(KINDS), sub.id, False), s))
        for row, _ in leaves:
            able = [k for k, kind in VENDORS if policy.can_make(kind, row.kind)]
            db.add(
                ComponentVendor(component_id=row.id or 0, vendor_id=vendor_ids[rng.choice(able)])
            )
        for c in range(5):
            members = [row for row, s in leaves if s == c][:3]
            critical = CriticalSet(
                engagement_id=engagement_id, key=f"cs{c}", name=f"critical set {c}"
            )
            db.add(critical)
            db.flush()
            for position, row in enumerate(members):
                db.add(
                    CriticalSetMember(
                        critical_set_id=critical.id or 0,
                        component_id=row.id or 0,
                        position=position,
                    )
                )
    store.dispose()


async def firstfile_round(
    path: Path, folder: Path, into: list[tuple[float, float]], engagement: str = ENGAGEMENT
) -> None:
    from textual.widgets import DataTable

    from firstfile.settings import Settings
    from firstfile.storage.engine import open_store
    from firstfile.ui.app import FirstfileApp
    from firstfile.ui.screens.risk import RiskScreen

    store = open_store(str(path))
    app = FirstfileApp(Settings(db=None, actor="bench", templates_dir=folder), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = RiskScreen(engagement)
        started, cpu = time.perf_counter(), time.process_time()
        await app.push_screen(screen)
        if engagement == ENGAGEMENT:
            while screen.assessment is None:
                await asyncio.sleep(0.001)
        else:  # nothing to show: the screen says so
            while "Cannot show" not in str(screen.query_one("#risk-title").content):
                await asyncio.sleep(0.001)
        await pilot.pause()  # idle again: painted
        into.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        rows = screen.query_one("#risk-components", DataTable).row_count
        assert rows == (300 if engagement == ENGAGEMENT else 0)
    store.dispose()


async def baseline_round(
    rows: list[tuple[str, ...]],
    into: list[tuple[float, float]],
    path: Path | None = None,
    folder: Path | None = None,
) -> None:
    """The bare screen, in a bare App, or in FirstfileApp (its stylesheet and app-wide keys)
    when path and folder are given."""
    from textual import work
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header

    class Table(Screen[None]):
        def __init__(self) -> None:
            super().__init__()
            self.filled = False

        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns(*(f"col{i}" for i in range(5)))
            self.load()

        @work(thread=True)
        def load(self) -> None:
            self.app.call_from_thread(self.show)

        def show(self) -> None:
            self.query_one(DataTable).add_rows(rows)
            self.filled = True

    app: App[None] = App()
    store = None
    if path is not None and folder is not None:
        from firstfile.settings import Settings
        from firstfile.storage.engine import open_store
        from firstfile.ui.app import FirstfileApp

        store = open_store(str(path))
        app = FirstfileApp(Settings(db=None, actor="bench", templates_dir=folder), store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = Table()
        started, cpu = time.perf_counter(), time.process_time()
        await app.push_screen(screen)
        while not screen.filled:
            await asyncio.sleep(0.001)
        await pilot.pause()
        into.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    if store is not None:
        store.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="firstfile-bench-risk-"))
    path = args.db or folder / "risk300.db"
    if not path.exists():
        started = time.perf_counter()
        build(path)
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    from firstfile.services import risk
    from firstfile.storage.engine import open_store

    store = open_store(str(path))
    picture = risk.assessment(store, ENGAGEMENT)
    rows = [(c.key, "1/2/3", "outsource", "-", ", ".join(c.vendors)) for c in picture.components]
    service: list[float] = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        risk.assessment(store, ENGAGEMENT)
        service.append((time.perf_counter() - started) * 1000)
    store.dispose()
    load_before = os.getloadavg()
    screen: list[tuple[float, float]] = []
    empty: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    bare_in_app: list[tuple[float, float]] = []
    for number in range(args.rounds + 1):
        rounds = [
            firstfile_round(path, folder, screen),
            firstfile_round(path, folder, empty, "NO-SUCH"),
            baseline_round(rows, bare),
            baseline_round(rows, bare_in_app, path, folder),
        ]
        for index in range(len(rounds)):  # each goes first in turn
            asyncio.run(rounds[(index + number) % len(rounds)])
        if number == 0:  # the first round of each imports and warms up: not counted
            screen.clear()
            empty.clear()
            bare.clear()
            bare_in_app.clear()
    load_after = os.getloadavg()
    print(
        f"{len(picture.components)} components, {len(picture.vendors)} vendors, "
        f"{len(picture.critical_sets)} critical sets; {args.rounds} rounds (ms, medians)"
    )
    print(f"  risk.assessment (read + analysis)  {statistics.median(service):7.1f}")
    def line(label: str, rounds: list[tuple[float, float]]) -> float:
        wall = [w for w, _ in rounds]
        cpu = statistics.median(c for _, c in rounds)
        print(
            f"  {label:<34} {statistics.median(wall):7.1f}  "
            f"(min {min(wall):.1f}, max {max(wall):.1f}; CPU {cpu:.1f})"
        )
        return statistics.median(wall)

    painted = line("risk screen, push to painted", screen)
    nothing = line("risk screen, nothing to show", empty)
    table = line("bare screen, 300-row table", bare)
    in_app = line("the same in FirstfileApp", bare_in_app)
    print(
        f"  what 300 components add: {painted - nothing:.1f}"
        " ms (risk screen minus the same screen with nothing to show)"
    )
    cpu_ratio = statistics.median(c for _, c in screen) / statistics.median(c for _, c in bare)
    print(f"  ratio risk / bare: {painted / table:.2f}x (CPU time {cpu_ratio:.2f}x)")
    cpu_in_app = statistics.median(c for _, c in screen) / statistics.median(
        c for _, c in bare_in_app
    )
    print(
        f"  ratio risk / bare in FirstfileApp: {painted / in_app:.2f}x (CPU time {cpu_in_app:.2f}x)"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
        f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
