"""The internal risk report as a Word document.

Built on the same slim base as the other documents (`disclosure/base.docx`, the
organisation's own first) with the checklist's table builder; the exposure matrix gets a
landscape page of its own, its cells shaded by how much they show. Every user string is
cleaned (domain/text.py) before it reaches the XML; every word around it comes from
`risk/wording.j2`. The marking is in the body, the header and footer of every page, and the
document's properties.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from firstfile.domain.risk.report import RiskReport, shade
from firstfile.domain.text import clean_line, clean_prose
from firstfile.rendering.checklist_wording import ChecklistWording
from firstfile.rendering.docx_pages import (
    Page,
    clear_text_properties,
    header_footer,
    open_base,
    save,
    set_dates,
)

# Cell fills by shade (0: nothing seen), lightest to darkest red, and the text on each.
SHADE_FILLS: tuple[str, ...] = ("FFFFFF", "FBE3E4", "F4B6BA", "E57373", "B71C1C")
SHADE_TEXT: tuple[str, ...] = ("000000", "000000", "000000", "000000", "FFFFFF")
REPRODUCE_RED = "C00000"


def percent(share: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{share * 100:.1f}%"


def scores_text(values: Sequence[int]) -> str:
    """The three scores as "5/4/5"."""
    return "/".join(str(v) for v in values)


def render_risk_report_docx(
    report: RiskReport, w: ChecklistWording, *, templates_dir: Path | None = None
) -> bytes:
    """The report as the bytes of a .docx file."""
    picture = report.assessment
    docx = open_base(templates_dir)
    page = Page(docx)
    page.paragraph(w("title"), "Title")
    page.paragraph(w("marking"), "Notice", bold=True)
    page.paragraph(w("introduction"), "Guidance")
    page.paragraph(w("facts_heading"), "Heading 1")
    facts = [
        (w("engagement"), f"{report.engagement_key}: {report.engagement_name}"),
        (w("product"), report.product or w("nothing")),
        (w("policy"), clean_line(picture.policy_title)),
        (w("prepared"), f"{report.prepared_on.isoformat()}, {report.prepared_by}"),
    ]
    page.table(None, facts, widths=(0.3, 0.7), label_column=True)

    page.paragraph(w("flags_heading"), "Heading 1")
    if picture.flags:
        for flag in picture.flags:
            _red_paragraph(page, clean_line(flag.message), red=flag.kind == "could-reproduce")
    else:
        page.paragraph(w("no_flags"), "Guidance")

    page.paragraph(w("firewall_heading"), "Heading 1")
    page.paragraph(w("firewall_intro"), "Guidance")
    rows = []
    for c in picture.components:
        decided = w("no_decision")
        if c.decision is not None:
            decided = w.label("dispositions", c.decision.disposition)
            if c.against_recommendation:
                decided += f"\n({w('against')}: {clean_prose(c.decision.reason) or w('nothing')})"
        rows.append(
            (
                f"{'    ' * c.depth}{clean_line(c.name)}\n{'    ' * c.depth}{c.key}",
                scores_text(c.assessment.values),
                w.label("dispositions", c.recommendation.disposition),
                clean_line(c.recommendation.reason),
                decided,
            )
        )
    page_table(
        page,
        [w("component"), w("scores"), w("recommendation"), w("reason"), w("decision")],
        rows,
        widths=(0.2, 0.08, 0.23, 0.27, 0.22),
        titled_column=0,
    )

    page.paragraph(w("vendors_heading"), "Heading 1")
    page.paragraph(w("vendors_intro"), "Guidance")
    largest = max((v.exposure for v in picture.vendors), default=0.0)
    vendor_rows = [
        (
            f"{clean_line(v.name)}\n{v.key}",
            percent(v.exposure),
            percent(v.risk),
            ", ".join(clean_line(c) for c in v.competitors) or w("nothing"),
            ", ".join(v.could_reproduce) or w("nothing"),
        )
        for v in picture.vendors
    ]
    table = page_table(
        page,
        [w("vendor"), w("exposure"), w("risk"), w("competitors"), w("reproduces")],
        vendor_rows,
        widths=(0.3, 0.14, 0.1, 0.24, 0.22),
    )
    for index, v in enumerate(picture.vendors, start=1):
        _shade_cell(table.cell(index, 1), shade(v.exposure, largest))
        if v.could_reproduce:
            _colour_cell(table.cell(index, 4), REPRODUCE_RED, bold=True)

    page.paragraph(w("sets_heading"), "Heading 1")
    page.paragraph(w("sets_intro"), "Guidance")
    if picture.critical_sets:
        set_rows = []
        for s in picture.critical_sets:
            seen = "\n".join(
                f"{vendor}: {', '.join(members)}" for vendor, members in s.seen_by if members
            ) or w("nothing")
            warning = "\n".join(
                f"{w('could_reproduce')}: {clean_line(report.vendor_name(v))}"
                for v in s.could_reproduce
            )
            set_rows.append((f"{clean_line(s.name)}\n{s.key}", ", ".join(s.members), seen, warning))
        table = page_table(
            page,
            [w("critical_set"), w("members"), w("seen_by"), w("reproduces")],
            set_rows,
            widths=(0.24, 0.26, 0.26, 0.24),
        )
        for index, s in enumerate(picture.critical_sets, start=1):
            if s.could_reproduce:
                _colour_cell(table.cell(index, 3), REPRODUCE_RED, bold=True)
    else:
        page.paragraph(w("no_sets"), "Guidance")

    page.paragraph(w("safeguards_heading"), "Heading 1")
    page.paragraph(w("safeguards_intro"), "Guidance")
    safeguard_rows = [
        (
            clean_line(v.name),
            w.label("safeguard_names", s.kind),
            w.label("statuses", s.status),
            s.on.isoformat() if s.on else "",
            clean_prose(s.evidence or s.reason),
        )
        for v in picture.vendors
        for s in v.safeguards
    ]
    if safeguard_rows:
        page.table(
            [w("vendor"), w("safeguard"), w("status"), w("date"), w("evidence")],
            safeguard_rows,
            widths=(0.24, 0.24, 0.14, 0.14, 0.24),
        )
    else:
        page.paragraph(w("no_safeguards"), "Guidance")

    page.paragraph(w("actions_heading"), "Heading 1")
    page.paragraph(w("actions_intro"), "Guidance")
    actions = report.open_actions()
    if actions:
        page.table(
            [w("component"), w("vendor"), w("via"), w("tactic"), w("status")],
            [
                (
                    a.component,
                    a.vendor,
                    a.via or "-",
                    clean_line(a.title),
                    w.label("statuses", a.status),
                )
                for a in actions
            ],
            widths=(0.2, 0.2, 0.16, 0.3, 0.14),
        )
    else:
        page.paragraph(w("no_actions"), "Guidance")

    page.paragraph(w("tracers_heading"), "Heading 1")
    page.paragraph(w("tracers_intro"), "Guidance")
    if report.tracers:
        page.table(
            [w("issued"), w("component"), w("vendor"), w("tracer_kind"), w("code")],
            [
                (
                    t.issued_on.isoformat(),
                    clean_line(t.component),
                    clean_line(t.vendor),
                    clean_line(t.kind),
                    clean_line(t.code),
                )
                for t in report.tracers
            ],
            widths=(0.14, 0.2, 0.2, 0.2, 0.26),
        )
    else:
        page.paragraph(w("no_tracers"), "Guidance")

    _matrix_page(docx, page, report, w)
    header_footer(docx, f"{w('header')} \u00b7 {report.engagement_key}", w("marking"))
    props = docx.core_properties
    clear_text_properties(props)
    props.title = f"{w('title')}: {report.engagement_key}"[:255]
    props.subject = w("kind")[:255]
    props.keywords = report.engagement_key[:255]
    props.category = w("header")[:255]
    props.author = report.prepared_by[:255]
    set_dates(props, report.prepared_on)
    return save(docx)


def page_table(
    page: Page,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float],
    titled_column: int | None = 0,
) -> Any:
    """A table like Page.table, its header row repeated on every page it runs onto,
    returned so its cells can be shaded."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    page.table(header, rows, widths=widths, titled_column=titled_column)
    table = page.docx.tables[-1]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    return table


