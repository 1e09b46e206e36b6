"""The tracer commands through the command line: issue, list and lookup, their JSON shapes and
exit codes, bad input refused with nothing written, and the document canary of an export."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.domain.tracers import format_code, parse_code
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent, Tracer, TracerSecret
from tests.integration.test_engagement_service import import_samples

runner = CliRunner()
BMS = "bms48-shenzhen"
TRACER_FIELDS = {"engagement", "component", "vendor", "issued_on", "kind", "code", "kind_meaning"}


def invoke(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", store.url.removeprefix("sqlite:///")])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    return store


def written(store: Store) -> tuple[int, int, int]:
    """(tracers, secrets, tracer audit rows)."""
    with store.read() as db:
        return (
            int(db.execute(select(func.count()).select_from(Tracer)).scalar_one()),
            int(db.execute(select(func.count()).select_from(TracerSecret)).scalar_one()),
            int(
                db.execute(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.entity.in_(("tracer", "tracer-secret")))
                ).scalar_one()
            ),  # type: ignore[attr-defined]
        )


def test_issue_list_and_look_up_one_code_per_vendor(samples: Store) -> None:
    issued = {}
    for vendor in ("huaxin-pcba", "tamsui-embedded"):
        code, out, err = invoke(
            samples,
            "tracers",
            "issue",
            BMS,
            "bms-firmware",
            vendor,
            "--kind",
            "firmware-mark",
            "--json",
        )
        assert code == 0, err
        tracer = json.loads(out)
        assert set(tracer) == TRACER_FIELDS and tracer["vendor"] == vendor
        assert tracer["kind"] == "firmware-mark" and tracer["component"] == "bms-firmware"
        issued[vendor] = tracer["code"]
    assert issued["huaxin-pcba"] != issued["tamsui-embedded"]
    # The same again is the same tracer, and says so.
    code, out, err = invoke(
        samples,
        "tracers",
        "issue",
        BMS,
        "bms-firmware",
        "huaxin-pcba",
        "--kind",
        "firmware-mark",
        "--json",
    )
    assert code == 0 and json.loads(out)["code"] == issued["huaxin-pcba"]
    assert "already issued on" in err
    code, out, _ = invoke(samples, "tracers", "list", BMS, "--json")
    register = json.loads(out)
    assert code == 0 and [t["code"] for t in register] == [
        issued["huaxin-pcba"],
        issued["tamsui-embedded"],
    ]
    assert all(set(t) == TRACER_FIELDS for t in register)
    code, out, _ = invoke(samples, "tracers", "lookup", issued["tamsui-embedded"], "--json")
    found = json.loads(out)
    assert code == 0 and found["status"] == "authentic" and found["authentic"] is True
    assert found["tracer"]["vendor"] == "tamsui-embedded"
    code, out, _ = invoke(samples, "tracers", "lookup", issued["huaxin-pcba"].lower())
    assert code == 0 and "issued to vendor huaxin-pcba for component bms-firmware" in out
    assert written(samples) == (2, 1, 3)


def test_lookup_exits_1_for_a_code_that_is_not_ours_or_fails_its_check(samples: Store) -> None:
    code, out, _ = invoke(samples, "tracers", "issue", BMS, "afe-board", "huaxin-pcba", "--json")
    ours = json.loads(out)["code"]
    body = ours.replace("-", "")
    mistyped = body[:5] + ("X" if body[5] != "X" else "Y") + body[6:]
    code, out, err = invoke(samples, "tracers", "lookup", mistyped)
    assert code == 1 and "the check symbol does not match" in err and out == ""
    code, out, _ = invoke(samples, "tracers", "lookup", mistyped, "--json")
    assert code == 1 and json.loads(out)["status"] == "mistyped"
    foreign = format_code(parse_code(ours) ^ 0b10)
    code, out, _ = invoke(samples, "tracers", "lookup", foreign, "--json")
    assert code == 1 and json.loads(out) == {
        "status": "not-ours",
        "code": foreign,
        "tracer": None,
        "authentic": False,
        "message": f"{foreign} is not one of ours: no tracer was issued with it",
    }
    code, _, err = invoke(samples, "tracers", "lookup", "hello")
    assert code == 1 and "not a tracer code" in err


def test_lookup_through_the_installed_entry_point(samples: Store) -> None:
    _, out, _ = invoke(samples, "tracers", "issue", BMS, "afe-board", "huaxin-pcba", "--json")
    ours = json.loads(out)["code"]
    db = samples.url.removeprefix("sqlite:///")

    def run(code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "firstfile", "tracers", "lookup", code, "--db", db],
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = run(ours)
    assert good.returncode == 0 and "is authentic" in good.stdout
    bad = run(ours[:-1] + ("0" if ours[-1] != "0" else "1"))
    assert bad.returncode == 1 and "firstfile: the check symbol does not match" in bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("afe-board", "huaxin-pcba", "--kind", "sticker"), "unknown tracer kind 'sticker'"),
        (("afe-board", "huaxin-pcba", "--kind", "document-canary"), "issued by the first export"),
        (("no-such-part", "huaxin-pcba"), "no component 'no-such-part' on bms48-shenzhen"),
        (("afe-board", "bayan-ems"), "bayan-ems is not a vendor on bms48-shenzhen"),
        (("afe-board", "nobody"), "no vendor 'nobody'"),
    ],
)
def test_bad_input_to_issue_writes_nothing(
    samples: Store, args: tuple[str, ...], message: str
) -> None:
    code, out, err = invoke(samples, "tracers", "issue", BMS, *args)
    assert code == 1 and message in err and out == ""
    assert written(samples) == (0, 0, 0)


def test_the_vendor_export_carries_the_canary_the_register_knows(
    samples: Store, tmp_path: Path
) -> None:
    code, out, err = invoke(
        samples,
        "export",
        "checklist",
        BMS,
        "huaxin-pcba",
        "-o",
        str(tmp_path),
        "--audience",
        "vendor",
    )
    assert code == 0, err
    with zipfile.ZipFile(Path(out.strip())) as archive:
        body = archive.read("word/document.xml").decode()
    code, out, _ = invoke(samples, "tracers", "list", BMS, "--json")
    (canary,) = json.loads(out)
    assert (canary["kind"], canary["vendor"], canary["component"]) == (
        "document-canary",
        "huaxin-pcba",
        "vendor-documents",
    )
    assert f"Document reference: {canary['code']}" in body
    code, out, _ = invoke(samples, "tracers", "lookup", canary["code"])
    assert (
        code == 0
        and "a canary in the documents sent to the vendor issued to vendor huaxin-pcba" in out
    )
    # The internal version is not sent to a vendor: it issues nothing.
    invoke(samples, "export", "checklist", BMS, "tamsui-embedded", "-o", str(tmp_path))
    assert written(samples) == (1, 1, 2)
