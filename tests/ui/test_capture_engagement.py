"""The engagement in quick capture is chosen by typing part of its key or name, and defaults
to the one used last."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from firstfile.services import disclosures
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.capture import QuickCaptureScreen
from tests.ui.helpers import make_app, settle, until


async def test_the_engagement_is_typed_and_remembered(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuickCaptureScreen), "the capture")
        await settle(pilot)
        engagement = app.screen.query_one("#capture-engagement", Select)
        assert engagement.value == Select.NULL  # two engagements, none used yet
        await pilot.press(*"Tab weld check")
        engagement.focus()
        await pilot.pause()
        await pilot.press("enter", *"shen", "enter")
        await until(pilot, lambda: engagement.value == "bms48-shenzhen", "typed to choose")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, QuickCaptureScreen), "saved")
        await settle(pilot)

        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuickCaptureScreen), "again")
        await settle(pilot)
        assert app.screen.query_one("#capture-engagement", Select).value == "bms48-shenzhen"
    logged = [v for v in disclosures.all_views(loaded) if v.title == "Tab weld check"]
    assert [v.engagement_key for v in logged] == ["bms48-shenzhen"]


async def test_the_engagement_used_last_is_offered_again_after_a_restart(
    loaded: Store, tmp_path: Path,
) -> None:
    state = tmp_path / "state"

    def started() -> FirstfileApp:
        return FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path,
                                     export_dir=tmp_path / "exports", state_dir=state),
                            store=loaded)

    first = started()
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(first.screen, QuickCaptureScreen), "capture")
        await settle(pilot)
        engagement = first.screen.query_one("#capture-engagement", Select)
        assert engagement.value == Select.NULL  # nothing remembered yet
        await pilot.press(*"Busbar clamp")
        engagement.value = "bms48-shenzhen"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(first.screen, QuickCaptureScreen), "saved")
        await settle(pilot)
    # Only a digest of the database's address is kept, never the address itself.
    kept = (state / "remembered.json").read_text(encoding="utf-8")
    assert "bms48-shenzhen" in kept and loaded.url not in kept

    second = started()  # a new run: nothing in memory
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(second.screen, QuickCaptureScreen), "again")
        await settle(pilot)
        assert second.screen.query_one("#capture-engagement", Select).value == "bms48-shenzhen"
