"""Time the DOCX export of one disclosure against writing the same document.xml by hand.

Three ways to produce the same document, in one process, many times each:

- builder: `render_disclosure_docx` (wording templates, python-docx over the slim base);
- hand-written: the same blocks (paragraphs with their styles, tables with their cells)
  turned into document.xml with string formatting, zipped with the slim base's other parts;
- zip only: the finished document.xml bytes zipped with the other parts (the floor).

The blocks for the hand-written version are read back from one builder output, so both
write the same text in the same styles. Not part of the test run.

Run: python benchmarks/bench_export.py [--count 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from firstfile.rendering.disclosure_docx import render_disclosure_docx  # noqa: E402
from firstfile.resources import shipped_templates  # noqa: E402
from tests.unit.disclosure_samples import sample_view  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Block = tuple[str, object]


def time_per_call(work: Callable[[], object], count: int) -> float:
    """Median milliseconds per call over count calls, after a warm-up call."""
    work()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def read_blocks(data: bytes) -> tuple[list[Block], dict[str, bytes], str]:
    """The body blocks of a builder output, its other parts, and its section properties."""
    import docx
    from docx.table import Table

    document = docx.Document(BytesIO(data))
    blocks: list[Block] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            cells = [[cell.text for cell in row.cells] for row in block.rows]
            blocks.append(("table", cells))
        else:
            blocks.append(("p", (block.style.style_id if block.style else "", block.text)))
    with zipfile.ZipFile(BytesIO(data)) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if n != "word/document.xml"}
        document_xml = archive.read("word/document.xml").decode("utf-8")
    sect_pr = document_xml[document_xml.index("<w:sectPr") : document_xml.index("</w:body>")]
    return blocks, parts, sect_pr


def paragraph_xml(style: str, text: str) -> str:
    runs = "".join(
        ("<w:tab/>" if i % 2 else f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
        for i, piece in enumerate(_split_tabs(text))
        if piece or i % 2
    )
    style_xml = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{style_xml}<w:r>{runs}</w:r></w:p>"


def _split_tabs(text: str) -> list[str]:
    pieces: list[str] = []
    for i, piece in enumerate(text.split("\t")):
        if i:
            pieces.append("\t")
        pieces.append(piece)
    return pieces


def table_xml(cells: list[list[str]], width: int = 9638) -> str:
    columns = len(cells[0])
    col = width // columns
    grid = "".join(f'<w:gridCol w:w="{col}"/>' for _ in range(columns))
    rows = "".join(
        "<w:tr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{col}" w:type="dxa"/></w:tcPr>'
            + "".join(paragraph_xml("", line) for line in value.split("\n"))
            + "</w:tc>"
            for value in row
        )
        + "</w:tr>"
        for row in cells
    )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{width}" w:type="dxa"/>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>'
    )


def hand_written_xml(blocks: list[Block], sect_pr: str) -> bytes:
    body = "".join(
        table_xml(value) if kind == "table" else paragraph_xml(*value)  # type: ignore[arg-type, misc]
        for kind, value in blocks
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><w:body>{body}{sect_pr}</w:body></w:document>'
    ).encode()


def zip_parts(document_xml: bytes, parts: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()

    view = sample_view()
    data = render_disclosure_docx(view)
    blocks, parts, sect_pr = read_blocks(data)
    document_xml = hand_written_xml(blocks, sect_pr)

    import docx

    builder = time_per_call(lambda: render_disclosure_docx(view), args.count)
    by_hand = time_per_call(lambda: zip_parts(hand_written_xml(blocks, sect_pr), parts), args.count)
    zip_only = time_per_call(lambda: zip_parts(document_xml, parts), args.count)
    base = (shipped_templates() / "disclosure" / "base.docx").read_bytes()
    open_base = time_per_call(lambda: docx.Document(BytesIO(base)), args.count)
    default = time_per_call(docx.Document, max(20, args.count // 10))

    print(f"document: {len(blocks)} blocks, {len(data):,} bytes as .docx")
    print(f"builder (render_disclosure_docx)      {builder:7.2f} ms/doc")
    print(f"hand-written document.xml + zipfile   {by_hand:7.2f} ms/doc")
    print(f"zipfile of finished document.xml      {zip_only:7.2f} ms/doc")
    print(f"ratio builder / hand-written          {builder / by_hand:7.1f}x")
    print(f"open slim base.docx (python-docx)     {open_base:7.2f} ms")
    print(f"python-docx Document() default        {default:7.2f} ms")
    print(f"1,000 documents with the builder      {builder:7.2f} s")


if __name__ == "__main__":
    main()
