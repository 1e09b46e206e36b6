"""Deleting is a state: a deleted disclosure leaves the search index and cannot be exported;
restoring puts it back. On SQLite and PostgreSQL, and across the migration that introduced
it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.rendering.export import export_disclosure
from firstfile.rendering.safe_files import ExportError
from firstfile.services import disclosures
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision

WORD = "zorbulator"


def _indexed(store: Store, key: str) -> bool:
    """Whether the search index itself holds the disclosure (not whether search shows it)."""
    with store.read() as db:
        if store.is_sqlite:
            found = db.execute(text(
                "SELECT 1 FROM disclosure_fts f JOIN disclosure d ON d.id = f.rowid "
                "WHERE disclosure_fts MATCH :word AND d.key = :key"),
                {"word": WORD, "key": key}).first()
        else:
            found = db.execute(text(
                "SELECT 1 FROM disclosure WHERE key = :key AND search_vector IS NOT NULL "
                "AND search_vector @@ to_tsquery('english', :word)"),
                {"word": WORD, "key": key}).first()
    return found is not None


def test_a_deleted_disclosure_leaves_the_index_and_restoring_puts_it_back(store: Store) -> None:
    made = disclosures.create_disclosure(
        store, DisclosureDraft(title=f"Potting {WORD} for sensors", summary="s"), actor="a")
    assert [r.key for r in disclosures.search(store, WORD)] == [made.key]
    assert _indexed(store, made.key)

    disclosures.delete_disclosure(store, made.key, actor="a")
    assert disclosures.search(store, WORD) == []
    assert not _indexed(store, made.key)

    disclosures.restore_disclosure(store, made.key, actor="b")
    assert [r.key for r in disclosures.search(store, WORD)] == [made.key]
    assert _indexed(store, made.key)
    with store.read() as db:
        trail = db.execute(text("SELECT actor_name, action FROM auditevent WHERE entity_key = :k "
                                "ORDER BY id"), {"k": made.key}).all()
    assert [tuple(r) for r in trail] == [("a", "create"), ("a", "delete"), ("b", "restore")]


def test_editing_a_deleted_disclosure_does_not_put_it_back_in_the_index(store: Store) -> None:
    made = disclosures.create_disclosure(
        store, DisclosureDraft(title="Conformal coating mask", summary="s"), actor="a")
    disclosures.delete_disclosure(store, made.key, actor="a")
    disclosures.update_disclosure(
        store, made.key, DisclosureDraft(title=f"Conformal {WORD} mask", summary="s"),
        actor="a")
    assert not _indexed(store, made.key)
    disclosures.restore_disclosure(store, made.key, actor="a")
    assert _indexed(store, made.key)


def test_a_deleted_disclosure_cannot_be_exported(store: Store, tmp_path: Path) -> None:
    made = disclosures.create_disclosure(
        store, DisclosureDraft(title="Snap-fit clip", summary="s"), actor="a")
    disclosures.delete_disclosure(store, made.key, actor="a")
    view = disclosures.get_disclosure(store, made.key)
    for fmt in ("docx", "md"):
        with pytest.raises(ExportError, match=f"{made.key} is deleted.*disclosures restore"):
            export_disclosure(view, tmp_path / "out", fmt)
    assert not (tmp_path / "out").exists()
    disclosures.restore_disclosure(store, made.key, actor="a")
    written = export_disclosure(disclosures.get_disclosure(store, made.key), tmp_path / "out")
    assert written.name == f"{made.key}.docx"


def test_upgrading_takes_earlier_deleted_disclosures_out_of_the_index(db_url: str) -> None:
    from alembic import command

    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0003_list_indexes")
    with old.write() as db:
        for key, deleted in (("FF-2025-0001", None), ("FF-2025-0002", datetime.now(UTC))):
            db.execute(text(
                "INSERT INTO disclosure (key, title, status, phase, submitter, business_unit, "
                "summary, problem, description, variants, advantages, prior_art, "
                "prototype_exists, records_location, third_parties, jurisdictions, "
                "completed_in_china, joint, source_prompt_id, german_employee_invention, "
                "decision, decision_rationale, reviewer_notes, created_at, updated_at, "
                "version, deleted_at) VALUES (:key, :title, 'draft', '', '', '', '', '', '', "
                "'', '', '', false, '', '', '', false, false, '', false, '', '', '', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, :deleted)"),
                {"key": key, "title": f"Potting {WORD}", "deleted": deleted})
    old.dispose()
    store = open_store(db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        assert _indexed(store, "FF-2025-0001")
        assert not _indexed(store, "FF-2025-0002")
        assert [r.key for r in disclosures.search(store, WORD)] == ["FF-2025-0001"]
        disclosures.restore_disclosure(store, "FF-2025-0002", actor="a")
        assert sorted(r.key for r in disclosures.search(store, WORD)) == [
            "FF-2025-0001", "FF-2025-0002"]
    finally:
        store.dispose()
