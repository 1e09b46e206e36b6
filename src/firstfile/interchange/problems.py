"""Collecting what is wrong with a file, each with its line and path, to report all at once.

A person fixing an import wants every mistake in one run, not one per attempt, so readers
record problems and carry on; the error is raised once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A hostile or broken file can produce a problem per node; past this many, more help nobody.
MAX_REPORTED = 200


class InterchangeError(ValueError):
    """A file that cannot be imported; ``problems`` lists every reason, one line each.

    Each line reads ``file:line: path: message``, for example
    ``acme.yaml:42: disclosures[2].inventors[0].person: unknown person 'jdo'``.
    """

    def __init__(self, problems: list[str], warnings: list[str] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("\n".join(problems))


@dataclass(slots=True)
class Problems:
    """The errors and warnings found so far in one source."""

    source: str
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    warnings: list[tuple[int, str, str]] = field(default_factory=list)

    def error(self, line: int, path: str, message: str) -> None:
        """Record an error at line (1-based) for the value at path ("" for the whole file)."""
        self.errors.append((line, path, message))

    def warn(self, line: int, path: str, message: str) -> None:
        """Record something worth showing that does not stop the import."""
        self.warnings.append((line, path, message))

    def format_errors(self) -> list[str]:
        """Errors in file order, capped at MAX_REPORTED with a note of how many were left out."""
        return self._format(self.errors)

    def format_warnings(self) -> list[str]:
        """Warnings in file order, capped like the errors."""
        return self._format(self.warnings)

    def raise_if_errors(self) -> None:
        """Raise InterchangeError listing every error, if there are any."""
        if self.errors:
            raise InterchangeError(self.format_errors(), self.format_warnings())

    def _format(self, entries: list[tuple[int, str, str]]) -> list[str]:
        # Stable sort: problems on the same line keep the order they were found in.
        ordered = sorted(entries, key=lambda entry: entry[0])
        lines = [self._line(*entry) for entry in ordered[:MAX_REPORTED]]
        if len(ordered) > MAX_REPORTED:
            lines.append(
                f"{self.source}: {len(ordered) - MAX_REPORTED} more problems not shown"
            )
        return lines

    def _line(self, line: int, path: str, message: str) -> str:
        if path:
            return f"{self.source}:{line}: {path}: {message}"
        return f"{self.source}:{line}: {message}"
