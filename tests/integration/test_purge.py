"""Purging a deleted disclosure: counsel only, audited without the content, and no copy of
the content left anywhere in the database: tables, audit records, autosave buffers, the
full-text index and its shadow tables, free space and the log (the raw file's bytes are
searched for a sentinel)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import bindparam, inspect, text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.services import counsel, disclosures, drafts, roles
from firstfile.services.errors import NotFound, UserError
from firstfile.services.purge import PURGED, purge_disclosure
from firstfile.services.roles import NotAllowed
from firstfile.storage.engine import Store, open_store
from tests.factories import seed_basics

# Letters only, so the full-text index stores it as one word (lower case).
SENTINEL = "qxzvsentinelwqk"


def _secret_disclosure(store: Store) -> str:
    """A disclosure with the sentinel in its title, text, an event, counsel's notes, an
    earlier version (kept by the audit trail) and an autosave buffer; then deleted."""
    seed_basics(store)
    made = disclosures.create_disclosure(
        store,
        DisclosureDraft(title=f"Cell balancing {SENTINEL}", summary=f"Summary {SENTINEL}",
                        description=f"How it works: {SENTINEL} " * 20,
                        engagement_key="ACME-2026",
                        inventors=(InventorEntry("jdoe", "inventor", 100),)),
        actor="engineer")
    disclosures.update_disclosure(
        store, made.key,
        DisclosureDraft(title="Cell balancing", summary="Summary", description="Rewritten",
                        engagement_key="ACME-2026",
                        inventors=(InventorEntry("jdoe", "inventor", 100),)),
        actor="engineer")
    counsel.add_event(store, made.key, EventView(kind="vendor-disclosure-nda",
                                                 date=date(2026, 2, 3), jurisdiction="CN",
                                                 note=f"Shown to sz-pcba: {SENTINEL}"),
                      actor="counsel")
    counsel.set_reviewer_notes(store, made.key, f"Prior art check: {SENTINEL}", actor="counsel")
    drafts.save_buffer(store, drafts.editor_owner(made.key), made.key,
                       {"title": f"Unsaved {SENTINEL}"}, actor="counsel")
    disclosures.delete_disclosure(store, made.key, actor="engineer")
    return made.key


def _make_counsel(store: Store) -> None:
    """Give counsel to whoever this store acts as (the login, or the database role)."""
    roles.grant(store, roles.whoami(store), "counsel", actor="counsel")


def _file_bytes(path: Path) -> bytes:
    """The database file and whatever SQLite keeps beside it."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def _fts_terms(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, disclosure_fts, row)")
        return {row[0] for row in conn.execute("SELECT term FROM temp.terms")}
    finally:
        conn.close()


def test_nothing_of_a_purged_disclosure_is_left_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "firstfile.db"
    store = open_store(str(path))
    try:
        key = _secret_disclosure(store)
        _make_counsel(store)
        # Text an earlier version freed without overwriting it (secure_delete off, as some
        # SQLite builds default to): it sits in free space inside the file's pages.
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA secure_delete = OFF")
        with conn:
            conn.execute("UPDATE disclosure SET problem = ? WHERE key = ?",
                         (f"Left over {SENTINEL} " * 30, key))
        with conn:
            conn.execute("UPDATE disclosure SET problem = '' WHERE key = ?", (key,))
        conn.close()
        store.dispose()  # a clean close folds everything into the file
        assert SENTINEL.encode() in path.read_bytes()  # the test can see it before

        result = purge_disclosure(store, key, actor="counsel")
        assert result.log_emptied and result.rewritten
        store.dispose()
        assert SENTINEL.encode() not in _file_bytes(path)
        assert SENTINEL.upper().encode() not in _file_bytes(path)
        assert not any(SENTINEL in term for term in _fts_terms(path))
    finally:
        store.dispose()


def test_purge_removes_the_content_from_every_table(store: Store) -> None:
    key = _secret_disclosure(store)
    _make_counsel(store)
    purge_disclosure(store, key, actor="counsel")
    with store.read() as db:
        conn = db.connection()
        for table in inspect(conn).get_table_names():
            if store.is_sqlite:
                columns = [c["name"] for c in inspect(conn).get_columns(table)]
                where = " OR ".join(f"CAST({c} AS TEXT) LIKE :s" for c in columns)
                sql = f"SELECT count(*) FROM {table} WHERE {where}"  # noqa: S608
            else:
                sql = f"SELECT count(*) FROM {table} t WHERE t::text LIKE :s"  # noqa: S608
            assert conn.execute(text(sql), {"s": f"%{SENTINEL}%"}).scalar() == 0, table
        assert db.execute(text("SELECT count(*) FROM disclosure WHERE key = :k"),
                          {"k": key}).scalar() == 0


