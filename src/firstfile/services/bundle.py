"""The counsel bundle: every selected disclosure as a document, an index, the data, a manifest.

One read unit of work gathers plain views, counsel's decisions and the deadlines; everything
after that is rendering, so the database is never held while documents are made. The zip is
built completely and then written atomically (temporary file, then rename): a failed or
interrupted bundle never leaves half a file where a good one was.

Documents come from the organisation's form (`--template`, or `counsel/disclosure-form.docx`
in the template folder) when there is one, else from the shipped builder, through its
skeleton (rendering/disclosure_skeleton.py) whenever that is proven to match it.
Reviewer notes are read by nothing here: no part of a bundle can hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from firstfile.domain.deadline_rules import rule_title
from firstfile.domain.deadlines import Deadline, compute_deadlines, designated_offices
from firstfile.domain.office_calendars import ClosureTable
from firstfile.domain.views import DisclosureView
from firstfile.domain.vocabulary import DISCLOSURE_STATUSES
from firstfile.domain.workflow import decision_label, status_label
from firstfile.rendering import bundle as parts
from firstfile.rendering.safe_files import ExportError, atomic_write_bytes
from firstfile.services import counsel
from firstfile.services.attachments import figure_contents
from firstfile.services.errors import UserError, require_engagement_key
from firstfile.services.office_closures import load_closures
from firstfile.storage.bundle_queries import CounselFields, bundle_rows
from firstfile.storage.disclosure_queries import ListFilter
from firstfile.storage.engine import Store

# progress(done, total, what): called after each document, and once more for the rest.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class BundleResult:
    """What was written."""

    path: Path
    disclosures: int
    files: tuple[str, ...]
    template: Path | None
    fast: bool  # documents were filled from the builder's skeleton
    anchor: str = ""  # what became of the chain's anchor, for the user to see
    anchor_status: str = ""  # stamped | not-timestamped | failed


@dataclass(frozen=True, slots=True)
class BundleInput:
    """Everything a bundle shows, read in one unit of work."""

    views: list[DisclosureView]
    decisions: dict[str, CounselFields]
    deadlines: dict[str, list[Deadline]]


def gather(
    store: Store, *, engagement_key: str | None, status: str | None, as_of: date,
    closures: ClosureTable | None = None, keys: Sequence[str] = (),
) -> BundleInput:
    """The selected disclosures with their decisions and deadlines (closures: the offices'
    published closed days, by default the shipped table; keys: only these disclosures)."""
    if status is not None and status not in DISCLOSURE_STATUSES:
        raise UserError(f"--status must be one of {', '.join(DISCLOSURE_STATUSES)}, "
                        f"not {status!r}")
    from firstfile.services.evidence import with_evidence

    with store.read() as db:
        require_engagement_key(db, engagement_key)
        rows = bundle_rows(db=db, filt=ListFilter(engagement_key=engagement_key, status=status,
                                                  keys=tuple(keys)))
        views = with_evidence(db, rows.views)
    decisions = rows.counsel
    closures = closures if closures is not None else load_closures().table
    # The views already hold the events: the deadlines need no second query.
    deadlines = {
        view.key: compute_deadlines(
            view.events,
            as_of=as_of,
            completed_in_china=view.completed_in_china,
            german_employee_invention=decisions[view.key].german_employee_invention,
            made_in_us=view.made_in_us,
            designated=designated_offices(view.jurisdictions),
            closures=closures,
        )
        for view in views
    }
    return BundleInput(views, decisions, deadlines)


def build_bundle(
    store: Store,
    out: Path,
    *,
    engagement_key: str | None = None,
    status: str | None = None,
    template: Path | None = None,
    templates_dir: Path | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    actor: str = "",
    tsa_url: str | None = None,
    tsa_ca: Path | None = None,
    keys: Sequence[str] = (),
) -> BundleResult:
    """Write the bundle to out (a .zip) and say what is in it; keys, when given, limits it
    to those disclosures (the review queue bundles what it shows).

    The audit chain's head is anchored first (timestamped by the authority at tsa_url when
    one is configured), and the bundle carries the chain, the anchors, the disclosures'
    timestamps and signatures, and VERIFY.md (rendering/evidence_files.py).

    Raises UserError when nothing matches, ExportError when the form or the output path
    cannot be used; in both cases no bundle is written and nothing is anchored.
    """
    from firstfile.rendering.evidence_files import evidence_files
    from firstfile.rendering.org_template import find_org_template
    from firstfile.services.evidence import bundle_evidence
    from firstfile.services.organization import organization_name
    from firstfile.services.timestamps import anchor_chain
    from firstfile.services.tsa import read_ca

    if out.suffix.lower() != ".zip":
        raise ExportError(f"{out} must end in .zip; for example -o bundle.zip")
    if not out.parent.is_dir():
        raise ExportError(f"the folder {out.parent} does not exist; create it or choose "
                          "another -o path")
    as_of = as_of or date.today()
    form = template or find_org_template(templates_dir)
    data = gather(store, engagement_key=engagement_key, status=status, as_of=as_of,
                  closures=load_closures(templates_dir).table, keys=keys)
    if not data.views:
        what = " ".join(filter(None, (f"in {engagement_key}" if engagement_key else "",
                                      f"with status {status}" if status else "")))
        raise UserError(f"no disclosures {what}".strip() + "; nothing to bundle")
    ca = read_ca(tsa_ca) if tsa_url else ""
    # The attached files' bytes, read once: embedded as figures and carried as files.
    attached = figure_contents(store, data.views)
    organization = organization_name(store)
    files, fast = _documents(data, form=form, templates_dir=templates_dir, as_of=as_of,
                             progress=progress, attached=attached, organization=organization)
    files.extend(_attachment_files(data.views, attached))
    # The head is anchored once the documents are made (a form that fails anchors nothing),
    # and the chain is read after it, so the bundle holds the anchor and its audit row.
    _seq, _chain, anchored = anchor_chain(store, actor=actor, tsa_url=tsa_url, tsa_ca=tsa_ca,
                                          reason="bundle")
    with store.read() as db:
        evidence = bundle_evidence(db, data.views, ca)
    files.extend(evidence_files(evidence))
    files.append((parts.INDEX_NAME, parts.index_xlsx(_index_rows(data),
                                                     organization=organization)))
    files.append((parts.JSON_NAME, parts.disclosures_json(_records(data.views))))
    made = now or datetime.now(UTC)
    files.append((parts.MANIFEST_NAME, parts.manifest(files, created=made, details={
        "as_of": as_of.isoformat(),
        "engagement": engagement_key,
        "status": status,
        "template": form.name if form else None,
        "disclosures": len(data.views),
        "chain_head": ({"seq": evidence.head[0], "chain_sha256": evidence.head[1]}
                       if evidence.head else None),
    })))
    archive = parts.zip_bundle(files)
    try:
        atomic_write_bytes(out, archive)
    except OSError as error:
        raise ExportError(f"cannot write {out} ({error.strerror}); check the folder's "
                          "permissions and free space") from None
    return BundleResult(out, len(data.views), tuple(name for name, _ in files), form, fast,
                        anchored.describe("the audit chain's head"), anchored.status)


def _documents(
    data: BundleInput,
    *,
    form: Path | None,
    templates_dir: Path | None,
    as_of: date,
    progress: Progress | None,
    attached: dict[str, bytes],
    organization: str = "",
) -> tuple[list[tuple[str, bytes]], bool]:
    total = len(data.views)
    names = [parts.docx_name(view.key) for view in data.views]
    report = None if progress is None else (lambda count, key: progress(count, total, key))
    if form is not None:
        from firstfile.rendering.form_process import fill_forms
        from firstfile.rendering.org_template import read_form, template_context

        form_bytes = read_form(form)
        contexts = []
        for view in data.views:
            state = data.decisions.get(view.key)
            contexts.append(template_context(
                view,
                decision=state.decision if state else "",
                decided_on=state.decided_on if state else None,
                deadlines=data.deadlines.get(view.key, ()),
                generated_on=as_of,
                organization=organization,
            ))
        # One limited child process fills every document (rendering/form_process.py).
        documents = list(fill_forms(form_bytes, contexts, name=form.name, progress=report))
        return list(zip(names, documents, strict=True)), False
    from firstfile.rendering.disclosure_docx import render_disclosure_docx
    from firstfile.rendering.disclosure_skeleton import DisclosureSkeleton

    skeleton = DisclosureSkeleton.build(templates_dir, organization)
    if skeleton is not None:
        documents = skeleton.render_all(data.views, report, attached)
        return list(zip(names, documents, strict=True)), True
    files: list[tuple[str, bytes]] = []
    for done, (name, view) in enumerate(zip(names, data.views, strict=True), start=1):
        files.append((name, render_disclosure_docx(view, templates_dir=templates_dir,
                                                   files=attached, organization=organization)))
        if progress is not None:
            progress(done, total, view.key)
    return files, False


def _attachment_files(views: list[DisclosureView], attached: dict[str, bytes]
                      ) -> list[tuple[str, bytes]]:
    """Every attached file at the path disclosures.json names for it, next to that file."""
    from firstfile.domain.attachments import attachment_path

    return [(attachment_path(view.key, number, item.file_name), attached[item.sha256])
            for view in views
            for number, item in enumerate(view.attachments, start=1)]


def _index_rows(data: BundleInput) -> list[parts.IndexRow]:
    rows: list[parts.IndexRow] = []
    for view in data.views:
        state = data.decisions.get(view.key)
        nearest = counsel.nearest_deadline(data.deadlines.get(view.key, ()))
        # In words, as a person reads the workbook: no raw vocabulary values.
        rows.append(parts.IndexRow(
            key=view.key,
            title=view.title,
            status=status_label(view.status),
            decision=decision_label(state.decision) if state and state.decision else "",
            decided_on=state.decided_on if state else None,
            inventors=tuple(p.name for p in view.inventors if p.role == "inventor"),
            joint_vendors=view.joint_vendors,
            next_due=nearest.due if nearest else None,
            next_rule=rule_title(nearest.rule) if nearest else "",
            next_state=nearest.state.replace("-", " ") if nearest else "",
            engagement=view.engagement_key,
        ))
    return rows


def _records(views: list[DisclosureView]) -> list[dict[str, Any]]:
    """Each disclosure as the interchange writer writes it, with its engagement's key."""
    from firstfile.interchange.document import EngagementDoc, InterchangeDocument
    from firstfile.interchange.writer import document_data
    from firstfile.services.interchange_export import disclosure_doc

    doc = InterchangeDocument(engagement=EngagementDoc(key="", name=""),
                              disclosures=tuple(disclosure_doc(v) for v in views))
    records = document_data(doc).get("disclosures", [])
    for view, record in zip(views, records, strict=True):
        record.setdefault("engagement", view.engagement_key)
    return list(records)
