"""Whole disclosures read for a list or a program (`disclosures list --json`, `search
--json`), and the search itself: one read unit of work with plain SQL each, so a command that
only reads them loads neither SQLModel nor the table classes (storage/disclosure_views.py,
storage/search_queries.py)."""

from __future__ import annotations

from firstfile.domain.views import DisclosureRow, DisclosureView
from firstfile.services.errors import require_engagement_key, unknown_disclosure
from firstfile.storage.disclosure_views import ListFilter, listed_views, views_by_key
from firstfile.storage.engine import Store
from firstfile.storage.search_queries import search_rows


def all_views(store: Store, filt: ListFilter | None = None) -> list[DisclosureView]:
    """Every disclosure matching filt, oldest first, as full views. Raises NotFound when
    filt names an engagement that does not exist."""
    filt = filt or ListFilter()
    with store.plain_read() as db:
        require_engagement_key(db, filt.engagement_key)
        return listed_views(db, filt)


def views_for(store: Store, keys: list[str]) -> list[DisclosureView]:
    """Full views for keys, in the given order. Raises NotFound for the first key that
    names no disclosure."""
    with store.plain_read() as db:
        found = views_by_key(db, keys)
    missing = next((key for key in keys if key not in found), None)
    if missing is not None:
        raise unknown_disclosure(missing)
    return [found[key] for key in keys]


def search(
    store: Store, query: str, filt: ListFilter | None = None, *, limit: int = 50
) -> list[DisclosureRow]:
    """The list rows of the disclosures matching query, best first (search_rows)."""
    with store.plain_read() as db:
        return search_rows(db=db, query=query, filt=filt or ListFilter(), limit=limit)
