"""Moving many records at once, and starting a command: every target of docs/PERFORMANCE.md
"Portfolio scale" in one run, each against its same-run baseline.

    python benchmarks/bench_import.py [--scale 1.0] [--files 10] [--per-file 10000]
        [--seed-rows 100000] [--cli-runs 7] [--pg URL] [--json out.json]

- Import: FILES interchange files (JSON) of PER_FILE disclosures each, one engagement per
  file, with inventors (one in six from a vendor), an event and components, 1.5 KB
  descriptions (the full-text index), into a fresh SQLite file, in a fresh process that
  reads, checks and writes them as `firstfile import` does. Figures: total wall time, each
  file's rate (the first against the last), the process's peak RSS (VmHWM) and the longest
  write transaction (BEGIN IMMEDIATE to COMMIT).
- Baseline: the same disclosures and inventors written as benchmarks/seed.py writes them (core
  executemany, 2,000 rows a transaction), in a fresh process into a fresh file, right after.
- seed.py DB SEED_ROWS, its own rate for the first and the last 10,000 rows.
- `firstfile disclosures list --json` on 1,000 seeded disclosures against
  `python -c "import sqlalchemy.orm, typer"`, alternated, medians of CLI_RUNS each.
- `firstfile --help` and `firstfile COMMAND --help`: which database libraries they import
  (`-X importtime`).
- Home painted with its data, cold, on the same 1,000 disclosures, against a minimal Textual
  app (benchmarks/bench_foundation.py's cold start), alternated, medians of CLI_RUNS each.
- With --pg (a PostgreSQL server URL whose user may create databases): the same import into
  a fresh database there, and the same baseline into another (its ratio is reported, not
  judged: the target is the import's time there).

--scale multiplies the disclosures per file and the seeded rows, and the time targets with
them (for a quick look on a busy machine; record full-size figures). Exits 1 when a target is
missed. The figures are printed with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

DATABASE_LIBRARIES = ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "sqlite3")
VENDORS = (
    ("sz-assembly", "Shenzhen Assembly Works", "CN"),
    ("hsinchu-design", "Hsinchu Design House", "TW"),
    ("penang-odm", "Penang ODM Sdn Bhd", "MY"),
)


@dataclass
class Row:
    """One line of the report: what, the figure, the target, and whether it is met."""

    measure: str
    figure: str
    target: str
    passed: bool | None  # None: reported, not judged


# --- the files ------------------------------------------------------------------------------


def write_files(folder: Path, files: int, per_file: int) -> list[Path]:
    """FILES interchange files of PER_FILE disclosures each (JSON), drawn from a fixed seed."""
    import seed

    from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
    from firstfile.domain.views import EventView
    from firstfile.interchange import (
        ComponentDoc,
        DisclosureDoc,
        EngagementDoc,
        InterchangeDocument,
        PersonDoc,
        VendorDoc,
        dump_document,
    )

    rng = random.Random(2026)
    pool = seed._sentence_pool(rng, 4000)
    vendors = tuple(
        VendorDoc(key=k, name=n, kind="contract-manufacturer", country=c) for k, n, c in VENDORS
    )
    people = tuple(
        PersonDoc(key=k, name=n, email=f"{k}@example.com", organization=org)
        for k, n, org in seed.PEOPLE
    )
    internal = [p.key for p in people if p.organization == "internal"]
    outside = [p.key for p in people if p.organization != "internal"]
    paths = []
    for number in range(files):
        engagement = f"bench-{number:02d}"
        components = tuple(
            ComponentDoc(
                key=f"c{i}",
                name=f"Component {i}",
                value_add=3,
                differentiation=3,
                reverse_engineering_difficulty=3,
                vendors=(VENDORS[i % 3][0],),
            )
            for i in range(4)
        )
        disclosures = []
        for n in range(per_file):
            team = rng.sample(internal, rng.randint(1, 3))
            if rng.random() < 0.17:
                team.append(rng.choice(outside))
            share = round(100 / len(team), 1)
            shares = [share] * (len(team) - 1) + [round(100 - share * (len(team) - 1), 1)]
            conceived = date(2024, 1, 1) + timedelta(days=rng.randint(0, 600))
            draft = DisclosureDraft(
                title=f"{seed._title(rng)} {number}-{n}",
                summary=seed._paragraph(rng, pool, 160),
                problem=seed._paragraph(rng, pool, 240),
                description=seed._paragraph(rng, pool, 1500),
                advantages=seed._paragraph(rng, pool, 120),
                engagement_key=engagement,
                status="submitted" if rng.random() < 0.4 else "draft",
                conception_date=conceived,
                inventors=tuple(
                    InventorEntry(k, contribution=c) for k, c in zip(team, shares, strict=True)
                ),
                components=tuple(rng.sample(["c0", "c1", "c2", "c3"], rng.randint(1, 2))),
            )
            key = f"FF-2025-{number * per_file + n + 1:05d}" if n % 10 else None
            events = (
                EventView(
                    "vendor-disclosure-nda",
                    conceived + timedelta(days=30),
                    "CN",
                    f"NDA {number}-{n}",
                ),
            )
            disclosures.append(DisclosureDoc(draft=draft, key=key, events=events))
        doc = InterchangeDocument(
            engagement=EngagementDoc(
                key=engagement, name=f"Bench engagement {number}", phase="during"
            ),
            vendors=vendors,
            people=people,
            components=components,
            disclosures=tuple(disclosures),
        )
        path = folder / f"{engagement}.json"
        path.write_text(dump_document(doc, "json"), encoding="utf-8")
        paths.append(path)
    return paths


# --- the child processes --------------------------------------------------------------------


def child_import(db: str, paths: list[Path]) -> dict[str, Any]:
    """Read, check and import paths into db as `firstfile import` does; the figures."""
    from sqlalchemy import event

    from firstfile.interchange.reader import read_document_and_digest
    from firstfile.services.checked_documents import CheckedDocuments
    from firstfile.services.files_together import FilesTogether
    from firstfile.services.importer import check_document, import_document
    from firstfile.services.process_memory import give_back_after_document
    from firstfile.storage.engine import IMPORT_CACHE_BYTES, open_store

    started = time.perf_counter()
    store = open_store(db, cache_bytes=IMPORT_CACHE_BYTES)  # as `firstfile import` opens it
    longest = [0.0]

    @event.listens_for(store.engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get("firstfile_write"):
            conn.info["write_began"] = time.perf_counter()

    @event.listens_for(store.engine, "commit")
    def _commit(conn: Any) -> None:
        began = conn.info.pop("write_began", None)
        if began is not None:
            longest[0] = max(longest[0], time.perf_counter() - began)

    per_file = []
    # As `firstfile import` does (cli._check_then_write): each file read, checked against
    # the files before it and against the database, and put aside on disk
    # (services/checked_documents.py); then each taken back and written. "reading" is the
    # first pass; each file's time is taking its document back and writing it.
    together = FilesTogether()
    with CheckedDocuments() as checked:
        for path in paths:
            doc, digest = read_document_and_digest(path)
            problems = together.add(doc)
            assert not problems, problems
            check_document(store, doc, actor="bench")
            checked.add(path, digest, doc, hold=len(paths) == 1)
            del doc
            give_back_after_document()
        read = time.perf_counter() - started
        for item in checked.files:
            began = time.perf_counter()
            doc = checked.take(item)
            report = import_document(store, doc, actor="bench", source=item.path.name,
                                     checked=True)
            assert report.outcomes["disclosure created"] == len(doc.disclosures), (
                report.summary())
            per_file.append((len(doc.disclosures), time.perf_counter() - began))
            del doc, report
            give_back_after_document()
    store.dispose()
    return {
        "seconds": time.perf_counter() - started,
        "read_seconds": read,
        "per_file": per_file,
        "longest_write": longest[0],
        "peak_mb": _peak_mb(),
    }


def child_core(db: str, paths: list[Path]) -> dict[str, Any]:
    """The same disclosures and inventors written as seed.py writes them; the figures."""
    import seed
    from sqlalchemy import insert, select

    from firstfile.interchange.reader import read_document
    from firstfile.storage.engine import open_store, refresh_statistics_after_growth
    from firstfile.storage.tables import Disclosure, DisclosureInventor, Engagement, Person

    docs = [read_document(path) for path in paths]
    store = open_store(db)
    # The records they refer to, as seed.py makes them first (not timed).
    from firstfile.services.importer import import_document

    for doc in docs:
        import_document(
            store,
            type(doc)(
                engagement=doc.engagement,
                vendors=doc.vendors,
                people=doc.people,
                components=doc.components,
            ),
            actor="bench",
        )
    with store.read() as db_:
        engagements = dict(db_.execute(select(Engagement.key, Engagement.id)).all())
        people = dict(db_.execute(select(Person.key, Person.id)).all())
    started = time.perf_counter()
    table, inventors = Disclosure.__table__, DisclosureInventor.__table__  # type: ignore
    number = 0
    for doc in docs:
        items = list(doc.disclosures)
        for start in range(0, len(items), seed.BATCH):
            rows, teams = [], []
            for d in items[start : start + seed.BATCH]:
                number += 1
                draft = d.draft
                rows.append(
                    {
                        "key": d.key or f"FF-2026-{number:05d}",
                        "title": draft.title,
                        "status": draft.status,
                        "engagement_id": engagements[draft.engagement_key],
                        "summary": draft.summary,
                        "problem": draft.problem,
                        "description": draft.description,
                        "advantages": draft.advantages,
                        "conception_date": draft.conception_date,
                        "created_at": datetime.now(UTC),
                        "updated_at": datetime.now(UTC),
                        "version": 1,
                    }
                )
                teams.append(draft.inventors)
            with store.write() as db_:
                conn = db_.connection()
                conn.execute(insert(table), rows)
                ids = dict(
                    conn.execute(
                        select(table.c.key, table.c.id).where(
                            table.c.key.in_([r["key"] for r in rows])
                        )
                    ).all()
                )
                links = [
                    {
                        "disclosure_id": ids[r["key"]],
                        "person_id": people[e.person_key],
                        "position": p,
                        "role": e.role,
                        "contribution": e.contribution,
                    }
                    for r, team in zip(rows, teams, strict=True)
                    for p, e in enumerate(team)
                ]
                conn.execute(insert(inventors), links)
            refresh_statistics_after_growth(store)
    seconds = time.perf_counter() - started
    store.dispose()
    return {"seconds": seconds, "rows": number, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _run_child(kind: str, db: str, paths: list[Path]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, db, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"the {kind} child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the rows -------------------------------------------------------------------------------


def import_rows(
    work: Path,
    paths: list[Path],
    scale: float,
    label: str,
    db: str,
    baseline: dict[str, Any] | None,
) -> list[Row]:
    result = _run_child("import", db, paths)
    total = sum(n for n, _ in result["per_file"])
    rates = [n / s for n, s in result["per_file"]]
    rows = [
        Row(
            f"{label}: import of {len(paths)} files x {total // len(paths):,} disclosures",
            f"{result['seconds']:.1f} s ({total / result['seconds']:,.0f}/s; reading and checking "
            f"{result['read_seconds']:.1f} s"
            # The bare rows alone, for a target below them cannot be met (docs/PERFORMANCE.md).
            + (f"; core inserts of the same rows {baseline['seconds']:.1f} s)"
               if baseline is not None else ")"),
            f"< {30 * scale:.0f} s",
            result["seconds"] < 30 * scale,
        ),
        Row(
            f"{label}: rate, last file against the first",
            f"{rates[-1]:,.0f} / {rates[0]:,.0f} per s = {rates[-1] / rates[0]:.2f}x",
            "0.80-1.20x",
            0.8 <= rates[-1] / rates[0] <= 1.2,
        ),
        Row(
            f"{label}: peak RSS of the importing process",
            f"{result['peak_mb']:.0f} MB",
            "< 200 MB",
            result["peak_mb"] < 200,
        ),
        Row(
            f"{label}: longest write transaction",
            f"{result['longest_write']:.2f} s",
            "< 2 s",
            result["longest_write"] < 2.0,
        ),
    ]
    if baseline is not None:
        core_rate = baseline["rows"] / baseline["seconds"]
        write_seconds = sum(s for _, s in result["per_file"])
        ratio = (total / write_seconds) / core_rate
        rows.append(
            Row(
                f"{label}: import rate against seed.py-style core inserts",
                f"{total / write_seconds:,.0f} / {core_rate:,.0f} per s = {ratio:.2f}x",
                ">= 0.5x",
                ratio >= 0.5,
            )
        )
    return rows


def seed_row(work: Path, rows: int) -> list[Row]:
    db = work / "seeded.db"
    out = subprocess.run(
        [sys.executable, str(ROOT / "seed.py"), str(db), str(rows)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seconds = float(out.split(" in ")[1].split(" s")[0])
    figure = f"{seconds:.1f} s"
    flat = next((line for line in out.splitlines() if line.startswith("first 10,000")), "")
    # 60 s for 100,000 rows, in proportion for another number.
    target = 60 * rows / 100_000
    return [Row(f"seed.py DB {rows:,}", f"{figure}; {flat}", f"< {target:.0f} s", seconds < target)]


# A Typer command with the list command's options that loads SQLAlchemy's ORM and does
# nothing: what a plain Typer 0.29 program costs before its own work, since Typer builds a
# pydantic adapter for each option it reads, given or not, and Python's exit then collects
# what is left. firstfile's command line does neither (commands/parameter_reading.py,
# cli.main; docs/PERFORMANCE.md, "Parameters read without pydantic").
TYPER_FLOOR = """
from typing import Annotated
import sqlalchemy.orm, typer
app, listing = typer.Typer(), typer.Typer()
app.add_typer(listing, name="disclosures")
@listing.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json")] = False,
          engagement: Annotated[str | None, typer.Option()] = None,
          status: Annotated[str | None, typer.Option()] = None,
          db: Annotated[str | None, typer.Option()] = None) -> None:
    pass
