"""Reading agreement-checklist items from YAML: the user's template folder first, then shipped.

Checklist files live in the `checklists/` folder of a template folder (see the shipped
`templates/checklists/agreement.yaml` for the shape). A file in the user's folder replaces the
same-named shipped file, so an organisation can reword the shipped checklist without touching
the installation; a file of another name adds its items. A file with anything wrong is
reported as `path:line: what is wrong` and skipped, and the same-named shipped file is used
instead, so a typo never leaves a vendor without a checklist. Files are read by firstfile's one
YAML reader (services/yaml_data.py): a `!!python/...` tag is an error, never code, and an alias
is refused, never expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from firstfile.domain.checklist import Condition, ItemDefinition
from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.text import clean_line, clean_text
from firstfile.domain.vocabulary import VENDOR_KINDS
from firstfile.resources import shipped_templates
from firstfile.services.yaml_data import Located, LocatedList, LocatedMapping, read_data_file

CHECKLISTS_FOLDER = "checklists"
SUFFIX = ".yaml"
MAX_BYTES = 1_000_000  # a checklist is a few hundred lines; anything far bigger is a wrong file

_FILE_KEYS = {"checklist", "title", "items"}
_ITEM_KEYS = {"id", "title", "guidance", "term", "critical", "when", "tags"}
_WHEN_KEYS = {"countries", "not_countries", "serves_competitor", "kinds"}


@dataclass(slots=True)
class ItemLoad:
    """The items that loaded, in order, and one `path:line: problem` line per problem."""

    items: list[ItemDefinition] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_items(template_dirs: list[Path], *, include_shipped: bool = True) -> ItemLoad:
    """Every checklist item from the `checklists/` folder of each template folder.

    Files are taken by name, the first folder that has a readable, valid file of that name
    winning; items come out in file-name order. An item id already loaded from an earlier
    file is reported and that later item skipped.
    """
    folders = [Path(d) / CHECKLISTS_FOLDER for d in template_dirs]
    if include_shipped:
        folders.append(shipped_templates() / CHECKLISTS_FOLDER)
    result = ItemLoad()
    candidates: dict[str, list[Path]] = {}
    seen: set[Path] = set()
    for folder in folders:
        resolved = folder.resolve()
        if resolved in seen or not folder.is_dir():
            continue
        seen.add(resolved)
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            result.problems.append(f"{folder}:1: cannot list the folder ({exc.strerror or exc})")
            continue
        for path in entries:
            if path.suffix == SUFFIX and path.is_file():
                candidates.setdefault(path.name, []).append(path)
    id_lines: dict[str, str] = {}
    for name in sorted(candidates):
        for path in candidates[name]:
            items, problems = read_items(path)
            result.problems.extend(problems)
            if items is None:
                continue
            for item, line in items:
                if item.id in id_lines:
                    result.problems.append(f"{path}:{line}: item id {item.id!r} is already "
                                           f"used by {id_lines[item.id]}")
                    continue
                id_lines[item.id] = f"{path}:{line}"
                result.items.append(item)
            break
    return result


def read_items(path: Path) -> tuple[list[tuple[ItemDefinition, int]] | None, list[str]]:
    """One file's items with their lines, or None and every problem found."""
    data, problems = read_data_file(path, max_bytes=MAX_BYTES, what="one checklist")
    if problems:
        return None, problems
    check = _Checker(path)
    items = _items_from(check, data)
    if check.found:
        return None, check.problems()
    return items, []


