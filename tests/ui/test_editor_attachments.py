"""Attaching files in the disclosure editor: typed, pasted or dropped paths and the folder
tree, with the limits and messages of `firstfile attach`."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from firstfile.domain.attachments import pasted_paths, sha256_of
from firstfile.services import attachments, disclosures
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from firstfile.ui.dialogs.file_picker import AttachableTree, FilePickerDialog
from firstfile.ui.screens.editor import EditorScreen
from tests.ui.helpers import make_app, open_editor, until
from tests.ui.test_editor import seed_disclosure


def png_bytes() -> bytes:
    """A real one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def listed(editor: EditorScreen) -> str:
    return str(editor.query_one("#attachment-list", Static).render())


def said(editor: EditorScreen) -> str:
    return str(editor.query_one("#attach-message", Static).render())


async def type_into(pilot: Pilot[None], editor: EditorScreen, widget_id: str,
                    text: str) -> None:
    widget = editor.query_one(widget_id, Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)


def test_pasted_and_dropped_paths() -> None:
    assert pasted_paths("'/tmp/My board.png' ") == ["/tmp/My board.png"]
    assert pasted_paths("/tmp/My\\ board.png") == ["/tmp/My board.png"]
    assert pasted_paths("file:///tmp/My%20board.png") == ["/tmp/My board.png"]
    assert pasted_paths("/tmp/My board.png") == ["/tmp/My board.png"]
    assert pasted_paths("'/tmp/a.png' '/tmp/b c.csv'") == ["/tmp/a.png", "/tmp/b c.csv"]
    assert pasted_paths("  ") == []


async def test_a_typed_path_is_attached_listed_stored_and_audited(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    figure = tmp_path / "balancer.png"
    figure.write_bytes(png_bytes())
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        assert "No files attached" in listed(editor)
        version = editor._expected_version
        await type_into(pilot, editor, "#attach-path", str(figure))
        await type_into(pilot, editor, "#attach-caption", "Comparator and bleed resistors")
        await pilot.press("enter")
        await until(pilot, lambda: "Figure 1" in listed(editor), "the file in the list")
        shown = listed(editor)
        digest = sha256_of(png_bytes())
        assert "balancer.png" in shown and "Comparator and bleed resistors" in shown
        assert digest[:12] in shown and "bytes" in shown
        assert "Attached balancer.png" in said(editor)
        assert editor.query_one("#attach-path", Input).value == ""
        # the attach moved the record's version on; a save afterwards is no conflict
        assert editor._expected_version == (version or 0) + 1
        assert not editor.has_unsaved_changes()

    view = disclosures.get_disclosure(sqlite_store, key)
    assert [(a.file_name, a.caption, a.sha256) for a in view.attachments] == [
        ("balancer.png", "Comparator and bleed resistors", digest)]
    assert attachments.contents(sqlite_store, [digest]) == {digest: png_bytes()}
    with sqlite_store.read() as db:
        actions = db.execute(select(AuditEvent.action).where(
            AuditEvent.entity_key == key)).scalars().all()
    assert "attach" in actions


async def test_a_dropped_path_with_spaces_and_a_refused_kind(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    data = tmp_path / "cell test data.csv"
    data.write_text("cell,mV\n1,4100\n")
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ\x90\x00")
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, key)
        # The refusal is the one `firstfile attach` gives, and nothing is written.
        await type_into(pilot, editor, "#attach-path", str(program))
        await pilot.click("#attach-button")
        await until(pilot, lambda: "Not attached" in said(editor), "the refusal")
        assert "this kind of file is not accepted" in said(editor)
        assert editor.query_one("#attach-message").has_class("-error")
        assert disclosures.get_disclosure(sqlite_store, key).attachments == ()
        # A terminal hands a dropped file over quoted: it is read whole.
        await type_into(pilot, editor, "#attach-path", f"'{data}' ")
        await pilot.press("enter")
        await until(pilot, lambda: "cell test data.csv" in listed(editor), "the csv listed")
        assert listed(editor).startswith("File")
        # Attaching the same bytes again changes nothing and says so.
        await type_into(pilot, editor, "#attach-path", str(data))
        await pilot.press("enter")
        await until(pilot, lambda: "attached already" in said(editor), "the repeat")
    assert [a.file_name for a in disclosures.get_disclosure(sqlite_store, key).attachments] == [
        "cell test data.csv"]


async def test_a_file_chosen_in_the_folder_tree_is_attached(
    sqlite_store: Store, tmp_path: Path
) -> None:
    key = seed_disclosure(sqlite_store)
    (tmp_path / "notes.exe").write_bytes(b"MZ")
    (tmp_path / "board.png").write_bytes(png_bytes())
    app = make_app(sqlite_store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_editor(pilot, key)
        await type_into(pilot, editor, "#attach-path", f"{tmp_path}/")
        await pilot.click("#attach-browse")
        await until(pilot, lambda: isinstance(app.screen, FilePickerDialog), "the picker")
        tree = app.screen.query_one(AttachableTree)

        def names() -> list[str]:
            return [str(node.label) for node in tree.root.children]

        await until(pilot, lambda: "board.png" in names(), "the folder read")
        assert "notes.exe" not in names()  # only the kinds that may be attached
        tree.move_cursor(tree.root.children[names().index("board.png")])
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is editor, "back in the editor")
        assert editor.query_one("#attach-path", Input).value == str(tmp_path / "board.png")
        assert app.focused is editor.query_one("#attach-caption", Input)
        await pilot.press(*"Top side", "enter")
        await until(pilot, lambda: "Figure 1" in listed(editor), "the figure listed")
    [attached] = disclosures.get_disclosure(sqlite_store, key).attachments
    assert (attached.file_name, attached.caption) == ("board.png", "Top side")
