"""Reading the internal risk report of one engagement: the analysis, the engagement's facts
and its tracer register, in one read so the document shows one moment of the data.

Read only: the report is written by services/exports.export_risk, which is where the
rendering and the atomic write happen. The tracer register is read through the same query as
`firstfile tracers list`; the per-database secret is never read here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from firstfile.domain.risk.assessment import assess
from firstfile.domain.risk.report import RiskReport
from firstfile.domain.risk.tree import RiskInputError
from firstfile.domain.text import clean_line
from firstfile.services.agreements import checklist_items
from firstfile.services.risk import RiskDataError, policy, read_inputs
from firstfile.services.vendors import require_engagement
from firstfile.storage import tracer_queries as tq
from firstfile.storage.engine import Store


def risk_report(
    store: Store,
    engagement_key: str,
    *,
    prepared_by: str,
    templates_dir: Path | None = None,
    today: date | None = None,
) -> RiskReport:
    """The report of engagement_key as it stands now; RiskDataError (what to fix) when the
    analysis cannot be made, NotFound for an unknown engagement."""
    in_force = policy(templates_dir)
    items = checklist_items(templates_dir).items
    with store.read() as db:
        engagement = require_engagement(db=db, key=engagement_key)
        inputs = read_inputs(db, engagement, items)
        tracers = tuple(tq.engagement_tracers(db=db, engagement=engagement))
        name, product = engagement.name, engagement.product
    try:
        picture = assess(inputs, in_force)
    except RiskInputError as exc:
        raise RiskDataError(exc.problems, f"the risk report of {engagement_key}") from exc
    return RiskReport(
        engagement_key=engagement_key,
        engagement_name=clean_line(name),
        product=clean_line(product or ""),
        prepared_on=today or date.today(),
        prepared_by=clean_line(prepared_by),
        assessment=picture,
        tracers=tracers,
    )
