"""Files attached to a disclosure: the CLI, the store, the DOCX figures, the bundle, the
interchange format and purging, on real databases and real files."""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from firstfile.domain.attachments import MAX_FILE_BYTES, MAX_FILES
from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import read_document
from firstfile.services import attachments, disclosures, purge, roles
from firstfile.services.attachments import NewFile
from firstfile.services.bundle import build_bundle
from firstfile.services.errors import UserError
from firstfile.services.importer import ImportRefused, import_document
from firstfile.services.interchange_export import write_engagement
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AttachmentBlob, AuditEvent, DisclosureAttachment
from tests.factories import seed_basics
from tests.integration.cli_run import run

_INLINE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (any image viewer and LibreOffice open it)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def key(store: Store) -> str:
    seed_basics(store)
    draft = DisclosureDraft(
        title="Potting compound with a thermal gradient",
        engagement_key="ACME-2026",
        inventors=(InventorEntry("jdoe", "inventor", 100),),
    )
    return disclosures.create_disclosure(store, draft, actor="tester").key


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    made = {
        "curve.png": png(400, 200, (200, 40, 40)),
        "section.png": png(300, 300, (40, 40, 200)),
        "bench.csv": b"t,v\n0,1.5\n1,1.7\n",
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


def _db_arg(db_url: str) -> str:
    return db_url.removeprefix("sqlite:///")


def _counts(store: Store) -> tuple[int, int, int]:
    with store.read() as db:
        return (
            db.execute(select(func.count()).select_from(DisclosureAttachment)).scalar_one(),
            db.execute(select(func.count()).select_from(AttachmentBlob)).scalar_one(),
            db.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "attach")
            ).scalar_one(),
        )


def test_two_figures_export_as_numbered_captioned_pictures(
    store: Store, db_url: str, key: str, files: dict[str, Path], tmp_path: Path
) -> None:
    db = _db_arg(db_url)
    out = run(
        "attach",
        key,
        str(files["curve.png"]),
        str(files["section.png"]),
        str(files["bench.csv"]),
        "--caption",
        "Temperature across the module",
        "--caption",
        "Cross-section of the potted cell",
        db=db,
    ).stdout
    assert "Figure 1" in out and "Figure 2" in out and "bench.csv" in out
    listed = json.loads(run("disclosures", "attachments", key, "--json", db=db).stdout)
    digest = hashlib.sha256(files["curve.png"].read_bytes()).hexdigest()
    assert [
        (a["file_name"], a["sha256"] if a["file_name"] == "curve.png" else "") for a in listed
    ] == [("curve.png", digest), ("section.png", ""), ("bench.csv", "")]
    assert listed[2]["size"] == files["bench.csv"].stat().st_size

    run("export", "disclosure", key, "-o", str(tmp_path / "out"), db=db)
    document = docx.Document(str(tmp_path / "out" / f"{key}.docx"))
    assert len(document.inline_shapes) == 2
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Figure 1: Temperature across the module",
        "Figure 2: Cross-section of the potted cell",
    ]
    # Each picture comes right before its caption, and is the attached file's own bytes.
    paragraphs = document.paragraphs
    for caption in captions:
        index = next(i for i, p in enumerate(paragraphs) if p.text == caption)
        assert paragraphs[index - 1]._p.findall(f".//{_INLINE}")
    images = sorted(
        part.blob for part in document.part.package.parts if part.content_type == "image/png"
    )
    assert images == sorted([files["curve.png"].read_bytes(), files["section.png"].read_bytes()])
    # Every file in the table with its size and hash; the CSV listed, not embedded.
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "No.")
    assert [row.cells[0].text for row in table.rows[1:]] == ["Figure 1", "Figure 2", "File"]
    assert table.rows[1].cells[3].text == digest


def test_attaching_is_one_audited_change_and_twice_changes_nothing(
    store: Store, key: str, files: dict[str, Path]
) -> None:
    before = disclosures.get_disclosure(store, key)
    new = [NewFile("curve.png", files["curve.png"].read_bytes(), "Curve")]
    first = attachments.attach_files(store, key, new, actor="tester")
    assert first.view.version == before.version + 1
    assert _counts(store) == (1, 1, 1)
    again = attachments.attach_files(store, key, new, actor="tester")
    assert (again.added, again.already) == ((), ("curve.png",))
    assert again.view.version == first.view.version
    assert _counts(store) == (1, 1, 1)


