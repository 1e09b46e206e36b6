"""An import of several files checks them all before writing any, and writes what it checked:
a file changed after its check is written as it was checked, never unchecked."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.interchange import DisclosureDoc, EngagementDoc, InterchangeDocument, dump_document
from tests.integration.big_files import write_big_file

FIRST_DISCLOSURES = 60  # one group each: many commits between the first line and the end


def _second_file(path: Path, title: str) -> None:
    doc = InterchangeDocument(
        engagement=EngagementDoc(key="small-2025", name="Small engagement"),
        disclosures=(DisclosureDoc(
            draft=DisclosureDraft(title=title, summary="Checked, then changed.",
                                  engagement_key="small-2025"),
            key="FF-2025-0900"),),
    )
    path.write_text(dump_document(doc), encoding="utf-8")


def _keys(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT key FROM disclosure ORDER BY key")]


def test_a_file_changed_after_its_check_is_written_as_checked(tmp_path: Path) -> None:
    first, second, db = tmp_path / "a-big.yaml", tmp_path / "b-small.yaml", tmp_path / "ff.db"
    write_big_file(first, FIRST_DISCLOSURES, ideas=2)
    _second_file(second, "As checked")
    process = subprocess.Popen(
        [sys.executable, "-m", "firstfile", "import", str(first), str(second),
         "--group-size", "1", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert process.stderr is not None
    said = []
    for line in process.stderr:  # both files are checked before the first group is written
        said.append(line)
        if "group 1 of" in line:
            # Held still while the second file changes: the first has many groups to go.
            process.send_signal(signal.SIGSTOP)
            _second_file(second, "Changed after the check")
            process.send_signal(signal.SIGCONT)
            break
    out, rest = process.communicate(timeout=300)
    said.append(rest)
    assert process.returncode == 0, "".join(said)
    assert "a-big.yaml" in out and "b-small.yaml" in out  # both summaries
    assert len(_keys(db)) == FIRST_DISCLOSURES + 1
    with sqlite3.connect(db) as conn:
        title = conn.execute("SELECT title FROM disclosure WHERE key = 'FF-2025-0900'").fetchone()
    assert title == ("As checked",)
