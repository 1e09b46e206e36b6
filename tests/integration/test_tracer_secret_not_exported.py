"""The tracer secret never leaves the database.

Tracers and document canaries are issued, so the secret exists; then every way data leaves
firstfile is exercised (the interchange file of each engagement in YAML and JSON, the counsel
bundle, every document export, and every command that prints JSON) and everything it wrote or
printed, zip entries unpacked (nested ones too), is searched for the secret's bytes, in hex
(either case) and in base64 (standard and URL-safe). A guard checks that every command with
--json is among those run, so a new one cannot slip past.
"""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.interchange.writer import dump_document
from firstfile.services import tracers as tracer_svc
from firstfile.services.interchange_export import export_engagement
from firstfile.storage import tracer_queries
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import import_samples

runner = CliRunner()
BMS = "bms48-shenzhen"
AQ7 = "aq7-second-cm"
DAY = date(2026, 3, 2)


def secret_forms(secret: bytes) -> dict[str, bytes]:
    return {
        "raw": secret,
        "hex": secret.hex().encode(),
        "HEX": secret.hex().upper().encode(),
        "base64": base64.b64encode(secret),
        "base64url": base64.urlsafe_b64encode(secret),
        "base64 unpadded": base64.b64encode(secret).rstrip(b"="),
    }


def unpacked(name: str, data: bytes) -> dict[str, bytes]:
    """data, and every entry of it when it is a zip (a DOCX, the bundle), recursively."""
    found = {name: data}
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for entry in archive.namelist():
                found.update(unpacked(f"{name}!{entry}", archive.read(entry)))
    return found


def json_commands() -> set[str]:
    """Every command of the CLI that has a --json option, as 'group command'."""
    found: set[str] = set()

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*path, name])
            return
        options = [o for p in getattr(command, "params", []) for o in getattr(p, "opts", [])]
        if "--json" in options:
            found.add(" ".join(path))

    walk(typer.main.get_command(app), [])
    return found


def export_commands() -> set[str]:
    """Every document `firstfile export` writes, by its command name."""
    group = typer.main.get_command(app)
    return set(group.commands["export"].commands)  # type: ignore[attr-defined]


