"""Many disclosure documents fast: the shipped builder's document, built once, filled as text.

A bundle holds hundreds of documents. rendering/disclosure_docx.py builds each one with
python-docx (open the base, build elements, save, compress every part), about ten times the
cost of writing the finished XML into a zip. For a bundle, the parts that do not change
between disclosures (styles, settings, relationships, footer) are taken from one document the
builder made, compressed once and copied; only the body, the header's key and the document
properties are written per disclosure, as text, by `_Body` below, which follows the builder
element for element. Both are driven by the same section writer and layout
(rendering/disclosure_layout.py); only the way each writes a paragraph or a table differs.

Correctness is checked, not assumed: `DisclosureSkeleton.build` renders probe disclosures
(right-to-left lines, tabs, empty fields, a vendor inventor, a deleted record, ...) both ways
and is only used when every part is byte-for-byte what the builder writes. When it is not (the
builder changed, or an organisation's wording depends on a disclosure's fields beyond its
vendors), `build` returns None and the caller uses the builder for every document.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from firstfile.domain.disclosure import TEXT_FIELDS
from firstfile.domain.evidence import MEANINGS
from firstfile.domain.text import has_unstorable, prose
from firstfile.domain.views import (
    AttachmentView,
    DisclosureEvidence,
    DisclosureView,
    EventView,
    InventorView,
    SignatureView,
    TimestampView,
)
from firstfile.rendering.disclosure_docx import (
    base_document_path,
    load_base,
    render_disclosure_docx,
    wording_context,
)
from firstfile.rendering.disclosure_layout import (
    LABEL_FILL,
    DisclosureWriter,
    TableLayout,
    is_right_to_left,
)
from firstfile.rendering.disclosure_values import clean_view, lines
from firstfile.rendering.wording import (
    DISCLOSURE_SECTIONS,
    Wording,
    load_disclosure_wording,
    template_environment,
)

_PROBE_KEY = "FF-0000-0000"
_DOCUMENT = "word/document.xml"
_HEADER = "word/header1.xml"
_CORE = "docProps/core.xml"
_CACHE_LIMIT = 4096  # paragraphs kept for reuse


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


# --- the body as text ------------------------------------------------------------------------


@dataclass(slots=True)
class _Made:
    """XML made for one document and reused by the next ones (the wording and the layout
    are the same in every document; user text rarely repeats, so the caches are bounded)."""

    paragraphs: dict[tuple[str, str | None, bool], str] = field(default_factory=dict)
    layouts: dict[TableLayout, _Layout] = field(default_factory=dict)
    headings: dict[tuple[int, str], str] = field(default_factory=dict)


class _Body:
    """Paragraphs and tables as WordprocessingML text, as the builder's `_Builder` makes them."""

    def __init__(self, style_ids: dict[str, str], text_width: int, cache: _Made) -> None:
        self.style_ids = style_ids
        self.text_width = text_width
        self.cache = cache.paragraphs
        self.layouts = cache.layouts
        self.out: list[str] = []

    def fill(self, text: str, style: str | None, bold: bool) -> str:
        # The wording (headings, guidance, labels) is the same in every document: a paragraph
        # made once is reused. User text rarely repeats, so the cache is kept small.
        key = (text, style, bold)
        made = self.cache.get(key)
        if made is None:
            made = self._make(text, style, bold)
            if len(self.cache) < _CACHE_LIMIT:
                self.cache[key] = made
        return made

    def figure(self, attachment: AttachmentView, caption: str) -> None:
        """Never called: a view with figures is rendered by the builder (Skeleton.fits)."""
        raise AssertionError("figures are rendered by the builder")

    def _make(self, text: str, style: str | None, bold: bool) -> str:
        style_id = self.style_ids.get(style) if style else None
        rtl = is_right_to_left(text)
        ppr = ""
        if style_id or rtl:
            ppr = "<w:pPr>"
            if style_id:
                ppr += f'<w:pStyle w:val="{_escape_attr(style_id)}"/>'
            if rtl:
                ppr += "<w:bidi/>"
            ppr += "</w:pPr>"
        if not text:
            return f"<w:p>{ppr}</w:p>" if ppr else "<w:p/>"
        run = ["<w:r><w:rPr><w:b/></w:rPr>" if bold else "<w:r>"]
        for index, piece in enumerate(text.split("\t")):
            if index:
                run.append("<w:tab/>")
            if piece:
                start = '<w:t xml:space="preserve">' if piece != piece.strip() else "<w:t>"
                run.append(f"{start}{_escape(piece)}</w:t>")
        run.append("</w:r>")
        return f"<w:p>{ppr}{''.join(run)}</w:p>"

    def paragraph(self, text: str, style: str | None = None, *, bold: bool = False) -> None:
        self.out.append(self.fill(text, style, bold))

    def table(
        self, table: TableLayout, header: Sequence[str] | None, rows: Sequence[Sequence[str]]
    ) -> None:
        layout = self._layout(table)
        head = layout.head
        if header is not None:
            head += layout.header_row(tuple(header), self)
        out = [head]
        for values in rows:
            out.append(layout.row_start)
            for column, value in zip(layout.columns, values, strict=True):
                # Labels and answers such as "Yes" or "Not given" repeat in every document.
                cell = column.cells.get(value)
                if cell is None:
                    cell = column.make(value, self)
                out.append(cell)
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.out.append("".join(out))
        self.paragraph("", "Normal")

    def _layout(self, table: TableLayout) -> _Layout:
        # A table's properties, grid and row start depend only on its columns: made once.
        layout = self.layouts.get(table)
        if layout is None:
            widths = [int(self.text_width * share) for share in table.shares]
            out = ["<w:tbl><w:tblPr>"]
            style_id = self.style_ids.get("Table Grid")
            if style_id:
                out.append(f'<w:tblStyle w:val="{_escape_attr(style_id)}"/>')
            out.append(f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                       '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>')
            out.extend(f'<w:gridCol w:w="{width}"/>' for width in widths)
            out.append("</w:tblGrid>")
            height = (f'<w:trHeight w:val="{table.min_row_height}" w:hRule="atLeast"/>'
                      if table.min_row_height else "")
            row_start = f"<w:tr><w:trPr><w:cantSplit/>{height}</w:trPr>"
            layout = _Layout(
                head="".join(out),
                row_start=row_start,
                columns=[_Column(width, table.label_column and index == 0)
                         for index, width in enumerate(widths)],
                header_columns=[_Column(width, True) for width in widths],
            )
            self.layouts[table] = layout
        return layout


