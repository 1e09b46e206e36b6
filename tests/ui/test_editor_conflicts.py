"""The editor when a colleague saved the same disclosure behind its back.

The colleague is a second store on the same SQLite file (another process, as far as the
editor can tell). Saving then shows both versions side by side; each way out is followed to
what is stored, what the editor shows and what the audit trail says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, Static, TextArea

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import DisclosureView
from firstfile.services import disclosures, drafts
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from firstfile.ui.app import FirstfileApp
from firstfile.ui.dialogs.conflict import ConflictDialog
from tests.factories import seed_basics
from tests.ui.helpers import make_app, open_editor, settle, until

SIZE = (120, 40)


@pytest.fixture
def key(sqlite_store: Store) -> str:
    seed_basics(sqlite_store)
    return disclosures.create_disclosure(
        sqlite_store,
        DisclosureDraft(title="Adaptive cell balancing", summary="Balances cells.",
                        engagement_key="ACME-2026",
                        inventors=(InventorEntry("jdoe", "inventor", 50),
                                   InventorEntry("wli", "inventor", 50))),
        actor="seed",
    ).key


@pytest.fixture
def colleague(tmp_path: Path, sqlite_store: Store) -> Iterator[Store]:
    """Another user's store on the same file."""
    other = open_store(str(tmp_path / "firstfile.db"))
    yield other
    other.dispose()


def save_as_colleague(colleague: Store, key: str, **changes: str) -> DisclosureView:
    stored = disclosures.view_to_draft(disclosures.get_disclosure(colleague, key))
    return disclosures.update_disclosure(colleague, key, replace(stored, **changes),
                                         actor="colleague")


def last_update(store: Store, key: str) -> tuple[str, dict[str, list[object]]]:
    with store.read() as db:
        row = db.execute(select(AuditEvent).where(AuditEvent.entity_key == key,
                                                  AuditEvent.action == "update")
                         .order_by(AuditEvent.id.desc())).scalars().first()  # type: ignore[union-attr]
    assert row is not None
    return row.actor_name, json.loads(row.changes)


def buffered_advantages(store: Store, key: str) -> object:
    """What the editor's autosave buffer holds for the advantages, read as the next run would."""
    buffered = drafts.load_buffer(store, f"edit:{key}", actor="tester")
    return buffered[0]["form"].get("advantages") if buffered is not None else None


async def conflict_shown(pilot: object, app: FirstfileApp) -> ConflictDialog:
    await until(pilot, lambda: isinstance(app.screen, ConflictDialog),  # type: ignore[arg-type]
                "the conflict dialog")
    assert isinstance(app.screen, ConflictDialog)
    return app.screen


def rows_of(dialog: ConflictDialog) -> dict[str, tuple[str, str, bool]]:
    return {row.name: (row.mine, row.theirs, row.both_changed) for row in dialog.rows}


async def test_keep_mine_saves_over_theirs_and_says_so_in_the_history(
    sqlite_store: Store, colleague: Store, key: str, tmp_path: Path
) -> None:
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-advantages", TextArea).focus()
        await pilot.press(*"Cheaper")
        theirs = save_as_colleague(colleague, key, variants="A second comparator")
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot, app)
        assert rows_of(dialog) == {"advantages": ("Cheaper", "(empty)", False),
                                   "variants": ("(empty)", "A second comparator", False)}
        both = str(dialog.query_one("#conflict-variants").query(Static).first().render())
        assert both == "Variants and alternatives"
        await pilot.press("k")
        await until(pilot, lambda: disclosures.get_disclosure(colleague, key).version
                    == theirs.version + 1, "the save over theirs")
        await settle(pilot)
        assert not editor.has_unsaved_changes()
        assert "v3" in str(editor.query_one("#editor-status", Static).render())
    stored = disclosures.get_disclosure(colleague, key)
    assert (stored.advantages, stored.variants) == ("Cheaper", "")
    actor, changes = last_update(colleague, key)
    assert actor == "tester"
    assert changes["conflict"] == [theirs.version, "kept mine"]
    assert changes["variants"] == ["A second comparator", ""]


