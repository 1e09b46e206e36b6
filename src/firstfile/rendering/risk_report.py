"""Writing the internal risk report to a file named from the engagement's key, atomically.

The file is `<engagement>-risk-report-internal.<ext>`. The words around the data come from
`risk/wording.j2` (the user's template folder first), evaluated with nothing in its context:
the data reaches the document only through the writers, cleaned.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from firstfile.domain.risk.report import RiskReport
from firstfile.rendering.checklist_wording import ChecklistWording
from firstfile.rendering.safe_files import ExportError, atomic_write_bytes, output_path
from firstfile.rendering.wording import owned_names, template_environment, template_errors

FORMATS: tuple[str, ...] = ("docx", "md")
WORDING = "risk/wording.j2"


def load_risk_wording(templates_dir: Path | None = None,
                      organization: str = "") -> ChecklistWording:
    """Evaluate `risk/wording.j2` and collect the names it sets, the marking naming
    organization (rendering/wording.owned_marking)."""
    env = template_environment(templates_dir)
    with template_errors(WORDING):
        module = env.get_template(WORDING).make_module({})
    names = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    for key, value in names.items():
        if isinstance(value, jinja2.Undefined):
            raise ExportError(
                f"the template {WORDING} sets {key!r} from something undefined "
                f"({value._undefined_message}); fix it"
            )
    return ChecklistWording(WORDING, owned_names(names, organization))


def risk_report_stem(engagement_key: str) -> str:
    """The file name (without suffix) of an engagement's report."""
    return f"{engagement_key}-risk-report-internal"


def render_risk_report(
    report: RiskReport, fmt: str = "docx", *, templates_dir: Path | None = None,
    organization: str = "",
) -> bytes:
    """The report in fmt ("docx" or "md"), as the bytes of the file; its marking names
    organization (our organisation) when one is given."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx or md")
    wording = load_risk_wording(templates_dir, organization)
    if fmt == "docx":
        from firstfile.rendering.risk_report_docx import render_risk_report_docx

        return render_risk_report_docx(report, wording, templates_dir=templates_dir)
    from firstfile.rendering.risk_report_markdown import render_risk_report_markdown

    return render_risk_report_markdown(report, wording).encode()


def export_risk_report(
    report: RiskReport, out_dir: Path, fmt: str = "docx", *, templates_dir: Path | None = None,
    organization: str = "",
) -> Path:
    """Write the report into out_dir and return its path; a failure leaves no half file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx or md")
    path = output_path(out_dir, risk_report_stem(report.engagement_key), fmt)
    data = render_risk_report(report, fmt, templates_dir=templates_dir,
                              organization=organization)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            f"cannot create the output folder {out_dir} ({error.strerror}); choose another folder"
        ) from None
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise ExportError(
            f"cannot write {path} ({error.strerror}); check the folder's permissions and free space"
        ) from None
    return path
