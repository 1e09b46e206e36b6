"""Evidence: the audit trail as a hash chain, trusted timestamps, signatures, transfers.

`auditevent` gains its place in the chain (`seq`), the display name beside the actor, and
its hashes; `auditchainhead` holds the last link (one row, locked by every writer). The rows
already there are chained now, in id order, with the hashing written out below (kept here,
frozen, so that this migration computes the same hashes whatever later code does; a test
checks it against domain/evidence.py). The chain proves nothing about what happened to those
rows before this migration ran (docs/EVIDENCE.md).

New tables: `trustedtimestamp` (RFC 3161 tokens on disclosure content and on anchors of the
chain), `signerkey` and `disclosuresignature` (Ed25519 signatures with meaning), and the
transfer register (`transfer`, `transferfile`, `transfercomponent`).

Revision ID: 0010_evidence
Revises: 0009_strategy_tracers
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0010_evidence"
down_revision = "0009_strategy_tracers"
branch_labels = None
depends_on = None

_HASHES = ("record_sha256", "values_sha256", "content_sha256", "chain_sha256")
_BATCH = 2000


def upgrade() -> None:
    op.add_column("auditevent", sa.Column("seq", sa.Integer(), nullable=False,
                                          server_default="0"))
    op.add_column("auditevent", sa.Column("actor_name", sa.String(length=200), nullable=False,
                                          server_default=""))
    for name in _HASHES:
        op.add_column("auditevent", sa.Column(name, sa.String(length=64), nullable=False,
                                              server_default=""))
    op.create_table(
        "auditchainhead",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("chain_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "trustedtimestamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("disclosure_key", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("subject_sha256", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("tsa_url", sa.String(length=500), nullable=False),
        sa.Column("tsa_ca", sa.Text(), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=True),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trustedtimestamp_disclosure_key", "trustedtimestamp",
                    ["disclosure_key"])
    op.create_table(
        "signerkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_key"),
    )
    op.create_index("ix_signerkey_actor", "signerkey", ["actor"])
    op.create_table(
        "disclosuresignature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("meaning", sa.String(length=16), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["key_id"], ["signerkey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disclosuresignature_disclosure_id", "disclosuresignature",
                    ["disclosure_id"])
    op.create_table(
        "transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("agreement", sa.String(length=200), nullable=False),
        sa.Column("nda_item", sa.String(length=64), nullable=False),
        sa.Column("nda_status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"]),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transfer_engagement_id", "transfer", ["engagement_id"])
    op.create_index("ix_transfer_vendor_id", "transfer", ["vendor_id"])
    op.create_table(
        "transferfile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transferfile_transfer_id", "transferfile", ["transfer_id"])
    op.create_table(
        "transfercomponent",
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["component_id"], ["component.id"]),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfer.id"]),
        sa.PrimaryKeyConstraint("transfer_id", "component_id"),
    )
    seq, chain = _chain_existing_rows(op.get_bind())
    op.execute(sa.text("INSERT INTO auditchainhead (id, seq, chain_sha256) "
                       "VALUES (1, :seq, :chain)").bindparams(seq=seq, chain=chain))
    op.create_index("ix_auditevent_seq", "auditevent", ["seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_auditevent_seq", table_name="auditevent")
    for table in ("transfercomponent", "transferfile", "transfer", "disclosuresignature",
                  "signerkey", "trustedtimestamp", "auditchainhead"):
        op.drop_table(table)
    for name in ("seq", "actor_name", *_HASHES):
        op.drop_column("auditevent", name)


# --- chaining the rows written before this revision ------------------------------------------
# A frozen copy of domain/evidence.py's format 1: canonical JSON, UTC text, the envelope, the
# link. tests/integration/test_audit_chain.py checks that the two agree.


def _canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _utc(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _fields(changes: str) -> list[str]:
    try:
        data = json.loads(changes)
    except ValueError:
        return []
    return sorted(data) if isinstance(data, dict) else []


def _chain_existing_rows(conn: sa.Connection) -> tuple[int, str]:
    chain = "0" * 64
    seq = 0
    last_id = 0
    while True:
        rows = conn.execute(sa.text(
            "SELECT id, at, actor, entity, entity_key, action, changes FROM auditevent "
            "WHERE id > :last ORDER BY id LIMIT :n").bindparams(last=last_id, n=_BATCH)).all()
        if not rows:
            return seq, chain
        updates = []
        for row in rows:
            seq += 1
            at = row.at
            if isinstance(at, str):  # SQLite, read without the model's type
                at = datetime.fromisoformat(at)
            values = hashlib.sha256(row.changes.encode("utf-8")).hexdigest()
            envelope = _canonical({
                "format": "firstfile-audit/1", "seq": seq, "at": _utc(at),
                "actor": row.actor, "actor_name": row.actor, "entity": row.entity,
                "entity_key": row.entity_key, "action": row.action,
                "fields": _fields(row.changes), "values_sha256": values, "record_sha256": "",
            })
            content = hashlib.sha256(envelope).hexdigest()
            chain = hashlib.sha256(f"{chain}\n{content}\n".encode("ascii")).hexdigest()
            updates.append({"id": row.id, "seq": seq, "name": row.actor, "values": values,
                            "content": content, "chain": chain})
            last_id = row.id
        conn.execute(sa.text(
            "UPDATE auditevent SET seq = :seq, actor_name = :name, values_sha256 = :values, "
            "content_sha256 = :content, chain_sha256 = :chain WHERE id = :id"), updates)
