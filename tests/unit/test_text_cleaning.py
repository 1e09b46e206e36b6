"""Text that hides or reorders what it says is stored and shown visibly, class by class."""

from __future__ import annotations

import pytest

from firstfile.domain.text import clean_line, clean_text, has_unstorable, shown

# One character of each class, and the stand-in it becomes.
CLASSES = {
    "bidi override": ("\u202e", "<U+202E>"),
    "bidi embedding": ("\u202b", "<U+202B>"),
    "bidi isolate": ("\u2067", "<U+2067>"),
    "zero-width space": ("\u200b", "<U+200B>"),
    "word joiner": ("\u2060", "<U+2060>"),
    "zero-width no-break space": ("\ufeff", "<U+FEFF>"),
    "C1 control (CSI)": ("\x9b", "<U+009B>"),
    "C1 control (NEL)": ("\x85", "<U+0085>"),
}


@pytest.mark.parametrize(("char", "visible"), CLASSES.values(), ids=CLASSES.keys())
def test_each_class_is_replaced_visibly_in_stored_text(char: str, visible: str) -> None:
    assert clean_text(f"invoice{char}cod.exe\nsecond") == f"invoice{visible}cod.exe\nsecond"
    assert clean_line(f" pay{char}roll ") == f"pay{visible}roll"
    assert has_unstorable(char)
    assert clean_text(clean_text(char)) == clean_text(char) == visible


@pytest.mark.parametrize(("char", "visible"), CLASSES.values(), ids=CLASSES.keys())
def test_each_class_is_replaced_visibly_in_messages(char: str, visible: str) -> None:
    assert shown(f"acme{char}.yaml:3: bad") == f"acme{visible}.yaml:3: bad"


def test_messages_keep_their_lines_and_show_every_other_control() -> None:
    message = "firstfile: nothing was imported:\n  \x1b]0;owned\x07.yaml:1: bad\r\tend"
    assert shown(message) == (
        "firstfile: nothing was imported:\n  \u241b]0;owned\u2407.yaml:1: bad\u240d\u2409end")


def test_right_to_left_text_joiners_and_marks_are_kept() -> None:
    persian = "مدیریت\u200cباتری"  # ZWNJ belongs in Persian words
    family = "👨\u200d👩\u200d👧"  # ZWJ builds one emoji
    mixed = "part \u200fא-12\u200e ok"  # marks place a number in right-to-left text
    for text in (persian, family, mixed, "李伟 👷", "Ünïcödé"):
        assert clean_text(text) == text
        assert shown(text) == text
