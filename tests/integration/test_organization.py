"""The organisation's name: set at init, changed later, audited, and printed in documents
where they would otherwise name no one."""

from __future__ import annotations

from pathlib import Path

import docx
from sqlalchemy import select

from firstfile.resources import sample_sessions
from firstfile.storage.engine import open_store
from firstfile.storage.tables import AuditEvent
from tests.integration.cli_run import run
from tests.unit.docx_reading import open_docx, rows, sections


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_the_organisation_named_at_init_appears_in_documents(tmp_path: Path) -> None:
    db = str(tmp_path / "firstfile.db")
    run("init", "--organization", "Northfield Power GmbH", db=db)
    assert run("organization", db=db).stdout.strip() == "Northfield Power GmbH"
    run("import", str(sample_sessions() / "bms-shenzhen.yaml"), db=db)
    key = run("disclosures", "list", db=db).stdout.split()[0]
    run("export", "disclosure", key, "-o", str(tmp_path / "out"), db=db)
    found = sections(open_docx(tmp_path / "out" / f"{key}.docx"))
    people = rows(found["Inventors and contributors"].tables[0])
    own = [row[2] for row in people[1:] if row[2].startswith("Own staff")]
    assert own and all(a == "Own staff: Northfield Power GmbH" for a in own)

    run(
        "export",
        "checklist",
        "bms48-shenzhen",
        "huaxin-pcba",
        "-o",
        str(tmp_path / "cl"),
        "--audience",
        "vendor",
        db=db,
    )
    (checklist,) = (tmp_path / "cl").glob("*.docx")
    text = _text(checklist)
    assert "For Northfield Power GmbH" in text and "the customer" not in text

    run("organization", "Northfield Power AG", db=db)
    assert run("organization", db=db).stdout.strip() == "Northfield Power AG"
    store = open_store(db)
    try:
        with store.read() as session:
            changes = [
                e.changes
                for e in session.execute(
                    select(AuditEvent).where(AuditEvent.entity == "setting")
                ).scalars()
            ]
        assert len(changes) == 2 and "Northfield Power AG" in changes[1]
    finally:
        store.dispose()
    empty = run("organization", "   ", db=db, check=False)
    assert empty.returncode == 1 and "give the organisation's name" in empty.stderr
