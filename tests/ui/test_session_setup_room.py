"""The session set-up offers the engagement's people first and asks before anyone else joins
the room; the phase comes from the engagement and the default decks fit the time box."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Input, Select, SelectionList, Static

from firstfile.services import directory, engagements, sessions, vendors
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.screens.facilitation import FacilitationScreen
from firstfile.ui.screens.session_setup import SessionSetupScreen
from tests.factories import seed_basics
from tests.ui.helpers import until


def seed_with_an_outsider(store: Store) -> None:
    """ACME-2026 (its vendor Shenzhen PCBA, Wei Li its engineer), in phase during, and Li Na
    of a vendor on no engagement of hers."""
    seed_basics(store)
    vendors.create_vendor(store, key="pg-ems", name="Penang EMS Sdn. Bhd.", country="MY",
                          actor="seed")
    directory.add_person(store, "Li Na", organization="pg-ems", actor="seed", key="lna")
    engagements.change_phase(store, "ACME-2026", "during", actor="seed", override=True,
                             reason="prototype run")


def prompts(option_list: SelectionList[str]) -> list[str]:
    return [str(option_list.get_option_at_index(i).prompt)
            for i in range(option_list.option_count)]


async def open_form(app: FirstfileApp, pilot: object) -> SessionSetupScreen:
    screen = SessionSetupScreen("ACME-2026")
    await app.push_screen(screen)
    participants = screen.query_one("#setup-participants", SelectionList)
    await until(pilot, lambda: participants.option_count == 5, "the people")  # type: ignore[arg-type]
    await until(pilot, lambda: screen.query_one("#setup-decks", SelectionList).option_count  # type: ignore[arg-type]
                == 4, "the decks")
    return screen


async def test_the_engagements_people_come_first_and_an_outsider_is_asked_about(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    seed_with_an_outsider(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_form(app, pilot)
        participants = screen.query_one("#setup-participants", SelectionList)
        shown = prompts(participants)
        # Own staff, then the engagement's vendor staff, then a divider and everyone else,
        # named with the vendor they work for.
        assert shown[0].startswith("Jane Doe (own staff)")
        assert shown[1].startswith("Raj Smith (own staff)")
        assert shown[2] == "Wei Li (Shenzhen PCBA Co.)  VENDOR"
        assert "not on ACME-2026" in shown[3]
        assert participants.get_option_at_index(3).disabled
        assert shown[4] == "Li Na (VENDOR: Penang EMS Sdn. Bhd., not on this engagement)"
        # The phase comes from the engagement.
        phase = screen.query_one("#setup-phase", Select)
        await until(pilot, lambda: phase.value == "during", "the engagement's phase")

        # Wei Li is on the engagement: selected without a question.
        participants.focus()
        participants.highlighted = 2
        await pilot.press("space")
        await pilot.pause()
        assert app.screen is screen and "wli" in participants.selected
        # Li Na is not: the question names her vendor; "leave out" takes her off again.
        participants.highlighted = 4
        await pilot.press("space")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen._question
        assert "Li Na works for Penang EMS Sdn. Bhd." in question
        assert "not a vendor on ACME-2026" in question
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert "lna" not in participants.selected
        # Asked again and confirmed, she stays in the room.
        await pilot.press("space")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        assert "lna" in participants.selected

        screen.query_one("#setup-key", Input).value = "during-1"
        screen.query_one("#setup-title", Input).value = "What will they change?"
        screen.query_one("#setup-facilitator", Select).value = "jdoe"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FacilitationScreen), "the session")
    view = sessions.get_session(sqlite_store, "ACME-2026/during-1")
    assert {p.key for p in view.participants} == {"jdoe", "wli", "lna"}
    assert view.phase == "during"


async def test_the_default_decks_fit_the_time_box(sqlite_store: Store, tmp_path: Path) -> None:
    seed_with_an_outsider(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_form(app, pilot)
        decks = screen.query_one("#setup-decks", SelectionList)
        fit = screen.query_one("#setup-deck-fit", Static)

        def hint() -> str:
            rendered = fit.render()
            return rendered.plain if isinstance(rendered, Text) else str(rendered)

        # 60 minutes at 5 a prompt: 12 prompts, not the 77 of every deck.
        assert set(decks.selected) == {"design-around", "scamper"}
        assert hint().startswith("12 prompts chosen; 12 fit 60 minutes at 5 a prompt")
        # Two minutes a prompt: 30 fit, and the decks follow.
        screen.query_one("#setup-prompt-minutes", Input).value = "2"
        await until(pilot, lambda: set(decks.selected) == {"contract-manufacturer",
                                                          "design-around"}, "the decks")
        assert hint().startswith("30 prompts chosen; 30 fit 60 minutes at 2 a prompt")
        # Picked by hand, the decks stay as picked; the hint says when they overrun.
        decks.focus()
        decks.highlighted = 3  # triz, 40 prompts
        await pilot.press("space")
        await pilot.pause()
        screen.query_one("#setup-prompt-minutes", Input).value = "5"
        await until(pilot, lambda: "more than the time box holds" in hint(), "the warning")
        assert set(decks.selected) == {"contract-manufacturer", "design-around", "triz"}
