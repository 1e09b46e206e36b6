"""The firstfile command line. With no command it opens the TUI.

Errors a user can fix are printed to stderr as one clear message with a non-zero exit, never
as a traceback. Heavy modules (SQLAlchemy, docx, Textual) are imported inside the commands
that need them, so `firstfile --help` stays quick.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.main import get_command_name

from firstfile.commands import (
    counsel,
    engagements,
    evidence,
    risk,
    roles,
    sessions,
    strategy,
    tracers,
    transfers,
)
from firstfile.commands.common import (
    DbOption,
    JsonOption,
    OutFolder,
    TsaCaOption,
    TsaOption,
    export_folder,
    fail,
    is_file,
    open_store,
    opened_store,
    print_json,
    print_table,
    run_tui,
    say,
    settings_for,
    shown_url,
    user_errors,
)
from firstfile.commands.parameter_reading import PlainReadingGroup
from firstfile.settings import Settings

# `disclosures list --status deleted`: not a status but the state a delete leaves.
DELETED = "deleted"

app = typer.Typer(
    cls=PlainReadingGroup,  # values that need no reading skip pydantic (parameter_reading)
    add_completion=False,
    pretty_exceptions_enable=False,
    help="firstfile: capture and file your inventions before your vendors do.",
)
disclosures_app = typer.Typer(help="List, delete, restore and purge disclosures.",
                              pretty_exceptions_enable=False)
export_app = typer.Typer(help="Write documents for counsel.", pretty_exceptions_enable=False)
app.add_typer(disclosures_app, name="disclosures")
app.add_typer(export_app, name="export")
# Commands of the later workflows live in firstfile/commands/, one module each.
for _module in (sessions, counsel, engagements, roles, strategy, tracers, evidence, transfers):
    _module.register(app, export_app)

# The outsourcing-risk analysis: `firstfile risk ENGAGEMENT` shows it, the rest record it.
risk_app = typer.Typer(
    cls=risk.RiskGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Outsourcing risk: what to keep in-house, what each vendor sees, the best split. "
    "`firstfile risk ENGAGEMENT` shows the picture.",
)
risk_components_app = typer.Typer(help="Add components to the tree, rename them.",
                                  pretty_exceptions_enable=False)
risk_sets_app = typer.Typer(help="Critical sets: components that together reveal a subsystem.",
                            pretty_exceptions_enable=False)
_command: Callable[..., None]  # the commands below, each with parameters of its own
for _name, _command in (("show", risk.show), ("split", risk.split), ("score", risk.score),
                        ("move", risk.move), ("decide", risk.decide), ("assign", risk.assign),
                        ("unassign", risk.unassign), ("pin", risk.pin),
                        ("safeguard", risk.safeguard), ("action", risk.action),
                        ("history", risk.history)):
    risk_app.command(_name)(_command)
risk_components_app.command("add")(risk.component_add)
risk_components_app.command("set")(risk.component_set)
for _name, _command in (("create", risk.set_create), ("add", risk.set_add),
                        ("remove", risk.set_remove), ("delete", risk.set_delete)):
    risk_sets_app.command(_name)(_command)
risk_app.add_typer(risk_components_app, name="component")
risk_app.add_typer(risk_sets_app, name="set")
app.add_typer(risk_app, name="risk")
export_app.command("risk")(risk.export_report)


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context, db: DbOption = None, tsa: TsaOption = None,
         tsa_ca: TsaCaOption = None) -> None:
    """Open the TUI (when no command is given)."""
    ctx.obj = Settings.build(db, tsa=tsa, tsa_ca_file=tsa_ca)
    if ctx.invoked_subcommand is None:
        with user_errors():
            open_store(ctx.obj).dispose()  # fail here, plainly, if the database can't be used
        run_tui(ctx.obj)


OrganizationOption = Annotated[str | None, typer.Option(
    "--organization", help="Your organisation's name, used in documents where they would "
    "otherwise say 'the customer' or name no one (change it later with "
    "`firstfile organization NAME`).")]


@app.command()
def init(
    ctx: typer.Context,
    organization: OrganizationOption = None,
    db: DbOption = None,
    team: Annotated[bool, typer.Option(
        "--team", help="PostgreSQL only: create the team's group roles, grants and guards "
        "(docs/TEAM.md).")] = False,
    role_prefix: Annotated[str | None, typer.Option(
        "--role-prefix", help="With --team: the group roles' prefix (default: the database's "
        "name).")] = None,
) -> None:
    """Create the database, or upgrade it to the current schema; with --team, make a
    PostgreSQL database a team database whose roles the database itself enforces."""
    settings = settings_for(ctx, db)
    with user_errors():
        from firstfile.storage.database_location import resolve_db_url

        if role_prefix is not None and not team:
            fail("--role-prefix goes with --team")
        store = open_store(settings, create=True)
        try:
            if organization is not None:
                from firstfile.services.organization import set_organization_name

                set_organization_name(store, organization, actor=settings.actor)
            if team:
                from firstfile.services.roles import set_up_team

                setup = set_up_team(store, actor=settings.actor, prefix=role_prefix)
        finally:
            store.dispose()
        say(f"database ready: {shown_url(resolve_db_url(settings.db))}")
        if team:
            say("team roles: " + ", ".join(setup.groups.values()) + "; add members with "
                "`firstfile roles grant LOGIN ROLE`")


@app.command("organization")
def organization_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(
        help="The new name; leave it out to see the one recorded.")] = None,
    db: DbOption = None,
) -> None:
    """Show or change your organisation's name, as documents print it."""
    from firstfile.services import organization

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        if name is None:
            current = organization.organization_name(store)
        else:
            current = organization.set_organization_name(store, name, actor=settings.actor)
    if not current:
        say("no organisation name recorded; `firstfile organization NAME` sets it", err=True)
        return
    say(current)


