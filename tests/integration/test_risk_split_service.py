"""The best split on real databases: computed in a child process, applied as one audited step,
refused when the data changed in between, and impossible splits explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from firstfile.resources import shipped_templates
from firstfile.services import engagements as svc
from firstfile.services import risk, risk_sets, risk_split
from firstfile.services.errors import Conflict
from firstfile.services.risk import RiskDataError
from firstfile.storage.engine import Store
from firstfile.storage.tables import AuditEvent
from tests.integration.risk_fixtures import ENGAGEMENT as E
from tests.integration.risk_fixtures import build, reasons
from tests.integration.test_risk_service import counts


@pytest.fixture
def example(store: Store) -> Store:
    """docs/RISK.md section 9's split: Huaxin as an ODM, afe-board at Tamsui, balancing-fw
    and cal-fixture at Huaxin, the three forming the critical set cell balancing."""
    build(store)
    svc.update_vendor(store, "huaxin", svc.VendorChanges(kind="odm"), actor="seed")
    risk.unassign(store, E, "afe-board", "huaxin", actor="seed")
    risk.assign(store, E, "afe-board", "tamsui", actor="seed")
    risk.unassign(store, E, "balancing-fw", "tamsui", actor="seed")
    risk.assign(store, E, "balancing-fw", "huaxin", actor="seed")
    risk_sets.create_critical_set(
        store,
        E,
        "cell-balancing",
        name="cell balancing",
        members=["afe-board", "balancing-fw", "cal-fixture"],
        actor="seed",
    )
    return store


def assignment(store: Store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for a in risk.risk_inputs(store, E).assignments:
        found.setdefault(a.component, []).append(a.vendor)
    return found


def test_the_best_split_is_the_worked_example_and_applying_it_is_audited(example: Store) -> None:
    proposal = risk_split.best_split(example, E, tolerance=0)
    result = proposal.result
    # docs/RISK.md section 9: 19/42 today, 12/42 at best, by moving only the fixture.
    assert result.current.max_exposure == pytest.approx(19 / 42)
    assert result.suggested.max_exposure == pytest.approx(12 / 42)
    assert result.proven_optimal and result.lower_bound == pytest.approx(12 / 42)
    assert [(m.component, m.before, m.after) for m in result.moves] == [
        ("cal-fixture", ("huaxin",), ("gdlab",))
    ]
    data = proposal.as_json()
    assert data["fingerprint"] == proposal.fingerprint and len(proposal.fingerprint) == 64
    assert set(data["current"]) >= {"assignment", "max_exposure"}

    applied = risk_split.apply_split(example, E, proposal, actor="maria")
    assert applied.added == (("cal-fixture", "gdlab"),)
    assert applied.removed == (("cal-fixture", "huaxin"),)
    assert assignment(example) == {
        "afe-board": ["tamsui"],
        "balancing-fw": ["huaxin"],
        "cal-fixture": ["gdlab"],
    }
    with example.read() as db:
        step = db.execute(select(AuditEvent).where(AuditEvent.action == "apply-split")).scalar_one()
        moved = db.execute(select(AuditEvent).where(AuditEvent.action == "split-move")).scalar_one()
    changes = json.loads(step.changes)
    assert (step.actor_name, step.entity, step.entity_key) == ("maria", "engagement", E)
    assert changes["assignment:cal-fixture"] == [["huaxin"], ["gdlab"]]
    assert changes["max_exposure"] == pytest.approx([19 / 42, 12 / 42])
    assert json.loads(moved.changes)["vendors"] == [["huaxin"], ["gdlab"]]
    # Applied, the same proposal is stale: the assignment it was computed from is gone.
    with pytest.raises(Conflict, match="changed since this split was computed"):
        risk_split.apply_split(example, E, proposal, actor="maria")


def test_a_split_is_not_applied_once_the_data_changed(example: Store) -> None:
    proposal = risk_split.best_split(example, E, tolerance=0)
    risk.rescore_component(
        example,
        E,
        "afe-board",
        risk.ScoreChange(value_add=4, reason="the heat path moved"),
        actor="kunle",
    )
    before = counts(example)
    with pytest.raises(Conflict, match="nothing was applied"):
        risk_split.apply_split(example, E, proposal, actor="maria")
    assert counts(example) == before
    assert assignment(example)["cal-fixture"] == ["huaxin"]


def test_pins_and_subsystems_stay_where_they_are(example: Store) -> None:
    risk.pin(example, E, "cal-fixture", "huaxin", actor="m")
    risk.assign(example, E, "bms", "tamsui", actor="m")
    result = risk_split.best_split(example, E, tolerance=0).result
    suggested = result.suggested.as_json()["assignment"]
    assert "huaxin" in suggested["cal-fixture"] and suggested["bms"] == ["tamsui"]
    assert suggested["balancing-fw"] != ["huaxin"]  # never the whole set with the fixture


def test_an_impossible_split_names_the_component_and_writes_nothing(example: Store) -> None:
    # Only Huaxin (now a contract manufacturer again) and the test house: nobody makes
    # firmware.
    svc.update_vendor(example, "huaxin", svc.VendorChanges(kind="contract-manufacturer"), actor="m")
    before = counts(example)
    with pytest.raises(
        RiskDataError,
        match=r"no vendor can take Balancing firmware "
        r"\(firmware\).*Add a vendor that makes firmware, "
        r"or keep balancing-fw in-house",
    ):
        risk_split.best_split(example, E, candidates=["huaxin", "gdlab"])
    assert counts(example) == before


def test_a_vendor_kind_the_policy_does_not_know_is_named(example: Store, tmp_path: Path) -> None:
    own = tmp_path / "templates" / "policies"
    own.mkdir(parents=True)
    shipped = (shipped_templates() / "policies" / "firewall.yaml").read_text()
    (own / "firewall.yaml").write_text(shipped.replace("  test-house: [test]\n", ""))
    with pytest.raises(
        RiskDataError,
        match=r"GD lab is a 'test-house', a vendor kind the "
        r"policy does not know: add it to 'makes'",
    ):
        risk_split.best_split(example, E, templates_dir=tmp_path / "templates")


def test_a_split_over_a_new_component_places_it(example: Store) -> None:
    risk.add_component(
        example,
        E,
        "enclosure",
        name="Enclosure",
        kind="mechanical",
        scores=reasons(2, 2, 1, "case"),
        actor="m",
    )
    result = risk_split.best_split(example, E, tolerance=0).result
    placed = result.suggested.as_json()["assignment"]["enclosure"]
    assert len(placed) == 1 and placed[0] in {"huaxin", "tamsui"}
