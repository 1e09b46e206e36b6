"""The command line on records that must not change or vanish silently: deleted disclosures
found and restored, a mistyped --db refused, one message for an unknown engagement, events
dated before the invention."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstfile.resources import sample_sessions
from tests.integration.cli_run import run

SAMPLE = str(sample_sessions() / "bms-shenzhen.yaml")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "firstfile.db")
    run("import", SAMPLE, db=path)
    return path


def test_a_deleted_disclosure_is_listed_and_restored(db: str) -> None:
    key = run("disclosures", "list", db=db).stdout.split()[0]
    run("disclosures", "delete", key, db=db)
    assert key not in run("disclosures", "list", db=db).stdout
    deleted = run("disclosures", "list", "--status", "deleted", db=db).stdout.splitlines()
    assert [line.split()[0] for line in deleted] == [key]
    run("disclosures", "restore", key, db=db)
    assert key in run("disclosures", "list", db=db).stdout
    assert run("disclosures", "list", "--status", "deleted", db=db).stdout == ""


def test_a_missing_database_file_is_refused_by_every_command_but_init(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "firstfle.db"
    for args in (
        ("disclosures", "list"),
        ("search", "cell"),
        ("sessions", "list"),
        ("review", "queue"),
        ("deadlines",),
    ):
        result = run(*args, db=str(missing), check=False)
        assert result.returncode == 1, args
        assert f"there is no database at {missing}" in result.stderr, args
        assert not missing.parent.exists(), args
    run("init", db=str(missing))
    assert missing.is_file()
    assert run("disclosures", "list", db=str(missing)).stdout == ""


def test_an_unknown_engagement_gets_the_same_message_everywhere(db: str, tmp_path: Path) -> None:
    message = "no engagement 'nope'; `firstfile engagements list` shows the keys"
    for args in (
        ("disclosures", "list", "--engagement", "nope"),
        ("sessions", "list", "--engagement", "nope"),
        ("engagements", "show", "nope"),
        ("export", "bundle", "-o", str(tmp_path / "b.zip"), "--engagement", "nope"),
        ("export", "engagement", "nope", "-o", str(tmp_path / "e.yaml")),
    ):
        result = run(*args, db=db, check=False)
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)


def test_an_event_before_the_conception_date_is_recorded_with_a_warning(db: str) -> None:
    import json

    views = json.loads(run("disclosures", "list", "--json", db=db).stdout)
    dated = next(v for v in views if v["conception_date"])
    key, conceived = dated["key"], dated["conception_date"]
    result = run("review", "event-add", key, "public-disclosure", "2001-05-05", db=db)
    assert f"2001-05-05 is before the conception date {conceived}" in result.stderr
    early = run("review", "event-add", key, "public-disclosure", "1900-01-01", db=db, check=False)
    assert early.returncode == 1 and "1980" in early.stderr


def test_import_of_a_folder_imports_its_files_or_says_it_has_none(tmp_path: Path) -> None:
    db = str(tmp_path / "firstfile.db")
    out = run("import", str(sample_sessions()), db=db).stdout
    assert "bms-shenzhen.yaml:" in out and "sensor-second-cm.yaml:" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("import", str(empty), db=db, check=False)
    assert result.returncode == 1
    assert f"{empty}: the folder holds no .yaml, .yml or .json file to import" in result.stderr