class _Column:
    """One table column's cells, made once per distinct value."""

    __slots__ = ("cells", "label", "start")

    def __init__(self, width: int, label: bool) -> None:
        self.label = label
        shading = (f'<w:shd w:val="clear" w:color="auto" w:fill="{LABEL_FILL}"/>'
                   if label else "")
        self.start = f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
        self.cells: dict[str, str] = {}

    def make(self, value: str, body: _Body) -> str:
        cell = "".join((self.start, *(body.fill(line, None, self.label) for line in lines(value)),
                        "</w:tc>"))
        if len(self.cells) < _CACHE_LIMIT:
            self.cells[value] = cell
        return cell


@dataclass(slots=True)
class _Layout:
    """What every table with the same columns shares."""

    head: str
    row_start: str
    columns: list[_Column]
    header_columns: list[_Column]
    header_rows: dict[tuple[str, ...], str] = field(default_factory=dict)

    def header_row(self, header: tuple[str, ...], body: _Body) -> str:
        row = self.header_rows.get(header)
        if row is None:
            row = "".join(("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
                           *(column.cells.get(value) or column.make(value, body)
                             for column, value in zip(self.header_columns, header, strict=True)),
                           "</w:tr>"))
            self.header_rows[header] = row
        return row


class _Writer(DisclosureWriter):
    """The builder's sections (disclosure_layout.DisclosureWriter), headings made once."""

    def __init__(self, body: _Body, view: DisclosureView, wording: Wording,
                 headings: dict[tuple[int, str], str]) -> None:
        super().__init__(body, view, wording)
        self.body = body
        # Keyed by the wording's id: the skeleton keeps every wording it made alive.
        self.headings = headings

    def heading(self, section: str) -> None:
        # The same wording object gives the same heading: made once per wording and section.
        key = (id(self.w), section)
        made = self.headings.get(key)
        if made is None:
            made = self.body.fill(str(self.w(section, "heading")), "Heading 1", False)
            guidance = str(self.w(section, "guidance"))
            if guidance:
                made += self.body.fill(guidance, "Guidance", False)
            self.headings[key] = made
        self.body.out.append(made)


