"""Database and disk errors in words: what happened and what to do about it.

A driver's exception ("(sqlite3.OperationalError) database is locked") means nothing to the
person at the keyboard; explain() says it as a sentence, so the command line and the screens
can show it instead of a traceback. The transaction that failed was rolled back: the
sentences never claim more than that.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError

from firstfile.storage.engine import busy_timeout_seconds

# Said by the command line here and by the screens through engine.unavailable().
BUSY_SAYING = ("the database is busy: another program has been writing to it for more than "
               "{timeout} seconds (a long import, or a program that stopped half-way); try "
               "again when it is done")

# Fragments of SQLite's and PostgreSQL's messages, and what to say for each.
_SAYINGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("database is locked", "database table is locked"), BUSY_SAYING),
    (("database or disk is full",),
     "the disk is full: free some space and run the command again"),
    (("disk i/o error",),
     "the disk refused the write (it may be full, over a size limit, or failing): free some "
     "space or check the disk, then run the command again"),
    (("readonly database", "read-only"),
     "the database cannot be written: the file or its folder is read-only for you"),
    (("unable to open database file",),
     "the database file cannot be opened: check that its folder exists and is yours"),
    (("database disk image is malformed", "file is not a database"),
     "the database file is damaged: restore it from a backup"),
    (("value too long", "string data right truncation"),
     "a value is longer than the database keeps: shorten it"),
    (("could not connect", "connection refused", "server closed the connection",
      "terminating connection", "connection timeout", "consuming input failed"),
     "the connection to the database server was lost: check that it is running and "
     "reachable, then run the command again"),
    (("deadlock detected", "could not serialize access"),
     "another user changed the same records at the same moment: run the command again"),
)

_DISK_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EFBIG: "the file would be larger than this system allows",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def explain(exc: BaseException) -> str | None:
    """A sentence for a database or disk error a person can act on; None for anything else.

    Database errors that match none of the known causes still get a sentence (the driver's
    first line), so that no command ends in a traceback for them.
    """
    if isinstance(exc, DBAPIError):
        text = str(exc.orig if exc.orig is not None else exc).lower()
        for fragments, saying in _SAYINGS:
            if any(fragment in text for fragment in fragments):
                return saying.format(timeout=busy_timeout_seconds())
        first = str(exc.orig or exc).strip().splitlines()
        return f"the database refused the change: {first[0] if first else type(exc).__name__}"
    if isinstance(exc, OSError) and exc.errno is not None:
        what = _DISK_ERRORS.get(exc.errno, exc.strerror or type(exc).__name__)
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"{what}{where}: free some space and run the command again"
        return f"{what}{where}"
    return None
