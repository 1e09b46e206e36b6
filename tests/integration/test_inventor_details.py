"""What counsel needs to file about each inventor: recorded from the command line, kept
when a form or file leaves it out, carried by the format, printed in the document."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.interchange.reader import parse_document
from firstfile.interchange.writer import dump_document
from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.services import disclosures
from firstfile.services.errors import NotFound
from firstfile.services.importer import import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store, open_store
from firstfile.storage.tables import AuditEvent
from tests.factories import seed_basics
from tests.integration.cli_run import run
from tests.unit.docx_reading import open_docx, rows, sections


@pytest.fixture
def key(store: Store) -> str:
    seed_basics(store)
    draft = DisclosureDraft(
        title="Potting with a gradient",
        engagement_key="ACME-2026",
        inventors=(InventorEntry("jdoe", "inventor", 60), InventorEntry("wli", "inventor", 40)),
    )
    return disclosures.create_disclosure(store, draft, actor="tester").key


def test_details_set_from_the_command_line_reach_the_document(
    store: Store, db_url: str, key: str
) -> None:
    db = db_url.removeprefix("sqlite:///")
    out = run(
        "disclosures",
        "inventor",
        key,
        "wli",
        "--address",
        "12 Keji Road\\nShenzhen 518000",
        "--citizenship",
        "cn",
        "--employer",
        "Shenzhen PCBA Co., Ltd.",
        "--contribution",
        "Proposed the graded filler.",
        db=db,
    ).stdout
    assert "citizenship CN" in out
    view = disclosures.get_disclosure(store, key)
    wli = next(p for p in view.inventors if p.person_key == "wli")
    assert (wli.postal_address, wli.citizenship, wli.employer_entity) == (
        "12 Keji Road\nShenzhen 518000",
        "CN",
        "Shenzhen PCBA Co., Ltd.",
    )
    with store.read() as session:
        audited = (
            session.execute(
                select(AuditEvent).where(
                    AuditEvent.entity_key == key, AuditEvent.action == "update"
                )
            )
            .scalars()
            .all()
        )
    assert "inventors[wli].citizenship" in audited[-1].changes

    found = sections(open_docx(render_disclosure_docx(view)))
    details = rows(found["Inventors and contributors"].tables[1])
    assert details[0] == [
        "Name",
        "Postal address",
        "Citizenship",
        "Employer at conception",
        "Contribution",
    ]
    by_name = {row[0]: row for row in details[1:]}
    assert by_name["Wei Li"] == [
        "Wei Li",
        "12 Keji Road\nShenzhen 518000",
        "CN",
        "Shenzhen PCBA Co., Ltd.",
        "Proposed the graded filler.",
    ]
    assert by_name["Jane Doe"][1:] == ["Not given"] * 4

    bad = run("disclosures", "inventor", key, "wli", "--citizenship", "China", db=db, check=False)
    assert bad.returncode == 1 and "two-letter country code" in bad.stderr
    assert disclosures.get_disclosure(store, key).version == view.version


def test_details_travel_in_the_format_and_a_file_without_them_keeps_them(
    store: Store, key: str, tmp_path: Path
) -> None:
    disclosures.set_inventor_details(
        store,
        key,
        "jdoe",
        {
            "postal_address": "1 Main St",
            "citizenship": "DE",
            "employer_entity": "Northwind GmbH",
            "contribution_note": "Chose the filler.",
        },
        actor="tester",
    )
    text = dump_document(export_engagement(store, "ACME-2026"))
    assert "employer_entity: Northwind GmbH" in text
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_document(other, parse_document(text, "acme.yaml"), actor="tester")
        copied = disclosures.get_disclosure(other, key).inventors[0]
        assert (copied.citizenship, copied.employer_entity) == ("DE", "Northwind GmbH")
    finally:
        other.dispose()
    # A file that names the inventors without their details changes nothing.
    bare = "\n".join(
        line
        for line in text.splitlines()
        if not line.strip().startswith(
            ("postal_address", "citizenship", "employer_entity", "contribution_note")
        )
    )
    report = import_document(store, parse_document(bare + "\n", "bare.yaml"), actor="tester")
    assert not report.changed
    assert disclosures.get_disclosure(store, key).inventors[0].citizenship == "DE"
    with pytest.raises(NotFound, match="not named on"):
        disclosures.set_inventor_details(
            store, key, "rsmith", {"citizenship": "DE"}, actor="tester"
        )
