"""The transfer register: files hashed (content kept only when asked), linked to components
and to where the checklist's NDA item stood; bad input writes nothing; every entry is
audited; the internal workbook lists every file with its hash."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from firstfile.services.agreements import ItemUpdate, update_item
from firstfile.services.audit_trail import read_trail
from firstfile.services.errors import NotFound, UserError
from firstfile.services.transfers import list_transfers, record_transfer
from firstfile.services.verification import verify
from firstfile.storage.engine import Store, open_store
from tests.factories import seed_basics


def _files(tmp_path: Path) -> list[Path]:
    drawing = tmp_path / "bms-rev-c.pdf"
    drawing.write_bytes(b"%PDF-1.7 schematic rev C\n" * 1000)
    bom = tmp_path / "bom.csv"
    bom.write_text("part,qty\nBQ76952,1\n")
    return [drawing, bom]


_COUNTS = {
    name: text(f"SELECT COUNT(*) FROM {name}")  # noqa: S608 (names from this file only)
    for name in ("transfer", "transferfile", "auditevent")
}


def _count(store: Store, table: str) -> int:
    with store.read() as db:
        return int(db.execute(_COUNTS[table]).scalar_one())


def test_a_transfer_is_recorded_with_hashes_components_and_the_nda_item(
    store: Store, tmp_path: Path
) -> None:
    seed_basics(store)  # sz-pcba is in CN: its confidentiality item is the NNN agreement
    drawing, bom = _files(tmp_path)
    entry = record_transfer(
        store,
        engagement_key="ACME-2026",
        vendor_key="sz-pcba",
        sent_on=date(2026, 2, 23),
        files=[drawing, bom],
        actor="jdoe",
        components=["bms-fw"],
        agreement="NNN of 2026-02-01",
        description="RFQ package",
    )
    assert [(f.name, f.size, f.sha256) for f in entry.files] == [
        (p.name, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in (drawing, bom)
    ]
    assert (entry.nda_item, entry.nda_status, entry.nda_done) == (
        "nnn-non-disclosure",
        "open",
        False,
    )
    assert entry.components == ("bms-fw",)
    assert list_transfers(store) == [entry]
    assert list_transfers(store, vendor_key="nobody") == []
    # Only hashes are kept unless asked.
    with store.read() as db:
        assert (
            db.execute(
                text("SELECT COUNT(*) FROM transferfile WHERE content IS NOT NULL")
            ).scalar_one()
            == 0
        )
    (audited,) = [e for e in read_trail(store).entries if e.entity == "transfer"]
    assert audited.entity_key == f"ACME-2026/sz-pcba/{entry.id}"
    assert audited.changes["transfer"][1]["files"] == [
        [f.name, f.size, f.sha256] for f in entry.files
    ]
    assert verify(store).ok


def test_the_nda_status_is_taken_as_it_stood_and_content_kept_when_asked(
    store: Store, tmp_path: Path
) -> None:
    seed_basics(store)
    update_item(
        store,
        "ACME-2026",
        "sz-pcba",
        "nnn-non-disclosure",
        ItemUpdate(status="done", done_on=date(2026, 2, 1)),
        actor="jdoe",
    )
    drawing, _ = _files(tmp_path)
    entry = record_transfer(
        store,
        engagement_key="ACME-2026",
        vendor_key="sz-pcba",
        sent_on=date(2026, 2, 23),
        files=[drawing],
        actor="jdoe",
        keep_content=True,
    )
    assert (entry.nda_status, entry.files[0].kept) == ("done", True)
    with store.read() as db:
        kept = db.execute(text("SELECT content FROM transferfile")).scalar_one()
    assert bytes(kept) == drawing.read_bytes()


def test_bad_input_writes_nothing(store: Store, tmp_path: Path) -> None:
    seed_basics(store)
    drawing, _ = _files(tmp_path)
    rows = _count(store, "auditevent")
    cases = [
        (UserError, "cannot read", dict(files=[drawing, tmp_path / "missing.pdf"])),
        (NotFound, "no component 'gearbox'", dict(files=[drawing], components=["gearbox"])),
        (NotFound, "no vendor 'acme-molds'", dict(files=[drawing], vendor_key="acme-molds")),
        (UserError, "at least one file", dict(files=[])),
        (UserError, "in the future", dict(files=[drawing], sent_on=date(2999, 1, 1))),
    ]
    for error, message, given in cases:
        arguments = (
            dict(
                engagement_key="ACME-2026",
                vendor_key="sz-pcba",
                sent_on=date(2026, 2, 23),
                actor="jdoe",
            )
            | given
        )
        with pytest.raises(error, match=message):
            record_transfer(store, **arguments)  # type: ignore[arg-type]
    assert (_count(store, "transfer"), _count(store, "transferfile")) == (0, 0)
    assert _count(store, "auditevent") == rows


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FIRSTFILE_USER="Jane Doe")
    return subprocess.run(
        [sys.executable, "-m", "firstfile", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_cli_records_lists_and_exports_the_register(tmp_path: Path) -> None:
    db = str(tmp_path / "firstfile.db")
    store = open_store(db)
    try:
        seed_basics(store)
    finally:
        store.dispose()
    drawing, bom = _files(tmp_path)
    done = _cli(
        "transfers",
        "record",
        "ACME-2026",
        "sz-pcba",
        "--file",
        str(drawing),
        "--file",
        str(bom),
        "--sent-on",
        "2026-02-23",
        "--component",
        "bms-fw",
        "--description",
        '=HYPERLINK("http://x")',
        "--db",
        db,
    )
    assert done.returncode == 0, done.stderr
    assert f"{hashlib.sha256(bom.read_bytes()).hexdigest()}  bom.csv" in done.stdout
    assert "nnn-non-disclosure item was open, not done" in done.stderr
    listed = json.loads(_cli("transfers", "list", "--json", "--db", db).stdout)
    assert [(e["vendor"], e["sent_on"], len(e["files"])) for e in listed] == [
        ("sz-pcba", "2026-02-23", 2)
    ]
    assert listed[0]["actor_name"] == "Jane Doe"

    out = tmp_path / "register.xlsx"
    assert _cli("transfers", "export", "-o", str(out), "--db", db).returncode == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Entry", "Sent on", "Engagement")
    assert [(r[7], r[9]) for r in rows[1:]] == [
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in (drawing, bom)
    ]
    assert rows[1][12] == '\'=HYPERLINK("http://x")'  # user text is data, never a formula

    missing = _cli(
        "transfers",
        "record",
        "ACME-2026",
        "sz-pcba",
        "--file",
        str(tmp_path / "nope.pdf"),
        "--db",
        db,
    )
    assert missing.returncode == 1 and "cannot read" in missing.stderr


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        ("UPDATE transfer SET sent_on = '2026-03-30'", "changed outside firstfile"),
        ("UPDATE transfer SET nda_status = 'done'", "changed outside firstfile"),
        (
            "UPDATE transferfile SET sha256 = '" + "0" * 64 + "' WHERE name = 'bom.csv'",
            "changed outside firstfile",
        ),
        ("DELETE FROM transferfile WHERE name = 'bom.csv'", "changed outside firstfile"),
        (
            "UPDATE auditevent SET entity_key = 'x' WHERE entity = 'transfer'",
            "no audit record of its own",
        ),
    ],
    ids=["back-dated", "nda-status", "file-hash", "file-removed", "audit-unlinked"],
)
def test_verify_catches_a_register_changed_behind_firstfiles_back(
    store: Store, tmp_path: Path, sql: str, what: str
) -> None:
    seed_basics(store)
    entry = record_transfer(
        store,
        engagement_key="ACME-2026",
        vendor_key="sz-pcba",
        sent_on=date(2026, 2, 23),
        files=_files(tmp_path),
        actor="jdoe",
    )
    before = verify(store)
    assert before.ok and before.transfers == 1
    with store.engine.begin() as conn:
        conn.execute(text(sql))
    report = verify(store)
    about = [p for p in report.problems if p.where.startswith(f"transfer {entry.id} (")]
    assert [p.kind for p in about] == ["transfer"], report.problems
    assert what in about[0].what


def test_verify_catches_a_deleted_entry(store: Store, tmp_path: Path) -> None:
    seed_basics(store)
    entry = record_transfer(
        store,
        engagement_key="ACME-2026",
        vendor_key="sz-pcba",
        sent_on=date(2026, 2, 23),
        files=_files(tmp_path),
        actor="jdoe",
    )
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM transferfile"))
        conn.execute(text("DELETE FROM transfer"))
    (problem,) = verify(store).problems
    assert (problem.kind, problem.where) == ("transfer", f"transfer {entry.id}")
    assert "recorded it, but it is missing (deleted)" in problem.what
