"""One invention disclosure as a Word document, built with python-docx from plain data.

The document starts from a slim base (templates/disclosure/base.docx, or the organisation's
own `disclosure/base.docx`), because python-docx's default template alone costs more than
the whole rest of a disclosure (PERFORMANCE-NOTES.md). The base is read once per file version
and parsed afresh for every document; body elements are built with python-docx's oxml layer
and appended in one step each, because its high-level `add_paragraph` searches the body for
the section properties on every call, which is quadratic for a description of many lines.

Every user string is cleaned (domain/text.py) before it reaches the XML, and all words around
it come from the wording templates (rendering/wording.py). What goes where (sections, tables,
column widths, styles) is rendering/disclosure_layout.py, which the bundle's skeleton shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from firstfile.domain.views import AttachmentView, DisclosureView
from firstfile.rendering.disclosure_layout import (
    LABEL_FILL,
    STYLE_NAMES,
    DisclosureWriter,
    TableLayout,
    is_right_to_left,
    text_width,
)
from firstfile.rendering.disclosure_values import clean_view, lines
from firstfile.rendering.safe_files import ExportError
from firstfile.rendering.wording import Wording, load_disclosure_wording
from firstfile.resources import shipped_templates

BASE_NAME = "disclosure/base.docx"


def render_disclosure_docx(
    view: DisclosureView, *, templates_dir: Path | None = None,
    files: Mapping[str, bytes] | None = None, organization: str = "",
) -> bytes:
    """The disclosure as the bytes of a .docx file; organization is our organisation's name,
    which the confidentiality marking names ("" when none is recorded).

    templates_dir is the organisation's template folder: its wording templates and its
    `disclosure/base.docx` take the place of the shipped ones. files holds the bytes of the
    attached pictures by SHA-256 (services/attachments.figure_contents); a picture missing
    from it is an ExportError, never a document without its figure.
    """
    clean = clean_view(view)
    wording = load_disclosure_wording(wording_context(clean, organization), templates_dir)
    base = load_base(base_document_path(templates_dir))
    document = base.open()
    builder = _Builder(document, base.style_ids, base.text_width, files or {})
    DisclosureWriter(builder, clean, wording).write()
    _set_properties(document, clean, wording)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def wording_context(view: DisclosureView, organization: str = "") -> dict[str, Any]:
    """What wording templates may refer to: the (cleaned) disclosure, its joint vendors and
    our organisation's name ("" when none is recorded)."""
    return {"disclosure": view, "vendors": list(view.joint_vendors),
            "organization": organization}


def base_document_path(templates_dir: Path | None) -> Path:
    """The organisation's base document when it has one, else the shipped one."""
    if templates_dir is not None:
        own = templates_dir / BASE_NAME
        if own.is_file():
            return own
    return shipped_templates() / BASE_NAME


# --- the base document -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BaseDocument:
    """A base document read once: its bytes, the ids of the styles in STYLE_NAMES and the
    width between its margins in twips."""

    data: bytes
    style_ids: dict[str, str]
    text_width: int
    path: Path

    def open(self) -> Any:
        """A fresh python-docx Document of the base, to build on."""
        import docx

        return docx.Document(BytesIO(self.data))