@app.command()
def demo(
    ctx: typer.Context,
    db: DbOption = None,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Only load the samples.")] = False,
) -> None:
    """Load the sample engagements, then open the TUI.

    Loading them again changes nothing: what was recorded since (counsel's moves, events,
    edits, dots) is kept, and only what is missing is added.
    """
    from firstfile.resources import sample_sessions
    from firstfile.services.importer import Policy

    settings = settings_for(ctx, db)
    files = sorted(p for p in sample_sessions().glob("*") if p.suffix in (".yaml", ".yml",
                                                                             ".json"))
    with user_errors():
        _import_files(settings, files, Policy.KEEP, show_notes=False)
    if not no_tui:
        run_tui(settings)


@app.command("import")
def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        help="Interchange files (YAML or JSON), or folders holding them.")],
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Where the file and the database hold different values, write "
        "the file's (audited as an overwrite). Never moves a status, removes an event, "
        "clears a value or moves a disclosure to another engagement.")] = False,
    group_size: Annotated[int | None, typer.Option(
        "--group-size", min=1, max=1_000_000,
        help="Disclosures written per transaction; other writers wait for at most one "
        "group. Smaller groups let them in sooner. By default, groups of 250 are written "
        "as many to a transaction as fit in about a second, after which other writers get "
        "their turn.")] = None,
    db: DbOption = None,
) -> None:
    """Load interchange files. Records are matched by key, so importing twice changes nothing.

    Values recorded in firstfile since a file was written are never reverted: a value that
    differs is reported as a conflict, and nothing is written unless --overwrite is given
    (docs/FORMAT.md).
    """
    from firstfile.services.importer import Policy

    settings = settings_for(ctx, db)
    with user_errors():
        _import_files(settings, files, Policy.OVERWRITE if overwrite else Policy.REFUSE,
                      group_size=group_size)


def _import_files(settings: Settings, files: list[Path], policy: Any, *,
                  show_notes: bool = True, group_size: int | None = None) -> None:
    """Import files into the settings' database, which is created if it is not there.

    A good file is checked against the database, so opening it comes before a later bad
    file is read: a SQLite file made for an import that then stops before writing anything
    is removed again, so a failed import (or a mistyped --db) leaves no empty database.
    """
    made = _new_sqlite_file(settings)
    writing: list[bool] = []
    try:
        _check_then_write(settings, files, policy, show_notes=show_notes,
                          group_size=group_size, writing=writing)
    except BaseException:
        if made is not None and not writing:
            for leftover in (made, *(made.with_name(made.name + end)
                                     for end in ("-wal", "-shm", "-journal"))):
                leftover.unlink(missing_ok=True)
        raise


def _new_sqlite_file(settings: Settings) -> Path | None:
    """The SQLite file the settings name, when it does not exist yet; else None."""
    path = _sqlite_file(settings)
    return None if path is None or path.exists() else path


def _sqlite_file(settings: Settings) -> Path | None:
    """The SQLite file the settings name, or None for a server database."""
    from firstfile.storage.database_location import resolve_db_url
    from firstfile.storage.engine import sqlite_path

    return sqlite_path(resolve_db_url(settings.db))


