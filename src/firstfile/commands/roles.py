"""Commands for team roles: who holds which, granting and revoking.

    firstfile roles list [--json]
    firstfile roles grant NAME ROLE
    firstfile roles revoke NAME ROLE
    firstfile whoami

NAME is an actor as the audit trail records it: a database role on PostgreSQL, a login on
this computer for a SQLite file (`firstfile whoami` says which one you are). In a team
database on PostgreSQL (`firstfile init --team`, docs/TEAM.md) NAME is a PostgreSQL login:
granting creates it when new and makes it a member of the role's group role. Purging a
disclosure needs the counsel role; services/roles.py says who may grant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    opened_store,
    print_json,
    print_rows,
    say,
    settings_for,
    user_errors,
)

NameArgument = Annotated[str, typer.Argument(
    help="Who: a database role (PostgreSQL) or a login (SQLite), as `firstfile whoami` says.")]
RoleArgument = Annotated[str, typer.Argument(help="engineer, facilitator, counsel or admin.")]


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add `firstfile roles` to the root command."""
    roles_app = typer.Typer(help="Team roles: who holds which (purging needs counsel).",
                            pretty_exceptions_enable=False)
    app.add_typer(roles_app, name="roles")

    @app.command("whoami")
    def whoami(ctx: typer.Context, as_json: Annotated[bool, typer.Option(
            "--json", help="Print a JSON object.")] = False, db: DbOption = None) -> None:
        """Who the audit trail records you as (and the name shown beside it)."""
        from firstfile.domain.text import clean_line
        from firstfile.services import roles

        settings = settings_for(ctx, db)
        with user_errors(), opened_store(settings) as store:
            who = roles.whoami(store)
        if as_json:
            print_json({"actor": who, "name": settings.actor})
            return
        typer.echo(who if settings.actor == who
                   else f"{who} (shown as {clean_line(settings.actor)})")

    @roles_app.command("list")
    def list_roles(ctx: typer.Context, as_json: JsonOption = False,
                   db: DbOption = None) -> None:
        """Everyone holding a role, with who granted it and when."""
        from firstfile.services import roles

        settings = settings_for(ctx, db)
        with user_errors(), opened_store(settings) as store:
            held = roles.list_roles(store)
        if as_json:
            print_json([{"name": r.actor, "role": r.role, "granted_by": r.granted_by,
                         "granted_at": r.granted_at.isoformat() if r.granted_at else None}
                        for r in held])
            return
        print_rows([(r.actor, r.role, f"granted by {r.granted_by}",
                     r.granted_at.date().isoformat() if r.granted_at else "(outside firstfile)")
                    for r in held])

    @roles_app.command("grant")
    def grant(ctx: typer.Context, name: NameArgument, role: RoleArgument,
              db: DbOption = None) -> None:
        """Give NAME a role. In a team database NAME is a PostgreSQL login (created when new;
        needs CREATEROLE). Elsewhere the first grant may be made by anyone; after that, only
        counsel or admin may grant."""
        from firstfile.domain.text import clean_line
        from firstfile.services import roles

        settings = settings_for(ctx, db)
        with user_errors(), opened_store(settings) as store:
            roles.grant(store, name, role, actor=settings.actor)
        say(f"{clean_line(name)} holds {role}")

    @roles_app.command("revoke")
    def revoke(ctx: typer.Context, name: NameArgument, role: RoleArgument,
               db: DbOption = None) -> None:
        """Take a role from NAME (counsel or admin only)."""
        from firstfile.domain.text import clean_line
        from firstfile.services import roles

        settings = settings_for(ctx, db)
        with user_errors(), opened_store(settings) as store:
            roles.revoke(store, name, role, actor=settings.actor)
        say(f"{clean_line(name)} no longer holds {role}")
