"""One invention disclosure as a Word document, built with python-docx from plain data.

The document starts from a slim base (templates/disclosure/base.docx, or the organisation's
own `disclosure/base.docx`), because python-docx's default template alone costs more than
the whole rest of a disclosure (PERFORMANCE-NOTES.md). The base is read once per file version
and parsed afresh for every document; body elements are built with python-docx's oxml layer
and appended in one step each, because its high-level `add_paragraph` searches the body for
the section properties on every call, which is quadratic for a description of many lines.

Every user string is cleaned (domain/text.py) before it reaches the XML, and all words around
it come from the wording templates (rendering/wording.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from firstfile.domain.views import DisclosureView
from firstfile.rendering.disclosure_values import (
    clean_view,
    format_contribution,
    format_date,
    format_engagement,
    format_yes_no,
    given,
    lines,
)
from firstfile.rendering.safe_files import ExportError
from firstfile.rendering.wording import Wording, load_disclosure_wording
from firstfile.resources import shipped_templates

BASE_NAME = "disclosure/base.docx"

# Style names the builder uses (names, not ids: ids are translated in a localised Word).
STYLE_NAMES = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Guidance",
    "Notice",
    "List Paragraph",
    "Header",
    "Footer",
    "Table Grid",
)

# Column shares of the text width, per table.
_PEOPLE_COLUMNS = (0.22, 0.28, 0.26, 0.13, 0.11)
_EVENT_COLUMNS = (0.22, 0.17, 0.17, 0.17, 0.27)
_FACT_COLUMNS = (0.34, 0.66)
_SIGNATURE_COLUMNS = (0.14, 0.3, 0.36, 0.2)
_SIGNATURE_ROW_HEIGHT = 737  # twips: 1.3 cm, room for a handwritten signature
_LABEL_FILL = "EEF1F7"


def render_disclosure_docx(view: DisclosureView, *, templates_dir: Path | None = None) -> bytes:
    """The disclosure as the bytes of a .docx file.

    templates_dir is the organisation's template folder: its wording templates and its
    `disclosure/base.docx` take the place of the shipped ones.
    """
    clean = clean_view(view)
    wording = load_disclosure_wording(wording_context(clean), templates_dir)
    base = _load_base(base_document_path(templates_dir))
    document = base.open()
    builder = _Builder(document, base.style_ids)
    _DisclosureWriter(builder, clean, wording).write()
    _set_properties(document, clean, wording)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def wording_context(view: DisclosureView) -> dict[str, Any]:
    """What wording templates may refer to: the (cleaned) disclosure and its joint vendors."""
    return {"disclosure": view, "vendors": list(view.joint_vendors)}


def base_document_path(templates_dir: Path | None) -> Path:
    """The organisation's base document when it has one, else the shipped one."""
    if templates_dir is not None:
        own = templates_dir / BASE_NAME
        if own.is_file():
            return own
    return shipped_templates() / BASE_NAME


# --- the base document -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Base:
    data: bytes
    style_ids: dict[str, str]
    path: Path

    def open(self) -> Any:
        import docx

        return docx.Document(BytesIO(self.data))


