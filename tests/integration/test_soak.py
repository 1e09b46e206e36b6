"""The soak test: 8 processes, each with a store of its own, make 200 mixed changes each at
the same time on one database (a real SQLite file and the real PostgreSQL server). Then the
database must account for every one of them exactly:

- every change a process was told was saved is in the database, and nothing else is: each
  shared disclosure's versions are exactly the ones handed out, one per acknowledged change,
  and it holds the last one's values (no lost edit);
- every refused change was refused with a Conflict, wrote nothing, and was shown a newer
  version than it had read;
- the audit trail has one record per acknowledged change, of the right kind, and the shared
  disclosures' records chain (each change's old value is the previous change's new one);
- session ideas have distinct numbers and every dot counts; SQLite's integrity check passes.

The mix and the seed are fixed, so a failure can be run again the same way.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.sessions import SessionSetup
from firstfile.services import counsel, disclosures, sessions
from firstfile.storage import upserts
from firstfile.storage.engine import Store, open_store, sqlite_path
from firstfile.storage.tables import Person
from tests.factories import seed_basics
from tests.integration.soak import run_worker

PROCESSES = 8
OPERATIONS = 200
SEED = 9
HOT = 4  # shared disclosures everyone edits and decides on
# Generous: the whole soak takes well under a minute per database on a loaded 2-core machine
# (benchmarks are not this test's business); a worker that never finishes is a failure.
JOIN_SECONDS = 600


def _set_up(store: Store) -> dict[str, Any]:
    """Shared records: people in one running session with one idea, and HOT submitted
    disclosures."""
    seed_basics(store)
    people = [f"soak{n}" for n in range(PROCESSES)]
    with store.write() as db:
        for key in people:
            upserts.upsert(
                db=db,
                model=Person,
                match={"key": key},
                values={"name": f"Soak user {key}"},
                actor="seed",
                entity="person",
                entity_key=key,
            )
    setup = SessionSetup(
        engagement_key="ACME-2026",
        key="soak",
        title="Soak session",
        phase="pre",
        held_on=date(2026, 2, 10),
        facilitator="jdoe",
        participants=("jdoe", *people),
        decks=("scamper",),
    )
    session = sessions.create_session(store, setup, actor="seed")
    sessions.start_session(store, session.id, actor="seed")
    idea = sessions.capture_idea(
        store, session_id=session.id, text="The shared idea", author="jdoe", actor="seed"
    )
    hot = []
    for n in range(HOT):
        key = disclosures.create_disclosure(
            store,
            DisclosureDraft(
                title=f"Shared {n}",
                summary="Everyone works on this one.",
                engagement_key="ACME-2026",
                inventors=(InventorEntry("jdoe", "inventor", 100),),
            ),
            actor="seed",
        ).key
        counsel.move_status(store, key, "submitted", actor="seed")
        hot.append(key)
    return {"people": people, "session": session.id, "idea": idea.id, "hot": hot}


def _run_workers(url: str, plan: dict[str, Any], folder: Path) -> list[list[dict[str, Any]]]:
    # Forked from this process, so each worker starts without importing everything again;
    # each opens a store of its own (the caller holds no connection open across the fork).
    context = multiprocessing.get_context("fork")
    start = context.Barrier(PROCESSES)
    outs = [folder / f"worker-{n}.json" for n in range(PROCESSES)]
    workers = [
        context.Process(
            target=run_worker, args=(n, url, OPERATIONS, plan, SEED, start, str(outs[n]))
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(JOIN_SECONDS)
    stuck = [n for n, w in enumerate(workers) if w.exitcode is None]
    for n in stuck:
        workers[n].kill()
    assert not stuck, f"workers {stuck} did not finish"
    logs = []
    for n, out in enumerate(outs):
        result = json.loads(out.read_text(encoding="utf-8"))
        assert "failure" not in result, f"worker {n}:\n{result['failure']}"
        assert len(result["log"]) == OPERATIONS
        logs.append(result["log"])
    return logs


def _audit_after(store: Store, first_id: int) -> list[tuple[Any, ...]]:
    with store.read() as db:
        return [
            tuple(row)
            for row in db.execute(
                text(
                    "SELECT id, entity, entity_key, action, changes FROM auditevent WHERE id > :i "
                    "ORDER BY id"
                ),
                {"i": first_id},
            ).all()
        ]


def test_eight_processes_two_hundred_changes_each_all_accounted_for(
    db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    try:
        plan = _set_up(store)
        before = {key: disclosures.get_disclosure(store, key) for key in plan["hot"]}
        with store.read() as db:
            first_id = db.execute(text("SELECT max(id) FROM auditevent")).scalar_one()
        votes_before = sessions.session_by_id(store, plan["session"]).idea(plan["idea"]).votes
        store.dispose()  # no connection crosses the fork; the store reconnects afterwards
        entries = [e for log in _run_workers(db_url, plan, tmp_path) for e in log]
        trail = _audit_after(store, first_id)
        done = Counter(e["op"] for e in entries)

        # One audit record per acknowledged change, of its kind; none for a refused one.
        kinds = Counter((entity, action) for _id, entity, _key, action, _c in trail)
        assert kinds == Counter(
            {
                ("disclosure", "create"): done["create"] + done["import"],
                ("engagement", "create"): done["import"],
                ("disclosure", "update"): done["edit"],
                ("disclosure", "decide"): done["decide"],
                ("idea", "create"): done["capture"],
                ("idea", "vote"): done["vote"],
            }
        )
        assert done["edit-conflict"] + done["decide-conflict"] > 0, "nothing raced"
        # A change that names no version is applied on top of the others, never refused.
        assert not {
            "create-conflict",
            "capture-conflict",
            "vote-conflict",
            "import-conflict",
        } & set(done), done

        _check_shared_disclosures(store, plan, before, entries, trail)
        _check_new_records(store, entries, trail)
        view = sessions.session_by_id(store, plan["session"])
        captured = {e["text"] for e in entries if e["op"] == "capture"}
        assert {i.text for i in view.ideas} == captured | {"The shared idea"}
        assert sorted(i.position for i in view.ideas) == list(range(len(captured) + 1))
        shared = view.idea(plan["idea"])
        assert shared is not None
        assert shared.votes == votes_before + sum(e["delta"] for e in entries if e["op"] == "vote")
        path = sqlite_path(db_url)
        if path is not None:
            with store.read() as db:
                assert db.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
    finally:
        store.dispose()


def _check_shared_disclosures(
    store: Store,
    plan: dict[str, Any],
    before: dict[str, Any],
    entries: list[dict[str, Any]],
    trail: list[tuple[Any, ...]],
) -> None:
    for key in plan["hot"]:
        saved = sorted(
            (e for e in entries if e["op"] in ("edit", "decide") and e["key"] == key),
            key=lambda e: e["version"],
        )
        stored = disclosures.get_disclosure(store, key)
        # Every version after the set-up was handed to exactly one acknowledged change.
        assert [e["version"] for e in saved] == list(
            range(before[key].version + 1, stored.version + 1)
        )
        edits = [e for e in saved if e["op"] == "edit"]
        decisions = [e for e in saved if e["op"] == "decide"]
        assert stored.title == (f"Title {edits[-1]['token']}" if edits else before[key].title)
        reasons = [f"Reason {e['token']} given by counsel." for e in decisions]
        if reasons:
            assert counsel.review_state(store, key).decision_rationale == reasons[-1]
        # The audit chain: each change's old value is the one the change before it saved.
        records = [
            json.loads(c)
            for _id, entity, k, action, c in trail
            if entity == "disclosure" and k == key
        ]
        for field, values in (
            ("title", [before[key].title] + [f"Title {e['token']}" for e in edits]),
            ("decision_rationale", ["", *reasons]),
        ):
            pairs = {r[field][1]: r[field][0] for r in records if field in r}
            assert pairs == dict(zip(values[1:], values[:-1], strict=True)), field
        # A refused change wrote nothing and was shown a newer version than it had read.
        written = {str(values[1]) for r in records for values in r.values()}
        for refused in (
            e
            for e in entries
            if e["op"] in ("edit-conflict", "decide-conflict") and e["key"] == key
        ):
            assert refused["shown"] is not None and refused["shown"] > refused["expected"]
            assert {
                f"Title {refused['token']}",
                f"Reason {refused['token']} given by counsel.",
            }.isdisjoint(written)


def _check_new_records(
    store: Store, entries: list[dict[str, Any]], trail: list[tuple[Any, ...]]
) -> None:
    created = Counter((entity, key) for _id, entity, key, action, _c in trail if action == "create")
    for entry in entries:
        if entry["op"] == "create":
            assert disclosures.get_disclosure(store, entry["key"]).title == entry["title"]
            assert created[("disclosure", entry["key"])] == 1
        elif entry["op"] == "import":
            assert entry["outcomes"] == {"engagement created": 1, "disclosure created": 1}
            view = disclosures.get_disclosure(store, entry["key"])
            assert (view.title, view.engagement_key) == (entry["title"], entry["engagement"])
            assert created[("disclosure", entry["key"])] == 1
            assert created[("engagement", entry["engagement"])] == 1
