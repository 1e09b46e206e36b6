"""User text as documents lay it out: a line break inside a paragraph is a space, a blank
line starts a paragraph (domain/text.prose), in every document that shows it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain.checklist import VendorChecklistDocument, VendorTerm
from firstfile.domain.sessions import IdeaView
from firstfile.domain.text import prose
from firstfile.rendering.checklist_docx import render_vendor_checklist_docx
from firstfile.rendering.checklist_markdown import render_vendor_checklist_markdown
from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.rendering.disclosure_markdown import render_disclosure_markdown
from firstfile.rendering.minutes import minutes_for, render_minutes_docx, render_minutes_markdown
from tests.unit.disclosure_samples import sample_view
from tests.unit.docx_reading import open_docx, sections
from tests.unit.test_minutes import PROMPTS, all_text, session
from tests.unit.test_rendering_docx import shipped_wording

WRAPPED = ("The amplifier shorts its inputs\nthrough a MOSFET at power-up.\n\n\n"
           "The ADC stores the offset\n  and subtracts it.")
PARAGRAPHS = ["The amplifier shorts its inputs through a MOSFET at power-up.",
              "The ADC stores the offset and subtracts it."]


def test_a_line_break_is_a_space_and_a_blank_line_a_paragraph() -> None:
    assert prose(WRAPPED) == "\n".join(PARAGRAPHS)
    assert prose("one\ntwo") == "one two"
    assert prose("  \n\t\n") == ""
    assert prose("") == ""


def test_list_items_stay_apart() -> None:
    text = "Steps:\n- short the inputs\n- store the\n  offset\n1. first\n2) second"
    assert prose(text).split("\n") == [
        "Steps:", "- short the inputs", "- store the offset", "1. first", "2) second"]


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\t", "-", "1", "."])))
def test_prose_is_settled_and_keeps_every_word(text: str) -> None:
    once = prose(text)
    # Its paragraphs, written apart by blank lines again, read as the same paragraphs.
    assert prose(once.replace("\n", "\n\n")) == once
    assert "\n\n" not in once
    assert once.split() == text.split()


def test_the_disclosure_docx_has_one_paragraph_per_paragraph() -> None:
    view = sample_view(description=WRAPPED, summary="Calibrates\nitself.")
    w = shipped_wording(view)
    found = sections(open_docx(render_disclosure_docx(view)))
    assert found[w("description", "heading")].lines() == PARAGRAPHS
    assert found[w("summary", "heading")].lines() == ["Calibrates itself."]


def test_the_disclosure_markdown_has_no_break_inside_a_sentence() -> None:
    md = render_disclosure_markdown(sample_view(description=WRAPPED))
    assert f"\n{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n" in md
    assert "inputs\nthrough" not in md


def test_minutes_lay_out_the_goal_and_ideas_as_prose() -> None:
    base = session()
    idea = IdeaView(id=7, position=4, text=WRAPPED, authors=("jdoe",))
    view = replace(base, goal=WRAPPED, ideas=(*base.ideas, idea))
    document = open_docx(render_minutes_docx(minutes_for(view, PROMPTS)))
    texts = [p.text for p in document.paragraphs]
    assert PARAGRAPHS[0] in texts and PARAGRAPHS[1] in texts
    assert not any("\n" in t for t in texts)
    cell = [row.cells[1] for row in document.tables[1].rows if row.cells[0].text == "5"][0]
    assert [p.text for p in cell.paragraphs] == PARAGRAPHS
    assert "inputs\nthrough" not in all_text(document)
    md = render_minutes_markdown(minutes_for(view, PROMPTS))
    assert f"\n{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n" in md
    assert f"| {PARAGRAPHS[0]}<br>{PARAGRAPHS[1]} |" in md


def test_the_vendor_checklist_lays_out_terms_as_prose() -> None:
    document = VendorChecklistDocument(
        vendor_name="Shenzhen PCBA Works", issued_on=date(2026, 3, 1),
        terms=(VendorTerm(1, "Ownership of improvements", WRAPPED),))
    docx = open_docx(render_vendor_checklist_docx(document))
    cell_paragraphs = [p.text for t in docx.tables for row in t.rows for c in row.cells
                       for p in c.paragraphs]
    assert PARAGRAPHS[0] in cell_paragraphs and PARAGRAPHS[1] in cell_paragraphs
    md = render_vendor_checklist_markdown(document)
    assert f"\n{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n" in md
