"""A promoted idea longer than a title: the shortened title is shown before anything is saved,
and the idea's full text goes into the summary."""

from __future__ import annotations

from pathlib import Path

from firstfile.domain.sessions import shortened_title_note, title_from_text, title_shortened
from firstfile.services import disclosures, sessions
from firstfile.storage.engine import Store
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.widgets.session_ideas import SessionIdeaTable
from tests.integration.sessions_fixtures import seeded_session
from tests.ui.helpers import make_app, until

LONG = ("Precharge the DC link through the balancing resistors of the cell monitor, so the "
        "separate precharge resistor and its relay can be left off the board entirely")
SHORT = "Thermal pad instead of the heatsink clip"


def test_which_titles_are_shortened() -> None:
    assert title_shortened(LONG)
    assert not title_shortened(SHORT) and not title_shortened(SHORT + ".")
    assert title_shortened("Thermal pad. It replaces the clip.")
    title = title_from_text(LONG)
    assert title == "Precharge the DC link through the balancing resistors of the"
    assert not title.endswith(("…", "..."))
    assert LONG.startswith(title)


async def test_the_shortened_title_is_shown_first_and_the_summary_keeps_the_text(
    sqlite_store: Store, tmp_path: Path
) -> None:
    setup = seeded_session(sqlite_store)
    sessions.start_session(sqlite_store, setup.id, actor="tester")
    long_idea = sessions.capture_idea(sqlite_store, session_id=setup.id, text=LONG,
                                      author="jdoe", actor="tester")
    short_idea = sessions.capture_idea(sqlite_store, session_id=setup.id, text=SHORT,
                                       author="wli", actor="tester")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = FacilitationScreen("ACME-2026/pre-1")
        await app.push_screen(screen)
        await until(pilot, lambda: screen.view is not None and bool(screen.prompts),
                    "the session to load")
        table = screen.query_one(SessionIdeaTable)
        table.focus()

        async def promote(idea_id: int) -> None:
            row = table.row_index_of(idea_id)
            assert row is not None
            table.move_cursor(row=row)
            await pilot.press("o")

        await promote(long_idea.id)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the title shown")
        shown = str(app.screen.query_one("#confirm-dialog Static").render())
        assert title_from_text(LONG) in shown and "full text goes into the summary" in shown
        await pilot.press("n")  # not now: nothing is written
        await until(pilot, lambda: app.screen is screen, "back on the session")
        await pilot.pause(0.2)
        assert screen.writes_pending == 0
        assert sessions.session_by_id(sqlite_store, setup.id).idea(
            long_idea.id).status == "open"  # type: ignore[union-attr]

        await promote(long_idea.id)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked again")
        await pilot.press("y")
        await until(pilot, lambda: screen.view is not None and bool(
            screen.view.idea(long_idea.id).promoted_key), "the promotion")  # type: ignore[union-attr]

        # A title that is the whole idea is promoted without a question.
        await promote(short_idea.id)
        await until(pilot, lambda: screen.view is not None and bool(
            screen.view.idea(short_idea.id).promoted_key), "the short one")  # type: ignore[union-attr]
        assert not isinstance(app.screen, ConfirmDialog)
        assert screen.view is not None
        long_key = screen.view.idea(long_idea.id).promoted_key  # type: ignore[union-attr]

    made = disclosures.get_disclosure(sqlite_store, str(long_key))
    assert made.title == title_from_text(LONG)
    assert made.summary == LONG
    assert shortened_title_note([]) == ""
