"""Commands for the engagements workflow: engagements, vendors, checklists, phases, exports.

Each command is a function of its own, registered under its name by register(), so it can be
imported and tried alone.

    firstfile engagements list [--json]
    firstfile engagements show KEY [--json]
    firstfile engagements phase KEY PHASE [--override --reason TEXT]
    firstfile engagements phase KEY --undo
    firstfile engagements tick KEY STEP [--note TEXT] [--date DATE] [--undo]
    firstfile vendors list [--json]
    firstfile vendors nda KEY [--signed DATE] [--expires DATE | --term-months N] [--clear]
    firstfile checklist show ENGAGEMENT VENDOR [--json]
    firstfile checklist set ENGAGEMENT VENDOR ITEM STATUS [--reason] [--evidence] [--note]
                                                           [--date] [--who]
    firstfile export checklist ENGAGEMENT VENDOR -o DIR [--format docx|md]
                                                        [--audience internal|vendor]
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from firstfile.commands.common import (
    DbOption,
    JsonOption,
    OutFolder,
    export_folder,
    fail,
    print_json,
    print_rows,
    say,
)
from firstfile.commands.common import with_store as _with_store

DateOption = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date must be a date such as 2026-03-01, not {value!r}")


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date such as 2026-03-01, not {value!r}")


def _day(value: date | None) -> str:
    return value.isoformat() if value else "(not recorded)"



def register(app: typer.Typer, export_app: typer.Typer) -> None:
    """Add this workflow's commands to the root command and to `firstfile export`."""
    engagements_app = typer.Typer(help="Engagements: phase guide, phases, checklists.",
                                  pretty_exceptions_enable=False)
    vendors_app = typer.Typer(help="Vendors.", pretty_exceptions_enable=False)
    checklist_app = typer.Typer(help="Agreement checklists per engagement and vendor.",
                                pretty_exceptions_enable=False)
    app.add_typer(engagements_app, name="engagements")
    app.add_typer(vendors_app, name="vendors")
    app.add_typer(checklist_app, name="checklist")
    engagements_app.command("list")(list_engagements)
    engagements_app.command("show")(show_engagement)
    engagements_app.command("phase")(change_phase)
    engagements_app.command("tick")(tick_step)
    engagements_app.command("set")(set_engagement)
    vendors_app.command("list")(list_vendors)
    vendors_app.command("nda")(vendor_nda)
    checklist_app.command("show")(show_checklist)
    checklist_app.command("set")(set_item)
    export_app.command("checklist")(export_checklist)


def list_engagements(ctx: typer.Context, as_json: JsonOption = False,
                     db: DbOption = None) -> None:
    """List engagements with their phase and vendors."""
    # Read with plain SQL: the command loads neither SQLModel nor the table classes.
    from firstfile.services.record_lists import list_engagements

    views = _with_store(ctx, db, lambda store, _s: list_engagements(store))
    if as_json:
        print_json([{"key": v.key, "name": v.name, "product": v.product, "phase": v.phase,
                     "disclosures": v.disclosure_count, "vendors": list(v.vendors)}
                    for v in views])
        return
    print_rows([(v.key, v.phase, v.name, ", ".join(v.vendors)) for v in views])


