"""The organisation's own disclosure form: a .docx with Jinja tags, filled by docxtpl.

Counsel and companies keep their disclosure forms in Word. Such a form is a template written
by someone outside this program, so it is treated as untrusted code:

- it runs in jinja2's `ImmutableSandboxedEnvironment`, which refuses attribute names that
  start with "_" and any method that changes a value, so `{{ ''.__class__.__mro__ }}` stops
  with a SecurityError before anything is evaluated;
- the environment has no globals at all (no `cycler`, `joiner`, `lipsum`, `namespace`,
  `range`, `dict`: `lipsum.__globals__` was the classic way out) and no loader (so
  `{% include %}` and `{% import %}` cannot read files);
- undefined names raise (StrictUndefined) instead of printing nothing, so a misspelt field
  or a blocked attribute is an error with the tag's text, never a silently empty form;
- autoescaping is on for the XML parts, so a value holding `&`, `<` or `>` comes out as
  typed instead of breaking or injecting Word XML (docxtpl's default is off, which turns
  `R&D <b>` into `R `: PERFORMANCE-NOTES.md). Document properties are plain text (python-docx
  escapes them itself), so they are rendered with the same sandbox without autoescaping;
- the context is plain dicts, lists, strings and booleans built from a DisclosureView
  (`template_context`), never ORM objects; every user string is cleaned visibly first;
- nothing in it may exhaust the machine (`FormLimits`): the package is measured from the
  zip's central directory before anything is unpacked (parts, unpacked size, size of each XML
  part), `*` and `**` may not build huge values, and the filling runs in a child process with
  limits on processor time, memory and the size of what it makes (rendering/form_process.py),
  so a template that loops for ever or asks for gigabytes is stopped and the message says
  which limit it hit.

docs/TEMPLATES.md documents the context and the limits.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firstfile.domain.deadlines import Deadline
from firstfile.domain.text import clean_line
from firstfile.domain.views import DisclosureView
from firstfile.domain.workflow import decision_label, status_label
from firstfile.rendering.disclosure_values import clean_view
from firstfile.rendering.safe_files import ExportError
from firstfile.rendering.wording import owned_marking

if TYPE_CHECKING:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

# Where the template folder setting looks for the organisation's form.
ORG_TEMPLATE_NAME = "counsel/disclosure-form.docx"
MARKING = "CONFIDENTIAL: invention disclosure, prepared for patent counsel. Do not forward."
EVENT_LABELS: dict[str, str] = {
    "public-disclosure": "Public disclosure",
    "offer-for-sale": "Offer for sale",
    "vendor-disclosure-nda": "Disclosed to a vendor under NDA",
    "vendor-disclosure-no-nda": "Disclosed to a vendor without NDA",
    "provisional-filed": "Provisional application filed",
    "nonprovisional-filed": "Non-provisional application filed",
    "pct-filed": "PCT application filed",
    "published": "Application published",
    "granted": "Patent granted",
    "national-phase-entered": "National or regional phase entered",
    "confidentiality-exam-cleared": "China confidentiality examination cleared",
    "employee-invention-reported": "Employee invention reported",
    "employee-invention-claimed": "Employee invention claimed",
    "employee-invention-released": "Employee invention released",
}


class OrgTemplateError(ExportError):
    """The organisation's template cannot be used; the message says what to change."""


class FormLimitError(OrgTemplateError):
    """The template was stopped by one of the FormLimits; the message names the limit."""


_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FormLimits:
    """How much a form may take. A real Word form is tens of kilobytes and fills in within
    tens of milliseconds; each limit is far above that and far below harm."""

    max_parts: int = 1000  # entries in the .docx zip (Word writes 10-50)
    max_unpacked: int = 32 * _MB  # all parts unpacked (also the largest file read)
    max_xml_part: int = 8 * _MB  # one XML part unpacked: lxml and jinja hold it whole
    max_text: int = 1_000_000  # characters (or items) a `*` in a tag may make
    max_power_bits: int = 100_000  # bits of a number a `**` in a tag may make
    cpu_seconds: float = 10.0  # processor time to fill in one document
    memory: int = 512 * _MB  # memory the filling process may take beyond its start
    max_output: int = 32 * _MB  # one filled document, unpacked
    wall_seconds: float = 120.0  # waiting for one document, whatever the machine's load


