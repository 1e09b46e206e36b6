"""Every field a person types into or picks from carries a label of its own: a placeholder
vanishes as soon as something is typed, and one label over three fields says nothing about
which is which."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static

from firstfile.settings import Settings
from firstfile.storage.engine import Store
from firstfile.ui.app import FirstfileApp
from firstfile.ui.screens.disclosure_list import DisclosureListScreen
from firstfile.ui.screens.review_queue import DecisionDialog
from tests.ui.test_session_setup_room import open_form, seed_with_an_outsider

FIELDS = (Input, Select, SelectionList)


def label_before(field: Widget) -> str:
    """The text of the Label right before field among its siblings, "" when there is none."""
    siblings = list(field.parent.children) if field.parent is not None else []
    index = siblings.index(field)
    before = siblings[index - 1] if index > 0 else None
    return str(before.render()) if isinstance(before, Label) else ""


async def test_each_field_of_the_session_set_up_has_its_own_label(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    seed_with_an_outsider(sqlite_store)
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(app, pilot)
        fields = [w for w in screen.query("*") if isinstance(w, FIELDS)
                  and w.id and w.id.startswith("setup-")]
        assert len(fields) >= 12
        unlabelled = [w.id for w in fields if not label_before(w)]
        assert unlabelled == []
        labels = {w.id: label_before(w) for w in fields}
        assert labels["setup-time-box"] == "Time box (minutes)"
        assert labels["setup-dots"] == "Dots per participant"
        assert labels["setup-date"] == "Date (YYYY-MM-DD)"


async def test_the_decision_rationale_and_the_list_search_are_labelled(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    app = FirstfileApp(Settings(db=None, actor="tester", templates_dir=tmp_path),
                       store=sqlite_store)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = DecisionDialog("ACME-2026-001")
        await app.push_screen(dialog)
        await pilot.pause()
        assert label_before(dialog.query_one("#decision-rationale", Input)).startswith(
            "Rationale")
        dialog.dismiss(None)
        await pilot.pause()
        screen = DisclosureListScreen()
        await app.push_screen(screen)
        await pilot.pause()
        label = screen.query_one("#search-label", Static)
        assert str(label.render()).strip() == "Search"
        # Beside the box it labels, on the same line, and shown at 80 columns.
        search = screen.query_one("#search", Input)
        assert label.region.y == search.region.y and label.region.right <= search.region.x
        assert label.region.width > 0