async def test_take_theirs_reloads_their_version_and_drops_mine(
    sqlite_store: Store, colleague: Store, key: str, tmp_path: Path
) -> None:
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-advantages", TextArea).focus()
        await pilot.press(*"Cheaper")
        await until(pilot, lambda: drafts.load_buffer(colleague, f"edit:{key}",
                                                      actor="tester") is not None,
                    "the autosave buffer")
        theirs = save_as_colleague(colleague, key, title="Cell balancing by pulses")
        await pilot.press("ctrl+s")
        await conflict_shown(pilot, app)
        await pilot.press("t")
        await until(pilot, lambda: app.screen is editor, "the editor again")
        await settle(pilot)
        assert editor.query_one("#f-title", Input).value == "Cell balancing by pulses"
        assert editor.query_one("#f-advantages", TextArea).text == ""
        assert not editor.has_unsaved_changes()
        notice = str(editor.query_one("#editor-notice", Static).render())
        assert f"Took version {theirs.version}" in notice
    assert disclosures.get_disclosure(colleague, key).version == theirs.version
    assert drafts.load_buffer(colleague, f"edit:{key}", actor="tester") is None


async def test_merge_takes_each_field_from_the_side_marked(
    sqlite_store: Store, colleague: Store, key: str, tmp_path: Path
) -> None:
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-advantages", TextArea).focus()
        await pilot.press(*"Cheaper")
        editor.query_one("#f-summary", TextArea).text = "Balances cells with pulses (mine)."
        theirs = save_as_colleague(colleague, key, summary="Balances cells while charging.",
                                   variants="A second comparator")
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot, app)
        assert rows_of(dialog)["summary"] == ("Balances cells with pulses (mine).",
                                              "Balances cells while charging.", True)
        # Suggested: theirs where only they changed it, mine elsewhere; take their summary.
        assert dialog.use() == {"summary": "mine", "advantages": "mine", "variants": "theirs"}
        await pilot.click("#use-summary")
        await pilot.pause()
        assert dialog.use()["summary"] == "theirs"
        await pilot.press("m")
        await until(pilot, lambda: disclosures.get_disclosure(colleague, key).version
                    == theirs.version + 1, "the merged save")
        await settle(pilot)
        assert editor.query_one("#f-summary", TextArea).text == "Balances cells while charging."
        assert not editor.has_unsaved_changes()
    stored = disclosures.get_disclosure(colleague, key)
    assert (stored.summary, stored.variants, stored.advantages) == (
        "Balances cells while charging.", "A second comparator", "Cheaper")
    _actor, changes = last_update(colleague, key)
    assert changes["conflict"] == [theirs.version, "merged"]
    assert set(changes) == {"advantages", "conflict"}


async def test_back_to_editing_saves_nothing_and_keeps_the_text(
    sqlite_store: Store, colleague: Store, key: str, tmp_path: Path
) -> None:
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, key)
        editor.query_one("#f-advantages", TextArea).focus()
        await pilot.press(*"Cheaper")
        save_as_colleague(colleague, key, variants="theirs")
        await pilot.press("ctrl+s")
        await conflict_shown(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is editor, "the editor again")
        notice = str(editor.query_one("#editor-notice", Static).render())
        assert "changed elsewhere" in notice and "ctrl+s asks again" in notice
        assert editor.query_one("#f-advantages", TextArea).text == "Cheaper"
        assert editor.has_unsaved_changes()
        await pilot.press("ctrl+s")  # asks again
        await conflict_shown(pilot, app)
        await pilot.press("escape")
    stored = disclosures.get_disclosure(colleague, key)
    assert (stored.variants, stored.advantages) == ("theirs", "")


async def test_a_restored_buffer_is_measured_against_the_version_it_was_typed_on(
    sqlite_store: Store, colleague: Store, key: str, tmp_path: Path
) -> None:
    first = make_app(sqlite_store, tmp_path)
    async with first.run_test(size=SIZE) as pilot:  # typed, then the terminal closed
        editor = await open_editor(pilot, key)
        editor.query_one("#f-advantages", TextArea).focus()
        await pilot.press(*"Cheaper")
        # The whole word, not the first autosave: on a slow machine a pause between two
        # keys can outlast the autosave delay and buffer "C" alone before the rest.
        await until(pilot, lambda: buffered_advantages(colleague, key) == "Cheaper",
                    "the typed word in the autosave buffer")
    save_as_colleague(colleague, key, title="Cell balancing by pulses")
    second = make_app(sqlite_store, tmp_path)
    async with second.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, key)
        assert editor.query_one("#f-advantages", TextArea).text == "Cheaper"
        await pilot.press("ctrl+s")
        dialog = await conflict_shown(pilot, second)
        # Only the colleague changed the title since the buffer's version: theirs is kept.
        assert dialog.use() == {"title": "theirs", "advantages": "mine"}
        await pilot.press("m")
        await until(pilot, lambda: disclosures.get_disclosure(colleague, key).advantages
                    == "Cheaper", "the merged save")
    stored = disclosures.get_disclosure(colleague, key)
    assert stored.title == "Cell balancing by pulses"
