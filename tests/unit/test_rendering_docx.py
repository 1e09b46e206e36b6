"""The Word export of a disclosure: every field in its section, text exactly as typed."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstfile.domain.text import clean_line, clean_prose, clean_text, prose
from firstfile.rendering.disclosure_docx import render_disclosure_docx, wording_context
from firstfile.rendering.disclosure_values import clean_view
from firstfile.rendering.wording import Wording, load_disclosure_wording
from tests.unit.disclosure_samples import sample_view
from tests.unit.docx_reading import open_docx, record, rows, sections


def shipped_wording(view) -> Wording:
    return load_disclosure_wording(wording_context(clean_view(view)))


def test_every_field_reads_back_in_its_section() -> None:
    view = sample_view()
    w = shipped_wording(view)
    document = open_docx(render_disclosure_docx(view))
    found = sections(document)

    top = found[""]
    assert top.lines("Title") == [view.title]
    header = document.sections[0].header
    assert any(view.key in p.text for p in header.paragraphs)
    fields = header._element.xpath(".//w:fldSimple/@w:instr")
    assert [f.strip() for f in fields] == ["PAGE", "NUMPAGES"]
    assert [p.text for p in document.sections[0].footer.paragraphs] == [w("document", "marking")]

    assert found[w("summary", "heading")].text() == view.summary

    facts = record(found[w("record", "heading")].tables[0])
    assert facts[w("record", "submitter")] == view.submitter
    assert facts[w("record", "business_unit")] == view.business_unit
    assert view.engagement_name in facts[w("record", "engagement")]
    assert view.engagement_key in facts[w("record", "engagement")]
    assert facts[w("record", "phase")] == w("record", "phases")[view.phase]
    assert facts[w("record", "submitted_on")] == view.submitted_on.isoformat()
    assert facts[w("record", "status")] == w("record", "statuses")[view.status]
    assert "Shenzhen PCBA Works" in facts[w("record", "joint")]
    assert facts[w("record", "version")] == str(view.version)

    people = rows(found[w("people", "heading")].tables[0])
    assert len(people) == 1 + len(view.inventors)
    for person, row in zip(view.inventors, people[1:], strict=True):
        name, email, affiliation, role, share = row
        assert (name, email) == (person.name, person.email)
        assert person.organization_name in affiliation
        expected_kind = w("people", "vendor" if person.is_vendor else "own_staff")
        assert affiliation.startswith(expected_kind)
        assert role == w("people", "roles")[person.role]
        assert share == f"{person.contribution:g} %"

    for name in ("problem", "description", "variants", "advantages", "prior_art"):
        assert found[w(name, "heading")].text() == prose(getattr(view, name)), name
    assert found[w("third_parties", "heading")].text() == view.third_parties

    dates = record(found[w("dates", "heading")].tables[0])
    assert dates[w("dates", "conception")] == view.conception_date.isoformat()
    rtp = view.reduction_to_practice_date.isoformat()
    assert dates[w("dates", "reduction_to_practice")] == rtp
    assert dates[w("dates", "prototype_exists")] == w("document", "yes")
    assert dates[w("dates", "records_location")] == view.records_location

    events = rows(found[w("events", "heading")].tables[0])
    assert len(events) == 1 + len(view.events)
    for event, row in zip(view.events, events[1:], strict=True):
        expected = [w("events", "kinds")[event.kind], event.date.isoformat()]
        expected += [event.jurisdiction, event.reference, event.note]
        assert row == expected

    filing_section = found[w("filing", "heading")]
    filing = record(filing_section.tables[0])
    assert filing[w("filing", "jurisdictions")] == view.jurisdictions
    assert filing[w("filing", "reverse_engineerable")] == w("document", "no")
    assert filing[w("filing", "completed_in_china")] == w("document", "yes")
    assert filing_section.lines("Notice") == [w("filing", "china_note")]

    assert found[w("components", "heading")].lines("List Paragraph") == list(view.components)

    signatures = rows(found[w("signatures", "heading")].tables[0])
    assert [row[1] for row in signatures[1:]] == [p.name for p in view.inventors] + [""]
    assert signatures[-1][0] == w("signatures", "witness")


def test_joint_flag_names_the_vendor_prominently() -> None:
    view = sample_view()
    document = open_docx(render_disclosure_docx(view))
    notices = sections(document)[""].lines("Notice")
    assert len(notices) == 1
    assert "Shenzhen PCBA Works" in notices[0]
    assert "JOINT" in notices[0]
    assert all(r.bold for p in document.paragraphs if p.style.name == "Notice" for r in p.runs)


def test_no_joint_flag_without_vendor_inventors() -> None:
    internal_only = sample_view().inventors[:1]
    view = sample_view(inventors=internal_only, completed_in_china=False)
    w = shipped_wording(view)
    found = sections(open_docx(render_disclosure_docx(view)))
    assert found[""].lines("Notice") == []
    facts = record(found[w("record", "heading")].tables[0])
    assert facts[w("record", "joint")] == w("document", "no")


def test_template_syntax_in_a_title_stays_literal() -> None:
    view = sample_view(title="{{ 7*7 }} {% if true %}x{% endif %}", summary="{{ 7*7 }}")
    document = open_docx(render_disclosure_docx(view))
    found = sections(document)
    assert found[""].lines("Title") == ["{{ 7*7 }} {% if true %}x{% endif %}"]
    assert found[shipped_wording(view)("summary", "heading")].text() == "{{ 7*7 }}"
    assert document.core_properties.title == f"{view.key} {view.title}"


def test_control_characters_are_replaced_visibly() -> None:
    raw = "a\x00b\x0bc\x0cd\x1be\ufffef\ud800g"
    view = sample_view(title=raw, description=raw, submitter=raw)
    document = open_docx(render_disclosure_docx(view))
    found = sections(document)
    w = shipped_wording(view)
    assert found[""].lines("Title") == [clean_line(raw)]
    assert found[w("description", "heading")].text() == clean_text(raw)
    assert record(found[w("record", "heading")].tables[0])[w("record", "submitter")] == (
        clean_line(raw)
    )
    # The stand-ins are visible characters, not silence.
    assert "\u2400" in clean_text(raw) and "\ufffd" in clean_text(raw)


def test_one_megabyte_description_exports() -> None:
    paragraph = "Gate drive at 12 V, 200 kHz; dead time 40 ns. " * 40
    description = "\n\n".join([paragraph.strip()] * (1_000_000 // len(paragraph) + 1))
    assert len(description) > 1_000_000
    view = sample_view(description=description)
    found = sections(open_docx(render_disclosure_docx(view)))
    assert found[shipped_wording(view)("description", "heading")].text() == \
        description.replace("\n\n", "\n")


def test_emoji_and_right_to_left_text_round_trip() -> None:
    arabic = "مُضخِّم تيار يعاير نفسه 🔋"
    hebrew = "מגבר זרם שמכייל את עצמו"
    mixed = f"Self-calibrating 🔌 amplifier\n\n{arabic}\n\n{hebrew}"
    view = sample_view(title=f"🔋 {arabic}", description=mixed, submitter=hebrew)
    document = open_docx(render_disclosure_docx(view))
    found = sections(document)
    w = shipped_wording(view)
    assert found[""].lines("Title") == [f"🔋 {arabic}"]
    description = found[w("description", "heading")]
    assert description.text() == mixed.replace("\n\n", "\n")
    # Lines whose first strong character is Arabic or Hebrew are laid out right to left.
    directions = {p.text: p._p.pPr.find(_w("bidi")) is not None for p in description.paragraphs}
    assert directions[arabic] and directions[hebrew]
    assert not directions["Self-calibrating 🔌 amplifier"]


def test_empty_optional_fields_show_not_given() -> None:
    view = sample_view(
        problem="",
        variants="  \n ",
        submitted_on=None,
        reverse_engineerable=None,
        events=(),
        components=(),
    )
    w = shipped_wording(view)
    found = sections(open_docx(render_disclosure_docx(view)))
    not_given = w("document", "not_given")
    assert found[w("problem", "heading")].lines() == []
    assert found[w("problem", "heading")].lines("Guidance")[-1] == not_given
    assert found[w("variants", "heading")].lines("Guidance")[-1] == not_given
    facts = record(found[w("record", "heading")].tables[0])
    assert facts[w("record", "submitted_on")] == not_given
    filing = record(found[w("filing", "heading")].tables[0])
    assert filing[w("filing", "reverse_engineerable")] == w("document", "unknown")
    assert found[w("events", "heading")].tables == []
    assert found[w("events", "heading")].lines("Guidance")[-1] == w("events", "nothing")
    assert found[w("components", "heading")].lines("Guidance")[-1] == w("components", "nothing")


def test_core_properties_name_the_disclosure_only() -> None:
    long_title = "x" * 300
    view = sample_view(title=long_title)
    props = open_docx(render_disclosure_docx(view)).core_properties
    assert props.title == f"{view.key} {long_title}"[:255]
    assert props.comments == ""
    assert props.revision == view.version
    assert props.created.replace(tzinfo=None) == view.created_at


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


# Any text, including control characters, lone surrogates and the XML-unstorable
# non-characters that plain st.text() never generates.
_awkward = st.sampled_from(["\x00", "\x0b", "\x0c", "\x1b", "\ufffe", "\ud800", "\t", "\r", "\n"])
_any_text = st.text(alphabet=st.one_of(st.characters(exclude_categories=()), _awkward))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_any_text)
def test_any_text_reads_back_as_cleaned(text: str) -> None:
    # The description is written one paragraph per line (a '\n' inside a run would come
    # back from python-docx as a w:br), and tabs as w:tab, so the read-back is exact.
    view = sample_view(description=text, title=text)
    found = sections(open_docx(render_disclosure_docx(view)))
    w = shipped_wording(view)
    description = found[w("description", "heading")]
    cleaned = clean_prose(text)
    if cleaned.strip():
        assert description.text() == cleaned
    else:
        assert description.lines() == []
        assert description.lines("Guidance")[-1] == w("document", "not_given")
    title = found[""].lines("Title")
    assert title == [clean_line(text) or w("document", "not_given")]


def test_dates_are_iso_whatever_the_day() -> None:
    view = sample_view(submitted_on=date(2028, 2, 29))
    w = shipped_wording(view)
    facts = record(
        sections(open_docx(render_disclosure_docx(view)))[w("record", "heading")].tables[0]
    )
    assert facts[w("record", "submitted_on")] == "2028-02-29"


def test_leading_and_trailing_spaces_are_kept_for_word() -> None:
    # python-docx reads spaces back either way; Word drops them unless xml:space="preserve".
    view = sample_view(description="    indented code\n\ntrailing  \n\n\t tab then space")
    document = open_docx(render_disclosure_docx(view))
    preserve = "{http://www.w3.org/XML/1998/namespace}space"
    texts = document.element.body.iter(_w("t"))
    spaced = [t for t in texts if t.text and t.text != t.text.strip()]
    # White space at a paragraph's end goes with the line breaks (domain/text.prose).
    assert {t.text for t in spaced} == {"    indented code", " tab then space"}
    assert all(t.get(preserve) == "preserve" for t in spaced)
