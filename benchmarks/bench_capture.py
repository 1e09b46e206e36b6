"""Time capturing an idea on the facilitation screen: from Enter to the row shown and committed.

A session with 500 ideas already in it (default) is opened on a fresh SQLite file (WAL,
synchronous=FULL, as the app runs it) at 80x24. For each capture the idea's text is put in
the capture box and an Enter key event is posted to the app exactly as the terminal driver
posts one; `pilot.press()` is not used because it waits for the app to go idle (~62 ms), which
would be measured instead of the capture. The screen records time.perf_counter() at each step:

- row: the row is in the idea list (done on the event loop, before any disk work);
- commit: the service call returned in the writer thread, i.e. the transaction committed;
- confirmed: the event loop has applied the saved idea to its row.

Each step is measured from the moment the key event is posted. The loop waits for each
capture to be confirmed before the next, so the figures are per capture, not queued. The
longest time the event loop spent in the Enter handler is reported too: the write itself
runs in the writer thread, off the event loop.

Then the autosave of an idea typed but not entered: the box's text is changed and the time
until the buffer holds it is measured (--autosaves times), against the configured delay plus
the interval it is checked at. tests/ui/test_facilitation_autosave.py used to bound it by the
clock; it only checks that it lands.

Run: python benchmarks/bench_capture.py [--existing 500] [--count 200] [--autosaves 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _seed(store, existing: int) -> int:  # type: ignore[no-untyped-def]
    """The test engagement and a session holding `existing` ideas (written in one go)."""
    from sqlalchemy import insert, select

    from firstfile.domain.sessions import SessionSetup
    from firstfile.services import sessions
    from firstfile.storage.tables import Idea, Person
    from tests.factories import seed_basics

    seed_basics(store)
    view = sessions.create_session(store, SessionSetup(
        engagement_key="ACME-2026", key="bench", title="Capture benchmark", phase="pre",
        facilitator="jdoe", held_on=date(2026, 2, 10), participants=("jdoe", "rsmith", "wli"),
        decks=("contract-manufacturer",)), actor="bench")
    with store.write() as db:
        author = db.execute(select(Person.id).where(Person.key == "rsmith")).scalar()
        now = datetime.now(UTC)
        db.execute(insert(Idea), [
            {"session_id": view.id, "position": n, "text": f"Existing idea number {n} about "
             "moving the calibration into the test fixture", "author_id": author,
             "prompt_id": "cm-test-01", "votes": n % 4, "status": "open", "created_at": now}
            for n in range(existing)])
    return view.id


async def _run(existing: int, count: int, autosaves: int) -> dict[str, list[float]]:
    from textual import events
    from textual.widgets import Input

    from firstfile.services import drafts
    from firstfile.settings import Settings
    from firstfile.storage.engine import open_store
    from firstfile.ui.app import FirstfileApp
    from firstfile.ui.screens.facilitation import FacilitationScreen
    from firstfile.ui.widgets.capture_box import buffer_owner
    from firstfile.ui.widgets.session_ideas import SessionIdeaTable

    folder = Path(tempfile.mkdtemp(prefix="firstfile-bench-"))
    store = open_store(str(folder / "bench.db"))
    _seed(store, existing)
    app = FirstfileApp(Settings(db=None, actor="bench", templates_dir=folder), store=store)
    results: dict[str, list[float]] = {"row": [], "commit": [], "confirmed": [], "handler": [],
                                       "autosave": []}
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FacilitationScreen("ACME-2026/bench")
        await app.push_screen(screen)
        while screen.view is None:
            await pilot.pause(0.01)
        assert len(screen.view.ideas) == existing
        capture = screen.query_one("#session-capture", Input)
        table = screen.query_one(SessionIdeaTable)
        for n in range(count):
            capture.value = f"Benchmark idea {n}: flash the firmware through the fixture"
            rows_before = table.row_count
            posted = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            while True:
                timing = screen.capture_timings.get(max(screen.capture_timings, default=0))
                if timing is not None and timing.submitted >= posted and timing.confirmed:
                    break
                await asyncio.sleep(0.0005)
            assert table.row_count == rows_before + 1
            results["row"].append((timing.row_added - posted) * 1000)
            results["commit"].append((timing.committed - posted) * 1000)
            results["confirmed"].append((timing.confirmed - posted) * 1000)
            results["handler"].append((timing.row_added - timing.submitted) * 1000)
        await pilot.pause()  # the last outcome is on screen
        assert screen.writes_pending == 0
        owner = buffer_owner("ACME-2026/bench")
        for n in range(autosaves):
            text = f"Typed but not entered {n}"
            changed = time.perf_counter()
            capture.value = text
            while True:
                buffered = drafts.load_buffer(store, owner)
                if buffered is not None and buffered[0].get("text") == text:
                    break
                await asyncio.sleep(0.005)
            results["autosave"].append((time.perf_counter() - changed) * 1000)
    store.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--existing", type=int, default=500)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--autosaves", type=int, default=10)
    args = parser.parse_args()
    results = asyncio.run(_run(args.existing, args.count, args.autosaves))
    print(f"capture with {args.existing} ideas already in the session, {args.count} captures "
          "(milliseconds from the Enter key event)")
    for name, label in (("row", "row in the list"), ("commit", "committed"),
                        ("confirmed", "row shows saved"), ("handler", "event loop busy")):
        values = sorted(results[name])
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"  {label:16} median {statistics.median(values):6.2f}  p95 {p95:6.2f}  "
              f"max {values[-1]:6.2f}")
    if results["autosave"]:
        from firstfile.ui.widgets.capture_box import AUTOSAVE_CHECK, AUTOSAVE_DELAY

        values = sorted(results["autosave"])
        print(f"autosave of a typed idea, {len(values)} times (milliseconds from the change; "
              f"configured {AUTOSAVE_DELAY * 1000:.0f} + up to {AUTOSAVE_CHECK * 1000:.0f})")
        print(f"  {'buffer holds it':16} median {statistics.median(values):7.1f}  "
              f"max {values[-1]:7.1f}")


if __name__ == "__main__":
    main()
