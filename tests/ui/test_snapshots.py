"""Pictures of the main screens at 80x24, compared with accepted SVGs in __snapshots__.

Regenerate after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the new SVGs. Nothing time-dependent is shown: keys are fixed, no clock, and the
cursor does not blink.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures
from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from tests.factories import seed_basics

SnapCompare = Callable[..., bool]


def seeded_app(store: Store, tmp_path: Path) -> FirstfileApp:
    seed_basics(store)
    disclosures.create_disclosure(
        store,
        DisclosureDraft(title="Adaptive cell balancing [bold]x[/bold]",
                        summary="Balances cells while charging.", engagement_key="ACME-2026",
                        inventors=(InventorEntry("jdoe", "inventor", 50),
                                   InventorEntry("wli", "inventor", 50))),
        actor="seed", key="FF-2026-0001",
    )
    disclosures.create_disclosure(
        store,
        DisclosureDraft(title="Thermal pad layout", summary="Pads under the FETs.",
                        engagement_key="ACME-2026", status="submitted",
                        inventors=(InventorEntry("rsmith"),)),
        actor="seed", key="FF-2026-0002",
    )
    return FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path), store=store)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def freeze_cursors(pilot: Pilot[None]) -> None:
    """A steady cursor, so the picture does not depend on when the blink timer fired."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


def test_home(snap_compare: SnapCompare, sqlite_store: Store, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(seeded_app(sqlite_store, tmp_path), terminal_size=(80, 24),
                        run_before=run_before)


def test_quick_capture(snap_compare: SnapCompare, sqlite_store: Store, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"Precharge bypass", "enter", *"Skips the resistor.")
        await pilot.press("tab", *"wei")
        freeze_cursors(pilot)
        await pilot.pause()

    assert snap_compare(seeded_app(sqlite_store, tmp_path), terminal_size=(80, 24),
                        run_before=run_before)


def test_editor(snap_compare: SnapCompare, sqlite_store: Store, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.open_disclosure("FF-2026-0001")  # type: ignore[attr-defined]
        await settle(pilot)
        freeze_cursors(pilot)
        await pilot.pause()

    assert snap_compare(seeded_app(sqlite_store, tmp_path), terminal_size=(80, 24),
                        run_before=run_before)


def test_risk_screen(snap_compare: SnapCompare, loaded: Store, tmp_path: Path) -> None:
    from firstfile.ui.screens.risk import RiskScreen

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(RiskScreen("aq7-second-cm"))
        await settle(pilot)
        await settle(pilot)

    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path), store=loaded)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