def test_refused_files_leave_nothing_written(
    store: Store, db_url: str, key: str, files: dict[str, Path], tmp_path: Path
) -> None:
    db = _db_arg(db_url)
    program = tmp_path / "in" / "photo.png"
    program.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 64)  # a program, named as a picture
    script = tmp_path / "in" / "setup.exe"
    script.write_bytes(b"MZ")
    result = run(
        "attach", key, str(files["curve.png"]), str(program), str(script), db=db, check=False
    )
    assert result.returncode == 1
    assert "photo.png does not hold what its name says" in result.stderr
    assert "setup.exe: this kind of file is not accepted" in result.stderr
    assert _counts(store) == (0, 0, 0)
    assert disclosures.get_disclosure(store, key).version == 1

    big = tmp_path / "in" / "huge.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    result = run("attach", key, str(big), db=db, check=False)
    assert result.returncode == 1 and "a file may be at most 20.0 MB" in result.stderr

    many = [NewFile(f"run{n}.txt", f"run {n}\n".encode()) for n in range(MAX_FILES + 1)]
    with pytest.raises(UserError, match=f"at most {MAX_FILES} attachments"):
        attachments.attach_files(store, key, many, actor="tester")
    assert _counts(store) == (0, 0, 0)


def test_a_deleted_disclosure_takes_no_attachments(
    store: Store, key: str, files: dict[str, Path]
) -> None:
    disclosures.delete_disclosure(store, key, actor="tester")
    with pytest.raises(UserError, match="restore it first"):
        attachments.attach_files(store, key, [NewFile("bench.csv", b"a,b\n")], actor="tester")
    assert _counts(store) == (0, 0, 0)


def test_the_bundle_carries_every_file_its_figures_and_its_manifest(
    store: Store, key: str, files: dict[str, Path], tmp_path: Path
) -> None:
    attachments.attach_files(
        store,
        key,
        [
            NewFile(name, files[name].read_bytes(), f"Caption of {name}")
            for name in ("curve.png", "section.png", "bench.csv")
        ],
        actor="tester",
    )
    result = build_bundle(store, tmp_path / "bundle.zip")
    with zipfile.ZipFile(result.path) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()}
    records = json.loads(members["disclosures.json"])["disclosures"]
    named = records[0]["attachments"]
    assert [a["name"] for a in named] == ["curve.png", "section.png", "bench.csv"]
    for entry in named:
        assert hashlib.sha256(members[entry["path"]]).hexdigest() == entry["sha256"]
    manifest = {f["path"]: f["sha256"] for f in json.loads(members["manifest.json"])["files"]}
    assert all(manifest[entry["path"]] == entry["sha256"] for entry in named)
    document = docx.Document(BytesIO(members[f"docx/{key}.docx"]))
    assert len(document.inline_shapes) == 2


def test_the_interchange_file_carries_attachments_beside_it(
    store: Store, key: str, files: dict[str, Path], tmp_path: Path, db_url: str
) -> None:
    attachments.attach_files(
        store,
        key,
        [NewFile(name, files[name].read_bytes(), "Shown") for name in ("curve.png", "bench.csv")],
        actor="tester",
    )
    folder = tmp_path / "exchange"
    folder.mkdir()
    written = write_engagement(store, "ACME-2026", folder / "acme.yaml")
    assert [p.relative_to(folder).as_posix() for p in written] == [
        f"attachments/{key}/01-curve.png",
        f"attachments/{key}/02-bench.csv",
        "acme.yaml",
    ]

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        report = import_document(other, read_document(folder / "acme.yaml"), actor="tester")
        assert report.outcomes["attachment added"] == 2
        copied = disclosures.get_disclosure(other, key).attachments
        assert copied == disclosures.get_disclosure(store, key).attachments
        again = import_document(other, read_document(folder / "acme.yaml"), actor="tester")
        assert again.outcomes["attachment added"] == 0
    finally:
        other.dispose()

    # A file that is not the one the record names is refused before anything is written.
    (folder / "attachments" / key / "02-bench.csv").write_bytes(b"t,v\n0,9.9\n")
    with pytest.raises(InterchangeError, match="is not the file the record names"):
        read_document(folder / "acme.yaml")
    text = (folder / "acme.yaml").read_text(encoding="utf-8")
    (folder / "escape.yaml").write_text(
        text.replace(f"attachments/{key}/01-curve.png", "../in/curve.png"), encoding="utf-8"
    )
    with pytest.raises(InterchangeError, match="must be a path inside the file's folder"):
        read_document(folder / "escape.yaml")


