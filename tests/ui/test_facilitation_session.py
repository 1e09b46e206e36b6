"""A whole extraction session run from the keyboard, as a facilitator would, on a real store.

Start, walk three prompts, capture twelve ideas from three participants, merge two, vote,
promote the top three, export the minutes, and read the DOCX back.
"""

from __future__ import annotations

from pathlib import Path

import docx
from textual.widgets import Input

from firstfile.services import disclosures, sessions
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.widgets.session_ideas import SessionIdeaTable
from tests.integration.sessions_fixtures import seeded_session
from tests.ui.helpers import until

IDEAS = [
    "Dual-footprint regulator with a firmware check of which part is fitted",
    "Press-fit pins from the busbar carrier straight into the AFE board",
    "Calibrate cell channels through the balancing resistors",
    "R&D [bold]markup[/bold] and a closing [/] tag stay literal",
    "Panel the boards with tabs away from the ceramic capacitors",
    "dual footprint regulator, firmware reads which one is fitted",
    "Bed-of-nails test points on one side only",
    "Flash the firmware through the test fixture before depanelling",
    "Thermal pad instead of the heatsink clip",
    "Reuse the shipping tray as the test carrier",
    "Drop the external watchdog: internal watchdog plus supervisor",
    "Second source for the shunt amplifier in the same footprint",
]



def all_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