def _matrix_page(docx: Any, page: Page, report: RiskReport, w: ChecklistWording) -> None:
    """The exposure matrix on landscape pages of its own: vendors as columns, a first row with
    each vendor's exposure, cells shaded by how much they show."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Pt

    portrait = docx.sections[-1]
    section = docx.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = portrait.page_height, portrait.page_width
    picture = report.assessment
    matrix = picture.matrix
    page.paragraph(w("matrix_heading"), "Heading 1")
    page.paragraph(w("matrix_intro"), "Guidance")
    names = {c.key: c for c in picture.components}
    vendors = matrix.vendors
    first = 0.28 if vendors else 1.0
    widths = (first, *([(1 - first) / len(vendors)] * len(vendors)))
    header = [w("component"), *vendors]
    rows = [[w("all_components"), *(percent(e) for e in matrix.exposures)]]
    for row in matrix.rows:
        component = names.get(row.component)
        indent = "  " * (component.depth if component else 0)
        cells = [
            f"{w(cell.level)} {percent(cell.share)}" if cell.level else "" for cell in row.cells
        ]
        rows.append([f"{indent}{row.component}", *cells])
    table = page_table(page, header, rows, widths=widths, titled_column=None)
    _fit_to(table, section, widths)
    largest = report.largest_cell_share()
    top = max(matrix.exposures, default=0.0)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
            if r == 1 and c > 0:
                _shade_cell(cell, shade(matrix.exposures[c - 1], top))
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.bold = True
            elif r > 1 and c > 0:
                _shade_cell(cell, shade(matrix.rows[r - 2].cells[c - 1].share, largest))
    legend = "  ".join(f"{v}: {clean_line(report.vendor_name(v))}" for v in vendors)
    page.paragraph(legend, "Guidance")


def _fit_to(table: Any, section: Any, widths: Sequence[float]) -> None:
    """Spread a table over the text width of section (the builder sizes tables for the
    first, portrait, page)."""
    from docx.shared import Emu

    text_width = (
        (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    )
    if text_width <= 0:
        return
    for column, share in zip(table.columns, widths, strict=True):
        column.width = Emu(int(text_width * share))
        for cell in column.cells:
            cell.width = Emu(int(text_width * share))


def _shade_cell(cell: Any, level: int) -> None:
    """Fill a cell with the shade for level (0 leaves it white)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    if level <= 0:
        return
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), SHADE_FILLS[level])
    properties.append(fill)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(SHADE_TEXT[level])


def _colour_cell(cell: Any, colour: str, *, bold: bool = False) -> None:
    from docx.shared import RGBColor

    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(colour)
            if bold:
                run.bold = True


def _red_paragraph(page: Page, text: str, *, red: bool) -> None:
    """A flag: bold, and red for a vendor that could reproduce a subsystem."""
    from docx.shared import RGBColor

    page.paragraph(text, "Notice", bold=True)
    if red:
        for run in page.docx.paragraphs[-1].runs:
            run.font.color.rgb = RGBColor.from_string(REPRODUCE_RED)