def _check_then_write(settings: Settings, files: list[Path], policy: Any, *,
                      show_notes: bool, group_size: int | None,
                      writing: list[bool]) -> None:
    from firstfile.interchange.problems import InterchangeError
    from firstfile.interchange.reader import read_document_and_digest
    from firstfile.services.checked_documents import CheckedDocuments
    from firstfile.services.files_together import FilesTogether
    from firstfile.services.importer import (
        GROUP_SIZE,
        ImportRefused,
        ImportStopped,
        check_document,
        import_document,
        plan_groups,
    )
    from firstfile.services.process_memory import give_back_after_document
    from firstfile.storage.engine import IMPORT_CACHE_BYTES, StoreRefused

    # Every file is read and checked in full before anything is written, so one bad file
    # stops the lot: each file itself, against the files before it, and against the
    # database. Files are held one at a time (a portfolio of big files would not fit in
    # memory together): each checked document is put aside on disk until its turn to be
    # written (services/checked_documents.py), so what is written is what was checked. A
    # single file's document stays in memory.
    problems: list[str] = []
    files, problems = _expand_folders(files)
    together = FilesTogether()
    refused = []
    with ExitStack() as stack:
        store = None
        # Beside a SQLite file, on the disk that holds the database, rather than in a
        # temporary folder that may be kept in memory.
        database = _sqlite_file(settings)
        checked = stack.enter_context(
            CheckedDocuments(under=database.parent if database is not None else None))
        for path in files:
            if not is_file(path):
                problems.append(f"{path}: no such file")
                continue
            try:
                document, digest = read_document_and_digest(path)
            except InterchangeError as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(together.add(document))
            if problems:
                continue  # nothing will be written: the files are still read for their problems
            if store is None:
                store = stack.enter_context(
                    opened_store(settings, create=True, cache_bytes=IMPORT_CACHE_BYTES))
            try:
                check_document(store, document, actor=settings.actor, policy=policy)
            except ImportRefused as exc:
                refused.extend(exc.conflicts)
            if not refused:  # else nothing will be written either
                checked.add(path, digest, document, hold=len(files) == 1)
            del document
            give_back_after_document()
        if problems:
            raise InterchangeError(problems)
        if refused:
            raise ImportRefused(refused)
        if store is None:
            return
        writing.append(True)
        for item in checked.files:
            document = checked.take(item)  # refused if read again and no longer as checked
            path = item.path
            for warning in document.warnings:
                say(f"warning: {warning}", err=True)
            try:
                report = import_document(store, document, actor=settings.actor,
                                         source=path.name, policy=policy,
                                         group_size=group_size, progress=_show_progress,
                                         checked=True, templates_dir=settings.templates_dir)
            except (StoreRefused, OSError) as exc:
                # The files before this one are written (their summaries are above): say
                # exactly what of this one is not.
                total = len(plan_groups(document, group_size or GROUP_SIZE))
                raise ImportStopped(path.name, 0, total, exc) from exc
            del document
            give_back_after_document()
            if show_notes:
                for note in report.notes:
                    say(f"note: {note}", err=True)
            say(report.summary())


INTERCHANGE_SUFFIXES = (".yaml", ".yml", ".json")


