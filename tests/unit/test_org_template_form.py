"""The shipped example form, filled in and reopened, and the documented context."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import docx

from firstfile.domain.deadlines import compute_deadlines
from firstfile.rendering.org_template import (
    ORG_TEMPLATE_NAME,
    find_org_template,
    render_org_template,
    template_context,
)
from firstfile.resources import shipped_templates
from tests.unit.disclosure_samples import sample_view

FORM = shipped_templates() / ORG_TEMPLATE_NAME
DOCS = Path(__file__).resolve().parents[2] / "docs" / "TEMPLATES.md"


def _all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    section = document.sections[0]
    parts.extend(p.text for p in section.header.paragraphs)
    parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def test_the_example_form_holds_the_disclosure_fields() -> None:
    view = replace(sample_view(), description="First line & more\nsame paragraph\n\nSecond <line>")
    deadlines = compute_deadlines(view.events, as_of=date(2026, 3, 1))
    context = template_context(view, decision="file-pct", decided_on=date(2026, 3, 2),
                               deadlines=deadlines)
    filled = docx.Document(BytesIO(render_org_template(FORM, context)))
    text = _all_text(filled)
    for value in (view.key, view.title, view.summary,
                  "First line & more same paragraph\nSecond <line>",
                  view.inventors[0].name, view.inventors[1].email, "Shenzhen PCBA Works",
                  "File a PCT application", "2026-03-02", "us-grace-period", "60%"):
        assert value in text, value
    assert "JOINT INVENTION with Shenzhen PCBA Works" in text
    assert "{{" not in text and "{%" not in text
    assert filled.core_properties.title == f"{view.key} {view.title}"
    assert filled.sections[0].header.paragraphs[0].text.endswith(view.key)
    assert "CONFIDENTIAL" in filled.sections[0].footer.paragraphs[0].text


def test_a_form_without_a_vendor_inventor_has_no_joint_notice() -> None:
    view = replace(sample_view(), inventors=sample_view().inventors[:1])
    filled = docx.Document(BytesIO(render_org_template(FORM, template_context(view))))
    assert "JOINT INVENTION" not in _all_text(filled)


def test_the_context_is_plain_data_without_internal_fields() -> None:
    context = template_context(sample_view(), decision="no-action")
    encoded = json.dumps(context)  # only plain values survive json
    assert "rationale" not in encoded and "reviewer" not in encoded
    assert context["disclosure"]["joint_vendors"] == ["Shenzhen PCBA Works"]
    assert [p["role"] for p in context["inventors"]] == ["inventor", "inventor"]


def test_every_context_field_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    context = template_context(sample_view())
    for name, value in context.items():
        assert f"`{name}`" in documented, name
        if isinstance(value, dict):
            for inner in value:
                assert f"`{name}.{inner}`" in documented, f"{name}.{inner}"
    for inner in context["people"][0]:
        assert f"`p.{inner}`" in documented, inner
    for inner in context["events"][0]:
        assert f"`e.{inner}`" in documented, inner


def test_the_template_folder_setting_finds_the_form(tmp_path: Path) -> None:
    assert find_org_template(tmp_path) is None
    assert find_org_template(None) is None
    target = tmp_path / ORG_TEMPLATE_NAME
    target.parent.mkdir(parents=True)
    target.write_bytes(FORM.read_bytes())
    assert find_org_template(tmp_path) == target
