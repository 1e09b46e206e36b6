"""Wording templates: an organisation's own folder first, sandboxed, strict, no work at import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from firstfile.domain.text import prose
from firstfile.rendering.disclosure_docx import render_disclosure_docx, wording_context
from firstfile.rendering.disclosure_markdown import render_disclosure_markdown
from firstfile.rendering.disclosure_values import clean_view
from firstfile.rendering.safe_files import ExportError
from firstfile.rendering.wording import load_disclosure_wording
from firstfile.resources import shipped_templates
from tests.unit.disclosure_samples import sample_view
from tests.unit.docx_reading import open_docx, sections

REPOSITORY = Path(__file__).resolve().parents[2]


def own_folder(tmp_path: Path, name: str, source: str) -> Path:
    """A template folder holding one wording template."""
    folder = tmp_path / "own-templates"
    target = folder / "disclosure" / "wording" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    return folder


def test_own_wording_template_changes_the_heading_in_both_formats(tmp_path: Path) -> None:
    shipped = load_disclosure_wording(wording_context(clean_view(sample_view())))
    folder = own_folder(
        tmp_path,
        "problem.j2",
        '{% set heading = "Stand der Technik und Aufgabe" %}{% set guidance = "" %}',
    )
    view = sample_view()
    found = sections(open_docx(render_disclosure_docx(view, templates_dir=folder)))
    assert found["Stand der Technik und Aufgabe"].text() == view.problem
    assert shipped("problem", "heading") not in found
    # Other sections keep the shipped wording.
    assert found[shipped("description", "heading")].text() == prose(view.description)

    md = render_disclosure_markdown(view, templates_dir=folder)
    assert "\n## Stand der Technik und Aufgabe\n" in md
    assert f"\n## {shipped('problem', 'heading')}\n" not in md


def test_wording_sees_the_disclosure_as_context_values(tmp_path: Path) -> None:
    folder = own_folder(
        tmp_path,
        "document.j2",
        (shipped_templates() / "disclosure/wording/document.j2").read_text(encoding="utf-8")
        + '{% set marking = "Privileged: " ~ disclosure.key ~ " " ~ disclosure.title %}',
    )
    view = sample_view(title="{{ 7*7 }}")
    document = open_docx(render_disclosure_docx(view, templates_dir=folder))
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer == f"Privileged: {view.key} {{{{ 7*7 }}}}"


def test_a_name_missing_from_an_own_template_is_reported(tmp_path: Path) -> None:
    folder = own_folder(tmp_path, "summary.j2", '{% set heading = "Kurzfassung" %}')
    with pytest.raises(ExportError, match="summary.j2 does not set 'guidance'"):
        render_disclosure_docx(sample_view(), templates_dir=folder)


def test_an_undefined_name_is_an_error_not_an_empty_string(tmp_path: Path) -> None:
    folder = own_folder(tmp_path, "summary.j2", '{% set heading = "A " ~ disclosure.nope %}')
    with pytest.raises(ExportError, match="summary.j2"):
        render_disclosure_docx(sample_view(), templates_dir=folder)


def test_templates_run_in_a_sandbox(tmp_path: Path) -> None:
    folder = own_folder(
        tmp_path,
        "summary.j2",
        "{% set heading = ''.__class__.__mro__[1].__subclasses__() %}{% set guidance = '' %}",
    )
    with pytest.raises(ExportError, match="summary.j2"):
        render_disclosure_markdown(sample_view(), templates_dir=folder)


def test_a_missing_template_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        render_disclosure_docx(sample_view(), templates_dir=tmp_path / "nowhere")


def test_own_base_document_is_used(tmp_path: Path) -> None:
    import docx

    folder = tmp_path / "own-templates"
    (folder / "disclosure").mkdir(parents=True)
    letterhead = docx.Document(str(shipped_templates() / "disclosure" / "base.docx"))
    letterhead.add_paragraph("Northwind Instruments GmbH, Patent Department")
    letterhead.save(str(folder / "disclosure" / "base.docx"))
    document = open_docx(render_disclosure_docx(sample_view(), templates_dir=folder))
    assert document.paragraphs[0].text == "Northwind Instruments GmbH, Patent Department"
    assert document.paragraphs[1].text == sample_view().title


def test_a_broken_base_document_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "own-templates"
    (folder / "disclosure").mkdir(parents=True)
    (folder / "disclosure" / "base.docx").write_bytes(b"not a zip file")
    with pytest.raises(ExportError, match="base.docx"):
        render_disclosure_docx(sample_view(), templates_dir=folder)


def test_shipped_base_document_is_what_its_script_writes(tmp_path: Path) -> None:
    script = shipped_templates() / "disclosure" / "make_base.py"
    out = tmp_path / "base.docx"
    subprocess.run(
        [sys.executable, str(script), "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == (shipped_templates() / "disclosure" / "base.docx").read_bytes()
    # And it stays slim: the point of having it.
    assert out.stat().st_size < 10_000


def test_importing_the_export_does_no_work() -> None:
    code = (
        "import sys, firstfile.rendering.export;"
        "assert 'docx' not in sys.modules, 'docx imported';"
        "from firstfile.rendering import wording;"
        "assert wording._environment.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPOSITORY)
