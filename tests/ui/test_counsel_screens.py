"""The review queue and the deadlines screens, driven with Pilot on a real SQLite file."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from firstfile.domain.views import EventView
from firstfile.services import counsel
from firstfile.services.disclosures import all_views
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.screens.deadlines import DeadlinesScreen
from firstfile.ui.screens.review_queue import (
    BundleProgress,
    DecisionDialog,
    ReviewQueueScreen,
)

AS_OF = date(2026, 3, 1)



async def _settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _cells(table: DataTable[object], column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_the_queue_lists_what_waits_oldest_first_and_decides(
    loaded: Store, tmp_path: Path
) -> None:
    app = FirstfileApp(Settings(db=None, actor="counsel-x", templates_dir=tmp_path),
                       store=loaded)
    expected = [i.state.key for i in counsel.review_queue(loaded, as_of=AS_OF)]
    assert expected
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ReviewQueueScreen(as_of=AS_OF, bundle_dir=tmp_path)
        await app.push_screen(screen)
        await _settle(pilot)
        table = screen.query_one("#queue-table", DataTable)
        assert _cells(table, 0) == expected
        key = expected[0]
        before = counsel.review_state(loaded, key).status
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and key in app.screen._question
        await pilot.press("n")  # one key never changes a status
        await _settle(pilot)
        assert app.screen is screen
        assert counsel.review_state(loaded, key).status == before
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("y")
        await _settle(pilot)
        assert counsel.review_state(loaded, key).status == "in-review"
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog)
        dialog = app.screen
        dialog.query_one("#decision-choice").value = "no-action"
        dialog.query_one("#decision-rationale").value = "Known from the 2019 datasheet."
        await pilot.click("#decision-record")
        await _settle(pilot)
        state = counsel.review_state(loaded, key)
        assert (state.status, state.decision) == ("decided", "no-action")


async def test_the_queue_bundles_what_it_shows_into_the_export_folder_after_asking(
    loaded: Store, tmp_path: Path
) -> None:
    exports_dir = tmp_path / "exports" / "firstfile"  # not there yet: made when written
    app = FirstfileApp(Settings(db=None, actor="counsel-x", templates_dir=tmp_path,
                                export_dir=exports_dir), store=loaded)
    # A draft is not in the queue, so it must not be in the bundle either.
    queued = {i.state.key for i in counsel.review_queue(loaded, as_of=AS_OF)}
    assert queued and queued < {v.key for v in all_views(loaded)}
    seen: list[tuple[int, int]] = []

    def record(message: object) -> None:
        if isinstance(message, BundleProgress):
            seen.append((message.done, message.total))

    out = exports_dir / "counsel-bundle-2026-03-01.zip"
    async with app.run_test(size=(100, 30), message_hook=record) as pilot:
        screen = ReviewQueueScreen(as_of=AS_OF)
        await app.push_screen(screen)
        await _settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert str(out) in dialog._question and f"{len(queued)} disclosures" in dialog._question
        await pilot.press("n")  # asked first: nothing is written on no
        await _settle(pilot)
        assert app.screen is screen and not out.exists()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("y")
        await _settle(pilot)
        await _settle(pilot)
        bar = screen.query_one("#queue-progress")
        assert not bar.has_class("running")
        assert screen.last_bundle == out
    with zipfile.ZipFile(out) as bundle:
        docs = {n.removeprefix("docx/").removesuffix(".docx")
                for n in bundle.namelist() if n.startswith("docx/")}
    assert docs == queued
    total = len(queued)
    assert (total, total) in seen and seen[-1] == (0, 0)


async def test_deadlines_screen_shows_overdue_first_and_cycles_windows(
    loaded: Store, tmp_path: Path
) -> None:
    key = all_views(loaded)[0].key
    counsel.add_event(loaded, key, EventView("public-disclosure", date(2025, 1, 10), "DE",
                                             "R&D [bold]day[/bold]"), actor="tester")
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path), store=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = DeadlinesScreen(as_of=AS_OF, window=30)
        await app.push_screen(screen)
        await _settle(pilot)
        table = screen.query_one("#deadlines-table", DataTable)
        states = [s.removesuffix(" (planned)") for s in _cells(table, 1)]
        assert states and states[0] == "overdue"
        assert set(states) <= {"overdue", "due-soon", "lost"}
        # Lost rights are in the default view, after the overdue rows
        assert "lost" in states
        assert states == sorted(states, key=lambda s: {"overdue": 0, "lost": 1}.get(s, 2))
        # Rules in words; the highlighted row's explanation and source below the table
        assert "EP absolute novelty" in _cells(table, 3)
        assert not any("-" in rule and " " not in rule for rule in _cells(table, 3))
        detail = str(screen.query_one("#deadlines-detail", Static).render())
        first = screen.shown[0].deadline
        assert first.title in detail and "Source: " + first.source[:20] in detail
        lost_index = states.index("lost")
        table.move_cursor(row=lost_index)
        await pilot.pause()
        detail = str(screen.query_one("#deadlines-detail", Static).render())
        assert screen.shown[lost_index].deadline.note[:40] in detail
        thirty = table.row_count
        summary = str(screen.query_one("#deadlines-summary", Static).render())
        assert "within 30 days" in summary and "lost" in summary
        for _ in range(3):  # 60, 90, all
            await pilot.press("w")
        await pilot.pause()
        assert screen.window is None
        assert table.row_count >= thirty
        docket = [r for r in counsel.docket(loaded, as_of=AS_OF) if r.deadline.state != "met"]
        assert table.row_count == len(docket)


async def test_a_decision_on_a_disclosure_changed_since_the_queue_was_read_is_refused(
    loaded: Store, tmp_path: Path
) -> None:
    app = FirstfileApp(Settings(db=None, actor="counsel-x", templates_dir=tmp_path),
                       store=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ReviewQueueScreen(as_of=AS_OF, bundle_dir=tmp_path)
        await app.push_screen(screen)
        await _settle(pilot)
        key = screen.items[0].state.key
        read = screen.items[0].state.version
        # Another counsel takes it into review after this queue was read.
        counsel.move_status(loaded, key, "in-review", actor="counsel-y")
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        dialog.query_one("#decision-choice").value = "no-action"
        dialog.query_one("#decision-rationale").value = "Known from the 2019 datasheet."
        await pilot.click("#decision-record")
        await _settle(pilot)
        state = counsel.review_state(loaded, key)
        assert (state.status, state.decision) == ("in-review", "")
        # The queue was read again: it shows the disclosure as it is now.
        assert screen.items[0].state.version == state.version > read
