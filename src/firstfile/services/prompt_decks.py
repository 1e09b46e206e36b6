"""Reading prompt decks from YAML files: the user's template folder first, then the shipped ones.

A deck file lives in the `prompts/` folder of a template folder and has this shape:

    deck: <name>
    title: <text>
    source: <text>                 # optional: where the prompts come from
    prompts:
      - id: <stable id>            # letters, digits, '.', '_' and '-'; unique across all decks
        title: <text>
        question: <text>
        component_kinds: [pcb, firmware]   # optional
        example: <text>            # optional

A file in an earlier template folder overrides the same-named file (say `triz.yaml`) in a later
one, so a user can reword the shipped TRIZ deck without touching the installation. A file with
anything wrong is reported as `path:line: what is wrong` and skipped; if it was overriding a
later file, that one is used instead, so a typo never costs the session a whole deck. Files are
read by firstfile's one YAML reader (services/yaml_data.py): a `!!python/...` tag is an error,
never code, and an alias is refused, never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from firstfile.domain.keys import is_valid_record_key
from firstfile.domain.prompts import Deck, Prompt
from firstfile.domain.text import clean_line, clean_text
from firstfile.resources import shipped_templates
from firstfile.services.yaml_data import Located, LocatedList, LocatedMapping, read_data_file

PROMPTS_FOLDER = "prompts"
DECK_SUFFIX = ".yaml"
# A deck is a few hundred lines; anything far bigger is a wrong file, not a deck.
MAX_DECK_BYTES = 1_000_000

_DECK_KEYS = {"deck", "title", "source", "prompts"}
_PROMPT_KEYS = {"id", "title", "question", "component_kinds", "example"}
_KIND = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(slots=True)
class DeckLoad:
    """The decks that loaded, in walking order, and one line per problem found on the way."""

    decks: list[Deck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def load_decks(template_dirs: list[Path], *, include_shipped: bool = True) -> DeckLoad:
    """Load every prompt deck from the `prompts/` folder of each template folder, in order.

    template_dirs come first (the user's own folder), then the shipped templates unless
    include_shipped is False. Decks come out folder by folder, each folder in file-name order;
    a file name already loaded from an earlier folder is not loaded again. A broken file is
    reported and skipped, and the same-named file of a later folder is used instead. A deck
    whose name or prompt ids another deck already holds is reported and skipped; decks of later
    folders hold theirs first, so a user's added deck that reuses a shipped id is the one left
    out, never the shipped deck.
    """
    folders = [Path(d) / PROMPTS_FOLDER for d in template_dirs]
    if include_shipped:
        folders.append(shipped_templates() / PROMPTS_FOLDER)

    # For each file name, the files that could supply it, most preferred first.
    result = DeckLoad()
    candidates: dict[str, list[tuple[int, Path]]] = {}
    for rank, path in _deck_files(folders, result.problems):
        candidates.setdefault(path.name, []).append((rank, path))

    chosen: list[tuple[int, Path, _DeckFile]] = []  # in walking order
    for files in candidates.values():
        for rank, path in files:
            parsed = _read(path)
            if parsed.deck is not None:
                chosen.append((rank, path, parsed))
                break
            result.problems.extend(parsed.problems)

    # Claims go from the last folder to the first; sorted() is stable, so within a folder the
    # file-name order decides.
    id_owner: dict[str, str] = {}  # prompt id -> the deck that holds it, for the message
    name_owner: dict[str, Path] = {}
    clashing: set[Path] = set()
    for _rank, path, parsed in sorted(chosen, key=lambda entry: -entry[0]):
        problems = _clashes(parsed, path, id_owner, name_owner)
        if problems:
            result.problems.extend(problems)
            clashing.add(path)
            continue
        deck = parsed.deck
        assert deck is not None  # only parsed decks were chosen
        name_owner[deck.name] = path
        for prompt in deck.prompts:
            id_owner[prompt.id] = f"deck {deck.name!r} ({path})"

    result.decks = [
        parsed.deck for _rank, path, parsed in chosen
        if parsed.deck is not None and path not in clashing
    ]
    return result


def read_deck(path: Path) -> tuple[Deck | None, list[str]]:
    """Read one deck file: the deck, or None and every problem found, as `path:line: what`."""
    parsed = _read(path)
    return parsed.deck, parsed.problems


@dataclass(slots=True)
class _DeckFile:
    """A deck as read from one file, with the lines that later clash reports point at."""

    deck: Deck | None
    problems: list[str]
    name_line: int = 1
    id_lines: dict[str, int] = field(default_factory=dict)


def _read(path: Path) -> _DeckFile:
    data, problems = read_data_file(path, max_bytes=MAX_DECK_BYTES, what="one prompt deck",
                                    too_big="; a prompt deck should be far smaller")
    if problems:
        return _DeckFile(None, problems)
    return _deck_from_data(data, path)


# --- finding files -----------------------------------------------------------------------------


def _deck_files(folders: list[Path], problems: list[str]) -> Iterator[tuple[int, Path]]:
    """Each deck file with the rank of its folder (0 is the most preferred)."""
    seen: set[Path] = set()
    for rank, folder in enumerate(folders):
        resolved = folder.resolve()
        if resolved in seen or not folder.is_dir():
            continue  # a user with no prompts folder of their own is the usual case
        seen.add(resolved)
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            problems.append(f"{folder}:1: cannot list the folder ({exc.strerror or exc})")
            continue
        for path in entries:
            # is_file() is False for folders and FIFOs, which would block a read.
            if path.suffix == DECK_SUFFIX and path.is_file():
                yield rank, path


# --- checking the shape ------------------------------------------------------------------------


def _kind_of(value: object) -> str:
    """How a wrong value reads in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


class _Checker:
    """Collects `path:line: what` problems while turning parsed YAML into domain objects."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._found: list[tuple[int, str]] = []

    def report(self, line: int, message: str) -> None:
        self._found.append((line, message))

    @property
    def count(self) -> int:
        return len(self._found)

    @property
    def problems(self) -> list[str]:
        """The problems in file order, so they read top to bottom like the file."""
        ordered = sorted(self._found, key=lambda found: found[0])  # stable within a line
        return [f"{self.path}:{line}: {message}" for line, message in ordered]

    def line_of(self, container: object, key: object) -> int:
        return container.line_of(key) if isinstance(container, Located) else 1

    def text(self, mapping: LocatedMapping, key: str, where: str, *, required: bool) -> str:
        if key not in mapping:
            if required:
                self.report(mapping.line, f"{where}missing {key!r}")
            return ""
        value = mapping[key]
        if not isinstance(value, str):
            self.report(self.line_of(mapping, key),
                        f"{where}{key!r} must be text, not {_kind_of(value)}")
            return ""
        if required and not value.strip():
            self.report(self.line_of(mapping, key), f"{where}{key!r} is empty")
        return value

    def unknown_keys(self, mapping: LocatedMapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.report(self.line_of(mapping, key),
                            f"{where}unknown key {key!r} (expected {', '.join(sorted(allowed))})")


def _deck_from_data(data: object, path: Path) -> _DeckFile:
    check = _Checker(path)
    if not isinstance(data, LocatedMapping):
        check.report(getattr(data, "line", 1),
                     f"a deck is a mapping with deck, title and prompts, not {_kind_of(data)}")
        return _DeckFile(None, check.problems)

    check.unknown_keys(data, _DECK_KEYS, "")
    name = check.text(data, "deck", "", required=True)
    if name and not is_valid_record_key(name):
        check.report(check.line_of(data, "deck"),
                     f"deck name {clean_line(name)!r} must be letters, digits, '.', '_' or '-'")
    title = check.text(data, "title", "", required=True)
    source = check.text(data, "source", "", required=False)

    prompts: list[Prompt] = []
    id_lines: dict[str, int] = {}
    items = data.get("prompts")
    if "prompts" not in data:
        check.report(data.line, "missing 'prompts'")
    elif not isinstance(items, LocatedList):
        check.report(check.line_of(data, "prompts"),
                     f"'prompts' must be a list of prompts, not {_kind_of(items)}")
    elif not items:
        check.report(check.line_of(data, "prompts"), "'prompts' is empty")
    else:
        for index, item in enumerate(items):
            prompt = _prompt_from_data(check, items, index, item, name)
            if prompt is None:
                continue
            line = check.line_of(item, "id")
            if prompt.id in id_lines:
                check.report(line, f"prompt id {prompt.id!r} is used twice in this deck "
                                   f"(first at line {id_lines[prompt.id]})")
                continue
            id_lines[prompt.id] = line
            prompts.append(prompt)

    if check.count:
        return _DeckFile(None, check.problems)
    deck = Deck(name=name, title=clean_line(title), source=clean_line(source),
                prompts=tuple(prompts))
    return _DeckFile(deck, [], check.line_of(data, "deck"), id_lines)


def _prompt_from_data(
    check: _Checker, items: LocatedList, index: int, item: object, deck_name: str
) -> Prompt | None:
    if not isinstance(item, LocatedMapping):
        check.report(check.line_of(items, index),
                     f"prompts[{index}] must be a mapping with id, title and question, "
                     f"not {_kind_of(item)}")
        return None
    where = f"prompts[{index}]: "
    before = check.count
    check.unknown_keys(item, _PROMPT_KEYS, where)
    prompt_id = check.text(item, "id", where, required=True)
    if prompt_id and not is_valid_record_key(prompt_id):
        check.report(check.line_of(item, "id"),
                     f"{where}id {clean_line(prompt_id)!r} must be letters, digits, "
                     "'.', '_' or '-' (64 at most)")
    title = check.text(item, "title", where, required=True)
    question = check.text(item, "question", where, required=True)
    example = check.text(item, "example", where, required=False)
    kinds = _component_kinds(check, item, where)
    if check.count > before:
        return None
    return Prompt(
        id=prompt_id,
        deck=deck_name,
        title=clean_line(title),
        question=clean_text(question).strip(),
        component_kinds=kinds,
        example=clean_text(example).strip(),
    )


def _component_kinds(check: _Checker, item: LocatedMapping, where: str) -> tuple[str, ...]:
    if "component_kinds" not in item or item["component_kinds"] is None:
        return ()
    value = item["component_kinds"]
    if not isinstance(value, LocatedList):
        check.report(check.line_of(item, "component_kinds"),
                     f"{where}'component_kinds' must be a list such as [pcb, firmware], "
                     f"not {_kind_of(value)}")
        return ()
    kinds: list[str] = []
    for index, kind in enumerate(value):
        line = check.line_of(value, index)
        if not isinstance(kind, str):
            check.report(line, f"{where}a component kind must be text, not {_kind_of(kind)}")
            continue
        normal = kind.strip().lower()
        if not _KIND.match(normal):
            check.report(line, f"{where}component kind {clean_line(kind)!r} must be one short "
                               "word (letters, digits, '-')")
        elif normal not in kinds:
            kinds.append(normal)
    return tuple(kinds)


def _clashes(
    parsed: _DeckFile, path: Path, id_owner: dict[str, str], name_owner: dict[str, Path]
) -> list[str]:
    """Problems with a deck that only show next to the decks loaded before it."""
    assert parsed.deck is not None
    deck = parsed.deck
    problems: list[str] = []
    if deck.name in name_owner:
        problems.append(f"{path}:{parsed.name_line}: deck name {deck.name!r} is already used "
                        f"by {name_owner[deck.name]}")
    for prompt in deck.prompts:
        if prompt.id in id_owner:
            problems.append(f"{path}:{parsed.id_lines[prompt.id]}: prompt id {prompt.id!r} "
                            f"is already used by {id_owner[prompt.id]}")
    return problems