DEFAULT_LIMITS = FormLimits()


def _size(count: int) -> str:
    if count >= 1024 * _MB:
        return f"{count / (1024 * _MB):.1f} GB"
    return f"{count / _MB:.1f} MB" if count >= _MB else f"{count:,} bytes"


def check_package(data: bytes, label: str, limits: FormLimits = DEFAULT_LIMITS) -> None:
    """Refuse a .docx whose zip would unpack to too much, before any of it is unpacked.

    Only the central directory is read. The sizes it declares are the ones zipfile enforces
    when a part is read (a part that inflates past its declared size fails its check), so a
    zip bomb cannot hide behind small declared sizes.
    """
    if len(data) > limits.max_unpacked:
        raise FormLimitError(f"{label} is {_size(len(data))}, more than a form may be "
                             f"({_size(limits.max_unpacked)}); save the form without large "
                             "pictures or embedded files")
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise OrgTemplateError(f"{label} is not a Word document ({error}); save the form "
                               "from Word as .docx") from None
    if len(parts) > limits.max_parts:
        raise FormLimitError(f"{label} holds {len(parts):,} parts, more than a form may hold "
                             f"({limits.max_parts:,}); save the form from Word as .docx again")
    for part in parts:
        if part.filename.endswith((".xml", ".rels")) and part.file_size > limits.max_xml_part:
            raise FormLimitError(
                f"{label} has a part {part.filename!r} of {_size(part.file_size)} unpacked, "
                f"more than a form's text may be ({_size(limits.max_xml_part)}); save the "
                "form from Word as .docx again")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked:
        raise FormLimitError(f"{label} would unpack to {_size(unpacked)}, more than a form may "
                             f"({_size(limits.max_unpacked)}); save the form without large "
                             "pictures or embedded files")


def read_form(path: Path, limits: FormLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the form at path, reading no more than a form may be (a path such as
    /dev/zero never ends)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_unpacked + 1)
    except OSError as error:
        raise OrgTemplateError(f"cannot read the template {path} ({error.strerror}); check "
                               "the path given to --template") from None
    if len(data) > limits.max_unpacked:
        raise FormLimitError(f"{path} is larger than a form may be "
                             f"({_size(limits.max_unpacked)}); save the form without large "
                             "pictures or embedded files")
    return data


def find_org_template(templates_dir: Path | None) -> Path | None:
    """The form in the user's template folder (`counsel/disclosure-form.docx`), if any."""
    if templates_dir is None:
        return None
    candidate = templates_dir / ORG_TEMPLATE_NAME
    return candidate if candidate.is_file() else None


