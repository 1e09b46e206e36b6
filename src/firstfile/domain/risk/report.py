"""The internal risk report of one engagement (docs/RISK.md, "The risk report"): what the
document for executives and counsel holds, as plain data, and the few readings of it that the
Word and Markdown versions share.

It is internal by construction: it carries the whole analysis (scores, reasons, what each
vendor sees, competitors, safeguards, the tracer register) and there is no vendor version of
it. The tracer register is the one the service reads; it never holds the secret codes are
made with, only the codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from firstfile.domain.risk.assessment import RiskAssessment, TacticAction
from firstfile.domain.risk.vocabulary import DONE, NOT_APPLICABLE
from firstfile.domain.tracers import Tracer

# The shades of the exposure matrix, lightest first: a cell's share of the engagement's
# knowledge against the largest share any cell holds.
SHADE_STEPS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75)


@dataclass(frozen=True, slots=True)
class RiskReport:
    """Everything the risk report shows, read in one unit of work."""

    engagement_key: str
    engagement_name: str
    product: str
    prepared_on: date
    prepared_by: str
    assessment: RiskAssessment
    tracers: tuple[Tracer, ...]

    def open_actions(self) -> tuple[TacticAction, ...]:
        """The design-tactic actions not yet in place nor ruled out."""
        return tuple(a for a in self.assessment.actions if a.status not in (DONE, NOT_APPLICABLE))

    def vendor_name(self, key: str) -> str:
        """The vendor's name, or its key when it is not one of the engagement's."""
        return next((v.name for v in self.assessment.vendors if v.key == key), key)

    def largest_cell_share(self) -> float:
        """The largest share of knowledge any one cell of the matrix shows (0 when none)."""
        return max(
            (cell.share for row in self.assessment.matrix.rows for cell in row.cells),
            default=0.0,
        )


def shade(share: float, largest: float) -> int:
    """How dark a matrix cell is: 0 (nothing seen) to len(SHADE_STEPS) (the darkest), by its
    share against the largest cell's."""
    if share <= 0 or largest <= 0:
        return 0
    ratio = share / largest
    return sum(1 for step in SHADE_STEPS if ratio > step)
