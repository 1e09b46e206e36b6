"""Reading an exported disclosure back with python-docx, section by section, for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


@dataclass
class Section:
    """What follows one Heading 1 up to the next: paragraphs by style, and tables."""

    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def lines(self, style: str = "Normal") -> list[str]:
        """Texts of the section's paragraphs in one style; the blank gap after a table is
        not a line of text."""
        return [p.text for p in self.paragraphs if p.style is not None and p.style.name == style]

    def text(self) -> str:
        """The section's Normal paragraphs joined by newlines, as the text was written."""
        return "\n".join(self.lines())


def open_docx(source: bytes | Path) -> Document:
    """Open DOCX bytes or a .docx file."""
    if isinstance(source, Path):
        return docx.Document(str(source))
    return docx.Document(BytesIO(source))


def sections(document: Document) -> dict[str, Section]:
    """The document's blocks grouped under their Heading 1; text before any is under ''."""
    result: dict[str, Section] = {"": Section("")}
    current = result[""]
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.style is not None and block.style.name == "Heading 1":
                current = result.setdefault(block.text, Section(block.text))
                continue
            # Blank paragraphs after tables keep Word from merging them; they are no text.
            if current.tables and not block.text and block.style.name == "Normal":
                continue
            current.paragraphs.append(block)
        else:
            current.tables.append(block)
    return result


def rows(table: Table) -> list[list[str]]:
    """Cell texts, row by row."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def record(table: Table) -> dict[str, str]:
    """A two-column label/value table as a dict."""
    return {label: value for label, value in rows(table)}
