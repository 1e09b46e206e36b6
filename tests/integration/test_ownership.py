"""Vendor inventions and joint ones in the store: the flags kept on each disclosure, the
list's words, and the upgrade that recomputes them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.services import disclosures
from firstfile.storage.disclosure_queries import ListFilter
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import alembic_config
from tests.factories import seed_basics


def _create(store: Store, title: str, *people: str) -> str:
    draft = DisclosureDraft(
        title=title, engagement_key="ACME-2026", inventors=tuple(InventorEntry(p) for p in people)
    )
    return disclosures.create_disclosure(store, draft, actor="tester").key


def test_the_flags_follow_the_inventors_and_the_list_says_them(store: Store, db_url: str) -> None:
    seed_basics(store)
    vendor = _create(store, "Vendor only", "wli")
    joint = _create(store, "Both", "jdoe", "wli")
    own = _create(store, "Ours", "jdoe", "rsmith")
    rows = {r.key: r for r in disclosures.list_page(store, ListFilter())}
    assert (rows[vendor].flag, rows[joint].flag, rows[own].flag) == ("VENDOR", "JOINT", "")
    view = disclosures.get_disclosure(store, vendor)
    assert view.as_json()["vendor_invention"] is True and view.as_json()["joint"] is False

    db = db_url.removeprefix("sqlite:///")
    listed = subprocess.run(
        [sys.executable, "-m", "firstfile", "disclosures", "list", "--db", db],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert [line.split("  ")[0] for line in listed] == [vendor, joint, own]
    # Aligned: every title starts in the same column.
    starts = {
        line.index(title)
        for line, title in zip(listed, ("Vendor only", "Both", "Ours"), strict=True)
    }
    assert len(starts) == 1
    assert "vendor invention" in listed[0] and "joint" in listed[1]
    data = json.loads(
        subprocess.run(
            [sys.executable, "-m", "firstfile", "disclosures", "list", "--json", "--db", db],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=120,
            check=True,
        ).stdout
    )
    assert [d["vendor_invention"] for d in data] == [True, False, False]


def test_upgrading_recomputes_joint_and_vendor_inventions(empty_db_url: str) -> None:
    from alembic import command

    old = Store(create_store_engine(empty_db_url), empty_db_url)
    # An empty database, brought to the revision before attachments (0011).
    command.upgrade(alembic_config(old), "0010_evidence")
    with old.write() as db:
        db.execute(
            text(
                "INSERT INTO vendor (key, name, kind, country, competitors, notes) "
                "VALUES ('sz', 'Shenzhen Co.', 'contract-manufacturer', 'CN', '', '')"
            )
        )
        db.execute(
            text(
                "INSERT INTO person (key, name, email) VALUES ('wli', 'Wei Li', ''), "
                "('jdoe', 'Jane Doe', '')"
            )
        )
        for key in ("FF-2025-0001", "FF-2025-0002"):
            db.execute(
                text(
                    "INSERT INTO disclosure (key, title, status, phase, submitter, business_unit, "
                    "summary, problem, description, variants, advantages, prior_art, "
                    "prototype_exists, records_location, third_parties, jurisdictions, "
                    "completed_in_china, made_in_us, joint, source_prompt_id, "
                    "german_employee_invention, decision, decision_rationale, reviewer_notes, "
                    "created_at, updated_at, version) VALUES (:key, 'T', 'draft', '', '', '', "
                    "'', '', '', '', '', '', false, '', '', '', false, false, true, '', false, '', "
                    "'', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                ),
                {"key": key},
            )
        db.execute(
            text(
                "INSERT INTO disclosureinventor (disclosure_id, person_id, position, role, "
                "organization_key, organization_name) SELECT d.id, p.id, 0, 'inventor', 'sz', "
                "'Shenzhen Co.' FROM disclosure d, person p WHERE p.key = 'wli'"
            )
        )
        db.execute(
            text(
                "INSERT INTO disclosureinventor (disclosure_id, person_id, position, role, "
                "organization_key, organization_name) SELECT d.id, p.id, 1, 'inventor', "
                "'internal', '' FROM disclosure d, person p "
                "WHERE p.key = 'jdoe' AND d.key = 'FF-2025-0002'"
            )
        )
    old.dispose()
    store = open_store(empty_db_url)
    try:
        rows = {r.key: r for r in disclosures.list_page(store, ListFilter())}
        assert (rows["FF-2025-0001"].vendor_invention, rows["FF-2025-0001"].joint) == (True, False)
        assert (rows["FF-2025-0002"].vendor_invention, rows["FF-2025-0002"].joint) == (False, True)
        view = disclosures.get_disclosure(store, "FF-2025-0001")
        assert view.china_doubt == ("Shenzhen Co.",)
    finally:
        store.dispose()