def test_attached_files_are_read_for_the_disclosure_that_names_them(
    store: Store, key: str, files: dict[str, Path], tmp_path: Path
) -> None:
    # Disclosures before and after the one with files attach nothing: each is read as it
    # is, and the files' bytes land on the one that names them.
    for title in ("Before it", "After it"):
        disclosures.create_disclosure(
            store, DisclosureDraft(title=title, engagement_key="ACME-2026"), actor="tester"
        )
    attachments.attach_files(
        store, key, [NewFile("bench.csv", files["bench.csv"].read_bytes())], actor="tester"
    )
    folder = tmp_path / "exchange"
    folder.mkdir()
    write_engagement(store, "ACME-2026", folder / "acme.yaml")
    document = read_document(folder / "acme.yaml")
    held = {d.key: [(a.name, a.data) for a in d.attachments] for d in document.disclosures}
    assert len(held) == 3
    assert held.pop(key) == [("bench.csv", files["bench.csv"].read_bytes())]
    assert list(held.values()) == [[], []]


def test_a_file_without_its_attachment_bytes_is_refused(
    store: Store, key: str, tmp_path: Path
) -> None:
    from firstfile.interchange.reader import parse_document
    from firstfile.interchange.writer import dump_document
    from firstfile.services.interchange_export import export_engagement

    attachments.attach_files(store, key, [NewFile("bench.csv", b"t,v\n")], actor="tester")
    text = dump_document(export_engagement(store, "ACME-2026"))
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        with pytest.raises(ImportRefused, match="not read from beside the document"):
            import_document(other, parse_document(text, "acme.yaml"), actor="tester")
        assert _counts(other) == (0, 0, 0)
    finally:
        other.dispose()


def test_purging_removes_files_no_other_disclosure_holds(
    store: Store, key: str, files: dict[str, Path]
) -> None:
    roles.grant(store, roles.whoami(store), "counsel", actor="counsel")
    other = disclosures.create_disclosure(
        store, DisclosureDraft(title="Second", engagement_key="ACME-2026"), actor="tester"
    ).key
    shared = NewFile("curve.png", files["curve.png"].read_bytes())
    attachments.attach_files(store, key, [shared, NewFile("bench.csv", b"t,v\n")], actor="tester")
    attachments.attach_files(store, other, [shared], actor="tester")
    assert _counts(store)[:2] == (3, 2)
    disclosures.delete_disclosure(store, key, actor="tester")
    purge.purge_disclosure(store, key, actor="counsel", rewrite=False)
    assert _counts(store)[:2] == (1, 1)
    assert [a.file_name for a in disclosures.get_disclosure(store, other).attachments] == [
        "curve.png"
    ]


def test_upgrading_a_0010_database_with_data_keeps_it_and_takes_attachments(
    empty_db_url: str,
) -> None:
    from alembic import command
    from sqlalchemy import text

    from firstfile.storage.engine import create_store_engine
    from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision

    old = Store(create_store_engine(empty_db_url), empty_db_url)
    # An empty database, brought to the revision before attachments (0011).
    command.upgrade(alembic_config(old), "0010_evidence")
    with old.write() as db:
        db.execute(
            text(
                "INSERT INTO disclosure (key, title, status, phase, submitter, business_unit, "
                "summary, problem, description, variants, advantages, prior_art, "
                "prototype_exists, records_location, third_parties, jurisdictions, "
                "completed_in_china, made_in_us, joint, source_prompt_id, "
                "german_employee_invention, decision, decision_rationale, reviewer_notes, "
                "created_at, updated_at, version) VALUES ('FF-2025-0001', 'Potting', 'draft', "
                "'', '', '', '', '', '', '', '', '', false, '', '', '', false, false, false, "
                "'', false, '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            )
        )
    old.dispose()
    store = open_store(empty_db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        assert disclosures.get_disclosure(store, "FF-2025-0001").attachments == ()
        result = attachments.attach_files(
            store, "FF-2025-0001", [NewFile("scan.pdf", b"%PDF-1.7\n%%EOF\n")], actor="tester"
        )
        assert [a.media_type for a in result.view.attachments] == ["application/pdf"]
    finally:
        store.dispose()
