"""The template folder's YAML data files, read by the one YAML reader: values with their lines,
and every problem as path:line: message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from firstfile.services.yaml_data import LocatedList, LocatedMapping, read_data_file


def read(tmp_path: Path, text: str) -> tuple[object | None, list[str], Path]:
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    data, problems = read_data_file(path, max_bytes=10_000, what="one deck")
    return data, problems, path


def test_values_remember_their_lines(tmp_path: Path) -> None:
    data, problems, _ = read(tmp_path, "deck: bench\n\nprompts:\n  - id: a\n    n: 3\n"
                                       "  - held: 2026-03-01\n    gone: null\n")
    assert problems == []
    assert isinstance(data, LocatedMapping)
    assert (data.line, data.line_of("deck"), data.line_of("prompts")) == (1, 1, 3)
    prompts = data["prompts"]
    assert isinstance(prompts, LocatedList) and prompts.line_of(1) == 6
    assert prompts[0] == {"id": "a", "n": 3} and prompts[0].line_of("n") == 5
    assert prompts[1] == {"held": date(2026, 3, 1), "gone": None}
    assert data.line_of("missing") == 1


def test_an_empty_file_is_no_data_and_no_problem(tmp_path: Path) -> None:
    assert read(tmp_path, "# nothing here\n")[:2] == (None, [])


def test_duplicate_and_non_text_keys_are_reported_at_their_lines(tmp_path: Path) -> None:
    _data, problems, path = read(tmp_path, "deck: a\ntitle: t\ndeck: b\n12: x\n[a]: y\n")
    assert problems == [f"{path}:3: duplicate key 'deck'", f"{path}:4: a key must be plain text",
                        f"{path}:5: a key must be plain text"]


def test_aliases_tags_and_a_second_document_are_refused(tmp_path: Path) -> None:
    _data, problems, path = read(tmp_path, "a: &x [1, 2]\nb: *x\nc: !!python/name:os.system\n"
                                           "---\nd: 1\n")
    assert problems[0] == (f"{path}:1: anchors and aliases (&x) are not supported: write each "
                           "value out in full")
    assert problems[1].startswith(f"{path}:2: anchors and aliases (*x)")
    assert problems[2].startswith(f"{path}:3: the tag '!!python/name:os.system' is not allowed")
    assert problems[3] == f"{path}:4: a file holds one deck: found a second YAML document ('---')"


def test_too_big_unreadable_and_not_utf8_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "y" * 20_000)
    assert read_data_file(big, max_bytes=10_000, what="one deck", too_big="; far too big") == (
        None, [f"{big}:1: file is larger than 10,000 bytes; far too big"])
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("deck: a\ntitle: caf\u00e9\n".encode("latin-1"))
    assert read_data_file(latin, max_bytes=10_000, what="one deck") == (
        None, [f"{latin}:2: not UTF-8 text (byte 18)"])
    assert read_data_file(tmp_path / "gone.yaml", max_bytes=10_000, what="one deck")[1][0] == (
        f"{tmp_path / 'gone.yaml'}:1: cannot read the file (No such file or directory)")
