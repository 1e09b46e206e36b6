"""What the Word documents firstfile writes share: opening the base document, a page that
appends paragraphs and tables in the base's styles, header and footer, document properties and
the finished bytes.

The agreement checklist (checklist_docx), the internal risk report (risk_report_docx) and the
filing-strategy memo (strategy_memo) are built on these. The base is the disclosure's slim
base (`disclosure/base.docx`, the organisation's own first); callers clean every user string
(domain/text.py) before it reaches a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from firstfile.rendering.disclosure_docx import base_document_path
from firstfile.rendering.safe_files import ExportError

TEXT_PROPERTIES = ("author", "category", "comments", "content_status", "identifier",
                   "keywords", "language", "last_modified_by", "subject", "title", "version")


class Page:
    """Appends paragraphs and tables, using the base's styles when it has them."""

    def __init__(self, docx: Any) -> None:
        self.docx = docx
        self.styles = {style.name for style in docx.styles}

    def _style(self, name: str | None) -> str | None:
        return name if name in self.styles else None

    def paragraph(self, text: str, style: str | None = None, *, bold: bool = False) -> None:
        paragraph = self.docx.add_paragraph(style=self._style(style))
        run = paragraph.add_run(text)
        if bold:
            run.bold = True

    def table(self, header: Sequence[str] | None, rows: Sequence[Sequence[str]], *,
              widths: Sequence[float], label_column: bool = False,
              titled_column: int | None = None) -> None:
        """A bordered table of fixed column shares; the header row (and with label_column
        the first column) in bold; in titled_column the first line of each cell is bold."""
        from docx.shared import Emu

        count = len(rows) + (1 if header else 0)
        table = self.docx.add_table(rows=count, cols=len(widths))
        grid = self._style("Table Grid")
        if grid:
            table.style = grid
        section = self.docx.sections[0]
        text_width = (section.page_width or 0) - (section.left_margin or 0) - (
            section.right_margin or 0)
        table.autofit = False
        if text_width > 0:
            # Both the grid and each cell carry the width: LibreOffice reads the grid.
            for column, share in zip(table.columns, widths, strict=True):
                column.width = Emu(int(text_width * share))
        all_rows = ([header] if header else []) + [list(r) for r in rows]
        for r, values in enumerate(all_rows):
            for c, (value, share) in enumerate(zip(values, widths, strict=True)):
                cell = table.cell(r, c)
                if text_width > 0:
                    cell.width = Emu(int(text_width * share))
                lines = str(value).split("\n")
                cell.paragraphs[0].text = ""
                bold = (header is not None and r == 0) or (label_column and c == 0)
                for index, line in enumerate(lines):
                    paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                    run = paragraph.add_run(line)
                    title = c == titled_column and index == 0 and r >= (1 if header else 0)
                    run.bold = bold or title or None
        self.docx.add_paragraph(style=self._style("Normal"))


def open_base(templates_dir: Path | None) -> Any:
    """The organisation's base document (or the shipped slim one), opened for writing."""
    import docx

    from firstfile.rendering.docx_errors import BROKEN_PACKAGE

    path = base_document_path(templates_dir)
    try:
        return docx.Document(BytesIO(path.read_bytes()))
    except BROKEN_PACKAGE as error:
        raise ExportError(f"the base document {path} cannot be opened ({error}); restore it, "
                          "or remove your own to use the shipped one") from None


def header_footer(docx: Any, header: str, footer: str) -> None:
    """One line of text in the first section's header and footer."""
    section = docx.sections[0]
    for part, text in ((section.header, header), (section.footer, footer)):
        paragraphs = part.paragraphs
        if paragraphs and not paragraphs[0].text:
            paragraphs[0].add_run(text)
        else:
            part.add_paragraph(text)


def clear_text_properties(props: Any) -> None:
    """Empty every text property, so that nothing of the base document's is left."""
    for name in TEXT_PROPERTIES:
        setattr(props, name, "")


def set_dates(props: Any, issued_on: date) -> None:
    """Created and modified on the day of issue (midnight UTC), first revision."""
    moment = datetime.combine(issued_on, time(0, 0), tzinfo=UTC)
    props.created = moment
    props.modified = moment
    props.revision = 1


def save(docx: Any) -> bytes:
    """The finished document's bytes (written atomically by the caller)."""
    out = BytesIO()
    docx.save(out)
    return out.getvalue()
