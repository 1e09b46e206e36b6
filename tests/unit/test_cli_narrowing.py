"""A run builds only the command it names (cli.app_for), and says exactly what the whole
program would have said: the same help for every command, the same errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
import typer.main
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from firstfile.cli import ROOT_VALUE_OPTIONS, app, app_for, named_command

WHOLE = typer.main.get_command(app)


def command_paths(group: TyperGroup, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, TyperGroup):
            yield from command_paths(command, (*prefix, name))


assert isinstance(WHOLE, TyperGroup)
PATHS = sorted(command_paths(WHOLE))


def said(program: typer.Typer, args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(program, args, prog_name="firstfile", env={"COLUMNS": "100"})
    return result.exit_code, result.output


def built(program: typer.Typer) -> list[str]:
    """The commands a program builds at its root."""
    command = typer.main.get_command(program)
    assert isinstance(command, TyperGroup)
    return list(command.commands)


def test_every_command_is_found_and_there_are_as_many_as_the_docs_count() -> None:
    assert len(PATHS) >= 73
    assert {path[0] for path in PATHS} >= {"disclosures", "export", "risk", "import", "init"}


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_each_command_s_help_is_the_whole_program_s(path: tuple[str, ...]) -> None:
    args = [*path, "--help"]
    assert built(app_for(args)) == [path[0]]  # only the command named is built
    assert said(app_for(args), args) == said(app, args)


@pytest.mark.parametrize("args", [
    ["disclosures", "lst"],
    ["--db", "x.db", "disclosures", "list", "--limit", "2"],
    ["--db=x.db", "--tsa", "http://tsa.example", "import"],
    ["--tsa-ca", "ca.pem", "risk", "component"],
    ["export", "--help"],
])
def test_mistakes_are_answered_as_the_whole_program_answers_them(args: list[str]) -> None:
    assert len(built(app_for(args))) == 1
    code, output = said(app_for(args), args)
    assert (code, output) == said(app, args)
    assert code != 0 or "Usage: firstfile" in output


@pytest.mark.parametrize("args", [[], ["--help"], ["--db", "x.db"], ["dislosures", "list"],
                                  ["--", "disclosures"], ["--db"], ["--help", "import"]])
def test_no_command_or_an_unknown_one_gets_the_whole_program(args: list[str]) -> None:
    assert app_for(args) is app


def test_the_command_is_the_first_word_after_the_root_options() -> None:
    assert named_command(["--db", "disclosures", "risk"]) == "risk"  # a database named so
    assert named_command(["--db=disclosures", "risk"]) == "risk"
    assert named_command(["--tsa", "u", "--tsa-ca", "c", "import", "f"]) == "import"
    assert named_command(["--help", "import"]) is None  # the whole program's help
    assert named_command(["import", "--help"]) == "import"


def test_the_root_options_that_take_a_value_are_the_root_command_s() -> None:
    takes_value = {name for param in WHOLE.params if isinstance(param, TyperOption)
                   and not param.is_flag for name in param.opts}
    assert takes_value == ROOT_VALUE_OPTIONS
