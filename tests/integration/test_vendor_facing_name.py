"""An engagement's vendor-facing name: set from the command line, carried by the interchange
format, and naming the vendor's checklist file, so two engagements with one vendor never
overwrite each other's terms and the internal key never reaches the vendor."""

from __future__ import annotations

from pathlib import Path

import yaml

from firstfile.rendering.safe_files import file_name_part
from firstfile.resources import sample_sessions
from tests.integration.cli_run import run

VENDOR = "huaxin-pcba"
SECOND = """format: firstfile/1
engagement:
  key: bms60-second
  name: BMS 60 V, second line
vendors:
  - key: huaxin-pcba
    name: Shenzhen Huaxin Precision Electronics Co., Ltd.
    kind: contract-manufacturer
    country: CN
"""


def _two_engagements_one_vendor(tmp_path: Path) -> str:
    db = str(tmp_path / "firstfile.db")
    run("init", db=db)
    run("import", str(sample_sessions() / "bms-shenzhen.yaml"), db=db)
    second = tmp_path / "second.yaml"
    second.write_text(SECOND, encoding="utf-8")
    run("import", str(second), db=db)
    return db


def test_two_engagements_with_one_vendor_never_share_a_file(tmp_path: Path) -> None:
    db = _two_engagements_one_vendor(tmp_path)
    out = tmp_path / "out"

    def vendor_terms(engagement: str, *, check: bool = True):  # noqa: ANN202
        return run("export", "checklist", engagement, VENDOR, "--audience", "vendor",
                   "-o", str(out), db=db, check=check)

    trail = run("audit", "--json", db=db).stdout
    refused = vendor_terms("bms48-shenzhen", check=False)
    assert refused.returncode != 0
    assert "--vendor-facing-name" in refused.stderr and "overwrite" in refused.stderr
    assert not out.exists() or not any(out.iterdir())
    # Nothing was written for the refused export: not even the vendor's document canary,
    # which the first vendor export issues (and audits).
    assert run("audit", "--json", db=db).stdout == trail

    said = run("engagements", "set", "bms48-shenzhen", "--vendor-facing-name",
               "Project Falcon", db=db).stdout
    assert "Project Falcon" in said
    run("engagements", "set", "bms60-second", "--vendor-facing-name", "Projekt Möwe", db=db)
    first = Path(vendor_terms("bms48-shenzhen").stdout.strip().splitlines()[-1])
    second = Path(vendor_terms("bms60-second").stdout.strip().splitlines()[-1])
    assert first.name == "huaxin-pcba-project-falcon-agreement-terms.docx"
    assert second.name == "huaxin-pcba-projekt-mowe-agreement-terms.docx"
    assert first.is_file() and second.is_file()
    assert "bms48" not in first.name and "bms60" not in second.name


def test_a_hostile_name_stays_inside_the_folder_and_an_unusable_one_is_refused(
    tmp_path: Path
) -> None:
    db = _two_engagements_one_vendor(tmp_path)
    out = tmp_path / "out"
    run("engagements", "set", "bms48-shenzhen", "--vendor-facing-name", "../../etc/passwd\x1b",
        db=db)
    written = Path(run("export", "checklist", "bms48-shenzhen", VENDOR, "--audience", "vendor",
                       "-o", str(out), db=db).stdout.strip().splitlines()[-1])
    assert written.parent == out.resolve()
    assert written.name == "huaxin-pcba-etc-passwd-agreement-terms.docx"
    refused = run("engagements", "set", "bms48-shenzhen", "--vendor-facing-name", "猎鹰",
                  db=db, check=False)
    assert refused.returncode != 0 and "Latin letter or digit" in refused.stderr
    assert file_name_part("猎鹰") == ""
    assert file_name_part("  A/B\\C..  ") == "a-b-c"


def test_the_interchange_format_carries_it_and_older_files_stay_readable(
    tmp_path: Path
) -> None:
    db = _two_engagements_one_vendor(tmp_path)
    run("engagements", "set", "bms48-shenzhen", "--vendor-facing-name", "Project Falcon", db=db)
    exported = tmp_path / "bms.yaml"
    run("export", "engagement", "bms48-shenzhen", "-o", str(exported), db=db)
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert data["engagement"]["vendor_facing_name"] == "Project Falcon"
    # An engagement without one writes no such field: its file reads as before.
    plain = tmp_path / "second-out.yaml"
    run("export", "engagement", "bms60-second", "-o", str(plain), db=db)
    assert "vendor_facing_name" not in yaml.safe_load(plain.read_text("utf-8"))["engagement"]

    fresh = str(tmp_path / "fresh.db")
    run("init", db=fresh)
    run("import", str(exported), db=fresh)
    out = tmp_path / "fresh-out"
    written = run("export", "checklist", "bms48-shenzhen", VENDOR, "--audience", "vendor",
                  "-o", str(out), db=fresh).stdout.strip().splitlines()[-1]
    assert Path(written).name == "huaxin-pcba-project-falcon-agreement-terms.docx"
