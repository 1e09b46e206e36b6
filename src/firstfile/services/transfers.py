"""The transfer register: what confidential material went to which vendor, when, under which
agreement (docs/EVIDENCE.md). It is what a derivation case asks for: the vendor had this
file, with this SHA-256, from that day, while the checklist's NDA item stood so.

Files are hashed (SHA-256, read in blocks) before the unit of work opens, and every file is
checked first: a missing or unreadable file is reported and nothing is written. Their bytes
are kept only when asked (`keep_content`), up to KEEP_LIMIT each. An entry is never changed:
a correction is a new entry. Each entry is audited with every file's name, size and hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from firstfile.domain.text import clean_line, clean_text
from firstfile.services.errors import NotFound, UserError
from firstfile.services.vendors import require_engagement, require_engagement_vendor
from firstfile.storage import audit
from firstfile.storage.engine import Store
from firstfile.storage.identity import actor_and_time
from firstfile.storage.tables import (
    AgreementItem,
    Component,
    Engagement,
    Transfer,
    TransferComponent,
    TransferFile,
    Vendor,
)

KEEP_LIMIT = 64 * 1024 * 1024  # bytes of one file kept in the database, when asked
_BLOCK = 1024 * 1024
# The checklist item that is the vendor's confidentiality agreement: an NNN agreement for a
# vendor in China, a plain NDA elsewhere (templates/checklists/agreement.yaml).
NDA_ITEM = "nda"
NNN_ITEM = "nnn-non-disclosure"


@dataclass(frozen=True, slots=True)
class FileFact:
    """A file as it was sent: its name, size and SHA-256 (and its bytes, when kept)."""

    name: str
    size: int
    sha256: str
    kept: bool = False


@dataclass(frozen=True, slots=True)
class TransferView:
    """One entry of the register, as plain data."""

    id: int
    engagement_key: str
    vendor_key: str
    vendor_name: str
    sent_on: date
    agreement: str
    nda_item: str
    nda_status: str  # where the NDA item stood when the entry was recorded
    description: str
    files: tuple[FileFact, ...]
    components: tuple[str, ...]
    recorded_at: datetime
    actor: str
    actor_name: str

    @property
    def nda_done(self) -> bool:
        return self.nda_status == "done"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "engagement": self.engagement_key, "vendor": self.vendor_key,
            "vendor_name": self.vendor_name, "sent_on": self.sent_on.isoformat(),
            "agreement": self.agreement, "nda_item": self.nda_item,
            "nda_status": self.nda_status, "description": self.description,
            "files": [{"name": f.name, "bytes": f.size, "sha256": f.sha256, "kept": f.kept}
                      for f in self.files],
            "components": list(self.components),
            "recorded_at": self.recorded_at.isoformat(), "actor": self.actor,
            "actor_name": self.actor_name,
        }


def hash_file(path: Path, keep: bool) -> tuple[FileFact, bytes | None]:
    """A file's facts (and its bytes when keep), read in blocks. Raises UserError."""
    digest = hashlib.sha256()
    size = 0
    kept: list[bytes] | None = [] if keep else None
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                digest.update(block)
                size += len(block)
                if kept is not None:
                    if size > KEEP_LIMIT:
                        raise UserError(f"{path} is larger than {KEEP_LIMIT // (1024 * 1024)} "
                                        "MB; record it without --keep (its hash is kept)")
                    kept.append(block)
    except OSError as error:
        raise UserError(f"cannot read {path} ({error.strerror}); give a readable file"
                        ) from None
    fact = FileFact(clean_line(path.name)[:255], size, digest.hexdigest(), keep)
    return fact, (b"".join(kept) if kept is not None else None)


def record_transfer(
    store: Store, *, engagement_key: str, vendor_key: str, sent_on: date,
    files: Sequence[Path], actor: str, components: Sequence[str] = (), agreement: str = "",
    description: str = "", keep_content: bool = False,
) -> TransferView:
    """Record that files went to a vendor on sent_on. Raises UserError or NotFound (nothing
    written) for a missing file, an unknown engagement, vendor or component."""
    if not files:
        raise UserError("name at least one file that was sent (--file PATH)")
    if sent_on > date.today():
        raise UserError(f"{sent_on.isoformat()} is in the future; give the day it was sent")
    hashed = [hash_file(Path(path), keep_content) for path in files]
    with store.write() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        vendor_view = require_engagement_vendor(db=db, engagement=engagement,
                                                vendor_key=vendor_key)
        vendor = db.execute(select(Vendor).where(col(Vendor.key) == vendor_key)).scalar_one()
        component_ids = _component_ids(db, engagement, components)
        nda_item = NNN_ITEM if vendor_view.country == "CN" else NDA_ITEM
        nda_status = db.execute(select(col(AgreementItem.status)).where(
            col(AgreementItem.engagement_id) == engagement.id,
            col(AgreementItem.vendor_id) == vendor.id,
            col(AgreementItem.item_id) == nda_item)).scalar_one_or_none() or "open"
        who, now = actor_and_time(db)
        assert engagement.id is not None and vendor.id is not None
        row = Transfer(
            engagement_id=engagement.id, vendor_id=vendor.id, sent_on=sent_on,
            agreement=clean_line(agreement)[:200], nda_item=nda_item, nda_status=nda_status,
            description=clean_text(description), recorded_at=now, actor=who,
            actor_name=actor or who)
        db.add(row)
        db.flush()
        assert row.id is not None
        for fact, content in hashed:
            db.add(TransferFile(transfer_id=row.id, name=fact.name, size=fact.size,
                                sha256=fact.sha256, content=content))
        for component_id in component_ids.values():
            db.add(TransferComponent(transfer_id=row.id, component_id=component_id))
        db.flush()
        audit.record(db=db, actor=actor, entity="transfer",
                     entity_key=f"{engagement.key}/{vendor_key}/{row.id}", action="create",
                     changes={"transfer": (None, {
                         "vendor": vendor_key, "sent_on": sent_on, "agreement": row.agreement,
                         "nda_item": nda_item, "nda_status": nda_status,
                         "description": row.description,
                         "files": [[f.name, f.size, f.sha256] for f, _ in hashed],
                         "components": sorted(component_ids)})})
        return _view(row, engagement.key, vendor, [f for f, _ in hashed],
                     sorted(component_ids))