def _expand_folders(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Each folder replaced by the interchange files directly in it, in name order; a folder
    without any is a problem that says so (nothing in sub-folders, such as the attached
    files an export writes beside its file, is read as a document)."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        try:
            is_folder = path.is_dir()
        except OSError:
            is_folder = False
        if not is_folder:
            files.append(path)
            continue
        found = sorted(p for p in path.iterdir()
                       if p.suffix.lower() in INTERCHANGE_SUFFIXES and is_file(p))
        if not found:
            problems.append(f"{path}: the folder holds no .yaml, .yml or .json file to import")
        files.extend(found)
    return files, problems


def _show_progress(done: Any) -> None:
    """One line per committed group of a long import: what is in the database for certain."""
    if done.total > 1:
        say(f"firstfile: {done.source}: group {done.number} of {done.total} written: "
                   f"{done.what}", err=True)


@disclosures_app.command("list")
def list_disclosures(
    ctx: typer.Context,
    as_json: JsonOption = False,
    engagement: Annotated[str | None, typer.Option(help="Only this engagement (key).")] = None,
    status: Annotated[str | None, typer.Option(
        help="Only this status; `deleted` lists the deleted ones, to restore them.")] = None,
    db: DbOption = None,
) -> None:
    """List disclosures, oldest first."""
    # Read without the ORM: the command loads neither SQLModel nor the table classes.
    from firstfile.domain.vocabulary import DISCLOSURE_STATUSES
    from firstfile.services.disclosure_lists import ListFilter, all_views

    if status is not None and status not in (*DISCLOSURE_STATUSES, DELETED):
        fail(f"--status must be one of {', '.join((*DISCLOSURE_STATUSES, DELETED))}, "
             f"not {status!r}")
    settings = settings_for(ctx, db)
    filt = (ListFilter(engagement_key=engagement, deleted_only=True) if status == DELETED
            else ListFilter(engagement_key=engagement, status=status))
    with user_errors(), opened_store(settings) as store:
        views = all_views(store, filt)
    if as_json:
        print_json([v.as_json() for v in views])
        return
    print_table([(v.key, v.status, _flag(v.vendor_invention, v.joint),
                  v.engagement_key, v.title) for v in views])


def _flag(vendor_invention: bool, joint: bool) -> str:
    """Who may own it, as the lists show it: a vendor invention, a joint one, or nothing."""
    return "vendor invention" if vendor_invention else "joint" if joint else ""


KeyArgument = Annotated[str, typer.Argument(help="The disclosure's key, e.g. FF-2026-0001.")]


@disclosures_app.command("delete")
def delete_disclosure(ctx: typer.Context, key: KeyArgument, db: DbOption = None) -> None:
    """Delete a disclosure: it leaves lists, search and exports, and can be restored."""
    from firstfile.services import disclosures

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        view = disclosures.delete_disclosure(store, key, actor=settings.actor)
    say(f"{view.key} deleted; `firstfile disclosures restore {view.key}` undoes it")


@disclosures_app.command("restore")
def restore_disclosure(ctx: typer.Context, key: KeyArgument, db: DbOption = None) -> None:
    """Undo a delete: the disclosure is back in lists, search and exports."""
    from firstfile.services import disclosures

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        view = disclosures.restore_disclosure(store, key, actor=settings.actor)
    say(f"{view.key} restored")


@disclosures_app.command("inventor")
def inventor_details(
    ctx: typer.Context,
    key: KeyArgument,
    person: Annotated[str, typer.Argument(help="The person's key, as named on the disclosure.")],
    address: Annotated[str | None, typer.Option(
        "--address", help="Postal address, as counsel files it (lines separated by \\n or "
        "commas).")] = None,
    citizenship: Annotated[str | None, typer.Option(
        "--citizenship", help="Two-letter country code, e.g. DE.")] = None,
    employer: Annotated[str | None, typer.Option(
        "--employer", help="The legal entity that employed them when the invention was "
        "conceived, e.g. 'Northfield Power GmbH' (employee-invention rules follow it).")] = None,
    contribution: Annotated[str | None, typer.Option(
        "--contribution", help="What they contributed, in a sentence.")] = None,
    db: DbOption = None,
) -> None:
    """Record what counsel needs to file about one inventor; an empty value clears it."""
    from firstfile.services import disclosures

    given = {name: value for name, value in (
        ("postal_address", address.replace("\\n", "\n") if address is not None else None),
        ("citizenship", citizenship), ("employer_entity", employer),
        ("contribution_note", contribution)) if value is not None}
    if not given:
        fail("give at least one of --address, --citizenship, --employer, --contribution")
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        view = disclosures.set_inventor_details(store, key, person, given,
                                                actor=settings.actor)
    shown = next(p for p in view.inventors if p.person_key == person)
    say(f"{view.key}: {shown.name}: " + "; ".join(
        f"{label} {value or '(none)'}" for label, value in (
            ("address", shown.postal_address.replace("\n", ", ")),
            ("citizenship", shown.citizenship), ("employer", shown.employer_entity),
            ("contribution", shown.contribution_note))))


@disclosures_app.command("purge")
def purge_disclosure(
    ctx: typer.Context,
    key: KeyArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to type the key.")] = False,
    no_rewrite: Annotated[bool, typer.Option(
        "--no-rewrite", help="SQLite: skip rewriting the file afterwards (VACUUM), which "
        "blocks other writers while it runs (about 20 s at 100,000 disclosures).")] = False,
    db: DbOption = None,
) -> None:
    """Remove a deleted disclosure for good, with every copy of its content (counsel only).

    Its text, people, events and autosaved edits are removed, and its audit records keep
    who did what and when but not the values. This cannot be undone.
    """
    from firstfile.domain.text import clean_line
    from firstfile.services import purge

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        # Who may purge and what is checked first, so nobody types a key for nothing; the
        # purge checks it all again in its own transaction.
        view = purge.purgeable(store, key, actor=settings.actor)
        if not yes:
            say(f"{view.key} \"{clean_line(view.title)}\" will be removed for good, with its "
                "people, events, autosaved edits and the values in its audit records. This "
                "cannot be undone.", err=True)
            # Read here rather than with typer.prompt, which puts the prompt's last
            # character on stdout when the prompt goes to stderr.
            typer.echo(f"Type {view.key} to purge it: ", err=True, nl=False)
            typed = sys.stdin.readline()
            if typed.strip() != view.key:
                fail(f"you typed {clean_line(typed)!r}, not {view.key}; nothing was purged")
        result = purge.purge_disclosure(store, key, actor=settings.actor,
                                        rewrite=not no_rewrite)
        sqlite = store.is_sqlite
    typer.echo(f"{result.key} purged; {result.audit_records} audit records keep who and when, "
               "not what")
    if not result.log_emptied:
        typer.echo("firstfile: note: another program has the database open, so the log file "
                   "beside it keeps the old pages until that program closes it", err=True)
    if sqlite and not result.rewritten:
        typer.echo("firstfile: note: the file was not rewritten (--no-rewrite); text that "
                   "earlier versions freed without overwriting may remain in its free space "
                   "until it is (sqlite3 FILE VACUUM)", err=True)
    if not sqlite and not result.rewritten:
        typer.echo("firstfile: note: the tables could not be vacuumed with this login; ask "
                   "the database owner to run VACUUM on disclosure and auditevent", err=True)


@app.command()
def attach(
    ctx: typer.Context,
    key: KeyArgument,
    files: Annotated[list[Path], typer.Argument(
        help="Drawings, photos, schematics or data: PNG and JPEG become numbered figures in "
        "the document; PDF, text, CSV, spreadsheets, CAD and the like are listed.")],
    caption: Annotated[list[str] | None, typer.Option(
        "--caption", help="What a file shows, printed under its figure; give it once per "
        "file, in the order of the files.")] = None,
    db: DbOption = None,
) -> None:
    """Attach files to a disclosure, kept in the database by their SHA-256.

    Attaching the same file again changes nothing. firstfile never opens or runs a file.
    """
    from firstfile.services import attachments
    from firstfile.services.errors import UserError

    captions = list(caption or [])
    if len(captions) > len(files):
        fail(f"{len(captions)} captions for {len(files)} files; give at most one --caption "
             "per file, in the order of the files")
    try:
        new_files = attachments.read_files(files, captions)
    except UserError as exc:
        fail(str(exc))
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        result = attachments.attach_files(store, key, new_files, actor=settings.actor)
    for name in result.already:
        say(f"{name}: already attached to {key}; left as it was", err=True)
    _print_attachments(result.view)


@disclosures_app.command("attachments")
def list_attachments(ctx: typer.Context, key: KeyArgument, as_json: JsonOption = False,
                     db: DbOption = None) -> None:
    """List a disclosure's attached files: number, caption, name, size and SHA-256."""
    from firstfile.services import disclosures

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        view = disclosures.get_disclosure(store, key)
    if as_json:
        print_json(view.as_json()["attachments"])
        return
    if not view.attachments:
        say(f"{key} has no attachments; `firstfile attach {key} FILE` adds one", err=True)
        return
    _print_attachments(view)


def _print_attachments(view: Any) -> None:
    """One line per attachment: figures numbered as in the document, the rest as files."""
    from firstfile.domain.attachments import size_words

    rows: list[tuple[str, ...]] = []
    figure = 0
    for item in view.attachments:
        if item.is_figure:
            figure += 1
            label = f"Figure {figure}"
        else:
            label = "File"
        rows.append((label, item.file_name, size_words(item.size), item.sha256,
                     item.caption))
    print_table(rows)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(
        help="Words to find, all of them, in any of their forms (thermal finds thermally, "
        "cooling finds cooled); end a word with * for a prefix; A OR B (OR in capitals) "
        "finds either.")],
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
    db: DbOption = None,
) -> None:
    """Full-text search over disclosures, best match first."""
    # Read without the ORM: the command loads neither SQLModel nor the table classes.
    from firstfile.domain.search_query import parse_query
    from firstfile.services.disclosure_lists import search as search_disclosures
    from firstfile.services.disclosure_lists import views_for

    if not parse_query(query):
        fail("give at least one word to search for")
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        rows = search_disclosures(store, query, limit=limit)
        views = views_for(store, [r.key for r in rows]) if as_json else []
    if as_json:
        print_json([v.as_json() for v in views])
        return
    if not rows:
        say("no disclosures match", err=True)
        raise typer.Exit(1)
    print_table([(r.key, r.status, _flag(r.vendor_invention, r.joint),
                  r.engagement_key, r.title) for r in rows])


