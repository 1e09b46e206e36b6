"""The outsourcing-risk code keeps to its layers (docs/ARCHITECTURE.md): domain/risk imports the
standard library and the domain only, and the solver module loads scipy only when it solves."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import firstfile.domain.risk

RISK = Path(firstfile.domain.risk.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_domain_risk_imports_only_the_standard_library_and_the_domain() -> None:
    files = sorted(RISK.glob("*.py"))
    assert len(files) >= 8
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            if top == "firstfile":
                assert name.startswith("firstfile.domain"), f"{path.name} imports {name}"
            else:
                assert top in sys.stdlib_module_names or top == "__future__", (
                    f"{path.name} imports {name}"
                )


def test_the_solver_module_does_not_load_scipy_until_a_split_is_solved() -> None:
    code = (
        "import sys, firstfile.analysis.split_solver, firstfile.domain.risk.split; "
        "print(sorted(m for m in ('scipy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
