"""The command-line contract, run as a user runs it: the installed `firstfile` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from firstfile.resources import sample_sessions

SAMPLES = sorted(str(p) for p in sample_sessions().glob("*.yaml"))


def run(
    *args: str, env_db: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if env_db:
        env["FIRSTFILE_DB"] = env_db
    result = subprocess.run(
        [sys.executable, "-m", "firstfile", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def db(db_url: str) -> str:
    """The database argument for --db: a SQLite path or a PostgreSQL URL."""
    return db_url.removeprefix("sqlite:///")


def test_init_creates_the_database(db: str) -> None:
    out = run("init", "--db", db).stdout
    assert "database ready" in out


def test_import_is_idempotent_and_list_json_has_the_contract_fields(db: str) -> None:
    first = run("import", *SAMPLES, "--db", db).stdout
    assert "disclosure created" in first
    second = run("import", *SAMPLES, "--db", db).stdout
    assert "created" not in second and "updated" not in second
    data = json.loads(run("disclosures", "list", "--json", "--db", db).stdout)
    assert len(data) >= 6
    for item in data:
        for field in ("key", "title", "status", "engagement", "joint", "inventors",
                      "conception_date"):
            assert field in item
        for person in item["inventors"]:
            assert {"name", "organization", "role", "contribution"} <= set(person)
    joint = [d for d in data if d["joint"]]
    assert joint and all(
        any(p["organization"] != "internal" and p["role"] == "inventor" for p in d["inventors"])
        for d in joint
    )
    engagement = data[0]["engagement"]
    only = json.loads(run("disclosures", "list", "--json", "--engagement", engagement,
                          "--db", db).stdout)
    assert only and {d["engagement"] for d in only} == {engagement}
    drafts = json.loads(run("disclosures", "list", "--json", "--status", "draft",
                            "--db", db).stdout)
    assert drafts and {d["status"] for d in drafts} == {"draft"}


def test_search_finds_by_word_and_prefix(db: str) -> None:
    run("import", *SAMPLES, "--db", db)
    data = json.loads(run("disclosures", "list", "--json", "--db", db).stdout)
    word = data[0]["title"].split()[0].lower()
    found = json.loads(run("search", word, "--json", "--db", db).stdout)
    assert data[0]["key"] in [d["key"] for d in found]
    prefix = json.loads(run("search", word[:4] + "*", "--json", "--db", db).stdout)
    assert data[0]["key"] in [d["key"] for d in prefix]
    miss = run("search", "zzzqqqxxy", "--db", db, check=False)
    assert miss.returncode == 1 and "no disclosures match" in miss.stderr


def test_export_writes_docx_and_md_named_by_key(db: str, tmp_path: Path) -> None:
    run("import", *SAMPLES, "--db", db)
    first = json.loads(run("disclosures", "list", "--json", "--db", db).stdout)[0]
    key = first["key"]
    out = tmp_path / "out"
    path = Path(run("export", "disclosure", key, "-o", str(out), "--db", db).stdout.strip())
    assert path == out / f"{key}.docx"
    document = Document(str(path))
    assert first["title"] in "\n".join(p.text for p in document.paragraphs)
    assert key in "\n".join(p.text for p in document.sections[0].header.paragraphs)
    md = Path(run("export", "disclosure", key, "-o", str(out), "--format", "md",
                  "--db", db).stdout.strip())
    assert md == out / f"{key}.md" and key in md.read_text(encoding="utf-8")


def test_firstfile_db_environment_variable_is_used(tmp_path: Path) -> None:
    path = str(tmp_path / "env.db")
    run("import", SAMPLES[0], env_db=path)
    assert Path(path).exists()
    assert json.loads(run("disclosures", "list", "--json", env_db=path).stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "disclosure", "FF-2026-9999", "-o", "OUT"), "no disclosure 'FF-2026-9999'"),
        (("export", "disclosure", "FF-2026-0001", "-o", "OUT", "--format", "pdf"),
         "--format must be docx or md"),
        (("disclosures", "list", "--status", "lost"), "--status must be one of"),
        (("search", "!!!"), "give at least one word"),
        (("import", "missing.yaml"), "missing.yaml: no such file"),
    ],
)
def test_user_mistakes_get_a_message_and_no_traceback(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    db = str(tmp_path / "f.db")
    run("init", "--db", db)
    args = tuple(str(tmp_path / a) if a in ("OUT", "missing.yaml") else a for a in args)
    result = run(*args, "--db", db, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_bad_interchange_file_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: firstfile/1\n"
        "engagement: {key: X-1, name: X}\n"
        "people: [{key: jdoe, name: Jane}]\n"
        "disclosures:\n"
        "  - title: First\n"
        "    conception_date: 2026-02-30\n"
        "    inventors: [{person: jdo, role: inventor, contribution: 100}]\n"
        "  - titel: Second\n",
        encoding="utf-8",
    )
    result = run("import", str(bad), "--db", db, check=False)
    assert result.returncode == 1
    assert "bad.yaml:6:" in result.stderr and "not a real date" in result.stderr
    assert "bad.yaml:7:" in result.stderr and "unknown person 'jdo'" in result.stderr
    assert "titel" in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing written: not even the database file, so listing says there is none.
    assert not Path(db).exists()
    listed = run("disclosures", "list", "--json", "--db", db, check=False)
    assert listed.returncode == 1 and "there is no database" in listed.stderr


def test_a_bad_file_after_a_good_one_leaves_no_database_behind(tmp_path: Path) -> None:
    # The good file is checked against the database (which opening creates) before the bad
    # one is read; the import then stops, and the database made for it goes again.
    db = tmp_path / "new" / "f.db"
    db.parent.mkdir()
    good = tmp_path / "a-good.yaml"
    good.write_text(
        "format: firstfile/1\n"
        "engagement: {key: X-1, name: X}\n"
        "people: [{key: jdoe, name: Jane}]\n"
        "disclosures:\n"
        "  - title: First\n"
        "    conception_date: 2026-02-03\n"
        "    inventors: [{person: jdoe, role: inventor, contribution: 100}]\n",
        encoding="utf-8",
    )
    bad = tmp_path / "b-bad.yaml"
    bad.write_text("format: firstfile/1\nengagement: {key: X-2}\ndisclosures: 7\n",
                   encoding="utf-8")
    result = run("import", str(good), str(bad), "--db", str(db), check=False)
    assert result.returncode == 1, result.stdout
    assert "b-bad.yaml" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == []
    # The same good file alone goes in, so the check above was not refusing everything.
    run("import", str(good), "--db", str(db))
    assert db.exists()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n", encoding="utf-8")
    result = run("disclosures", "list", "--db", str(notes), check=False)
    assert result.returncode == 1 and "not a SQLite database" in result.stderr
    assert notes.read_text(encoding="utf-8") == "not a database\n"
