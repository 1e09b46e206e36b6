"""The parts of a counsel bundle other than the documents: the index workbook, the manifest,
and the zip that holds them all.

    <name>.zip
      docx/FF-2026-0001.docx ...   one document per disclosure
      attachments/FF-2026-0001/01-drawing.png ...   every attached file, where
                                    disclosures.json names it
      index.xlsx                    one row per disclosure
      disclosures.json              the disclosures in the firstfile/1 interchange shape
      evidence/                     audit chain, anchors, timestamps, signatures, VERIFY.md
                                    (rendering/evidence_files.py)
      manifest.json                 SHA-256 and size of every other file

Everything here works on plain rows and bytes; services/bundle.py gathers them.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from pathvalidate import sanitize_filename

from firstfile.domain.text import clean_line
from firstfile.rendering.safe_files import ExportError

BUNDLE_FORMAT = "firstfile-bundle/1"
DOCX_FOLDER = "docx"
INDEX_NAME = "index.xlsx"
JSON_NAME = "disclosures.json"
MANIFEST_NAME = "manifest.json"
INDEX_MARKING = "CONFIDENTIAL: prepared for patent counsel."
# The dates inside the zip are fixed: the same disclosures give the same bytes, so a bundle
# can be compared with an earlier one by its hash.
_ZIP_DATE = (2026, 1, 1, 0, 0, 0)

INDEX_COLUMNS: tuple[str, ...] = (
    "Key",
    "Title",
    "Status",
    "Decision",
    "Decided on",
    "Inventors",
    "Joint vendor",
    "Next deadline",
    "Deadline rule",
    "Deadline state",
    "Engagement",
)


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One line of index.xlsx."""

    key: str
    title: str
    status: str
    decision: str
    decided_on: date | None
    inventors: tuple[str, ...]
    joint_vendors: tuple[str, ...]
    next_due: date | None
    next_rule: str
    next_state: str
    engagement: str

    def cells(self) -> list[Any]:
        """The row's cells in INDEX_COLUMNS order (dates stay dates: Excel sorts them)."""
        return [
            self.key, self.title, self.status, self.decision, self.decided_on,
            "; ".join(self.inventors), ", ".join(self.joint_vendors), self.next_due,
            self.next_rule, self.next_state, self.engagement,
        ]


# Letters and digits in hyphenated groups (FF-2026-0001): a plain file name on every system
# (no reserved device name has a hyphen), so such keys skip pathvalidate, which costs a
# fortieth of a document per call. tests/unit/test_bundle_skeleton.py checks the claim.
PLAIN_KEY = re.compile(r"[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20}){1,3}")


def docx_name(key: str) -> str:
    """`docx/<KEY>.docx`, refusing a key that is not a plain file name (never a path)."""
    if PLAIN_KEY.fullmatch(key):
        return f"{DOCX_FOLDER}/{key}.docx"
    name = sanitize_filename(key)
    if not key or name != key or key.startswith("."):
        raise ExportError(f"the key {key!r} cannot be used as a file name in the bundle")
    return f"{DOCX_FOLDER}/{key}.docx"


def cell_text(value: Any) -> Any:
    """A value for a workbook cell: text cleaned, and never read as a formula."""
    # A cell starting with = + - @ would be read as a formula by Excel: user text is data.
    if isinstance(value, str):
        value = clean_line(value)
        if value[:1] in ("=", "+", "-", "@"):
            return "'" + value
    return value


def index_xlsx(rows: Iterable[IndexRow], *, organization: str = "") -> bytes:
    """The index workbook: a header row, one row per disclosure, frozen header, filters; its
    properties carry the confidentiality marking, naming organization when one is given.

    Written in openpyxl's write-only mode, which streams rows instead of keeping a cell
    object per value (three times faster for a thousand rows).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Disclosures")
    for index, width in enumerate((14, 48, 11, 22, 11, 36, 24, 13, 22, 13, 16), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in INDEX_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        values: list[Any] = []
        for value in row.cells():
            if isinstance(value, date):
                # openpyxl writes dates; its stubs list datetime only.
                cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
                cell.number_format = "yyyy-mm-dd"
                values.append(cell)
            else:
                values.append(cell_text(value))
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(INDEX_COLUMNS))}{count + 1}"
    workbook.properties.title = "Counsel bundle index"
    from firstfile.rendering.wording import owned_marking

    workbook.properties.subject = owned_marking(INDEX_MARKING, organization)
    workbook.properties.creator = "firstfile"
    # Fixed so the same rows give the same workbook bytes.
    workbook.properties.created = datetime(2026, 1, 1)
    workbook.properties.modified = datetime(2026, 1, 1)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def disclosures_json(records: Sequence[dict[str, Any]]) -> bytes:
    """The disclosures part of a `firstfile/1` file, as JSON (dates as ISO strings)."""
    from firstfile.interchange.document import FORMAT_NAME

    # One disclosure per line: readable in a diff, and json's C encoder only runs without
    # indent (indenting a thousand disclosures took longer than writing their documents).
    body = ",\n".join(json.dumps(record, ensure_ascii=False, default=_iso) for record in records)
    text = f'{{"format": {json.dumps(FORMAT_NAME)}, "disclosures": [\n{body}\n]}}\n'
    return text.encode("utf-8")


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def manifest(files: Sequence[tuple[str, bytes]], *, created: datetime,
             details: dict[str, Any]) -> bytes:
    """manifest.json: the SHA-256 and size of every file, and how the bundle was made."""
    data = {
        "format": BUNDLE_FORMAT,
        "created": created.isoformat(timespec="seconds"),
        **details,
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in files
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def zip_bundle(files: Sequence[tuple[str, bytes]]) -> bytes:
    """The bundle's zip. Documents and the workbook are zips already, so they are stored;
    the JSON files are compressed."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = 0o600 << 16  # confidential: owner only when unpacked
            if name.endswith((".docx", ".xlsx")):
                info.compress_type = zipfile.ZIP_STORED
                bundle.writestr(info, data)
            else:
                # Level 1: a third of the time of the default for JSON of a few megabytes,
                # and nearly as small (JSON repeats its keys).
                info.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(info, data, compresslevel=1)
    return out.getvalue()
