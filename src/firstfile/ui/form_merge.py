"""Settling a save that clashed with someone else's: what differs, and the merged form.

The editor holds three forms (field name -> raw value, as in ui/screens/editor.py): the one it
opened (base), the user's (mine) and the one stored now (theirs). Every field where mine and
theirs differ is listed with both values and a suggestion: theirs when only they changed it,
mine when only the user did or both did (both-changed fields are marked, so the user looks
at them). Plain data: the dialog shows it, the editor saves the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MINE = "mine"
THEIRS = "theirs"
BRIEF_CHARS = 300  # a side of a long text shown in the dialog


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One field on which the user's form and the stored record disagree."""

    name: str
    label: str
    mine: str  # both sides as readable text
    theirs: str
    suggested: str  # MINE or THEIRS
    both_changed: bool  # each side changed it since the version the user opened


def differences(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any],
    labels: Sequence[tuple[str, str]],
) -> list[FieldDifference]:
    """The fields (in the order of labels: (name, label)) where mine and theirs differ."""
    found: list[FieldDifference] = []
    for name, label in labels:
        ours, other, before = mine.get(name), theirs.get(name), base.get(name)
        if ours == other:
            continue
        they_changed, we_changed = other != before, ours != before
        found.append(FieldDifference(
            name=name, label=label, mine=shown(ours), theirs=shown(other),
            suggested=THEIRS if they_changed and not we_changed else MINE,
            both_changed=they_changed and we_changed,
        ))
    return found


def merged(
    mine: Mapping[str, Any], theirs: Mapping[str, Any], use: Mapping[str, str]
) -> dict[str, Any]:
    """mine, with each field whose use is THEIRS taken from theirs."""
    result = dict(mine)
    for name, side in use.items():
        if side == THEIRS:
            result[name] = theirs.get(name)
    return result


def shown(value: Any) -> str:
    """A form value as text for the dialog (people as "key (role, share%)")."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        parts = []
        for entry in value:
            if isinstance(entry, dict):
                share = str(entry.get("contribution", "")).strip()
                detail = str(entry.get("role", "")) + (f", {share}%" if share else "")
                parts.append(f"{entry.get('person', '')} ({detail})")
            else:
                parts.append(str(entry))
        return ", ".join(parts)
    return str(value)


def brief(text: str, limit: int = BRIEF_CHARS) -> str:
    """text cut to limit characters, saying how much more there is."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters)"
