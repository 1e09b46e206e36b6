"""Reading and writing an engagement's filing-strategy inputs, and what the strategy takes from
the rest of the engagement (its vendors' sites, its components and their assignments).

Every function runs inside the caller's unit of work (`db`); the services write the audit
record in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session, col

from firstfile.domain.risk.exposure import Assignment
from firstfile.domain.risk.tree import ComponentNode, scored
from firstfile.domain.strategy_inputs import CompetitorPresence, Market, VendorSite
from firstfile.domain.strategy_record import CostIndex, RecordedStrategy
from firstfile.storage.tables import (
    Component,
    ComponentVendor,
    Engagement,
    EngagementStrategy,
    EngagementVendor,
    OutsourcingCostIndex,
    StrategyCompetitor,
    StrategyMarket,
    Vendor,
)


@dataclass(frozen=True, slots=True)
class ExposureFacts:
    """What the knowledge exposure is computed from: the components as part 1's tree nodes,
    who is assigned what, and the vendors on the engagement (by key)."""

    nodes: tuple[ComponentNode, ...]
    assignments: tuple[Assignment, ...]
    vendors: tuple[str, ...]


def recorded_strategy(*, db: Session, engagement: Engagement) -> RecordedStrategy:
    """The engagement's recorded inputs (the defaults where nothing is recorded)."""
    engagement_id = engagement.id
    row = db.get(EngagementStrategy, engagement_id)
    markets = tuple(
        Market(m.code, m.revenue_share)
        for m in db.execute(
            select(StrategyMarket)
            .where(col(StrategyMarket.engagement_id) == engagement_id)
            .order_by(col(StrategyMarket.code))
        ).scalars()
    )
    competitors = tuple(
        CompetitorPresence(c.code, c.competitor)
        for c in db.execute(
            select(StrategyCompetitor)
            .where(col(StrategyCompetitor.engagement_id) == engagement_id)
            .order_by(col(StrategyCompetitor.competitor), col(StrategyCompetitor.code))
        ).scalars()
    )
    indexes = tuple(
        CostIndex(c.code, c.cost_index, c.source)
        for c in db.execute(
            select(OutsourcingCostIndex)
            .where(col(OutsourcingCostIndex.engagement_id) == engagement_id)
            .order_by(col(OutsourcingCostIndex.code))
        ).scalars()
    )
    if row is None:
        return RecordedStrategy(
            engagement.key, markets=markets, competitors=competitors, cost_indexes=indexes
        )
    return RecordedStrategy(
        engagement=engagement.key,
        annual_revenue=row.annual_revenue,
        currency=row.currency,
        horizon_years=row.horizon_years,
        budget=row.budget,
        markets=markets,
        competitors=competitors,
        cost_indexes=indexes,
    )


def store_strategy(*, db: Session, engagement: Engagement, record: RecordedStrategy) -> None:
    """Make the stored inputs exactly record (the caller has checked it and audits it)."""
    engagement_id = engagement.id or 0
    row = db.get(EngagementStrategy, engagement_id)
    if row is None:
        row = EngagementStrategy(engagement_id=engagement_id)
        db.add(row)
    row.annual_revenue = record.annual_revenue
    row.currency = record.currency
    row.horizon_years = record.horizon_years
    row.budget = record.budget
    for table in (StrategyMarket, StrategyCompetitor, OutsourcingCostIndex):
        db.execute(delete(table).where(col(table.engagement_id) == engagement_id))
    db.add_all(
        StrategyMarket(engagement_id=engagement_id, code=m.code, revenue_share=m.revenue_share)
        for m in record.markets
    )
    db.add_all(
        StrategyCompetitor(engagement_id=engagement_id, competitor=c.competitor, code=c.code)
        for c in record.competitors
    )
    db.add_all(
        OutsourcingCostIndex(
            engagement_id=engagement_id, code=c.code, cost_index=c.cost_index, source=c.source
        )
        for c in record.cost_indexes
    )
    db.flush()


def vendor_sites(*, db: Session, engagement: Engagement) -> tuple[VendorSite, ...]:
    """The engagement's vendors as the strategy needs them (name, kind, country), by name."""
    return tuple(
        VendorSite(name, kind, country)
        for name, kind, country in db.execute(
            select(col(Vendor.name), col(Vendor.kind), col(Vendor.country))
            .join(EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
            .where(col(EngagementVendor.engagement_id) == engagement.id)
            .order_by(col(Vendor.name), col(Vendor.key))
        )
    )


def served_competitors(*, db: Session, engagement: Engagement) -> set[str]:
    """The names of the competitors the engagement's vendors are recorded as serving."""
    names: set[str] = set()
    for (listed,) in db.execute(
        select(col(Vendor.competitors))
        .join(EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
        .where(col(EngagementVendor.engagement_id) == engagement.id)
    ):
        names.update(name.strip() for name in listed.split("\n") if name.strip())
    return names


def exposure_facts(*, db: Session, engagement: Engagement) -> ExposureFacts:
    """The engagement's components, their assignments and its vendors, as part 1 reads them.

    Today's components have no parent: each hangs directly under the product. This is the one
    place that turns storage into part 1's tree, so a richer tree (parents, rationales) only
    changes what is read here.
    """
    components = list(
        db.execute(
            select(Component)
            .where(col(Component.engagement_id) == engagement.id)
            .order_by(col(Component.key))
        ).scalars()
    )
    nodes = tuple(
        ComponentNode(
            key=c.key,
            name=c.name,
            kind=c.kind,
            assessment=scored(c.value_add, c.differentiation, c.reverse_engineering_difficulty),
        )
        for c in components
    )
    assignments = tuple(
        Assignment(component, vendor)
        for component, vendor in db.execute(
            select(col(Component.key), col(Vendor.key))
            .join(ComponentVendor, col(ComponentVendor.component_id) == col(Component.id))
            .join(Vendor, col(Vendor.id) == col(ComponentVendor.vendor_id))
            .where(col(Component.engagement_id) == engagement.id)
            .order_by(col(Component.key), col(Vendor.key))
        )
    )
    vendors = tuple(
        db.execute(
            select(col(Vendor.key))
            .join(EngagementVendor, col(EngagementVendor.vendor_id) == col(Vendor.id))
            .where(col(EngagementVendor.engagement_id) == engagement.id)
            .order_by(col(Vendor.key))
        ).scalars()
    )
    return ExposureFacts(nodes, assignments, vendors)