def show_engagement(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Engagement key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The phase guide, each vendor's checklist progress and the cross-check flags."""
    from firstfile.services import engagements

    overview = _with_store(ctx, db, lambda store, s: engagements.engagement_overview(
        store, key, templates_dir=s.templates_dir))
    for problem in overview.problems:
        say(f"warning: {problem}", err=True)
    if as_json:
        print_json(overview.as_json())
        return
    rows: list[tuple[str, ...]] = [(overview.key, overview.phase, overview.name)]
    for phase in overview.guide:
        marker = "*" if phase.current else " "
        rows.append((f"{marker}{phase.phase}", f"{phase.done_count}/{len(phase.steps)}"))
        for step in phase.steps:
            rows.append(("  ", "[x]" if step.done else "[ ]", step.step.id, step.detail))
    for checklist in overview.checklists:
        done = len(checklist.lines) - checklist.open_count
        rows.append(("vendor", checklist.vendor.key, f"{done}/{len(checklist.lines)} closed",
                     f"{len(checklist.blocking)} critical open"))
    rows += [("flag", f.kind, f.message) for f in overview.flags]
    print_rows(rows)


def set_engagement(
    ctx: typer.Context,
    engagement: Annotated[str, typer.Argument(help="The engagement's key.")],
    vendor_facing_name: Annotated[str | None, typer.Option(
        "--vendor-facing-name",
        help="The name vendors may see for this engagement, e.g. \"Project Falcon\": the "
        "vendor's checklist file is named after it, never after the internal key. \"\" "
        "clears it.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Change an engagement's settings (today: the name vendors see)."""
    from firstfile.services import engagements

    if vendor_facing_name is None:
        fail("nothing to set: give --vendor-facing-name NAME")
    stored = _with_store(ctx, db, lambda store, settings: engagements.set_vendor_facing_name(
        store, engagement, vendor_facing_name, actor=settings.actor))
    say(f"{engagement}: vendor-facing name {stored!r}" if stored
        else f"{engagement}: no vendor-facing name")


def change_phase(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Engagement key.")],
    new_phase: Annotated[str | None, typer.Argument(
        metavar="[PHASE]", help="pre, during, post or closed (none with --undo).")] = None,
    override: Annotated[bool, typer.Option(
        "--override", help="Move to during although critical checklist items are open "
        "(recorded in the audit trail).")] = False,
    reason: Annotated[str, typer.Option(help="Why the override is needed.")] = "",
    undo: Annotated[bool, typer.Option(
        "--undo", help="Move back to the phase before the last phase change (recorded as a "
        "change of its own; refused when the phase was changed otherwise since).")] = False,
    db: DbOption = None,
) -> None:
    """Change an engagement's phase, or undo its last phase change."""
    from firstfile.services import engagements

    if undo and (new_phase is not None or override):
        fail("--undo takes no PHASE and no --override: it moves back to the phase before "
             "the last change")
    if not undo and new_phase is None:
        fail("give the PHASE to move to (pre, during, post or closed), or --undo")
    if override and not reason.strip():
        fail("--override needs --reason: say why critical items may stay open")

    def work(store: Any, settings: Any) -> Any:
        try:
            if undo:
                return engagements.undo_phase_change(store, key, actor=settings.actor,
                                                     templates_dir=settings.templates_dir)
            assert new_phase is not None
            return engagements.change_phase(
                store, key, new_phase, actor=settings.actor, override=override,
                reason=reason, templates_dir=settings.templates_dir)
        except engagements.PhaseBlocked as blocked:
            listed = "\n".join(f"  {b}" for b in blocked.blockers)
            fail(f"{key} has open critical checklist items:\n{listed}\nfinish them "
                 "(firstfile checklist set ...), or move anyway with --override --reason "
                 "TEXT (recorded in the audit trail)")

    change = _with_store(ctx, db, work)
    say(f"{change.engagement_key}: {change.old} -> {change.new}")
    if change.overridden:
        say(f"override recorded: {len(change.overridden)} critical item(s) open",
                   err=True)


def tick_step(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Engagement key.")],
    step: Annotated[str, typer.Argument(help="Step id, e.g. pre-where or post-return.")],
    note: Annotated[str, typer.Option(help="What was done, as evidence.")] = "",
    when: DateOption = None,
    undo: Annotated[bool, typer.Option("--undo", help="Take the tick back.")] = False,
    db: DbOption = None,
) -> None:
    """Tick a phase-guide step that cannot be worked out from the data."""
    from firstfile.services import engagements

    done_on = _parse_date(when)
    if undo:
        removed = _with_store(ctx, db, lambda store, s: engagements.untick_step(
            store, key, step, actor=s.actor))
        say(f"{key}: {step} {'unticked' if removed else 'was not ticked'}")
        return
    result = _with_store(ctx, db, lambda store, s: engagements.tick_step(
        store, key, step, actor=s.actor, done_on=done_on, note=note))
    say(f"{key}: {step} ticked {result.done_on.isoformat()}")


def list_vendors(ctx: typer.Context, as_json: JsonOption = False,
                 db: DbOption = None) -> None:
    """List vendors with kind, country, competitors and engagements."""
    from firstfile.services import engagements

    views = _with_store(ctx, db, lambda store, _s: engagements.list_vendors(store))
    if as_json:
        print_json([v.as_json() for v in views])
        return
    print_rows([(v.key, v.kind, v.country or "-", v.name,
                 ("competitors: " + ", ".join(v.competitors)) if v.competitors else "",
                 f"NDA expires {v.nda_expires_on.isoformat()}" if v.nda_expires_on else "")
                for v in views])


def vendor_nda(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Vendor key.")],
    signed: Annotated[str | None, typer.Option(
        "--signed", help="The day the NDA was signed (YYYY-MM-DD).")] = None,
    expires: Annotated[str | None, typer.Option(
        "--expires", help="The day its confidentiality duty ends (YYYY-MM-DD).")] = None,
    term_months: Annotated[int | None, typer.Option(
        "--term-months", help="Or: how many months from --signed it runs.")] = None,
    clear: Annotated[bool, typer.Option(
        "--clear", help="Forget the recorded NDA dates.")] = False,
    db: DbOption = None,
) -> None:
    """Record a vendor's NDA term: when it was signed and when it expires."""
    from firstfile.services import vendors

    if clear and (signed or expires or term_months is not None):
        fail("--clear takes no dates: give either --clear or the NDA's dates")
    if not clear and signed is None and expires is None:
        fail("give --signed and --expires (or --term-months), or --clear")
    signed_on = _parse_day(signed, "--signed")
    expires_on = _parse_day(expires, "--expires")
    view = _with_store(ctx, db, lambda store, s: vendors.set_vendor_nda(
        store, key, signed_on=signed_on, expires_on=expires_on, term_months=term_months,
        actor=s.actor))
    if view.nda_signed_on is None and view.nda_expires_on is None:
        say(f"{key}: no NDA dates recorded")
        return
    say(f"{key}: NDA signed {_day(view.nda_signed_on)}, expires "
               f"{_day(view.nda_expires_on)}")


def show_checklist(
    ctx: typer.Context,
    engagement: Annotated[str, typer.Argument(help="Engagement key.")],
    vendor: Annotated[str, typer.Argument(help="Vendor key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """One vendor's agreement checklist in one engagement."""
    from firstfile.services import engagements

    checklist = _with_store(ctx, db, lambda store, s: engagements.vendor_checklist(
        store, engagement, vendor, templates_dir=s.templates_dir))
    if as_json:
        print_json(engagements.checklist_json(checklist))
        return
    print_rows([(line.item.id, line.state.status, "critical" if line.item.critical else "",
                 line.state.done_on.isoformat() if line.state.done_on else "",
                 line.item.title) for line in checklist.lines])


def set_item(
    ctx: typer.Context,
    engagement: Annotated[str, typer.Argument(help="Engagement key.")],
    vendor: Annotated[str, typer.Argument(help="Vendor key.")],
    item: Annotated[str, typer.Argument(help="Item id, e.g. nnn-non-use.")],
    status: Annotated[str, typer.Argument(
        help="open, in-progress, done or not-applicable.")],
    reason: Annotated[str | None, typer.Option(help="Why it does not apply.")] = None,
    evidence: Annotated[str | None, typer.Option(help="Where the proof is.")] = None,
    note: Annotated[str | None, typer.Option(help="Internal note (never sent).")] = None,
    when: DateOption = None,
    who: Annotated[str | None, typer.Option(help="Who settled it (default: you).")] = None,
    db: DbOption = None,
) -> None:
    """Set where one checklist item stands."""
    from firstfile.services import engagements

    update = engagements.ItemUpdate(status=status, reason=reason, evidence=evidence,
                                    internal_note=note, done_on=_parse_date(when), who=who)
    line = _with_store(ctx, db, lambda store, s: engagements.update_item(
        store, engagement, vendor, item, update, actor=s.actor,
        templates_dir=s.templates_dir))
    say(f"{engagement} {vendor} {line.item.id}: {line.state.status}")


def export_checklist(
    ctx: typer.Context,
    engagement: Annotated[str, typer.Argument(help="Engagement key.")],
    vendor: Annotated[str, typer.Argument(help="Vendor key.")],
    out: OutFolder = None,
    fmt: Annotated[str, typer.Option("--format", help="docx or md.")] = "docx",
    audience: Annotated[str, typer.Option(
        help="internal (status, evidence, notes) or vendor (the terms only).")] = "internal",
    db: DbOption = None,
) -> None:
    """Write a vendor's agreement checklist: the internal version or the vendor's."""
    from firstfile.services import exports

    if fmt not in exports.FORMATS:
        fail(f"--format must be docx or md, not {fmt!r}")
    if audience not in exports.AUDIENCES:
        fail(f"--audience must be internal or vendor, not {audience!r}")

    def work(store: Any, settings: Any) -> Path:
        [path] = exports.export_checklist(store, engagement, vendor, export_folder(settings, out),
                                          audiences=[audience],
                                          fmt=fmt, actor=settings.actor,
                                          templates_dir=settings.templates_dir)
        return path

    say(str(_with_store(ctx, db, work)))
