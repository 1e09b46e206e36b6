"""`firstfile sessions list`, `firstfile export minutes` and `firstfile prompts list`."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.services import sessions
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from tests.integration.sessions_fixtures import seeded_session

runner = CliRunner()


def db_arg(store: Store) -> str:
    return store.url.removeprefix("sqlite:///")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sessions_list_text_and_json(store: Store) -> None:
    view = seeded_session(store)
    sessions.capture_idea(store, session_id=view.id, text="an idea", author="wli",
                          actor="tester")
    code, out, _ = invoke("sessions", "list", "--db", db_arg(store))
    assert code == 0
    assert "ACME-2026/pre-1" in out and "3 people" in out and "1 ideas" in out
    code, out, _ = invoke("sessions", "list", "--json", "--engagement", "ACME-2026",
                          "--db", db_arg(store))
    (row,) = json.loads(out)
    assert row["session"] == "ACME-2026/pre-1" and row["ideas"] == 1 and row["date"] == (
        "2026-02-10")
    code, _, err = invoke("sessions", "list", "--engagement", "NOPE", "--db", db_arg(store))
    assert code == 1 and "no engagement 'NOPE'" in err


def test_export_minutes_of_an_imported_sample(store: Store, tmp_path: Path) -> None:
    sample = sample_sessions() / "bms-shenzhen.yaml"
    doc = read_document(sample)
    import_document(store, doc, actor="tester")
    code, out, err = invoke("export", "minutes", "pre-1", "-o", str(tmp_path),
                            "--db", db_arg(store))
    assert code == 0, err
    path = Path(out.strip())
    assert path.name == f"minutes-{doc.engagement.key}-pre-1.docx"
    document = docx.Document(str(path))
    text = "\n".join([p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells])
    for idea in doc.sessions[0].ideas:
        assert " ".join(idea.text.split()) in " ".join(text.split())
    code, out, _ = invoke("export", "minutes", f"{doc.engagement.key}/pre-1", "-o",
                          str(tmp_path), "--format", "md", "--db", db_arg(store))
    assert code == 0 and Path(out.strip()).read_text(encoding="utf-8").startswith("# Minutes")


def test_export_minutes_errors_say_what_to_fix(store: Store, tmp_path: Path) -> None:
    seeded_session(store)
    code, _, err = invoke("export", "minutes", "nope", "-o", str(tmp_path),
                          "--db", db_arg(store))
    assert code == 1 and "firstfile sessions list" in err and "Traceback" not in err
    code, _, err = invoke("export", "minutes", "pre-1", "-o", str(tmp_path), "--format",
                          "pdf", "--db", db_arg(store))
    assert code == 1 and "docx or md" in err


def test_prompts_list_by_deck_and_broken_user_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = invoke("prompts", "list", "--deck", "scamper", "--json")
    prompts = json.loads(out)
    assert code == 0 and [p["id"] for p in prompts][:2] == ["scamper-s", "scamper-c"]
    assert len(prompts) == 7
    ours = tmp_path / "templates" / "prompts"
    ours.mkdir(parents=True)
    (ours / "broken.yaml").write_text("deck: broken\nprompts: [\n", encoding="utf-8")
    monkeypatch.setenv("FIRSTFILE_TEMPLATES", str(tmp_path / "templates"))
    code, out, err = invoke("prompts", "list")
    assert code == 0
    assert "broken.yaml:" in err and "triz-01" in out and "cm-" in out
    code, _, err = invoke("prompts", "list", "--deck", "broken")
    assert code == 1 and "no deck 'broken'" in err


def test_a_command_can_be_imported_and_run_on_its_own(store: Store) -> None:
    import typer

    from firstfile.commands import sessions as commands

    seeded_session(store)
    alone = typer.Typer()
    alone.command()(commands.list_sessions)
    result = runner.invoke(alone, ["--json", "--db", db_arg(store)])
    assert result.exit_code == 0, result.stderr
    assert [row["session"] for row in json.loads(result.stdout)] == ["ACME-2026/pre-1"]
