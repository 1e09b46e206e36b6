"""Commands for tracers (practice 1): the register, issuing, and looking up a found code.

    firstfile tracers list ENGAGEMENT [--json]
    firstfile tracers issue ENGAGEMENT COMPONENT VENDOR [--kind KIND] [--json]
    firstfile tracers lookup CODE [--json]

A lookup exits with status 0 only for an authentic code of ours; a code that is not ours, was
mistyped, cannot be read or whose register entry was altered exits with status 1.
"""

from __future__ import annotations

from typing import Annotated

import typer

from firstfile.commands.common import (
    DbOption,
    fail,
    opened_store,
    print_json,
    print_rows,
    settings_for,
    user_errors,
)

EngagementArgument = Annotated[str, typer.Argument(help="The engagement's key.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this workflow's commands to the root command."""
    tracers_app = typer.Typer(
        help="Tracers: a different marker for each vendor, so a copy names who leaked.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    app.add_typer(tracers_app, name="tracers")
    tracers_app.command("list")(list_tracers)
    tracers_app.command("issue")(issue_tracer)
    tracers_app.command("lookup")(lookup_tracer)


def list_tracers(
    ctx: typer.Context,
    engagement: EngagementArgument,
    as_json: JsonFlag = False,
    db: DbOption = None,
) -> None:
    """The engagement's tracer register, oldest first."""
    from firstfile.services import tracers

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        register = tracers.list_tracers(store, engagement)
    if as_json:
        print_json([tracers.tracer_json(t) for t in register])
        return
    if not register:
        typer.echo(f"no tracers issued for {engagement} yet", err=True)
        return
    print_rows([(t.code, t.issued_on.isoformat(), t.vendor, t.component, t.kind) for t in register])


def issue_tracer(
    ctx: typer.Context,
    engagement: EngagementArgument,
    component: Annotated[str, typer.Argument(help="The component the tracer goes into.")],
    vendor: Annotated[str, typer.Argument(help="The vendor whose copy carries it.")],
    kind: Annotated[
        str,
        typer.Option("--kind", help="non-functional-part, firmware-mark, pcb-mark or bom-variant."),
    ] = "non-functional-part",
    as_json: JsonFlag = False,
    db: DbOption = None,
) -> None:
    """Issue a vendor's tracer for a component.

    Its code is derived from the engagement, the component, the vendor, today's date and the
    kind, so it differs for every vendor. Issuing the same again on the same day gives the
    same code.
    """
    from firstfile.services import tracers

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        issued = tracers.issue_tracers(
            store, engagement, component, [vendor], kind=kind, actor=settings.actor
        )
    for warning in issued.warnings:
        typer.echo(f"firstfile: warning: {warning}", err=True)
    tracer = issued.tracers[0]
    if issued.already_issued:
        typer.echo(
            f"firstfile: already issued on {tracer.issued_on.isoformat()}: the same "
            "tracer, not a new one",
            err=True,
        )
    if as_json:
        print_json(tracers.tracer_json(tracer))
        return
    print_rows(
        [(tracer.code, tracer.issued_on.isoformat(), tracer.vendor, tracer.component, tracer.kind)]
    )


def lookup_tracer(
    ctx: typer.Context,
    code: Annotated[
        str,
        typer.Argument(
            help="The code found on a copy; case, hyphens, I or L for 1 and O for 0 are forgiven."
        ),
    ],
    as_json: JsonFlag = False,
    db: DbOption = None,
) -> None:
    """Look up a code found on a copy: whose it is, and whether it is authentic.

    Says which vendor, component, engagement and date it was issued for, or that it is not
    ours, or was mistyped (its check symbol fails). Exits with 1 unless it is authentic.
    """
    from firstfile.services import tracers

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        result = tracers.lookup_code(store, code)
    if as_json:
        print_json(result.as_json())
        if not result.authentic:
            raise typer.Exit(1)
        return
    if not result.authentic:
        fail(result.message)
    from firstfile.domain.text import clean_line

    typer.echo(clean_line(result.message))