@listing.command("show")
def show(key: str) -> None:
    pass
app()
"""


def cli_rows(work: Path, runs: int) -> list[Row]:
    db = work / "cli.db"
    subprocess.run(
        [sys.executable, str(ROOT / "seed.py"), str(db), "1000"], capture_output=True, check=True
    )
    arguments = ["disclosures", "list", "--json", "--db", str(db)]
    commands = {
        "cli": [sys.executable, "-m", "firstfile", *arguments],
        "floor": [sys.executable, "-c", "import sqlalchemy.orm, typer"],
        "typer": [sys.executable, "-c", TYPER_FLOOR, *arguments],
    }
    for argv in commands.values():  # warm the page cache
        subprocess.run(argv, capture_output=True, check=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(runs):
        order = list(commands.items())
        for name, argv in order if run % 2 == 0 else reversed(order):
            began = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            times[name].append(time.perf_counter() - began)
    cli, base, typer_base = (statistics.median(times[name]) for name in commands)
    rows = [
        Row(
            "`firstfile disclosures list --json`, 1,000 disclosures, against "
            '`python -c "import sqlalchemy.orm, typer"`',
            f"{cli * 1000:.0f} / {base * 1000:.0f} ms = {cli / base:.2f}x (medians of {runs})",
            "<= 1.3x",
            cli / base <= 1.3,
        ),
        Row(
            "the same against a Typer command with its options that imports sqlalchemy.orm "
            "and does nothing",
            f"{cli * 1000:.0f} / {typer_base * 1000:.0f} ms = {cli / typer_base:.2f}x",
            "(reported)",
            None,
        ),
    ]
    for argv in (
        ["--help"],
        ["disclosures", "--help"],
        ["import", "--help"],
        ["disclosures", "list", "--help"],
    ):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "firstfile", *argv],
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = sorted(
            {
                line.split("|")[-1].strip().split(".")[0]
                for line in out.stderr.splitlines()
                if "|" in line
            }
            & set(DATABASE_LIBRARIES)
        )
        rows.append(
            Row(
                f"`firstfile {' '.join(argv)}` imports",
                ", ".join(loaded) or "none of " + "/".join(DATABASE_LIBRARIES),
                "no database library",
                not loaded,
            )
        )
    return rows


def home_rows(work: Path, runs: int) -> list[Row]:
    """Home painted with its data against a minimal Textual app painting one Static, both
    cold, in fresh interpreters, alternated (bench_foundation.cold_start), on the 1,000
    seeded disclosures cli_rows made."""
    from bench_foundation import Report, child_env, cold_start

    db = work / "cli.db"
    if not db.exists():
        subprocess.run([sys.executable, str(ROOT / "seed.py"), str(db), "1000"],
                       capture_output=True, check=True)
    report = Report([], {})
    cold_start(db, runs, child_env(work), report)
    minimal, first, data = (report.numbers[name] for name in
                            ("cold_minimal_s", "cold_firstfile_s", "cold_home_data_s"))
    return [
        Row(
            "home painted with its data (1,000 disclosures) against a minimal Textual app",
            f"{data * 1000:.0f} / {minimal * 1000:.0f} ms = {data / minimal:.2f}x (medians of "
            f"{runs}; home's first frame {first * 1000:.0f} ms)",
            "<= 2x",
            data / minimal <= 2,
        )
    ]


def pg_database(server: str) -> tuple[str, Any]:
    """A fresh database on the server; returns its URL and a function that drops it."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"firstfile_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    """Run every measure, print the table, exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--per-file", type=int, default=10_000)
    parser.add_argument("--seed-rows", type=int, default=100_000)
    parser.add_argument("--cli-runs", type=int, default=7)
    parser.add_argument("--pg", help="PostgreSQL server URL (a user that may create databases)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["import", "seed", "cli", "home"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        kind, db, *paths = args.child
        result = (child_import if kind == "import" else child_core)(db, list(map(Path, paths)))
        print(json.dumps(result))
        return 0
    load_before = os.getloadavg()
    rows: list[Row] = []
    per_file = max(1, int(args.per_file * args.scale))
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        work = Path(folder)
        if "import" not in args.skip:
            paths = write_files(work, args.files, per_file)
            baseline = _run_child("core", str(work / "core.db"), paths)
            rows += import_rows(
                work, paths, args.scale, "SQLite", str(work / "import.db"), baseline
            )
            if args.pg:
                # The same baseline on the server: its own work on the bare rows (the search
                # vector is a generated column there) is the floor under the import's.
                url, drop = pg_database(args.pg)
                try:
                    pg_baseline = _run_child("core", url, paths)
                finally:
                    drop()
                url, drop = pg_database(args.pg)
                try:
                    pg = import_rows(work, paths, args.scale, "PostgreSQL", url, pg_baseline)
                finally:
                    drop()
                rows += [
                    Row(
                        r.measure,
                        r.figure,
                        f"< {60 * args.scale:.0f} s",
                        float(r.figure.split(" s")[0]) < 60 * args.scale,
                    )
                    if i == 0
                    else Row(r.measure, r.figure, r.target, None)
                    for i, r in enumerate(pg)
                ]
        if "seed" not in args.skip:
            rows += seed_row(work, max(20_000, int(args.seed_rows * args.scale)))
        if "cli" not in args.skip:
            rows += cli_rows(work, args.cli_runs)
        if "home" not in args.skip:
            rows += home_rows(work, args.cli_runs)
    load_after = os.getloadavg()
    width = max(len(r.measure) for r in rows)
    for r in rows:
        verdict = {True: "pass", False: "MISSED", None: ""}[r.passed]
        print(f"{r.measure:<{width}}  {r.figure}  (target {r.target}) {verdict}")
    print(
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"{os.cpu_count()} CPUs; scale {args.scale}"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"rows": [r.__dict__ for r in rows], "load": [load_before, load_after]}, indent=2
            )
        )
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
