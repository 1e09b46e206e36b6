"""The chain walk on plain rows (domain/evidence.py), without a database: an intact chain of
any length passes; any one field of any one row changed, any one row removed, or a chain cut
short against its head is found at the row where it happened. Anchor statements read back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from firstfile.domain.evidence import (
    GENESIS,
    AuditRow,
    ChainWalk,
    anchor_statement,
    canonical_json,
    chain_link,
    parse_anchor,
    seal,
    sha256_hex,
)

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def _chain(count: int) -> list[AuditRow]:
    rows: list[AuditRow] = []
    previous = GENESIS
    for seq in range(1, count + 1):
        values = dict(
            seq=seq,
            at=START + timedelta(minutes=seq),
            actor="jdoe",
            actor_name="Jane Doe",
            entity="disclosure",
            entity_key=f"FF-2026-{seq:04d}",
            action="update",
            changes=json.dumps({"title": [None, f"title {seq}"]}),
        )
        sealed = seal(previous=previous, **values)  # type: ignore[arg-type]
        rows.append(
            AuditRow(
                **values,
                values_sha256=sealed.values_sha256,  # type: ignore[arg-type]
                content_sha256=sealed.content_sha256,
                chain_sha256=sealed.chain_sha256,
                id=seq,
            )
        )
        previous = sealed.chain_sha256
    return rows


def _walk(rows: list[AuditRow], head: tuple[int, str] | None) -> ChainWalk:
    walk = ChainWalk()
    for row in rows:
        walk.add(row)
    walk.finish(*(head or (None, None)))
    return walk


def _head(rows: list[AuditRow]) -> tuple[int, str]:
    return rows[-1].seq, rows[-1].chain_sha256


@given(st.integers(min_value=1, max_value=12))
def test_an_intact_chain_passes(count: int) -> None:
    rows = _chain(count)
    walk = _walk(rows, _head(rows))
    assert walk.intact and walk.rows == count and walk.last_chain == rows[-1].chain_sha256


CHANGES = {
    "at": lambda row: replace(row, at=row.at - timedelta(days=400)),  # back-dated
    "actor": lambda row: replace(row, actor="someone-else"),
    "actor_name": lambda row: replace(row, actor_name="Someone Else"),
    "entity_key": lambda row: replace(row, entity_key="FF-2025-0001"),
    "action": lambda row: replace(row, action="create"),
    "changes": lambda row: replace(row, changes=row.changes.replace("title", "titlE")),
    "content_sha256": lambda row: replace(row, content_sha256="f" * 64),
    "chain_sha256": lambda row: replace(row, chain_sha256="e" * 64),
}


@given(st.integers(min_value=2, max_value=10), st.data(), st.sampled_from(sorted(CHANGES)))
def test_any_changed_field_is_found_at_its_row(count: int, data: st.DataObject, name: str) -> None:
    rows = _chain(count)
    at = data.draw(st.integers(min_value=0, max_value=count - 1))
    head = _head(rows)
    rows[at] = CHANGES[name](rows[at])
    walk = _walk(rows, head)
    assert not walk.intact
    assert walk.problems[0].seq == at + 1, (name, walk.problems)


@given(st.integers(min_value=2, max_value=10), st.data())
def test_a_removed_row_is_found(count: int, data: st.DataObject) -> None:
    rows = _chain(count)
    head = _head(rows)
    at = data.draw(st.integers(min_value=0, max_value=count - 1))
    del rows[at]
    walk = _walk(rows, head)
    assert not walk.intact
    if at < count - 1:
        assert "missing (deleted)" in walk.problems[0].what
    else:  # the last row: only the head knows it existed
        assert walk.problems[-1].what.startswith(f"rows {count} to {count} are missing")


def test_chain_link_is_what_the_shell_recomputes() -> None:
    previous, content = "a" * 64, "b" * 64
    assert chain_link(previous, content) == sha256_hex(f"{previous}\n{content}\n".encode())


def test_canonical_json_does_not_depend_on_key_order() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == canonical_json({"a": "é", "b": 1})
    assert canonical_json({"a": "é"}) == '{"a":"é"}'.encode()


def test_an_anchor_statement_reads_back() -> None:
    statement = anchor_statement(seq=42, chain_sha256="c" * 64, reason="bundle")
    assert parse_anchor(statement) == (42, "c" * 64)
    assert parse_anchor(b"firstfile-anchor/1\nseq x\nchain-sha256 y\n") is None
    assert parse_anchor(b"something else") is None


def test_the_first_content_format_is_byte_for_byte_what_it_was() -> None:
    """Hashes recorded before attachments and inventor details were covered must still be
    recomputed exactly, so the /1 shape is pinned here."""
    from firstfile.domain.evidence import (
        CONTENT_FIELDS,
        DISCLOSURE_FORMAT_V1,
        content_hashes,
        content_sha256,
        disclosure_content,
    )
    from firstfile.domain.views import AttachmentView, InventorView
    from tests.unit.disclosure_samples import sample_view

    person = InventorView("jdoe", "Jane Doe", "j@x", "internal", "Acme", False, "inventor",
                          100.0, postal_address="1 Main St")
    view = sample_view(inventors=(person,), attachments=())
    old = {"format": DISCLOSURE_FORMAT_V1, **{n: getattr(view, n) for n in CONTENT_FIELDS},
           "inventors": [{"person": "jdoe", "role": "inventor", "contribution": 100.0,
                          "organization": "internal", "organization_name": "Acme"}]}
    assert disclosure_content(view, DISCLOSURE_FORMAT_V1) == canonical_json(old)
    moved = replace(person, postal_address="2 Side St")
    attached = replace(view, attachments=(AttachmentView("a.csv", "text/csv", 4, "ab" * 32),))
    for changed in (replace(view, inventors=(moved,)), attached,
                    replace(attached, attachments=(replace(attached.attachments[0],
                                                           caption="Run 2"),))):
        assert content_sha256(changed) != content_sha256(view)
        # What /1 covered did not change, so a /1 hash still covers it.
        assert content_hashes(changed) & content_hashes(view)
