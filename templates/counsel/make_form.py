"""Write the example organisation form, templates/counsel/disclosure-form.docx.

The form is what an organisation would make in Word: its own headings and layout, with Jinja
tags (docxtpl) where firstfile fills in a disclosure. It starts from the slim base document
(templates/disclosure/base.docx) so it carries only the styles it uses. The tags and the
fields they may use are listed in docs/TEMPLATES.md; copy this form into
`<template folder>/counsel/disclosure-form.docx` and edit it in Word, or pass any .docx to
`firstfile export bundle --template FILE.docx`.

Run: python templates/counsel/make_form.py [--out PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import docx
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
BASE = HERE.parent / "disclosure" / "base.docx"

TEXT_SECTIONS = (
    ("Summary", "disclosure.summary"),
    ("Problem and background", "disclosure.problem"),
    ("Description", "disclosure.description"),
    ("Variants and alternatives", "disclosure.variants"),
    ("Advantages", "disclosure.advantages"),
    ("Known prior art", "disclosure.prior_art"),
    ("Third parties involved", "disclosure.third_parties"),
)


def _table(document: docx.document.Document, header: list[str], loop: str,
           cells: list[str]) -> None:
    """A table whose middle row repeats once per item (docxtpl's {%tr %} rows)."""
    table = document.add_table(rows=4, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build(out: Path) -> None:
    document = docx.Document(str(BASE))
    document.add_paragraph("Invention disclosure form", style="Title")
    document.add_paragraph("{{ disclosure.key }}: {{ disclosure.title }}", style="Heading 1")
    notice = document.add_paragraph(style="Notice")
    notice.add_run("{{ marking }}").bold = True
    document.add_paragraph(
        "{%p if disclosure.joint %}", style="Normal")
    joint = document.add_paragraph(style="Notice")
    joint.add_run("JOINT INVENTION with {{ disclosure.joint_vendors | join(', ') }}: check who "
                  "owns jointly developed IP under each vendor's agreement.").bold = True
    document.add_paragraph("{%p endif %}", style="Normal")

    facts = document.add_table(rows=0, cols=2)
    facts.style = document.styles["Table Grid"]
    for label, value in (
        ("Engagement", "{{ disclosure.engagement.name }} ({{ disclosure.engagement.key }})"),
        ("Submitter", "{{ disclosure.submitter }}"),
        ("Business unit", "{{ disclosure.business_unit }}"),
        ("Submitted on", "{{ disclosure.submitted_on }}"),
        ("Status", "{{ disclosure.status_label }}"),
        ("Decision", "{{ decision.label }} {{ decision.decided_on }}"),
        ("Conception", "{{ disclosure.conception_date }}"),
        ("Reduction to practice", "{{ disclosure.reduction_to_practice_date }}"),
        ("Prototype exists", "{{ disclosure.prototype_exists | yes_no }}"),
        ("Records kept at", "{{ disclosure.records_location }}"),
        ("Jurisdictions of interest", "{{ disclosure.jurisdictions }}"),
        ("Can be reverse engineered", "{{ disclosure.reverse_engineerable | yes_no }}"),
        ("Completed (partly) in China", "{{ disclosure.completed_in_china | yes_no }}"),
    ):
        row = facts.add_row().cells
        row[0].paragraphs[0].add_run(label).bold = True
        row[1].text = value

    document.add_paragraph("Inventors and contributors", style="Heading 1")
    _table(document, ["Name", "Email", "Organisation at conception", "Role", "Share"],
           "p in people",
           ["{{ p.name }}", "{{ p.email }}", "{{ p.organization_name }} ({{ p.affiliation }})",
            "{{ p.role }}", "{{ p.contribution }}"])

    for heading, field in TEXT_SECTIONS:
        document.add_paragraph(heading, style="Heading 1")
        document.add_paragraph(f"{{{{ {field} }}}}", style="Normal")

    document.add_paragraph("Disclosures, offers and filings", style="Heading 1")
    _table(document, ["What", "Date", "Where", "Reference"], "e in events",
           ["{{ e.label }}", "{{ e.date }}", "{{ e.jurisdiction }}", "{{ e.reference }}"])

    document.add_paragraph("Deadlines", style="Heading 1")
    _table(document, ["Rule", "Where", "Due", "State"], "d in deadlines",
           ["{{ d.rule }}", "{{ d.jurisdiction }}", "{{ d.due }}", "{{ d.state }}"])

    document.add_paragraph("Signatures", style="Heading 1")
    guidance = document.add_paragraph(
        "Every inventor signs the same version; a witness who is not an inventor "
        "corroborates it.", style="Guidance")
    guidance.runs[0].font.size = Pt(9)
    _table(document, ["Inventor", "Signature", "Date"], "p in inventors",
           ["{{ p.name }}", "", ""])

    section = document.sections[0]
    section.header.paragraphs[0].text = "Invention disclosure {{ disclosure.key }}"
    section.footer.paragraphs[0].text = "{{ marking }}"
    props = document.core_properties
    props.title = "{{ disclosure.key }} {{ disclosure.title }}"
    props.subject = "Invention disclosure"
    props.author = "{{ disclosure.submitter }}"
    props.comments = ""
    document.save(str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "disclosure-form.docx")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
