"""Commands for evidence: checking it, reading the audit trail, timestamps and signatures.

    firstfile verify [--json] [--tsa-ca FILE]
    firstfile audit [KEY] [--json] [--last N]
    firstfile timestamp KEY [--tsa URL] [--tsa-ca FILE]
    firstfile sign KEY --as inventor|witness [--person KEY]

docs/EVIDENCE.md says what each record proves and what it does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    TsaCaOption,
    TsaOption,
    fail,
    opened_store,
    print_json,
    settings_for,
    user_errors,
)
from firstfile.settings import Settings

if TYPE_CHECKING:
    from firstfile.storage.engine import Store

KeyArgument = Annotated[str, typer.Argument(help="The disclosure's key, e.g. FF-2026-0001.")]
# How much of one value the text listing shows; --json shows everything.
VALUE_CHARS = 60
INDENT = " " * 10


def stamp_and_say(store: Store, settings: Settings, key: str, *, reason: str) -> bool:
    """Timestamp key's content (and anchor the chain), and say what became of it: on stdout
    when stamped, on stderr when not. True when stamped."""
    from firstfile.services.timestamps import stamp_disclosure

    outcome = stamp_disclosure(store, key, actor=settings.actor, tsa_url=settings.tsa_url,
                               tsa_ca=settings.tsa_ca, reason=reason)
    typer.echo(("" if outcome.stamped else "firstfile: note: ") + outcome.describe(key),
               err=not outcome.stamped)
    return outcome.stamped


def verify(
    ctx: typer.Context,
    as_json: JsonOption = False,
    tsa_ca: TsaCaOption = None,
    db: DbOption = None,
) -> None:
    """Check the audit chain, anchors, timestamps, signatures and every disclosure's content;
    name the first thing that does not match. Exit status 1 when anything does not."""
    from firstfile.domain.text import clean_line
    from firstfile.services.verification import verify as check

    settings = settings_for(ctx, db, tsa_ca=tsa_ca)
    with user_errors(), opened_store(settings) as store:
        report = check(store, tsa_ca=settings.tsa_ca)
    if as_json:
        print_json(report.as_json())
        raise typer.Exit(0 if report.ok else 1)
    head = f"row {report.head[0]}" if report.head else "missing"
    purged = (f"; {report.purged_rows} purged (values not checkable, chain intact)"
              if report.purged_rows else "")
    typer.echo(f"audit chain: {report.rows} rows, head at {head}{purged}")
    typer.echo(f"anchors: {report.anchors} ({report.anchors_stamped} timestamped); "
               f"timestamps: {report.timestamps}; signatures: {report.signatures}; "
               f"disclosures: {report.disclosures}; transfers: {report.transfers}")
    for note in report.notes:
        typer.echo(f"note: {clean_line(note)}")
    first = report.first_problem
    if first is None:
        typer.echo("everything matches")
        return
    typer.echo(f"FIRST MISMATCH: {clean_line(first.line())}")
    for problem in report.problems[1:]:
        typer.echo(f"also: {clean_line(problem.line())}")
    raise typer.Exit(1)


def audit(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(
        help="Only this record's changes (a disclosure's key, a vendor's, ...).")] = None,
    as_json: JsonOption = False,
    last: Annotated[int | None, typer.Option("--last", min=0,
                                             help="Only the newest N changes.")] = None,
    db: DbOption = None,
) -> None:
    """The audit trail, oldest first: when, who, what changed, from what to what."""
    from firstfile.services.audit_trail import read_trail

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        trail = read_trail(store, key, last=last)
    if as_json:
        print_json(trail.as_json())
        return
    if not trail.entries:
        fail(f"no audit records for {key!r}" if key else "the audit trail is empty")
    for entry in trail.entries:
        typer.echo(format_entry(entry))


def format_entry(entry: Any) -> str:
    """A change as lines: `seq  time  who  action entity key`, then each field indented,
    `field: old -> new` (long values cut; --json has them whole)."""
    from firstfile.domain.evidence import utc_text
    from firstfile.domain.text import clean_line

    lines = [clean_line(f"{entry.seq:>6}  {utc_text(entry.at)[:19]}Z  {entry.who}  "
                        f"{entry.action} {entry.entity} {entry.entity_key}")]
    for name, values in sorted(entry.changes.items()):
        if isinstance(values, list) and len(values) == 2:
            old, new = (_short(v) for v in values)
            lines.append(INDENT + clean_line(f"{name}: {old} -> {new}"))
        else:
            lines.append(INDENT + clean_line(f"{name}: {_short(values)}"))
    return "\n".join(lines)


def _short(value: Any) -> str:
    import json

    text = "-" if value is None else value if isinstance(value, str) else json.dumps(
        value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 3] + "..."


def timestamp(
    ctx: typer.Context,
    key: KeyArgument,
    tsa: TsaOption = None,
    tsa_ca: TsaCaOption = None,
    db: DbOption = None,
) -> None:
    """Timestamp the disclosure's content as it stands now (RFC 3161), and anchor the audit
    chain. Exit status 1 when no token was obtained (the attempt is recorded)."""
    settings = settings_for(ctx, db, tsa=tsa, tsa_ca=tsa_ca)
    with user_errors(), opened_store(settings) as store:
        stamped = stamp_and_say(store, settings, key, reason="on request")
    if not stamped:
        raise typer.Exit(1)


def sign(
    ctx: typer.Context,
    key: KeyArgument,
    meaning: Annotated[str, typer.Option(
        "--as", help="inventor (\"I am an inventor of what is described\") or witness "
        "(\"I have read and understood what is described\").")],
    person: Annotated[str | None, typer.Option(
        "--person", help="The person you are (their key), needed with your key's first "
        "signature.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Sign the disclosure's current content with your own key (made on first use in your
    config folder), with the meaning you choose."""
    from firstfile.services.signatures import sign as make

    settings = settings_for(ctx, db)
    with user_errors(), opened_store(settings) as store:
        signed = make(store, key, meaning=meaning, actor=settings.actor, person_key=person)
    if signed.key_registered:
        typer.echo(f"your public key is registered (fingerprint {signed.fingerprint})")
    typer.echo(f"{key} signed as {signed.meaning} by {signed.signer_name}; the signature "
               f"covers content {signed.content_sha256[:16]}...")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add the evidence commands to the root command."""
    app.command("verify")(verify)
    app.command("audit")(audit)
    app.command("timestamp")(timestamp)
    app.command("sign")(sign)
