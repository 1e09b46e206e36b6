"""Making a file's raw text readable before it is parsed, without losing anything silently.

YAML parsers refuse the whole file when it holds a single raw control character (an ESC
pasted from a terminal, a NUL from a broken export), and JSON refuses them inside strings.
firstfile's rule for user text is to replace such characters visibly (domain/text.py), so
the file is read with each one replaced by the same stand-in, and a warning names the line.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from firstfile.domain.text import stand_in
from firstfile.interchange.problems import Problems

# What YAML 1.1 accepts in a stream (PyYAML's Reader.NON_PRINTABLE, inverted).
_UNREADABLE_YAML = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# JSON refuses only raw C0 controls inside strings; lone surrogates cannot survive decoding
# but a caller's str may hold them.
_UNREADABLE_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_WARNED_ONE_BY_ONE = 20


def make_readable(text: str, problems: Problems, *, json: bool = False) -> str:
    """text with every character the parser refuses replaced visibly, each replacement warned.

    json selects JSON's rule (which, unlike YAML, accepts C1 controls and DEL as they are).
    """
    pattern = _UNREADABLE_JSON if json else _UNREADABLE_YAML
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    for match in matches[:_WARNED_ONE_BY_ONE]:
        char = match.group(0)
        line = bisect_right(line_starts, match.start())
        problems.warn(
            line, "", f"character U+{ord(char):04X} replaced with {stand_in(char)!r}"
        )
    if len(matches) > _WARNED_ONE_BY_ONE:
        problems.warn(
            bisect_right(line_starts, matches[_WARNED_ONE_BY_ONE].start()),
            "",
            f"{len(matches) - _WARNED_ONE_BY_ONE} more unreadable characters replaced",
        )
    return pattern.sub(lambda m: stand_in(m.group(0)), text)
