"""OR in a search query: parsed into alternatives, written safely for FTS5 and PostgreSQL."""

from __future__ import annotations

from firstfile.domain.search_query import Term, fts5_match, parse_query, pg_tsquery


def test_or_makes_alternatives_and_everything_else_is_and() -> None:
    terms = parse_query("pad OR foil* thermal")
    assert terms == (Term("pad", False), Term("foil", True, True), Term("thermal", False))
    assert fts5_match(terms) == '("pad" OR "foil"*) AND "thermal"'
    assert pg_tsquery(terms) == "(pad | foil:*) & thermal"


def test_or_at_the_edges_or_in_lower_case_is_not_an_operator() -> None:
    assert parse_query("OR pad OR") == (Term("pad", False),)
    assert parse_query("pad or foil") == (Term("pad", False), Term("or", False),
                                          Term("foil", False))
    assert fts5_match(parse_query('x" OR NEAR("y')) == '("x" OR "near") AND "y"'
