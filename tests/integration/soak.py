"""One user of the soak test (test_soak.py): a process of its own with a store of its own,
making a fixed, seeded mix of changes and writing down what it was told about each.

Every change is one of: log a new disclosure; edit a shared disclosure on the version it just
read; record counsel's decision on a shared disclosure on the version it just read; capture
an idea in the shared session; put a dot on (or take it back from) the shared idea; import a
file. Each either commits (and the worker notes what was acknowledged: the key, the unique
token it wrote, the version it made) or is refused with a Conflict (noted with the version it
expected and the one it was shown). Anything else ends the worker with its traceback.
"""

from __future__ import annotations

import json
import random
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

# Shares of each kind of change, out of 100.
MIX = (("create", 25), ("edit", 30), ("decide", 25), ("capture", 10), ("vote", 5), ("import", 5))
DECISIONS = ("file-provisional", "trade-secret", "defensive-publication", "no-action")


def run_worker(
    number: int, url: str, operations: int, plan: dict[str, Any], seed: int, start: Any, out: str
) -> None:
    """The worker's whole life: open a store, wait for the others, work, write the log."""
    from firstfile.storage.engine import open_store

    log: list[dict[str, Any]] = []
    store = open_store(url)
    try:
        start.wait(timeout=120)
        rng = random.Random(seed * 1000 + number)
        kinds = [kind for kind, share in MIX for _ in range(share)]
        for step in range(operations):
            log.append(_one(rng.choice(kinds), store, rng, number, step, plan, Path(out)))
        result: dict[str, Any] = {"log": log}
    except BaseException:
        result = {"log": log, "failure": traceback.format_exc()}
    finally:
        store.dispose()
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def _one(
    kind: str,
    store: Any,
    rng: random.Random,
    number: int,
    step: int,
    plan: dict[str, Any],
    folder: Path,
) -> dict[str, Any]:
    """One change; what the worker was told about it."""
    from firstfile.services.errors import Conflict

    try:
        return _change(kind, store, rng, number, step, plan, folder)
    except Conflict as conflict:
        shown = conflict.current
        return {
            "op": f"{kind}-conflict",
            "token": f"w{number}-s{step}",
            "shown": getattr(shown, "version", None),
            **plan.pop("reading", {}),
        }


def _change(
    kind: str,
    store: Any,
    rng: random.Random,
    number: int,
    step: int,
    plan: dict[str, Any],
    folder: Path,
) -> dict[str, Any]:
    from firstfile.domain.disclosure import DisclosureDraft
    from firstfile.interchange.reader import read_document
    from firstfile.services import counsel, disclosures, importer, sessions

    token = f"w{number}-s{step}"
    actor = f"user{number}"
    if kind == "create":
        view = disclosures.create_disclosure(
            store,
            DisclosureDraft(title=f"New {token}", summary="Logged in the soak test."),
            actor=actor,
        )
        return {"op": kind, "key": view.key, "title": view.title}
    if kind in ("edit", "decide"):
        key = rng.choice(plan["hot"])
        # What each user looks at first: the editor's disclosure, counsel's review state.
        seen = (
            disclosures.get_disclosure(store, key)
            if kind == "edit"
            else counsel.review_state(store, key)
        )
        plan["reading"] = {"key": key, "expected": seen.version}
        if kind == "edit":
            made = disclosures.update_disclosure(
                store,
                key,
                replace(disclosures.view_to_draft(seen), title=f"Title {token}"),
                actor=actor,
                expected_version=seen.version,
            ).version
        else:
            made = counsel.record_decision(
                store,
                key,
                rng.choice(DECISIONS),
                f"Reason {token} given by counsel.",
                actor=actor,
                expected_version=seen.version,
            ).version
        del plan["reading"]
        return {"op": kind, "key": key, "token": token, "version": made}
    if kind == "capture":
        idea = sessions.capture_idea(
            store,
            session_id=plan["session"],
            text=f"Idea {token}",
            author=plan["people"][number],
            actor=actor,
        )
        return {"op": kind, "idea": idea.id, "text": idea.text}
    if kind == "vote":
        # Only this worker votes as its person, so it knows whether its dot is on the idea.
        person = plan["people"][number]
        delta = -1 if plan.setdefault("dot_placed", False) else 1
        sessions.vote(store, plan["idea"], person, actor=actor, delta=delta)
        plan["dot_placed"] = delta == 1
        return {"op": kind, "person": person, "delta": delta}
    assert kind == "import"
    engagement, key = f"SOAK-{token.upper()}", f"FF-2025-{number * 1000 + step + 1:04d}"
    path = folder.with_name(f"import-{token}.yaml")
    path.write_text(
        "format: firstfile/1\n"
        f"engagement:\n  key: {engagement}\n  name: Imported by {token}\n"
        f"disclosures:\n  - key: {key}\n    title: Imported {token}\n"
        "    summary: Read from a file.\n",
        encoding="utf-8",
    )
    report = importer.import_document(store, read_document(path), actor=actor)
    return {
        "op": kind,
        "engagement": engagement,
        "key": key,
        "title": f"Imported {token}",
        "outcomes": dict(report.outcomes),
    }
