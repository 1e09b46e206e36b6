"""What home shows, read with plain SQL (services/home.py), against the same read through
the ORM classes, on SQLite and PostgreSQL; and home's read, and the commands that list
engagements and sessions, load no table class."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from firstfile.domain.sessions import PROMOTED
from firstfile.services import directory, drafts, sessions
from firstfile.services.home import home_data
from firstfile.storage.disclosure_queries import ListFilter, page_rows
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    Disclosure,
    Engagement,
    EngagementVendor,
    ExtractionSession,
    Idea,
    Person,
    SessionParticipant,
    Vendor,
)
from tests.integration.portfolio import build_portfolio


@pytest.fixture
def portfolio(store: Store) -> Store:
    return build_portfolio(store)


def test_home_reads_what_the_orm_reads(portfolio: Store) -> None:
    data = home_data(portfolio, actor="tester")
    with portfolio.read() as db:
        assert list(data.summary.recent) == page_rows(
            db=db, filt=ListFilter(), sort="updated", limit=10)
        assert data.summary.counts == dict(db.execute(
            select(col(Disclosure.status), func.count())
            .where(col(Disclosure.deleted_at).is_(None)).group_by(col(Disclosure.status))).all())
        assert data.summary.people == db.execute(
            select(func.count()).select_from(Person)).scalar_one()
        engagements = db.execute(select(Engagement).order_by(col(Engagement.key))).scalars()
        expected = []
        for e in engagements:
            vendors = db.execute(
                select(col(Vendor.name)).join(
                    EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
                .where(col(EngagementVendor.engagement_id) == e.id)
                .order_by(col(Vendor.name))).scalars().all()
            live = db.execute(select(func.count()).select_from(Disclosure).where(
                col(Disclosure.engagement_id) == e.id,
                col(Disclosure.deleted_at).is_(None))).scalar_one()
            expected.append((e.key, e.name, e.product, e.phase, live, tuple(vendors)))
        assert [(e.key, e.name, e.product, e.phase, e.disclosure_count, e.vendors)
                for e in data.summary.engagements] == expected
        rows = db.execute(select(ExtractionSession, col(Engagement.key)).join(
            Engagement, col(Engagement.id) == col(ExtractionSession.engagement_id))).all()
        expected_sessions = set()
        for s, engagement_key in rows:
            def count(stmt: object) -> int:
                return int(db.execute(stmt).scalar_one())  # type: ignore[call-overload]
            expected_sessions.add((
                engagement_key, s.key, s.title, s.held_on, s.status,
                count(select(func.count()).select_from(SessionParticipant)
                      .where(col(SessionParticipant.session_id) == s.id)),
                count(select(func.count()).select_from(Idea).where(
                    col(Idea.session_id) == s.id, col(Idea.merged_into_id).is_(None))),
                count(select(func.count()).select_from(Idea).where(
                    col(Idea.session_id) == s.id, col(Idea.status) == PROMOTED)),
            ))
    shown = [(s.engagement_key, s.key, s.title, s.held_on, s.status, s.participants, s.ideas,
              s.promoted) for s in data.sessions]
    assert set(shown) == expected_sessions and len(shown) == len(expected_sessions)
    assert any(s.promoted for s in data.sessions) and any(s.participants for s in data.sessions)
    held = [s.held_on.toordinal() if s.held_on else 0 for s in data.sessions]
    assert held == sorted(held, reverse=True)
    assert data.sessions == sessions.list_sessions(portfolio)
    assert list(data.summary.engagements) == directory.list_engagements(portfolio)
    assert any(e.vendors for e in data.summary.engagements)
    assert any(e.disclosure_count for e in data.summary.engagements)


def test_home_names_the_edits_waiting_for_this_user_newest_first(store: Store) -> None:
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    drafts.save_buffer(store, "edit:FF-2026-0001", "FF-2026-0001", {}, now=base, actor="jdoe")
    drafts.save_buffer(store, "capture", "", {"title": "x"}, now=base, actor="jdoe")
    drafts.save_buffer(store, "edit:FF-2026-0003", "FF-2026-0003", {},
                       now=base + timedelta(minutes=3), actor="jdoe")
    drafts.save_buffer(store, "edit:FF-2026-0002", "FF-2026-0002", {}, now=base,
                       actor="rsmith")
    drafts.save_buffer(store, "edit:FF-2026-0004", "FF-2026-0004", {},
                       now=base - timedelta(days=1), actor=drafts.UNCLAIMED)

    assert home_data(store, actor="jdoe").waiting == [
        "FF-2026-0003", "FF-2026-0001", "FF-2026-0004"]
    pending = drafts.pending_buffers(store, actor="rsmith")
    assert [(p.disclosure_key, p.saved_at) for p in pending] == [
        ("FF-2026-0002", base), ("FF-2026-0004", base - timedelta(days=1))]
    assert all(p.saved_at.tzinfo is not None for p in pending)


def test_home_reads_its_data_without_the_table_classes(portfolio: Store) -> None:
    code = (
        "import json, sys\n"
        "from firstfile.storage.engine import open_store\n"
        "from firstfile.services.home import home_data\n"
        "data = home_data(open_store(sys.argv[1]), actor='tester')\n"
        "print(json.dumps([len(data.summary.recent), len(data.sessions),\n"
        "                  sorted(m for m in ('sqlmodel', 'firstfile.storage.tables')\n"
        "                         if m in sys.modules)]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, portfolio.url],
                            capture_output=True, text=True, timeout=120, check=True)
    recent, session_count, loaded = json.loads(result.stdout)
    data = home_data(portfolio, actor="tester")
    assert recent == len(data.summary.recent) > 0
    assert session_count == len(data.sessions) > 0
    assert loaded == []


@pytest.mark.parametrize("args", [["engagements", "list", "--json"],
                                  ["sessions", "list", "--json"]], ids=" ".join)
def test_the_list_commands_print_these_readings_and_load_no_table_class(
        portfolio: Store, args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "firstfile", *args, "--db", portfolio.url],
        capture_output=True, text=True, timeout=120, check=True)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "sqlalchemy" in loaded  # the measurement sees the modules the command loads
    assert not {"sqlmodel", "firstfile.storage.tables", "alembic", "pydantic"} & loaded
    printed = json.loads(result.stdout)
    if args[0] == "engagements":
        assert [(e["key"], e["disclosures"], e["vendors"]) for e in printed] == [
            (e.key, e.disclosure_count, list(e.vendors))
            for e in directory.list_engagements(portfolio)]
    else:
        assert [(s["session"], s["ideas"], s["promoted"]) for s in printed] == [
            (s.ref, s.ideas, s.promoted) for s in sessions.list_sessions(portfolio)]
    assert len(printed) > 1
