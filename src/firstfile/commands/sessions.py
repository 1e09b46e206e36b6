"""Commands for the extraction-session workflow: list sessions, export minutes, list prompts.

Sessions are named `ENGAGEMENT/SESSION`; a plain `SESSION` works when only one engagement has
a session with that key.
"""

from __future__ import annotations

from typing import Annotated

import typer

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    OutFolder,
    export_folder,
    fail,
    opened_store,
    print_json,
    print_rows,
    say,
    settings_for,
    user_errors,
)

EngagementOption = Annotated[
    str | None,
    typer.Option("--engagement", help="Only the sessions of this engagement (its key).",
                 show_default=False),
]


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this workflow's commands to the root command and to `firstfile export`."""
    sessions_app = typer.Typer(help="Extraction sessions (directed invention brainstorming).",
                               pretty_exceptions_enable=False)
    prompts_app = typer.Typer(help="The prompt decks sessions walk.",
                              pretty_exceptions_enable=False)
    app.add_typer(sessions_app, name="sessions")
    app.add_typer(prompts_app, name="prompts")
    sessions_app.command("list")(list_sessions)
    prompts_app.command("list")(list_prompts)
    export_app.command("minutes")(export_minutes)


def list_sessions(
    ctx: typer.Context, engagement: EngagementOption = None, as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List extraction sessions, newest first, with their counts of people and ideas."""
    # Read with plain SQL: the command loads neither SQLModel nor the table classes.
    from firstfile.services.record_lists import list_sessions

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        rows = list_sessions(store, engagement_key=engagement)
    if as_json:
        print_json([
            {"session": r.ref, "engagement": r.engagement_key, "key": r.key, "title": r.title,
             "phase": r.phase, "date": r.held_on.isoformat() if r.held_on else None,
             "status": r.status, "facilitator": r.facilitator,
             "participants": r.participants, "ideas": r.ideas, "promoted": r.promoted}
            for r in rows
        ])
        return
    if not rows:
        say("no sessions yet", err=True)
        return
    print_rows([
        (r.ref, r.held_on.isoformat() if r.held_on else "-", r.phase, r.status,
         f"{r.participants} people", f"{r.ideas} ideas", f"{r.promoted} promoted", r.title)
        for r in rows
    ])


def export_minutes(
    ctx: typer.Context,
    session: Annotated[str, typer.Argument(
        help="The session: ENGAGEMENT/SESSION, or SESSION when only one engagement has it.")],
    out: OutFolder = None,
    fmt: Annotated[str, typer.Option("--format", help="docx or md.")] = "docx",
    db: DbOption = None,
) -> None:
    """Write the minutes of a session (attendance, prompts, ideas, promoted disclosures)."""
    from firstfile.services import exports

    if fmt not in exports.FORMATS:
        fail(f"--format must be docx or md, not {fmt!r}")
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        exported = exports.export_minutes(store, session, export_folder(settings, out), [fmt],
                                          template_dirs=settings.template_dirs,
                                          templates_dir=settings.templates_dir)
    for problem in exported.warnings:
        say(f"firstfile: warning: {problem}", err=True)
    [path] = exported.paths
    say(str(path))


def list_prompts(
    ctx: typer.Context,
    deck: Annotated[str | None, typer.Option("--deck", help="Only this deck (its name).",
                                             show_default=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """List the prompts of every deck (the user's template folder first, then the shipped)."""
    from firstfile.services.prompt_decks import load_decks

    settings = settings_for(ctx, None)
    loaded = load_decks(settings.template_dirs)
    for problem in loaded.problems:  # a broken deck is reported and skipped, never fatal
        say(f"firstfile: warning: {problem}", err=True)
    decks = loaded.decks
    if deck is not None:
        decks = [d for d in decks if d.name == deck]
        if not decks:
            names = ", ".join(d.name for d in loaded.decks) or "none loaded"
            fail(f"no deck {deck!r}; the decks are: {names}")
    if as_json:
        print_json([
            {"id": p.id, "deck": p.deck, "title": p.title, "question": p.question,
             "component_kinds": list(p.component_kinds), "example": p.example}
            for d in decks for p in d.prompts
        ])
        return
    print_rows([(p.id, p.deck, p.title) for d in decks for p in d.prompts])
