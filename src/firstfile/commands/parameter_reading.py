"""Parameters read without pydantic when their value needs no reading.

Typer 0.29 reads every parameter through a pydantic TypeAdapter, built the first time the
parameter is read, even when the value is None (the option was not given). Building the first
one imports pydantic and its plugin loader: about 150 ms, more than `disclosures list` needs
for everything else but the libraries it runs on (docs/PERFORMANCE.md, "Parameters read
without pydantic").

Most values need no reading at all. An option not given is None, and Typer's own first step
returns None (or an empty tuple) before its adapter is used. A text parameter with no parser
of its own gets a str from click, and Typer's adapter returns that str unchanged. A flag gets
a bool, and Typer skips or returns it as it is. A number option left at its default gets that
int, which Typer's adapter returns unchanged when it is within the option's bounds. A number
given on the command line comes as text; written plainly (decimal digits, a minus at most, no
leading zero, space, sign or underscore), every reading of it is the same int, and within the
bounds Typer's returns that int. `PlainReading` answers those cases and builds Typer's reading
for any other value, the first time one comes. So a command given only text, flags and plain
whole numbers imports no pydantic, and every other value, with every error message, is read by
Typer exactly as before.

A Typer without these hooks (before 0.29, when click read parameters) is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from typer.core import TyperGroup

try:  # how Typer reads parameters, as of 0.29
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - a Typer without these hooks is left as it is
    TYPER_READS_THROUGH_PYDANTIC = False
else:
    TYPER_READS_THROUGH_PYDANTIC = True

    @dataclass(frozen=True)
    class PlainReading(RuntimeParam):
        """A parameter's reading: None (inherited), a str for text, a bool for a flag and an
        int within its bounds for a number (given as an int, or as plain text) are the value
        as it came; anything else is read by Typer's own reading."""

        def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Any) -> Any:
            if self.parameter_info.parser is None:
                if ((self.annotation is str and type(value) is str)
                        or (self.annotation is bool and type(value) is bool)):
                    return value
                if self.annotation is int:
                    number = _whole_number(value)
                    if number is not None and self._within_bounds(number):
                        return number
            # A value that needs reading: Typer's reading takes it, and every later one.
            typer_reading = build_runtime_param(param.type_descriptor)
            param._runtime_param = typer_reading
            return typer_reading._coerce_value(value, param=param, ctx=ctx)

        def _within_bounds(self, value: int) -> bool:
            """Whether an int is inside the option's min and max, where Typer's reading
            returns it as it is (outside them it refuses it, or clamps it)."""
            low, high = self.parameter_info.min, self.parameter_info.max
            return (low is None or value >= low) and (high is None or value <= high)


# A whole number as plain text: no sign but a minus, no leading zero, no space or underscore,
# at most 18 digits (so within an int64, whatever reads it).
_WHOLE_NUMBER = re.compile(r"0|-?[1-9][0-9]{0,17}")


def _whole_number(value: Any) -> int | None:
    """value as the int it is or plainly writes, else None."""
    if type(value) is int:
        return value
    if type(value) is str and _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    return None


def read_plainly(command: Any, help_names: Sequence[str], *, below: bool = True) -> None:
    """Give every parameter of a click command, its help option included, the plain
    reading, and with below those of the commands under it. A parameter that has a reading
    keeps it.

    help_names are the help option's names in the context the command is parsed in: click
    makes a command's help option the first time a context asks for it, with that context's
    names (inherited from its parent's unless the command's own settings name others), and
    keeps it. Making it here with the same names gives the same option.
    """
    if not TYPER_READS_THROUGH_PYDANTIC:
        return
    help_names = command.context_settings.get("help_option_names", help_names)
    help_option = command.get_help_option(_HelpNames(list(help_names)))
    for param in (*command.params, *([help_option] if help_option is not None else [])):
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = PlainReading(annotation=descriptor.annotation,
                                                parameter_info=descriptor.parameter_info)
    if below:
        for sub in _subcommands(command):
            read_plainly(sub, help_names)


@dataclass(frozen=True)
class _HelpNames:
    """What click's get_help_option reads of a context: the help option's names."""

    help_option_names: list[str]


def _subcommands(command: Any) -> Iterable[Any]:
    commands = getattr(command, "commands", None)
    return commands.values() if isinstance(commands, dict) else ()


class PlainReadingGroup(TyperGroup):
    """The program's root: its own parameters get the plain reading before a line is parsed,
    and the command a line names gets it, with every command under it, once it is found.
    The others are never parsed in that run (the TUI, the program's help), so they are left
    alone: reading all 73 commands' would take about 9 ms."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        read_plainly(self, ctx.help_option_names, below=False)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            read_plainly(command, ctx.help_option_names)
        return name, command, rest
