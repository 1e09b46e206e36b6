"""Attaching files to a disclosure and reading them back for documents and bundles.

Attaching is one unit of work: the files are checked (kind, size, totals) before anything is
written, then their bytes are stored once by SHA-256, named on the disclosure and audited in
the same transaction, and the disclosure's version moves on (its record changed). firstfile
never executes or opens an attached file: it keeps the bytes and copies them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from firstfile.domain.attachments import (
    CAPTION_CHARS,
    MAX_FILE_BYTES,
    AttachmentRefused,
    CheckedFile,
    check_file,
    check_totals,
    size_words,
)
from firstfile.domain.text import clean_line
from firstfile.domain.views import AttachmentView, DisclosureView
from firstfile.services.errors import NotFound, UserError
from firstfile.services.races import retried
from firstfile.storage import audit
from firstfile.storage.attachment_queries import add_attachment, attached, blobs, store_blob
from firstfile.storage.disclosure_queries import build_view, content_hash, find_disclosure
from firstfile.storage.engine import Store
from firstfile.storage.tables import Disclosure


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file to attach: its name, its bytes and its caption."""

    file_name: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class AttachResult:
    """The disclosure after attaching, and the files it held already (left as they were)."""

    view: DisclosureView
    added: tuple[AttachmentView, ...]
    already: tuple[str, ...]  # file names whose bytes were attached before


def checked_files(files: Sequence[NewFile]) -> list[tuple[CheckedFile, NewFile]]:
    """Every file checked, or one UserError listing every refusal (nothing is written)."""
    problems: list[str] = []
    good: list[tuple[CheckedFile, NewFile]] = []
    for new in files:
        try:
            checked = check_file(new.file_name, new.data)
        except AttachmentRefused as exc:
            problems.append(str(exc))
            continue
        if len(clean_line(new.caption)) > CAPTION_CHARS:
            problems.append(
                f"{checked.file_name}: the caption is longer than {CAPTION_CHARS} "
                "characters; shorten it and put the rest in the description"
            )
            continue
        good.append((checked, new))
    if problems:
        raise UserError("nothing was attached:\n" + "\n".join(f"  {p}" for p in problems))
    return good


def read_files(paths: Sequence[Path], captions: Sequence[str] = ()) -> list[NewFile]:
    """The files at paths, read as bytes (never opened any other way), each with the caption
    of the same position; or one UserError listing every path that cannot be attached.

    A file larger than the limit is refused before it is read, so it never enters memory.
    """
    problems: list[str] = []
    new_files: list[NewFile] = []
    for index, path in enumerate(paths):
        try:
            exists = path.is_file()
        except OSError:  # a name too long to look up, for one
            exists = False
        if not exists:
            problems.append(f"{path}: no such file")
            continue
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                problems.append(f"{path.name} is {size_words(size)}; a file may be at most "
                                f"{size_words(MAX_FILE_BYTES)}: reduce the image or split the "
                                "data")
                continue
            data = path.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror})")
            continue
        caption = captions[index] if index < len(captions) else ""
        new_files.append(NewFile(path.name, data, caption))
    if problems:
        raise UserError("nothing was attached:\n" + "\n".join(f"  {p}" for p in problems))
    return new_files


@retried
def attach_files(store: Store, key: str, files: Sequence[NewFile], *, actor: str) -> AttachResult:
    """Attach files to the disclosure key, in the order given, in one transaction.

    A file whose bytes the disclosure already holds is left as it is (attaching twice
    changes nothing). Raises NotFound for an unknown key and UserError for a deleted
    disclosure or a file that may not be attached; nothing is written then.
    """
    good = checked_files(files)
    with store.write() as db:
        disclosure = find_disclosure(db=db, key=key)
        if disclosure is None:
            raise NotFound(f"no disclosure {key!r}; `firstfile disclosures list` shows the keys")
        if disclosure.deleted_at is not None:
            raise UserError(
                f"{key} is deleted; restore it first "
                f"(`firstfile disclosures restore {key}`), then attach"
            )
        added, already = attach_in(db=db, disclosure=disclosure, files=good, actor=actor)
        return AttachResult(build_view(db=db, disclosure=disclosure), tuple(added), tuple(already))


def attach_in(
    *,
    db: Session,
    disclosure: Disclosure,
    files: Sequence[tuple[CheckedFile, NewFile]],
    actor: str,
    write: bool = True,
) -> tuple[list[AttachmentView], list[str]]:
    """Attach checked files to disclosure within the caller's transaction, with the audit
    record; the files it holds already are left alone. Returns what was added and the names
    of the files it held already. write=False only checks (an import's check pass).
    Raises UserError when the disclosure would hold too many files or bytes."""
    assert disclosure.id is not None
    rows = attached(db=db, disclosure_id=disclosure.id)
    held = {row.sha256 for row in rows}
    fresh: list[tuple[CheckedFile, NewFile]] = []
    already: list[str] = []
    for checked, new in files:
        if checked.sha256 in held:
            already.append(checked.file_name)
            continue
        held.add(checked.sha256)
        fresh.append((checked, new))
    try:
        check_totals(
            len(rows) + len(fresh), sum(r.size for r in rows) + sum(c.size for c, _ in fresh)
        )
    except AttachmentRefused as exc:
        raise UserError(f"nothing was attached to {disclosure.key}: {exc}") from None
    now = datetime.now(UTC)
    position = max((row.position for row in rows), default=0)
    added: list[AttachmentView] = []
    for checked, new in fresh:
        position += 1
        caption = clean_line(new.caption)
        if write:
            store_blob(db=db, checked=checked, data=new.data)
            add_attachment(
                db=db,
                disclosure_id=disclosure.id,
                checked=checked,
                caption=caption,
                position=position,
                actor=actor,
                at=now,
            )
        added.append(
            AttachmentView(
                checked.file_name, checked.media_type, checked.size, checked.sha256, caption
            )
        )
    if added and write:
        disclosure.updated_at = now  # the version goes up with it (storage/versions.py)
        audit.record(
            db=db,
            actor=actor,
            entity="disclosure",
            entity_key=disclosure.key,
            action="attach",
            changes={"attachments": (None, [_described(a) for a in added])},
            record_sha256=content_hash(db=db, disclosure=disclosure),
        )
    return added, already


def _described(view: AttachmentView) -> dict[str, object]:
    return {
        "file": view.file_name,
        "sha256": view.sha256,
        "bytes": view.size,
        "media_type": view.media_type,
        "caption": view.caption,
    }


def contents(store: Store, hashes: Iterable[str]) -> dict[str, bytes]:
    """The bytes of the attached files with these hashes, by hash, in one read."""
    wanted = list(hashes)
    if not wanted:
        return {}
    with store.read() as db:
        return blobs(db=db, hashes=wanted)


def figure_contents(store: Store, views: Iterable[DisclosureView]) -> dict[str, bytes]:
    """The bytes of every file the views' documents embed or a bundle carries."""
    return contents(store, {a.sha256 for view in views for a in view.attachments})
