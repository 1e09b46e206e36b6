"""A disclosure's history in the TUI: f7 in the editor shows every audit row about it, the
highlighted change's fields old -> new, and its evidence now; escape returns to the editor."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from firstfile.services import disclosures
from firstfile.services.audit_trail import read_trail
from firstfile.services.signatures import sign
from firstfile.storage.engine import Store
from firstfile.ui.screens.editor import EditorScreen
from firstfile.ui.screens.history import HistoryScreen
from tests.ui.helpers import make_app
from tests.ui.test_editor_workflow import JOINT, open_editor, settle


async def test_f7_shows_the_history_and_evidence(loaded: Store, tmp_path: Path) -> None:
    view = disclosures.get_disclosure(loaded, JOINT)
    inventor = next(p.person_key for p in view.inventors if p.role == "inventor")
    sign(loaded, JOINT, meaning="inventor", actor="tester", person_key=inventor,
         key_file=tmp_path / "key.pem")
    entries = read_trail(loaded, JOINT).entries
    app = make_app(loaded, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_editor(pilot, JOINT)
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-table", DataTable)
        assert table.row_count == len(entries) > 1
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == [
            str(e.seq) for e in entries]
        evidence = str(screen.query_one("#history-evidence", Static).render())
        assert "Not timestamped" in evidence
        assert "inventor: " in evidence and "covers this text" in evidence
        detail = str(screen.query_one("#history-detail", Static).render())
        assert f"sign disclosure {JOINT}" in detail  # the newest change, highlighted
        table.move_cursor(row=0)
        await settle(pilot)
        detail = str(screen.query_one("#history-detail", Static).render())
        assert f"{entries[0].action} disclosure {JOINT}" in detail
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
