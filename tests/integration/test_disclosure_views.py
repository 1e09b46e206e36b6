"""Whole disclosures read with plain SQL (storage/disclosure_views.py) against the same
disclosures read through the ORM classes, on SQLite and PostgreSQL: every field equal, for
every filter, and the command that lists them loads no table class."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import select
from sqlmodel import col

from firstfile.domain.views import DisclosureView
from firstfile.services import disclosure_lists
from firstfile.services.errors import NotFound
from firstfile.storage.disclosure_queries import build_views
from firstfile.storage.disclosure_views import ListFilter
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    Component,
    Disclosure,
    DisclosureAttachment,
    DisclosureComponent,
    DisclosureEvent,
    DisclosureInventor,
    Engagement,
    Person,
)
from tests.integration.portfolio import build_portfolio


@pytest.fixture
def portfolio(store: Store) -> Store:
    return build_portfolio(store)


def _orm_views(store: Store, filt: ListFilter) -> list[DisclosureView]:
    """The same views through the ORM: the disclosures selected as ORM objects and their
    people, events, components and attachments checked against ORM queries of their own."""
    with store.read() as db:
        stmt = select(Disclosure).outerjoin(
            Engagement, col(Engagement.id) == col(Disclosure.engagement_id))
        if filt.deleted_only:
            stmt = stmt.where(col(Disclosure.deleted_at).is_not(None))
        elif not filt.include_deleted:
            stmt = stmt.where(col(Disclosure.deleted_at).is_(None))
        if filt.engagement_key:
            stmt = stmt.where(col(Engagement.key) == filt.engagement_key)
        if filt.status:
            stmt = stmt.where(col(Disclosure.status) == filt.status)
        if filt.keys:
            stmt = stmt.where(col(Disclosure.key).in_(filt.keys))
        rows = list(db.execute(stmt.order_by(col(Disclosure.id))).scalars())
        views = build_views(db=db, disclosures=rows)
        for row, view in zip(rows, views, strict=True):
            people = db.execute(
                select(col(Person.key), col(DisclosureInventor.postal_address))
                .join(Person, col(Person.id) == col(DisclosureInventor.person_id))
                .where(col(DisclosureInventor.disclosure_id) == row.id)
                .order_by(col(DisclosureInventor.position), col(DisclosureInventor.id))).all()
            assert [(p.person_key, p.postal_address) for p in view.inventors] == \
                [tuple(p) for p in people]
            events = db.execute(
                select(DisclosureEvent).where(col(DisclosureEvent.disclosure_id) == row.id)
                .order_by(col(DisclosureEvent.happened_on), col(DisclosureEvent.id))).scalars()
            assert [(e.kind, e.date, e.reference, "\n".join(e.claims_priority_of), e.restored)
                    for e in view.events] == \
                [(e.kind, e.happened_on, e.reference, e.claims_priority_of, e.restored)
                 for e in events]
            components = db.execute(
                select(col(Component.key)).join(
                    DisclosureComponent,
                    col(DisclosureComponent.component_id) == col(Component.id))
                .where(col(DisclosureComponent.disclosure_id) == row.id)).scalars()
            assert list(view.components) == sorted(components)
            attached = db.execute(
                select(col(DisclosureAttachment.file_name))
                .where(col(DisclosureAttachment.disclosure_id) == row.id)
                .order_by(col(DisclosureAttachment.position))).scalars()
            assert [a.file_name for a in view.attachments] == list(attached)
        return views


def test_the_portfolio_has_every_part_a_view_shows(portfolio: Store) -> None:
    views = disclosure_lists.all_views(portfolio, ListFilter(include_deleted=True))
    assert any(v.deleted for v in views) and any(not v.engagement_key for v in views)
    assert any(v.attachments for v in views) and any(v.components for v in views)
    assert any(e.claims_priority_of and e.restored for v in views for e in v.events)
    assert any(p.is_vendor and p.organization_country for v in views for p in v.inventors)
    assert any(p.postal_address for v in views for p in v.inventors)
    assert any(v.submitter_name for v in views)
    assert all(v.created_at and v.created_at.tzinfo is not None for v in views)


@pytest.mark.parametrize("filt", [
    ListFilter(),
    ListFilter(include_deleted=True),
    ListFilter(deleted_only=True),
    ListFilter(engagement_key="aq7-second-cm"),
    ListFilter(status="submitted"),
    ListFilter(status="draft", include_deleted=True),
], ids=repr)
def test_plain_sql_reads_the_views_the_orm_reads(portfolio: Store, filt: ListFilter) -> None:
    expected = _orm_views(portfolio, filt)
    assert expected, "each filter lets some disclosures through"
    assert disclosure_lists.all_views(portfolio, filt) == expected


def test_a_filter_by_keys_reads_those_in_key_order_however_many(portfolio: Store) -> None:
    every = disclosure_lists.all_views(portfolio, ListFilter(include_deleted=True))
    keys = tuple(v.key for v in reversed(every[1:]))
    filt = ListFilter(include_deleted=True, keys=keys)
    assert disclosure_lists.all_views(portfolio, filt) == _orm_views(portfolio, filt) == every[1:]


def test_views_for_keys_come_in_the_order_given_and_name_a_missing_key(
        portfolio: Store) -> None:
    every = {v.key: v for v in disclosure_lists.all_views(portfolio,
                                                          ListFilter(include_deleted=True))}
    keys = list(reversed(every))[:3]
    assert disclosure_lists.views_for(portfolio, [*keys, keys[0]]) == \
        [every[k] for k in (*keys, keys[0])]
    with pytest.raises(NotFound, match="no disclosure 'FF-1999-0001'"):
        disclosure_lists.views_for(portfolio, [keys[0], "FF-1999-0001"])
    with pytest.raises(NotFound, match="no engagement 'NOPE'"):
        disclosure_lists.all_views(portfolio, ListFilter(engagement_key="NOPE"))


def test_the_list_command_writes_the_orm_views_and_loads_no_table_class_nor_pydantic(
        portfolio: Store) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "firstfile", "disclosures", "list",
         "--json", "--db", portfolio.url],
        capture_output=True, text=True, timeout=120, check=True)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
              if line.startswith("import time:")}
    assert "sqlalchemy" in loaded  # the measurement sees the modules the command loads
    # No table class, and no pydantic: the list's options are text and flags
    # (commands/parameter_reading.py).
    assert not {"sqlmodel", "firstfile.storage.tables", "alembic", "pydantic"} & loaded
    assert json.loads(result.stdout) == \
        [json.loads(json.dumps(v.as_json())) for v in _orm_views(portfolio, ListFilter())]
