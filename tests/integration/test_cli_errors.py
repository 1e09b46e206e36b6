"""Commands end in a sentence that says what to fix, never in a traceback: a full disk, a
database another program holds, numbers and names no database column takes, and hostile
arguments to every command."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from firstfile.resources import sample_sessions
from firstfile.storage.engine import open_store

SAMPLE = str(sorted(sample_sessions().glob("*.yaml"))[0])


def run(*args: str, limit_bytes: int | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """firstfile as a user runs it; limit_bytes caps the size of any file it writes."""

    def limit() -> None:  # pragma: no cover - runs in the child
        # The kernel refuses writes past the limit (EFBIG), as it refuses them on a full
        # disk (ENOSPC); the signal it would also send is ignored, as a shell's ulimit -f does.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        assert limit_bytes is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "firstfile", *args], capture_output=True, text=True,
        timeout=300, env={**os.environ, **(env or {})},
        preexec_fn=limit if limit_bytes is not None else None)


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def _plain_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("firstfile: "), result.stderr
    return result.stderr


def test_a_full_disk_during_an_import_is_a_sentence_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    db = tmp_path / "firstfile.db"
    open_store(str(db)).dispose()
    audits = _count(db, "auditevent")
    # Room to open the database (its shared-memory index, a little of the log), not for
    # the sample's records: the log file would grow past 64 KB.
    result = run("import", SAMPLE, "--db", str(db), limit_bytes=65_536)
    err = _plain_failure(result)
    assert "disk" in err and "free some space" in err and "nothing was written" in err
    assert _count(db, "disclosure") == 0 and _count(db, "auditevent") == audits
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_during_an_export_leaves_no_partial_file(tmp_path: Path) -> None:
    db = tmp_path / "firstfile.db"
    assert run("import", SAMPLE, "--db", str(db)).returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    result = run("export", "disclosure", "FF-2026-0001", "-o", str(out), "--db", str(db),
                 limit_bytes=4096)
    err = _plain_failure(result)
    assert "larger than this system allows" in err or "disk" in err, err
    assert list(out.iterdir()) == []


def test_a_database_held_past_the_busy_timeout_is_a_sentence(tmp_path: Path) -> None:
    db = tmp_path / "firstfile.db"
    open_store(str(db)).dispose()
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program holding the write lock
        result = run("import", SAMPLE, "--db", str(db), env={"FIRSTFILE_BUSY_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = _plain_failure(result)
    assert "the database is busy: another program has been writing to it for more than 1.0 " \
           "seconds" in err
    assert _count(db, "disclosure") == 0


def test_a_5000_digit_number_in_json_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text('{"format": "firstfile/1",\n "engagement": {"key": "acme", "name": "Acme",'
                    f'\n "phase": {"9" * 5000}}}}}\n', encoding="utf-8")
    err = _plain_failure(run("import", str(path), "--db", str(tmp_path / "f.db")))
    assert "huge.json:3: the number 999999999999... has 5,000 digits" in err


def test_a_name_postgresql_cannot_store_is_refused_on_every_backend(db_url: str,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    text = Path(SAMPLE).read_text(encoding="utf-8")
    name = "Maria Hartmann" + " von Neuenahr-Ahrweiler" * 10
    path.write_text(text.replace("name: Maria Hartmann", f"name: {name}", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if name in row)
    err = _plain_failure(run("import", str(path), "--db", db_url.removeprefix("sqlite:///")))
    assert (f"long.yaml:{line}: people[0].name: {len(name)} characters is too long: the "
            "database keeps 200; shorten it") in err


HOSTILE = "\x1b]0;owned\x07\u202e" + "x" * 5000


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the first sample, made once and copied by each test."""
    db = tmp_path_factory.mktemp("sample") / "firstfile.db"
    assert run("import", SAMPLE, "--db", str(db)).returncode == 0
    return db


