"""The audit trail as a hash chain: every row linked to the one before, `verify` naming the
first row that does not match after each kind of tampering (a flipped byte, a deleted row, a
back-dated row, content edited behind firstfile's back, a chain recomputed to hide it), purges
that leave the chain checkable, the upgrade of a database from before the chain, and
concurrent writers on PostgreSQL that never link to the same predecessor."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.evidence import GENESIS, chain_link, seal, sha256_hex
from firstfile.services import disclosures, roles, timestamps
from firstfile.services.purge import purge_disclosure
from firstfile.services.verification import verify
from firstfile.storage.engine import Store, open_store
from firstfile.storage.evidence_queries import audit_rows, chain_head
from firstfile.storage.migrate import HEAD_REVISION, alembic_config, current_revision
from tests.factories import seed_basics


def _draft(title: str = "Cell balancing by temperature", **changes: object) -> DisclosureDraft:
    values: dict[str, object] = {
        "title": title, "summary": "Balance by temperature, not voltage.",
        "engagement_key": "ACME-2026", "conception_date": date(2026, 1, 12),
        "inventors": (InventorEntry("jdoe", "inventor", 100),),
    }
    values.update(changes)
    return DisclosureDraft(**values)  # type: ignore[arg-type]


def _history(store: Store) -> list[str]:
    """Three disclosures with edits and a delete; returns their keys."""
    seed_basics(store)
    keys = []
    for title in ("Cell balancing by temperature", "Busbar clamp", "Potting mask"):
        made = disclosures.create_disclosure(store, _draft(title), actor="jdoe")
        keys.append(made.key)
    disclosures.update_disclosure(store, keys[0], _draft(description="How it works"),
                                  actor="rsmith")
    disclosures.delete_disclosure(store, keys[2], actor="jdoe")
    return keys


def _seq_of(store: Store, key: str, action: str) -> int:
    with store.read() as db:
        return int(db.execute(text(
            "SELECT seq FROM auditevent WHERE entity_key = :k AND action = :a ORDER BY seq"),
            {"k": key, "a": action}).scalars().first())


def _sql(store: Store, sql: str, **params: object) -> None:
    """A change made directly in the database, as someone with the file or a login would."""
    with store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _first(store: Store) -> str:
    report = verify(store)
    assert not report.ok
    assert report.first_problem is not None
    return report.first_problem.line()


def test_every_row_links_to_the_one_before_and_verify_passes(store: Store) -> None:
    _history(store)
    with store.read() as db:
        rows = list(audit_rows(db))
        head = chain_head(db)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    previous = GENESIS
    for row in rows:
        assert row.values_sha256 == sha256_hex(row.changes.encode())
        assert row.content_sha256 == sha256_hex(row.envelope())
        assert row.chain_sha256 == chain_link(previous, row.content_sha256)
        previous = row.chain_sha256
    assert head == (rows[-1].seq, rows[-1].chain_sha256)
    report = verify(store)
    assert report.ok, report.problems
    assert (report.rows, report.disclosures) == (len(rows), 3)


def test_who_and_name_are_both_recorded(store: Store) -> None:
    keys = _history(store)
    with store.read() as db:
        update = [r for r in audit_rows(db, entity_key=keys[0]) if r.action == "update"][0]
    assert (update.actor, update.actor_name) == (roles.whoami(store), "rsmith")


def test_a_flipped_byte_is_caught(store: Store) -> None:
    keys = _history(store)
    seq = _seq_of(store, keys[0], "update")
    with store.read() as db:
        changes = db.execute(text("SELECT changes FROM auditevent WHERE seq = :s"),
                             {"s": seq}).scalar_one()
    flipped = changes.replace("How it works", "How it wprks")
    assert flipped != changes
    _sql(store, "UPDATE auditevent SET changes = :c WHERE seq = :s", c=flipped, s=seq)
    assert _first(store) == (f"audit row {seq} (update disclosure {keys[0]}): its values (old "
                             "and new) were changed after it was written")


def test_a_deleted_row_is_caught(store: Store) -> None:
    keys = _history(store)
    seq = _seq_of(store, keys[1], "create")
    _sql(store, "DELETE FROM auditevent WHERE seq = :s", s=seq)
    assert _first(store).startswith(f"audit row {seq + 1} ")
    assert f"row {seq} is missing (deleted): row {seq + 1} follows row {seq - 1}" in \
        _first(store)


def test_rows_deleted_from_the_end_are_caught(store: Store) -> None:
    _history(store)
    with store.read() as db:
        last = chain_head(db)
    assert last is not None
    _sql(store, "DELETE FROM auditevent WHERE seq >= :s", s=last[0] - 1)
    assert f"rows {last[0] - 1} to {last[0]} are missing (deleted from the end)" in _first(store)


def test_a_back_dated_row_is_caught(store: Store) -> None:
    keys = _history(store)
    seq = _seq_of(store, keys[0], "create")
    _sql(store, "UPDATE auditevent SET at = :at, actor = 'someone-else' WHERE seq = :s",
         at="2025-01-01 00:00:00", s=seq)
    assert _first(store) == (f"audit row {seq} (create disclosure {keys[0]}): who, when, what "
                             "or which fields were changed after it was written (its content "
                             "does not match its hash)")


def test_content_edited_behind_firstfiles_back_is_caught(store: Store) -> None:
    keys = _history(store)
    _sql(store, "UPDATE disclosure SET conception_date = :d WHERE key = :k",
         d=date(2025, 6, 1), k=keys[1])
    seq = _seq_of(store, keys[1], "create")
    assert _first(store) == (f"{keys[1]}: its content differs from what audit row {seq} "
                             "recorded: it was changed outside firstfile")


def _rewrite_chain_from(store: Store, seq: int) -> None:
    """What someone who knows the format does to hide an edit: recompute every hash from
    the edited row on, and the head."""
    with store.read() as db:
        rows = list(audit_rows(db))
    previous = GENESIS if seq == 1 else rows[seq - 2].chain_sha256
    with store.engine.begin() as conn:
        for row in rows[seq - 1:]:
            sealed = seal(previous=previous, seq=row.seq, at=row.at, actor=row.actor,
                          actor_name=row.actor_name, entity=row.entity,
                          entity_key=row.entity_key, action=row.action, changes=row.changes,
                          record_sha256=row.record_sha256)
            conn.execute(text("UPDATE auditevent SET values_sha256 = :v, content_sha256 = :c, "
                              "chain_sha256 = :h WHERE seq = :s"),
                         {"v": sealed.values_sha256, "c": sealed.content_sha256,
                          "h": sealed.chain_sha256, "s": row.seq})
            previous = sealed.chain_sha256
        conn.execute(text("UPDATE auditchainhead SET chain_sha256 = :h WHERE id = 1"),
                     {"h": previous})


def test_a_recomputed_chain_is_caught_by_its_anchor(store: Store) -> None:
    keys = _history(store)
    seq = _seq_of(store, keys[0], "create")
    anchored, _hash, outcome = timestamps.anchor_chain(store, actor="counsel", tsa_url=None,
                                                       reason="bundle")
    assert outcome.status == "not-timestamped"
    _sql(store, "UPDATE auditevent SET actor = 'someone-else' WHERE seq = :s", s=seq)
    _rewrite_chain_from(store, seq)
    report = verify(store)
    assert [p.kind for p in report.problems] == ["anchor"]
    assert report.problems[0].what.startswith(
        f"rows up to {anchored} were changed after this anchor was recorded at ")


def test_a_purge_leaves_the_chain_checkable(store: Store) -> None:
    keys = _history(store)
    roles.grant(store, roles.whoami(store), "counsel", actor="counsel")
    purge_disclosure(store, keys[2], actor="counsel")
    report = verify(store)
    assert report.ok, report.problems
    assert report.purged_rows == 2  # its create and its delete
    # A row emptied by hand, with no purge naming it, is not taken for a purge.
    seq = _seq_of(store, keys[1], "create")
    with store.read() as db:
        fields = json.loads(db.execute(text("SELECT changes FROM auditevent WHERE seq = :s"),
                                       {"s": seq}).scalar_one())
    faked = json.dumps({name: ["(purged)", "(purged)"] for name in fields}, sort_keys=True)
    _sql(store, "UPDATE auditevent SET changes = :c WHERE seq = :s", c=faked, s=seq)
    assert _first(store) == (f"audit row {seq} (create disclosure {keys[1]}): its values were "
                             "replaced by \"(purged)\" but no purge row names it")


def test_a_missing_head_row_stops_writes_with_a_message(store: Store) -> None:
    _history(store)
    _sql(store, "DELETE FROM auditchainhead")
    from firstfile.storage.engine import StoreError

    with pytest.raises(StoreError, match="head row is missing.*firstfile verify"):
        disclosures.create_disclosure(store, _draft("One more"), actor="jdoe")
    assert "the chain head: its row is missing (deleted)" in [
        p.line() for p in verify(store).problems]


def test_a_database_from_before_the_chain_is_chained_in_id_order(empty_db_url: str) -> None:
    """Rows written before this revision are chained by the migration; later writes go on
    from its head, and verify passes over both."""
    from alembic import command

    from firstfile.storage.engine import create_store_engine

    db_url = empty_db_url
    old = Store(create_store_engine(db_url), db_url)
    command.upgrade(alembic_config(old), "0009_strategy_tracers")
    with old.write() as db:
        for number, (at, actor, action) in enumerate((
                ("2026-01-02 10:00:00", "jdoe", "create"),
                ("2026-01-03 11:30:00.250000", "rsmith", "update"),
                ("2026-01-01 09:00:00", "jdoe", "delete")), start=1):
            db.execute(text(
                "INSERT INTO auditevent (at, actor, entity, entity_key, action, changes) "
                "VALUES (:at, :actor, 'disclosure', :key, :action, :changes)"),
                {"at": at, "actor": actor, "key": f"FF-2025-000{number}", "action": action,
                 "changes": json.dumps({"title": [None, f"Réglage {number}"]},
                                       ensure_ascii=False)})
    old.dispose()
    store = open_store(db_url)
    try:
        assert current_revision(store) == HEAD_REVISION
        with store.read() as db:
            rows = list(audit_rows(db))
        assert [(r.seq, r.actor, r.actor_name, r.action) for r in rows] == [
            (1, "jdoe", "jdoe", "create"), (2, "rsmith", "rsmith", "update"),
            (3, "jdoe", "jdoe", "delete")]
        assert verify(store).ok, verify(store).problems
        seed_basics(store)
        assert verify(store).ok
        _sql(store, "UPDATE auditevent SET actor = 'someone-else' WHERE seq = 2")
        assert _first(store).startswith("audit row 2 (update disclosure FF-2025-0002): who, ")
    finally:
        store.dispose()


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_never_share_a_predecessor(pg_store: Store) -> None:
    seed_basics(pg_store)
    writers, each = 4, 8
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            for index in range(each):
                disclosures.create_disclosure(pg_store, _draft(f"Writer {number} idea {index}"),
                                              actor=f"writer-{number}")
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with pg_store.read() as db:
        rows = list(audit_rows(db))
    links = [r.chain_sha256 for r in rows]
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert len(set(links)) == len(links)
    report = verify(pg_store)
    assert report.ok, report.problems
    assert report.disclosures == writers * each


@pytest.mark.postgres
def test_a_second_writer_waits_for_the_head_and_links_after_the_first(
    pg_store: Store, other_login: Callable[[Store, str], Store]
) -> None:
    """While one transaction holds the head, another that appends to the chain waits on its
    lock (seen in pg_locks, not assumed from time), then links to the first's row."""
    seed_basics(pg_store)
    second = other_login(pg_store, "second")
    done = threading.Event()
    failures: list[BaseException] = []

    def later() -> None:
        try:
            disclosures.create_disclosure(second, _draft("Second writer"), actor="second")
        except BaseException as error:  # noqa: BLE001
            failures.append(error)
        done.set()

    with pg_store.write() as db:
        from firstfile.storage import audit

        first = audit.record(db=db, actor="first", entity="note", entity_key="n1",
                             action="create")
        db.flush()
        thread = threading.Thread(target=later)
        thread.start()
        _wait_for_lock_wait(pg_store, roles.whoami(second))
        assert not done.is_set()
        first_seq, first_chain = first.seq, first.chain_sha256
    thread.join()
    assert failures == []
    with pg_store.read() as db:
        after = [r for r in audit_rows(db) if r.seq == first_seq + 1]
    assert after[0].actor == roles.whoami(second)
    assert after[0].chain_sha256 == chain_link(first_chain, after[0].content_sha256)
    assert verify(pg_store).ok


def _wait_for_lock_wait(store: Store, user: str) -> None:
    """Return once user's session waits on a lock (polling pg_stat_activity; a generous
    limit so a loaded machine only makes it slower, never wrong)."""
    import time

    limit = time.monotonic() + 120
    while time.monotonic() < limit:
        with store.engine.connect() as conn:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = :u "
                "AND wait_event_type = 'Lock'"), {"u": user}).scalar_one()
        if waiting:
            return
        threading.Event().wait(0.05)
    raise AssertionError(f"{user} never waited on the chain head's lock")
