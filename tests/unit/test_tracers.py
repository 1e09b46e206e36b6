"""Tracer markers: distinct per vendor, stable, unforgeable, looked up by code."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import date

import pytest

from firstfile.domain import crockford
from firstfile.domain.tracers import (
    ALTERED,
    AUTHENTIC,
    MISTYPED,
    NOT_OURS,
    UNREADABLE,
    CodeCollision,
    TracerIssue,
    TracerRegister,
    canonical_encoding,
    format_code,
    issue_for_vendors,
    issue_tracer,
    lookup,
    marker_value,
    new_secret,
    verify,
)

SECRET = bytes(range(32))  # a fixed secret, so the codes below are the same on every run
DAY = date(2026, 11, 30)


def issue(vendor: str = "huaxin-pcba", **changes: object) -> TracerIssue:
    base = TracerIssue("bms-shenzhen", "afe-board", vendor, DAY, "pcb-mark")
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_marker_is_the_hmac_of_the_canonical_encoding_cut_to_60_bits() -> None:
    encoding = canonical_encoding(issue())
    assert encoding == (
        b"firstfile tracer/1"
        b"\x00\x00\x00\x0cbms-shenzhen"
        b"\x00\x00\x00\x09afe-board"
        b"\x00\x00\x00\x0bhuaxin-pcba"
        b"\x00\x00\x00\x0a2026-11-30"
        b"\x00\x00\x00\x08pcb-mark"
    )
    digest = hmac.new(SECRET, encoding, hashlib.sha256).digest()
    assert marker_value(SECRET, issue()) == int.from_bytes(digest[:8], "big") >> 4
    code = issue_tracer(SECRET, issue()).code
    assert len(code) == 16 and code.count("-") == 3
    assert crockford.decode_with_check(code) == marker_value(SECRET, issue())


def test_the_encoding_is_unambiguous() -> None:
    one = canonical_encoding(issue(engagement="ab", component="c"))
    other = canonical_encoding(issue(engagement="a", component="bc"))
    assert one != other


def test_codes_are_stable_and_differ_per_vendor_and_per_field() -> None:
    first = issue_tracer(SECRET, issue()).code
    assert issue_tracer(bytes(range(32)), issue()).code == first  # same inputs, same code
    others = {
        issue_tracer(SECRET, variant).code
        for variant in (
            issue("tamsui-embedded"),
            issue(component="bms-firmware"),
            issue(engagement="sensor-aq7"),
            issue(issued_on=date(2026, 12, 1)),
            issue(kind="bom-variant"),
        )
    }
    assert len(others) == 5 and first not in others
    assert issue_tracer(new_secret(), issue()).code != first  # another database, another code


def test_one_distinct_tracer_per_vendor() -> None:
    vendors = ["huaxin-pcba", "tamsui-embedded", "shenzhen-odm", "huaxin-pcba"]
    tracers = issue_for_vendors(SECRET, "bms-shenzhen", "afe-board", "pcb-mark", vendors, DAY)
    assert [t.vendor for t in tracers] == ["huaxin-pcba", "tamsui-embedded", "shenzhen-odm"]
    assert len({t.code for t in tracers}) == 3
    # Issuing again what the register holds gives the same tracers back, not a collision.
    again = issue_for_vendors(
        SECRET,
        "bms-shenzhen",
        "afe-board",
        "pcb-mark",
        vendors,
        DAY,
        register=TracerRegister(tracers),
    )
    assert again == tracers


def test_lookup_round_trip_names_vendor_component_engagement_and_date() -> None:
    tracers = issue_for_vendors(
        SECRET, "bms-shenzhen", "afe-board", "pcb-mark", ["huaxin-pcba", "tamsui-embedded"], DAY
    )
    register = TracerRegister(tracers)
    for tracer in tracers:
        found = lookup(tracer.code, register, SECRET)
        assert found.status == AUTHENTIC and found.authentic and found.tracer == tracer
        assert found.message == (
            f"{tracer.code} is authentic: a mark in the PCB layout issued to vendor "
            f"{tracer.vendor} for component afe-board of engagement bms-shenzhen on 2026-11-30"
        )
    # Typed by hand: lower case, no hyphens, O for 0 and L for 1 all find the same tracer.
    code = tracers[1].code
    typed = code.replace("-", "").lower().replace("0", "o").replace("1", "l")
    assert lookup(typed, register, SECRET).tracer == tracers[1]
    assert json.loads(json.dumps(lookup(code, register, SECRET).as_json()))["authentic"]


def test_a_mistyped_code_is_caught_by_its_check_symbol() -> None:
    tracer = issue_tracer(SECRET, issue())
    register = TracerRegister([tracer])
    body = tracer.code.replace("-", "")
    for position in range(12):
        for symbol in crockford.ALPHABET:
            if symbol == body[position]:
                continue
            typo = body[:position] + symbol + body[position + 1 :]
            assert lookup(typo, register, SECRET).status == MISTYPED


def test_a_forged_or_foreign_code_is_not_ours() -> None:
    tracer = issue_tracer(SECRET, issue())
    register = TracerRegister([tracer])
    # A well-formed code with a valid check symbol that we never issued.
    forged = format_code(marker_value(SECRET, tracer.issue) ^ 1)
    result = lookup(forged, register, SECRET)
    assert result.status == NOT_OURS and result.tracer is None
    assert result.message == f"{forged} is not one of ours: no tracer was issued with it"
    # The same tracer issued under another database's secret is not ours either.
    foreign = issue_tracer(new_secret(), issue()).code
    assert lookup(foreign, register, SECRET).status == NOT_OURS


def test_a_register_entry_changed_after_issue_is_not_authentic() -> None:
    tracer = issue_tracer(SECRET, issue())
    tampered = replace(tracer, vendor="tamsui-embedded")  # someone rewrote who it went to
    result = lookup(tracer.code, TracerRegister([tampered]), SECRET)
    assert result.status == ALTERED and not result.authentic
    assert "was changed after issue" in result.message
    # Under another secret, the right entry does not check either.
    assert lookup(tracer.code, TracerRegister([tracer]), new_secret()).status == ALTERED


def test_text_that_is_no_code_is_unreadable() -> None:
    register = TracerRegister([])
    assert lookup("not a code!", register, SECRET).status == UNREADABLE
    assert lookup("ABCD", register, SECRET).status == UNREADABLE  # too short


def test_verify_needs_no_register() -> None:
    tracer = issue_tracer(SECRET, issue())
    assert verify(SECRET, tracer.issue, tracer.code.lower())
    assert not verify(SECRET, issue("tamsui-embedded"), tracer.code)
    assert not verify(SECRET, tracer.issue, "garbage")


def test_bad_fields_and_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown tracer kind 'sticker'"):
        issue_tracer(SECRET, issue(kind="sticker"))
    with pytest.raises(ValueError, match="vendor 'a b' is not a valid key"):
        issue_tracer(SECRET, issue("a b"))
    with pytest.raises(ValueError, match="at least 16 bytes"):
        issue_tracer(b"short", issue())
    assert len(new_secret()) == 32 and new_secret() != new_secret()


def test_a_register_holding_one_code_for_two_tracers_is_refused() -> None:
    tracer = issue_tracer(SECRET, issue())
    with pytest.raises(CodeCollision):
        TracerRegister([tracer, replace(tracer, vendor="tamsui-embedded")])
