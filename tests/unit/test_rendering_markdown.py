"""The Markdown export: same content and wording as the Word export, user text shown literally."""

from __future__ import annotations

import re

from firstfile.domain.text import clean_line, clean_prose, prose
from firstfile.rendering.disclosure_docx import wording_context
from firstfile.rendering.disclosure_markdown import md_text, render_disclosure_markdown
from firstfile.rendering.disclosure_values import clean_view
from firstfile.rendering.wording import Wording, load_disclosure_wording
from tests.unit.disclosure_samples import sample_view


def unescape(markdown: str) -> str:
    """What a Markdown reader shows for backslash escapes (CommonMark: any ASCII punctuation)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def wording(view) -> Wording:
    return load_disclosure_wording(wording_context(clean_view(view)))


def section(markdown: str, heading: str) -> str:
    """The text from '## heading' to the next '## '."""
    start = markdown.index(f"\n## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def table_rows(text: str) -> list[list[str]]:
    """Cells of the Markdown table rows in text (header and separator rows included), split
    on unescaped pipes and then unescaped."""
    return [
        [unescape(cell.strip()) for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        for line in text.splitlines()
        if line.startswith("|")
    ]


def test_every_field_is_in_its_section() -> None:
    view = sample_view()
    w = wording(view)
    raw = render_disclosure_markdown(view)
    md = unescape(raw)

    assert f"\n# {view.title}\n" in md
    assert view.key in md.splitlines()[0]
    assert w("document", "marking") in md
    assert view.summary in section(md, w("summary", "heading"))

    facts = section(md, w("record", "heading"))
    for value in (view.submitter, view.business_unit, view.engagement_name, view.engagement_key):
        assert value in facts
    assert w("record", "phases")[view.phase] in facts
    assert view.submitted_on.isoformat() in facts
    assert w("record", "statuses")[view.status] in facts

    people = table_rows(section(raw, w("people", "heading")))
    count = len(view.inventors)
    # The people table, then the table of details for filing.
    for person, row in zip(view.inventors, people[2:2 + count], strict=True):
        assert row[0:2] == [person.name, person.email]
        assert person.organization_name in row[2]
        assert row[3] == w("people", "roles")[person.role]
        assert row[4] == f"{person.contribution:g} %"

    for name in ("problem", "variants", "advantages", "prior_art", "third_parties"):
        assert getattr(view, name) in section(md, w(name, "heading")), name
    description = section(md, w("description", "heading"))
    # A single line break inside a paragraph is a space; each paragraph stands alone.
    assert f"\n{prose(view.description)}\n" in description

    dates = section(md, w("dates", "heading"))
    assert view.conception_date.isoformat() in dates
    assert view.reduction_to_practice_date.isoformat() in dates
    assert view.records_location in dates

    events = table_rows(section(raw, w("events", "heading")))
    for event, row in zip(view.events, events[2:], strict=True):
        expected = [w("events", "kinds")[event.kind], event.date.isoformat()]
        assert row == expected + [event.jurisdiction, event.reference, event.note]

    filing = section(md, w("filing", "heading"))
    assert view.jurisdictions in filing
    assert w("filing", "china_note") in filing
    components = section(md, w("components", "heading"))
    assert all(f"\n- {c}\n" in components for c in view.components)
    signatures = table_rows(section(raw, w("signatures", "heading")))
    assert [row[1] for row in signatures[2:]] == [p.name for p in view.inventors] + [""]


def test_joint_flag_names_the_vendor() -> None:
    view = sample_view()
    md = render_disclosure_markdown(view)
    notice = wording(view)("joint", "notice")
    assert "Shenzhen PCBA Works" in notice
    assert f"> **{notice}**" in md
    internal = sample_view(inventors=view.inventors[:1])
    assert notice not in render_disclosure_markdown(internal)


def test_template_syntax_in_a_title_stays_literal() -> None:
    view = sample_view(title="{{ 7*7 }}", summary="{% raw %}{{ config }}")
    md = render_disclosure_markdown(view)
    assert "\n# {{ 7\\*7 }}\n" in md
    assert "{% raw %}{{ config }}" in md
    assert "49" not in md


def test_markdown_in_user_text_is_shown_not_interpreted() -> None:
    view = sample_view(
        title="R&D **bold** | <script>",
        description="# not a heading\n- not a list\n1. not numbered\n\n    not code",
    )
    md = render_disclosure_markdown(view)
    assert "# R\\&D \\*\\*bold\\*\\* \\| \\<script\\>" in md
    assert "<script>" not in md
    description = section(md, wording(view)("description", "heading"))
    assert "\n\\# not a heading\n" in description
    assert "\n\\- not a list\n" in description
    assert "\n1\\. not numbered\n" in description
    assert "\n&nbsp;&nbsp;&nbsp;&nbsp;not code\n" in description


def test_control_characters_are_replaced_visibly() -> None:
    raw = "a\x00b\x0bc\x0cd\x1be\ufffef\ud800g"
    view = sample_view(title=raw, description=raw)
    md = render_disclosure_markdown(view)
    md.encode("utf-8")  # a lone surrogate would make this raise
    assert f"\n# {clean_line(raw)}\n" in md
    assert f"\n{md_text(clean_prose(raw))}\n" in md


def test_emoji_and_right_to_left_text() -> None:
    arabic, hebrew = "مُضخِّم تيار 🔋", "מגבר זרם"
    view = sample_view(title=arabic, description=f"{hebrew}\n\n🔌")
    md = render_disclosure_markdown(view)
    assert f"\n# {arabic}\n" in md
    assert f"\n{hebrew}\n\n🔌\n" in md
