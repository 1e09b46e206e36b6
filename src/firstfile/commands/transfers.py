"""Commands for the transfer register: what confidential material went to which vendor.

    firstfile transfers record ENGAGEMENT VENDOR --file PATH [--file PATH ...]
        [--sent-on DATE] [--component KEY ...] [--agreement TEXT] [--description TEXT] [--keep]
    firstfile transfers list [--engagement KEY] [--vendor KEY] [--json]
    firstfile transfers export -o FILE.xlsx [--engagement KEY] [--vendor KEY]

docs/EVIDENCE.md says what the register proves and what it does not.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    fail,
    opened_store,
    print_json,
    print_rows,
    settings_for,
    user_errors,
)

EngagementFilter = Annotated[str | None, typer.Option(
    "--engagement", help="Only this engagement's transfers.", show_default=False)]
VendorFilter = Annotated[str | None, typer.Option(
    "--vendor", help="Only this vendor's transfers.", show_default=False)]


def record(
    ctx: typer.Context,
    engagement: Annotated[str, typer.Argument(help="The engagement's key.")],
    vendor: Annotated[str, typer.Argument(help="The vendor's key (on that engagement).")],
    files: Annotated[list[Path], typer.Option(
        "--file", help="A file that was sent (repeat for each).", show_default=False)],
    sent_on: Annotated[str | None, typer.Option(
        "--sent-on", help="The day it was sent (YYYY-MM-DD); today when left out.",
        show_default=False)] = None,
    components: Annotated[list[str] | None, typer.Option(
        "--component", help="A component the material describes (repeat for each).",
        show_default=False)] = None,
    agreement: Annotated[str, typer.Option(
        "--agreement", help="The agreement it was sent under, e.g. \"NNN 2026-02-01\".")] = "",
    description: Annotated[str, typer.Option("--description", help="What it was.")] = "",
    keep: Annotated[bool, typer.Option(
        "--keep", help="Keep the files' bytes in the database, not only their hashes.")] = False,
    db: DbOption = None,
) -> None:
    """Record that files went to a vendor: their SHA-256, the day, the agreement, and where
    the checklist's NDA item stood."""
    from firstfile.services.transfers import record_transfer

    day = date.today()
    if sent_on is not None:
        try:
            day = date.fromisoformat(sent_on)
        except ValueError:
            fail(f"--sent-on must be a date like 2026-03-01, not {sent_on!r}")
    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        entry = record_transfer(
            store, engagement_key=engagement, vendor_key=vendor, sent_on=day, files=files,
            actor=settings.actor, components=components or (), agreement=agreement,
            description=description, keep_content=keep)
    typer.echo(f"transfer {entry.id}: {len(entry.files)} file(s) to {vendor} on "
               f"{entry.sent_on.isoformat()}")
    for fact in entry.files:
        typer.echo(f"  {fact.sha256}  {fact.name}")
    if not entry.nda_done:
        typer.echo(f"firstfile: note: {vendor}'s {entry.nda_item} item was {entry.nda_status}, "
                   "not done, when this was recorded", err=True)


def list_transfers(
    ctx: typer.Context,
    engagement: EngagementFilter = None,
    vendor: VendorFilter = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The register, oldest first."""
    from firstfile.domain.text import clean_line
    from firstfile.services.transfers import list_transfers as read

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        entries = read(store, engagement_key=engagement, vendor_key=vendor)
    if as_json:
        print_json([e.as_json() for e in entries])
        return
    if not entries:
        fail("no transfers recorded" + (" that match" if engagement or vendor else ""))
    print_rows([(str(e.id), e.sent_on.isoformat(), e.engagement_key, e.vendor_key,
                 f"{e.nda_item}: {e.nda_status}", f"{len(e.files)} file(s)",
                 clean_line(e.agreement)) for e in entries])


def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(
        "-o", "--out", help="The workbook to write (.xlsx); default: transfer-register.xlsx "
        "(or transfer-register-<ENGAGEMENT>.xlsx) in the export folder.",
        show_default=False)] = None,
    engagement: EngagementFilter = None,
    vendor: VendorFilter = None,
    db: DbOption = None,
) -> None:
    """The register as an internal workbook, one row per file sent (never for a vendor)."""
    from firstfile.rendering.safe_files import ExportError, atomic_write_bytes
    from firstfile.rendering.transfer_register import register_xlsx
    from firstfile.services.transfers import list_transfers as read

    if out is not None and out.suffix.lower() != ".xlsx":
        fail(f"{out} must end in .xlsx; for example -o transfers.xlsx")
    settings = settings_for(ctx, db)
    with user_errors():
        if out is None:
            from firstfile.rendering.safe_files import output_path

            stem = f"transfer-register-{engagement}" if engagement else "transfer-register"
            out = output_path(settings.exports, stem, "xlsx")
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ExportError(f"cannot create the export folder {out.parent} "
                                  f"({error.strerror}); choose a file with -o") from None
        with opened_store(settings) as store:
            entries = read(store, engagement_key=engagement, vendor_key=vendor)
        try:
            atomic_write_bytes(out, register_xlsx(entries))
        except OSError as error:
            raise ExportError(f"cannot write {out} ({error.strerror}); check the folder") from None
    typer.echo(f"wrote {out} ({len(entries)} transfers)")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add `firstfile transfers` to the root command."""
    transfers_app = typer.Typer(help="The transfer register: what went to which vendor.",
                                pretty_exceptions_enable=False)
    app.add_typer(transfers_app, name="transfers")
    transfers_app.command("record")(record)
    transfers_app.command("list")(list_transfers)
    transfers_app.command("export")(export)
