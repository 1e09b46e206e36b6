"""Cleaning user text so that every document format can store it, visibly.

Word's XML cannot hold most C0 control characters, the non-characters U+FFFE/U+FFFF or lone
surrogates; python-docx refuses them with an error and docxtpl drops them without a word.
We replace each with a visible stand-in instead: a control character becomes its Unicode
"control picture" (NUL -> U+2400, ESC -> U+241B), anything else unstorable becomes U+FFFD.
Nothing is dropped silently and nothing crashes an export.
"""

from __future__ import annotations

import re

_KEEP = {"\t", "\n", "\r"}
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _stand_in(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture for that C0 code
    if code == 0x7F:
        return "\u2421"  # SYMBOL FOR DELETE
    return "\ufffd"


def clean_text(value: str) -> str:
    """Return value with every character XML 1.0 cannot store replaced by a visible mark."""
    if not value:
        return value
    # \r\n and lone \r become \n so documents and diffs agree on line ends.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSTORABLE.sub(_stand_in, value)


def clean_line(value: str) -> str:
    """clean_text for one-line fields (titles, names): line breaks become spaces, ends trimmed."""
    return " ".join(clean_text(value).split("\n")).strip()


def has_unstorable(value: str) -> bool:
    """True when clean_text would change something other than line endings."""
    return bool(_UNSTORABLE.search(value))
