"""Crockford's Base32 and its check symbol, as the specification defines them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain import crockford
from firstfile.domain.crockford import (
    CheckMismatch,
    CodeError,
    check_symbol,
    decode,
    decode_with_check,
    encode,
    encode_with_check,
)


def test_the_published_alphabets() -> None:
    assert crockford.ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(crockford.ALPHABET) == 32 and not set("ILOU") & set(crockford.ALPHABET)
    # Check symbols for 32-36 are * ~ $ = U.
    assert [check_symbol(v) for v in range(32, 37)] == ["*", "~", "$", "=", "U"]
    assert check_symbol(37) == "0" and check_symbol(31) == "Z"


def test_worked_values() -> None:
    # 32 = 1*32 + 0 -> "10"; 32 mod 37 = 32 -> "*". 36 -> "14", check 36 -> "U".
    assert encode_with_check(32, 2) == "10*"
    assert encode_with_check(36, 2) == "14U"
    # 1234 = 1*1024 + 6*32 + 18 -> "16J"; 1234 mod 37 = 13 -> "D".
    assert encode_with_check(1234, 3) == "16JD"
    assert decode_with_check("16JD") == 1234
    assert encode(0, 3) == "000"
    with pytest.raises(ValueError):
        encode(32, 1)


def test_decoding_forgives_case_look_alikes_and_hyphens() -> None:
    assert decode("1o") == decode("10") == decode("1O") == 32
    assert decode("iI") == decode("lL") == decode("11") == 33
    assert decode("1-6-j") == 1234
    assert decode_with_check("14u") == 36
    assert decode_with_check(" 1-6-j-d ") == 1234


def test_bad_symbols_and_bad_checks_are_told_apart() -> None:
    with pytest.raises(CodeError, match="'U' is not a code symbol"):
        decode("1U")
    with pytest.raises(CodeError, match="is empty"):
        decode("--")
    with pytest.raises(CheckMismatch):
        decode_with_check("16JE")
    with pytest.raises(CodeError, match="cannot be a check symbol"):
        decode_with_check("16J#")
    with pytest.raises(CodeError, match="ours have 4"):
        decode_with_check("16JD0", length=3)


@given(st.integers(min_value=0, max_value=2**60 - 1))
def test_round_trip(value: int) -> None:
    assert decode_with_check(encode_with_check(value, 12)) == value


@given(
    st.integers(min_value=0, max_value=2**60 - 1),
    st.integers(min_value=0, max_value=11),
    st.sampled_from(crockford.ALPHABET),
)
def test_every_wrong_symbol_is_caught(value: int, position: int, symbol: str) -> None:
    code = encode_with_check(value, 12)
    typo = code[:position] + symbol + code[position + 1 :]
    if typo != code:
        with pytest.raises(CheckMismatch):
            decode_with_check(typo)


@given(st.integers(min_value=0, max_value=2**60 - 1), st.integers(min_value=0, max_value=10))
def test_every_swap_of_neighbours_is_caught(value: int, position: int) -> None:
    code = encode_with_check(value, 12)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped != code:
        with pytest.raises(CheckMismatch):
            decode_with_check(swapped)
