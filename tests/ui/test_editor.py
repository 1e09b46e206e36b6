"""The disclosure editor: autosave, restore after a crash, asking before losing work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures, drafts
from firstfile.settings import Settings
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import DraftBuffer
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog, LeaveDialog
from firstfile.ui.screens.editor import EditorScreen, draft_to_form, form_to_draft
from tests.factories import seed_basics
from tests.ui.helpers import make_app, until

MARKUP_TITLE = "Cell [bold]x[/bold] closing [/] tag"



async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def seed_disclosure(store: Store, title: str = "Adaptive cell balancing") -> str:
    seed_basics(store)
    view = disclosures.create_disclosure(
        store,
        DisclosureDraft(title=title, summary="Balances cells while charging.",
                        engagement_key="ACME-2026",
                        inventors=(InventorEntry("jdoe", "inventor", 50),
                                   InventorEntry("wli", "inventor", 50))),
        actor="seed", key="FF-2026-0001",
    )
    return view.key


async def open_editor(pilot: Pilot[None], key: str) -> EditorScreen:
    await settle(pilot)
    pilot.app.open_disclosure(key)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


def test_form_round_trip_and_bad_date() -> None:
    draft = DisclosureDraft(title="T", inventors=(InventorEntry("jdoe", "inventor", 100),))
    form = draft_to_form(draft)
    assert form_to_draft(form) == (draft, [])

    form["conception_date"] = "2026-02-30"
    read, problems = form_to_draft(form)
    assert read.conception_date is None
    assert [p.field for p in problems] == ["conception_date"]
    assert problems[0].severity == "error"


async def test_autosave_writes_a_draft_and_a_new_app_restores_it(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    db_file = str(tmp_path / "firstfile.db")
    first = make_app(sqlite_store, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-description", TextArea).focus()
        await pilot.press(*"A comparator trims each cell")
        # read the buffer the way another process would: a separate store on the same file
        other = open_store(db_file)

        def buffered() -> list[DraftBuffer]:
            with other.read() as db:
                return list(db.execute(select(DraftBuffer)).scalars().all())

        try:
            await until(pilot, lambda: any("A comparator trims each cell" in row.payload
                                           for row in buffered()), "the autosave")
            rows = buffered()
        finally:
            other.dispose()
        assert [(row.actor, row.owner) for row in rows] == [("tester", f"edit:{key}")]
        assert "A comparator trims each cell" in rows[0].payload
        # nothing was saved to the record itself
        assert disclosures.get_disclosure(sqlite_store, key).description == ""
    # "crash": the first app is gone without saving; open the same file again
    reopened = open_store(db_file)
    second = make_app(reopened, tmp_path)
    try:
        async with second.run_test(size=(80, 24)) as pilot:
            editor = await open_editor(pilot, key)
            assert editor.query_one("#f-description", TextArea).text == (
                "A comparator trims each cell"
            )
            assert "Restored unsaved changes" in str(
                editor.query_one("#editor-notice", Static).render()
            )
            await pilot.press("ctrl+s")
            await settle(pilot)
    finally:
        reopened.dispose()
    saved = disclosures.get_disclosure(sqlite_store, key)
    assert saved.description == "A comparator trims each cell"
    assert saved.version == 2
    assert drafts.load_buffer(sqlite_store, f"edit:{key}", actor="tester") is None


async def test_quit_with_unsaved_changes_asks(sqlite_store: Store, tmp_path: Path) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        title = editor.query_one("#f-title", Input)
        title.focus()
        await pilot.press("end", *" v2")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        assert app.is_running

        await pilot.press("escape")  # cancel: back to editing, nothing lost
        await pilot.pause()
        assert app.screen is editor
        assert title.value == "Adaptive cell balancing v2"
        assert app.is_running

        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        await pilot.press("d")  # discard: the buffer goes and the app quits
        await settle(pilot)
        assert not app.is_running
    assert disclosures.get_disclosure(sqlite_store, key).title == "Adaptive cell balancing"
    assert drafts.load_buffer(sqlite_store, f"edit:{key}", actor="tester") is None


async def test_leaving_the_editor_saves_when_asked(sqlite_store: Store, tmp_path: Path) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-jurisdictions", Input).focus()
        await pilot.press(*"US, CN")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
    assert disclosures.get_disclosure(sqlite_store, key).jurisdictions == "US, CN"


async def test_bad_date_is_shown_next_to_the_field_and_not_saved(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-conception_date", Input).focus()
        await pilot.press(*"2026-02-30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = editor.query_one("#msg-conception_date", Static)
        assert message.has_class("-error")
        assert "2026-02-30" in str(message.render())
        assert editor.query_one("#f-conception_date", Input).value == "2026-02-30"
    view = disclosures.get_disclosure(sqlite_store, key)
    assert view.conception_date is None
    assert view.version == 1


async def test_markup_in_a_title_shows_literally(sqlite_store: Store, tmp_path: Path) -> None:
    key = seed_disclosure(sqlite_store, title=MARKUP_TITLE)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        assert editor.query_one("#f-title", Input).value == MARKUP_TITLE
        await pilot.press("ctrl+s")  # nothing changed: saving is harmless and does not crash
        await settle(pilot)
        assert app.is_running
        status = str(editor.query_one("#editor-status", Static).render())
        assert "JOINT" in status and "Shenzhen PCBA Co." in status


@pytest.mark.parametrize("user_templates", ["empty", "missing"])
async def test_export_writes_docx_and_markdown(
    sqlite_store: Store, tmp_path: Path, user_templates: str
) -> None:
    from docx import Document

    key = seed_disclosure(sqlite_store, title=MARKUP_TITLE)
    out_dir = tmp_path / "exports" / "nested"
    # Most users never create their own template folder: its absence must not stop an export.
    # ("missing": settings built as the command line builds them, with no folder made.)
    settings = (Settings(db=None, actor="tester", templates_dir=tmp_path)
                if user_templates == "empty" else Settings.build())
    app = FirstfileApp(settings, store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, key)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, FolderDialog)
        folder = app.screen.query_one("#folder-input", Input)
        assert folder.value == str(settings.exports)
        folder.value = str(out_dir)
        await pilot.press("enter")
        await settle(pilot)
    written = sorted(p.suffix for p in out_dir.iterdir())
    assert written == [".docx", ".md"]
    docx_path = next(out_dir.glob("*.docx"))
    assert key in docx_path.name
    text = "\n".join(paragraph.text for paragraph in Document(str(docx_path)).paragraphs)
    assert MARKUP_TITLE in text
    markdown = next(out_dir.glob("*.md")).read_text(encoding="utf-8")
    assert "# Cell \\[bold\\]x\\[/bold\\] closing \\[/\\] tag" in markdown  # escaped, not lost


async def test_export_offers_the_export_folder_and_says_where_it_wrote(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    exports_dir = tmp_path / "exports"
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, key)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, FolderDialog)
        assert app.screen.query_one("#folder-input", Input).value == str(exports_dir)
        await pilot.press("enter")  # the export folder, as offered
        await settle(pilot)
        shown = [str(n.message) for n in app._notifications]
    assert sorted(p.name for p in exports_dir.iterdir()) == [f"{key}.docx", f"{key}.md"]
    assert any(str(exports_dir / f"{key}.docx") in message for message in shown), shown


async def test_delete_then_restore(sqlite_store: Store, tmp_path: Path) -> None:
    key = seed_disclosure(sqlite_store)
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert disclosures.get_disclosure(sqlite_store, key).deleted
        assert "DELETED" in str(editor.query_one("#editor-status", Static).render())
        assert not editor.check_action("delete", ())
        await pilot.press("f9")
        await settle(pilot)
    assert not disclosures.get_disclosure(sqlite_store, key).deleted


async def test_a_buffer_with_values_the_lists_do_not_offer_is_kept(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    view = disclosures.get_disclosure(sqlite_store, key)
    form = draft_to_form(disclosures.view_to_draft(view))
    form["engagement_key"] = "GONE-2025"
    form["description"] = "kept"
    drafts.save_buffer(sqlite_store, f"edit:{key}", key, {"form": form, "base_version": 1},
                       actor="tester")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        assert app.is_running
        assert editor.query_one("#f-description", TextArea).text == "kept"
        assert editor.query_one("#f-engagement_key").value == "GONE-2025"  # type: ignore[attr-defined]
