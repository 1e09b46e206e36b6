"""Tracers: a different, unforgeable marker for each vendor, so a copy names who leaked.

Practice 1 of the article: add "a non-functional component intentionally added to a device"
so that a copy can be recognised; give each vendor a different one, and a found copy also
tells which vendor's files or parts it came from (REFERENCE.md sections 1 and 8).

A marker is derived, never typed: the HMAC-SHA256, under a secret that belongs to the
database, of the engagement, component, vendor, issue date and kind, cut to 60 bits and written
in Crockford's Base32 with its check symbol (`crockford.py`), for example ``7ZK3-QW9M-2D8R-F``.
So:

- each vendor's marker differs (the vendor is part of what is hashed);
- nobody without the secret can make a marker that checks, or tell from one marker what
  another vendor's would be;
- the same tracer gives the same code on every run (nothing random but the secret);
- a code read off a board with a symbol wrong, or two neighbours swapped, fails its check
  symbol before anything is looked up.

The secret is made by `new_secret` and kept by storage; it is never part of anything sent to
a vendor or exported. Everything here is plain data and standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from firstfile.domain import crockford
from firstfile.domain.json_ready import json_ready
from firstfile.domain.keys import is_valid_record_key

# What the marker is built into, and what a person looks for on a found copy.
TRACER_KINDS: dict[str, str] = {
    "non-functional-part": "a non-functional component or placement",
    "firmware-mark": "a firmware string or watermark",
    "pcb-mark": "a mark in the PCB layout",
    "bom-variant": "a variant in the bill of materials",
    "document-canary": "a canary in the documents sent to the vendor",
}

CODE_SYMBOLS = 12  # 60 bits: two of 10,000 markers share a code with odds of 1 in 23 billion
CODE_BITS = CODE_SYMBOLS * crockford.BITS_PER_SYMBOL
SECRET_BYTES = 32
MIN_SECRET_BYTES = 16
_DOMAIN = b"firstfile tracer/1"  # separates these hashes from any other use of the secret
_GROUP = 4

AUTHENTIC = "authentic"  # ours, and the register entry still matches its marker
ALTERED = "altered"  # a register entry has this code, but its fields no longer give it
NOT_OURS = "not-ours"  # a well-formed code that no tracer of ours carries
MISTYPED = "mistyped"  # the check symbol fails
UNREADABLE = "unreadable"  # not a code at all
LOOKUP_STATUSES: tuple[str, ...] = (AUTHENTIC, ALTERED, NOT_OURS, MISTYPED, UNREADABLE)


class CodeCollision(ValueError):
    """Two different tracers would carry the same code: issue one with another date."""


@dataclass(frozen=True, slots=True)
class TracerIssue:
    """What a tracer is issued for: one vendor's copy of one component in one engagement."""

    engagement: str
    component: str  # for a document canary, the document it goes into
    vendor: str
    issued_on: date
    kind: str