def _component_ids(db: Session, engagement: Engagement, keys: Sequence[str]) -> dict[str, int]:
    found = {key: cid for key, cid in db.execute(
        select(col(Component.key), col(Component.id))
        .where(col(Component.engagement_id) == engagement.id, col(Component.key).in_(list(keys))))}
    missing = [key for key in keys if key not in found]
    if missing:
        raise NotFound(f"no component {', '.join(map(repr, missing))} in {engagement.key}; "
                       "`firstfile engagements show` lists its components")
    return found


def _view(row: Transfer, engagement_key: str, vendor: Vendor, files: Sequence[FileFact],
          components: Sequence[str]) -> TransferView:
    assert row.id is not None
    return TransferView(
        id=row.id, engagement_key=engagement_key, vendor_key=vendor.key,
        vendor_name=vendor.name, sent_on=row.sent_on, agreement=row.agreement,
        nda_item=row.nda_item, nda_status=row.nda_status, description=row.description,
        files=tuple(files), components=tuple(components), recorded_at=row.recorded_at,
        actor=row.actor, actor_name=row.actor_name)


def list_transfers(store: Store, *, engagement_key: str | None = None,
                   vendor_key: str | None = None) -> list[TransferView]:
    """The register, oldest first; only one engagement's or vendor's when given."""
    with store.read() as db:
        if engagement_key is not None:
            require_engagement(db=db, key=engagement_key)
        return transfers_in(db, engagement_key=engagement_key, vendor_key=vendor_key)


def transfers_in(db: Session, *, engagement_key: str | None = None,
                 vendor_key: str | None = None) -> list[TransferView]:
    """The register in db's unit of work, oldest first, with a fixed number of queries per
    900 entries."""
    stmt = (select(Transfer, col(Engagement.key), Vendor)
            .join(Engagement, col(Engagement.id) == Transfer.engagement_id)
            .join(Vendor, col(Vendor.id) == Transfer.vendor_id))
    if engagement_key is not None:
        stmt = stmt.where(col(Engagement.key) == engagement_key)
    if vendor_key is not None:
        stmt = stmt.where(col(Vendor.key) == vendor_key)
    rows = list(db.execute(stmt.order_by(col(Transfer.sent_on), col(Transfer.id))))
    ids = [row.id for row, _, _ in rows]
    files: dict[int, list[FileFact]] = {}
    components: dict[int, list[str]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for tid, name, size, sha, kept in db.execute(
            select(col(TransferFile.transfer_id), col(TransferFile.name), col(TransferFile.size),
                   col(TransferFile.sha256), col(TransferFile.content).is_not(None))
            .where(col(TransferFile.transfer_id).in_(chunk))
            .order_by(col(TransferFile.id))):
            files.setdefault(tid, []).append(FileFact(name, size, sha, bool(kept)))
        for tid, key in db.execute(
            select(col(TransferComponent.transfer_id), col(Component.key))
            .join(Component, col(Component.id) == TransferComponent.component_id)
            .where(col(TransferComponent.transfer_id).in_(chunk))
            .order_by(col(Component.key))):
            components.setdefault(tid, []).append(key)
    return [_view(row, key, vendor, files.get(row.id or 0, []),
                  components.get(row.id or 0, [])) for row, key, vendor in rows]


def audited_form(entry: TransferView) -> dict[str, Any]:
    """The entry as its audit row records it (after the JSON round trip), so `verify` can
    find an entry changed behind firstfile's back."""
    return {
        "vendor": entry.vendor_key, "sent_on": entry.sent_on.isoformat(),
        "agreement": entry.agreement, "nda_item": entry.nda_item,
        "nda_status": entry.nda_status, "description": entry.description,
        "files": [[f.name, f.size, f.sha256] for f in entry.files],
        "components": sorted(entry.components),
    }
