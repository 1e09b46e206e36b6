"""Talking to an RFC 3161 timestamp authority, and checking what it answered.

Requests and responses are built and parsed by `rfc3161-client` (DER through its Rust core),
and the token's signature is checked with it against the authority's CA certificate; nothing
here parses ASN.1 by hand. A request asks for SHA-256 over the exact bytes given, with a
nonce and the authority's certificate in the answer, so a token can be verified later with
`openssl ts -verify -data FILE -in TOKEN.tsr -CAfile CA.pem` and nothing else.

The request goes over plain HTTP(S) with the standard library (application/timestamp-query,
RFC 3161 section 3.4), with a time limit, never on the event loop and never inside a
database transaction.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firstfile.services.errors import UserError

if TYPE_CHECKING:
    from rfc3161_client import TimeStampResponse

TIMEOUT_SECONDS = 15
MAX_RESPONSE_BYTES = 1024 * 1024  # a token is a few kilobytes; anything far larger is wrong


class TimestampError(UserError):
    """The authority could not be reached or gave no usable token, or its CA file cannot be
    read; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Token:
    """A granted token: the authority's whole response (DER) and the time it states."""

    response: bytes
    stamped_at: datetime
    serial: int


def read_ca(path: Path | None) -> str:
    """The PEM text of the CA certificate file, or "" when none is configured.

    Raises TimestampError when the file cannot be read or holds no certificate."""
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise TimestampError(f"cannot read the timestamp authority's CA file {path} "
                             f"({error}); give a PEM file with --tsa-ca or $FIRSTFILE_TSA_CA"
                             ) from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise TimestampError(f"{path} holds no PEM certificate; give the authority's CA "
                             "certificate (-----BEGIN CERTIFICATE-----)")
    return text


def request_token(url: str, data: bytes, *, timeout: float = TIMEOUT_SECONDS) -> Token:
    """Ask the authority at url for a token on SHA-256(data). Raises TimestampError."""
    from rfc3161_client import HashAlgorithm, PKIStatus, TimestampRequestBuilder

    if not url.startswith(("http://", "https://")):
        raise TimestampError(f"the timestamp authority's URL must start with http:// or "
                             f"https://, not {url!r}")
    request = (TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
               .build())
    http = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=request.as_bytes(), method="POST",
        headers={"Content-Type": "application/timestamp-query",
                 "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise TimestampError(f"the timestamp authority at {url} answered HTTP {error.code} "
                             f"({error.reason})") from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise TimestampError(f"cannot reach the timestamp authority at {url} ({reason})"
                             ) from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise TimestampError(f"the timestamp authority at {url} answered more than "
                             f"{MAX_RESPONSE_BYTES} bytes; that is not a token")
    response = _decode(body, url)
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(response.status_string) or "no reason given"
        raise TimestampError(f"the timestamp authority at {url} refused ({said})")
    info = response.tst_info
    if info.nonce != request.nonce:
        raise TimestampError(f"the timestamp authority at {url} answered another request "
                             "(the nonce differs)")
    if info.message_imprint.message != hashlib.sha256(data).digest():
        raise TimestampError(f"the timestamp authority at {url} stamped other content")
    return Token(response=body, stamped_at=info.gen_time, serial=info.serial_number)


def _decode(body: bytes, url: str) -> TimeStampResponse:
    from rfc3161_client import decode_timestamp_response

    try:
        return decode_timestamp_response(body)
    except Exception:  # the Rust parser raises its own kinds for malformed DER
        raise TimestampError(f"the timestamp authority at {url} answered something that is "
                             "not a timestamp response") from None


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What checking a stored token found."""

    ok: bool
    message: str  # why not, or what was proven
    stamped_at: datetime | None = None
    anchored: bool = False  # the signature was checked up to a CA certificate
    authority: str = ""  # the signing certificate's subject


def check_token(response: bytes, subject_sha256: str, ca_pem: str) -> TokenCheck:
    """Check a stored token: it is a granted response, its imprint is subject_sha256, and
    its signature verifies up to the CA in ca_pem (PEM). With no CA the imprint is checked
    and the signature is not: an authority's certificate is issued by a CA that a token does
    not carry, so nothing in the token alone can be trusted to check it (a forger would carry
    a certificate of their own). `anchored` is then False and the message says so."""
    from cryptography import x509
    from rfc3161_client import VerificationError, VerifierBuilder

    try:
        parsed = _decode(response, "the database")
    except TimestampError:
        return TokenCheck(False, "the stored token is not a timestamp response")
    info = parsed.tst_info
    if info.message_imprint.message.hex() != subject_sha256:
        return TokenCheck(False, "the token is for other content (its imprint is "
                                 f"{info.message_imprint.message.hex()[:16]}..., not "
                                 f"{subject_sha256[:16]}...)", info.gen_time)
    authority = signer_subject(parsed)
    if not ca_pem:
        return TokenCheck(True, "its imprint matches; its signature was not checked: no CA was "
                                "given to trust (--tsa-ca)", info.gen_time, False, authority)
    roots = x509.load_pem_x509_certificates(ca_pem.encode("ascii"))
    try:
        VerifierBuilder(roots=list(roots)).build().verify(parsed, bytes.fromhex(subject_sha256))
    except (VerificationError, ValueError) as error:
        return TokenCheck(False, f"the token's signature does not verify ({error})",
                          info.gen_time, True, authority)
    return TokenCheck(True, "signature verifies up to the CA", info.gen_time, True, authority)


def signer_subject(parsed: Any) -> str:
    """The subject of the certificate that signed a parsed token (the one its signer info
    names), or "" when the token does not carry it."""
    from cryptography import x509

    carried = [x509.load_der_x509_certificate(c) for c in parsed.signed_data.certificates]
    for info in parsed.signed_data.signer_infos:
        for cert in carried:
            if cert.issuer == info.issuer and cert.serial_number == info.serial_number:
                return cert.subject.rfc4514_string()
    return ""


def token_facts(response: bytes) -> tuple[str, str]:
    """(signer's subject, serial number) of a stored token; ("", "") when unreadable."""
    try:
        parsed = _decode(response, "the database")
    except TimestampError:
        return "", ""
    return signer_subject(parsed), str(parsed.tst_info.serial_number)
