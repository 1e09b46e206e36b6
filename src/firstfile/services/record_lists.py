"""Engagements and sessions listed with plain SQL (storage/home_queries.py), for every
caller: the screens, home's pickers and the command line. The modules of their other use
cases define the table classes as they are imported, so a command that only lists
(`engagements list`, `sessions list`) reads through this one and loads neither SQLModel nor
the tables, as `disclosures list` does not (services/disclosure_lists.py)."""

from __future__ import annotations

from firstfile.domain.sessions import SessionRow
from firstfile.domain.views import EngagementView
from firstfile.services.errors import require_engagement_key
from firstfile.storage.engine import Store
from firstfile.storage.home_queries import engagement_views, session_rows


def list_engagements(store: Store) -> list[EngagementView]:
    """Every engagement by key, with its live disclosures counted and its vendors."""
    with store.plain_read() as db:
        return engagement_views(db)


def list_sessions(store: Store, *, engagement_key: str | None = None) -> list[SessionRow]:
    """Every session (of one engagement), newest first, with its counts. Raises NotFound
    when engagement_key names no engagement."""
    with store.plain_read() as db:
        require_engagement_key(db, engagement_key)
        return session_rows(db, engagement_key)
