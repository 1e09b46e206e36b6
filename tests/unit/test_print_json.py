"""JSON on stdout: the characters a terminal obeys or that reorder text are written as
\\u escapes, in a record of plain ASCII beside it too, and the value read back is unchanged."""

from __future__ import annotations

import json

import pytest

from firstfile.commands.common import print_json

HIDDEN = "DEL\x7f C1\x85 bidi\u202e zero-width\u200b\u2060 BOM\ufeff"


@pytest.mark.parametrize("data", [
    [{"title": "plain ASCII, nothing to escape"}, {"title": HIDDEN}, {"title": "Ünïcode — ok"}],
    {"title": HIDDEN},
    [HIDDEN],
], ids=["list of records", "one record", "list of one"])
def test_hidden_characters_are_escapes_and_the_value_reads_back_unchanged(
        data: object, capsys: pytest.CaptureFixture[str]) -> None:
    print_json(data)
    out = capsys.readouterr().out
    assert not any(char in out for char in "\x7f\x85\u202e\u200b\u2060\ufeff")
    for escape in ("\\u007f", "\\u0085", "\\u202e", "\\u200b", "\\u2060", "\\ufeff"):
        assert escape in out
    assert json.loads(out) == data


def test_delete_is_escaped_in_text_that_is_otherwise_ascii(
        capsys: pytest.CaptureFixture[str]) -> None:
    print_json([{"title": "rub\x7fout"}])
    out = capsys.readouterr().out
    assert "\x7f" not in out and "rub\\u007fout" in out


def test_plain_ascii_is_written_as_json_writes_it(capsys: pytest.CaptureFixture[str]) -> None:
    data = [{"key": "FF-2026-0001", "n": 1, "ok": True, "none": None}]
    print_json(data)
    assert capsys.readouterr().out == "[\n" + json.dumps(data[0]) + "\n]\n"
