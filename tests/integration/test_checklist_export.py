"""Checklist documents of both audiences: written, reopened with python-docx, and read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from firstfile.rendering.checklist_export import export_checklist
from firstfile.rendering.safe_files import ExportError
from firstfile.services import engagements as svc
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import import_samples

AQ7 = "aq7-second-cm"
TODAY = date(2026, 7, 1)


@pytest.fixture
def samples(sqlite_store: Store) -> Store:
    import_samples(sqlite_store)
    svc.update_item(sqlite_store, AQ7, "bayan-ems", "nda",
                    svc.ItemUpdate(status="done", evidence="Mutual NDA signed 2024-03-11",
                                   internal_note="renewal due 2027"),
                    actor="rfischer", today=date(2026, 6, 20))
    svc.update_item(sqlite_store, AQ7, "bayan-ems", "tooling",
                    svc.ItemUpdate(status="not-applicable", reason="no custom tooling"),
                    actor="rfischer", today=date(2026, 6, 21))
    return sqlite_store


def all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    section = document.sections[0]
    parts += [p.text for p in section.header.paragraphs]
    parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def test_the_internal_docx_round_trips(samples: Store, tmp_path: Path) -> None:
    document = svc.internal_checklist_document(samples, AQ7, "bayan-ems", actor="rfischer",
                                               today=TODAY)
    path = export_checklist(document, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems")
    assert path.name == "aq7-second-cm-bayan-ems-checklist-internal.docx"
    reopened = docx.Document(str(path))
    text = all_text(reopened)
    for expected in ("Bayan Lepas Electronics Sdn. Bhd.", "Aerosense Inc.",
                     "Mutual NDA signed 2024-03-11", "renewal due 2027", "no custom tooling",
                     "2026-06-20", "rfischer", "Not applicable", "CONFIDENTIAL - INTERNAL",
                     "serves a known competitor"):
        assert expected in text, expected
    rows = [[c.text for c in row.cells] for row in reopened.tables[1].rows]
    assert rows[0] == ["Item", "Critical", "Status", "Date", "Who"]
    nda = next(row for row in rows if row[0] == "Confidentiality agreement (NDA)")
    assert nda == ["Confidentiality agreement (NDA)", "yes", "Done", "2026-06-20", "rfischer"]
    assert len(rows) - 1 == len(document.checklist.lines)
    props = reopened.core_properties
    assert props.author == "rfischer" and "Bayan" in props.title
    facts = {row.cells[0].text: row.cells[1].text for row in reopened.tables[0].rows}
    assert facts["Kind"] == "Contract manufacturer"  # in words, not "contract-manufacturer"


def test_the_internal_markdown_names_the_vendor_kind_in_words(samples: Store,
                                                               tmp_path: Path) -> None:
    document = svc.internal_checklist_document(samples, AQ7, "bayan-ems", actor="rfischer",
                                               today=TODAY)
    path = export_checklist(document, tmp_path, fmt="md", engagement_key=AQ7,
                            vendor_key="bayan-ems")
    text = path.read_text(encoding="utf-8")
    assert "- **Kind**: Contract manufacturer" in text
    assert "contract-manufacturer" not in text


def test_the_vendor_docx_round_trips_with_terms_only(samples: Store, tmp_path: Path) -> None:
    document = svc.vendor_checklist_document(samples, AQ7, "bayan-ems", actor="tester", today=TODAY)
    path = export_checklist(document, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems")
    reopened = docx.Document(str(path))
    text = all_text(reopened)
    rows = [[c.text for c in row.cells] for row in reopened.tables[0].rows]
    assert rows[0] == ["No.", "Term", "Agreed (initials, date)"]
    titles = [row[1].split("\n")[0] for row in rows[1:]]
    assert titles == [t.title for t in document.terms]
    assert "Confidentiality agreement (NDA)" in titles and "Field-of-business restriction" in titles
    assert "Tooling and moulds" not in titles  # ruled out for this vendor
    assert all(row[2] == "" for row in rows[1:])  # left for the vendor to initial
    for internal in ("Mutual NDA", "renewal due", "no custom tooling", "Done", "rfischer",
                     "Aerosense", "INTERNAL", "Tlaquepaque", AQ7):
        assert internal not in text, internal
    assert "CONFIDENTIAL" in text and "2026-07-01" in text
    props = reopened.core_properties
    assert (props.title, props.author, props.comments) == ("Terms to be agreed", "", "")


def test_markdown_of_both_audiences(samples: Store, tmp_path: Path) -> None:
    internal = svc.internal_checklist_document(samples, AQ7, "bayan-ems", actor="r", today=TODAY)
    vendor = svc.vendor_checklist_document(samples, AQ7, "bayan-ems", actor="tester", today=TODAY)
    inside = export_checklist(internal, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems",
                              fmt="md").read_text(encoding="utf-8")
    outside = export_checklist(vendor, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems",
                               fmt="md").read_text(encoding="utf-8")
    assert "renewal due 2027" in inside and "| Confidentiality agreement (NDA) |" in inside
    assert "renewal due" not in outside and "Aerosense" not in outside
    # A document speaks to a person: no command-line flags in it.
    assert "--" not in inside.replace("---", "") and "--audience" not in outside
    assert "### 1\\. Confidentiality agreement (NDA)" in outside


def test_markdown_leaves_ordinary_punctuation_alone(sqlite_store: Store,
                                                    tmp_path: Path) -> None:
    import_samples(sqlite_store)
    svc.update_vendor(sqlite_store, "bayan-ems",
                      svc.VendorChanges(name="Bayan Ensambles S.A. de C.V. (Tijuana)"),
                      actor="t")
    vendor = svc.vendor_checklist_document(sqlite_store, AQ7, "bayan-ems",
                                           actor="tester", today=TODAY)
    text = export_checklist(vendor, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems",
                            fmt="md").read_text(encoding="utf-8")
    assert "## Bayan Ensambles S.A. de C.V. (Tijuana)" in text


def test_markdown_escapes_user_text(sqlite_store: Store, tmp_path: Path) -> None:
    import_samples(sqlite_store)
    svc.update_vendor(sqlite_store, "bayan-ems",
                      svc.VendorChanges(name="# Bayan | [x](http://evil) \x1b"), actor="t")
    vendor = svc.vendor_checklist_document(sqlite_store, AQ7, "bayan-ems",
                                           actor="tester", today=TODAY)
    text = export_checklist(vendor, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems",
                            fmt="md").read_text(encoding="utf-8")
    # Escaped only where Markdown would act: no heading, column or link, and no backslashes
    # in ordinary punctuation (a legal name such as "S.A. de C.V." reads as typed).
    assert "## \\# Bayan \\| \\[x\\](http://evil) \u241b" in text
    # The same name in Word is kept literally (cleaned of the control character).
    path = export_checklist(vendor, tmp_path, engagement_key=AQ7, vendor_key="bayan-ems")
    assert "# Bayan | [x](http://evil) \u241b" in all_text(docx.Document(str(path)))


def test_bad_formats_and_keys_are_refused_before_writing(samples: Store, tmp_path: Path) -> None:
    vendor = svc.vendor_checklist_document(samples, AQ7, "bayan-ems", actor="tester", today=TODAY)
    with pytest.raises(ExportError, match="docx or md"):
        export_checklist(vendor, tmp_path / "out", engagement_key=AQ7, vendor_key="bayan-ems",
                         fmt="pdf")
    with pytest.raises(ExportError, match="cannot be used as a file name"):
        export_checklist(vendor, tmp_path / "out", engagement_key=AQ7, vendor_key="../x")
    assert not (tmp_path / "out").exists()


def test_an_unknown_vendor_or_one_not_on_the_engagement_is_refused(samples: Store) -> None:
    from firstfile.services.errors import NotFound

    with pytest.raises(NotFound, match="no vendor"):
        svc.vendor_checklist_document(samples, AQ7, "nobody", actor="tester")
    with pytest.raises(NotFound, match="not a vendor on"):
        svc.vendor_checklist_document(samples, AQ7, "huaxin-pcba", actor="tester")
    with pytest.raises(NotFound, match="not a vendor on"):
        svc.internal_checklist_document(samples, AQ7, "huaxin-pcba", actor="t")
