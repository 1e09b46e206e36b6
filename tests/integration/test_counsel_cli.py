"""The counsel commands end to end: deadlines, the review commands and the bundle."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.services import counsel
from firstfile.services.disclosures import all_views
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store

runner = CliRunner()


def _db(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _load(store: Store) -> None:
    for path in sorted(sample_sessions().glob("*.yaml")):
        import_document(store, read_document(path), actor="tester")


def test_deadlines_json_is_reproducible_and_filtered(store: Store) -> None:
    _load(store)
    code, out, _ = _invoke("deadlines", "--db", _db(store), "--json", "--as-of", "2026-03-01")
    assert code == 0
    rows = json.loads(out)
    expected = [r.as_json() for r in counsel.docket(store, as_of=date(2026, 3, 1))]
    assert rows == expected and rows
    for row in rows:
        assert {"disclosure", "rule", "jurisdiction", "due", "basis", "state"} <= set(row)
    code, out, _ = _invoke("deadlines", "--db", _db(store), "--json", "--as-of", "2026-03-01",
                           "--within", "0")
    assert code == 0
    soon = json.loads(out)
    assert all(r["state"] == "overdue" or r["due"] == "2026-03-01" for r in soon)
    assert len(soon) < len(rows)
    code, _, err = _invoke("deadlines", "--db", _db(store), "--as-of", "yesterday")
    assert code == 1 and "--as-of must be a date" in err and "Traceback" not in err


def test_review_commands_move_decide_and_refuse_clearly(store: Store) -> None:
    _load(store)
    key = next(v.key for v in all_views(store) if v.status == "submitted")
    db = _db(store)
    assert _invoke("review", "move", key, "in-review", "--db", db)[0] == 0
    code, out, _ = _invoke("review", "decide", key, "trade-secret", "-r",
                           "Cannot be seen in the product.", "--db", db)
    assert code == 0 and "trade-secret" in out
    code, _, err = _invoke("review", "move", key, "filed", "--db", db)
    assert code == 1 and "files nothing" in err
    assert _invoke("review", "note", key, "Internal only", "--db", db)[0] == 0
    code, out, _ = _invoke("review", "show", key, "--db", db)
    assert code == 0 and "Internal only" in out and "Keep as a trade secret" in out
    assert _invoke("review", "event-add", key, "public-disclosure", "2026-01-10", "-j", "de",
                   "--db", db)[0] == 0
    code, out, _ = _invoke("review", "queue", "--json", "--as-of", "2026-03-01", "--db", db)
    assert code == 0 and key in [i["disclosure"] for i in json.loads(out)]
    assert _invoke("review", "event-remove", key, "public-disclosure", "2026-01-10", "-j",
                   "DE", "--db", db)[0] == 0
    code, _, err = _invoke("review", "event-add", key, "rumour", "2026-01-10", "--db", db)
    assert code == 1 and "use one of" in err


def test_export_bundle_writes_the_zip(store: Store, tmp_path: Path) -> None:
    _load(store)
    out = tmp_path / "bundle.zip"
    code, stdout, _ = _invoke("export", "bundle", "-o", str(out), "--db", _db(store),
                              "--engagement", "bms48-shenzhen", "--as-of", "2026-03-01")
    assert code == 0 and "disclosures" in stdout
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
    keys = [v.key for v in all_views(store) if v.engagement_key == "bms48-shenzhen"]
    assert sorted(n for n in names if n.startswith("docx/")) == sorted(
        f"docx/{k}.docx" for k in keys)
    code, _, err = _invoke("export", "bundle", "-o", str(tmp_path / "b.zip"), "--db",
                           _db(store), "--template", str(tmp_path / "missing.docx"))
    assert code == 1 and "is not a file" in err
    code, _, err = _invoke("export", "bundle", "-o", str(tmp_path / "b.txt"), "--db", _db(store))
    assert code == 1 and ".zip" in err
