"""Commands of the outsourcing-risk analysis (docs/RISK.md), registered in cli.py.

    firstfile risk ENGAGEMENT [--json]            the picture: components, vendors, flags
    firstfile risk split ENGAGEMENT [--json] [--apply [--yes]]
    firstfile risk component add ENGAGEMENT KEY --name NAME [--kind K] [--parent P] SCORES
    firstfile risk component set ENGAGEMENT KEY [--name NAME] [--kind K]
    firstfile risk score ENGAGEMENT COMPONENT SCORES [--assessor NAME] [--date DATE]
    firstfile risk move ENGAGEMENT COMPONENT (--parent P | --top)
    firstfile risk decide ENGAGEMENT COMPONENT DECISION [--reason] | --withdraw
    firstfile risk assign|unassign ENGAGEMENT COMPONENT VENDOR
    firstfile risk pin ENGAGEMENT COMPONENT VENDOR [--undo]
    firstfile risk set create|add|remove|delete ENGAGEMENT SET ...
    firstfile risk safeguard ENGAGEMENT VENDOR KIND STATUS [--evidence] [--reason] [--date]
    firstfile risk action ENGAGEMENT COMPONENT VENDOR TACTIC STATUS [--evidence] [--reason]
    firstfile risk history ENGAGEMENT COMPONENT [--json]
    firstfile export risk ENGAGEMENT -o DIR [--format docx|md]   the internal risk report

SCORES: --value-add N, --differentiation N, --reverse-engineering N, each with its own
--...-reason TEXT, or one --reason for all the scores given. Every command that writes checks
everything first and writes nothing when anything is wrong.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from firstfile.commands.common import (
    DbOption,
    OutFolder,
    export_folder,
    fail,
    print_json,
    print_rows,
    say,
)
from firstfile.commands.common import with_store as _with_store

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DateOption = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]
Engagement = Annotated[str, typer.Argument(help="Engagement key.")]
ComponentArg = Annotated[str, typer.Argument(help="Component key.")]
VendorArg = Annotated[str, typer.Argument(help="Vendor key.")]
SetArg = Annotated[str, typer.Argument(metavar="SET", help="Critical set key.")]
ValueAdd = Annotated[
    int | None, typer.Option("--value-add", help="Value added, 1-5 (the article's first test).")
]
ValueAddReason = Annotated[str | None, typer.Option("--value-add-reason", help="Why, in one line.")]
Differentiation = Annotated[
    int | None, typer.Option("--differentiation", help="How much it sets the product apart, 1-5.")
]
DifferentiationReason = Annotated[
    str | None, typer.Option("--differentiation-reason", help="Why, in one line.")
]
Reverse = Annotated[
    int | None,
    typer.Option("--reverse-engineering", help="How hard it is to reverse engineer, 1-5."),
]
ReverseReason = Annotated[
    str | None, typer.Option("--reverse-engineering-reason", help="Why, in one line.")
]
Reason = Annotated[
    str | None,
    typer.Option("--reason", help="The reason for every score given without a reason of its own."),
]
Assessor = Annotated[str | None, typer.Option("--assessor", help="Who assessed it (default: you).")]
Evidence = Annotated[
    str,
    typer.Option(
        "--evidence", help="Where the proof is: the signed clause, the rate card, the ticket."
    ),
]
WhyNot = Annotated[str, typer.Option("--reason", help="Why it does not apply.")]
Who = Annotated[str | None, typer.Option("--who", help="Who settled it (default: you).")]


class RiskGroup(TyperGroup):
    """`firstfile risk ENGAGEMENT` is `firstfile risk show ENGAGEMENT`: a first word that is
    not a command of the group is read as an engagement key (an engagement keyed like a
    command, `split` say, is shown with `firstfile risk show split`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date must be a date such as 2026-03-01, not {value!r}")



def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


# --- the picture --------------------------------------------------------------------------------


def show(
    ctx: typer.Context, engagement: Engagement, as_json: JsonFlag = False, db: DbOption = None
) -> None:
    """What to keep in-house and why, what each vendor sees and its risk, the red flags.

    JSON: components (key, scores with their reasons, recommendation and its reason,
    decision), vendors highest risk first (key, exposure 0-1, risk), flags, critical sets,
    design-tactic actions and the exposure matrix.
    """
    from firstfile.services import risk

    picture = _with_store(
        ctx, db, lambda store, s: risk.assessment(store, engagement, templates_dir=s.templates_dir)
    )
    if as_json:
        print_json(picture.as_json())
        return
    rows: list[tuple[str, ...]] = [
        (picture.engagement_key, picture.policy_title),
        ("",),
        ("component", "scores", "recommendation", "decision", "vendors"),
    ]
    for c in picture.components:
        decided = c.decision.disposition if c.decision else "-"
        if c.against_recommendation:
            decided += " (against)"
        rows.append(
            (
                "· " * c.depth + c.key,  # a dot per level: print_rows trims leading spaces
                "/".join(str(v) for v in c.assessment.values),
                c.recommendation.disposition,
                decided,
                ", ".join(c.vendors) or "-",
            )
        )
    rows += [("",), ("vendor", "exposure", "risk", "competitors")]
    for v in picture.vendors:
        rows.append(
            (v.key, _percent(v.exposure), _percent(v.risk), ", ".join(v.competitors) or "-")
        )
    if picture.flags:
        rows += [("",), *(("flag", f.kind, f.message) for f in picture.flags)]
    print_rows(rows)


def history(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    as_json: JsonFlag = False,
    db: DbOption = None,
) -> None:
    """Every recorded change of a component, oldest first.

    Scores and their reasons, decisions, moves, assignments, design tactics.
    """
    from firstfile.services import risk

    events = _with_store(
        ctx, db, lambda store, _s: risk.component_history(store, engagement, component)
    )
    if as_json:
        print_json([{**e, "at": e["at"].isoformat()} for e in events])
        return
    print_rows(
        [
            (
                e["at"].isoformat(timespec="seconds"),
                e["actor"],
                e["action"],
                ", ".join(
                    f"{k}: {old!r} -> {new!r}"
                    for k, (old, new) in e["changes"].items()
                    if k != "engagement"
                ),
            )
            for e in events
        ]
    )


def export_report(
    ctx: typer.Context,
    engagement: Engagement,
    out: OutFolder = None,
    fmt: Annotated[str, typer.Option("--format", help="docx or md.")] = "docx",
    db: DbOption = None,
) -> None:
    """Write the internal risk report for executives and counsel (confidential).

    The firewall table, what each vendor sees (per vendor and as a shaded matrix), critical
    sets and who could reproduce them, safeguards, open design-tactic actions and the tracer
    register. There is no vendor version: it never leaves the company.
    """
    from firstfile.services import exports

    if fmt not in exports.FORMATS:
        fail(f"--format must be docx or md, not {fmt!r}")

    def work(store: Any, settings: Any) -> Path:
        [path] = exports.export_risk(
            store, engagement, export_folder(settings, out), [fmt], actor=settings.actor,
            templates_dir=settings.templates_dir,
        )
        return path

    say(str(_with_store(ctx, db, work)))


# --- the best split -----------------------------------------------------------------------------


def split(
    ctx: typer.Context,
    engagement: Engagement,
    as_json: JsonFlag = False,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="Make the suggestion the engagement's assignment (asks first)."
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Apply without asking.")] = False,
    db: DbOption = None,
) -> None:
    """The best split of the outsourced components across vendors, beside today's.

    The best split keeps the largest exposure of any vendor lowest. It never gives one
    vendor a whole critical set, gives a vendor only what its kind makes
    (the policy's `makes`), keeps pins and subsystems where they are, and among equally good
    splits moves the fewest components. It is proven within the policy's split tolerance of
    the best possible; the lower bound shows how close. With --apply it is written in one
    audited step after you confirm, and refused if anything changed meanwhile.

    JSON: current and suggested (each with assignment and max_exposure), moves, vendors
    (exposure before and after), lower_bound, proven_optimal, fingerprint.
    """
    from firstfile.services import risk_split

    def work(store: Any, settings: Any) -> None:
        proposal = risk_split.best_split(store, engagement, templates_dir=settings.templates_dir)
        result = proposal.result
        if as_json:
            print_json(proposal.as_json())
        else:
            _print_split(result)
        if not apply:
            return
        if not result.moves:
            typer.echo("nothing to apply: today's assignment is already this split", err=True)
            return
        if not yes and not typer.confirm(
            f"Apply this split to {engagement} ({len(result.moves)} component(s) move)?",
            err=True,
        ):
            typer.echo("not applied", err=True)
            raise typer.Exit(1)
        applied = risk_split.apply_split(
            store, engagement, proposal, actor=settings.actor, templates_dir=settings.templates_dir
        )
        typer.echo(
            f"applied: {len(applied.added)} assignment(s) added, {len(applied.removed)} removed",
            err=as_json,
        )

    _with_store(ctx, db, work)


def _print_split(result: Any) -> None:
    rows: list[tuple[str, ...]] = [("vendor", "today", "suggested")]
    rows += [(v.vendor, _percent(v.before), _percent(v.after)) for v in result.vendors]
    proven = (
        "proven best"
        if result.proven_optimal
        else (f"no split can go below {_percent(result.lower_bound)}")
    )
    rows.append(
        (
            "largest",
            _percent(result.current.max_exposure),
            _percent(result.suggested.max_exposure),
            proven,
        )
    )
    if result.moves:
        rows.append(("moves",))
        rows += [
            ("  " + m.component, ", ".join(m.before) or "-", "->", ", ".join(m.after) or "-")
            for m in result.moves
        ]
    else:
        rows.append(("no moves: today's assignment is already this split",))
    print_rows(rows)


# --- components ---------------------------------------------------------------------------------


def _scores(
    value_add: int | None,
    value_add_reason: str | None,
    differentiation: int | None,
    differentiation_reason: str | None,
    reverse: int | None,
    reverse_reason: str | None,
    reason: str | None,
    assessor: str | None,
    when: str | None,
) -> Any:
    from firstfile.services.risk import ScoreChange

    return ScoreChange(
        value_add=value_add,
        value_add_reason=value_add_reason,
        differentiation=differentiation,
        differentiation_reason=differentiation_reason,
        reverse_engineering_difficulty=reverse,
        reverse_engineering_difficulty_reason=reverse_reason,
        reason=reason,
        assessor=assessor,
        assessed_on=_parse_date(when),
    )


def component_add(
    ctx: typer.Context,
    engagement: Engagement,
    key: Annotated[str, typer.Argument(help="The new component's key.")],
    name: Annotated[str, typer.Option("--name", help="What it is.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="hardware, firmware, software, mechanical, process or test (or a word "
            "the policy's kind_aliases reads).",
        ),
    ] = "",
    parent: Annotated[
        str,
        typer.Option(
            "--parent", help="The subsystem it belongs to (default: directly under the product)."
        ),
    ] = "",
    value_add: ValueAdd = None,
    value_add_reason: ValueAddReason = None,
    differentiation: Differentiation = None,
    differentiation_reason: DifferentiationReason = None,
    reverse: Reverse = None,
    reverse_reason: ReverseReason = None,
    reason: Reason = None,
    assessor: Assessor = None,
    when: DateOption = None,
    db: DbOption = None,
) -> None:
    """Add a component or subsystem to the tree, with its three scores and their reasons.

    Each score needs a one-line reason: its own (--value-add-reason, ...) or --reason.
    """
    from firstfile.services import risk

    scores = _scores(
        value_add,
        value_add_reason,
        differentiation,
        differentiation_reason,
        reverse,
        reverse_reason,
        reason,
        assessor,
        when,
    )
    node = _with_store(
        ctx,
        db,
        lambda store, s: risk.add_component(
            store,
            engagement,
            key,
            name=name,
            kind=kind,
            parent=parent,
            scores=scores,
            actor=s.actor,
            templates_dir=s.templates_dir,
        ),
    )
    typer.echo(f"{engagement}: added {node.key}" + (f" under {node.parent}" if node.parent else ""))


def component_set(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="A new kind.")] = None,
    db: DbOption = None,
) -> None:
    """Rename a component or change its kind."""
    from firstfile.services import risk

    if name is None and kind is None:
        fail("give --name or --kind (or both)")
    changed = _with_store(
        ctx,
        db,
        lambda store, s: risk.update_component(
            store,
            engagement,
            component,
            name=name,
            kind=kind,
            actor=s.actor,
            templates_dir=s.templates_dir,
        ),
    )
    typer.echo(f"{engagement} {component}: {'changed' if changed else 'unchanged'}")


