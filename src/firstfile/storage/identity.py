"""Who is acting, and when, as the audit trail records them.

On PostgreSQL both come from the server: who is the database role of the connection
(`current_user`), when is the server's clock (`clock_timestamp()`), so neither depends on
anything the client says. On SQLite there is no server: who is the operating-system account
running firstfile (from the process's user id, not from environment variables), when is this
machine's clock. `$FIRSTFILE_USER` only chooses the name shown beside it (settings.py).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import text
from sqlmodel import Session


@cache
def os_account() -> str:
    """The operating-system account running this process."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # Windows, or no passwd entry (a bare container)
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def is_postgresql(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def actor_and_time(db: Session) -> tuple[str, datetime]:
    """Who acts in db's transaction and the time now, from the server where there is one."""
    if is_postgresql(db):
        who, now = db.execute(text("SELECT current_user, clock_timestamp()")).one()
        return str(who), now
    return os_account(), datetime.now(UTC)


def current_actor(db: Session) -> str:
    """Who acts in db's transaction (see actor_and_time)."""
    if is_postgresql(db):
        return str(db.execute(text("SELECT current_user")).scalar_one())
    return os_account()