def load_base(path: Path) -> BaseDocument:
    """The base document at path; an ExportError that says what to do when it is unusable."""
    try:
        stat = path.stat()
    except OSError as error:
        raise ExportError(
            f"the base document {path} cannot be read ({error}); restore it"
        ) from None
    # Keyed on modification time and size so an edited base.docx is picked up.
    return _read_base(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_base(path: str, _mtime_ns: int, _size: int) -> BaseDocument:
    import docx

    from firstfile.rendering.docx_errors import BROKEN_PACKAGE

    data = Path(path).read_bytes()
    try:
        document = docx.Document(BytesIO(data))
    except BROKEN_PACKAGE as error:
        raise ExportError(
            f"the base document {path} is not a Word document python-docx can open ({error}); "
            "save it again from Word as .docx, or remove it to use the shipped one"
        ) from None
    ids = {}
    for style in document.styles:
        if style.name in STYLE_NAMES:
            ids[style.name] = style.style_id
    return BaseDocument(
        data=data, style_ids=ids, text_width=text_width(document.sections[0]), path=Path(path)
    )


# --- low-level building --------------------------------------------------------------------


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_VAL = f"{_W}val"
_EMU_PER_TWIP = 635
# 15 cm in EMU: a figure and its caption fit on one A4 or Letter page with the heading above.
FIGURE_MAX_HEIGHT = 15 * 360000


class _Builder:
    """Appends paragraphs and tables to the body, before its section properties.

    Elements below a block are made with lxml's SubElement: python-docx's element methods
    look up the schema order of children on every insertion, which made that layer most of an
    export's time. The outermost element of each block is made by python-docx in the
    document's own element classes; a block of plain lxml elements measured slower, since
    lxml then moves every element of it from one document to another.
    """

    def __init__(self, document: Any, style_ids: dict[str, str], text_width: int,
                 files: Mapping[str, bytes]) -> None:
        from docx.oxml.parser import OxmlElement
        from lxml.etree import SubElement

        self._element = OxmlElement
        self._sub = SubElement
        self.style_ids = style_ids
        self.body = document.element.body
        self._anchor = self.body.sectPr
        self.text_width = text_width
        self.part = document.part
        self.files = files
        self.figures = 0

    def _outer(self, tag: str) -> Any:
        return self._element(f"w:{tag}")

    def _append(self, element: Any) -> None:
        if self._anchor is not None:
            self._anchor.addprevious(element)
        else:
            self.body.append(element)

    def _fill_paragraph(self, p: Any, text: str, style: str | None, bold: bool) -> None:
        sub = self._sub
        style_id = self.style_ids.get(style) if style else None
        right_to_left = is_right_to_left(text)
        if style_id or right_to_left:
            p_pr = sub(p, f"{_W}pPr")
            if style_id:
                sub(p_pr, f"{_W}pStyle", {_VAL: style_id})
            if right_to_left:
                sub(p_pr, f"{_W}bidi")
        if not text:
            return
        r = sub(p, f"{_W}r")
        if bold:
            sub(sub(r, f"{_W}rPr"), f"{_W}b")
        # A tab is its own element (w:tab) in a run; everything else is literal text.
        for index, piece in enumerate(text.split("\t")):
            if index:
                sub(r, f"{_W}tab")
            if piece:
                t = sub(r, f"{_W}t")
                t.text = piece
                if piece != piece.strip():
                    # Without it Word and python-docx drop leading and trailing spaces.
                    t.set(_XML_SPACE, "preserve")

    def paragraph(self, text: str, style: str | None = None, *, bold: bool = False) -> None:
        """Append one paragraph holding text in the named style (if the base has it)."""
        p = self._outer("p")
        self._fill_paragraph(p, text, style, bold)
        self._append(p)

    def figure(self, attachment: AttachmentView, caption: str) -> None:
        """The picture in a centred paragraph kept with its caption; at most as wide as the
        text and as tall as FIGURE_MAX_HEIGHT, its proportions kept."""
        data = self.files.get(attachment.sha256)
        if data is None:
            raise ExportError(
                f"the picture {attachment.file_name} ({attachment.sha256}) is not in the "
                "database; attach it again, or run `firstfile disclosures attachments KEY` "
                "to see what is attached")
        try:
            _, image = self.part.get_or_add_image(BytesIO(data))
            scale = min(1.0, self.text_width * _EMU_PER_TWIP / max(image.width, 1),
                        FIGURE_MAX_HEIGHT / max(image.height, 1))
            width, height = int(image.width * scale), int(image.height * scale)
            self.figures += 1
            inline = self.part.new_pic_inline(BytesIO(data), width, height)
        except Exception as error:  # python-docx raises several kinds for a broken picture
            raise ExportError(
                f"the picture {attachment.file_name} cannot be read ({error}); attach a PNG "
                "or JPEG that an image viewer opens") from None
        # Word and LibreOffice read docPr's description aloud in place of the picture.
        inline.docPr.set("descr", caption)
        inline.docPr.set("name", f"Figure {self.figures}")
        sub = self._sub
        p = self._outer("p")
        p_pr = sub(p, f"{_W}pPr")
        sub(p_pr, f"{_W}keepNext")
        sub(p_pr, f"{_W}jc", {_VAL: "center"})
        sub(sub(p, f"{_W}r"), f"{_W}drawing").append(inline)
        self._append(p)
        self.paragraph(caption, "Caption" if "Caption" in self.style_ids else "Normal")

    def table(
        self, layout: TableLayout, header: Sequence[str] | None, rows: Sequence[Sequence[str]]
    ) -> None:
        """A table as disclosure_layout.Blocks describes it."""
        sub = self._sub
        widths = [int(self.text_width * share) for share in layout.shares]
        tbl = self._outer("tbl")
        tbl_pr = sub(tbl, f"{_W}tblPr")
        style_id = self.style_ids.get("Table Grid")
        if style_id:
            sub(tbl_pr, f"{_W}tblStyle", {_VAL: style_id})
        sub(tbl_pr, f"{_W}tblW", {f"{_W}w": str(sum(widths)), f"{_W}type": "dxa"})
        sub(tbl_pr, f"{_W}tblLayout", {f"{_W}type": "fixed"})
        grid = sub(tbl, f"{_W}tblGrid")
        for width in widths:
            sub(grid, f"{_W}gridCol", {f"{_W}w": str(width)})
        # No row is split across two pages: a row read half on one page and half on the
        # next is a row a reader misreads.
        if header is not None:
            tr = sub(tbl, f"{_W}tr")
            tr_pr = sub(tr, f"{_W}trPr")
            sub(tr_pr, f"{_W}cantSplit")
            sub(tr_pr, f"{_W}tblHeader")
            self._cells(tr, widths, header, label_cells=len(widths))
        for values in rows:
            tr = sub(tbl, f"{_W}tr")
            tr_pr = sub(tr, f"{_W}trPr")
            sub(tr_pr, f"{_W}cantSplit")
            if layout.min_row_height:
                height = {_VAL: str(layout.min_row_height), f"{_W}hRule": "atLeast"}
                sub(tr_pr, f"{_W}trHeight", height)
            self._cells(tr, widths, values, label_cells=1 if layout.label_column else 0)
        self._append(tbl)
        # Word merges two tables that touch; an empty paragraph also gives a little air.
        self.paragraph("", "Normal")

    def _cells(
        self, tr: Any, widths: Sequence[int], values: Sequence[str], *, label_cells: int
    ) -> None:
        sub = self._sub
        for index, (width, value) in enumerate(zip(widths, values, strict=True)):
            tc = sub(tr, f"{_W}tc")
            tc_pr = sub(tc, f"{_W}tcPr")
            sub(tc_pr, f"{_W}tcW", {f"{_W}w": str(width), f"{_W}type": "dxa"})
            label = index < label_cells
            if label:
                fill = {_VAL: "clear", f"{_W}color": "auto", f"{_W}fill": LABEL_FILL}
                sub(tc_pr, f"{_W}shd", fill)
            # Every cell needs at least one paragraph; lines("") gives one empty line.
            for line in lines(value):
                self._fill_paragraph(sub(tc, f"{_W}p"), line, None, label)


# --- document properties -----------------------------------------------------------------


def _set_properties(document: Any, view: DisclosureView, w: Wording) -> None:
    """Header, footer and core properties: the key on every page, the marking at the foot."""
    section = document.sections[0]
    header_text = f"{w('document', 'header')} {view.key}"
    header = _set_first_paragraph(section.header, header_text)
    # "Page 2 of 5": counsel and signatories can see that no page is missing.
    header.add_run(f" \u00b7 {w('document', 'page')} ")
    _add_field(header, "PAGE")
    header.add_run(f" {w('document', 'page_of')} ")
    _add_field(header, "NUMPAGES")
    _set_first_paragraph(section.footer, str(w("document", "marking")))
    props = document.core_properties
    # Core properties hold at most 255 characters each (python-docx enforces it).
    props.title = f"{view.key} {view.title}".strip()[:255]
    props.subject = str(w("document", "kind"))[:255]
    props.keywords = view.key[:255]
    props.author = view.submitted_by[:255]
    props.comments = ""
    props.last_modified_by = ""
    props.revision = max(1, view.version)
    if view.created_at is not None:
        props.created = view.created_at
    if view.updated_at is not None:
        props.modified = view.updated_at


def _set_first_paragraph(part: Any, text: str) -> Any:
    """Put text in a header or footer: into its first paragraph when empty, else after it."""
    paragraphs = part.paragraphs
    if paragraphs and not paragraphs[0].text:
        paragraphs[0].add_run(text)
        return paragraphs[0]
    return part.add_paragraph(text)


def _add_field(paragraph: Any, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    from lxml.etree import SubElement

    field = SubElement(paragraph._p, f"{_W}fldSimple", {f"{_W}instr": f" {instruction} "})
    SubElement(SubElement(field, f"{_W}r"), f"{_W}t").text = "1"
