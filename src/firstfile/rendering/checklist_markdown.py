"""The agreement checklist as Markdown, for review and for pasting into an e-mail.

Like the Word version, the vendor's Markdown is written from the VendorChecklistDocument
alone. User text is escaped for Markdown so a vendor name or a note cannot add a heading, a
link or a table column.
"""

from __future__ import annotations

from pathlib import Path

from firstfile.domain.checklist import InternalChecklistDocument, VendorChecklistDocument
from firstfile.domain.text import clean_line, clean_prose
from firstfile.rendering.checklist_docx import (
    DEFAULT_REFERENCE_LABEL,
    internal_wording_context,
    vendor_wording_context,
)
from firstfile.rendering.checklist_wording import load_checklist_wording
from firstfile.rendering.disclosure_markdown import md_inline, md_text
from firstfile.rendering.disclosure_values import paragraphs


def md(text: str) -> str:
    """One line of user text, cleaned and escaped for Markdown: only what would start
    emphasis, code, a link, HTML, a heading or a table column, so `S.A. de C.V.` reads as
    typed (the disclosure export's escaping, rendering/disclosure_markdown.py)."""
    return md_inline(clean_line(text))


def md_block(text: str) -> str:
    """Multi-line user text as prose (domain/text.py): each paragraph escaped (and a list
    marker or number at its start), paragraphs apart by a blank line."""
    return paragraphs(md_text(clean_prose(text)))


def cell(text: str) -> str:
    """Text for a table cell: one line, escaped (pipes included)."""
    return md(text.replace("\n", " "))


def render_vendor_checklist_markdown(
    document: VendorChecklistDocument, *, templates_dir: Path | None = None
) -> str:
    """The terms to agree with the vendor, as Markdown."""
    w = load_checklist_wording("vendor", vendor_wording_context(document), templates_dir)
    out = [f"# {md(w('title'))}", "", f"**{md(w('marking'))}**", "",
           f"## {md(document.vendor_name)}", "",
           f"{md(w('issued'))}: {document.issued_on.isoformat()}", ""]
    if document.canary:
        # In a code span: the code is written exactly as printed, so a search finds it.
        label = w.get("reference", DEFAULT_REFERENCE_LABEL)
        out += [f"{md(label)}: `{clean_line(document.canary)}`", ""]
    out += [md(w("introduction")), ""]
    if not document.terms:
        out += [f"_{md(w('no_terms'))}_", ""]
    for term in document.terms:
        out += [f"### {term.number}\\. {md(term.title)}", "", md_block(term.text), "",
                f"{md(w('agreed'))}: ______________________", ""]
    out += [f"## {md(w('signatures_heading'))}", ""]
    for party in (w("for_vendor"), w("for_us")):
        out += [f"**{md(party)}**", "", f"{md(w('name'))}: ", "", f"{md(w('signature'))}: ", "",
                f"{md(w('date'))}: ", ""]
    return "\n".join(out).rstrip() + "\n"


def render_internal_checklist_markdown(
    document: InternalChecklistDocument, *, templates_dir: Path | None = None
) -> str:
    """The company's own checklist for one vendor, as Markdown."""
    w = load_checklist_wording("internal", internal_wording_context(document), templates_dir)
    checklist = document.checklist
    out = [f"# {md(w('title'))}: {md(document.vendor_name)}", "", f"**{md(w('marking'))}**", "",
           md(w("introduction")), "", f"## {md(w('facts_heading'))}", ""]
    facts = [
        (w("engagement"), f"{document.engagement_key}: {document.engagement_name}"),
        (w("product"), document.product or w("nothing")),
        (w("phase"), w.label("phases", document.phase)),
        (w("vendor"), f"{document.vendor_key}: {document.vendor_name}"),
        (w("vendor_kind"), w.label("vendor_kinds", document.vendor_kind)),
        (w("country"), document.vendor_country or w("nothing")),
        (w("competitors"), ", ".join(document.competitors) or w("nothing")),
        (w("notes"), document.vendor_notes or w("nothing")),
        (w("prepared"), f"{document.issued_on.isoformat()}, {document.prepared_by}"),
        (w("complete"), w("yes") if checklist.complete else w("no")),
    ]
    out += [f"- **{md(label)}**: {cell(value)}" for label, value in facts]
    out += ["", f"## {md(w('flags_heading'))}", ""]
    out += [f"- **{md(flag.message)}**" for flag in document.flags] or [f"_{md(w('no_flags'))}_"]
    out += ["", f"## {md(w('items_heading'))}", "",
            "| " + " | ".join(md(w(k)) for k in ("item", "critical", "status", "date", "who"))
            + " |", "|---|---|---|---|---|"]
    for line in checklist.lines:
        out.append("| " + " | ".join((
            cell(line.item.title), md(w("critical_mark")) if line.item.critical else "",
            md(w.label("statuses", line.state.status)),
            line.state.done_on.isoformat() if line.state.done_on else "", cell(line.state.who),
        )) + " |")
    out += ["", f"## {md(w('details_heading'))}", ""]
    for line in checklist.lines:
        out += [f"### {md(line.item.title)}", "", f"_{md(w('guidance'))}_: "
                f"{md_block(line.item.guidance)}", ""]
        for label, value in ((w("reason"), line.state.reason), (w("evidence"), line.state.evidence),
                             (w("internal_note"), line.state.internal_note)):
            if value.strip():
                out += [f"**{md(label)}**: {md_block(value)}", ""]
    return "\n".join(out).rstrip() + "\n"
