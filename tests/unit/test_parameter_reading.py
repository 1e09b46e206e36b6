"""Parameters whose value needs no reading skip pydantic (commands/parameter_reading.py), and
every value of every parameter of the program reads exactly as Typer's own reading reads it:
the same value, or the same error."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer._click import Context
from typer._coercion import build_runtime_param
from typer.core import TyperGroup, _TyperParameter

from firstfile.cli import app
from firstfile.commands.parameter_reading import (
    TYPER_READS_THROUGH_PYDANTIC,
    PlainReading,
    read_plainly,
)

WHOLE = typer.main.get_command(app)
assert isinstance(WHOLE, TyperGroup)


def parameters(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any, Any]]:
    """Every parameter of the program, help options included, with a context to read it in."""
    ctx = Context(command, info_name=path[-1] if path else "firstfile")
    for param in (*command.params, command.get_help_option(ctx)):
        if isinstance(param, _TyperParameter):
            yield " ".join((*path, param.name or "")), param, ctx
    for name, sub in getattr(command, "commands", {}).items():
        yield from parameters(sub, (*path, name))


PARAMETERS = list(parameters(WHOLE))
TEXT = [(name, param, ctx) for name, param, ctx in PARAMETERS
        if param.type_descriptor.annotation is str]

# What a command line, a default or a caller can hand a parameter: text of every kind
# (surrogate-escaped bytes included), bytes, flags, numbers, and sequences.
VALUES: list[Any] = [
    None, "", "FF-2026-0001", "ACME-2026", "a\x00b\u202ec\x7f", "\udcff", "ü" * 3,
    b"bytes", b"\xff\xfe", True, False, 0, 1, 7, -1, 50, 1000, 1001, 36500, 36501, 10**6,
    10**6 + 1, "7", "0", "1001", 2.5, "2.5",
    # Whole numbers as the command line gives them, plain and not.
    "5", "50", "-5", "1000", "36500", "36501", "999999999999999999", "-999999999999999999",
    "9999999999999999999", " 5", "5 ", "+5", "05", "-0", "00", "1_0", "\u0663", "5.0", "1e3",
    "0x10", "-", "--5",
    "yes", "no", "true", "1", [], ["a"], ("a", "b"), Path("x.db"),
]


def outcome(reading: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        result = reading.coerce(value, param=param, ctx=ctx)
    except Exception as error:  # the same error, in the same words, is the point
        return "error", (type(error).__name__, str(error))
    return "value", (type(result), result)


def plain(param: Any) -> Any:
    return PlainReading(annotation=param.type_descriptor.annotation,
                        parameter_info=param.type_descriptor.parameter_info)


def test_typer_reads_through_pydantic_here() -> None:
    # Else nothing below would exercise the plain reading.
    assert TYPER_READS_THROUGH_PYDANTIC


def test_every_kind_of_parameter_is_here() -> None:
    kinds = {repr(param.type_descriptor.annotation) for _, param, _ in PARAMETERS}
    assert {"<class 'str'>", "<class 'bool'>", "<class 'int'>", "<class 'float'>",
            "<class 'pathlib.Path'>", "list[str]"} <= kinds
    assert len(TEXT) > 200


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_parameter_reads_every_value_as_typer_does(value: Any) -> None:
    differ = []
    for name, param, ctx in PARAMETERS:
        typer_reading = build_runtime_param(param.type_descriptor)
        ours = outcome(plain(param), value, param, ctx)
        if ours != outcome(typer_reading, value, param, ctx):
            differ.append((name, ours))
        param._runtime_param = None  # the fallback keeps Typer's reading; start afresh
    assert differ == []


@given(st.text())
def test_any_text_reads_as_typer_reads_it(text: str) -> None:
    for _, param, ctx in TEXT[:25]:
        assert outcome(plain(param), text, param, ctx) == \
            outcome(build_runtime_param(param.type_descriptor), text, param, ctx)


INTS = [(name, param, ctx) for name, param, ctx in PARAMETERS
        if param.type_descriptor.annotation is int]


@given(st.one_of(st.from_regex(r"[ +-]?[0-9_]{1,21}[ ]?", fullmatch=True), st.text()))
def test_any_number_as_text_reads_as_typer_reads_it(text: str) -> None:
    for _, param, ctx in INTS:
        ours = outcome(plain(param), text, param, ctx)
        param._runtime_param = None
        assert ours == outcome(build_runtime_param(param.type_descriptor), text, param, ctx)


def test_a_value_that_needs_reading_is_read_by_typer_from_then_on() -> None:
    limit = next(param for name, param, _ in PARAMETERS if name == "search limit")
    ctx = Context(WHOLE)
    reading = plain(limit)
    limit._runtime_param = reading
    assert reading.coerce("5", param=limit, ctx=ctx) == 5  # plain: no reading needed
    assert limit._runtime_param is reading
    assert reading.coerce("+5", param=limit, ctx=ctx) == 5
    assert type(limit._runtime_param).__name__ == "AdapterRuntimeParam"
    with pytest.raises(typer.BadParameter, match="greater than or equal to 1"):
        limit._runtime_param.coerce("0", param=limit, ctx=ctx)


def test_every_parameter_and_help_option_gets_the_plain_reading() -> None:
    command = typer.main.get_command(app)
    read_plainly(command, ["--help"])
    readings = {type(param._runtime_param) for _, param, _ in parameters(command)}
    assert readings == {PlainReading}


def test_a_line_reads_the_root_and_the_command_it_names_and_nothing_else() -> None:
    # The TUI and the program's help parse only the root's options: the 73 commands are not
    # read for them.
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    ctx = root.make_context("firstfile", ["--db", "x.db", "disclosures", "list"])
    assert {type(p._runtime_param) for p in root.params} == {PlainReading}
    assert all(p._runtime_param is None for _, p, _ in parameters(root.commands["disclosures"]))
    name, command, _ = root.resolve_command(ctx, ["disclosures", "list"])
    assert name == "disclosures"
    assert {type(p._runtime_param) for _, p, _ in parameters(command)} == {PlainReading}
    assert all(p._runtime_param is None for _, p, _ in parameters(root.commands["search"]))


def run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True).stdout


def test_a_command_given_text_and_flags_imports_no_pydantic(tmp_path: Path) -> None:
    # The help and a mistake in a text option are read before any database is opened.
    said = run(
        "import sys\n"
        "from firstfile.cli import main\n"
        "for args in (['--db', 'x.db', 'disclosures', 'list', '--help'],\n"
        "             ['disclosures', 'list', '--json', '--status', 'nope']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as end:\n"
        "        print('exit', end.code)\n"
        "print('pydantic' in sys.modules)\n")
    assert said.splitlines()[-3:] == ["exit 0", "exit 1", "False"]


def test_a_plain_number_within_its_bounds_imports_no_pydantic(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    # A database with disclosures to find (a new one's first open gathers its statistics,
    # which loads the ORM).
    subprocess.run([sys.executable, "-m", "firstfile", "demo", "--no-tui", "--db", db],
                   check=True, capture_output=True, timeout=120)
    said = run(
        "import sys\n"
        "from firstfile.cli import main\n"
        "try:\n"
        f"    main(['--db', {db!r}, 'search', 'calibration', '--limit', '5'])\n"
        "except SystemExit as end:\n"
        "    print('exit', end.code)\n"
        "print('pydantic' in sys.modules)\n")
    assert said.splitlines()[-2:] == ["exit 0", "False"]


def test_a_number_is_still_read_and_checked_by_typer() -> None:
    said = run(
        "import sys\n"
        "from firstfile.cli import main\n"
        "try:\n"
        "    main(['search', 'valve', '--limit', '0'])\n"
        "except SystemExit as end:\n"
        "    print('exit', end.code)\n"
        "print('pydantic' in sys.modules)\n")
    assert said.splitlines() == ["exit 2", "True"]


def test_the_command_line_freezes_what_is_left_as_it_ends() -> None:
    said = run(
        "import gc\n"
        "from firstfile.cli import main\n"
        "before = gc.get_freeze_count()\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(before, gc.get_freeze_count() > 1000)\n")
    assert said.split()[-2:] == ["0", "True"]
