"""Turning the plain frozen dataclasses of the domain into what `json.dumps` accepts.

Results travel to the CLI's `--json`, the documents and the screens unchanged; this is the one
place that says how: dataclasses become objects (private fields, named with a leading
underscore, are left out), tuples become lists, dates ISO strings.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any


def json_ready(value: Any) -> Any:
    """value as dicts, lists, strings, numbers, booleans and None, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: json_ready(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [json_ready(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
