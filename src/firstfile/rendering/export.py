"""Export one disclosure to a file named after its key: DOCX for counsel, Markdown for review."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from firstfile.domain.views import DisclosureView
from firstfile.rendering.safe_files import ExportError, atomic_write_bytes, output_path

FORMATS: tuple[str, ...] = ("docx", "md")


def render_disclosure(
    view: DisclosureView, fmt: str = "docx", *, templates_dir: Path | None = None,
    files: Mapping[str, bytes] | None = None, organization: str = "",
) -> bytes:
    """The disclosure rendered in fmt ("docx" or "md"), as the bytes of the file (files: the
    bytes of its pictures by SHA-256, embedded as figures in a DOCX; organization: our
    organisation's name, which the confidentiality marking names)."""
    if fmt == "docx":
        from firstfile.rendering.disclosure_docx import render_disclosure_docx

        return render_disclosure_docx(view, templates_dir=templates_dir, files=files,
                                      organization=organization)
    if fmt == "md":
        from firstfile.rendering.disclosure_markdown import render_disclosure_markdown

        return render_disclosure_markdown(view, templates_dir=templates_dir,
                                          organization=organization).encode("utf-8")
    raise ExportError(f"unknown format {fmt!r}: use --format docx or md")


def export_disclosure(
    view: DisclosureView,
    out_dir: Path,
    fmt: str = "docx",
    *,
    templates_dir: Path | None = None,
    files: Mapping[str, bytes] | None = None,
    organization: str = "",
) -> Path:
    """Write `<out_dir>/<KEY>.docx` (or `.md`) and return its path.

    The folder is created when missing. The document is rendered completely before anything
    is written, and written atomically, so a failure leaves an earlier export untouched.
    A deleted disclosure is refused: deleted means it goes nowhere until it is restored.
    """
    if view.deleted:
        raise ExportError(f"{view.key} is deleted, and a deleted disclosure is not exported; "
                          f"restore it first (`firstfile disclosures restore {view.key}`)")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx or md")
    # The key is checked before anything is created, so a bad key leaves no trace.
    path = output_path(out_dir, view.key, fmt)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            f"cannot create the output folder {out_dir} ({error.strerror}); choose another folder"
        ) from None
    data = render_disclosure(view, fmt, templates_dir=templates_dir, files=files,
                             organization=organization)
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise ExportError(
            f"cannot write {path} ({error.strerror}); check the folder's permissions and free space"
        ) from None
    return path
