"""Commands for the counsel workflow: deadlines, the review queue, moves, decisions, notes,
events, and the counsel bundle.

    firstfile deadlines [--json] [--within DAYS] [--as-of DATE]
    firstfile export bundle -o FILE.zip [--engagement KEY] [--status S] [--template FILE.docx]
    firstfile review queue | show KEY | move KEY STATUS | decide KEY DECISION -r WHY
    firstfile review note KEY TEXT | event-remove KEY KIND DATE
    firstfile review event-add KEY KIND DATE [-j OFFICE] [--reference REF]
                               [--claims-priority-of REF ...] [--restored] [--note TEXT]

Each command is a module-level function that `register()` adds to the root command, so it
can be imported and tried alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    TsaCaOption,
    TsaOption,
    fail,
    is_file,
    opened_store,
    print_json,
    print_rows,
    say,
    settings_for,
    user_errors,
)
from firstfile.domain.vocabulary import EVENT_KINDS

AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Compute as if today were this date (YYYY-MM-DD), so "
                                 "results are reproducible.", show_default=False),
]


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of must be a date like 2026-03-01, not {value!r}")


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{what} must be a date like 2026-03-01, not {value!r}")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this workflow's commands to the root command and to `firstfile export`."""
    review_app = typer.Typer(help="Counsel's review: queue, status, decisions, notes, events.",
                             pretty_exceptions_enable=False)
    app.add_typer(review_app, name="review")
    app.command("deadlines")(deadlines)
    export_app.command("bundle")(export_counsel_bundle)
    review_app.command("queue")(review_queue)
    review_app.command("show")(show_review)
    review_app.command("move")(move_disclosure)
    review_app.command("decide")(decide_disclosure)
    review_app.command("note")(set_notes)
    review_app.command("event-add")(add_event)
    review_app.command("event-remove")(remove_event)


def deadlines(
    ctx: typer.Context,
    db: DbOption = None,
    as_json: JsonOption = False,
    within: Annotated[int | None, typer.Option(
        "--within", min=0, max=36_500,
        help="Only deadlines due within DAYS days (overdue ones too).",
        show_default=False)] = None,
    as_of: AsOfOption = None,
    engagement: Annotated[str | None, typer.Option(
        "--engagement", help="Only this engagement's disclosures.",
        show_default=False)] = None,
) -> None:
    """Every deadline that follows from the recorded events, soonest first."""
    from firstfile.domain.deadlines import due_within
    from firstfile.services import counsel
    from firstfile.services.office_closures import load_closures

    today = _as_of(as_of)
    settings = settings_for(ctx, db)
    closures = load_closures(settings.templates_dir)
    for problem in closures.problems:
        say(f"warning: {problem} (using {closures.path or 'no closure table'})", err=True)
    with user_errors(), opened_store(settings) as store:
        rows = counsel.docket(store, as_of=today, engagement_key=engagement,
                              closures=closures.table)
    if within is not None:
        rows = due_within(rows, within, as_of=today)
    if as_json:
        print_json([row.as_json() for row in rows])
        return
    if not rows:
        say("no deadlines", err=True)
        return
    print_rows([
        (row.deadline.due.isoformat() if row.deadline.due else "(undated)",
         row.deadline.state + (" (planned)" if row.deadline.planned else ""),
         row.disclosure, row.deadline.rule, row.deadline.jurisdiction,
         f"from {row.deadline.basis.kind} {row.deadline.basis.date.isoformat()}"
         if row.deadline.basis else "")
        for row in rows
    ])


