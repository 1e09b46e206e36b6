"""Building many objects that hold no reference cycles, without the cycle collector.

Reading a 10,000-disclosure file makes about a million small objects (nodes, strings,
frozen dataclasses), none of which refer back to another in a loop, so reference counting
alone frees every one of them. Python's cycle collector still runs every 700 new objects and,
as they survive, scans all of them again in its older generations: a third of the reading
time, and two thirds of taking a pickled document back. It is paused while such objects are
made and resumed afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def acyclic_objects() -> Iterator[None]:
    """Pause the cycle collector for the block, if it was running; the process-wide switch
    is put back as it was (a block in another thread that paused it first resumes it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
