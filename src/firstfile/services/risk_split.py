"""Use cases of the best split across vendors (practice 6; docs/RISK.md, section 8): computing
it beside today's assignment, and applying it as one confirmed, audited step.

The split is solved by HiGHS in a child process whose standard output goes nowhere
(analysis/split_process.py): the solver can print a debug line from C, which would corrupt
the CLI's JSON or the TUI's screen. The suggestion carries the fingerprint of everything it
was computed from (the engagement's risk data and the policy); applying it re-reads that data
in the writing transaction and refuses, writing nothing, when the fingerprint differs: a
colleague re-scored, pinned or reassigned something since, and the suggestion may no longer
be the best, or even allowed. On PostgreSQL the applying transaction is serializable, so a
change committed while it runs makes it fail the same way instead of being overwritten.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from firstfile.analysis.split_process import SolverFailed, solve_split_quietly
from firstfile.domain.risk.fingerprint import fingerprint
from firstfile.domain.risk.split import SplitResult
from firstfile.domain.risk.tree import RiskInputError
from firstfile.services.agreements import checklist_items
from firstfile.services.errors import Conflict, UserError
from firstfile.services.risk import RiskDataError, policy, read_inputs, record_component_change
from firstfile.services.vendors import require_engagement
from firstfile.storage import audit
from firstfile.storage import engagement_queries as q
from firstfile.storage import risk_queries as rq
from firstfile.storage.engine import Store
from firstfile.storage.tables import ComponentVendor


@dataclass(frozen=True, slots=True)
class SplitProposal:
    """The best split beside today's, and the fingerprint of what it was computed from."""

    result: SplitResult
    fingerprint: str

    def as_json(self) -> dict[str, Any]:
        """`firstfile risk split ENGAGEMENT --json`: the result and its fingerprint."""
        return {**self.result.as_json(), "fingerprint": self.fingerprint}


@dataclass(frozen=True, slots=True)
class AppliedSplit:
    """What applying a split changed: the assignments added and removed."""

    engagement_key: str
    added: tuple[tuple[str, str], ...]  # (component, vendor)
    removed: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def best_split(
    store: Store,
    engagement_key: str,
    *,
    templates_dir: Path | None = None,
    candidates: Collection[str] | None = None,
    tolerance: float | None = None,
) -> SplitProposal:
    """The split that minimises the largest exposure of any vendor, beside today's.

    candidates: the vendors that may be given work (default: all of the engagement's);
    tolerance: how close to the proven best is close enough (default: the policy's). An
    impossible split is refused with a message naming what to change.
    """
    in_force = policy(templates_dir)
    items = checklist_items(templates_dir).items
    with store.read() as db:
        inputs = read_inputs(db, require_engagement(db=db, key=engagement_key), items)
    try:
        result = solve_split_quietly(inputs, in_force, candidates=candidates, tolerance=tolerance)
    except RiskInputError as exc:
        raise RiskDataError(exc.problems, f"a split of {engagement_key}") from exc
    except SolverFailed as exc:
        raise UserError(f"the split of {engagement_key} could not be computed: {exc}") from exc
    return SplitProposal(result, fingerprint(inputs, in_force))


def apply_split(
    store: Store,
    engagement_key: str,
    proposal: SplitProposal,
    *,
    actor: str,
    templates_dir: Path | None = None,
) -> AppliedSplit:
    """Make the suggested assignment the engagement's, in one transaction with its audit
    records: one for the engagement (every move, the largest exposure before and after, the
    proven bound) and one for each component that moves. Refused (Conflict, nothing written)
    when the data changed since the proposal was computed."""
    if proposal.result.engagement_key != engagement_key:
        raise UserError(
            f"this split was computed for {proposal.result.engagement_key}, not {engagement_key}"
        )
    in_force = policy(templates_dir)
    items = checklist_items(templates_dir).items
    stale = Conflict(
        f"{engagement_key} changed since this split was computed (a score, a "
        "decision, an assignment, a pin, a critical set or the policy); nothing was "
        f"applied: compute it again with `firstfile risk split {engagement_key}`"
    )
    try:
        with store.write() as db:
            if store.dialect == "postgresql":
                db.execute(text("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"))
            engagement = require_engagement(db=db, key=engagement_key)
            inputs = read_inputs(db, engagement, items)
            if fingerprint(inputs, in_force) != proposal.fingerprint:
                raise stale
            return _apply(db, engagement, proposal.result, actor=actor)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "40001":  # serialization failure
            raise stale from exc
        raise


def _apply(db: Any, engagement: Any, result: SplitResult, *, actor: str) -> AppliedSplit:
    wanted = {(a.component, a.vendor): a.pinned for a in result.assignments()}
    rows = {(c, v): row for row, c, v in rq.assignment_rows(db=db, engagement_id=engagement.id)}
    removed = sorted(pair for pair in rows if pair not in wanted)
    added = sorted(pair for pair in wanted if pair not in rows)
    if any(rows[pair].pinned for pair in removed):
        raise Conflict("the split would drop a pinned assignment; nothing was applied")
    if not removed and not added:
        return AppliedSplit(engagement.key, (), ())
    ids = rq.component_ids(db=db, engagement_id=engagement.id)
    for pair in removed:
        db.delete(rows[pair])
    db.flush()
    for component, vendor in added:
        db.add(
            ComponentVendor(
                component_id=ids[component], vendor_id=q.vendor_id(db=db, key=vendor), pinned=False
            )
        )
    db.flush()
    moves = {m.component: (list(m.before), list(m.after)) for m in result.moves}
    audit.record(
        db=db,
        actor=actor,
        entity="engagement",
        entity_key=engagement.key,
        action="apply-split",
        changes={
            **{f"assignment:{c}": pair for c, pair in moves.items()},
            "max_exposure": (result.current.max_exposure, result.suggested.max_exposure),
            "lower_bound": (None, result.lower_bound),
            "proven_optimal": (None, result.proven_optimal),
        },
    )
    for component, (before, after) in moves.items():
        record_component_change(
            db, actor, engagement.key, component, "split-move", {"vendors": (before, after)}
        )
    return AppliedSplit(engagement.key, tuple(added), tuple(removed))