def export_counsel_bundle(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="The bundle to write (.zip); default: "
        "counsel-bundle-<date>.zip in the export folder ($FIRSTFILE_EXPORTS, else firstfile "
        "in your documents folder).", show_default=False)] = None,
    db: DbOption = None,
    engagement: Annotated[str | None, typer.Option(
        "--engagement", help="Only this engagement's disclosures.",
        show_default=False)] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="Only disclosures with this status.", show_default=False)] = None,
    template: Annotated[Path | None, typer.Option(
        "--template", help="Your own Word form with Jinja tags (docs/TEMPLATES.md).",
        show_default=False)] = None,
    as_of: AsOfOption = None,
    tsa: TsaOption = None,
    tsa_ca: TsaCaOption = None,
) -> None:
    """One zip for counsel: a DOCX per disclosure, index.xlsx, disclosures.json, the
    evidence to check offline (evidence/VERIFY.md) and a manifest of SHA-256 hashes.
    The audit chain's head is anchored (timestamped when an authority is configured)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from firstfile.services.exports import export_bundle

    today = _as_of(as_of)
    settings = settings_for(ctx, db, tsa=tsa, tsa_ca=tsa_ca)
    if template is not None and not is_file(template):
        fail(f"--template {template} is not a file; give the path of a .docx form")
    if out is None:
        out = settings.exports / f"counsel-bundle-{today.isoformat()}.zip"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            fail(f"cannot create the export folder {out.parent} ({error.strerror}); "
                 "choose a bundle path with -o")
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=Console(stderr=True), transient=True)
    with user_errors(), opened_store(settings) as store, progress as bar:
        task = bar.add_task("documents", total=None)

        def advance(done: int, total: int, key: str) -> None:
            bar.update(task, completed=done, total=total, description=key)

        result = export_bundle(
            store, out, engagement_key=engagement, status=status,
            template=template, templates_dir=settings.templates_dir,
            as_of=today, progress=advance, actor=settings.actor,
            tsa_url=settings.tsa_url, tsa_ca=settings.tsa_ca,
        )
    say(f"wrote {result.path} ({result.disclosures} disclosures)")
    stamped = result.anchor_status == "stamped"
    say(("" if stamped else "firstfile: note: ") + result.anchor, err=not stamped)


def review_queue(
    ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """What waits on counsel, oldest first, with the nearest deadline."""
    from firstfile.domain.workflow import status_label
    from firstfile.services import counsel
    from firstfile.services.office_closures import load_closures

    today = _as_of(as_of)
    settings = settings_for(ctx, db)
    closures = load_closures(settings.templates_dir).table
    with user_errors(), opened_store(settings) as store:
        items = counsel.review_queue(store, as_of=today, closures=closures)
    if as_json:
        print_json([
            {"disclosure": i.state.key, "title": i.state.title, "status": i.state.status,
             "decision": i.state.decision, "next_actor": i.state.next_actor,
             "waiting_since": i.waiting_since.isoformat() if i.waiting_since else None,
             "joint_vendors": list(i.state.joint_vendors),
             "nearest": i.nearest.as_json(i.state.key) if i.nearest else None}
            for i in items
        ])
        return
    print_rows([
        (i.state.key, status_label(i.state.status),
         i.waiting_since.isoformat() if i.waiting_since else "",
         f"{i.nearest.due} {i.nearest.rule}" if i.nearest and i.nearest.due else "-",
         i.state.title)
        for i in items
    ])


def show_review(ctx: typer.Context, key: str, db: DbOption = None) -> None:
    """Status, next actor, decision and internal notes of one disclosure."""
    from firstfile.domain.workflow import decision_label, status_label
    from firstfile.services import counsel

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        state = counsel.review_state(store, key)
        from firstfile.services.disclosures import get_disclosure

        view = get_disclosure(store, key)
    rows: list[tuple[str, ...]] = [("status", status_label(state.status)),
            ("next", state.next_actor or "nobody"),
            ("moves", ", ".join(state.moves) or "-"),
            ("decision", decision_label(state.decision) or "-"),
            ("rationale", state.decision_rationale or "-"),
            ("joint", ", ".join(state.joint_vendors) or "no")]
    if state.suggestion:
        rows.append(("suggested", f"{state.suggestion.decision}: {state.suggestion.reason}"))
    rows.extend(("event", f"{e.kind} {e.date.isoformat()} {e.jurisdiction} {e.reference}"
                          + (f" claims {', '.join(e.claims_priority_of)}"
                             if e.claims_priority_of else "")
                          + (" (restored)" if e.restored else ""))
                for e in view.events)
    rows.append(("notes", state.reviewer_notes or "-"))
    print_rows(rows)


def move_disclosure(ctx: typer.Context, key: str, status: str, db: DbOption = None,
                    tsa: TsaOption = None, tsa_ca: TsaCaOption = None) -> None:
    """Move a disclosure to STATUS (submitted, in-review, filed, closed, withdrawn...).
    Submitting timestamps its content when a timestamp authority is configured."""
    from firstfile.services import counsel

    settings = settings_for(ctx, db, tsa=tsa, tsa_ca=tsa_ca)
    with user_errors(), opened_store(settings) as store:
        state = counsel.move_status(store, key, status, actor=settings.actor)
        say(f"{key} is {state.status}; next: {state.next_actor or 'nobody'}")
        if status == "submitted":
            from firstfile.commands.evidence import stamp_and_say

            stamp_and_say(store, settings, key, reason="submission")


def decide_disclosure(
    ctx: typer.Context, key: str, decision: str,
    rationale: Annotated[str, typer.Option("-r", "--rationale",
                                           help="Why (required).")],
    db: DbOption = None,
) -> None:
    """Record counsel's DECISION (file-provisional, file-nonprovisional, file-pct,
    trade-secret, defensive-publication, no-action) with its rationale."""
    from firstfile.services import counsel

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        state = counsel.record_decision(store, key, decision, rationale,
                                        actor=settings.actor)
    say(f"{key}: {state.decision}, decided on {state.decided_on}")


def set_notes(ctx: typer.Context, key: str, text: str, db: DbOption = None) -> None:
    """Replace counsel's internal notes (never exported)."""
    from firstfile.services import counsel

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        counsel.set_reviewer_notes(store, key, text, actor=settings.actor)
    say(f"{key}: notes saved")


