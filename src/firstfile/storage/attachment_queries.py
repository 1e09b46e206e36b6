"""Reading and writing attached files: their descriptions per disclosure, their bytes by hash.

The bytes are read only when a document or a file is made from them; lists and views carry
the descriptions alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, func, select
from sqlmodel import Session, col

from firstfile.domain.attachments import CheckedFile
from firstfile.domain.views import AttachmentView
from firstfile.storage.tables import AttachmentBlob, DisclosureAttachment


def attachment_views(*, db: Session, disclosure_ids: Any) -> dict[int, list[AttachmentView]]:
    """The attachments of the disclosures whose ids disclosure_ids holds (a list or a
    subquery), in the order they were attached, by disclosure id."""
    found: dict[int, list[AttachmentView]] = {}
    for row in db.execute(
        select(DisclosureAttachment)
        .where(col(DisclosureAttachment.disclosure_id).in_(disclosure_ids))
        .order_by(col(DisclosureAttachment.position), col(DisclosureAttachment.id))
    ).scalars():
        found.setdefault(row.disclosure_id, []).append(
            AttachmentView(
                file_name=row.file_name,
                media_type=row.media_type,
                size=row.size,
                sha256=row.sha256,
                caption=row.caption,
            )
        )
    return found


def blobs(*, db: Session, hashes: Iterable[str]) -> dict[str, bytes]:
    """The bytes of the files with these SHA-256 hashes, by hash."""
    wanted = sorted(set(hashes))
    found: dict[str, bytes] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        for sha256, data in db.execute(
            select(col(AttachmentBlob.sha256), col(AttachmentBlob.data)).where(
                col(AttachmentBlob.sha256).in_(chunk)
            )
        ):
            found[sha256] = bytes(data)
    return found


def store_blob(*, db: Session, checked: CheckedFile, data: bytes) -> None:
    """Keep the file's bytes under its hash, unless the same bytes are stored already."""
    if db.get(AttachmentBlob, checked.sha256) is None:
        db.add(AttachmentBlob(sha256=checked.sha256, size=checked.size, data=data))
        db.flush()


def add_attachment(
    *,
    db: Session,
    disclosure_id: int,
    checked: CheckedFile,
    caption: str,
    position: int,
    actor: str,
    at: datetime,
) -> DisclosureAttachment:
    """Name a stored blob on a disclosure."""
    row = DisclosureAttachment(
        disclosure_id=disclosure_id,
        sha256=checked.sha256,
        position=position,
        file_name=checked.file_name,
        media_type=checked.media_type,
        size=checked.size,
        caption=caption,
        added_at=at,
        added_by=actor,
    )
    db.add(row)
    db.flush()
    return row


def attached(*, db: Session, disclosure_id: int) -> list[DisclosureAttachment]:
    """The attachment rows of one disclosure, in order."""
    return list(
        db.execute(
            select(DisclosureAttachment)
            .where(col(DisclosureAttachment.disclosure_id) == disclosure_id)
            .order_by(col(DisclosureAttachment.position), col(DisclosureAttachment.id))
        ).scalars()
    )


def remove_attachments(*, db: Session, disclosure_id: int) -> int:
    """Remove a disclosure's attachments and the bytes no other disclosure still names.
    Returns how many attachments were removed."""
    hashes = [row.sha256 for row in attached(db=db, disclosure_id=disclosure_id)]
    # A DELETE always returns a cursor result, which carries the count.
    count = cast(CursorResult[Any], db.execute(
        delete(DisclosureAttachment).where(col(DisclosureAttachment.disclosure_id) == disclosure_id)
    )).rowcount
    if hashes:
        still_named = exists().where(col(DisclosureAttachment.sha256) == AttachmentBlob.sha256)
        db.execute(
            delete(AttachmentBlob).where(col(AttachmentBlob.sha256).in_(hashes)).where(~still_named)
        )
    return int(count or 0)


def blob_count(*, db: Session) -> int:
    """How many distinct files the store holds."""
    return int(db.execute(select(func.count()).select_from(AttachmentBlob)).scalar_one())
