"""What home shows, in one read unit of work with plain SQL (storage/home_queries.py): home
is the first screen after every start, and it shows its data without the table classes
being defined first, and from a file that needs nothing done first, before SQLAlchemy is
even loaded (first_look)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from firstfile.domain.sessions import SessionRow
from firstfile.domain.views import HomeSummary
from firstfile.storage.first_look import look_first
from firstfile.storage.home_queries import (
    UNCLAIMED,
    Reader,
    engagement_views,
    people_count,
    recent_rows,
    session_rows,
    status_counts,
    waiting_buffers,
)

if TYPE_CHECKING:
    from firstfile.storage.engine import Store


@dataclass(frozen=True, slots=True)
class HomeData:
    summary: HomeSummary
    sessions: list[SessionRow]
    # The disclosures with autosaved edits of this actor's that were never saved.
    waiting: list[str]


def home_data(store: Store, *, actor: str, recent: int = 10) -> HomeData:
    """The engagements, counts, the recent disclosures, the sessions, and the disclosures
    with edits waiting for actor, read together."""
    with store.plain_read() as db:
        return _read(db, actor, recent)


def first_look(given: str | None, *, actor: str, recent: int = 10) -> HomeData | None:
    """home_data read straight from the SQLite file given names, before the store is open,
    or None when that file gets no first look (storage/first_look.py): a server database,
    a file to be created, upgraded or refused, one that cannot be read."""
    return look_first(given, lambda conn: _read(conn, actor, recent))


def _read(db: Reader, actor: str, recent: int) -> HomeData:
    summary = HomeSummary(tuple(engagement_views(db)), tuple(recent_rows(db, recent)),
                          status_counts(db), people_count(db))
    sessions = session_rows(db)
    waiting = [key for _owner, key, _saved in waiting_buffers(db, (actor, UNCLAIMED)) if key]
    return HomeData(summary, sessions, waiting)
