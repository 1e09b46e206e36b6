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
  (`template_context`), never ORM objects; every user string is cleaned visibly first.

docs/TEMPLATES.md documents the context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firstfile.domain.deadlines import Deadline
from firstfile.domain.views import DisclosureView
from firstfile.domain.workflow import decision_label, status_label
from firstfile.rendering.disclosure_values import clean_view
from firstfile.rendering.safe_files import ExportError

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
            "submitter": v.submitter,
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
        "marking": MARKING,
        "generated_on": _iso(generated_on or date.today()),
    }


# --- the sandbox ----------------------------------------------------------------------------


def _yes_no(value: object, yes: str = "Yes", no: str = "No", unknown: str = "Unknown") -> str:
    """`{{ disclosure.prototype_exists | yes_no }}`: Yes, No, or Unknown for an unanswered
    question."""
    if value is None:
        return unknown
    return yes if value else no


def sandbox(*, autoescape: bool) -> ImmutableSandboxedEnvironment:
    """A fresh sandboxed environment: no globals, no loader, strict undefined names."""
    from jinja2 import DictLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # An empty loader: {% include %}, {% import %} and {% extends %} find nothing to read.
    env = ImmutableSandboxedEnvironment(
        autoescape=autoescape, undefined=StrictUndefined, loader=DictLoader({})
    )
    env.globals.clear()
    env.filters["yes_no"] = _yes_no
    return env


def _template_class() -> type:
    from docxtpl import DocxTemplate

    class _SandboxedDocxTemplate(DocxTemplate):  # type: ignore[misc]
        """docxtpl with document properties rendered as text, not as escaped XML."""

        def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
            super().render_properties(context, sandbox(autoescape=False))

    return _SandboxedDocxTemplate


def render_org_template(
    template: Path | bytes, context: Mapping[str, Any], *, name: str = ""
) -> bytes:
    """The form filled in with context, as the bytes of a .docx file.

    Raises OrgTemplateError (nothing written) when the template is not a Word document,
    misuses a tag, names an unknown field, or tries to reach Python internals.
    """
    from jinja2 import TemplateError
    from jinja2.sandbox import SecurityError

    label = name or (str(template) if isinstance(template, Path) else "the template")
    try:
        data = template.read_bytes() if isinstance(template, Path) else template
    except OSError as error:
        raise OrgTemplateError(f"cannot read the template {label} ({error.strerror}); check "
                               "the path given to --template") from None
    try:
        document = _template_class()(BytesIO(data))
        document.init_docx()  # docxtpl opens lazily; a broken file must fail here
    except Exception as error:  # docx raises several kinds for a broken package
        raise OrgTemplateError(f"{label} is not a Word document ({error}); save the form "
                               "from Word as .docx") from None
    try:
        document.render(dict(context), sandbox(autoescape=True))
        out = BytesIO()
        document.save(out)
    except SecurityError as error:
        raise OrgTemplateError(
            f"{label} was refused: a tag tries to reach Python internals ({error}); use only "
            "the fields listed in docs/TEMPLATES.md"
        ) from None
    except TemplateError as error:
        where = f" (line {error.lineno})" if getattr(error, "lineno", None) else ""
        raise OrgTemplateError(
            f"{label} cannot be filled in{where}: {error.message or error}; use only the fields "
            "and filters listed in docs/TEMPLATES.md"
        ) from None
    except ValueError as error:  # python-docx: a value or property it cannot store
        raise OrgTemplateError(f"{label} cannot be filled in: {error}") from None
    return out.getvalue()