# --- checking the shape ------------------------------------------------------------------------


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[tuple[int, str]] = []

    def report(self, line: int, message: str) -> None:
        self.found.append((line, message))

    def problems(self) -> list[str]:
        return [f"{self.path}:{line}: {m}" for line, m in sorted(self.found, key=lambda f: f[0])]

    @staticmethod
    def line(container: object, key: object) -> int:
        return container.line_of(key) if isinstance(container, Located) else 1

    def unknown(self, mapping: LocatedMapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.report(self.line(mapping, key), f"{where}unknown key {key!r} "
                                                     f"(expected {', '.join(sorted(allowed))})")

    def text(self, mapping: LocatedMapping, key: str, where: str, *, required: bool) -> str:
        value = mapping.get(key)
        if value is None:
            if required:
                self.report(mapping.line, f"{where}missing {key!r}")
            return ""
        if not isinstance(value, str):
            self.report(self.line(mapping, key), f"{where}{key!r} must be text")
            return ""
        if required and not value.strip():
            self.report(self.line(mapping, key), f"{where}{key!r} is empty")
        return value

    def words(self, mapping: LocatedMapping, key: str, where: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if value is None:
            return ()
        if not isinstance(value, LocatedList) or not all(isinstance(v, str) for v in value):
            self.report(self.line(mapping, key), f"{where}{key!r} must be a list of words, "
                                                 "such as [CN, TW]")
            return ()
        return tuple(v.strip() for v in value if v.strip())


def _items_from(check: _Checker, data: object) -> list[tuple[ItemDefinition, int]]:
    if not isinstance(data, LocatedMapping):
        check.report(getattr(data, "line", 1),
                     "a checklist file is a mapping with checklist, title and items")
        return []
    check.unknown(data, _FILE_KEYS, "")
    check.text(data, "checklist", "", required=True)
    entries = data.get("items")
    if not isinstance(entries, LocatedList) or not entries:
        check.report(check.line(data, "items"), "'items' must be a list of at least one item")
        return []
    items: list[tuple[ItemDefinition, int]] = []
    ids: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = check.line(entries, index)
        if not isinstance(entry, LocatedMapping):
            check.report(line, f"items[{index}] must be a mapping with id, title and guidance")
            continue
        item_id = entry.get("id")
        # Checked before the item itself, so a duplicate is reported even next to other errors.
        if isinstance(item_id, str) and item_id in ids:
            check.report(line, f"item id {item_id!r} is used twice (first at line {ids[item_id]})")
            continue
        if isinstance(item_id, str):
            ids[item_id] = line
        item = _item_from(check, entry, f"items[{index}]: ", str(check.path))
        if item is not None:
            items.append((item, line))
    return items


def _item_from(
    check: _Checker, entry: LocatedMapping, where: str, source: str
) -> ItemDefinition | None:
    before = len(check.found)
    check.unknown(entry, _ITEM_KEYS, where)
    item_id = check.text(entry, "id", where, required=True)
    if item_id and not is_valid_record_key(item_id):
        check.report(check.line(entry, "id"),
                     f"{where}id {clean_line(item_id)!r} must be letters, digits, '.', '_' or '-'")
    title = check.text(entry, "title", where, required=True)
    guidance = check.text(entry, "guidance", where, required=True)
    term = check.text(entry, "term", where, required=False)
    critical = entry.get("critical", False)
    if not isinstance(critical, bool):
        check.report(check.line(entry, "critical"), f"{where}'critical' must be true or false")
    tags = check.words(entry, "tags", where)
    when = _condition(check, entry, where)
    if len(check.found) > before:
        return None
    return ItemDefinition(
        id=item_id, title=clean_line(title), guidance=clean_text(guidance).strip(),
        term=clean_text(term).strip(), critical=bool(critical), when=when,
        tags=tuple(t.lower() for t in tags), source=source,
    )


def _condition(check: _Checker, entry: LocatedMapping, where: str) -> Condition:
    when = entry.get("when")
    if when is None:
        return Condition()
    if not isinstance(when, LocatedMapping):
        check.report(check.line(entry, "when"), f"{where}'when' must be a mapping such as "
                                                "{countries: [CN]}")
        return Condition()
    check.unknown(when, _WHEN_KEYS, f"{where}when: ")
    countries = tuple(c.upper() for c in check.words(when, "countries", f"{where}when: "))
    not_countries = tuple(c.upper() for c in check.words(when, "not_countries", f"{where}when: "))
    for code in (*countries, *not_countries):
        if len(code) != 2 or not code.isalpha():
            check.report(when.line, f"{where}when: {clean_line(code)!r} is not a two-letter "
                                    "country code")
    kinds = check.words(when, "kinds", f"{where}when: ")
    for kind in kinds:
        if kind not in VENDOR_KINDS:
            check.report(check.line(when, "kinds"), f"{where}when: unknown vendor kind "
                         f"{clean_line(kind)!r} (expected {', '.join(VENDOR_KINDS)})")
    serves = when.get("serves_competitor")
    if serves is not None and not isinstance(serves, bool):
        check.report(check.line(when, "serves_competitor"),
                     f"{where}when: 'serves_competitor' must be true or false")
        serves = None
    return Condition(countries=countries, not_countries=not_countries,
                     serves_competitor=serves, kinds=kinds)