# --- a small zip writer that copies parts compressed once --------------------------------------


_STORE_BELOW = 2048  # bytes: smaller parts are stored
_DOS_TIME = (0 << 11) | (0 << 5)
_DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1  # the builder's base date is irrelevant here


@dataclass(frozen=True, slots=True)
class _Packed:
    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate, or the bytes themselves when stored
    method: int = 8  # 8: deflated, 0: stored

    @classmethod
    def of(cls, name: str, data: bytes) -> _Packed:
        if len(data) < _STORE_BELOW:
            # Compressing a few hundred bytes saves little and costs a compressor each.
            return cls(name.encode("ascii"), zlib.crc32(data), len(data), data, 0)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name.encode("ascii"), zlib.crc32(data), len(data),
                   packer.compress(data) + packer.flush())


def _zip(entries: Sequence[_Packed]) -> bytes:
    """A zip of already-deflated entries (PKZIP APPNOTE 4.3: local headers, central
    directory, end record)."""
    out = BytesIO()
    central: list[bytes] = []
    for entry in entries:
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, entry.method, _DOS_TIME,
                              _DOS_DATE,
                              entry.crc, len(entry.data), entry.size, len(entry.name), 0))
        out.write(entry.name)
        out.write(entry.data)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, entry.method, _DOS_TIME,
                        _DOS_DATE,
                        entry.crc, len(entry.data), entry.size, len(entry.name), 0, 0, 0, 0,
                        0o600 << 16, offset)
            + entry.name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                          len(directory), start, 0))
    return out.getvalue()


# --- the skeleton ----------------------------------------------------------------------------


_CORE_FIELDS = {
    "title": r"<dc:title>.*?</dc:title>|<dc:title/>",
    "creator": r"<dc:creator>.*?</dc:creator>|<dc:creator/>",
    "keywords": r"<cp:keywords>.*?</cp:keywords>|<cp:keywords/>",
    "revision": r"<cp:revision>.*?</cp:revision>",
    "created": r'<dcterms:created xsi:type="dcterms:W3CDTF">.*?</dcterms:created>',
    "modified": r'<dcterms:modified xsi:type="dcterms:W3CDTF">.*?</dcterms:modified>',
}


