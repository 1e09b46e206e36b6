"""The internal risk report as Markdown, for review and for pasting into a message to counsel.

The same sections as the Word version; the matrix cells carry their shade as a block of
characters (░ ▒ ▓ █), since Markdown has no colour. User text is escaped so a name cannot add
a heading, a link or a table column.
"""

from __future__ import annotations

from collections.abc import Sequence

from firstfile.domain.risk.report import RiskReport, shade
from firstfile.domain.text import clean_line
from firstfile.rendering.checklist_markdown import cell, md
from firstfile.rendering.checklist_wording import ChecklistWording
from firstfile.rendering.risk_report_docx import percent, scores_text

SHADE_MARKS: tuple[str, ...] = ("", "░", "▒", "▓", "█")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def render_risk_report_markdown(report: RiskReport, w: ChecklistWording) -> str:
    """The report as Markdown."""
    picture = report.assessment
    out = [
        f"# {md(w('title'))}: {md(report.engagement_key)}",
        "",
        f"**{md(w('marking'))}**",
        "",
        md(w("introduction")),
        "",
        f"## {md(w('facts_heading'))}",
        "",
    ]
    facts = [
        (w("engagement"), f"{report.engagement_key}: {report.engagement_name}"),
        (w("product"), report.product or w("nothing")),
        (w("policy"), picture.policy_title),
        (w("prepared"), f"{report.prepared_on.isoformat()}, {report.prepared_by}"),
    ]
    out += [f"- **{md(label)}**: {cell(value)}" for label, value in facts]
    out += ["", f"## {md(w('flags_heading'))}", ""]
    out += [f"- **{md(f.message)}**" for f in picture.flags] or [f"_{md(w('no_flags'))}_"]

    out += ["", f"## {md(w('firewall_heading'))}", "", md(w("firewall_intro")), ""]
    rows = []
    for c in picture.components:
        decided = w("no_decision")
        if c.decision is not None:
            decided = w.label("dispositions", c.decision.disposition)
            if c.against_recommendation:
                decided += f" ({w('against')}: {c.decision.reason or w('nothing')})"
        rows.append(
            [
                "\u00a0\u00a0" * c.depth + cell(f"{c.name} ({c.key})"),
                scores_text(c.assessment.values),
                cell(w.label("dispositions", c.recommendation.disposition)),
                cell(c.recommendation.reason),
                cell(decided),
            ]
        )
    out += _table(
        [w("component"), w("scores"), w("recommendation"), w("reason"), w("decision")], rows
    )

    out += [f"## {md(w('vendors_heading'))}", "", md(w("vendors_intro")), ""]
    out += _table(
        [w("vendor"), w("exposure"), w("risk"), w("competitors"), w("reproduces")],
        [
            [
                cell(f"{v.name} ({v.key})"),
                percent(v.exposure),
                percent(v.risk),
                cell(", ".join(v.competitors) or w("nothing")),
                f"**{cell(', '.join(v.could_reproduce))}**"
                if v.could_reproduce
                else cell(w("nothing")),
            ]
            for v in picture.vendors
        ],
    )

    matrix = picture.matrix
    out += [f"## {md(w('matrix_heading'))}", "", md(w("matrix_intro")), ""]
    largest = report.largest_cell_share()
    names = {c.key: c for c in picture.components}
    matrix_rows = [
        [f"**{cell(w('all_components'))}**", *(f"**{percent(e)}**" for e in matrix.exposures)]
    ]
    for row in matrix.rows:
        depth = names[row.component].depth if row.component in names else 0
        cells = [
            f"{SHADE_MARKS[shade(c.share, largest)]} {cell(w(c.level))} {percent(c.share)}"
            if c.level
            else ""
            for c in row.cells
        ]
        matrix_rows.append(["\u00a0\u00a0" * depth + cell(row.component), *cells])
    out += _table([w("component"), *matrix.vendors], matrix_rows)

    out += [f"## {md(w('sets_heading'))}", "", md(w("sets_intro")), ""]
    if picture.critical_sets:
        out += _table(
            [w("critical_set"), w("members"), w("seen_by"), w("reproduces")],
            [
                [
                    cell(f"{s.name} ({s.key})"),
                    cell(", ".join(s.members)),
                    cell(
                        "; ".join(f"{v}: {', '.join(m)}" for v, m in s.seen_by if m) or w("nothing")
                    ),
                    "; ".join(
                        f"**{cell(w('could_reproduce'))}: {cell(report.vendor_name(v))}**"
                        for v in s.could_reproduce
                    ),
                ]
                for s in picture.critical_sets
            ],
        )
    else:
        out += [f"_{md(w('no_sets'))}_", ""]

    out += [f"## {md(w('safeguards_heading'))}", "", md(w("safeguards_intro")), ""]
    safeguards = [
        [
            cell(v.name),
            cell(w.label("safeguard_names", s.kind)),
            cell(w.label("statuses", s.status)),
            s.on.isoformat() if s.on else "",
            cell(s.evidence or s.reason),
        ]
        for v in picture.vendors
        for s in v.safeguards
    ]
    out += (
        _table([w("vendor"), w("safeguard"), w("status"), w("date"), w("evidence")], safeguards)
        if safeguards
        else [f"_{md(w('no_safeguards'))}_", ""]
    )

    out += [f"## {md(w('actions_heading'))}", "", md(w("actions_intro")), ""]
    actions = report.open_actions()
    out += (
        _table(
            [w("component"), w("vendor"), w("via"), w("tactic"), w("status")],
            [
                [
                    cell(a.component),
                    cell(a.vendor),
                    cell(a.via or "-"),
                    cell(a.title),
                    cell(w.label("statuses", a.status)),
                ]
                for a in actions
            ],
        )
        if actions
        else [f"_{md(w('no_actions'))}_", ""]
    )

    out += [f"## {md(w('tracers_heading'))}", "", md(w("tracers_intro")), ""]
    out += (
        _table(
            [w("issued"), w("component"), w("vendor"), w("tracer_kind"), w("code")],
            [
                [
                    t.issued_on.isoformat(),
                    cell(t.component),
                    cell(t.vendor),
                    cell(t.kind),
                    f"`{clean_line(t.code)}`",
                ]
                for t in report.tracers
            ],
        )
        if report.tracers
        else [f"_{md(w('no_tracers'))}_", ""]
    )
    out += [f"**{md(w('marking'))}**"]
    return "\n".join(out).rstrip() + "\n"