def add_event(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The disclosure's key, e.g. FF-2026-0001.")],
    kind: Annotated[str, typer.Argument(help="What happened: " + ", ".join(EVENT_KINDS)
                                        + " (docs/DEADLINES.md says what each means).")],
    when: Annotated[str, typer.Argument(help="The day, YYYY-MM-DD, 1980 or later; a day "
                                        "after today is a planned event.")],
    jurisdiction: Annotated[str, typer.Option(
        "--jurisdiction", "-j", help="The office: US, EP, CN, JP, ... (for a PCT, the "
                                     "receiving office). Required for a filing or a "
                                     "national-phase entry.")] = "",
    reference: Annotated[str, typer.Option(
        "--reference", help="Application number, agreement or venue; a filing that "
                            "later filings claim needs one.")] = "",
    claims: Annotated[list[str] | None, typer.Option(
        "--claims-priority-of", help="The reference of an earlier filing this filing "
                                     "claims (repeat for several).",
        show_default=False)] = None,
    restored: Annotated[bool, typer.Option(
        "--restored", help="A late priority claim restored on petition.")] = False,
    note_text: Annotated[str, typer.Option("--note")] = "",
    db: DbOption = None,
) -> None:
    """Record an event (public-disclosure, offer-for-sale, provisional-filed, ...); a date
    after today is a planned event."""
    from firstfile.domain.filings import before_conception
    from firstfile.domain.views import EventView
    from firstfile.services import counsel

    event = EventView(kind, _date(when, "the date"), jurisdiction, reference, note_text,
                      tuple(claims or ()), restored)
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        view = counsel.add_event(store, key, event, actor=settings.actor)
    say(f"{key}: {kind} on {event.date.isoformat()} recorded")
    warning = before_conception(event.date, view.conception_date)
    if warning:
        say(f"firstfile: warning: {warning}", err=True)


def remove_event(
    ctx: typer.Context, key: str, kind: str, when: str,
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j")] = "",
    reference: Annotated[str, typer.Option("--reference")] = "",
    db: DbOption = None,
) -> None:
    """Remove a recorded event (the same kind, date, jurisdiction and reference)."""
    from firstfile.domain.views import EventView
    from firstfile.services import counsel

    event = EventView(kind, _date(when, "the date"), jurisdiction.upper(), reference)
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        counsel.remove_event(store, key, event, actor=settings.actor)
    say(f"{key}: {kind} on {event.date.isoformat()} removed")
