"""The editor in the counsel workflow: an inventor sets draft or submitted only; past that the
status, the next actor and the decision are shown read-only and a save keeps counsel's
status; the engagement's cross-check flags show on the disclosure; reviewer notes never do."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from firstfile.services import counsel, disclosures
from firstfile.storage.engine import Store
from firstfile.ui.screens.editor import EditorScreen
from tests.local_tsa import LocalTsa, Served
from tests.ui.helpers import make_app

JOINT = "FF-2026-0006"  # joint with the Tlaquepaque contract manufacturer, nothing agreed
OWN = "FF-2026-0005"  # own staff only, submitted
NOTE_MARK = "ZEBRA-NOTE-7731"
NOTE = f"{NOTE_MARK} prior art search pending, do not tell the inventors"




async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_editor(pilot: Pilot[None], key: str) -> EditorScreen:
    await settle(pilot)
    pilot.app.open_disclosure(key)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


def shown(screen: EditorScreen, selector: str) -> str:
    widget = screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


def status_values(screen: EditorScreen) -> list[str]:
    select = screen.query_one("#f-status", Select)
    return [value for _, value in select._options if isinstance(value, str)]


async def test_the_editor_offers_draft_and_submitted_only(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(pilot, JOINT)
        select = screen.query_one("#f-status", Select)
        assert status_values(screen) == ["draft", "submitted"]
        assert select.value == "draft" and not select.disabled
        assert shown(screen, "#editor-workflow") == ""


async def test_past_submitted_the_status_is_counsel_s_and_read_only(
    loaded: Store, tmp_path: Path
) -> None:
    counsel.move_status(loaded, OWN, "in-review", actor="counsel")
    counsel.record_decision(loaded, OWN, "trade-secret",
                            "Cannot be seen from the finished product.", actor="counsel")
    counsel.set_reviewer_notes(loaded, OWN, NOTE, actor="counsel")
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(pilot, OWN)
        select = screen.query_one("#f-status", Select)
        assert select.value == "decided" and select.disabled
        assert "Decided" in shown(screen, "#editor-status")
        line = shown(screen, "#editor-workflow")
        assert "next: counsel" in line
        assert "Keep as a trade secret" in line
        # counsel's internal notes are nowhere on the screen
        picture = app.export_screenshot()
        assert OWN in picture  # one word of what is shown, found the same way
        assert NOTE_MARK not in picture

        # an inventor's edit is saved; the status stays where counsel put it
        title = screen.query_one("#f-title", Input)
        title.value = title.value + " (revised)"
        await pilot.press("ctrl+s")
        await settle(pilot)
    view = disclosures.get_disclosure(loaded, OWN)
    assert view.title.endswith("(revised)")
    assert view.status == "decided"
    assert counsel.review_state(loaded, OWN).decision == "trade-secret"


async def test_a_restored_buffer_cannot_move_the_status_past_submitted(
    loaded: Store, tmp_path: Path
) -> None:
    from firstfile.services import drafts
    from firstfile.ui.screens.editor import draft_to_form

    form = draft_to_form(disclosures.view_to_draft(disclosures.get_disclosure(loaded, JOINT)))
    form["status"] = "filed"
    form["title"] = "Typed before a crash"
    drafts.save_buffer(loaded, f"edit:{JOINT}", JOINT, {"form": form, "base_version": 1},
                       actor="tester")
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(pilot, JOINT)
        assert screen.query_one("#f-title", Input).value == "Typed before a crash"
        assert screen.query_one("#f-status", Select).value == "draft"


async def test_cross_check_flags_show_on_the_disclosure(loaded: Store, tmp_path: Path) -> None:
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(pilot, JOINT)
        flags = shown(screen, "#editor-flags")
        assert "FF-2026-0006 is joint with Manufactura" in flags
        assert "joint-IP-ownership" in flags
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_editor(pilot, OWN)
        assert shown(screen, "#editor-flags") == ""


async def test_submitting_in_the_editor_timestamps_the_content(
    loaded: Store, tmp_path: Path, local_tsa: Served, tsa_files: LocalTsa
) -> None:
    from firstfile.settings import Settings
    from firstfile.storage.evidence_queries import timestamps
    from firstfile.ui.app import FirstfileApp

    settings = Settings(db=None, actor="tester", templates_dir=tmp_path,
                        tsa_url=local_tsa.url, tsa_ca=tsa_files.ca_pem)
    app = FirstfileApp(settings, store=loaded)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(pilot, JOINT)
        screen.query_one("#f-status", Select).value = "submitted"
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = [n.message for n in app._notifications]
    assert disclosures.get_disclosure(loaded, JOINT).status == "submitted"
    with loaded.read() as db:
        stamps = [(t.status, t.reason) for t in timestamps(db, kind="disclosure", keys=[JOINT])]
        anchors = [(t.status, t.reason) for t in timestamps(db, kind="anchor")]
    assert stamps == [("stamped", "submission")]
    assert anchors == [("stamped", f"submission {JOINT}")]
    assert any(m.startswith(f"{JOINT} timestamped at ") for m in said), said
