"""The counsel bundle on a real database, reopened: documents, index, data, manifest, and
reviewer notes that never leave the database."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from firstfile.domain.deadline_rules import rule_title
from firstfile.domain.views import EventView
from firstfile.domain.workflow import decision_label, status_label
from firstfile.interchange.reader import read_document
from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.rendering.org_template import ORG_TEMPLATE_NAME, FormLimitError, OrgTemplateError
from firstfile.resources import sample_sessions, shipped_templates
from firstfile.services import counsel
from firstfile.services.bundle import build_bundle
from firstfile.services.disclosures import all_views, delete_disclosure
from firstfile.services.errors import UserError
from firstfile.services.evidence import disclosure_for_document
from firstfile.services.importer import import_document
from firstfile.storage.bundle_queries import bundle_rows
from firstfile.storage.disclosure_queries import ListFilter
from firstfile.storage.engine import Store
from tests.unit.hostile_forms import MIB, form_with_bloated_xml

AS_OF = date(2026, 3, 1)
SENTINEL = "SENTINEL-NOTE-7f3a"


@pytest.fixture
def portfolio(store: Store) -> Store:
    """Both sample engagements, one disclosure decided, every disclosure with secret notes."""
    for path in sorted(sample_sessions().glob("*.yaml")):
        import_document(store, read_document(path), actor="tester")
    views = all_views(store)
    for view in views:
        counsel.set_reviewer_notes(store, view.key, f"{SENTINEL} on {view.key} & <b>",
                                   actor="counsel")
    first = next(v for v in views if v.status == "submitted")
    counsel.move_status(store, first.key, "in-review", actor="counsel")
    counsel.record_decision(store, first.key, "file-pct", f"Sold worldwide. {SENTINEL}",
                            actor="counsel", today=AS_OF)
    return store


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as bundle:
        assert bundle.testzip() is None
        return {name: bundle.read(name) for name in bundle.namelist()}


def _docx_text(data: bytes) -> str:
    document = docx.Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    parts.extend(p.text for p in document.sections[0].header.paragraphs)
    return "\n".join(parts)


def test_the_bundle_reopens_and_matches_the_database(portfolio: Store, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    seen: list[tuple[int, int]] = []
    result = build_bundle(portfolio, out, as_of=AS_OF,
                          progress=lambda done, total, key: seen.append((done, total)))
    views = all_views(portfolio)
    assert result.disclosures == len(views) and result.fast
    assert seen == [(n, len(views)) for n in range(1, len(views) + 1)]
    members = _members(out)
    assert set(members) == {f"docx/{v.key}.docx" for v in views} | {
        f"evidence/content/{v.key}.json" for v in views} | {
        "index.xlsx", "disclosures.json", "manifest.json", "evidence/VERIFY.md",
        "evidence/audit.json", "evidence/chain.txt", "evidence/envelopes.txt"}

    for view in views:
        data = members[f"docx/{view.key}.docx"]
        text = _docx_text(data)
        for value in (view.title, view.key, *(p.name for p in view.inventors)):
            assert value in text, (view.key, value)
        if view.joint:
            assert ", ".join(view.joint_vendors) in text
        # The skeleton writes exactly the builder's document, evidence section included.
        documented = disclosure_for_document(portfolio, view.key)
        assert "Not timestamped" in text and documented.evidence is not None
        with zipfile.ZipFile(BytesIO(render_disclosure_docx(documented))) as built, \
                zipfile.ZipFile(BytesIO(data)) as filled:
            assert {n: built.read(n) for n in built.namelist()} == {
                n: filled.read(n) for n in filled.namelist()}

    manifest = json.loads(members["manifest.json"])
    assert manifest["disclosures"] == len(views) and manifest["as_of"] == "2026-03-01"
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(members) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(members[name]).hexdigest()
        assert entry["bytes"] == len(members[name])

    sheet = load_workbook(BytesIO(members["index.xlsx"])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Key", "Title", "Status", "Decision", "Decided on", "Inventors",
                           "Joint vendor", "Next deadline")
    states = {s.key: s for s in counsel.review_states(portfolio, [v.key for v in views])}
    docket = counsel.docket(portfolio, as_of=AS_OF, include_inactive=True)
    for view, row in zip(views, rows[1:], strict=True):
        nearest = counsel.nearest_deadline(r.deadline for r in docket
                                           if r.disclosure == view.key)
        # Statuses and decisions in words, as a person reads them.
        assert row[0] == view.key and row[1] == view.title
        assert row[2] == status_label(view.status)
        assert (row[3] or "") == (decision_label(states[view.key].decision)
                                  if states[view.key].decision else "")
        assert row[5] == "; ".join(p.name for p in view.inventors if p.role == "inventor")
        assert (row[6] or "") == ", ".join(view.joint_vendors)
        due = row[7].date() if row[7] else None
        assert due == (nearest.due if nearest else None)
    assert any(r[3] == decision_label("file-pct") for r in rows[1:])
    assert not any(r[3] == "file-pct" for r in rows[1:])

    records = json.loads(members["disclosures.json"])
    assert records["format"] == "firstfile/1"
    assert [r["key"] for r in records["disclosures"]] == [v.key for v in views]
    assert {r["engagement"] for r in records["disclosures"]} == {v.engagement_key for v in views}


@pytest.mark.parametrize("with_form", [False, True])
def test_reviewer_notes_and_rationale_are_in_no_part_of_the_bundle(
    portfolio: Store, tmp_path: Path, with_form: bool
) -> None:
    out = tmp_path / "bundle.zip"
    form = shipped_templates() / ORG_TEMPLATE_NAME if with_form else None
    build_bundle(portfolio, out, as_of=AS_OF, template=form)
    raw = out.read_bytes()
    assert SENTINEL.encode() not in raw
    for name, data in _members(out).items():
        assert SENTINEL.encode() not in data, name
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(BytesIO(data)) as inner:
                for part in inner.namelist():
                    assert SENTINEL.encode() not in inner.read(part), (name, part)


def test_the_organisation_form_fills_every_document(portfolio: Store, tmp_path: Path) -> None:
    own = tmp_path / "templates"
    (own / "counsel").mkdir(parents=True)
    (own / ORG_TEMPLATE_NAME).write_bytes((shipped_templates() / ORG_TEMPLATE_NAME).read_bytes())
    out = tmp_path / "bundle.zip"
    result = build_bundle(portfolio, out, as_of=AS_OF, templates_dir=own,
                          engagement_key="bms48-shenzhen")
    assert result.template == own / ORG_TEMPLATE_NAME and not result.fast
    members = _members(out)
    for view in all_views(portfolio):
        name = f"docx/{view.key}.docx"
        if view.engagement_key != "bms48-shenzhen":
            assert name not in members
            continue
        text = _docx_text(members[name])
        assert "Invention disclosure form" in text and view.title in text


def test_a_failed_bundle_leaves_the_earlier_one_untouched(portfolio: Store,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "bundle.zip"
    build_bundle(portfolio, out, as_of=AS_OF)
    before = out.read_bytes()
    hostile = tmp_path / "hostile.docx"
    document = docx.Document(str(shipped_templates() / "disclosure" / "base.docx"))
    document.add_paragraph("{{ ''.__class__.__mro__ }}")
    document.save(str(hostile))
    with pytest.raises(OrgTemplateError, match="Python internals"):
        build_bundle(portfolio, out, as_of=AS_OF, template=hostile)
    assert out.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["bundle.zip"]  # no temporary file left
    with pytest.raises(UserError, match="nothing to bundle"):
        build_bundle(portfolio, folder / "none.zip", status="filed")
    assert [p.name for p in folder.iterdir()] == ["bundle.zip"]


def test_a_form_that_would_unpack_to_too_much_writes_no_bundle(portfolio: Store,
                                                                tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    bloated = tmp_path / "bloated.docx"
    bloated.write_bytes(form_with_bloated_xml(40 * MIB))
    with pytest.raises(FormLimitError, match="'word/document.xml' of 40.0 MB unpacked"):
        build_bundle(portfolio, folder / "bundle.zip", as_of=AS_OF, template=bloated)
    assert list(folder.iterdir()) == []


def test_events_recorded_later_change_the_next_deadline(portfolio: Store,
                                                        tmp_path: Path) -> None:
    view = next(v for v in all_views(portfolio)
                if not any(e.kind.endswith("-filed") for e in v.events))
    counsel.add_event(portfolio, view.key, EventView("offer-for-sale", date(2025, 4, 1)),
                      actor="tester")
    out = tmp_path / "bundle.zip"
    build_bundle(portfolio, out, as_of=AS_OF)
    sheet = load_workbook(BytesIO(_members(out)["index.xlsx"])).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == view.key)
    # The offer's US grace application is due 2026-04-01 (2025-04-01 + 1 year, a Wednesday);
    # the invention was completed in China, so CNIPA's examination had to be requested
    # 4 months before that: 2025-12-01, now overdue.
    assert view.completed_in_china
    assert row[7].date() == date(2025, 12, 1)
    assert row[8] == rule_title("cn-confidentiality-exam") != "cn-confidentiality-exam"
    assert row[9] == "overdue"


@pytest.mark.parametrize("filt", [ListFilter(), ListFilter(engagement_key="bms48-shenzhen"),
                                  ListFilter(status="decided"),
                                  ListFilter(include_deleted=True)])
def test_the_bundle_query_reads_the_same_views_and_decisions(portfolio: Store,
                                                             filt: ListFilter) -> None:
    deleted = all_views(portfolio)[-1].key
    delete_disclosure(portfolio, deleted, actor="tester")
    expected = all_views(portfolio, filt)
    assert expected
    with portfolio.read() as db:
        rows = bundle_rows(db=db, filt=filt)
    assert rows.views == expected
    assert any(v.inventors for v in rows.views) and any(v.events for v in rows.views)
    states = {s.key: s for s in counsel.review_states(portfolio, [v.key for v in expected])}
    assert set(rows.counsel) == set(states)
    for key, fields in rows.counsel.items():
        state = states[key]
        assert (fields.decision, fields.decided_on, fields.german_employee_invention) == (
            state.decision, state.decided_on, state.german_employee_invention)
