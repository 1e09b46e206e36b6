"""Exports: read what a document needs, render it, write it atomically, in one call.

The screens and the command line both export through these functions, so the chain
(view -> rendering -> safe file) exists once and neither face imports `rendering`. Each is
a thin orchestrator: the documents themselves are made by `rendering/` (file names from
keys, atomic writes, a deleted disclosure refused) and the records are read by the services
that own them. A failure raises ExportError (or a service's UserError, or StoreError) with
words in it, and leaves any earlier file untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from firstfile.rendering.safe_files import ExportError

if TYPE_CHECKING:
    from firstfile.domain.checklist import InternalChecklistDocument, VendorChecklistDocument
    from firstfile.domain.prompts import Prompt
    from firstfile.services.bundle import BundleResult, Progress
    from firstfile.storage.engine import Store

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "ExportError",
    "Exported",
    "export_bundle",
    "export_checklist",
    "export_disclosure",
    "export_minutes",
    "export_risk",
    "export_strategy",
]

FORMATS: tuple[str, ...] = ("docx", "md")
AUDIENCES: tuple[str, ...] = ("internal", "vendor")


@dataclass(frozen=True)
class Exported:
    """The files written, and what the reader should know about them (e.g. a broken deck)."""

    paths: list[Path]
    warnings: list[str] = field(default_factory=list)


def _check_formats(formats: Sequence[str]) -> None:
    for fmt in formats:
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}: use docx or md")


def export_disclosure(
    store: Store,
    key: str,
    out_dir: Path,
    formats: Sequence[str] = ("docx",),
    *,
    templates_dir: Path | None = None,
) -> list[Path]:
    """Write the disclosure `key` once per format into out_dir (`<KEY>.docx`, `<KEY>.md`)."""
    from firstfile.rendering.export import export_disclosure as write
    from firstfile.services.attachments import figure_contents
    from firstfile.services.evidence import disclosure_for_document
    from firstfile.services.organization import organization_name

    _check_formats(formats)
    # The document shows its evidence: content hash, timestamp, signatures.
    view = disclosure_for_document(store, key)
    # Only the Word document embeds figures; Markdown lists the files by name and hash.
    files = figure_contents(store, [view]) if "docx" in formats else {}
    organization = organization_name(store)
    return [write(view, out_dir, fmt, templates_dir=templates_dir, files=files,
                  organization=organization) for fmt in formats]


def export_minutes(
    store: Store,
    session: str | int,
    out_dir: Path,
    formats: Sequence[str] = ("docx",),
    *,
    prompts: list[Prompt] | None = None,
    template_dirs: Sequence[Path] = (),
    templates_dir: Path | None = None,
) -> Exported:
    """Write the minutes of a session, read now, once per format into out_dir.

    session is a reference (`ENGAGEMENT/SESSION`, or `SESSION` when unambiguous) or the
    database id a screen keeps. prompts are the ones the room walked; when None they are
    loaded from template_dirs, and a deck that did not load is named in the warnings.
    """
    from firstfile.rendering.minutes import export_minutes as write
    from firstfile.rendering.minutes import minutes_for
    from firstfile.services import sessions
    from firstfile.services.organization import organization_name

    _check_formats(formats)
    if isinstance(session, int):
        view = sessions.session_by_id(store, session)
    else:
        view = sessions.get_session(store, session)
    warnings: list[str] = []
    if prompts is None:
        prompts, warnings = sessions.session_prompts(view, list(template_dirs))
    minutes = minutes_for(view, prompts, organization=organization_name(store))
    paths = [write(minutes, out_dir, fmt, templates_dir=templates_dir) for fmt in formats]
    return Exported(paths, warnings)


def export_checklist(
    store: Store,
    engagement_key: str,
    vendor_key: str,
    out_dir: Path,
    *,
    audiences: Sequence[str] = ("internal",),
    fmt: str = "docx",
    actor: str,
    templates_dir: Path | None = None,
) -> list[Path]:
    """Write a vendor's agreement checklist once per audience into out_dir.

    "internal" is the company's own (status, evidence, notes, flags); "vendor" holds the
    terms only, and is the one that may leave the company.
    """
    from firstfile.rendering.checklist_export import export_checklist as write
    from firstfile.services import engagements

    _check_formats([fmt])
    for audience in audiences:
        if audience not in AUDIENCES:
            raise ExportError(f"unknown audience {audience!r}: use internal or vendor")
    written = []
    for audience in audiences:
        document: InternalChecklistDocument | VendorChecklistDocument
        if audience == "vendor":
            # The first vendor document for this vendor issues its canary, by actor.
            document = engagements.vendor_checklist_document(
                store, engagement_key, vendor_key, actor=actor, templates_dir=templates_dir
            )
        else:
            document = engagements.internal_checklist_document(
                store, engagement_key, vendor_key, actor=actor, templates_dir=templates_dir
            )
        written.append(
            write(
                document,
                out_dir,
                engagement_key=engagement_key,
                vendor_key=vendor_key,
                fmt=fmt,
                templates_dir=templates_dir,
            )
        )
    return written


def export_bundle(
    store: Store,
    out: Path,
    *,
    engagement_key: str | None = None,
    status: str | None = None,
    template: Path | None = None,
    templates_dir: Path | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    actor: str = "",
    tsa_url: str | None = None,
    tsa_ca: Path | None = None,
    keys: Sequence[str] = (),
) -> BundleResult:
    """Write counsel's bundle (a .zip) to out; services/bundle.py makes it, anchoring the
    audit chain first (timestamped by tsa_url when one is configured). keys, when given,
    limits it to those disclosures."""
    from firstfile.services.bundle import build_bundle

    return build_bundle(
        store,
        out,
        engagement_key=engagement_key,
        status=status,
        template=template,
        templates_dir=templates_dir,
        as_of=as_of,
        progress=progress,
        actor=actor,
        tsa_url=tsa_url,
        tsa_ca=tsa_ca,
        keys=keys,
    )


def export_risk(
    store: Store,
    engagement_key: str,
    out_dir: Path,
    formats: Sequence[str] = ("docx",),
    *,
    actor: str,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> list[Path]:
    """Write the engagement's internal risk report once per format into out_dir
    (`<ENGAGEMENT>-risk-report-internal.docx`, `.md`).

    Internal only, on purpose: it has no audience, because there is no version of it a vendor
    may see (it says what each vendor sees and where the tracers are).
    """
    from firstfile.rendering.risk_report import export_risk_report as write
    from firstfile.services.organization import organization_name
    from firstfile.services.risk_report import risk_report

    _check_formats(formats)
    report = risk_report(store, engagement_key, prepared_by=actor,
                         templates_dir=templates_dir, today=today)
    organization = organization_name(store)
    return [write(report, out_dir, fmt, templates_dir=templates_dir, organization=organization)
            for fmt in formats]


STRATEGY_FORMATS: tuple[str, ...] = ("docx", "md", "xlsx")


def export_strategy(
    store: Store,
    engagement_key: str,
    out_dir: Path,
    formats: Sequence[str] = ("docx",),
    *,
    templates_dir: Path | None = None,
    as_of: date | None = None,
) -> list[Path]:
    """Write the engagement's filing-strategy memo for counsel (docx, md) and its cost table
    (xlsx) into out_dir, as computed now from the recorded inputs. Internal only."""
    from firstfile.rendering.strategy_memo import export_memo, memo_for
    from firstfile.services import strategy
    from firstfile.services.organization import organization_name

    for fmt in formats:
        if fmt not in STRATEGY_FORMATS:
            raise ExportError(f"unknown format {fmt!r}: use docx, md or xlsx")
    today = as_of or date.today()
    report = strategy.compute_strategy(
        store, engagement_key, templates_dir=templates_dir, as_of=today
    )
    table = strategy.jurisdiction_table(templates_dir, today=today).table
    assert table is not None  # compute_strategy refuses a missing table first
    memo = memo_for(report, table, as_of=today, organization=organization_name(store))
    return [export_memo(memo, out_dir, fmt, templates_dir=templates_dir) for fmt in formats]
