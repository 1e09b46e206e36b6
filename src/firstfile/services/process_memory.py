"""Memory a long import gives back to the system as it goes.

An import of many files reads, checks and puts aside one big document at a time
(services/checked_documents.py); each one's memory should be free for the next once it is
put aside. Two things, the C library's and the interpreter's, kept it (docs/PERFORMANCE.md,
"Memory"):

- glibc serves an allocation of 128 KB or more from a memory map of its own, returned to the
  system when freed, but freeing such a map raises that threshold to the map's size, up to
  32 MB. Once a 30 MB file's bytes are freed, every buffer under 30 MB (the next file's
  text, the pickler's table of a million objects) comes from the heap, which cannot shrink
  past whatever is allocated above it. Fixing the threshold keeps big buffers in maps.
- The interpreter keeps freed tuples, lists, dicts and floats on free lists for reuse. The
  few thousand left on them when a document is let go of were among its values, each in a
  different block of its memory, and keep those blocks (some 35 MB for 10,000
  disclosures) from being given back; a full collection empties the lists.

What is free inside glibc's heap after that is handed back too (malloc_trim), so a document
just let go of does not stay in the process's resident memory beside the next.

While a document is checked and written, the interpreter's cyclic collector would walk it
again and again: each full collection visits every object alive, the document's hundreds of
thousands among them, though none of them can become garbage before the document is let go
of. `held_still` sets what is alive aside from the collector for that time
(docs/PERFORMANCE.md, "Rows handed to the driver").
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# mallopt's parameter for the threshold (glibc's malloc.h); setting it also stops glibc from
# moving the threshold (and the heap's trim threshold) by itself.
_M_MMAP_THRESHOLD = -3
_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value


def keep_big_buffers_apart() -> None:
    """Serve every allocation of 128 KB or more from its own memory map from now on, in
    this process (glibc on Linux; elsewhere nothing is changed)."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _THRESHOLD_BYTES)


def give_back_after_document() -> None:
    """Call once a big document is let go of: empty the free lists (and collect what is in
    cycles), so the memory it held is freed whole, then hand glibc's free pages back to the
    system."""
    gc.collect()
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)


@contextmanager
def held_still() -> Iterator[None]:
    """Keep the objects alive now out of the cyclic collector's passes until the block ends
    (gc.freeze), then hand them back to it (gc.unfreeze). Objects made inside the block are
    collected as always.

    When objects are frozen already, by a block around this one or by a program that froze
    its start-up on purpose (the app does), nothing is done: unfreezing at the end would hand
    back theirs too."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _glibc(name: str) -> Any:
    """The C library's function name on Linux, or None (another system, or a C library
    without it, which keeps its own policy)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
