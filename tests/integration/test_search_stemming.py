"""Search finds a word's other forms ("thermal" finds "thermally"), prefixes and OR still
work, and migration 0014 re-indexes the disclosures an older database holds. On SQLite
(FTS5's porter tokenizer) and PostgreSQL (the `english` configuration)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlmodel import Session

from firstfile.domain.disclosure import DisclosureDraft
from firstfile.services import disclosures
from firstfile.storage.engine import Store, create_store_engine, open_store
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision


def _titles(store: Store, query: str) -> set[str]:
    return {r.title for r in disclosures.search(store, query)}


def test_a_word_finds_its_other_forms(store: Store) -> None:
    for title, description in (
        ("Thermally conductive potting", "Fills the gap between cells and the housing."),
        ("Fan curve for the enclosure", "The busbars are cooled by forced air."),
        ("Cell tab welding", "Uses graphite foil under the tabs."),
    ):
        disclosures.create_disclosure(
            store, DisclosureDraft(title=title, summary="s", description=description),
            actor="a")
    assert _titles(store, "thermal") == {"Thermally conductive potting"}
    assert _titles(store, "cooling") == {"Fan curve for the enclosure"}
    assert _titles(store, "welded tab") == {"Cell tab welding"}
    # Stemming does not make unrelated words meet.
    assert _titles(store, "thermos") == set()
    # Prefixes and OR work as before, stemmed or not.
    assert _titles(store, "therm*") == {"Thermally conductive potting"}
    assert _titles(store, "graph*") == {"Cell tab welding"}
    assert _titles(store, "thermal OR cooled") == {
        "Thermally conductive potting", "Fan curve for the enclosure"}
    assert _titles(store, "thermal OR cooled busbar") == {"Fan curve for the enclosure"}
    assert _titles(store, "weld* OR pot* cell") == {
        "Thermally conductive potting", "Cell tab welding"}


def _indexed_under(store: Store, word: str) -> set[str]:
    """The keys the search index holds under exactly this word (not stemmed by the query), so
    it tells a stemmed index ("thermal") from a plain one ("thermally")."""
    with store.read() as db:
        if store.is_sqlite:
            rows = db.execute(text(
                "SELECT d.key FROM disclosure_fts f JOIN disclosure d ON d.id = f.rowid "
                "WHERE disclosure_fts MATCH :word"), {"word": f'"{word}"'})
        else:
            rows = db.execute(text(
                "SELECT key FROM disclosure WHERE search_vector @@ to_tsquery('simple', :word)"),
                {"word": word})
        return {r[0] for r in rows}


def _insert(db: Session, key: str, title: str, *, deleted: bool) -> None:
    db.execute(text(
        "INSERT INTO disclosure (key, title, status, phase, submitter, business_unit, "
        "summary, problem, description, variants, advantages, prior_art, prototype_exists, "
        "records_location, third_parties, jurisdictions, completed_in_china, joint, "
        "created_at, updated_at, deleted_at, version) VALUES (:key, :title, 'draft', '', '', "
        "'', '', '', 'The housing is cooled by the potting.', '', '', '', false, '', '', '', "
        "false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
        "CASE WHEN :deleted THEN CURRENT_TIMESTAMP END, 1)"),
        {"key": key, "title": title, "deleted": deleted})


def test_upgrading_from_0013_reindexes_the_disclosures_with_stemming(empty_db_url: str) -> None:
    old = Store(create_store_engine(empty_db_url), empty_db_url)
    command.upgrade(alembic_config(old), "0013_vendor_facing_name")
    with old.write() as db:
        _insert(db, "FF-2019-0001", "Thermally bonded heatsink", deleted=False)
        _insert(db, "FF-2019-0002", "Thermally cut spacer", deleted=True)
    # Before the upgrade the index holds the words as written, the deleted one not at all.
    assert _indexed_under(old, "thermally") == {"FF-2019-0001"}
    assert _indexed_under(old, "thermal") == set()
    old.dispose()

    store = open_store(empty_db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        assert _indexed_under(store, "thermal") == {"FF-2019-0001"}
        assert [r.key for r in disclosures.search(store, "thermal")] == ["FF-2019-0001"]
        assert [r.key for r in disclosures.search(store, "cooling")] == ["FF-2019-0001"]
        assert [r.key for r in disclosures.search(store, "heatsink OR spacer")] == [
            "FF-2019-0001"]
        # The deleted disclosure stays out of the index; restoring it puts it back, stemmed.
        disclosures.restore_disclosure(store, "FF-2019-0002", actor="a")
        assert {r.key for r in disclosures.search(store, "thermal")} == {
            "FF-2019-0001", "FF-2019-0002"}
        made = disclosures.create_disclosure(
            store, DisclosureDraft(title="Sealed connectors", summary="s"), actor="a")
        assert [r.key for r in disclosures.search(store, "sealing")] == [made.key]

        # Downgrading restores the unstemmed index, with every live disclosure in it.
        command.downgrade(alembic_config(store), "0013_vendor_facing_name")
        assert _indexed_under(store, "thermal") == set()
        assert _indexed_under(store, "thermally") == {"FF-2019-0001", "FF-2019-0002"}
        assert _indexed_under(store, "sealed") == {made.key}
        command.upgrade(alembic_config(store), "head")
        assert {r.key for r in disclosures.search(store, "thermal")} == {
            "FF-2019-0001", "FF-2019-0002"}
    finally:
        store.dispose()
