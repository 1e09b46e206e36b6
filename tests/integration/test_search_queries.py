"""Full-text search with plain SQL (storage/search_queries.py) finds what the statement built
from the table classes found before it, in the same order with the same scores, under every
filter, on SQLite and PostgreSQL; and `firstfile search` loads no table class."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from sqlalchemy import ColumnClause, Float, Integer, column, func, literal_column, select, text

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.search_query import fts5_match, parse_query, pg_tsquery
from firstfile.domain.views import DisclosureRow
from firstfile.services import disclosures
from firstfile.services.disclosure_lists import search
from firstfile.storage.disclosure_queries import _filtered, _row_columns
from firstfile.storage.disclosure_views import ListFilter
from firstfile.storage.engine import Store
from firstfile.storage.search_queries import RANK_WINDOW, search_rows
from firstfile.storage.stored_values import disclosure_row
from firstfile.storage.tables import Disclosure
from tests.integration.portfolio import build_portfolio

WORDS = ["cell", "cells", "calibration", "balancing resistors", "press-fit OR tracer",
         "volt*", "cell*", "sensor", "thermal", "thermally", "nothing-like-this", "ü",
         "loose idea", "copper", "CO2", "calibrate", "the"]
FILTERS = [ListFilter(), ListFilter(include_deleted=True), ListFilter(deleted_only=True),
           ListFilter(status="draft"), ListFilter(status="submitted"),
           ListFilter(engagement_key="bms48-shenzhen"),
           ListFilter(engagement_key="aq7-second-cm", status="draft"),
           ListFilter(engagement_key="no-such-engagement")]


def orm_search(db: Any, query: str, filt: ListFilter, limit: int) -> list[DisclosureRow]:
    """The statement search was built as from the table classes, kept here to hold the plain
    one to it."""
    terms = parse_query(query)
    if not terms:
        return []
    if db.get_bind().dialect.name == "sqlite":
        candidates = text(
            "SELECT rowid AS id, bm25(disclosure_fts, 10.0, 5.0, 1.0, 1.0, 1.0, 1.0, 1.0) "
            "AS score FROM disclosure_fts WHERE disclosure_fts MATCH :match "
            "ORDER BY rowid DESC LIMIT :window"
        ).bindparams(match=fts5_match(terms), window=RANK_WINDOW)
        sub = candidates.columns(column("id", Integer), column("score", Float)).subquery("m")
        score = sub.c.score.asc()
    else:
        tsq = func.to_tsquery("english", pg_tsquery(terms))
        vector: ColumnClause[Any] = literal_column("disclosure.search_vector")
        sub = (select(Disclosure.id.label("id"),  # type: ignore[union-attr]
                      func.ts_rank(vector, tsq).label("score"))
               .where(vector.op("@@")(tsq))
               .order_by(Disclosure.id.desc())  # type: ignore[union-attr]
               .limit(RANK_WINDOW).subquery("m"))
        score = sub.c.score.desc()
    stmt = select(*_row_columns(), sub.c.score).join(sub, sub.c.id == Disclosure.id)
    stmt = _filtered(stmt, filt).order_by(score, Disclosure.id.desc()).limit(limit)  # type: ignore[union-attr]
    return [disclosure_row(r[:-1], rank=float(r[-1])) for r in db.execute(stmt)]


@pytest.fixture
def portfolio(store: Store) -> Store:
    build_portfolio(store)
    # Equal scores: two disclosures that differ only in their keys, so the newest goes first.
    for _ in range(2):
        disclosures.create_disclosure(
            store, DisclosureDraft(title="Twin copper tracer", summary="Twin copper tracer.",
                                   submitter="mhartmann", conception_date=date(2026, 5, 1),
                                   inventors=(InventorEntry("mhartmann"),)),
            actor="tester")
    return store


def test_plain_search_finds_what_the_orm_statement_found(portfolio: Store) -> None:
    found_any = 0
    for query in WORDS:
        for filt in FILTERS:
            for limit in (50, 2):
                with portfolio.read() as db:
                    expected = orm_search(db, query, filt, limit)
                    in_a_unit_of_work = search_rows(db=db, query=query, filt=filt, limit=limit)
                plain = search(portfolio, query, filt, limit=limit)
                assert plain == expected == in_a_unit_of_work, (query, filt, limit)
                assert all(row.updated_at.utcoffset() is not None for row in plain)
                found_any += bool(plain)
    assert found_any > 40
    twins = search(portfolio, "twin copper")
    assert len(twins) == 2 and twins[0].rank == twins[1].rank and twins[0].id > twins[1].id
    assert [r.key for r in disclosures.search(portfolio, "twin copper")] == \
        [r.key for r in twins]


def test_search_text_is_data_never_a_query(portfolio: Store) -> None:
    before = len(disclosures.all_views(portfolio, ListFilter(include_deleted=True)))
    for query in ['" OR 1=1 --', "cell'; DROP TABLE disclosure; --", "NEAR(a b)", "*",
                  "^cell", "cell AND", "title:cell", "(", "\x00", "'", "%s", ":limit"]:
        with portfolio.read() as db:
            expected = orm_search(db, query, ListFilter(), 50)
        assert search(portfolio, query) == expected, query
    assert len(disclosures.all_views(portfolio, ListFilter(include_deleted=True))) == before


def test_the_search_command_loads_no_table_class(portfolio: Store) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "firstfile", "search", "cell", "--json",
         "--db", portfolio.url],
        capture_output=True, text=True, timeout=120, check=True)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "sqlalchemy" in loaded  # the measurement sees the modules the command loads
    assert not {"sqlmodel", "firstfile.storage.tables", "alembic", "pydantic"} & loaded
    keys = [row.key for row in search(portfolio, "cell")]
    assert [view["key"] for view in json.loads(result.stdout)] == keys
    assert len(keys) > 1