async def test_a_whole_session_from_the_keyboard(sqlite_store: Store, tmp_path: Path) -> None:
    setup = seeded_session(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FacilitationScreen("ACME-2026/pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None and bool(screen.prompts),
                    "the session to load")
        assert screen.view is not None
        first_prompts = [p.id for p in screen.prompts[:3]]

        await pilot.press("f6")  # start
        await until(pilot, lambda: screen.view is not None and screen.view.status == "running",
                    "the session to start")

        capture = screen.query_one("#session-capture", Input)
        assert capture.has_focus
        authors = []
        for number, text in enumerate(IDEAS):
            if number and number % 4 == 0:
                await pilot.press("f4")  # next prompt after four ideas
            authors.append(screen.room.participant)
            capture.value = text
            await pilot.press("enter")
            table = screen.query_one(SessionIdeaTable)
            assert table.row_count == number + 1  # shown at once, before it is saved
            await pilot.press("f2")  # next participant
        await until(pilot, lambda: screen.writes_pending == 0, "every capture to commit")

        stored = sessions.session_by_id(sqlite_store, setup.id)
        assert [i.text for i in stored.ideas] == [t.replace("\x1b", "") for t in IDEAS]
        assert [i.authors[0] for i in stored.ideas] == authors
        assert set(authors) == {"jdoe", "rsmith", "wli"}
        assert [i.prompt_id for i in stored.ideas] == [
            first_prompts[n // 4] for n in range(12)]
        assert stored.current_prompt == 2

        # Merge idea 6 (a duplicate) into idea 1.
        table = screen.query_one(SessionIdeaTable)
        table.focus()
        ids = [i.id for i in stored.ideas]

        async def on_idea(index: int, *keys: str) -> None:
            row = table.row_index_of(ids[index])
            assert row is not None
            table.move_cursor(row=row)
            await pilot.press(*keys)

        await on_idea(5, "m")
        await on_idea(0, "m")
        await until(pilot, lambda: screen.view is not None
                    and screen.view.idea(ids[5]).status == "merged",  # type: ignore[union-attr]
                    "the merge")
        survivor = screen.view.idea(ids[0]) if screen.view else None
        assert survivor is not None and set(survivor.authors) == {authors[0], authors[5]}

        # Each participant spends dots: ideas 3, 8 and 1 come out on top.
        votes = {"jdoe": [2, 7, 0], "rsmith": [2, 7, 0], "wli": [2, 7, 10]}
        for person, targets in votes.items():
            while screen.room.participant != person:
                await pilot.press("f2")
            for index in targets:
                await on_idea(index, "v")
            await until(pilot, lambda: screen.writes_pending == 0, "the votes")
        assert screen.view is not None
        tally = {i.position: i.votes for i in screen.view.ideas}
        assert (tally[2], tally[7], tally[0], tally[10]) == (3, 3, 2, 1)
        # The list is sorted by dots, most first.
        first_rows = [table.idea_id_at(r) for r in range(4)]
        assert first_rows == [ids[2], ids[7], ids[0], ids[10]]

        await pilot.press("f7")  # promote the top N; the dialog offers 3
        await pilot.press("enter")
        # Idea 1 is longer than a title: the shortened title is shown before anything is saved.
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the titles shown")
        assert "Dual-footprint regulator with a firmware check of which part is" in str(
            app.screen.query_one("#confirm-dialog Static").render())
        await pilot.press("y")
        await until(pilot, lambda: screen.view is not None and sum(
            i.status == "promoted" for i in screen.view.ideas) == 3, "the promotion")
        promoted = {i.position: i.promoted_key for i in screen.view.ideas if i.promoted_key}
        assert sorted(promoted) == [0, 2, 7]
        made = disclosures.get_disclosure(sqlite_store, promoted[0])
        assert {i.person_key for i in made.inventors} == {authors[0], authors[5]}

        out = tmp_path / "minutes"
        await pilot.press("ctrl+t")
        folder = app.screen.query_one("#folder-input", Input)
        folder.value = str(out)
        await pilot.press("enter")
        await until(pilot, lambda: len(screen.last_minutes) == 2, "the minutes", timeout=20)

    text = all_text(out / "minutes-ACME-2026-pre-1.docx")
    for idea in IDEAS:
        assert idea in text
    for key in promoted.values():
        assert key in text
    assert "Wei Li (wli)" in text and "VENDOR STAFF" in text
    assert (out / "minutes-ACME-2026-pre-1.md").is_file()


async def test_ideas_entered_just_before_quitting_are_saved(
    sqlite_store: Store, tmp_path: Path
) -> None:
    setup = seeded_session(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FacilitationScreen("pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None, "the session to load")
        capture = screen.query_one("#session-capture", Input)
        for n in range(8):
            capture.value = f"last-minute idea {n}"
            await pilot.press("enter")
        # Quit at once, without waiting for the writer.
    texts = [i.text for i in sessions.session_by_id(sqlite_store, setup.id).ideas]
    assert texts == [f"last-minute idea {n}" for n in range(8)]


async def test_a_session_that_cannot_open_says_why_in_plain_text(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seeded_session(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FacilitationScreen("ACME-2026/[/]pre-[b]9")
        await app.push_screen(screen)
        bar = screen.query_one("#session-bar")
        await until(pilot, lambda: "no session" in str(bar.render()), "the reason")
        assert "'ACME-2026/[/]pre-[b]9'" in str(bar.render())  # shown as typed, not markup
        assert screen.view is None and screen.writes_pending == 0


async def test_f6_on_an_ended_session_asks_before_reopening(
    sqlite_store: Store, tmp_path: Path
) -> None:
    setup = seeded_session(sqlite_store)
    sessions.start_session(sqlite_store, setup.id, actor="tester")
    held = sessions.end_session(sqlite_store, setup.id, actor="tester")
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FacilitationScreen("ACME-2026/pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None, "the session to load")
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "ended" in app.screen._question
        await pilot.press("n")  # cancel: the held time stays as it was
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        # Nothing was handed to the writer (its thread never ends, so it is not waited for).
        assert screen.writes_pending == 0
        kept = sessions.session_by_id(sqlite_store, setup.id)
        assert (kept.status, kept.started_at, kept.ended_at) == (
            "ended", held.started_at, held.ended_at)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: screen.view is not None and screen.view.status == "running",
                    "the session to reopen")
        first = screen.view.sittings[0]
        assert (first.started_at, first.ended_at) == (held.started_at, held.ended_at)
        assert len(screen.view.sittings) == 2 and screen.view.sittings[1].ended_at is None
        # Ending again closes the second sitting; the first is untouched.
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await until(pilot, lambda: screen.view is not None and screen.view.status == "ended",
                    "the session to end")
    stored = sessions.session_by_id(sqlite_store, setup.id)
    assert [s.number for s in stored.sittings] == [1, 2]
    assert stored.sittings[0] == first and stored.sittings[1].ended_at is not None
    assert stored.started_at == held.started_at  # the first start is never overwritten
