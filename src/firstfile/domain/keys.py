"""Stable human keys for disclosures: FF-2026-0001.

The year is the year the disclosure was created; the number comes from a per-year counter
in storage that only ever goes up, so a key is never reused, even after a (soft) delete.
"""

from __future__ import annotations

import re

PREFIX = "FF"
# Four to nine digits: the per-year counter is a 32-bit integer in the database. ASCII
# only and matched whole: without re.ASCII, \d takes any script's digits (a key written in
# fullwidth digits would be read as FF-2026-0001's year and number while its text is another
# key's), and IGNORECASE lets [a-z] take the Kelvin sign and the long s; $ alone would let a
# trailing newline through.
_KEY = re.compile(r"FF-(\d{4})-(\d{4,9})", re.ASCII)
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}", re.IGNORECASE | re.ASCII)


def disclosure_key(year: int, number: int) -> str:
    """Format the key for the given year and per-year number."""
    return f"{PREFIX}-{year:04d}-{number:04d}"


def parse_disclosure_key(key: str) -> tuple[int, int] | None:
    """(year, number) for a well-formed key, else None."""
    match = _KEY.fullmatch(key)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def is_valid_record_key(key: str) -> bool:
    """Keys of engagements, vendors, people and components: short, no spaces, no slashes.

    They end up in file names and URLs, so they are restricted at the door.
    """
    return bool(_SLUG.fullmatch(key))
