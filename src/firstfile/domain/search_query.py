"""Turning what a user types into the search box into safe full-text queries.

User text never reaches the FTS5 MATCH grammar or to_tsquery directly: it is split into
words, each word is quoted, and a trailing '*' on a word asks for a prefix match
(``graph*`` finds "graphene" and "graphite"). All words must match, except that ``OR`` in
capitals between two words lets either match (``heatsink OR heatspreader pad``: one of the
first two, and pad); a lower-case "or" is a word like any other. The databases stem both the
text and the query (FTS5's porter tokenizer, PostgreSQL's `english` configuration), so a
word finds its other forms: "cooling" finds "cooled", "thermal" finds "thermally".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[\w]+\*?", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    prefix: bool
    either: bool = False  # True: OR with the term before it, rather than AND


def parse_query(query: str) -> tuple[Term, ...]:
    """Split a query into terms; punctuation and other operators are ignored, case is
    folded. `OR` between two words makes the second an alternative to the first."""
    terms: list[Term] = []
    either = False
    for raw in _WORD.findall(query):
        if raw == "OR":
            either = bool(terms)  # OR first in the query joins nothing
            continue
        prefix = raw.endswith("*")
        text = raw.rstrip("*").lower()
        if text:
            terms.append(Term(text, prefix, either))
        either = False
    return tuple(terms)


def _groups(terms: tuple[Term, ...]) -> list[list[Term]]:
    """The terms as groups that must all match, each group matched by any of its terms."""
    groups: list[list[Term]] = []
    for term in terms:
        if term.either and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
    return groups


def _joined(parts: list[str], either: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {either} ".join(parts) + ")"


def fts5_match(terms: tuple[Term, ...]) -> str:
    """An FTS5 MATCH expression: every term quoted, prefix terms with a trailing *."""
    groups = []
    for group in _groups(terms):
        parts = ['"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "")
                 for t in group]
        groups.append(_joined(parts, "OR"))
    return " AND ".join(groups)


def pg_tsquery(terms: tuple[Term, ...]) -> str:
    """A to_tsquery expression; terms hold only word characters, so no escapes. The query's
    text-search configuration stems each word as the stored vectors were stemmed."""
    groups = []
    for group in _groups(terms):
        parts = [re.sub(r"\W", "", t.text) + (":*" if t.prefix else "") for t in group]
        parts = [p for p in parts if p.strip(":*")]
        if parts:
            groups.append(_joined(parts, "|"))
    return " & ".join(groups)
