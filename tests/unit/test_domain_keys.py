"""Keys are ASCII and whole: another script's digits or letters, or a trailing newline, make
another text that must not be read as a key it resembles."""

from __future__ import annotations

import pytest

from firstfile.domain.keys import disclosure_key, is_valid_record_key, parse_disclosure_key

FULLWIDTH_0001 = "\uff10\uff10\uff10\uff11"


def test_a_disclosure_key_reads_as_its_year_and_number() -> None:
    assert parse_disclosure_key("FF-2026-0001") == (2026, 1)
    assert parse_disclosure_key("FF-2026-123456789") == (2026, 123456789)
    assert parse_disclosure_key(disclosure_key(2027, 42)) == (2027, 42)


@pytest.mark.parametrize("key", [
    f"FF-2026-{FULLWIDTH_0001}",  # fullwidth digits
    "FF-\u0662\u0660\u0662\u0666-0001",  # Arabic-Indic digits for the year
    "FF-2026-0001\n",
    "ff-2026-0001",
    "FF-2026-001",
    "FF-2026-1234567890",
    " FF-2026-0001",
])
def test_what_only_resembles_a_disclosure_key_is_not_one(key: str) -> None:
    assert parse_disclosure_key(key) is None


def test_record_keys_are_ascii_letters_digits_dots_dashes_and_underscores() -> None:
    assert is_valid_record_key("sz-pcba")
    assert is_valid_record_key("Acme_2026.v2")
    assert is_valid_record_key("a" * 64)


@pytest.mark.parametrize("key", [
    "\u212aelvin",  # the Kelvin sign, which IGNORECASE would fold to k
    "\u017fz-pcba",  # the long s, folded to s
    "sz-pcba\n",
    "a" * 65,
    "-leading",
    "with space",
    "a/b",
    "",
])
def test_other_record_keys_are_refused(key: str) -> None:
    assert not is_valid_record_key(key)
