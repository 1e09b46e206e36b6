"""Turning what a user types into the search box into safe full-text queries.

User text never reaches the FTS5 MATCH grammar or to_tsquery directly: it is split into
words, each word is quoted, and a trailing '*' on a word asks for a prefix match
(``graph*`` finds "graphene" and "graphite"). All words must match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[\w]+\*?", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    prefix: bool


def parse_query(query: str) -> tuple[Term, ...]:
    """Split a query into terms; punctuation and operators are ignored, case is folded."""
    terms: list[Term] = []
    for raw in _WORD.findall(query):
        prefix = raw.endswith("*")
        text = raw.rstrip("*").lower()
        if text:
            terms.append(Term(text, prefix))
    return tuple(terms)


def fts5_match(terms: tuple[Term, ...]) -> str:
    """An FTS5 MATCH expression: every term quoted, prefix terms with a trailing *."""
    parts = []
    for term in terms:
        quoted = '"' + term.text.replace('"', '""') + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def pg_tsquery(terms: tuple[Term, ...]) -> str:
    """A to_tsquery('simple', ...) expression; terms hold only word characters, so no escapes."""
    parts = []
    for term in terms:
        safe = re.sub(r"\W", "", term.text)
        if safe:
            parts.append(safe + (":*" if term.prefix else ""))
    return " & ".join(parts)
