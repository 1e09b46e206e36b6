"""The risk commands through the command line: JSON shapes, what they record, and bad input
answered with a message, a non-zero exit and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from firstfile.cli import app
from firstfile.resources import shipped_templates
from firstfile.services import engagements, risk_sets
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from tests.integration.risk_fixtures import ENGAGEMENT as E
from tests.integration.risk_fixtures import build
from tests.integration.test_risk_service import counts

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def db_arg(store: Store) -> str:
    return store.url.removeprefix("sqlite:///")


def invoke(store: Store, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", db_arg(store)], input=input)
    return result.exit_code, result.stdout, result.stderr


def refused(store: Store, *args: str, match: str) -> str:
    """The command fails with match in its message (no traceback) and writes nothing."""
    before = counts(store)
    code, _out, err = invoke(store, *args)
    assert code != 0, err
    assert match in err and "Traceback" not in err, err
    assert counts(store) == before
    return err


@pytest.fixture
def example(store: Store) -> Store:
    build(store)
    return store


def test_the_picture_as_json_has_the_promised_shape(example: Store) -> None:
    code, out, err = invoke(example, "risk", E, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"components", "vendors", "flags"} <= set(data)
    fw = next(c for c in data["components"] if c["key"] == "balancing-fw")
    assert (fw["value_add"], fw["differentiation"], fw["reverse_engineering_difficulty"]) == (
        4,
        5,
        4,
    )
    assert (fw["recommendation"], fw["decision"]) == ("firewall", "outsource-with-safeguards")
    assert fw["rationale"]["value_add"] == "balancing-fw: value"
    vendors = {v["key"]: v for v in data["vendors"]}
    assert vendors["huaxin"]["exposure"] == pytest.approx(1 / 3)
    assert 0 <= vendors["huaxin"]["risk"] <= vendors["huaxin"]["exposure"]
    assert [f["kind"] for f in data["flags"]] == ["competitor-unguarded"]
    # `risk show` is the same command; the text form names every component.
    code, text, _ = invoke(example, "risk", "show", E)
    assert code == 0 and "cal-fixture" in text and "competitor-unguarded" in text


def test_recording_from_the_command_line_is_audited(example: Store) -> None:
    steps = [
        (
            "risk",
            "component",
            "add",
            E,
            "enclosure",
            "--name",
            "Enclosure",
            "--kind",
            "mechanical",
            "--parent",
            "bms",
            "--value-add",
            "2",
            "--differentiation",
            "2",
            "--reverse-engineering",
            "1",
            "--reason",
            "a plain moulded case",
        ),
        (
            "risk",
            "score",
            E,
            "enclosure",
            "--value-add",
            "3",
            "--value-add-reason",
            "the labyrinth air path is ours",
        ),
        ("risk", "move", E, "enclosure", "--top"),
        ("risk", "decide", E, "soc-estimator", "firewall"),
        ("risk", "assign", E, "enclosure", "huaxin"),
        ("risk", "pin", E, "enclosure", "huaxin"),
        (
            "risk",
            "set",
            "create",
            E,
            "cb",
            "--name",
            "cell balancing",
            "--member",
            "afe-board",
            "--member",
            "balancing-fw",
        ),
        ("risk", "set", "add", E, "cb", "cal-fixture"),
        ("risk", "set", "remove", E, "cb", "cal-fixture"),
        (
            "risk",
            "safeguard",
            E,
            "huaxin",
            "field-of-business",
            "done",
            "--evidence",
            "NNN clause 9",
            "--date",
            "2026-02-20",
        ),
        ("risk", "safeguard", E, "huaxin", "premium-rate", "in-progress"),
        (
            "risk",
            "action",
            E,
            "soc-estimator",
            "tamsui",
            "tracer",
            "not-applicable",
            "--reason",
            "ships as a compiled library",
        ),
        ("risk", "component", "set", E, "enclosure", "--name", "Wall-mount enclosure"),
        ("risk", "set", "delete", E, "cb"),
        ("risk", "unassign", E, "enclosure", "huaxin"),
        ("risk", "decide", E, "soc-estimator", "--withdraw"),
    ]
    for args in steps:
        with example.read() as db:
            before = len(db.execute(select(AuditEvent)).all())
        code, _out, err = invoke(example, *args)
        assert code == 0, (args, err)
        with example.read() as db:
            assert len(db.execute(select(AuditEvent)).all()) > before, args
    code, out, _ = invoke(example, "risk", "history", E, "enclosure", "--json")
    actions = [e["action"] for e in json.loads(out)]
    assert actions == ["create", "score", "move", "assign", "pin", "update", "unassign"]
    data = json.loads(invoke(example, "risk", E, "--json")[1])
    huaxin = next(v for v in data["vendors"] if v["key"] == "huaxin")
    assert {s["kind"]: s["status"] for s in huaxin["safeguards"]} == {
        "field-of-business": "done",
        "premium-rate": "in-progress",
    }


def test_bad_input_gets_a_message_and_writes_nothing(example: Store, tmp_path: Path) -> None:
    refused(
        example,
        "risk",
        "score",
        E,
        "afe-board",
        "--value-add",
        "7",
        "--reason",
        "x",
        match="value added is 7: give a whole number from 1 to 5",
    )
    refused(
        example,
        "risk",
        "move",
        E,
        "bms",
        "--parent",
        "afe-board",
        match="its own ancestor (bms → afe-board → bms)",
    )
    refused(
        example,
        "risk",
        "set",
        "create",
        E,
        "cb",
        "--name",
        "cb",
        "--member",
        "afe-board",
        "--member",
        "ghost",
        match="'ghost' is not a component of this engagement",
    )
    refused(
        example,
        "risk",
        "decide",
        E,
        "soc-estimator",
        "outsource",
        match="goes against the recommendation",
    )
    refused(
        example,
        "risk",
        "safeguard",
        E,
        "huaxin",
        "exclusivity",
        "done",
        match="say where the evidence is",
    )
    refused(
        example,
        "risk",
        "score",
        E,
        "afe-board",
        "--date",
        "yesterday",
        match="--date must be a date",
    )
    refused(example, "risk", "nowhere", match="no engagement 'nowhere'")
    # A policy with a typo: the line named, nothing analysed or written.
    own = tmp_path / "templates" / "policies"
    own.mkdir(parents=True)
    text = (shipped_templates() / "policies" / "firewall.yaml").read_text()
    (own / "firewall.yaml").write_text(text.replace("  safeguards: 2", "  safegards: 2"))
    before = counts(example)
    result = runner.invoke(
        app,
        ["risk", E, "--db", db_arg(example)],
        env={"FIRSTFILE_TEMPLATES": str(tmp_path / "templates")},
    )
    assert result.exit_code == 1 and "firewall.yaml:" in result.stderr
    assert "safegards" in result.stderr and "safeguards" in result.stderr
    assert counts(example) == before


def test_an_impossible_split_names_the_component(example: Store) -> None:
    # Tamsui, the only vendor that makes firmware, is taken off the engagement.
    assert invoke(example, "risk", "unassign", E, "balancing-fw", "tamsui")[0] == 0
    engagements.detach_vendor(example, E, "tamsui", actor="m")
    err = refused(example, "risk", "split", E, match="no vendor can take Balancing firmware")
    assert "Add a vendor that makes firmware" in err


def test_split_shows_both_and_applies_only_when_confirmed(example: Store) -> None:
    risk_sets.create_critical_set(
        example,
        E,
        "cb",
        name="cell balancing",
        members=["afe-board", "balancing-fw", "cal-fixture"],
        actor="m",
    )
    code, out, err = invoke(example, "risk", "split", E, "--json")
    assert code == 0, err
    data = json.loads(out)
    for side in ("current", "suggested"):
        assert {"assignment", "max_exposure"} <= set(data[side])
    assert data["suggested"]["max_exposure"] <= data["current"]["max_exposure"]
    assert data["lower_bound"] <= data["suggested"]["max_exposure"]
    assert data["moves"], "the example's split moves something"
    # Declined: nothing written, non-zero exit.
    before = counts(example)
    code, out, err = invoke(example, "risk", "split", E, "--apply", input="n\n")
    assert code == 1 and "not applied" in err and "Apply this split" in err
    assert counts(example) == before
    # Confirmed: applied in one audited step.
    code, out, err = invoke(example, "risk", "split", E, "--apply", input="y\n")
    assert code == 0 and "applied:" in out, err
    with example.read() as db:
        assert db.execute(select(AuditEvent).where(AuditEvent.action == "apply-split")).first()
    code, out, _ = invoke(example, "risk", "split", E, "--json")
    assert json.loads(out)["moves"] == []


def test_split_json_on_the_real_standard_output_is_only_json(example: Store) -> None:
    """Through `python -m firstfile`, in a process of its own: neither what the solver's child
    process prints nor the confirmation prompt reaches the JSON."""
    risk_sets.create_critical_set(
        example,
        E,
        "cb",
        name="cell balancing",
        members=["afe-board", "balancing-fw", "cal-fixture"],
        actor="m",
    )
    before = counts(example)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "firstfile",
            "risk",
            "split",
            E,
            "--json",
            "--apply",
            "--db",
            db_arg(example),
        ],
        cwd=ROOT,
        input=b"n\n",
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr.decode()
    data = json.loads(done.stdout)
    assert set(data) >= {"current", "suggested", "fingerprint"} and data["moves"]
    assert b"Apply this split" in done.stderr and b"not applied" in done.stderr
    assert counts(example) == before