def test_the_secret_is_in_no_export_document_or_command_output(
    store: Store, tmp_path: Path
) -> None:
    import_samples(store)
    db = store.url.removeprefix("sqlite:///")
    tracer_svc.issue_tracers(
        store, BMS, "afe-board", ["huaxin-pcba", "tamsui-embedded"], actor="m", today=DAY
    )
    tracer_svc.issue_tracers(store, AQ7, "ndir-cavity", ["tlaquepaque-ems"], actor="m", today=DAY)
    with store.read() as session:
        secret = tracer_queries.tracer_secret(db=session)
    assert secret is not None
    code = tracer_svc.list_tracers(store, BMS)[0].code
    outputs: dict[str, bytes] = {}

    def run(*args: str) -> None:
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code in (0, 1), (args, result.stderr)
        outputs[" ".join(args) + " (stdout)"] = result.stdout.encode()
        outputs[" ".join(args) + " (stderr)"] = result.stderr.encode()

    # The interchange file of every engagement.
    for engagement in (BMS, AQ7):
        document = export_engagement(store, engagement)
        assert document.tracers  # the register travels ...
        for fmt in ("yaml", "json"):
            outputs[f"{engagement}.{fmt}"] = dump_document(document, fmt).encode()
    # Every document: both checklists of every vendor (the vendor's issues its canary), the
    # disclosures, the minutes and the counsel bundle.
    out = tmp_path / "out"
    for engagement, vendor in ((BMS, "huaxin-pcba"), (BMS, "gd-battery-lab"), (AQ7, "bayan-ems")):
        for fmt in ("docx", "md"):
            for audience in ("vendor", "internal"):
                run(
                    "export",
                    "checklist",
                    engagement,
                    vendor,
                    "-o",
                    str(out),
                    "--format",
                    fmt,
                    "--audience",
                    audience,
                )
    for key in ("FF-2026-0001", "FF-2026-0005"):
        for fmt in ("docx", "md"):
            run("export", "disclosure", key, "-o", str(out), "--format", fmt)
    run("export", "minutes", f"{BMS}/pre-1", "-o", str(out))
    # The internal risk report carries the tracer register: its codes, never the secret.
    for engagement in (BMS, AQ7):
        for fmt in ("docx", "md"):
            run("export", "risk", engagement, "-o", str(out), "--format", fmt)
    # The filing-strategy memo for counsel and its cost table.
    for engagement in (BMS, AQ7):
        for fmt in ("docx", "md", "xlsx"):
            run("export", "strategy", engagement, "-o", str(out), "--format", fmt)
    run("export", "bundle", "-o", str(tmp_path / "bundle.zip"))
    # The interchange file as the command line writes it (with any attachments beside it).
    for engagement in (BMS, AQ7):
        run("export", "engagement", engagement, "-o", str(out / f"{engagement}.yaml"))
    exported = {name.split()[1] for name in outputs if name.startswith("export ")}
    assert exported == export_commands(), "an export command is not scanned here"
    # Every command that prints JSON.
    ran = {
        "deadlines": ("deadlines", "--json"),
        "jurisdictions": ("jurisdictions", "--json"),
        "search": ("search", "tracer", "--json"),
        "disclosures list": ("disclosures", "list", "--json"),
        "disclosures attachments": ("disclosures", "attachments", "FF-2026-0001", "--json"),
        "sessions list": ("sessions", "list", "--json"),
        "prompts list": ("prompts", "list", "--json"),
        "review queue": ("review", "queue", "--json"),
        "engagements list": ("engagements", "list", "--json"),
        "engagements show": ("engagements", "show", BMS, "--json"),
        "vendors list": ("vendors", "list", "--json"),
        "checklist show": ("checklist", "show", BMS, "huaxin-pcba", "--json"),
        "strategy show": ("strategy", "show", BMS, "--json"),
        "strategy set": ("strategy", "set", BMS, "--horizon", "12", "--json"),
        "tracers list": ("tracers", "list", BMS, "--json"),
        "tracers issue": ("tracers", "issue", BMS, "bms-firmware", "huaxin-pcba", "--json"),
        "tracers lookup": ("tracers", "lookup", code, "--json"),
        "risk show": ("risk", "show", BMS, "--json"),
        "risk history": ("risk", "history", BMS, "afe-board", "--json"),
        "risk split": ("risk", "split", BMS, "--json"),
        "roles list": ("roles", "list", "--json"),
        "audit": ("audit", "--json"),
        "verify": ("verify", "--json"),
        "whoami": ("whoami", "--json"),
        "transfers list": ("transfers", "list", "--json"),
    }
    assert set(ran) == json_commands(), "a command with --json is not scanned here"
    for args in ran.values():
        run(*args)
    run("tracers", "list", AQ7)
    run("tracers", "lookup", code)
    # Every file written (the database, which of course holds it, lives beside them).
    written = [*sorted(p for p in out.rglob("*") if p.is_file()), tmp_path / "bundle.zip"]
    for path in written:
        outputs[str(path.relative_to(tmp_path))] = path.read_bytes()
    assert any(name.endswith(".docx") for name in outputs)
    assert any(name.endswith("-filing-strategy.xlsx") for name in outputs)
    assert any(name.endswith("-filing-strategy.docx") for name in outputs)
    assert any("bundle.zip" in name for name in outputs)
    everything = {n: d for name, data in outputs.items() for n, d in unpacked(name, data).items()}
    # The scan sees what is there: the codes and canaries that were issued with the secret.
    assert any(code.encode() in data for data in everything.values())
    leaks = [
        f"{form} in {name}"
        for name, data in everything.items()
        for form, needle in secret_forms(secret).items()
        if needle in data
    ]
    assert leaks == []


@pytest.mark.parametrize("form", ["hex", "base64"])
def test_the_scan_would_find_a_secret_that_leaked(form: str) -> None:
    secret = bytes(range(32))
    needle = secret_forms(secret)[form]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("word/document.xml", b"<w:t>" + needle + b"</w:t>")
    found = unpacked("leak.docx", archive.getvalue())
    assert any(needle in data for data in found.values())
    assert not any(needle in data for data in (archive.getvalue(),))  # only once unpacked
