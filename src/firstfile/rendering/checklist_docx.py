"""The agreement checklist as a Word document: the internal version and the vendor's version.

The two are built by two separate writers from two separate inputs. The vendor's writer gets a
VendorChecklistDocument, which only has the vendor's name, the date and the terms: it is an
allowlist, not the internal version with fields removed, so nothing internal can reach it by
mistake. Its document properties are set deliberately (title and subject from the wording,
every other text property empty), custom properties are dropped, and the extended properties
are replaced, so an organisation's base document cannot carry anything into it either.

Both start from the same slim base as the disclosure (`disclosure/base.docx`, the
organisation's own first), through the page helpers of docx_pages.py. Every user string is
cleaned (domain/text.py) before it reaches the XML; every word around it comes from
`checklists/wording/<audience>.j2`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from firstfile.domain.checklist import InternalChecklistDocument, VendorChecklistDocument
from firstfile.domain.text import clean_line, clean_prose
from firstfile.rendering.checklist_wording import ChecklistWording, load_checklist_wording
from firstfile.rendering.docx_pages import (
    Page,
    clear_text_properties,
    header_footer,
    open_base,
    save,
    set_dates,
)

_CUSTOM_PROPERTIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_EXTENDED_PROPERTIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
)
_PLAIN_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>firstfile</Application></Properties>'
)
DEFAULT_REFERENCE_LABEL = "Document reference"


def vendor_wording_context(document: VendorChecklistDocument) -> dict[str, Any]:
    """All a vendor wording template may use: the vendor's own name, the date of issue and
    our organisation's name ("" when none is recorded)."""
    return {"vendor_name": clean_line(document.vendor_name), "issued_on": document.issued_on,
            "organization": clean_line(document.organization_name)}


def canary_line(w: ChecklistWording, document: VendorChecklistDocument) -> str:
    """The line that carries the vendor's document canary ("" for a document without one).

    Its label comes from the wording; a copy of the wording made before canaries existed
    gets the shipped label, so the canary is never left out.
    """
    if not document.canary:
        return ""
    return f"{w.get('reference', DEFAULT_REFERENCE_LABEL)}: {clean_line(document.canary)}"


def internal_wording_context(document: InternalChecklistDocument) -> dict[str, Any]:
    return {"document": document, "vendor_name": clean_line(document.vendor_name),
            "issued_on": document.issued_on,
            "organization": clean_line(document.organization_name)}


def render_vendor_checklist_docx(
    document: VendorChecklistDocument, *, templates_dir: Path | None = None
) -> bytes:
    """The terms to agree with the vendor, as the bytes of a .docx file."""
    w = load_checklist_wording("vendor", vendor_wording_context(document), templates_dir)
    docx = open_base(templates_dir)
    page = Page(docx)
    vendor = clean_line(document.vendor_name)
    page.paragraph(w("title"), "Title")
    page.paragraph(vendor, "Heading 2")
    page.paragraph(f"{w('issued')}: {document.issued_on.isoformat()}", "Normal")
    reference = canary_line(w, document)
    if reference:
        page.paragraph(reference, "Normal")
    page.paragraph(w("introduction"), "Guidance")
    if document.terms:
        rows = [(str(t.number), f"{clean_line(t.title)}\n{clean_prose(t.text)}", "")
                for t in document.terms]
        page.table([w("number"), w("term"), w("agreed")], rows, widths=(0.08, 0.67, 0.25),
                   titled_column=1)
    else:
        page.paragraph(w("no_terms"), "Guidance")
    page.paragraph(w("signatures_heading"), "Heading 1")
    page.table([w("for_vendor"), w("for_us")],
               [(f"{w('name')}:", f"{w('name')}:"), (f"{w('signature')}:", f"{w('signature')}:"),
                (f"{w('date')}:", f"{w('date')}:")], widths=(0.5, 0.5))
    header_footer(docx, w("header"), " ".join(t for t in (w("marking"), reference) if t))
    _vendor_safe_properties(docx, w, document.issued_on)
    # The canary is the document's identifier: a leaked file names its vendor even when the
    # text was cut away.
    docx.core_properties.identifier = clean_line(document.canary)[:255]
    return save(docx)