def _load_base(path: Path) -> _Base:
    try:
        stat = path.stat()
    except OSError as error:
        raise ExportError(
            f"the base document {path} cannot be read ({error}); restore it"
        ) from None
    # Keyed on modification time and size so an edited base.docx is picked up.
    return _read_base(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_base(path: str, _mtime_ns: int, _size: int) -> _Base:
    import docx

    data = Path(path).read_bytes()
    try:
        document = docx.Document(BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a broken package
        raise ExportError(
            f"the base document {path} is not a Word document python-docx can open ({error}); "
            "save it again from Word as .docx, or remove it to use the shipped one"
        ) from None
    ids = {}
    for style in document.styles:
        if style.name in STYLE_NAMES:
            ids[style.name] = style.style_id
    return _Base(data=data, style_ids=ids, path=Path(path))


# --- low-level building --------------------------------------------------------------------


def _is_right_to_left(text: str) -> bool:
    """True when the first strongly directional character is Hebrew, Arabic or similar.

    That is how the Unicode bidirectional algorithm picks a paragraph's direction; Word needs
    it spelt out (w:bidi) to align such a paragraph to the right.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_VAL = f"{_W}val"


class _Builder:
    """Appends paragraphs and tables to the body, before its section properties.

    Elements below a block are made with lxml's SubElement: python-docx's element methods
    look up the schema order of children on every insertion, which made that layer most of an
    export's time. The outermost element of each block is made by python-docx in the
    document's own element classes; a block of plain lxml elements measured slower, since
    lxml then moves every element of it from one document to another.
    """

    def __init__(self, document: Any, style_ids: dict[str, str]) -> None:
        from docx.oxml.parser import OxmlElement
        from lxml.etree import SubElement

        self._element = OxmlElement
        self._sub = SubElement
        self.style_ids = style_ids
        self.body = document.element.body
        self._anchor = self.body.sectPr
        section = document.sections[0]
        width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        # Twips (an EMU is 1/635 of a twip); a base without a page size gets A4, 2 cm margins.
        self.text_width = int(width / 635) if width > 0 else 9638

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
        right_to_left = _is_right_to_left(text)
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

    def paragraphs(self, text: str, placeholder: str) -> None:
        """Multi-line text as one paragraph per line, or the placeholder when empty.

        One paragraph per line, rather than line breaks inside one paragraph, so that every
        line reads back exactly (python-docx turns a '\\n' in a run into a w:br element) and
        right-to-left lines each get their own direction.
        """
        if not given(text):
            self.paragraph(placeholder, "Guidance")
            return
        for line in lines(text):
            self.paragraph(line, "Normal")

    def table(
        self,
        shares: Sequence[float],
        header: Sequence[str] | None,
        rows: Sequence[Sequence[str]],
        *,
        label_column: bool = False,
        min_row_height: int | None = None,
    ) -> None:
        """A bordered table of fixed column widths; the header row is bold on a tint and is
        repeated on every page; with label_column the first column is styled the same way."""
        sub = self._sub
        widths = [int(self.text_width * share) for share in shares]
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
        if header is not None:
            tr = sub(tbl, f"{_W}tr")
            sub(sub(tr, f"{_W}trPr"), f"{_W}tblHeader")
            self._cells(tr, widths, header, label_cells=len(widths))
        for values in rows:
            tr = sub(tbl, f"{_W}tr")
            if min_row_height:
                tr_pr = sub(tr, f"{_W}trPr")
                sub(tr_pr, f"{_W}cantSplit")
                height = {_VAL: str(min_row_height), f"{_W}hRule": "atLeast"}
                sub(tr_pr, f"{_W}trHeight", height)
            self._cells(tr, widths, values, label_cells=1 if label_column else 0)
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
                fill = {_VAL: "clear", f"{_W}color": "auto", f"{_W}fill": _LABEL_FILL}
                sub(tc_pr, f"{_W}shd", fill)
            # Every cell needs at least one paragraph; lines("") gives one empty line.
            for line in lines(value):
                self._fill_paragraph(sub(tc, f"{_W}p"), line, None, label)


# --- the disclosure -------------------------------------------------------------------------


class _DisclosureWriter:
    """Writes the sections of a disclosure in the order counsel reads them (REFERENCE.md s.2)."""

    def __init__(self, builder: _Builder, view: DisclosureView, wording: Wording) -> None:
        self.b = builder
        self.view = view
        self.w = wording
        self.not_given = str(wording("document", "not_given"))

    def write(self) -> None:
        self.title()
        self.text_section("summary", self.view.summary)
        self.record()
        self.people()
        for name in ("problem", "description", "variants", "advantages", "prior_art"):
            self.text_section(name, getattr(self.view, name))
        self.dates()
        self.events()
        self.text_section("third_parties", self.view.third_parties)
        self.filing()
        self.components()
        self.signatures()

    def heading(self, section: str) -> None:
        self.b.paragraph(str(self.w(section, "heading")), "Heading 1")
        guidance = str(self.w(section, "guidance"))
        if guidance:
            self.b.paragraph(guidance, "Guidance")

    def title(self) -> None:
        view, w = self.view, self.w
        self.b.paragraph(view.title or self.not_given, "Title")
        self.b.paragraph(str(w("document", "introduction")), "Guidance")
        if view.deleted:
            self.b.paragraph(str(w("document", "deleted_notice")), "Notice", bold=True)
        if view.joint:
            self.b.paragraph(str(w("joint", "notice")), "Notice", bold=True)

    def text_section(self, section: str, text: str) -> None:
        self.heading(section)
        self.b.paragraphs(text, self.not_given)

    def yes_no(self, value: bool | None) -> str:
        w = self.w
        return format_yes_no(
            value,
            str(w("document", "yes")),
            str(w("document", "no")),
            str(w("document", "unknown")),
        )

    def or_not_given(self, value: str) -> str:
        return value if given(value) else self.not_given

    def record(self) -> None:
        view, w = self.view, self.w
        joint = self.yes_no(view.joint)
        if view.joint:
            joint = f"{joint}: {', '.join(view.joint_vendors)}"
        rows = [
            (w("record", "submitter"), self.or_not_given(view.submitter)),
            (w("record", "business_unit"), self.or_not_given(view.business_unit)),
            (w("record", "engagement"), format_engagement(view, self.not_given)),
            (w("record", "phase"), w.label("record", "phases", view.phase) or self.not_given),
            (w("record", "submitted_on"), format_date(view.submitted_on, self.not_given)),
            (w("record", "status"), w.label("record", "statuses", view.status)),
            (w("record", "joint"), joint),
            (w("record", "version"), str(view.version)),
        ]
        self.b.paragraph(str(w("record", "heading")), "Heading 1")
        self.b.table(_FACT_COLUMNS, None, _strings(rows), label_column=True)

    def people(self) -> None:
        w = self.w
        self.heading("people")
        if not self.view.inventors:
            self.b.paragraph(str(w("people", "nobody")), "Guidance")
            return
        header = [w("people", key) for key in ("name", "email", "affiliation", "role")]
        header.append(w("people", "contribution"))
        rows = [
            (
                person.name,
                person.email,
                affiliation(person.is_vendor, person.organization_name, w),
                w.label("people", "roles", person.role),
                format_contribution(person.contribution, self.not_given)
                if person.role == "inventor"
                else "",
            )
            for person in self.view.inventors
        ]
        self.b.table(_PEOPLE_COLUMNS, _strings([header])[0], _strings(rows))

    def dates(self) -> None:
        view, w = self.view, self.w
        self.heading("dates")
        rows = [
            (w("dates", "conception"), format_date(view.conception_date, self.not_given)),
            (
                w("dates", "reduction_to_practice"),
                format_date(view.reduction_to_practice_date, self.not_given),
            ),
            (w("dates", "prototype_exists"), self.yes_no(view.prototype_exists)),
            (w("dates", "records_location"), self.or_not_given(view.records_location)),
        ]
        self.b.table(_FACT_COLUMNS, None, _strings(rows), label_column=True)

    def events(self) -> None:
        w = self.w
        self.heading("events")
        if not self.view.events:
            self.b.paragraph(str(w("events", "nothing")), "Guidance")
            return
        header = [w("events", key) for key in ("kind", "date", "jurisdiction", "reference", "note")]
        rows = [
            (
                w.label("events", "kinds", event.kind),
                format_date(event.date, self.not_given),
                event.jurisdiction,
                event.reference,
                event.note,
            )
            for event in self.view.events
        ]
        self.b.table(_EVENT_COLUMNS, _strings([header])[0], _strings(rows))

    def filing(self) -> None:
        view, w = self.view, self.w
        self.heading("filing")
        rows = [
            (w("filing", "jurisdictions"), self.or_not_given(view.jurisdictions)),
            (w("filing", "reverse_engineerable"), self.yes_no(view.reverse_engineerable)),
            (w("filing", "completed_in_china"), self.yes_no(view.completed_in_china)),
        ]
        self.b.table(_FACT_COLUMNS, None, _strings(rows), label_column=True)
        if view.completed_in_china:
            self.b.paragraph(str(w("filing", "china_note")), "Notice", bold=True)

    def components(self) -> None:
        self.heading("components")
        if not self.view.components:
            self.b.paragraph(str(self.w("components", "nothing")), "Guidance")
            return
        for component in self.view.components:
            self.b.paragraph(component, "List Paragraph")

    def signatures(self) -> None:
        w = self.w
        self.heading("signatures")
        header = [w("signatures", key) for key in ("role", "name", "signature", "date")]
        inventor, witness = str(w("signatures", "inventor")), str(w("signatures", "witness"))
        rows = [(inventor, p.name, "", "") for p in self.view.inventors if p.role == "inventor"]
        rows.append((witness, "", "", ""))
        self.b.table(
            _SIGNATURE_COLUMNS,
            _strings([header])[0],
            rows,
            min_row_height=_SIGNATURE_ROW_HEIGHT,
        )


def affiliation(is_vendor: bool, organization_name: str, w: Wording) -> str:
    """`Own staff: Northwind` or `Vendor: Shenzhen PCBA Works`, as at conception."""
    label = str(w("people", "vendor" if is_vendor else "own_staff"))
    return f"{label}: {organization_name}" if organization_name else label


def _strings(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    return [[str(value) for value in row] for row in rows]


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
    props.author = view.submitter[:255]
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
