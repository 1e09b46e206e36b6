"""The words of exported documents, from jinja2 templates an organisation can override.

Templates are looked up in the user's template folder first, then in the folder that ships
with firstfile, so dropping `disclosure/wording/people.j2` into one's own folder rewords that
section and leaves the rest as shipped. Each wording template only sets names
(`{% set heading = "..." %}`); builders read them as a module.

User values reach templates only as context values, never as template source, and every
template runs in a sandbox with StrictUndefined: a title `{{ 7*7 }}` stays literal, and a
misspelt name in an organisation's template is an error rather than an empty heading.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from firstfile.rendering.safe_files import ExportError
from firstfile.resources import shipped_templates

# The wording templates of a disclosure, one per section, in disclosure/wording/.
DISCLOSURE_SECTIONS: tuple[str, ...] = (
    "document",
    "joint",
    "summary",
    "record",
    "people",
    "problem",
    "description",
    "attachments",
    "variants",
    "advantages",
    "prior_art",
    "dates",
    "events",
    "third_parties",
    "filing",
    "components",
    "signatures",
    "evidence",
)


# A marking that opens with the word CONFIDENTIAL gets the organisation's name right after it.
_CONFIDENTIAL = re.compile(r"\s*confidential\b", re.IGNORECASE)
# The wording names that hold a confidentiality marking, in every document's wording.
MARKING_NAMES: tuple[str, ...] = ("marking", "marking_vendor_present")


def owned_marking(marking: str, organization: str) -> str:
    """The confidentiality marking naming whose confidence it is.

    "CONFIDENTIAL: prepared for counsel" becomes "CONFIDENTIAL — Northwind GmbH: prepared
    for counsel"; a marking worded without that word (an organisation's own wording) is
    preceded by "CONFIDENTIAL — Northwind GmbH.". With no name recorded the marking stays as
    worded: a document never says "CONFIDENTIAL — " with nothing after it.
    """
    from firstfile.domain.text import clean_line

    name = clean_line(organization)
    if not name:
        return marking
    found = _CONFIDENTIAL.match(marking)
    if found:
        return f"{marking[:found.end()]} \u2014 {name}{marking[found.end():]}"
    return f"CONFIDENTIAL \u2014 {name}. {marking}" if marking else f"CONFIDENTIAL \u2014 {name}"


def owned_names(names: Mapping[str, Any], organization: str) -> dict[str, Any]:
    """names (what a wording template set) with each marking naming the organisation."""
    return {key: owned_marking(str(value), organization)
            if key in MARKING_NAMES and isinstance(value, str) else value
            for key, value in names.items()}


def template_folders(templates_dir: Path | None = None) -> list[Path]:
    """The folders searched for templates, the user's own first."""
    folders = []
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise ExportError(
                f"the template folder {templates_dir} does not exist; create it or leave the "
                "template folder option out to use the shipped templates"
            )
        folders.append(templates_dir.resolve())
    folders.append(shipped_templates())
    return folders


def template_environment(templates_dir: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed jinja2 environment over the user's template folder and the shipped one.

    Built on first use and kept per folder, so a bundle of many documents compiles each
    template once; jinja2 still notices a template file edited in the meantime.
    """
    folders = template_folders(templates_dir)
    return _environment(tuple(str(folder) for folder in folders))


@lru_cache(maxsize=16)
def _environment(folders: tuple[str, ...]) -> SandboxedEnvironment:
    # Imported here, not at module level, so that importing rendering costs nothing.
    from firstfile.domain.attachments import size_words
    from firstfile.rendering import disclosure_values as values

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(list(folders)),
        undefined=jinja2.StrictUndefined,
        # Markdown is not HTML: user values are escaped for Markdown before they reach a
        # template (disclosure_markdown.py), so HTML autoescaping would only add noise.
        autoescape=False,  # noqa: S701
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["isodate"] = values.format_date
    env.filters["yes_no"] = values.format_yes_no
    env.filters["contribution"] = values.format_contribution
    env.filters["engagement"] = values.format_engagement
    env.filters["paragraphs"] = values.paragraphs
    env.filters["table_cell"] = values.table_cell
    env.filters["file_size"] = size_words
    return env


def render_template(
    name: str, context: Mapping[str, Any], templates_dir: Path | None = None
) -> str:
    """Render one template with context, turning template mistakes into an ExportError."""
    env = template_environment(templates_dir)
    with template_errors(name):
        return env.get_template(name).render(context)


@dataclass(frozen=True, slots=True)
class Wording:
    """The names set by each wording template, by section."""

    sections: Mapping[str, Mapping[str, Any]]

    def __call__(self, section: str, name: str) -> Any:
        """The value `name` set in the section's template; an ExportError when it is missing."""
        try:
            return self.sections[section][name]
        except KeyError:
            raise ExportError(
                f"the wording template disclosure/wording/{section}.j2 does not set {name!r}; "
                f'add `{{% set {name} = "..." %}}` to it (see the shipped file for all names)'
            ) from None

    def label(self, section: str, table: str, value: str) -> str:
        """The display name of a vocabulary value (a phase, a role, an event kind)."""
        names = self(section, table)
        return str(names.get(value, value)) if isinstance(names, Mapping) else value


def load_disclosure_wording(
    context: Mapping[str, Any], templates_dir: Path | None = None
) -> Wording:
    """Evaluate every disclosure wording template with context and collect the names it sets.

    The marking names the organisation when context carries its name (`organization`)."""
    env = template_environment(templates_dir)
    sections: dict[str, Mapping[str, Any]] = {}
    for section in DISCLOSURE_SECTIONS:
        name = f"disclosure/wording/{section}.j2"
        with template_errors(name):
            module = env.get_template(name).make_module(dict(context))
        names = {k: v for k, v in vars(module).items() if not k.startswith("_")}
        for key, value in names.items():
            # StrictUndefined only raises when a value is used; a `set` just stores it.
            if isinstance(value, jinja2.Undefined):
                raise ExportError(
                    f"the template {name} sets {key!r} from something undefined "
                    f"({value._undefined_message}); fix it"
                )
        sections[section] = owned_names(names, str(context.get("organization", "")))
    return Wording(sections)


@contextmanager
def template_errors(name: str) -> Iterator[None]:
    """Turn a jinja2 failure in template `name` into an ExportError that says what to fix."""
    try:
        yield
    except jinja2.TemplateNotFound as error:
        raise ExportError(
            f"the template {error.name} was not found; restore it in the template folder, or "
            "copy it from the templates that ship with firstfile"
        ) from error
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name or name}, line {error.lineno}"
        raise ExportError(f"the template {where} has an error: {error.message}; fix it") from error
    except jinja2.TemplateError as error:
        raise ExportError(
            f"the template {_failing_template(error) or name} could not be rendered: "
            f"{error.message}; fix it"
        ) from error


def _failing_template(error: BaseException) -> str | None:
    """File and line of the innermost template in the traceback (jinja2 rewrites its frames
    to point at template source), so an error in an imported wording template names it."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if not frame.filename.endswith(".py"):
            return f"{frame.filename}, line {frame.lineno}"
    return None