def score(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    value_add: ValueAdd = None,
    value_add_reason: ValueAddReason = None,
    differentiation: Differentiation = None,
    differentiation_reason: DifferentiationReason = None,
    reverse: Reverse = None,
    reverse_reason: ReverseReason = None,
    reason: Reason = None,
    assessor: Assessor = None,
    when: DateOption = None,
    db: DbOption = None,
) -> None:
    """Re-score a component, with a one-line reason for each score that changes.

    Scores not given keep theirs. The old values and reasons stay in the audit trail
    (`firstfile risk history`).
    """
    from firstfile.services import risk

    change = _scores(
        value_add,
        value_add_reason,
        differentiation,
        differentiation_reason,
        reverse,
        reverse_reason,
        reason,
        assessor,
        when,
    )
    if all(
        change.value(n) is None and change.reason_for(n) is None
        for n in ("value_add", "differentiation", "reverse_engineering_difficulty")
    ):
        fail(
            "give at least one score (--value-add, --differentiation, --reverse-engineering) "
            "or a reason"
        )
    node = _with_store(
        ctx,
        db,
        lambda store, s: risk.rescore_component(
            store, engagement, component, change, actor=s.actor
        ),
    )
    typer.echo(f"{engagement} {component}: " + "/".join(str(v) for v in node.assessment.values))


