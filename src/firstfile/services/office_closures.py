"""Reading the offices' published closed days (calendars/closures.yaml) into a ClosureTable.

The file lives in the `calendars/` folder of a template folder (see the shipped
`templates/calendars/closures.yaml` for its shape and sources). A file in the user's folder
replaces the shipped one, so an organisation can add next year's EPO closing days without
touching the installation. A file with anything wrong is reported as `path:line: problem` and
the next one (in the end the shipped file) is used instead. Files are read by the one YAML
reader (services/yaml_data.py over interchange/yaml_nodes.py): a `!!python/...` tag is an
error, never code.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from firstfile.domain.office_calendars import Closure, ClosureTable
from firstfile.domain.text import clean_line
from firstfile.resources import shipped_templates
from firstfile.services.yaml_data import LocatedMapping, read_data_text

CALENDARS_FOLDER = "calendars"
CLOSURES_FILE = "closures.yaml"
MAX_BYTES = 1_000_000  # a closure list is a few hundred lines; anything far bigger is wrong

_OFFICE = re.compile(r"^[A-Z]{2}$")
_OFFICE_KEYS = {"name", "rule", "years"}
_YEAR_KEYS = {"complete", "source", "days"}


@dataclass(slots=True)
class ClosureLoad:
    """The table that loaded, the file it came from, and one `path:line: problem` per problem."""

    table: ClosureTable = field(default_factory=ClosureTable)
    path: Path | None = None
    problems: list[str] = field(default_factory=list)


def load_closures(templates_dir: Path | None = None) -> ClosureLoad:
    """The closure table from the user's template folder when it has a valid one, else shipped."""
    candidates = []
    if templates_dir is not None:
        candidates.append(Path(templates_dir) / CALENDARS_FOLDER / CLOSURES_FILE)
    candidates.append(shipped_templates() / CALENDARS_FOLDER / CLOSURES_FILE)
    problems: list[str] = []
    for path in candidates:
        if not path.is_file():
            continue
        try:
            stat = path.stat()
        except OSError as exc:
            problems.append(f"{path}:1: cannot read the file ({exc.strerror or exc})")
            continue
        table, found = _read_cached(path, stat.st_mtime_ns, stat.st_size)
        problems.extend(found)
        if table is not None:
            return ClosureLoad(table, path, problems)
    return ClosureLoad(ClosureTable(), None, problems)


@lru_cache(maxsize=8)
def _read_cached(path: Path, mtime_ns: int, size: int) -> tuple[ClosureTable | None, list[str]]:
    # Keyed on the file's modification time and size: an edited file is read again.
    return read_closures(path)


def read_closures(path: Path) -> tuple[ClosureTable | None, list[str]]:
    """One file's table, or None and every problem found in it."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, [f"{path}:1: file is larger than {MAX_BYTES:,} bytes"]
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return None, [f"{path}:1: cannot read the file ({exc.strerror or exc})"]
    except UnicodeDecodeError as exc:
        return None, [f"{path}:1: not UTF-8 text (byte {exc.start})"]
    return parse_closures(text, str(path))


def parse_closures(text: str, source: str) -> tuple[ClosureTable | None, list[str]]:
    """The table held by text (the file's content); source names it in problems."""
    data, problems = read_data_text(text, source, what="one closure table", scalar_keys=True)
    if problems:
        return None, problems
    reader = _Reader(source)
    table = reader.table(data)
    if reader.found:
        return None, reader.problems()
    return table, []


# --- checking the shape -------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[tuple[int, str]] = []

    def report(self, line: int, message: str) -> None:
        self.found.append((line, message))

    def problems(self) -> list[str]:
        ordered = sorted(self.found, key=lambda f: f[0])
        return [f"{self.source}:{line}: {message}" for line, message in ordered]

    @staticmethod
    def line(container: object, key: object) -> int:
        if isinstance(container, LocatedMapping):
            return container.line_of(key)
        return int(getattr(container, "line", 1))

    def unknown(self, mapping: LocatedMapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.report(self.line(mapping, key), f"{where}unknown key {key!r} (expected "
                                                     f"{', '.join(sorted(allowed))})")

    def table(self, data: object) -> ClosureTable:
        if not isinstance(data, LocatedMapping) or set(data) != {"offices"}:
            self.report(getattr(data, "line", 1), "the file is a mapping with one key, "
                                                  "'offices'")
            return ClosureTable()
        offices = data["offices"]
        if not isinstance(offices, LocatedMapping):
            self.report(self.line(data, "offices"), "'offices' maps office codes (EP, WO, US) "
                                                    "to their closed days")
            return ClosureTable()
        closures: list[Closure] = []
        complete: dict[str, list[int]] = {}
        for code, entry in offices.items():
            where = f"offices.{code}: "
            if not isinstance(code, str) or not _OFFICE.match(code):
                self.report(self.line(offices, code), f"{code!r} is not an office code: use two "
                                                      "capital letters such as EP, WO or US")
                continue
            if not isinstance(entry, LocatedMapping):
                self.report(self.line(offices, code), f"{where}expected name, rule and years")
                continue
            self.unknown(entry, _OFFICE_KEYS, where)
            years = entry.get("years")
            if not isinstance(years, LocatedMapping):
                self.report(self.line(entry, "years"), f"{where}'years' maps each year to its "
                                                       "source and days")
                continue
            for year, listing in years.items():
                found = self._year(code, year, listing, self.line(years, year), where)
                if found is None:
                    continue
                days, is_complete = found
                closures.extend(days)
                if is_complete:
                    complete.setdefault(code, []).append(year)
        return ClosureTable(closures, complete)

    def _year(self, code: str, year: object, listing: object, line: int,
              where: str) -> tuple[list[Closure], bool] | None:
        if not isinstance(year, int) or isinstance(year, bool) or not 1980 <= year <= 2200:
            self.report(line, f"{where}{year!r} is not a year")
            return None
        where = f"{where}{year}: "
        if not isinstance(listing, LocatedMapping):
            self.report(line, f"{where}expected source, days and (optionally) complete")
            return None
        self.unknown(listing, _YEAR_KEYS, where)
        source = listing.get("source")
        if not isinstance(source, str) or not source.strip():
            self.report(self.line(listing, "source") if "source" in listing else line,
                        f"{where}'source' must say where the "
                                                      "days are published")
            source = ""
        is_complete = listing.get("complete", False)
        if not isinstance(is_complete, bool):
            self.report(self.line(listing, "complete"), f"{where}'complete' must be true or "
                                                        "false")
            is_complete = False
        days = listing.get("days")
        if not isinstance(days, LocatedMapping):
            self.report(self.line(listing, "days") if "days" in listing else line,
                        f"{where}'days' maps each date to why the office is closed")
            return None
        found: list[Closure] = []
        for day, why in days.items():
            at = self.line(days, day)
            if isinstance(day, str):
                with contextlib.suppress(ValueError):
                    day = date.fromisoformat(day)
            if not isinstance(day, date) or day.year != year:
                self.report(at, f"{where}{day!r} is not a date in {year} (write 2026-01-01)")
                continue
            if not isinstance(why, str) or not why.strip():
                self.report(at, f"{where}{day.isoformat()}: say why the office is closed")
                continue
            found.append(Closure(code, day, clean_line(why), clean_line(source)))
        return found, is_complete
