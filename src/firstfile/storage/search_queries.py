"""Full-text search over disclosures, with plain SQL: the list screen's search box and
`firstfile search` run the same statements, on an ORM unit of work or a plain read alike, and
this module defines no table class, so the command loads neither SQLModel nor the tables
(docs/PERFORMANCE.md, "The command line without the table classes").

SQLite ranks with FTS5's bm25 (the title weighing most), PostgreSQL with ts_rank over the
stored search vectors. Either way only the newest RANK_WINDOW matches are scored: bm25 over a
query that matches nearly every row costs ~170 ms on 100k rows, so ranking is capped to keep
the search box instant. The query string given to either is built from parsed, quoted terms,
never from the raw text.
"""

from __future__ import annotations

from typing import Any

from firstfile.domain.search_query import fts5_match, parse_query, pg_tsquery
from firstfile.domain.views import DisclosureRow
from firstfile.storage.disclosure_views import ListFilter, Reader, filter_clauses, typed
from firstfile.storage.stored_values import disclosure_row

RANK_WINDOW = 500
# PostgreSQL stems queries with the configuration the stored search vectors were made with
# (migration 0014_search_stemming), so a word finds its other forms.
TEXT_SEARCH_CONFIG = "english"

_SQLITE_MATCHES = (
    "SELECT rowid AS id, bm25(disclosure_fts, 10.0, 5.0, 1.0, 1.0, 1.0, 1.0, 1.0) AS score "
    "FROM disclosure_fts WHERE disclosure_fts MATCH :match ORDER BY rowid DESC LIMIT :window")
_POSTGRESQL_MATCHES = (
    "SELECT id, ts_rank(search_vector, to_tsquery(CAST(:config AS regconfig), :match)) "
    "AS score FROM disclosure "
    "WHERE search_vector @@ to_tsquery(CAST(:config AS regconfig), :match) "
    "ORDER BY id DESC LIMIT :window")
# What a list row shows (read into Python types by disclosure_row), the match's score last.
_ROWS = ("SELECT d.id, d.key, d.title, d.status, e.key AS engagement_key, d.joint, "
         "d.updated_at, d.vendor_invention, m.score "
         "FROM disclosure d JOIN ({matches}) m ON m.id = d.id "
         "LEFT OUTER JOIN engagement e ON e.id = d.engagement_id")


def search_rows(*, db: Reader, query: str, filt: ListFilter, limit: int = 50
                ) -> list[DisclosureRow]:
    """Disclosures matching every word of query (or another form of it: "thermal" finds
    "thermally"), best first, the newest first among equals; `word*` matches a prefix.
    filt's deleted, engagement and status choices apply (its keys do not, as for a page)."""
    terms = parse_query(query)
    if not terms:
        return []
    if _dialect_name(db) == "sqlite":
        matches, best_first = _SQLITE_MATCHES, "m.score ASC"  # bm25: lower is better
        given: dict[str, Any] = {"match": fts5_match(terms)}
    else:
        matches, best_first = _POSTGRESQL_MATCHES, "m.score DESC"
        given = {"match": pg_tsquery(terms), "config": TEXT_SEARCH_CONFIG}
    where, chosen = filter_clauses(filt)
    given.update(chosen)
    sql = (_ROWS.format(matches=matches)
           + (" WHERE " + " AND ".join(where) if where else "")
           + f" ORDER BY {best_first}, d.id DESC LIMIT :limit")
    rows = db.execute(typed(sql), {**given, "window": RANK_WINDOW, "limit": limit})
    return [disclosure_row(r, rank=float(r[-1])) for r in rows]


def _dialect_name(db: Reader) -> str:
    """The database's kind, from an ORM Session (its bind) or a core Connection."""
    bind = db.get_bind() if hasattr(db, "get_bind") else db
    return str(bind.dialect.name)
