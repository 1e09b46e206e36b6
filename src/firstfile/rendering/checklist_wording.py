"""The words of checklist documents, from `checklists/wording/<audience>.j2`.

Looked up in the user's template folder first, then the shipped one (rendering/wording.py),
in the same sandbox. The vendor's wording is evaluated with nothing but the vendor's name and
the date of issue in its context, so even an organisation's own template cannot reach an
internal field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from firstfile.rendering.safe_files import ExportError
from firstfile.rendering.wording import owned_names, template_environment, template_errors

AUDIENCES: tuple[str, ...] = ("internal", "vendor")


@dataclass(frozen=True, slots=True)
class ChecklistWording:
    """The names one wording template sets."""

    template: str
    names: Mapping[str, Any]

    def __call__(self, name: str) -> str:
        """The text the template set for name; an ExportError naming the file when missing."""
        try:
            return str(self.names[name])
        except KeyError:
            raise ExportError(
                f"the wording template {self.template} does not set {name!r}; add "
                f'`{{% set {name} = "..." %}}` to it (see the shipped file for all names)'
            ) from None

    def get(self, name: str, default: str) -> str:
        """The text the template set for name, or default when it sets none (a name added
        after the organisation copied the template)."""
        value = self.names.get(name)
        return default if value is None else str(value)

    def label(self, table: str, value: str) -> str:
        """The display name of a vocabulary value (a status, a phase)."""
        names = self.names.get(table)
        return str(names.get(value, value)) if isinstance(names, Mapping) else value


def load_checklist_wording(
    audience: str, context: Mapping[str, Any], templates_dir: Path | None = None
) -> ChecklistWording:
    """Evaluate `checklists/wording/<audience>.j2` with context and collect what it sets; the
    marking names our organisation when context carries its name (`organization`)."""
    if audience not in AUDIENCES:
        raise ExportError(f"unknown audience {audience!r}: use --audience internal or vendor")
    name = f"checklists/wording/{audience}.j2"
    env = template_environment(templates_dir)
    with template_errors(name):
        module = env.get_template(name).make_module(dict(context))
    names = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    for key, value in names.items():
        if isinstance(value, jinja2.Undefined):
            raise ExportError(f"the template {name} sets {key!r} from something undefined "
                              f"({value._undefined_message}); fix it")
    return ChecklistWording(name, owned_names(names, str(context.get("organization", ""))))
