"""The facilitation screen's writer jobs on a real database, without a screen.

The minutes are one more job on the writer, so they hold every change handed in before them
and none handed in after: no waiting for the queue to empty, and never stale minutes.
"""

from __future__ import annotations

import threading
from pathlib import Path

import docx

from firstfile.services import sessions
from firstfile.services.serial_writer import Outcome, SerialWriter
from firstfile.storage.engine import Store
from firstfile.ui.screens.facilitation import minutes_job
from tests.integration.sessions_fixtures import seeded_session

TIMEOUT = 60


def test_minutes_hold_every_capture_queued_before_them_and_none_after(
        store: Store, tmp_path: Path) -> None:
    view = seeded_session(store)
    prompts, _problems = sessions.session_prompts(view, [])
    outcomes: list[Outcome] = []
    writer: SerialWriter[Store] = SerialWriter(lambda: store, outcomes.append)
    release = threading.Event()
    writer.submit("gate", lambda _store: release.wait(TIMEOUT))
    thread = writer.start()
    before = [f"Idea {n} voiced before the minutes were asked for" for n in range(12)]
    for number, text in enumerate(before):
        writer.submit("capture", lambda s, text=text, number=number: sessions.capture_idea(
            s, session_id=view.id, text=text, author=("jdoe", "rsmith", "wli")[number % 3],
            actor="tester"))
    writer.submit("minutes", minutes_job(view.id, prompts, str(tmp_path / "out"), None))
    writer.submit("capture", lambda s: sessions.capture_idea(
        s, session_id=view.id, text="Voiced after the minutes", author="jdoe", actor="tester"))
    # Nothing has been written yet: the first job holds the writer.
    assert sessions.session_by_id(store, view.id).ideas == ()
    release.set()
    assert writer.wait_idle(TIMEOUT)
    writer.close()
    thread.join(TIMEOUT)

    assert [o.kind for o in outcomes] == ["gate", *["capture"] * 12, "minutes", "capture"]
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    docx_path, md_path = outcomes[13].result
    assert (docx_path.suffix, md_path.suffix) == (".docx", ".md")
    document = docx.Document(str(docx_path))
    written = "\n".join([p.text for p in document.paragraphs]
                        + [c.text for t in document.tables for r in t.rows for c in r.cells])
    markdown = md_path.read_text(encoding="utf-8")
    for text in before:
        assert text in written and text in markdown
    assert "Voiced after the minutes" not in written + markdown
    assert len(sessions.session_by_id(store, view.id).ideas) == 13


def test_a_minutes_job_that_cannot_write_reports_why_and_the_writer_goes_on(
        store: Store, tmp_path: Path) -> None:
    view = seeded_session(store)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    outcomes: list[Outcome] = []
    writer: SerialWriter[Store] = SerialWriter(lambda: store, outcomes.append)
    writer.submit("minutes", minutes_job(view.id, [], str(blocked / "minutes"), None))
    writer.submit("capture", lambda s: sessions.capture_idea(
        s, session_id=view.id, text="Still saved", author="jdoe", actor="tester"))
    writer.close()
    writer.run()
    failed, saved = outcomes
    assert failed.kind == "minutes" and not failed.ok
    assert "choose another folder" in str(failed.error)
    assert saved.ok and saved.result.text == "Still saved"
    assert blocked.read_text() == "not a folder"
