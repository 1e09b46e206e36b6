"""What every command shares: options, opening the store, printing, and user errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from firstfile.settings import Settings

if TYPE_CHECKING:
    from firstfile.storage.engine import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file path or postgresql+psycopg:// URL "
        "(default: $FIRSTFILE_DB, else firstfile.db in your data folder).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON array.")]
TsaOption = Annotated[
    str | None,
    typer.Option("--tsa", help="URL of an RFC 3161 timestamp authority (default: "
                 "$FIRSTFILE_TSA_URL; none: nothing is timestamped).", show_default=False),
]
TsaCaOption = Annotated[
    str | None,
    typer.Option("--tsa-ca", help="PEM file of the timestamp authority's CA certificate "
                 "(default: $FIRSTFILE_TSA_CA).", show_default=False),
]


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"firstfile: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can act on into one-line messages and an exit code."""
    from firstfile.interchange.problems import InterchangeError
    from firstfile.rendering.safe_files import ExportError
    from firstfile.services.errors import UserError, ValidationFailed
    from firstfile.storage.engine import StoreError

    try:
        yield
    except ValidationFailed as exc:
        lines = "\n".join(f"  {p}" for p in exc.problems)
        fail(f"nothing was written; fix these and try again:\n{lines}")
    except InterchangeError as exc:
        lines = "\n".join(f"  {p}" for p in exc.problems)
        fail(f"nothing was imported; fix these and try again:\n{lines}")
    except (UserError, StoreError, ExportError) as exc:
        fail(str(exc))


def settings_for(ctx: typer.Context, db: str | None, *, tsa: str | None = None,
                 tsa_ca: str | None = None) -> Settings:
    """The command's settings: its own options first, then the root command's."""
    parent: Settings | None = ctx.find_root().obj
    if parent is not None:
        tsa = tsa or parent.tsa_url
        tsa_ca = tsa_ca or (str(parent.tsa_ca) if parent.tsa_ca else None)
    return Settings.build(db or (parent.db if parent else None), tsa=tsa, tsa_ca_file=tsa_ca)


def open_store(settings: Settings) -> Store:
    """Open the settings' database, printing its warnings (e.g. others can read it) to stderr."""
    from firstfile.domain.text import clean_line
    from firstfile.storage.engine import open_store as open_db

    store = open_db(settings.db)
    for warning in store.warnings:
        # Paths are the user's input: shown with control characters made visible.
        typer.echo(f"firstfile: warning: {clean_line(warning)}", err=True)
    return store


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The store for one command, closed again however the command ends."""
    store = open_store(settings)
    try:
        yield store
    finally:
        store.dispose()


def run_tui(settings: Settings) -> None:
    from firstfile.ui.app import FirstfileApp

    FirstfileApp(settings, tune_gc=True).run()


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_rows(rows: list[tuple[str, ...]]) -> None:
    from firstfile.domain.text import clean_line

    for row in rows:
        # Control characters are shown, never sent to the terminal.
        typer.echo("  ".join(clean_line(cell) for cell in row))


def shown_url(url: str) -> str:
    """A database URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
