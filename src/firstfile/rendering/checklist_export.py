"""Writing a checklist document to a file named from keys, atomically.

The internal version is `<engagement>-<vendor>-checklist-internal.<ext>`; the vendor's version
is `<vendor>-<vendor-facing name>-agreement-terms.<ext>`, so that not even the file name tells
the vendor the engagement's key (an engagement key such as `aq7-second-cm` can say more than it
should), and two engagements with one vendor never overwrite each other's file.
"""

from __future__ import annotations

from pathlib import Path

from firstfile.domain.checklist import InternalChecklistDocument, VendorChecklistDocument
from firstfile.rendering.safe_files import (
    ExportError,
    atomic_write_bytes,
    file_name_part,
    output_path,
)

FORMATS: tuple[str, ...] = ("docx", "md")


def render_checklist(
    document: InternalChecklistDocument | VendorChecklistDocument, fmt: str = "docx", *,
    templates_dir: Path | None = None,
) -> bytes:
    """The document in fmt ("docx" or "md"), as the bytes of the file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx or md")
    if isinstance(document, VendorChecklistDocument):
        if fmt == "docx":
            from firstfile.rendering.checklist_docx import render_vendor_checklist_docx

            return render_vendor_checklist_docx(document, templates_dir=templates_dir)
        from firstfile.rendering.checklist_markdown import render_vendor_checklist_markdown

        return render_vendor_checklist_markdown(document, templates_dir=templates_dir).encode()
    if fmt == "docx":
        from firstfile.rendering.checklist_docx import render_internal_checklist_docx

        return render_internal_checklist_docx(document, templates_dir=templates_dir)
    from firstfile.rendering.checklist_markdown import render_internal_checklist_markdown

    return render_internal_checklist_markdown(document, templates_dir=templates_dir).encode()


def unnamed_vendor_file(vendor_key: str, engagement_key: str, vendor_facing_name: str,
                        vendor_engagements: int) -> str:
    """Why the vendor's checklist file cannot be named ("" when it can): the engagement has
    no vendor-facing name and the vendor is on another engagement, whose file would have the
    same name."""
    if file_name_part(vendor_facing_name) or vendor_engagements <= 1:
        return ""
    return (f"{vendor_key} is on {vendor_engagements} engagements, so their vendor checklists "
            "would overwrite each other's file; give this engagement the name the vendor may "
            f"see: `firstfile engagements set {engagement_key} --vendor-facing-name "
            '"Project Falcon"`')


def checklist_file_stem(
    document: InternalChecklistDocument | VendorChecklistDocument, vendor_key: str,
    engagement_key: str,
) -> str:
    """The file name (without suffix) for the document.

    The vendor's file carries the vendor-facing name of the engagement, never its internal
    key: `huaxin-pcba-project-falcon-agreement-terms`. Without one it is named after the
    vendor alone, which is refused when the vendor is on another engagement too, so the two
    engagements' terms never overwrite each other.
    """
    if isinstance(document, VendorChecklistDocument):
        facing = file_name_part(document.vendor_facing_name)
        if facing:
            return f"{vendor_key}-{facing}-agreement-terms"
        refusal = unnamed_vendor_file(vendor_key, engagement_key, document.vendor_facing_name,
                                      document.vendor_engagements)
        if refusal:
            raise ExportError(refusal)
        return f"{vendor_key}-agreement-terms"
    return f"{engagement_key}-{vendor_key}-checklist-internal"


def export_checklist(
    document: InternalChecklistDocument | VendorChecklistDocument, out_dir: Path, *,
    engagement_key: str, vendor_key: str, fmt: str = "docx", templates_dir: Path | None = None,
) -> Path:
    """Write the document into out_dir and return its path; a failure leaves no half file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx or md")
    path = output_path(out_dir, checklist_file_stem(document, vendor_key, engagement_key), fmt)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the output folder {out_dir} ({error.strerror}); "
                          "choose another folder") from None
    data = render_checklist(document, fmt, templates_dir=templates_dir)
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise ExportError(f"cannot write {path} ({error.strerror}); check the folder's "
                          "permissions and free space") from None
    return path