# --- the context ----------------------------------------------------------------------------


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _contribution(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def template_context(
    view: DisclosureView,
    *,
    decision: str = "",
    decided_on: date | None = None,
    deadlines: Iterable[Deadline] = (),
    generated_on: date | None = None,
    organization: str = "",
) -> dict[str, Any]:
    """The documented context of a form (docs/TEMPLATES.md): plain values only.

    Reviewer notes and the decision's rationale are deliberately absent: forms go to
    inventors and vendors for signature.
    """
    v = clean_view(view)
    people = [
        {
            "key": p.person_key,
            "name": p.name,
            "email": p.email,
            "organization": p.organization,
            "organization_name": p.organization_name,
            "is_vendor": p.is_vendor,
            "affiliation": "vendor" if p.is_vendor else "own staff",
            "role": p.role,
            "contribution": _contribution(p.contribution) if p.role == "inventor" else "",
        }
        for p in v.inventors
    ]
    return {
        "disclosure": {
            "key": v.key,
            "title": v.title,
            "status": v.status,
            "status_label": status_label(v.status),
            "summary": v.summary,
            "engagement": {"key": v.engagement_key, "name": v.engagement_name},
            "phase": v.phase,
            "submitter": v.submitted_by,
            "business_unit": v.business_unit,
            "submitted_on": _iso(v.submitted_on),
            "problem": v.problem,
            "description": v.description,
            "variants": v.variants,
            "advantages": v.advantages,
            "prior_art": v.prior_art,
            "conception_date": _iso(v.conception_date),
            "reduction_to_practice_date": _iso(v.reduction_to_practice_date),
            "prototype_exists": v.prototype_exists,
            "records_location": v.records_location,
            "third_parties": v.third_parties,
            "jurisdictions": v.jurisdictions,
            "reverse_engineerable": v.reverse_engineerable,
            "completed_in_china": v.completed_in_china,
            "joint": v.joint,
            "vendor_invention": v.vendor_invention,
            "joint_vendors": list(v.joint_vendors),
            "version": v.version,
        },
        "people": people,
        "inventors": [p for p in people if p["role"] == "inventor"],
        "contributors": [p for p in people if p["role"] != "inventor"],
        "events": [
            {
                "kind": e.kind,
                "label": EVENT_LABELS.get(e.kind, e.kind),
                "date": _iso(e.date),
                "jurisdiction": e.jurisdiction,
                "reference": e.reference,
                "note": e.note,
            }
            for e in v.events
        ],
        "components": list(v.components),
        "decision": {"code": decision, "label": decision_label(decision),
                     "decided_on": _iso(decided_on)},
        "deadlines": [
            {"rule": d.rule, "jurisdiction": d.jurisdiction, "due": _iso(d.due),
             "state": d.state, "source": d.source}
            for d in deadlines
        ],
        "marking": owned_marking(MARKING, organization),
        "organization": clean_line(organization),
        "generated_on": _iso(generated_on or date.today()),
    }


# --- the sandbox ----------------------------------------------------------------------------


def _yes_no(value: object, yes: str = "Yes", no: str = "No", unknown: str = "Unknown") -> str:
    """`{{ disclosure.prototype_exists | yes_no }}`: Yes, No, or Unknown for an unanswered
    question."""
    if value is None:
        return unknown
    return yes if value else no


def sandbox(*, autoescape: bool, limits: FormLimits = DEFAULT_LIMITS
            ) -> ImmutableSandboxedEnvironment:
    """A fresh sandboxed environment: no globals, no loader, strict undefined names, and
    `*` and `**` that refuse to build huge values."""
    from jinja2 import DictLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class _FormSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _check_binop(operator, left, right, limits)
            return super().call_binop(context, operator, left, right)

        def concat(self, parts: Iterable[str]) -> str:
            # Rendering streams its pieces through here: a runaway loop is stopped as soon
            # as its output passes the limit, before docxtpl parses megabytes of XML.
            pieces: list[str] = []
            total = 0
            for piece in parts:
                total += len(piece)
                if total > limits.max_output:
                    raise FormLimitError(
                        f"filled in, its text would be more than a document may be "
                        f"({_size(limits.max_output)}); check the loops in its tags")
                pieces.append(piece)
            return "".join(pieces)

    # An empty loader: {% include %}, {% import %} and {% extends %} find nothing to read.
    env = _FormSandbox(autoescape=autoescape, undefined=StrictUndefined, loader=DictLoader({}))
    env.globals.clear()
    env.filters["yes_no"] = _yes_no
    return env


def _check_binop(operator: str, left: Any, right: Any, limits: FormLimits) -> None:
    """Refuse `'x' * 200000000` and `10 ** 10 ** 10` before they are computed."""
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                made = len(sequence) * count
                if made > limits.max_text:
                    raise FormLimitError(
                        f"a tag multiplies a text or list to {made:,} characters or items, "
                        f"more than a form may make ({limits.max_text:,}); simplify that tag")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        bits = max(abs(left).bit_length() - 1, 0) * right
        if bits > limits.max_power_bits:
            raise FormLimitError(
                f"a tag raises a number to a power of about {bits:,} bits, more than a form "
                f"may make ({limits.max_power_bits:,}); simplify that tag")


def _template_class(limits: FormLimits) -> type:
    from docxtpl import DocxTemplate

    class _SandboxedDocxTemplate(DocxTemplate):
        """docxtpl with document properties rendered as text, not as escaped XML."""

        def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
            super().render_properties(context, sandbox(autoescape=False, limits=limits))

    return _SandboxedDocxTemplate


def render_org_template(
    template: Path | bytes,
    context: Mapping[str, Any],
    *,
    name: str = "",
    limits: FormLimits = DEFAULT_LIMITS,
) -> bytes:
    """The form filled in with context, as the bytes of a .docx file, filled in a child
    process within limits (rendering/form_process.py).

    Raises OrgTemplateError (nothing written) when the template is not a Word document,
    misuses a tag, names an unknown field, or tries to reach Python internals, and
    FormLimitError when it goes past one of the limits.
    """
    from firstfile.rendering.form_process import fill_forms

    label = name or (str(template) if isinstance(template, Path) else "the template")
    data = read_form(template, limits) if isinstance(template, Path) else template
    (filled,) = list(fill_forms(data, [context], name=label, limits=limits))
    return filled


def fill_form(
    data: bytes,
    context: Mapping[str, Any],
    *,
    name: str = "the template",
    limits: FormLimits = DEFAULT_LIMITS,
) -> bytes:
    """Fill the form in this process: the work the child process does for each document.

    The package and the output are measured against limits, and `*` and `**` are checked;
    processor time and memory are only limited by the child process that calls this.
    """
    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError

    from firstfile.rendering.docx_errors import BROKEN_PACKAGE

    label = name
    check_package(data, label, limits)
    try:
        document = _template_class(limits)(BytesIO(data))
        document.init_docx()  # docxtpl opens lazily; a broken file must fail here
    except BROKEN_PACKAGE as error:
        raise OrgTemplateError(f"{label} is not a Word document ({error}); save the form "
                               "from Word as .docx") from None
    try:
        document.render(dict(context), sandbox(autoescape=True, limits=limits))
        out = BytesIO()
        document.save(out)
    except FormLimitError as error:
        raise FormLimitError(f"{label} was stopped: {error}") from None
    except SecurityError as error:
        raise OrgTemplateError(
            f"{label} was refused: a tag tries to reach Python internals ({error}); use only "
            "the fields listed in docs/TEMPLATES.md"
        ) from None
    except TemplateError as error:
        lineno = getattr(error, "lineno", None)  # only syntax errors carry a line
        where = f" (line {lineno})" if lineno else ""
        raise OrgTemplateError(
            f"{label} cannot be filled in{where}: {error.message or error}; use only the fields "
            "and filters listed in docs/TEMPLATES.md"
        ) from None
    except ValueError as error:  # python-docx: a value or property it cannot store
        raise OrgTemplateError(f"{label} cannot be filled in: {error}") from None
    filled = out.getvalue()
    _check_output(filled, label, limits)
    return filled


def _check_output(filled: bytes, label: str, limits: FormLimits) -> None:
    """A filled form is refused when it, or any of it unpacked, is larger than max_output:
    it goes to counsel, and must not be a zip bomb of its own."""
    with zipfile.ZipFile(BytesIO(filled)) as package:
        unpacked = sum(part.file_size for part in package.infolist())
    size = max(len(filled), unpacked)
    if size > limits.max_output:
        raise FormLimitError(
            f"{label} was stopped: filled in, it would be {_size(size)}, more than a "
            f"document may be ({_size(limits.max_output)}); check the loops in its tags")

