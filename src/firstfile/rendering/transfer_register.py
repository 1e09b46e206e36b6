"""The transfer register as an internal workbook: one row per file sent, so each file's hash
sits beside the vendor, the day, the agreement and where the NDA item stood. Internal only:
it names every vendor and what each received."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

from firstfile.rendering.bundle import cell_text

COLUMNS: tuple[str, ...] = (
    "Entry",
    "Sent on",
    "Engagement",
    "Vendor",
    "Agreement",
    "NDA item",
    "NDA status when recorded",
    "File",
    "Bytes",
    "SHA-256",
    "Content kept",
    "Components",
    "Description",
    "Recorded at (UTC)",
    "Recorded by",
)


def register_xlsx(entries: Sequence[Any]) -> bytes:
    """The workbook of entries (services/transfers.TransferView), oldest first."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Transfers")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    rows = 0
    for entry in entries:
        who = entry.actor + (f" ({entry.actor_name})" if entry.actor_name != entry.actor else "")
        for fact in entry.files:
            values: list[Any] = []
            for value in (entry.id, entry.sent_on, entry.engagement_key,
                          f"{entry.vendor_name} ({entry.vendor_key})", entry.agreement,
                          entry.nda_item, entry.nda_status, fact.name, fact.size, fact.sha256,
                          "yes" if fact.kept else "no", ", ".join(entry.components),
                          entry.description.replace("\n", " "),
                          _utc(entry.recorded_at), who):
                if isinstance(value, date | datetime):
                    # Set apart from the constructor, whose typing leaves out date (the
                    # cell's value takes it, and the constructor only passes it on).
                    cell = WriteOnlyCell(sheet)
                    cell.value = value
                    cell.number_format = ("yyyy-mm-dd hh:mm:ss" if isinstance(value, datetime)
                                          else "yyyy-mm-dd")
                    values.append(cell)
                else:
                    values.append(cell_text(value))
            sheet.append(values)
            rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
    workbook.properties.title = "Transfer register (internal, confidential)"
    workbook.properties.creator = "firstfile"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _utc(moment: datetime) -> datetime:
    """A moment in UTC without its zone (a workbook cell has none); naive is UTC already."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