@dataclass(frozen=True, slots=True)
class Tracer:
    """An issued tracer: what it was issued for and its code, as the register keeps it."""

    engagement: str
    component: str
    vendor: str
    issued_on: date
    kind: str
    code: str

    @property
    def issue(self) -> TracerIssue:
        """The fields the code was derived from."""
        return TracerIssue(self.engagement, self.component, self.vendor, self.issued_on, self.kind)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data for the CLI: the tracer with its `code`."""
        data: dict[str, Any] = json_ready(self)
        return data


@dataclass(frozen=True, slots=True)
class LookupResult:
    """What a found code is: ours and authentic, altered, not ours, mistyped or unreadable."""

    status: str
    code: str  # as typed, or in its canonical form when it could be read
    tracer: Tracer | None
    message: str

    @property
    def authentic(self) -> bool:
        """True only for a code of ours whose register entry still matches it."""
        return self.status == AUTHENTIC

    def as_json(self) -> dict[str, Any]:
        """JSON-ready data for the CLI."""
        data: dict[str, Any] = json_ready(self)
        data["authentic"] = self.authentic
        return data


def new_secret() -> bytes:
    """A new per-database secret for deriving markers (32 random bytes)."""
    return secrets.token_bytes(SECRET_BYTES)


def canonical_encoding(issue: TracerIssue) -> bytes:
    """The exact bytes a marker is derived from.

    A fixed prefix, then each field (engagement, component, vendor, the issue date as
    YYYY-MM-DD, kind) as UTF-8 preceded by its length in 4 bytes, big-endian. The lengths make
    it unambiguous: ("ab", "c") and ("a", "bc") give different bytes, whatever the fields hold.
    """
    fields = (
        issue.engagement,
        issue.component,
        issue.vendor,
        issue.issued_on.isoformat(),
        issue.kind,
    )
    parts = [_DOMAIN]
    for text in fields:
        data = text.encode("utf-8")
        parts.append(len(data).to_bytes(4, "big") + data)
    return b"".join(parts)


def marker_value(secret: bytes, issue: TracerIssue) -> int:
    """The 60-bit value of the marker: the first 60 bits of HMAC-SHA256(secret, encoding)."""
    _check_secret(secret)
    digest = hmac.new(secret, canonical_encoding(issue), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - CODE_BITS)


def format_code(value: int) -> str:
    """A marker value as its printed code: 12 symbols in groups of 4, then the check symbol."""
    body = crockford.encode(value, CODE_SYMBOLS)
    groups = [body[i : i + _GROUP] for i in range(0, CODE_SYMBOLS, _GROUP)]
    return "-".join((*groups, crockford.check_symbol(value)))


def parse_code(text: str) -> int:
    """The marker value of a typed code. Raises crockford.CodeError (CheckMismatch when the
    check symbol fails). Case, I/L for 1, O for 0 and hyphens are forgiven."""
    return crockford.decode_with_check(text, CODE_SYMBOLS)


def issue_tracer(secret: bytes, issue: TracerIssue) -> Tracer:
    """The tracer for issue, with its derived code. Raises ValueError for a bad field."""
    _check_issue(issue)
    code = format_code(marker_value(secret, issue))
    return Tracer(
        issue.engagement, issue.component, issue.vendor, issue.issued_on, issue.kind, code
    )


def issue_for_vendors(
    secret: bytes,
    engagement: str,
    component: str,
    kind: str,
    vendors: Iterable[str],
    issued_on: date,
    register: TracerRegister | None = None,
) -> tuple[Tracer, ...]:
    """One tracer per vendor for the same component, each with its own code.

    Raises CodeCollision if two would share a code, or one would share a code with a
    different tracer already in register (astronomically unlikely; then issue on another
    date). Issuing again exactly what register already holds gives the same tracer back.
    """
    tracers = tuple(
        issue_tracer(secret, TracerIssue(engagement, component, vendor, issued_on, kind))
        for vendor in dict.fromkeys(vendors)
    )
    codes: dict[str, Tracer] = {}
    for tracer in tracers:
        clash = codes.get(tracer.code)
        if clash is None and register is not None:
            clash = register.get(tracer.code)
        if clash is not None and clash != tracer:
            raise CodeCollision(
                f"{tracer.vendor}'s code {tracer.code} is already issued for "
                f"{clash.vendor}, {clash.component}: issue it on another date"
            )
        codes[tracer.code] = tracer
    return tracers


def verify(secret: bytes, issue: TracerIssue, code: str) -> bool:
    """True when code is the marker of issue under secret (needs no register)."""
    try:
        value = parse_code(code)
    except crockford.CodeError:
        return False
    return hmac.compare_digest(format_code(value), format_code(marker_value(secret, issue)))


class TracerRegister:
    """The register of issued tracers, indexed by code value: a lookup is one dict access."""

    def __init__(self, tracers: Iterable[Tracer]) -> None:
        self._by_value: dict[int, Tracer] = {}
        for tracer in tracers:
            value = parse_code(tracer.code)
            existing = self._by_value.get(value)
            if existing is not None and existing != tracer:
                raise CodeCollision(
                    f"the register holds the code {tracer.code} twice "
                    f"({existing.vendor} and {tracer.vendor})"
                )
            self._by_value[value] = tracer

    def __len__(self) -> int:
        return len(self._by_value)

    def get(self, code: str) -> Tracer | None:
        """The tracer carrying code, or None (also for a code that cannot be read)."""
        try:
            return self._by_value.get(parse_code(code))
        except crockford.CodeError:
            return None

    def by_value(self, value: int) -> Tracer | None:
        """The tracer whose marker value is value, or None."""
        return self._by_value.get(value)


def lookup(code: str, register: TracerRegister, secret: bytes) -> LookupResult:
    """Which vendor, component, engagement and date a found code was issued for, if ours.

    The check symbol is verified first, so a mistyped code is reported as such rather than
    as not ours; a code in the register is then re-derived from its fields with the secret, so
    a register entry changed after issue (another vendor written in) is caught.
    """
    typed = code.strip()
    try:
        value = parse_code(typed)
    except crockford.CheckMismatch:
        return LookupResult(
            MISTYPED,
            typed,
            None,
            "the check symbol does not match: the code was mistyped or altered; "
            "read it again (I and L read as 1, O as 0)",
        )
    except crockford.CodeError as exc:
        return LookupResult(UNREADABLE, typed, None, f"not a tracer code: {exc}")
    canonical = format_code(value)
    tracer = register.by_value(value)
    if tracer is None:
        return LookupResult(
            NOT_OURS,
            canonical,
            None,
            f"{canonical} is not one of ours: no tracer was issued with it",
        )
    derived = marker_value(secret, tracer.issue)
    if not hmac.compare_digest(format_code(derived), canonical):
        return LookupResult(
            ALTERED,
            canonical,
            tracer,
            f"{canonical} is in the register, but its entry (vendor "
            f"{tracer.vendor}, component {tracer.component}) does not give this "
            "code under this database's secret: the entry was changed after "
            "issue, or comes from another database. Do not rely on it",
        )
    kind = TRACER_KINDS.get(tracer.kind, tracer.kind)
    return LookupResult(
        AUTHENTIC,
        canonical,
        tracer,
        f"{canonical} is authentic: {kind} issued to vendor {tracer.vendor} for "
        f"component {tracer.component} of engagement {tracer.engagement} on "
        f"{tracer.issued_on.isoformat()}",
    )


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the tracer secret must be at least {MIN_SECRET_BYTES} bytes")


def _check_issue(issue: TracerIssue) -> None:
    problems = [
        f"{name} {value!r} is not a valid key"
        for name, value in (
            ("engagement", issue.engagement),
            ("component", issue.component),
            ("vendor", issue.vendor),
        )
        if not is_valid_record_key(value)
    ]
    if issue.kind not in TRACER_KINDS:
        problems.append(f"unknown tracer kind {issue.kind!r}: use one of {', '.join(TRACER_KINDS)}")
    if problems:
        raise ValueError("; ".join(problems))
