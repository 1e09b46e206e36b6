"""Reading the jurisdiction table from YAML: the user's template folder first, then shipped.

The table is `jurisdictions.yaml` at the top of a template folder (the shipped
`templates/jurisdictions.yaml` documents its shape). A file in the user's folder replaces the
shipped one whole: the table is counsel's, reviewed as one piece, so rows are never mixed from
two files. A file with anything wrong is reported as `path:line: field: what is wrong`, every
problem in one run, and the next file is used instead, so a typo never leaves the strategy
without a table; the load says which file it used. The file is read with the interchange
format's event-level loader (no tag can build an object, no alias is expanded) and checked
field by field with its Checker, so every message names its line.

Rules enforced here: a score inside the table's scale, a code that is ISO 3166-1 alpha-2 or a
known office, no negative cost, no currency without a rate, no value without its source and its
year or date, deadline rules named as the deadline engine names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from firstfile.domain.country_codes import describe_code_problem, is_jurisdiction_code
from firstfile.domain.deadline_rules import RULES_BY_KEY
from firstfile.domain.jurisdictions import (
    EnforceabilityScore,
    ExchangeRates,
    FilingCost,
    GracePeriod,
    Jurisdiction,
    JurisdictionTable,
    Scale,
    TimeToGrant,
    UtilityModel,
)
from firstfile.domain.text import clean_line
from firstfile.interchange.fields import Checker, Fields, join
from firstfile.interchange.nodes import MAP, SCALAR, Node
from firstfile.interchange.problems import Problems
from firstfile.interchange.raw_text import make_readable
from firstfile.interchange.yaml_nodes import yaml_nodes
from firstfile.resources import shipped_templates

TABLE_FILE = "jurisdictions.yaml"
MAX_BYTES = 1_000_000  # a table of every country is some thousands of lines, far below this
EARLIEST_YEAR = 1883  # the Paris Convention: no source about patents is older
MAX_GRACE_MONTHS = 24
_CURRENCY = re.compile(r"^[A-Z]{3}$")

_TOP = ("reviewed", "scale", "rates", "offices")
_TOP_OPTIONAL = ("reviewed_by",)
_OFFICE_OPTIONAL = (
    "enforceability",
    "grace_period",
    "deadline_rules",
    "utility_model",
    "cost_10y",
    "time_to_grant",
    "notes",
)


@dataclass(frozen=True, slots=True)
class TableLoad:
    """The table in use and where it came from, with every problem and warning on the way.

    table is None only when no file could be read at all (the shipped one is broken too).
    """

    table: JurisdictionTable | None
    path: Path | None
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def load_table(
    template_dirs: list[Path], *, include_shipped: bool = True, today: date | None = None
) -> TableLoad:
    """The jurisdiction table of the first template folder that holds a valid one.

    Folders are tried in order (the user's first), then the shipped templates unless
    include_shipped is False. Problems of every file tried are kept, so the user learns why
    their own table was not used. Warnings are those of the table in use (its age).
    """
    paths = [Path(folder) / TABLE_FILE for folder in template_dirs]
    if include_shipped:
        paths.append(shipped_templates() / TABLE_FILE)
    problems: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved in seen or not path.is_file():
            continue
        seen.add(resolved)
        table, found, warnings = read_table(path, today=today)
        problems.extend(found)
        if table is not None:
            return TableLoad(table, path, tuple(problems), tuple(warnings))
    return TableLoad(None, None, tuple(problems))


def read_table(
    path: Path, *, today: date | None = None
) -> tuple[JurisdictionTable | None, list[str], list[str]]:
    """One file's table, or None; then its problems and its warnings, one line each."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, [f"{path}:1: the file is larger than {MAX_BYTES:,} bytes"], []
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return None, [f"{path}:1: cannot read the file ({exc.strerror or exc})"], []
    except UnicodeDecodeError as exc:
        return None, [f"{path}:1: not UTF-8 text (byte {exc.start}): save it as UTF-8"], []
    return parse_table(text, str(path), today=today)


def parse_table(
    text: str, source: str = "<text>", *, today: date | None = None
) -> tuple[JurisdictionTable | None, list[str], list[str]]:
    """Check text as a jurisdiction table: the table (None on any error), problems, warnings."""
    problems = Problems(source)
    text = make_readable(text, problems)
    root = None
    if not text.strip():
        problems.error(1, "", "the file is empty: expected reviewed, scale, rates and offices")
    else:
        root = yaml_nodes(
            text,
            problems,
            empty="the file is empty: expected reviewed, scale, rates and offices",
            second_document="one jurisdiction table per file: found a second YAML document ('---')",
        )
    reader = _TableReader(problems)
    table = reader.read(root, source) if root is not None else None
    if problems.errors:
        return None, problems.format_errors(), problems.format_warnings()
    assert table is not None
    today = today or date.today()
    for path, warning in (
        ("reviewed", table.review_warning(today)),
        ("rates.date", table.rates_warning(today)),
    ):
        if warning is not None:
            problems.warn(reader.check.line(path) or 1, path, warning)
    return table, [], problems.format_warnings()


class _TableReader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.check = Checker(problems)
        self.reviewed: date | None = None
        self.currencies: set[str] = set()

    def error(self, node: Node, path: str, message: str) -> None:
        self.problems.error(node.line, path, message)

    def read(self, root: Node, source: str) -> JurisdictionTable | None:
        fields = self.check.mapping(root, "", _TOP, _TOP_OPTIONAL)
        if fields is None:
            return None
        self.reviewed = self.check.date(fields, "reviewed", "")
        reviewed_by = self.check.text(fields, "reviewed_by", "")
        scale = self._scale(fields.get("scale"))
        rates = self._rates(fields.get("rates"))
        offices = self._offices(fields, scale)
        if self.reviewed is None or scale is None or rates is None or self.problems.errors:
            return None
        return JurisdictionTable(
            reviewed=self.reviewed,
            scale=scale,
            rates=rates,
            offices=tuple(offices),
            reviewed_by=reviewed_by,
            source=source,
        )

    # -- the scale and the rates -------------------------------------------------------------

    def _scale(self, node: Node | None) -> Scale | None:
        if node is None:
            return None
        fields = self.check.mapping(node, "scale", ("name", "low", "high"), ("unit",))
        if fields is None:
            return None
        name = self.check.text(fields, "name", "scale", required=True)
        low = self.check.number(fields, "low", "scale")
        high = self.check.number(fields, "high", "scale")
        unit = self.check.text(fields, "unit", "scale")
        if low is None or high is None:
            return None
        if high <= low:
            self.error(
                fields["high"],
                "scale.high",
                f"the high end ({high:g}) must be above the low end ({low:g})",
            )
            return None
        return Scale(name=name, low=low, high=high, unit=unit)

    def _rates(self, node: Node | None) -> ExchangeRates | None:
        if node is None:
            return None
        path = "rates"
        fields = self.check.mapping(node, path, ("base", "date", "source"), ("units_per_base",))
        if fields is None:
            return None
        base = self._currency(fields, "base", path)
        as_of = self.check.date(fields, "date", path)
        rate_source = self.check.text(fields, "source", path, required=True)
        self._not_after_review(fields, "date", path, as_of)
        pairs: list[tuple[str, float]] = []
        rates_node = fields.get("units_per_base")
        if rates_node is not None:
            pairs = self._rate_pairs(rates_node, join(path, "units_per_base"), base)
        if not base or as_of is None:
            return None
        self.currencies = {base, *(code for code, _ in pairs)}
        return ExchangeRates(
            base=base, as_of=as_of, source=rate_source, units_per_base=tuple(pairs)
        )

    def _rate_pairs(self, node: Node, path: str, base: str) -> list[tuple[str, float]]:
        if node.kind != MAP:
            self.error(node, path, "expected a mapping of currency to rate, such as {EUR: 0.92}")
            return []
        pairs: list[tuple[str, float]] = []
        seen: dict[str, int] = {}
        for key, value in node.value:
            code = key.text if key.kind == SCALAR else ""
            where = join(path, code)
            if not _CURRENCY.match(code):
                self.error(
                    key,
                    path,
                    f"{clean_line(code)!r} is not an ISO 4217 currency code "
                    "(three capital letters, such as EUR)",
                )
                continue
            if code in seen:
                self.error(key, where, f"given twice (first on line {seen[code]})")
                continue
            seen[code] = key.line
            if code == base:
                self.error(
                    key,
                    where,
                    f"{code} is the base currency: its rate is 1 by definition, leave it out",
                )
                continue
            rate = self.check.number({code: value}, code, path)
            if rate is None:
                continue
            if rate <= 0:
                self.error(value, where, f"a rate must be above 0, not {rate:g}")
                continue
            pairs.append((code, rate))
        return pairs

    # -- the offices ---------------------------------------------------------------------------

    def _offices(self, fields: Fields, scale: Scale | None) -> list[Jurisdiction]:
        offices: list[Jurisdiction] = []
        codes: dict[str, int] = {}
        for node, path in self.check.items(fields, "offices", ""):
            office = self._office(node, path, scale, codes)
            if office is not None:
                offices.append(office)
        return offices

    def _office(
        self, node: Node, path: str, scale: Scale | None, codes: dict[str, int]
    ) -> Jurisdiction | None:
        fields = self.check.mapping(node, path, ("code", "name"), _OFFICE_OPTIONAL)
        if fields is None:
            return None
        before = len(self.problems.errors)
        code = self.check.text(fields, "code", path)
        if code and not is_jurisdiction_code(code):
            self.error(fields["code"], join(path, "code"), describe_code_problem(code))
        elif code in codes:
            self.error(
                fields["code"],
                join(path, "code"),
                f"{code} is in the table twice (first on line {codes[code]})",
            )
        elif code:
            codes[code] = fields["code"].line
        name = self.check.text(fields, "name", path, required=True)
        office = Jurisdiction(
            code=code,
            name=name,
            enforceability=self._enforceability(fields, path, scale),
            grace_period=self._grace(fields, path),
            deadline_rules=self._rules(fields, path),
            utility_model=self._utility_model(fields, path),
            cost_10y=self._cost(fields, path),
            time_to_grant=self._time_to_grant(fields, path),
            notes=self.check.text(fields, "notes", path, multiline=True).strip(),
        )
        return office if len(self.problems.errors) == before else None

    def _cited(
        self, fields: Fields, name: str, path: str, values: tuple[str, ...]
    ) -> tuple[Fields, str, str] | None:
        """The fields of a cited value, checked for its source: None when absent or wrong.

        A value without a source is refused: the table is evidence of why counsel filed
        where they did, and a number nobody can trace helps nobody.
        """
        node = fields.get(name)
        if node is None:
            return None
        where = join(path, name)
        stamp = "date" if name == "cost_10y" else "year"
        cited = self.check.mapping(node, where, (), (*values, "source", stamp))
        if cited is None:
            return None
        missing = [v for v in values if v not in cited]
        if missing:
            self.error(
                node,
                where,
                f"has no {' or '.join(missing)}: give the value, or leave "
                f"'{name}' out (empty) when no source gives one",
            )
            return None
        source = self.check.text(cited, "source", where).strip()
        if not source:
            self.error(
                node,
                where,
                "has no source: every value needs the name of its source "
                f"and its {stamp} (an index and its edition, a fee schedule, "
                "counsel's estimate); leave the value out if none can be "
                "cited",
            )
            return None
        if stamp not in cited:
            self.error(node, where, f"has no {stamp}: give the {stamp} of its source")
            return None
        return cited, where, source

    def _year(self, cited: Fields, where: str) -> int | None:
        high = self.reviewed.year if self.reviewed else None
        year = self.check.integer(cited, "year", where, EARLIEST_YEAR, high)
        if year is not None and high is not None and year > high:
            return None  # Checker already said it is out of range (after the review)
        return year

    def _not_after_review(self, fields: Fields, name: str, path: str, day: date | None) -> None:
        if day is not None and self.reviewed is not None and day > self.reviewed:
            self.error(
                fields[name],
                join(path, name),
                f"{day.isoformat()} is after the table's review date "
                f"({self.reviewed.isoformat()}): review the table again",
            )

    def _enforceability(
        self, fields: Fields, path: str, scale: Scale | None
    ) -> EnforceabilityScore | None:
        found = self._cited(fields, "enforceability", path, ("score",))
        if found is None:
            return None
        cited, where, source = found
        score = self.check.number(cited, "score", where)
        year = self._year(cited, where)
        if score is None or year is None:
            return None
        if scale is not None and not scale.low <= score <= scale.high:
            unit = scale.unit
            self.error(
                cited["score"],
                join(where, "score"),
                f"{score:g} is outside the table's scale, {scale.low:g}{unit} to "
                f"{scale.high:g}{unit} ({scale.name}): convert it to that scale",
            )
            return None
        return EnforceabilityScore(score=score, source=source, year=year)

    def _grace(self, fields: Fields, path: str) -> GracePeriod | None:
        found = self._cited(fields, "grace_period", path, ("months",))
        if found is None:
            return None
        cited, where, source = found
        months = self.check.integer(cited, "months", where, 0, MAX_GRACE_MONTHS)
        year = self._year(cited, where)
        if months is None or year is None:
            return None
        return GracePeriod(months=months, source=source, year=year)

    def _utility_model(self, fields: Fields, path: str) -> UtilityModel | None:
        found = self._cited(fields, "utility_model", path, ("available",))
        if found is None:
            return None
        cited, where, source = found
        available = self.check.boolean(cited, "available", where)
        year = self._year(cited, where)
        if available is None or year is None:
            return None
        return UtilityModel(available=available, source=source, year=year)

    def _cost(self, fields: Fields, path: str) -> FilingCost | None:
        found = self._cited(fields, "cost_10y", path, ("amount", "currency"))
        if found is None:
            return None
        cited, where, source = found
        amount = self.check.number(cited, "amount", where)
        currency = self._currency(cited, "currency", where)
        as_of = self.check.date(cited, "date", where)
        self._not_after_review(cited, "date", where, as_of)
        if amount is not None and amount < 0:
            self.error(
                cited["amount"], join(where, "amount"), f"a cost cannot be negative ({amount:g})"
            )
            return None
        if currency and self.currencies and currency not in self.currencies:
            self.error(
                cited["currency"],
                join(where, "currency"),
                f"{currency} has no rate in rates.units_per_base: add its rate (units "
                f"of {currency} per one unit of the base currency) or give the cost in "
                "a currency that has one",
            )
            return None
        if amount is None or not currency or as_of is None:
            return None
        return FilingCost(amount=amount, currency=currency, source=source, as_of=as_of)

    def _time_to_grant(self, fields: Fields, path: str) -> TimeToGrant | None:
        found = self._cited(fields, "time_to_grant", path, ("months",))
        if found is None:
            return None
        cited, where, source = found
        months = self.check.number(cited, "months", where)
        year = self._year(cited, where)
        if months is None or year is None:
            return None
        if months <= 0:
            self.error(
                cited["months"],
                join(where, "months"),
                f"a time to grant must be above 0 months, not {months:g}",
            )
            return None
        return TimeToGrant(months=months, source=source, year=year)

    def _rules(self, fields: Fields, path: str) -> tuple[str, ...]:
        rules: list[str] = []
        for node, where in self.check.items(fields, "deadline_rules", path):
            key = self.check.text_of(node, where)
            if key and key not in RULES_BY_KEY:
                known = ", ".join(sorted(RULES_BY_KEY))
                self.error(
                    node,
                    where,
                    f"{clean_line(key)!r} is not a deadline rule; the rules are: {known}",
                )
            elif key in rules:
                self.error(node, where, f"{key!r} is listed twice")
            elif key:
                rules.append(key)
        return tuple(rules)

    def _currency(self, fields: Fields, name: str, path: str) -> str:
        code = self.check.text(fields, name, path)
        if code and not _CURRENCY.match(code):
            self.error(
                fields[name],
                join(path, name),
                f"{clean_line(code)!r} is not an ISO 4217 currency code (three capital "
                "letters, such as USD)",
            )
            return ""
        return code