@pytest.mark.parametrize(
    "args",
    [
        ("import", "--group-size", "0", SAMPLE),
        ("import", HOSTILE),
        ("disclosures", "list", "--status", HOSTILE),
        ("disclosures", "list", "--engagement", HOSTILE),
        ("search", HOSTILE),
        ("search", "*"),
        ("export", "disclosure", HOSTILE, "-o", "."),
        ("export", "disclosure", "FF-2026-0001", "-o", "/proc/no-such-folder"),
        ("export", "minutes", HOSTILE, "-o", "."),
        ("export", "checklist", HOSTILE, HOSTILE, "-o", "."),
        ("export", "bundle", "-o", "/proc/no-such-folder/x.zip"),
        ("export", "bundle", "-o", "x.zip", "--template", HOSTILE),
        ("review", "show", HOSTILE),
        ("review", "move", "FF-2026-0001", HOSTILE),
        ("review", "decide", "FF-2026-0001", HOSTILE, "-r", HOSTILE),
        ("review", "note", "FF-2026-0001", HOSTILE),
        ("review", "note", HOSTILE, HOSTILE),
        ("review", "event-add", "FF-2026-0001", HOSTILE, "2026-13-45"),
        ("review", "event-add", "FF-2026-0001", "public-disclosure", "2026-03-01",
         "--jurisdiction", HOSTILE),
        ("review", "event-remove", "FF-2026-0001", "public-disclosure", "9999-99-99"),
        ("deadlines", "--as-of", HOSTILE),
        ("deadlines", "--within", "99999999999999999999"),
        ("sessions", "list", "--engagement", HOSTILE),
        ("prompts", "list", "--deck", HOSTILE),
        ("engagements", "show", HOSTILE),
        ("engagements", "phase", "bms48-shenzhen", HOSTILE),
        ("engagements", "tick", "bms48-shenzhen", HOSTILE),
        ("engagements", "tick", "bms48-shenzhen", "pre-1", "--date", HOSTILE),
        ("vendors", "list", "--engagement", HOSTILE),
        ("checklist", "show", HOSTILE, HOSTILE),
        ("checklist", "set", "bms48-shenzhen", "huaxin-pcba", HOSTILE, "--status", "done"),
    ],
    ids=lambda args: "-".join(a[:12] for a in args[:3]),
)
def test_hostile_arguments_get_a_sentence_on_every_command(
    args: tuple[str, ...], sample_db: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from firstfile.cli import app

    db = tmp_path / "firstfile.db"
    shutil.copyfile(sample_db, db)
    # In the test's process, for speed: an exception the command lets out is what a user
    # would see as a traceback.
    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    # Refused with a sentence, or done (a list filtered by a key nobody has, a long note).
    assert result.exit_code in (0, 1, 2), result.stderr
    if result.exit_code:
        assert result.stderr.strip(), "refused without a word"
    # Whatever the message quotes, no control character reaches the terminal.
    for char in ("\x1b", "\x07", "\u202e"):
        assert char not in result.stderr + result.stdout


def test_a_file_name_with_escape_sequences_is_shown_not_obeyed(tmp_path: Path) -> None:
    name = "\x1b]0;owned\x07\u202eacme.yaml"
    path = tmp_path / name
    path.write_text("format: firstfile/1\nengagement: {key: acme}\n", encoding="utf-8")
    missing = tmp_path / "\x1b[2Jgone.yaml"
    err = _plain_failure(run("import", str(path), str(missing), "--db",
                             str(tmp_path / "f.db")))
    assert "\u241b]0;owned\u2407<U+202E>acme.yaml:2: engagement.name: is required" in err
    assert "\u241b[2Jgone.yaml: no such file" in err
    assert not any(char in err for char in "\x1b\x07\u202e")


def test_a_name_too_long_for_any_column_is_refused_alike_on_every_backend(
    db_url: str,
) -> None:
    db = db_url.removeprefix("sqlite:///")
    assert run("import", SAMPLE, "--db", db).returncode == 0
    result = run("checklist", "set", "bms48-shenzhen", "huaxin-pcba", "nnn-non-use", "done",
                 "--who", "w" * 201, "--db", db)
    err = _plain_failure(result)
    assert "201 characters: the database keeps 200; shorten it" in err
