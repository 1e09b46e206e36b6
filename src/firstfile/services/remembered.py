"""Small choices the app remembers between runs: the engagement an invention was last logged
on, per database, so quick capture offers it again after a restart.

A JSON file in the user's state folder (Settings.state_dir). It holds defaults, never
records: a missing, unreadable or damaged file means nothing is remembered, and failing to
write it is not an error. Standard library only; called from workers, never the event loop.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

FILE_NAME = "remembered.json"
KEPT = 50  # databases remembered; the oldest are forgotten first


def last_engagement(state_dir: Path | None, database: str) -> str:
    """The engagement key last used for quick capture on database, "" when none is known."""
    if state_dir is None:
        return ""
    value = _read(state_dir).get(_name(database), "")
    return value if isinstance(value, str) else ""


def remember_engagement(state_dir: Path | None, database: str, key: str) -> None:
    """Remember key as the engagement last used on database (atomically; errors ignored)."""
    if state_dir is None or not key:
        return
    database = _name(database)
    known = {name: value for name, value in _read(state_dir).items() if name != database}
    known[database] = key  # last, as the newest
    kept = dict(list(known.items())[-KEPT:])
    try:
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=state_dir, prefix=".remembered-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"last_engagement": kept}, out)
        os.replace(temporary, state_dir / FILE_NAME)
    except OSError:
        return  # a default not kept; nothing else depends on it


def _name(database: str) -> str:
    """The database as the file names it: a digest of its URL, which may hold a password."""
    return hashlib.sha256(database.encode("utf-8")).hexdigest()[:32]


def _read(state_dir: Path) -> dict[str, object]:
    try:
        data = json.loads((state_dir / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = data.get("last_engagement") if isinstance(data, dict) else None
    return dict(found) if isinstance(found, dict) else {}
