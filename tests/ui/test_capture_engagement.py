"""The engagement in quick capture is chosen by typing part of its key or name, and defaults
to the one used last."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from firstfile.services import disclosures
from firstfile.storage.engine import Store
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