def move(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    parent: Annotated[
        str | None, typer.Option("--parent", help="The node to hang it under.")
    ] = None,
    top: Annotated[bool, typer.Option("--top", help="Hang it directly under the product.")] = False,
    db: DbOption = None,
) -> None:
    """Move a component in the tree (under another node, or to the top).

    A move that would make a node its own ancestor is refused, with the loop spelled out.
    """
    from firstfile.services import risk

    if (parent is None) == (not top):
        fail("give either --parent NODE or --top")
    moved = _with_store(
        ctx,
        db,
        lambda store, s: risk.move_component(
            store, engagement, component, parent or "", actor=s.actor
        ),
    )
    where = parent or "the product"
    typer.echo(
        f"{engagement} {component}: "
        + (f"now under {where}" if moved else f"already under {where}")
    )


def decide(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    decision: Annotated[
        str | None,
        typer.Argument(
            metavar="[DECISION]",
            help="firewall (keep in-house), outsource-with-safeguards or outsource.",
        ),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why; required when it goes against the recommendation.")
    ] = "",
    who: Annotated[str | None, typer.Option("--who", help="Who decided (default: you).")] = None,
    when: DateOption = None,
    withdraw: Annotated[
        bool,
        typer.Option(
            "--withdraw", help="Take the decision back: the recommendation applies again."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Record your decision for a component next to the policy's recommendation."""
    from firstfile.services import risk

    if withdraw == (decision is not None):
        fail("give a DECISION (firewall, outsource-with-safeguards, outsource) or --withdraw")
    if withdraw:
        gone = _with_store(
            ctx,
            db,
            lambda store, s: risk.withdraw_decision(
                store, engagement, component, actor=s.actor, reason=reason
            ),
        )
        typer.echo(
            f"{engagement} {component}: " + ("decision withdrawn" if gone else "had no decision")
        )
        return
    assert decision is not None
    made = _with_store(
        ctx,
        db,
        lambda store, s: risk.decide(
            store,
            engagement,
            component,
            decision,
            reason=reason,
            actor=s.actor,
            decided_by=who,
            decided_on=_parse_date(when),
            templates_dir=s.templates_dir,
        ),
    )
    typer.echo(f"{engagement} {component}: {made.disposition}")


def assign(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    vendor: VendorArg,
    pinned: Annotated[bool, typer.Option("--pin", help="Pin it: the best split keeps it.")] = False,
    db: DbOption = None,
) -> None:
    """Assign a component to a vendor of the engagement."""
    from firstfile.services import risk

    changed = _with_store(
        ctx,
        db,
        lambda store, s: risk.assign(
            store, engagement, component, vendor, actor=s.actor, pinned=True if pinned else None
        ),
    )
    typer.echo(
        f"{engagement} {component}: "
        + (f"assigned to {vendor}" if changed else f"already assigned to {vendor}")
    )


def unassign(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    vendor: VendorArg,
    db: DbOption = None,
) -> None:
    """Take a component away from a vendor."""
    from firstfile.services import risk

    changed = _with_store(
        ctx, db, lambda store, s: risk.unassign(store, engagement, component, vendor, actor=s.actor)
    )
    typer.echo(
        f"{engagement} {component}: "
        + (f"taken from {vendor}" if changed else f"was not assigned to {vendor}")
    )


def pin(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    vendor: VendorArg,
    undo: Annotated[bool, typer.Option("--undo", help="Unpin it.")] = False,
    db: DbOption = None,
) -> None:
    """Pin an assignment so the best split keeps it, or unpin it.

    Pinning assigns the component to the vendor first when it is not yet.
    """
    from firstfile.services import risk

    changed = _with_store(
        ctx,
        db,
        lambda store, s: risk.pin(
            store, engagement, component, vendor, actor=s.actor, pinned=not undo
        ),
    )
    state = "unpinned" if undo else "pinned"
    typer.echo(
        f"{engagement} {component} at {vendor}: " + (state if changed else f"already {state}")
    )


# --- critical sets ------------------------------------------------------------------------------


def set_create(
    ctx: typer.Context,
    engagement: Engagement,
    key: SetArg,
    name: Annotated[str, typer.Option("--name", help="What it reveals, in words.")],
    members: Annotated[
        list[str], typer.Option("--member", help="A component of the set; give two or more.")
    ],
    reveals: Annotated[
        str,
        typer.Option("--reveals", help="The subsystem it reveals, when it is a node of the tree."),
    ] = "",
    note: Annotated[str, typer.Option("--note", help="Why these belong together.")] = "",
    db: DbOption = None,
) -> None:
    """Name components that together reveal a subsystem.

    A vendor holding all of them could reproduce it: a red flag, and the best split never
    gives one vendor a whole set.
    """
    from firstfile.services import risk_sets

    made = _with_store(
        ctx,
        db,
        lambda store, s: risk_sets.create_critical_set(
            store,
            engagement,
            key,
            name=name,
            members=members,
            reveals=reveals,
            note=note,
            actor=s.actor,
        ),
    )
    typer.echo(f"{engagement}: critical set {made.key} = {', '.join(made.members)}")


def set_add(
    ctx: typer.Context,
    engagement: Engagement,
    key: SetArg,
    components: Annotated[list[str], typer.Argument(help="Components to add.")],
    db: DbOption = None,
) -> None:
    """Add components to a critical set."""
    from firstfile.services import risk_sets

    made = _with_store(
        ctx,
        db,
        lambda store, s: risk_sets.add_members(store, engagement, key, components, actor=s.actor),
    )
    typer.echo(f"{engagement}: critical set {made.key} = {', '.join(made.members)}")


def set_remove(
    ctx: typer.Context,
    engagement: Engagement,
    key: SetArg,
    components: Annotated[list[str], typer.Argument(help="Components to take out.")],
    db: DbOption = None,
) -> None:
    """Take components out of a critical set (two must remain; delete the set otherwise)."""
    from firstfile.services import risk_sets

    made = _with_store(
        ctx,
        db,
        lambda store, s: risk_sets.remove_members(
            store, engagement, key, components, actor=s.actor
        ),
    )
    typer.echo(f"{engagement}: critical set {made.key} = {', '.join(made.members)}")


def set_delete(
    ctx: typer.Context, engagement: Engagement, key: SetArg, db: DbOption = None
) -> None:
    """Delete a critical set (its name and members stay in the audit trail)."""
    from firstfile.services import risk_sets

    gone = _with_store(
        ctx,
        db,
        lambda store, s: risk_sets.delete_critical_set(store, engagement, key, actor=s.actor),
    )
    typer.echo(f"{engagement}: critical set {key} " + ("deleted" if gone else "did not exist"))


# --- safeguards and design tactics --------------------------------------------------------------


def safeguard(
    ctx: typer.Context,
    engagement: Engagement,
    vendor: VendorArg,
    kind: Annotated[
        str,
        typer.Argument(help="field-of-business, exclusivity, premium-rate or licensing-incentive."),
    ],
    status: Annotated[str, typer.Argument(help="open, in-progress, done or not-applicable.")],
    evidence: Evidence = "",
    reason: WhyNot = "",
    when: DateOption = None,
    who: Who = None,
    db: DbOption = None,
) -> None:
    """Record where a safeguard against the vendor's competitor work stands.

    Done needs --evidence; not-applicable needs --reason. A safeguard that is an agreement
    term is the vendor's checklist item of the same tag (`firstfile checklist show` shows it).
    """
    from firstfile.services import risk_safeguards

    update = risk_safeguards.ActionUpdate(status, _parse_date(when), evidence, reason, who)
    made = _with_store(
        ctx,
        db,
        lambda store, s: risk_safeguards.record_safeguard(
            store, engagement, vendor, kind, update, actor=s.actor, templates_dir=s.templates_dir
        ),
    )
    typer.echo(f"{engagement} {vendor} {made.kind}: {made.status}")


def action(
    ctx: typer.Context,
    engagement: Engagement,
    component: ComponentArg,
    vendor: VendorArg,
    tactic: Annotated[
        str,
        typer.Argument(
            help="A design tactic of the policy: sealed-module, onshore-servers, tracer."
        ),
    ],
    status: Annotated[str, typer.Argument(help="open, in-progress, done or not-applicable.")],
    evidence: Evidence = "",
    reason: WhyNot = "",
    when: DateOption = None,
    who: Who = None,
    db: DbOption = None,
) -> None:
    """Record where a design tactic stands for an in-house component a vendor touches.

    Done needs --evidence; not-applicable needs --reason.
    """
    from firstfile.services import risk_safeguards

    update = risk_safeguards.ActionUpdate(status, _parse_date(when), evidence, reason, who)
    made = _with_store(
        ctx,
        db,
        lambda store, s: risk_safeguards.record_tactic(
            store,
            engagement,
            component,
            vendor,
            tactic,
            update,
            actor=s.actor,
            templates_dir=s.templates_dir,
        ),
    )
    typer.echo(f"{engagement} {component} {vendor} {made.tactic}: {made.status}")