def test_the_audit_trail_keeps_who_and_when_but_not_what(store: Store) -> None:
    key = _secret_disclosure(store)
    _make_counsel(store)
    with store.read() as db:
        before = db.execute(text(
            "SELECT id, actor, action, changes FROM auditevent WHERE entity = 'disclosure' "
            "AND entity_key = :k ORDER BY id"), {"k": key}).all()
    purge_disclosure(store, key, actor="counsel")
    with store.read() as db:
        after = db.execute(text(
            "SELECT id, actor, action, changes FROM auditevent WHERE entity = 'disclosure' "
            "AND entity_key = :k ORDER BY id"), {"k": key}).all()
    *earlier, purge = after
    assert [(r.id, r.actor, r.action) for r in earlier] == \
        [(r.id, r.actor, r.action) for r in before]
    assert {r.actor for r in earlier} == {roles.whoami(store)}
    for old, new in zip(before, earlier, strict=True):
        fields = json.loads(new.changes)
        assert sorted(fields) == sorted(json.loads(old.changes))
        assert all(value == [PURGED, PURGED] for value in fields.values())
    assert (purge.actor, purge.action) == (roles.whoami(store), "purge")
    removed = json.loads(purge.changes)["removed"][1]
    with store.read() as db:
        seqs = db.execute(text("SELECT seq FROM auditevent WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": [r.id for r in before]}).scalars()
        emptied = sorted(seqs)
    assert removed == {"inventors": 1, "events": 1, "components": 0, "attachments": 0,
                       "autosave_buffers": 1, "signatures": 0, "timestamps": 0,
                       "audit_records_cleared": len(before), "emptied_rows": emptied}


def test_only_counsel_may_purge(store: Store) -> None:
    key = _secret_disclosure(store)
    with pytest.raises(NotAllowed, match="only counsel may purge a disclosure"):
        purge_disclosure(store, key, actor="engineer")
    assert disclosures.get_disclosure(store, key).deleted  # still there, untouched
    _make_counsel(store)
    purge_disclosure(store, key, actor="engineer")
    with pytest.raises(NotFound):
        disclosures.get_disclosure(store, key)


def test_a_display_name_gives_no_role(store: Store) -> None:
    """Counsel granted to the name "counsel" does not let someone who only calls themselves
    that purge: roles belong to who acts (the login, or the database role)."""
    key = _secret_disclosure(store)
    roles.grant(store, "counsel", "counsel", actor="counsel")
    who = roles.whoami(store)
    with pytest.raises(NotAllowed, match=f"{who} \\(acting as 'counsel'\\) does not hold"):
        purge_disclosure(store, key, actor="counsel")
    assert disclosures.get_disclosure(store, key).deleted


@pytest.mark.postgres
def test_on_postgresql_the_database_role_decides(
    pg_store: Store, other_login: Callable[[Store, str], Store]
) -> None:
    """Two real logins: the one granted counsel may purge, the other may not, whatever name
    either gives itself."""
    key = _secret_disclosure(pg_store)
    _make_counsel(pg_store)
    engineer = other_login(pg_store, "engineer")
    assert roles.whoami(engineer).startswith("ff_engineer_")
    with pytest.raises(NotAllowed, match="does not hold the counsel role"):
        purge_disclosure(engineer, key, actor=roles.whoami(pg_store))
    purge_disclosure(pg_store, key, actor="counsel")
    with pytest.raises(NotFound):
        disclosures.get_disclosure(pg_store, key)


def test_a_disclosure_must_be_deleted_before_it_is_purged(store: Store) -> None:
    key = _secret_disclosure(store)
    _make_counsel(store)
    disclosures.restore_disclosure(store, key, actor="engineer")
    with pytest.raises(UserError, match=f"{key} is not deleted.*disclosures delete {key}"):
        purge_disclosure(store, key, actor="counsel")
    assert not disclosures.get_disclosure(store, key).deleted
    with pytest.raises(NotFound):
        purge_disclosure(store, "FF-2099-0001", actor="counsel")


def test_a_purged_key_is_never_handed_out_again(store: Store) -> None:
    key = _secret_disclosure(store)
    _make_counsel(store)
    purge_disclosure(store, key, actor="counsel")
    made = disclosures.create_disclosure(store, DisclosureDraft(title="Next", summary="s"),
                                         actor="engineer")
    assert made.key != key
