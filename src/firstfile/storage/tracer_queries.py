"""The tracer register and the per-database tracer secret.

Every function runs inside the caller's unit of work (`db`). The secret is read only by
`tracer_secret` and `ensure_tracer_secret`, and only the tracer service calls them: no view,
export or document query selects from the secret's table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from firstfile.domain.tracers import Tracer as IssuedTracer
from firstfile.storage.tables import Engagement, Tracer, TracerSecret, Vendor

SECRET_ROW = 1  # the table holds one row
_SECRET = select(col(TracerSecret.secret)).where(col(TracerSecret.id) == SECRET_ROW)


def tracer_secret(*, db: Session) -> bytes | None:
    """The database's tracer secret, or None while no tracer was ever issued here."""
    found = db.execute(_SECRET).scalar()
    return bytes(found) if found is not None else None


def ensure_tracer_secret(*, db: Session, secret: bytes) -> tuple[bytes, bool]:
    """The database's secret, storing secret as it when there is none yet.

    Returns the secret in force and whether this call stored it. The insert does nothing on
    conflict, so two writers making the first tracer at once agree on one secret.
    """
    dialect = db.get_bind().dialect.name
    insert = (sqlite if dialect == "sqlite" else postgresql).insert(TracerSecret)
    stmt = insert.values(id=SECRET_ROW, secret=secret, created_at=datetime.now(UTC))
    # RETURNING gives a row only when this insert stored one (a driver's rowcount does not say
    # so reliably for DO NOTHING).
    stmt = stmt.on_conflict_do_nothing(index_elements=["id"]).returning(col(TracerSecret.id))
    stored = db.execute(stmt).first() is not None
    current = tracer_secret(db=db)
    assert current is not None
    return current, stored


# The register's columns with the engagement's and the vendor's keys, as one statement built
# once: a lookup is then one cached, compiled probe of the code's index.
_REGISTER_COLUMNS = (
    col(Engagement.key),
    col(Tracer.component),
    col(Vendor.key),
    col(Tracer.issued_on),
    col(Tracer.kind),
    col(Tracer.code),
)
_REGISTER = (
    select(*_REGISTER_COLUMNS)
    .join(Engagement, col(Engagement.id) == col(Tracer.engagement_id))
    .join(Vendor, col(Vendor.id) == col(Tracer.vendor_id))
)
_BY_CODE = _REGISTER.where(col(Tracer.code) == bindparam("code"))


def _issued(rows: Iterable[Any]) -> list[IssuedTracer]:
    return [IssuedTracer(*row) for row in rows]


def engagement_tracers(*, db: Session, engagement: Engagement) -> list[IssuedTracer]:
    """The engagement's register: every tracer issued for it, oldest first."""
    rows = db.execute(
        _REGISTER.where(col(Tracer.engagement_id) == engagement.id).order_by(
            col(Tracer.issued_on), col(Tracer.component), col(Vendor.key), col(Tracer.id)
        )
    )
    return _issued(rows)


def tracer_by_code(*, db: Session, code: str) -> IssuedTracer | None:
    """The tracer carrying code (in its canonical printed form), or None: one index probe."""
    found = _issued(db.execute(_BY_CODE, {"code": code}))
    return found[0] if found else None


def find_canary(
    *, db: Session, engagement_id: int, vendor_id: int, component: str, kind: str
) -> IssuedTracer | None:
    """The vendor's document canary in the engagement, issued on its first export, or None."""
    rows = db.execute(
        _REGISTER.where(
            col(Tracer.engagement_id) == engagement_id,
            col(Tracer.vendor_id) == vendor_id,
            col(Tracer.component) == component,
            col(Tracer.kind) == kind,
        )
        .order_by(col(Tracer.issued_on), col(Tracer.id))
        .limit(1)
    )
    found = _issued(rows)
    return found[0] if found else None


def add_tracer(*, db: Session, tracer: IssuedTracer, engagement_id: int, vendor_id: int) -> Tracer:
    """Add an issued tracer to the register (the caller audits it)."""
    row = Tracer(
        engagement_id=engagement_id,
        vendor_id=vendor_id,
        component=tracer.component,
        kind=tracer.kind,
        issued_on=tracer.issued_on,
        code=tracer.code,
    )
    db.add(row)
    db.flush()
    return row


def count_tracers(*, db: Session) -> int:
    """How many tracers the register holds, over every engagement."""
    return int(db.execute(select(func.count()).select_from(Tracer)).scalar_one())
