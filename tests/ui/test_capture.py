"""Quick capture, driven from the keyboard on a real SQLite store.

How long a keystroke, opening the modal and ctrl+s take is measured by
benchmarks/bench_quick_capture.py, not asserted here.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures, drafts
from firstfile.storage.engine import Store, open_store
from firstfile.ui.dialogs.capture import QuickCaptureScreen, even_split
from firstfile.ui.dialogs.choice import ConfirmDialog
from tests.factories import seed_basics
from tests.ui.helpers import make_app, until


async def settle(pilot: Pilot[None]) -> None:
    """Let messages drain and every worker finish (no fixed sleeps)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_even_split_totals_exactly_100() -> None:
    assert even_split(1) == [100.0]
    assert even_split(3) == [34.0, 33.0, 33.0]
    for count in range(1, 13):
        shares = even_split(count)
        assert len(shares) == count
        assert sum(shares) == 100
        assert max(shares) - min(shares) <= 1


async def test_quick_capture_logs_an_invention(sqlite_store: Store, tmp_path: Path) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, QuickCaptureScreen)
        assert app.focused is app.screen.query_one("#capture-title")
        await pilot.press(*"Precharge bypass", "enter")
        await pilot.press(*"Skips the resistor at 90%", "tab")
        await pilot.press(*"raj", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, QuickCaptureScreen)

    rows = disclosures.list_page(sqlite_store)
    assert len(rows) == 1
    view = disclosures.get_disclosure(sqlite_store, rows[0].key)
    assert view.title == "Precharge bypass"
    assert view.summary == "Skips the resistor at 90%"
    assert view.engagement_key == "ACME-2026"  # the only engagement is chosen by default
    assert [(p.person_key, p.contribution) for p in view.inventors] == [("rsmith", 100.0)]
    assert not view.joint
    assert drafts.load_buffer(sqlite_store, drafts.CAPTURE_OWNER, actor="tester") is None


async def test_two_inventors_split_evenly_and_a_new_vendor_engineer(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"Cell tab weld check")
        await pilot.press("tab", "tab", *"jane", "enter")
        screen = app.screen
        screen.query_one("#new-person-name", Input).value = "Ana Gomez"
        screen.query_one("#new-person-org", Select).value = "sz-pcba"
        screen.query_one("#new-person-name", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    view = disclosures.get_disclosure(sqlite_store, disclosures.list_page(sqlite_store)[0].key)
    assert [(p.name, p.contribution) for p in view.inventors] == [
        ("Jane Doe", 50.0), ("Ana Gomez", 50.0)
    ]
    assert view.joint_vendors == ("Shenzhen PCBA Co.",)
    assert app.last_capture_inventors == ("jdoe", "agomez")


async def test_capture_opens_while_typing_in_the_editor(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    first = disclosures.create_disclosure(
        sqlite_store, DisclosureDraft(title="Existing"), actor="seed", key="FF-2026-0001"
    )
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_disclosure(first.key)
        await settle(pilot)
        title = app.screen.query_one("#f-title", Input)
        title.focus()
        await pilot.press(*" more")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, QuickCaptureScreen)
        await pilot.press("escape")  # nothing typed in the capture: it just closes
        await pilot.pause()
        assert title.value == "Existing more"  # the editor underneath kept its text


async def test_missing_title_is_shown_next_to_the_field_and_nothing_is_written(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", *"A summary without a title")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuickCaptureScreen)
        message = app.screen.query_one("#msg-title", Static)
        assert message.has_class("-error")
        assert "title" in str(message.render())
        assert app.focused is app.screen.query_one("#capture-title")
    assert disclosures.count(sqlite_store) == 0


async def test_an_interrupted_capture_is_offered_back(sqlite_store: Store, tmp_path: Path) -> None:
    seed_basics(sqlite_store)
    db_file = str(tmp_path / "firstfile.db")
    first = make_app(sqlite_store, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"Half typed idea")
        other = open_store(db_file)

        def buffered_title() -> object:
            # read the way the next run reads it: a store of its own on the same file
            buffered = drafts.load_buffer(other, drafts.CAPTURE_OWNER, actor="tester")
            return buffered[0]["title"] if buffered is not None else None

        try:
            await until(pilot, lambda: buffered_title() == "Half typed idea",
                        "the capture to be buffered")
        finally:
            other.dispose()
    # the app is gone without saving; a new one on the same file offers the capture back
    reopened = open_store(db_file)
    second = make_app(reopened, tmp_path)
    try:
        async with second.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert isinstance(second.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert second.screen.query_one("#capture-title", Input).value == "Half typed idea"
    finally:
        reopened.dispose()


async def test_saving_a_buffered_capture_clears_its_buffer_and_discarding_one_too(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)

    def buffered_title() -> object:
        buffered = drafts.load_buffer(sqlite_store, drafts.CAPTURE_OWNER, actor="tester")
        return buffered[0]["title"] if buffered is not None else None

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"Cell tab weld check", "tab", *"Laser weld", "tab", *"raj", "enter")
        await until(pilot, lambda: buffered_title() == "Cell tab weld check", "the autosave")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, QuickCaptureScreen)
        assert drafts.load_buffer(sqlite_store, drafts.CAPTURE_OWNER, actor="tester") is None
        assert disclosures.count(sqlite_store) == 1

        # A capture left from an earlier run, discarded when offered, is gone for good.
        drafts.save_buffer(sqlite_store, drafts.CAPTURE_OWNER, "", {"title": "Left over"},
                           actor="tester")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert drafts.load_buffer(sqlite_store, drafts.CAPTURE_OWNER, actor="tester") is None
        assert isinstance(app.screen, QuickCaptureScreen)
        assert app.screen.query_one("#capture-title", Input).value == ""
