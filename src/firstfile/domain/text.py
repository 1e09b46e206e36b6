"""Cleaning user text so that every document format, and every reader, sees what is there.

Word's XML cannot hold most C0 control characters, the non-characters U+FFFE/U+FFFF or lone
surrogates; python-docx refuses them with an error and docxtpl drops them without a word.
Other characters are stored fine but deceive the reader: the C1 controls (U+0080-U+009F,
which some terminals obey as escape sequences), the bidirectional overrides, embeddings and
isolates that make text display in another order than it is stored ("Trojan Source"), and
the zero-width spaces and joiners that make two different names look the same.

We replace each with a visible stand-in instead: a C0 control becomes its Unicode "control
picture" (NUL -> U+2400, ESC -> U+241B), DEL U+2421, a deceptive character its code point in
angle brackets (<U+202E>), anything else unstorable U+FFFD. Nothing is dropped silently and
nothing crashes an export. The joiners U+200C and U+200D and the marks U+200E, U+200F and
U+061C stay: Persian, the Indic scripts, emoji sequences and mixed right-to-left text need
them, and none of them reorders or hides text on its own.

shown() does the same for messages printed to a terminal or a screen, which quote file
names, keys and values as they came in.
"""

from __future__ import annotations

import re

_KEEP = {"\t", "\n", "\r"}
# C1 controls; bidi embeddings and overrides (LRE RLE PDF LRO RLO); bidi isolates (LRI RLI
# FSI PDI); zero-width and invisible characters: zero-width space, word joiner and the
# invisible operators, zero-width no-break space (a BOM inside text), the Mongolian vowel
# separator (zero-width in current Unicode), and the interlinear annotation marks.
_DECEPTIVE = "\x80-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff\u180e\ufff9-\ufffb"
_UNSTORABLE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff{_DECEPTIVE}]"
)
# In a message every C0 control but the line break is shown, carriage return and tab too.
_UNSHOWABLE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff{_DECEPTIVE}]")


def stand_in(char: str) -> str:
    """The visible stand-in of one character that clean_text or shown replaces."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture for that C0 code
    if code == 0x7F:
        return "\u2421"  # SYMBOL FOR DELETE
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return "\ufffd"
    return f"<U+{code:04X}>"


def _stand_in(match: re.Match[str]) -> str:
    return stand_in(match.group(0))


def clean_text(value: str) -> str:
    """Return value with every character XML 1.0 cannot store, and every character that
    hides or reorders text, replaced by a visible mark."""
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


def shown(message: str) -> str:
    """message as it may be printed: line breaks kept, every other control character and
    every deceptive one visible (so an ESC ] 0 ; ... BEL in a file name sets no title)."""
    if not message:
        return message
    return _UNSHOWABLE.sub(_stand_in, message)


# A line that starts a list item ("- ", "* ", "• ", "1. ", "2) ") begins its own paragraph,
# so a list typed one item a line is not run together into one sentence.
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022\u2023\u25e6]|\d{1,3}[.)])[ \t]")


def prose(value: str) -> str:
    """Text as documents show it: one paragraph a line, joined by '\\n'.

    People type into a text area and wrap lines where the box ends or where an e-mail they
    pasted from did; a single line break inside a paragraph is therefore a space, and a blank
    line (or a list item) starts a new paragraph. Runs of blank lines are one break. A
    paragraph keeps the white space it starts with (an indent); white space where lines are
    joined, and at its end, goes.
    """
    if not value:
        return value
    paragraphs: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            first, *rest = current
            paragraphs.append(" ".join([first.rstrip(), *(part.strip() for part in rest)]))
            current.clear()

    for line in value.split("\n"):
        if not line.strip():
            close()
            continue
        if current and _LIST_ITEM.match(line):
            close()
        current.append(line)
    close()
    return "\n".join(paragraphs)


def clean_prose(value: str) -> str:
    """clean_text, then prose: user text cleaned visibly and laid out as paragraphs."""
    return prose(clean_text(value))
