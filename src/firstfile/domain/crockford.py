"""Crockford's Base32, with its check symbol, for codes people read off a board and type.

Implemented as Douglas Crockford specifies it (https://www.crockford.com/base32.html):

- Encoding symbols, values 0-31: ``0123456789ABCDEFGHJKMNPQRSTVWXYZ`` (no I, L, O, U: I and L
  look like 1, O like 0, and U is left out "to avoid accidental obscenity").
- Decoding is forgiving: lower case is accepted, ``I``/``i``/``L``/``l`` read as 1, ``O``/``o``
  as 0, and hyphens, which may be inserted anywhere for readability, are ignored.
- An optional check symbol follows the number: the number's value modulo 37, written with the
  32 symbols above followed by ``*~$=U`` for the values 32-36. 37 is prime and larger than
  32, so a wrong symbol or two neighbouring symbols swapped always change the check.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
CHECK_MODULUS = 37
BITS_PER_SYMBOL = 5

_VALUES: dict[str, int] = {symbol: value for value, symbol in enumerate(ALPHABET)}
_VALUES.update({symbol.lower(): value for symbol, value in list(_VALUES.items())})
_VALUES.update({"O": 0, "o": 0, "I": 1, "i": 1, "L": 1, "l": 1})
_CHECK_VALUES: dict[str, int] = dict(_VALUES)
_CHECK_VALUES.update({symbol: 32 + n for n, symbol in enumerate("*~$=U")})
_CHECK_VALUES["u"] = 36


class CodeError(ValueError):
    """Text that is not a valid code; the message says what is wrong with it."""


class CheckMismatch(CodeError):
    """A well-formed code whose check symbol does not match: it was mistyped or altered."""


def encode(value: int, length: int) -> str:
    """value as exactly length symbols, most significant first (zero-padded)."""
    if value < 0 or value >> (BITS_PER_SYMBOL * length):
        raise ValueError(f"{value} does not fit in {length} symbols")
    return "".join(
        ALPHABET[(value >> (BITS_PER_SYMBOL * position)) & 31]
        for position in range(length - 1, -1, -1)
    )


def check_symbol(value: int) -> str:
    """The check symbol of value: value modulo 37 in the check alphabet."""
    return CHECK_ALPHABET[value % CHECK_MODULUS]


def encode_with_check(value: int, length: int) -> str:
    """value as length symbols followed by its check symbol."""
    return encode(value, length) + check_symbol(value)


def decode(text: str) -> int:
    """The value of text (no check symbol). Raises CodeError naming the first bad symbol."""
    value = 0
    symbols = 0
    for char in text:
        if char == "-":
            continue
        digit = _VALUES.get(char)
        if digit is None:
            raise CodeError(f"{char!r} is not a code symbol (letters and digits, without U)")
        value = (value << BITS_PER_SYMBOL) | digit
        symbols += 1
    if not symbols:
        raise CodeError("the code is empty")
    return value


def decode_with_check(text: str, length: int | None = None) -> int:
    """The value of text whose last symbol is its check symbol.

    length, when given, is the number of symbols before the check one. Raises CodeError for
    a symbol outside the alphabets or a wrong length, CheckMismatch for a check that fails.
    """
    compact = text.strip().replace("-", "")
    if len(compact) < 2:
        raise CodeError("the code is too short: it needs at least one symbol and its check")
    body, check = compact[:-1], compact[-1]
    if length is not None and len(body) != length:
        raise CodeError(
            f"the code has {len(body) + 1} symbols; ours have {length + 1} "
            f"({length} and a check symbol)"
        )
    value = decode(body)
    expected = _CHECK_VALUES.get(check)
    if expected is None:
        raise CodeError(f"{check!r} cannot be a check symbol")
    if expected != value % CHECK_MODULUS:
        raise CheckMismatch("the check symbol does not match: the code was mistyped or altered")
    return value
