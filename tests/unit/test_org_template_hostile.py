"""Hostile organisation templates: every way out of the sandbox fails with a clear error and
runs nothing, wherever the tag sits (body, header, footer, document properties).

The sandbox is the same in this process and in the child process that fills forms for real,
so most cases run `fill_form` here (a child per case would cost a second each); the last ones
go through `render_org_template` and its child. The limits on what a form may cost are in
test_org_template_limits.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
import pytest

from firstfile.rendering.org_template import (
    OrgTemplateError,
    fill_form,
    render_org_template,
    template_context,
)
from firstfile.resources import shipped_templates
from tests.unit.disclosure_samples import sample_view

BASE = shipped_templates() / "disclosure" / "base.docx"

PAYLOADS = (
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ joiner() }}",
    "{{ namespace(a=1) }}",
    "{{ self.__init__.__globals__ }}",
    "{{ disclosure.__class__ }}",
    "{{ disclosure.title.__class__.__base__.__subclasses__() }}",
    "{{ disclosure.events.append(1) }}",
    "{{ disclosure.update({'key': 'x'}) }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{{ range(10) }}",
)


def _form(place: str, text: str) -> bytes:
    """A small form with text in one place: body, header, footer or a document property."""
    document = docx.Document(str(BASE))
    document.add_paragraph("Form for {{ disclosure.key }}")
    if place == "body":
        document.add_paragraph(text)
    elif place == "header":
        document.sections[0].header.paragraphs[0].text = text
    elif place == "footer":
        document.sections[0].footer.paragraphs[0].text = text
    else:
        setattr(document.core_properties, place, text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


PLACES = ("body", "header", "footer", "title", "subject", "comments", "author")


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_is_refused_with_a_clear_error(place: str, payload: str) -> None:
    with pytest.raises(OrgTemplateError) as caught:
        fill_form(_form(place, payload), template_context(sample_view()), name="form.docx")
    message = str(caught.value)
    assert message.startswith("form.docx")
    assert "docs/TEMPLATES.md" in message


def test_refused_attribute_access_names_the_reason() -> None:
    with pytest.raises(OrgTemplateError, match="Python internals"):
        fill_form(_form("body", "{{ ''.__class__.__mro__ }}"), template_context(sample_view()))


@pytest.mark.parametrize("place", PLACES)
def test_a_payload_that_would_run_a_command_runs_nothing(place: str, tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    attempts: list[Callable[[str], str]] = [
        lambda p: f"{{{{ cycler.__init__.__globals__.os.system('touch {p}') }}}}",
        lambda p: f"{{{{ lipsum.__globals__['os'].popen('touch {p}').read() }}}}",
        lambda p: ("{{ ''.__class__.__mro__[1].__subclasses__()[0]"
                   f".__init__.__globals__['sys'].modules['os'].system('touch {p}') }}}}"),
    ]
    for attempt in attempts:
        with pytest.raises(OrgTemplateError):
            fill_form(_form(place, attempt(str(canary))), template_context(sample_view()))
    assert not canary.exists()


def test_in_the_child_process_too_a_payload_runs_nothing(tmp_path: Path) -> None:
    canary = tmp_path / "ran"
    payload = f"{{{{ cycler.__init__.__globals__.os.system('touch {canary}') }}}}"
    with pytest.raises(OrgTemplateError, match="docs/TEMPLATES.md"):
        render_org_template(_form("body", payload), template_context(sample_view()))
    assert not canary.exists()


@pytest.mark.parametrize("place", PLACES)
def test_markup_characters_come_out_intact_everywhere(place: str) -> None:
    view = replace(sample_view(), title="R&D <b>bold?</b> & 'quotes' \"too\"",
                   submitter="A&B <Lab>")
    field = "{{ disclosure.submitter }}" if place == "author" else "{{ disclosure.title }}"
    expected = view.submitter if place == "author" else view.title
    filled = docx.Document(BytesIO(fill_form(_form(place, field), template_context(view))))
    if place == "body":
        found = filled.paragraphs[-1].text
    elif place in ("header", "footer"):
        found = getattr(filled.sections[0], place).paragraphs[0].text
    else:
        found = getattr(filled.core_properties, place)
    assert found == expected


def test_an_unknown_field_is_an_error_not_an_empty_form() -> None:
    with pytest.raises(OrgTemplateError, match="titel"):
        render_org_template(_form("body", "{{ disclosure.titel }}"),
                            template_context(sample_view()))


def test_a_file_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "form.docx"
    fake.write_text("not a zip")
    with pytest.raises(OrgTemplateError, match="not a Word document"):
        render_org_template(fake, template_context(sample_view()))
    with pytest.raises(OrgTemplateError, match="cannot read"):
        render_org_template(tmp_path / "missing.docx", template_context(sample_view()))
