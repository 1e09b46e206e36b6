"""What every command shares: options, opening the store, printing, and user errors."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

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
OutFolder = Annotated[
    Path | None,
    typer.Option("-o", "--out", help="Folder to write into (default: the export folder, "
                 "$FIRSTFILE_EXPORTS, else firstfile in your documents folder).",
                 show_default=False),
]


def export_folder(settings: Settings, out: Path | None) -> Path:
    """The folder an export writes into: -o when given, else the one export folder every
    export and screen uses (settings.default_export_dir)."""
    return out if out is not None else settings.exports


def say(message: str, *, err: bool = False) -> None:
    """Print a line. Messages quote file names, keys and values as they came in, so every
    control character in them is shown, never obeyed by the terminal (domain/text.shown)."""
    from firstfile.domain.text import shown

    typer.echo(shown(message), err=err)


def fail(message: str, code: int = 1) -> NoReturn:
    say(f"firstfile: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can act on into one-line messages and an exit code."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - anything not recognised below is re-raised
        _explain_or_raise(exc)


def _loaded(module: str, name: str) -> type:
    """The exception class module.name if the module was imported, else a class nothing
    raises: an error can only come from a module the command loaded, so the modules of
    other commands (the importer, the interchange reader, export) are not imported just to
    recognise their errors, and a command starts sooner."""
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) else _NeverRaised


class _NeverRaised(Exception):
    """Stands for an exception class whose module this command never imported."""


def _explain_or_raise(exc: Exception) -> NoReturn:
    from firstfile.storage.errors import explain

    if isinstance(exc, _loaded("firstfile.services.errors", "ValidationFailed")):
        lines = "\n".join(f"  {p}" for p in exc.problems)  # type: ignore[attr-defined]
        fail(f"nothing was written; fix these and try again:\n{lines}")
    if isinstance(exc, _loaded("firstfile.interchange.problems", "InterchangeError")):
        lines = "\n".join(f"  {p}" for p in exc.problems)  # type: ignore[attr-defined]
        fail(f"nothing was imported; fix these and try again:\n{lines}")
    if isinstance(exc, _loaded("firstfile.services.importer", "ImportRefused")):
        lines = "\n".join(f"  {line}" for line in exc.lines)  # type: ignore[attr-defined]
        if exc.overridable:  # type: ignore[attr-defined]
            advice = ("keep the database's values by leaving these fields out of the file, "
                      "or import with --overwrite to write the file's (docs/FORMAT.md)")
        else:
            advice = ("do what each line says; --overwrite writes the file's value only where "
                      "the database holds another value, and never moves a status or an "
                      "engagement's phase, or a disclosure to another engagement")
        fail(f"nothing was imported: the database holds other values, recorded since the file "
             f"was written:\n{lines}\n{advice}")
    if isinstance(exc, _loaded("firstfile.services.importer", "ImportStopped")):
        cause = explain(exc.cause) or str(exc.cause)  # type: ignore[attr-defined]
        if not exc.written:  # type: ignore[attr-defined]
            fail(f"{exc.source}: {cause}; nothing was written from this file")  # type: ignore[attr-defined]
        fail(f"{exc.source}: the import stopped after {exc.written} of {exc.total} groups "  # type: ignore[attr-defined]
             f"were written: {cause}\nthe groups written are whole; run the same import "
             "again to complete it (it finds them unchanged and writes the rest)")
    if isinstance(exc, _loaded("firstfile.storage.engine", "StoreRefused")):
        fail(f"{exc}; nothing was written")
    if isinstance(exc, (_loaded("firstfile.services.errors", "UserError"),
                        _loaded("firstfile.storage.engine", "StoreError"),
                        _loaded("firstfile.rendering.safe_files", "ExportError"))):
        fail(str(exc))
    if isinstance(exc, (_loaded("sqlalchemy.exc", "DBAPIError"), OSError)):
        words = explain(exc)
        if words is not None:
            fail(f"{words}; nothing was written")
    raise exc


def is_file(path: Path) -> bool:
    """True for an existing file; False for anything else, a name too long to look up too."""
    try:
        return path.is_file()
    except OSError:
        return False


def settings_for(ctx: typer.Context, db: str | None, *, tsa: str | None = None,
                 tsa_ca: str | None = None) -> Settings:
    """The command's settings: its own options first, then the root command's."""
    parent: Settings | None = ctx.find_root().obj
    if parent is not None:
        tsa = tsa or parent.tsa_url
        tsa_ca = tsa_ca or (str(parent.tsa_ca) if parent.tsa_ca else None)
    return Settings.build(db or (parent.db if parent else None), tsa=tsa, tsa_ca_file=tsa_ca)


def open_store(settings: Settings, *, create: bool = False,
               cache_bytes: int | None = None) -> Store:
    """Open the settings' database, printing its warnings (e.g. others can read it) to stderr.
    cache_bytes: see storage.engine.open_store.

    Only create=True (init, demo, import) makes a SQLite file that does not exist: any other
    command given a mistyped path would otherwise work on a new, empty database (and make its
    folders) and report nothing found. A StoreError says what to do instead.
    """
    from firstfile.domain.text import clean_line
    from firstfile.storage.database_location import resolve_db_url
    from firstfile.storage.engine import StoreError
    from firstfile.storage.engine import open_store as open_db

    if not create:
        url = resolve_db_url(settings.db)
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                raise StoreError(f"there is no database at {path}; check the path, or create "
                                 f"one with `firstfile init --db {path}`")
    store = open_db(settings.db, cache_bytes=cache_bytes)
    for warning in store.warnings:
        # Paths are the user's input: shown with control characters made visible.
        typer.echo(f"firstfile: warning: {clean_line(warning)}", err=True)
    return store


@contextmanager
def opened_store(settings: Settings, *, create: bool = False,
                 cache_bytes: int | None = None) -> Iterator[Store]:
    """The store for one command, closed again however the command ends (create and
    cache_bytes: see open_store)."""
    store = open_store(settings, create=create, cache_bytes=cache_bytes)
    try:
        yield store
    finally:
        store.dispose()


T = TypeVar("T")


def with_store(ctx: typer.Context, db: str | None, work: Callable[[Store, Settings], T]) -> T:
    """Run work(store, settings) with user errors reported plainly and the store closed."""
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        return work(store, settings)
    raise AssertionError("unreachable")  # user_errors exits on every error it catches


def run_tui(settings: Settings) -> None:
    from firstfile.ui.app import FirstfileApp

    FirstfileApp(settings, tune_gc=True).run()


def print_json(data: Any) -> None:
    """data as JSON on stdout. json escapes C0 controls itself; the others a terminal obeys
    or that reorder text (DEL, C1, bidi controls, zero-width) are written as \\u escapes too,
    so the text read back is unchanged and the terminal shows them as escapes.

    Indented for a person at a terminal. For a program reading a pipe or a file, json's C
    encoder writes it, a list one item to a line (indenting goes through json's Python
    encoder, which took a quarter of a second for the 4 MB of a thousand full disclosures).
    Either way it is the same JSON value."""
    if sys.stdout.isatty():
        text = _escaped(json.dumps(data, ensure_ascii=False, indent=2))
    elif isinstance(data, list) and data:
        text = "[\n" + ",\n".join(_escaped(json.dumps(item, ensure_ascii=False))
                                   for item in data) + "\n]"
    else:
        text = _escaped(json.dumps(data, ensure_ascii=False))
    sys.stdout.write(text)
    sys.stdout.write("\n")


def _escaped(text: str) -> str:
    """text with the characters _JSON_ESCAPED names written as \\u escapes. Text that is
    ASCII holds none of them but DEL, and two scans in C say so in a twentieth of the
    regular expression's time (20 ms for the 4 MB of a thousand disclosures)."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_ESCAPED.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# Outside its strings a JSON text is plain ASCII, so these only ever occur inside strings.
_JSON_ESCAPED = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064"
                           "\ufeff\u180e\ufff9-\ufffb]")


def print_rows(rows: list[tuple[str, ...]]) -> None:
    from firstfile.domain.text import clean_line

    for row in rows:
        # Control characters are shown, never sent to the terminal.
        typer.echo("  ".join(clean_line(cell) for cell in row))


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Rows as aligned columns (each as wide as its widest cell); the last column is left
    ragged. Control characters are shown, never sent to the terminal."""
    from firstfile.domain.text import clean_line

    cleaned = [[clean_line(cell) for cell in row] for row in rows]
    if not cleaned:
        return
    widths = [max(len(row[i]) for row in cleaned) for i in range(len(cleaned[0]) - 1)]
    for row in cleaned:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        cells.append(row[-1])
        typer.echo("  ".join(cells).rstrip())


def shown_url(url: str) -> str:
    """A database URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