def render_internal_checklist_docx(
    document: InternalChecklistDocument, *, templates_dir: Path | None = None
) -> bytes:
    """The company's own checklist for one vendor: every item with status, evidence, notes."""
    w = load_checklist_wording("internal", internal_wording_context(document), templates_dir)
    docx = open_base(templates_dir)
    page = Page(docx)
    checklist = document.checklist
    page.paragraph(w("title"), "Title")
    page.paragraph(w("marking"), "Notice", bold=True)
    page.paragraph(w("introduction"), "Guidance")
    page.paragraph(w("facts_heading"), "Heading 1")
    facts = [
        (w("engagement"), f"{document.engagement_key}: {clean_line(document.engagement_name)}"),
        (w("product"), clean_line(document.product) or w("nothing")),
        (w("phase"), w.label("phases", document.phase)),
        (w("vendor"), f"{document.vendor_key}: {clean_line(document.vendor_name)}"),
        (w("vendor_kind"), w.label("vendor_kinds", document.vendor_kind)),
        (w("country"), document.vendor_country or w("nothing")),
        (w("competitors"), ", ".join(clean_line(c) for c in document.competitors) or w("nothing")),
        (w("notes"), clean_prose(document.vendor_notes) or w("nothing")),
        (w("prepared"), f"{document.issued_on.isoformat()}, {clean_line(document.prepared_by)}"),
        (w("complete"), w("yes") if checklist.complete else w("no")),
    ]
    page.table(None, facts, widths=(0.3, 0.7), label_column=True)
    page.paragraph(w("flags_heading"), "Heading 1")
    if document.flags:
        for flag in document.flags:
            page.paragraph(clean_line(flag.message), "Notice", bold=True)
    else:
        page.paragraph(w("no_flags"), "Guidance")
    page.paragraph(w("items_heading"), "Heading 1")
    rows = [
        (clean_line(line.item.title), w("critical_mark") if line.item.critical else "",
         w.label("statuses", line.state.status),
         line.state.done_on.isoformat() if line.state.done_on else "",
         clean_line(line.state.who))
        for line in checklist.lines
    ]
    page.table([w("item"), w("critical"), w("status"), w("date"), w("who")], rows,
               widths=(0.42, 0.1, 0.16, 0.14, 0.18))
    page.paragraph(w("details_heading"), "Heading 1")
    for line in checklist.lines:
        page.paragraph(clean_line(line.item.title), "Heading 2")
        details = [(w("guidance"), clean_prose(line.item.guidance))]
        for label, value in ((w("reason"), line.state.reason),
                             (w("evidence"), line.state.evidence),
                             (w("internal_note"), line.state.internal_note)):
            if value.strip():
                details.append((label, clean_prose(value)))
        page.table(None, details, widths=(0.25, 0.75), label_column=True)
    header_footer(docx, f"{w('header')} \u00b7 {document.engagement_key} \u00b7 "
                         f"{document.vendor_key}", w("marking"))
    props = docx.core_properties
    clear_text_properties(props)
    props.title = f"{w('title')}: {clean_line(document.vendor_name)}"[:255]
    props.subject = w("kind")[:255]
    props.keywords = f"{document.engagement_key} {document.vendor_key}"[:255]
    props.author = clean_line(document.prepared_by)[:255]
    set_dates(props, document.issued_on)
    return save(docx)


# --- the vendor's document properties ---------------------------------------------------


def _vendor_safe_properties(docx: Any, w: ChecklistWording, issued_on: date) -> None:
    """Document properties that say only what the vendor's document is, nothing more."""
    props = docx.core_properties
    clear_text_properties(props)
    props.title = w("title")[:255]
    props.subject = w("kind")[:255]
    props.author = w("author")[:255]
    set_dates(props, issued_on)
    package = docx.part.package
    # An organisation's base may carry custom properties (project codes, owners): drop them.
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == _CUSTOM_PROPERTIES:
            del package.rels[rel_id]
        elif rel.reltype == _EXTENDED_PROPERTIES and not rel.is_external:
            # Extended properties hold Company and Manager in Word's own files.
            rel.target_part._blob = _PLAIN_APP_XML
