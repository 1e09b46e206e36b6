"""Quick capture logs an invention without a summary or an inventor (a draft may lack them)
and says so when it is saved, instead of blocking or staying silent."""

from __future__ import annotations

from pathlib import Path

from firstfile.services import disclosures
from firstfile.storage.engine import Store
from firstfile.ui.dialogs.capture import QuickCaptureScreen
from tests.factories import seed_basics
from tests.ui.helpers import make_app, settle, until


def warnings(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications  # type: ignore[attr-defined]
            if n.severity == "warning"]


async def test_saving_without_summary_or_inventor_warns_and_logs_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    seed_basics(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuickCaptureScreen), "the capture")
        await settle(pilot)
        await pilot.press(*"Precharge bypass", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, QuickCaptureScreen), "saved")
        await settle(pilot)
        [key] = [row.key for row in disclosures.list_page(sqlite_store)]
        assert warnings(app) == [
            f"Logged {key} without a summary and without an inventor: add a summary and an "
            "inventor in the editor before submitting."]

        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, QuickCaptureScreen), "again")
        await settle(pilot)
        await pilot.press(*"Cell tab weld check", "tab", *"Welds checked by current.", "tab",
                          *"jane", "enter", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, QuickCaptureScreen), "saved")
        await settle(pilot)
        assert len(warnings(app)) == 1  # complete: logged without a warning
    assert len(disclosures.list_page(sqlite_store)) == 2
