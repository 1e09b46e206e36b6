"""The engagement commands: lists, phase changes with override, checklist items, exports."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import audit_rows, import_samples

runner = CliRunner()
AQ7 = "aq7-second-cm"


def invoke(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", store.url.removeprefix("sqlite:///")])
    return result.exit_code, result.stdout, result.stderr


def test_engagements_and_vendors_lists(store: Store) -> None:
    import_samples(store)
    code, out, _ = invoke(store, "engagements", "list", "--json")
    assert code == 0
    rows = {row["key"]: row for row in json.loads(out)}
    assert rows[AQ7]["phase"] == "during" and len(rows[AQ7]["vendors"]) == 3
    code, out, _ = invoke(store, "vendors", "list", "--json")
    vendors = {row["key"]: row for row in json.loads(out)}
    assert vendors["huaxin-pcba"]["country"] == "CN"
    assert vendors["bayan-ems"]["competitors"] == ["Aerosense Inc."]
    assert {c["key"] for c in vendors["huaxin-pcba"]["contacts"]} == {"chen-wei", "liu-yang"}
    code, out, _ = invoke(store, "vendors", "list")
    assert code == 0 and "huaxin-pcba  contract-manufacturer  CN" in out


def test_phase_change_is_refused_then_overridden_with_a_reason(store: Store) -> None:
    import_samples(store)
    assert invoke(store, "engagements", "phase", AQ7, "pre")[0] == 0
    code, _, err = invoke(store, "engagements", "phase", AQ7, "during")
    assert code == 1 and "Bayan Lepas Electronics Sdn. Bhd.: Confidentiality agreement" in err
    assert "--override --reason" in err and "Traceback" not in err
    code, _, err = invoke(store, "engagements", "phase", AQ7, "during", "--override")
    assert code == 1 and "--reason" in err
    code, out, _ = invoke(store, "engagements", "phase", AQ7, "during", "--override",
                          "--reason", "line trial booked")
    assert code == 0 and "pre -> during" in out
    assert audit_rows(store, "engagement", AQ7)[-1].action == "phase-override"


def test_checklist_set_show_and_the_guide(store: Store) -> None:
    import_samples(store)
    # The sample's restriction of Bayan is reopened: the competitor flag comes back.
    code, _, err = invoke(store, "checklist", "set", AQ7, "bayan-ems", "field-of-business",
                          "open")
    assert code == 0, err
    code, out, _ = invoke(store, "engagements", "show", AQ7, "--json")
    assert "competitor-not-restricted" in {f["kind"] for f in json.loads(out)["flags"]}
    code, _, err = invoke(store, "checklist", "set", AQ7, "bayan-ems", "field-of-business",
                          "done", "--evidence", "MSA schedule F", "--date", "2026-06-02")
    assert code == 0, err
    code, out, _ = invoke(store, "checklist", "show", AQ7, "bayan-ems", "--json")
    item = next(i for i in json.loads(out)["items"] if i["id"] == "field-of-business")
    assert (item["status"], item["evidence"], item["done_on"], item["who"]) == (
        "done", "MSA schedule F", "2026-06-02", "tester")
    code, out, _ = invoke(store, "engagements", "show", AQ7, "--json")
    data = json.loads(out)
    assert "competitor-not-restricted" not in {f["kind"] for f in data["flags"]}
    code, _, err = invoke(store, "checklist", "set", AQ7, "bayan-ems", "tooling", "maybe")
    assert code == 1 and "status must be one of" in err
    code, _, err = invoke(store, "checklist", "set", AQ7, "bayan-ems", "tooling", "done",
                          "--date", "June")
    assert code == 1 and "--date must be a date" in err


def test_tick_a_step_by_hand(store: Store) -> None:
    import_samples(store)
    code, out, err = invoke(store, "engagements", "tick", AQ7, "pre-where", "--note",
                            "MY and MX", "--date", "2026-01-15")
    assert code == 0, err
    code, out, _ = invoke(store, "engagements", "show", AQ7, "--json")
    step = next(s for p in json.loads(out)["guide"] for s in p["steps"] if s["id"] == "pre-where")
    assert step["done"] and step["done_on"] == "2026-01-15" and step["note"] == "MY and MX"
    code, _, err = invoke(store, "engagements", "tick", AQ7, "pre-extract")
    assert code == 1 and "worked out from the data" in err


def test_export_checklist_both_audiences(store: Store, tmp_path: Path) -> None:
    import_samples(store)
    invoke(store, "checklist", "set", AQ7, "bayan-ems", "nda", "done", "--note",
           "renewal due 2027")
    code, out, err = invoke(store, "export", "checklist", AQ7, "bayan-ems", "-o", str(tmp_path),
                            "--audience", "vendor")
    assert code == 0, err
    vendor_file = Path(out.strip())
    assert vendor_file.name == "bayan-ems-agreement-terms.docx"
    with zipfile.ZipFile(vendor_file) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist())
    assert "renewal due 2027" not in text and "Confidentiality agreement" in text
    code, out, err = invoke(store, "export", "checklist", AQ7, "bayan-ems", "-o", str(tmp_path),
                            "--format", "md")
    assert code == 0, err
    assert "renewal due 2027" in Path(out.strip()).read_text(encoding="utf-8")
    code, _, err = invoke(store, "export", "checklist", AQ7, "bayan-ems", "-o", str(tmp_path),
                          "--audience", "public")
    assert code == 1 and "--audience must be internal or vendor" in err
    code, _, err = invoke(store, "export", "checklist", AQ7, "huaxin-pcba", "-o", str(tmp_path))
    assert code == 1 and "not a vendor on" in err


def test_each_command_can_be_imported_and_run_on_its_own(store: Store, tmp_path: Path) -> None:
    import typer

    from firstfile.commands import engagements

    import_samples(store)
    db = store.url.removeprefix("sqlite:///")
    show = typer.Typer()
    show.command()(engagements.show_engagement)
    result = runner.invoke(show, [AQ7, "--json", "--db", db])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["key"] == AQ7
    refused = typer.Typer()
    refused.command()(engagements.change_phase)
    result = runner.invoke(refused, [AQ7, "during", "--override", "--db", db])
    assert result.exit_code == 1 and "--override needs --reason" in result.stderr