@export_app.command("disclosure")
def export_disclosure(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The disclosure's key, e.g. FF-2026-0001.")],
    out: OutFolder = None,
    fmt: Annotated[str, typer.Option("--format", help="docx or md.")] = "docx",
    db: DbOption = None,
) -> None:
    """Write one disclosure as a DOCX (or Markdown) file named after its key."""
    from firstfile.services import exports

    if fmt not in exports.FORMATS:
        fail(f"--format must be docx or md, not {fmt!r}")
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        [path] = exports.export_disclosure(store, key, export_folder(settings, out), [fmt],
                                           templates_dir=settings.templates_dir)
    say(str(path))


@export_app.command("engagement")
def export_engagement(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The engagement's key.")],
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="The file to write: .yaml or .json; attached files go in an "
        "attachments folder beside it (default: <KEY>.yaml in the export folder).",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Write one engagement in the firstfile/1 interchange format, with its attached files.

    `firstfile import` reads the file back with the files beside it (docs/FORMAT.md).
    """
    from firstfile.rendering.safe_files import output_path
    from firstfile.services.interchange_export import write_engagement

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        if out is None:
            # From the key through the safe file naming: never outside the export folder.
            folder = settings.exports
            out = output_path(folder, key, "yaml")
            folder.mkdir(parents=True, exist_ok=True)
        written = write_engagement(store, key, out, templates_dir=settings.templates_dir)
    if len(written) > 1:
        say(f"{len(written) - 1} attached files written beside it", err=True)
    say(str(written[-1]))


# The root command's options that take a value: the command a run names is the first word
# after them. A test holds this to the root command's own options.
ROOT_VALUE_OPTIONS = frozenset({"--db", "--tsa", "--tsa-ca"})


def named_command(args: Sequence[str]) -> str | None:
    """The command or group args name (the first word that is neither a root option nor its
    value), or None when there is none, or when the whole program's help comes first."""
    values_next = False
    for arg in args:
        if values_next:
            values_next = False
        elif arg in ("--", "--help"):
            return None
        elif arg.startswith("-"):
            values_next = arg in ROOT_VALUE_OPTIONS
        else:
            return arg
    return None


def app_for(args: Sequence[str]) -> typer.Typer:
    """The command line a run with args needs: the root with only the command or group they
    name, else the whole program.

    Typer turns every command of a program into a click command before it runs any one: 73
    commands, about 100 ms of the 1.2 s `disclosures list --json` took (docs/PERFORMANCE.md,
    "The command line builds the command it runs"). Only that command is built now. The
    whole program's help, no command at all and a name that is none of ours get the whole
    program, so its listing and its "No such command" are the same as ever.
    """
    name = named_command(args)
    groups = [group for group in app.registered_groups if group.name == name]
    commands = [command for command in app.registered_commands
                if (command.name
                    or get_command_name(getattr(command.callback, "__name__", ""))) == name]
    if name is None or not (groups or commands):
        return app
    narrow = typer.Typer(cls=PlainReadingGroup, add_completion=False,
                         pretty_exceptions_enable=False, help=app.info.help)
    narrow.registered_callback = app.registered_callback
    narrow.registered_groups = groups
    narrow.registered_commands = commands
    return narrow


def main(argv: list[str] | None = None) -> Callable[..., Any] | None:
    """Console entry point: runs one command (or the TUI), and then the process ends."""
    args = sys.argv[1:] if argv is None else argv
    try:
        return app_for(args)(args=args, prog_name="firstfile")
    finally:
        # Python's exit collects the garbage of every object still alive, SQLAlchemy's
        # included: 130-230 ms after `disclosures list --json` had written its last line
        # (docs/PERFORMANCE.md, "The end of a command"). Frozen objects are skipped, so the
        # process ends at once. Nothing is left to do by then: the command has committed and
        # closed its files and the store; atexit handlers still run and stdout is still
        # flushed. What may not run is the finalizer of an object still alive in a cycle,
        # which Python never promises at exit.
        gc.freeze()
