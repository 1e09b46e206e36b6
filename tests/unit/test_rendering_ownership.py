"""Who may own an invention, as the documents say it: vendor inventions apart from joint
ones, a sole inventor's share, a questioned 'not completed in China', rows kept whole."""

from __future__ import annotations

from dataclasses import replace

from firstfile.domain.views import ownership
from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.rendering.disclosure_markdown import render_disclosure_markdown
from tests.unit.disclosure_samples import sample_inventors, sample_view
from tests.unit.docx_reading import open_docx, record, rows, sections

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _vendor_only():
    vendor = replace(sample_inventors()[1], contribution=None, organization_country="CN")
    return sample_view(inventors=(vendor,), completed_in_china=False)


def test_ownership_follows_the_inventors_organisations() -> None:
    assert ownership([]) == "own"
    assert ownership(["internal", "internal"]) == "own"
    assert ownership(["sz-pcba"]) == "vendor"
    assert ownership(["sz-pcba", "sz-pcba"]) == "vendor"
    assert ownership(["internal", "sz-pcba"]) == "joint"
    assert ownership(["sz-pcba", "tw-odm"]) == "joint"


def test_a_vendor_invention_has_its_own_notice_and_row_and_is_not_joint() -> None:
    view = _vendor_only()
    assert (view.vendor_invention, view.joint) == (True, False)
    found = sections(open_docx(render_disclosure_docx(view)))
    notices = found[""].lines("Notice")
    assert len(notices) == 1 and notices[0].startswith("VENDOR INVENTION")
    assert "Shenzhen PCBA Works" in notices[0]
    facts = record(found["About this disclosure"].tables[0])
    assert facts["Joint invention"] == "No"
    assert facts["Vendor invention"] == "Yes: Shenzhen PCBA Works"
    # A sole inventor without a share holds 100 %, not "Not given".
    people = rows(found["Inventors and contributors"].tables[0])
    assert people[1][-1] == "100 %"
    filing = record(found["Filing considerations"].tables[0])
    assert filing["Any part completed in China?"] == (
        "No (check: an inventor works for a vendor in China: Shenzhen PCBA Works)"
    )
    text = render_disclosure_markdown(view)
    assert "VENDOR INVENTION" in text and "JOINT INVENTION" not in text
    assert "| 100 % |" in text and "check: an inventor works for a vendor in China" in text


def test_a_joint_invention_keeps_the_joint_notice() -> None:
    view = sample_view()
    assert (view.joint, view.vendor_invention) == (True, False)
    found = sections(open_docx(render_disclosure_docx(view)))
    notices = found[""].lines("Notice")
    assert len(notices) == 1 and notices[0].startswith("JOINT INVENTION")
    facts = record(found["About this disclosure"].tables[0])
    assert facts["Vendor invention"] == "No"
    own = sample_view(inventors=sample_inventors()[:1])
    assert not sections(open_docx(render_disclosure_docx(own)))[""].lines("Notice")


def test_no_table_row_splits_across_pages_and_headings_stay_with_their_text() -> None:
    document = open_docx(render_disclosure_docx(sample_view()))
    assert document.tables
    for table in document.tables:
        for row in table.rows:
            tr_pr = row._tr.find(f"{_W}trPr")
            assert tr_pr is not None and tr_pr.find(f"{_W}cantSplit") is not None
    for name in ("Heading 1", "Guidance"):
        p_pr = document.styles[name].element.find(f"{_W}pPr")
        assert p_pr is not None and p_pr.find(f"{_W}keepNext") is not None