def _w3cdtf(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class DisclosureSkeleton:
    """What stays the same from one disclosure document to the next, ready to fill."""

    templates_dir: Path | None
    style_ids: dict[str, str]
    text_width: int
    parts: list[tuple[str, bytes]]  # (name, bytes) of the probe document, in order
    packed: dict[str, _Packed]  # the parts that never change, compressed once
    document_head: str
    document_tail: str
    header: str
    core_pieces: list[str]  # fixed text, then field name and fixed text, alternately
    organization: str = ""  # our organisation's name, which the marking names
    _wording: dict[tuple[str, ...], Wording] = field(default_factory=dict)
    _made: _Made = field(default_factory=_Made)

    @classmethod
    def build(cls, templates_dir: Path | None = None,
              organization: str = "") -> DisclosureSkeleton | None:
        """The skeleton for this template folder and organisation's name, or None when it
        cannot match the builder."""
        if not _wording_depends_only_on_vendors(templates_dir):
            return None
        import zipfile

        # The builder's own reading of the base: the same style ids and text width.
        base = load_base(base_document_path(templates_dir))
        probes = _probes()
        built = [render_disclosure_docx(view, templates_dir=templates_dir,
                                        organization=organization) for view in probes]
        with zipfile.ZipFile(BytesIO(built[0])) as package:
            parts = [(name, package.read(name)) for name in package.namelist()]
        found = dict(parts)
        if not {_DOCUMENT, _HEADER, _CORE} <= set(found):
            return None
        document = found[_DOCUMENT].decode("utf-8")
        head_end = document.find("<w:body>")
        tail_start = document.rfind("<w:sectPr")
        if head_end < 0 or tail_start < 0:
            return None
        skeleton = cls(
            templates_dir=templates_dir,
            style_ids=base.style_ids,
            text_width=base.text_width,
            parts=parts,
            packed={name: _Packed.of(name, data) for name, data in parts
                    if name not in (_DOCUMENT, _HEADER, _CORE)},
            document_head=document[:head_end + len("<w:body>")],
            document_tail=document[tail_start:],
            header=found[_HEADER].decode("utf-8"),
            core_pieces=_core_pieces(found[_CORE].decode("utf-8")),
            organization=organization,
        )
        # Used only when it writes exactly what the builder writes, for every probe.
        for view, expected in zip(probes, built, strict=True):
            if skeleton.render_parts(view) != _parts_of(expected):
                return None
        return skeleton

    def wording(self, view: DisclosureView) -> Wording:
        """The wording for view; it depends only on its joint vendors (checked in build)."""
        vendors = view.joint_vendors
        found = self._wording.get(vendors)
        if found is None:
            found = load_disclosure_wording(wording_context(view, self.organization),
                                            self.templates_dir)
            self._wording[vendors] = found
        return found

    def fits(self, view: DisclosureView) -> bool:
        """False for the rare view the skeleton does not cover: no creation dates, or figures
        (pictures are parts and relationships of their own, which the builder adds)."""
        return (view.created_at is not None and view.updated_at is not None
                and not any(a.is_figure for a in view.attachments))

    def render_parts(self, view: DisclosureView) -> dict[str, bytes]:
        """Every part of the disclosure's .docx, by name."""
        # Text from the database is nearly always clean already; copying the view field by
        # field to find that out costs a fifth of a document.
        clean = _as_prose(view) if _is_clean(view) else clean_view(view)
        wording = self.wording(clean)
        blocks = _Body(self.style_ids, self.text_width, self._made)
        _Writer(blocks, clean, wording, self._made.headings).write()
        body = "".join(blocks.out)
        parts = dict(self.parts)
        parts[_DOCUMENT] = (self.document_head + body + self.document_tail).encode("utf-8")
        parts[_HEADER] = self.header.replace(_PROBE_KEY, _escape(clean.key)).encode("utf-8")
        parts[_CORE] = self._core(clean).encode("utf-8")
        return parts

    def render(self, view: DisclosureView, files: Mapping[str, bytes] | None = None) -> bytes:
        """The disclosure as the bytes of a .docx, the same document the builder makes
        (files: the bytes of its figures by SHA-256)."""
        if not self.fits(view):
            return render_disclosure_docx(view, templates_dir=self.templates_dir, files=files)
        parts = self.render_parts(view)
        packed = self.packed
        return _zip([packed[name] if name in packed else _Packed.of(name, parts[name])
                     for name, _ in self.parts])

    def render_all(
        self, views: Sequence[DisclosureView], done: Callable[[int, str], None] | None = None,
        files: Mapping[str, bytes] | None = None,
    ) -> list[bytes]:
        """Every view's .docx, in order; done(count, key) after each.

        One thread: compressing each document on a second thread was measured slower (the
        compressor waits for the interpreter lock after every document), and a second
        process costs more to start and feed than it saves on a thousand documents.
        """
        results = []
        for count, view in enumerate(views, start=1):
            results.append(self.render(view, files))
            if done is not None:
                done(count, view.key)
        return results

    def _core(self, view: DisclosureView) -> str:
        assert view.created_at is not None and view.updated_at is not None
        values = {
            "title": f"<dc:title>{_escape(f'{view.key} {view.title}'.strip()[:255])}</dc:title>",
            "creator": f"<dc:creator>{_escape(view.submitted_by[:255])}</dc:creator>",
            "keywords": f"<cp:keywords>{_escape(view.key[:255])}</cp:keywords>",
            "revision": f"<cp:revision>{max(1, view.version)}</cp:revision>",
            "created": '<dcterms:created xsi:type="dcterms:W3CDTF">'
                       f"{_w3cdtf(view.created_at)}</dcterms:created>",
            "modified": '<dcterms:modified xsi:type="dcterms:W3CDTF">'
                        f"{_w3cdtf(view.updated_at)}</dcterms:modified>",
        }
        pieces = self.core_pieces
        out = [pieces[0]]
        for index in range(1, len(pieces), 2):
            out.append(values[pieces[index]])
            out.append(pieces[index + 1])
        return "".join(out)


def _core_pieces(core: str) -> list[str]:
    """core.xml cut around the first match of each of _CORE_FIELDS (a field the builder did
    not write stays as it is, as re.sub would leave it)."""
    spans = []
    for name, pattern in _CORE_FIELDS.items():
        match = re.search(pattern, core)
        if match is not None:
            spans.append((match.start(), match.end(), name))
    spans.sort()
    pieces: list[str] = []
    at = 0
    for start, end, name in spans:
        if start < at:
            raise ValueError("core properties overlap")  # never from python-docx
        pieces.extend((core[at:start], name))
        at = end
    pieces.append(core[at:])
    return pieces


_VIEW_STRINGS = tuple(f.name for f in fields(DisclosureView) if f.type in ("str", str))
_INVENTOR_STRINGS = tuple(f.name for f in fields(InventorView) if f.type in ("str", str))
_EVENT_STRINGS = tuple(f.name for f in fields(EventView) if f.type in ("str", str))


def _is_clean(view: DisclosureView) -> bool:
    """True when clean_view(view) would return view unchanged.

    Stricter than clean_view where that is cheaper: every string that is not a multi-line
    field must already be a clean line (no line break, nothing unstorable, no white space at
    either end), every multi-line field clean text (no carriage return, nothing unstorable).
    Such a view needs only its multi-line fields laid out as prose (_as_prose) to be what
    clean_view makes of it.
    A view that passes is therefore one that clean_view leaves as it is; one that fails is
    simply cleaned.
    """
    texts = [getattr(view, name) for name in TEXT_FIELDS]
    singles = [getattr(view, name) for name in _VIEW_STRINGS if name not in TEXT_FIELDS]
    for person in view.inventors:
        singles.extend(getattr(person, name) for name in _INVENTOR_STRINGS)
    for event in view.events:
        singles.extend(getattr(event, name) for name in _EVENT_STRINGS)
    singles.extend(view.components)
    for attachment in view.attachments:
        singles.extend((attachment.file_name, attachment.caption))
    text, line = "".join(texts), "".join(singles)
    if "\r" in text or "\r" in line or "\n" in line or has_unstorable(text + line):
        return False
    return all(value == value.strip() for value in singles)


def _as_prose(view: DisclosureView) -> DisclosureView:
    """A clean view (_is_clean) with its multi-line fields as prose, as clean_view lays
    them out; the view itself when none changes (most have no line break to join)."""
    changes: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = getattr(view, name)
        if value and ("\n" in value or value[-1].isspace() or value[0].isspace()):
            laid_out = prose(value)
            if laid_out != value:
                changes[name] = laid_out
    return replace(view, **changes) if changes else view


def _parts_of(data: bytes) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _wording_depends_only_on_vendors(templates_dir: Path | None) -> bool:
    """True when no wording template reads the disclosure itself (only its vendors and our
    organisation's name, the same for every document of a bundle), so the wording can be
    evaluated once per set of vendors instead of once per document."""
    from jinja2 import meta

    env = template_environment(templates_dir)
    assert env.loader is not None
    for section in DISCLOSURE_SECTIONS:
        source, _, _ = env.loader.get_source(env, f"disclosure/wording/{section}.j2")
        names = meta.find_undeclared_variables(env.parse(source))
        if names - {"vendors", "organization"}:
            return False
    return True


def _probes() -> list[DisclosureView]:
    """Disclosures that use every branch of the builder."""
    moment = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    inventors = (
        InventorView("a", "Ana <Ruiz> & Co", "ana@example.com", "internal", "Northwind", False,
                     "inventor", 62.5),
        InventorView("b", "\u05e9\u05e8\u05d4 \u05dc\u05d5\u05d9", "s@example.il", "v1",
                     "Vendor & Sons", True, "inventor", None),
        InventorView("c", "Chen Li", "", "v2", "", True, "contributor", None),
    )
    rich = DisclosureView(
        key=_PROBE_KEY,
        title=" Leading space & <tags>\tand a tab ",
        status="submitted",
        summary="One line.\n\n  indented line\n\u05e9\u05dc\u05d5\u05dd world\nend\t",
        engagement_key="ENG-1",
        engagement_name="Engagement & more",
        phase="during",
        submitter="smitter",
        submitter_name="Sub & Mitter",
        submitted_on=date(2028, 2, 29),
        description="a\nb\n\nc",
        conception_date=date(2025, 12, 31),
        prototype_exists=True,
        records_location="Notebook 1\nShelf 2",
        jurisdictions="US, EP",
        reverse_engineerable=False,
        completed_in_china=True,
        inventors=inventors,
        events=(EventView("public-disclosure", date(2026, 1, 15), "DE", "Fair & expo", "x<y"),
                EventView("national-phase-entered", date(2026, 3, 1))),
        components=("bms-fw", " spaced "),
        attachments=(AttachmentView("bench <log>.csv", "text/csv", 2048, "ab" * 32,
                                    "Ripple & noise"),),
        deleted=True,
        created_at=moment,
        updated_at=moment,
        version=4,
    )
    plain = replace(rich, title="", summary="", submitter="", submitter_name="",
                    engagement_key="",
                    engagement_name="", phase="", submitted_on=None, description="",
                    records_location="", jurisdictions="", reverse_engineerable=None,
                    completed_in_china=False, inventors=(), events=(), components=(),
                    attachments=(), deleted=False, version=1)
    later = datetime(2026, 3, 2, 17, 5, tzinfo=UTC)
    vendor_only = (InventorView("d", "Wei Li", "", "v3", "Shenzhen & Co", True, "inventor",
                                None, "CN"),)
    return [rich, plain, replace(rich, key="FF-2026-0042", inventors=inventors[:1],
                                 deleted=False, created_at=later, updated_at=later),
            replace(rich, key="FF-2026-0043", deleted=False, evidence=_probe_evidence(moment)),
            replace(plain, key="FF-2026-0044", evidence=DisclosureEvidence(
                "0" * 64, timestamp=TimestampView("failed", "1" * 64, moment,
                                                  message="answered HTTP 500 <&>"))),
            replace(rich, key="FF-2026-0045", inventors=vendor_only, completed_in_china=False,
                    deleted=False, created_at=later, updated_at=later)]


def _probe_evidence(moment: datetime) -> DisclosureEvidence:
    """Evidence that uses every branch: current, stale and broken signatures, a witness, a
    timestamp of an earlier version."""
    def signed(meaning: str, person: str, valid: bool, current: bool) -> SignatureView:
        return SignatureView(meaning, MEANINGS[meaning], f"{person} <&>", person, "login",
                             moment, "2" * 64, "3" * 64, valid, current)

    return DisclosureEvidence(
        "4" * 64,
        signatures=(signed("inventor", "a", True, True), signed("inventor", "b", True, False),
                    signed("witness", "w", True, True), signed("witness", "x", False, True)),
        timestamp=TimestampView("stamped", "5" * 64, moment, moment, "CN=Test & TSA", "7",
                                covers_current=False))
