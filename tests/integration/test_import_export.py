"""Interchange files into the database and back: idempotent, all-or-nothing, round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import parse_document, read_document
from firstfile.interchange.writer import dump_document
from firstfile.resources import sample_sessions
from firstfile.services import disclosures
from firstfile.services.importer import import_document
from firstfile.services.interchange_export import export_engagement
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent

SAMPLES = sorted(sample_sessions().glob("*.yaml"))


def _audit_count(store: Store) -> int:
    with store.read() as db:
        return int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_there_are_at_least_two_sample_engagements_with_a_joint_disclosure() -> None:
    assert len(SAMPLES) >= 2
    docs = [read_document(p) for p in SAMPLES]
    assert all(d.sessions and d.sessions[0].ideas for d in docs)
    assert any(
        i.organization != "internal"
        for d in docs for i in d.people
    )
    # and a merged idea whose survivor has two authors, so the round trips below carry one
    assert any(
        idea.merged_into and len(s.ideas[idea.merged_into - 1].authors) == 2
        for d in docs for s in d.sessions for idea in s.ideas
    )


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_importing_twice_changes_nothing(store: Store, sample: Path) -> None:
    doc = read_document(sample)
    first = import_document(store, doc, actor="tester")
    assert first.changed
    audits = _audit_count(store)
    views = disclosures.all_views(store)
    second = import_document(store, read_document(sample), actor="tester")
    assert not second.changed, second.summary()
    assert _audit_count(store) == audits
    assert disclosures.all_views(store) == views


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_export_reads_back_as_the_imported_document(store: Store, sample: Path) -> None:
    doc = read_document(sample)
    import_document(store, doc, actor="tester")
    exported = export_engagement(store, doc.engagement.key)
    again = parse_document(dump_document(exported), "exported.yaml")
    assert again.engagement == doc.engagement
    assert {v.key for v in again.vendors} == {v.key for v in doc.vendors}
    assert [d.key for d in again.disclosures] == [d.key for d in doc.disclosures]
    for theirs, ours in zip(again.disclosures, doc.disclosures, strict=True):
        # Components are a set: they come back in key order.
        expected = ours.draft.cleaned()
        assert theirs.draft == replace(expected, components=tuple(sorted(expected.components)))
        assert theirs.events == ours.events
    assert [s.ideas for s in again.sessions] == [s.ideas for s in doc.sessions]
    # And importing the export changes nothing.
    assert not import_document(store, again, actor="tester").changed


def test_a_joint_sample_disclosure_is_joint_in_the_database(store: Store) -> None:
    for sample in SAMPLES:
        import_document(store, read_document(sample), actor="tester")
    joint = [v for v in disclosures.all_views(store) if v.joint]
    assert joint and all(v.joint_vendors for v in joint)


def test_a_bad_file_is_rejected_whole_and_nothing_is_written(store: Store,
                                                              tmp_path: Path) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    key = read_document(SAMPLES[0]).people[0].key
    broken = text.replace(f"person: {key}", "person: nobody-by-that-key", 1)
    assert broken != text
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InterchangeError) as raised:
        read_document(path)
    assert any("unknown person 'nobody-by-that-key'" in p for p in raised.value.problems)
    assert all(p.startswith("broken.yaml:") or "broken.yaml" in p
               for p in raised.value.problems)
    assert disclosures.count(store) == 0
    assert _audit_count(store) == 0


def test_links_an_import_adds_are_audited(store: Store) -> None:
    """A vendor added to a component and a person added to a session are changes a
    derivation case asks about: each new link writes its own audit row in the chain."""
    from firstfile.services.audit_trail import read_trail
    from firstfile.services.verification import verify

    doc = read_document(sample_sessions() / "bms-shenzhen.yaml")
    import_document(store, doc, actor="tester")
    component = next(c for c in doc.components if c.key == "afe-board")
    new_vendor = next(v.key for v in doc.vendors if v.key not in component.vendors)
    session = doc.sessions[0]
    new_person = next(p.key for p in doc.people if p.key not in session.participants
                      and p.key != session.facilitator)
    changed = replace(
        doc,
        components=tuple(replace(c, vendors=(*c.vendors, new_vendor)) if c is component else c
                         for c in doc.components),
        sessions=(replace(session, participants=(*session.participants, new_person)),
                  *doc.sessions[1:]),
    )
    before = _audit_count(store)
    assert import_document(store, changed, actor="tester").changed
    links = [e for e in read_trail(store).entries if e.seq > before]
    assert [(e.action, e.entity, e.entity_key, e.changes) for e in links] == [
        ("link", "component", f"{doc.engagement.key}/afe-board", {"vendors": [None, new_vendor]}),
        ("link", "session", f"{doc.engagement.key}/{session.key}",
         {"participants": [None, new_person]}),
    ]
    assert verify(store).ok
