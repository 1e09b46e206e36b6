"""The layering of docs/ARCHITECTURE.md, checked over the source so it cannot drift.

Every import counts: at the top of a module, inside a function (the lazy imports of workers
and commands) and under TYPE_CHECKING alike, because each is a dependency someone has to
keep working.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True)
class Rule:
    """Modules under `layer` may not import `refused` (a module or any module under it),
    except the modules named in `allowed`."""

    layer: str
    refused: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    why: str = ""


RULES: tuple[Rule, ...] = (
    Rule(
        "firstfile.storage",
        ("firstfile.services", "firstfile.ui", "firstfile.cli", "firstfile.commands"),
        why="storage holds queries; it is called, it never calls up",
    ),
    Rule(
        "firstfile.services",
        ("firstfile.ui", "firstfile.cli", "firstfile.commands"),
        why="services are shared by the screens and the command line",
    ),
    Rule(
        "firstfile.ui",
        ("firstfile.rendering", "firstfile.storage", "sqlalchemy", "sqlmodel"),
        # The app opens the store and screens hand it to services: the handle and its
        # errors are the one part of storage a screen may name.
        allowed=("firstfile.storage.engine",),
        why="screens export through services/exports.py and query through services",
    ),
    Rule(
        "firstfile.interchange",
        ("firstfile.services", "firstfile.ui", "firstfile.cli", "firstfile.commands"),
        why="the file format knows nothing of how it is used",
    ),
    Rule(
        "firstfile.rendering",
        ("firstfile.storage", "firstfile.services", "firstfile.ui", "firstfile.cli"),
        why="documents are made from plain views, never from the database",
    ),
)

# The domain is pure: the standard library, `holidays`, and itself.
DOMAIN = "firstfile.domain"
DOMAIN_MAY_IMPORT = frozenset(sys.stdlib_module_names) | {"holidays", "firstfile"}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def imported_names(module: str, source: str) -> list[tuple[int, str]]:
    """(line, module) for every import in source, relative imports resolved from module."""
    package = module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # `from firstfile import rendering` imports the package firstfile.rendering.
            found.append((node.lineno, name))
            found.extend((node.lineno, f"{name}.{alias.name}") for alias in node.names)
    return found


def violations(module: str, source: str) -> list[str]:
    """What module (whose text is source) imports against the layering, one line each."""
    problems: dict[int, str] = {}  # one per import statement
    for line, name in imported_names(module, source):
        if line in problems:
            continue
        if _under(module, DOMAIN):
            top = name.split(".")[0]
            if top not in DOMAIN_MAY_IMPORT or (
                top == "firstfile" and not (name == "firstfile" or _under(name, DOMAIN))
            ):
                problems[line] = (
                    f"{module}:{line} imports {name}: the domain is pure "
                    "(standard library and holidays only)"
                )
            continue
        for rule in RULES:
            if not _under(module, rule.layer):
                continue
            if any(_under(name, refused) for refused in rule.refused) and not any(
                _under(name, allowed) for allowed in rule.allowed
            ):
                # `from firstfile.storage import engine` names the allowed module too.
                if any(allowed.startswith(name + ".") for allowed in rule.allowed):
                    continue
                problems[line] = f"{module}:{line} imports {name}: {rule.why}"
    return list(problems.values())


def _modules() -> list[tuple[str, str]]:
    found = []
    for path in sorted((SRC / "firstfile").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path.read_text(encoding="utf-8")))
    return found


def test_the_source_keeps_the_layering() -> None:
    modules = _modules()
    assert len(modules) > 100  # the walk found the package, not an empty folder
    problems = [p for module, source in modules for p in violations(module, source)]
    assert problems == []


def test_a_screen_importing_rendering_is_caught() -> None:
    source = (
        "def export(self):\n"
        "    from firstfile.rendering.export import export_disclosure\n"
        "    return export_disclosure\n"
    )
    problems = violations("firstfile.ui.screens.editor", source)
    assert len(problems) == 1
    assert "firstfile.ui.screens.editor:2 imports firstfile.rendering.export" in problems[0]


def test_every_way_of_naming_a_refused_module_is_caught() -> None:
    sources = [
        "import firstfile.rendering.minutes\n",
        "from firstfile import rendering\n",
        "from firstfile.storage.disclosure_queries import ListFilter\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlalchemy.exc\n",
        "from sqlmodel import col\n",
        "from ...storage import tables\n",  # firstfile/ui/screens -> firstfile/storage
    ]
    for source in sources:
        assert violations("firstfile.ui.screens.home", source), source


def test_what_the_architecture_allows_passes() -> None:
    allowed = (
        "from firstfile.storage.engine import Store, StoreError\n"
        "from firstfile.storage import engine\n"
        "from firstfile.services import exports\n"
        "from firstfile.domain.views import DisclosureView\n"
    )
    assert violations("firstfile.ui.screens.editor", allowed) == []


def test_the_domain_may_import_only_the_standard_library_and_holidays() -> None:
    assert violations("firstfile.domain.deadlines", "import holidays\nimport datetime\n") == []
    assert violations("firstfile.domain.deadlines", "import yaml\n")
    assert violations("firstfile.domain.deadlines", "from firstfile.storage import tables\n")
    assert violations("firstfile.domain.deadlines", "from firstfile.domain import keys\n") == []


def test_storage_and_services_never_call_up() -> None:
    assert violations("firstfile.storage.audit", "from firstfile.services import errors\n")
    assert violations("firstfile.services.drafts", "from firstfile.ui.app import FirstfileApp\n")
    assert violations("firstfile.services.drafts", "import firstfile.cli\n")
