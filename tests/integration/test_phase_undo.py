"""Undoing an engagement's last phase change: a change of its own, refused when the phase
moved otherwise since, on SQLite and PostgreSQL, from the service and the command line."""

from __future__ import annotations

import json

import pytest

from firstfile.services import engagements as svc
from firstfile.services.errors import Conflict, UserError
from firstfile.storage.engine import Store
from tests.integration.test_engagement_cli import invoke
from tests.integration.test_engagement_service import AQ7, BMS, audit_rows, import_samples


@pytest.fixture
def samples(store: Store) -> Store:
    import_samples(store)
    return store


def test_undo_moves_back_and_is_audited_beside_the_move(samples: Store) -> None:
    with pytest.raises(UserError, match="no phase change to undo"):
        svc.undo_phase_change(samples, BMS, actor="t")
    svc.change_phase(samples, BMS, "post", actor="rfischer")
    move = svc.last_phase_move(samples, BMS)
    assert move is not None and (move.old, move.new, move.was_undo) == ("during", "post", False)
    change = svc.undo_phase_change(samples, BMS, actor="lena", expected_seq=move.seq)
    assert (change.old, change.new) == ("post", "during")
    assert svc.engagement_overview(samples, BMS).phase == "during"
    rows = audit_rows(samples, "engagement", BMS)
    assert [r.action for r in rows[-2:]] == ["change-phase", "undo-phase-change"]
    assert json.loads(rows[-2].changes)["phase"] == ["during", "post"]  # the move stays
    undo = json.loads(rows[-1].changes)
    assert undo["phase"] == ["post", "during"] and undo["undoes_seq"] == [None, move.seq]
    assert rows[-1].actor_name == "lena"
    # An undo is not undone again: the user moves on instead.
    with pytest.raises(UserError, match="undone already"):
        svc.undo_phase_change(samples, BMS, actor="t")
    assert svc.engagement_overview(samples, BMS).phase == "during"


def test_undo_is_refused_when_the_phase_moved_since_it_was_shown(samples: Store) -> None:
    svc.change_phase(samples, BMS, "post", actor="t")
    shown = svc.last_phase_move(samples, BMS)
    assert shown is not None
    svc.change_phase(samples, BMS, "closed", actor="colleague")
    with pytest.raises(Conflict, match="changed again since"):
        svc.undo_phase_change(samples, BMS, actor="t", expected_seq=shown.seq)
    assert svc.engagement_overview(samples, BMS).phase == "closed"
    before = len(audit_rows(samples, "engagement", BMS))
    # Without a shown move the latest one is undone.
    assert svc.undo_phase_change(samples, BMS, actor="t").new == "post"
    assert len(audit_rows(samples, "engagement", BMS)) == before + 1


def test_undo_back_to_during_records_the_critical_items_still_open(samples: Store) -> None:
    svc.change_phase(samples, AQ7, "pre", actor="t")  # AQ7 has open critical items
    svc.undo_phase_change(samples, AQ7, actor="t")
    assert svc.engagement_overview(samples, AQ7).phase == "during"
    undo = audit_rows(samples, "engagement", AQ7)[-1]
    assert undo.action == "undo-phase-change"
    assert "bayan-ems:nda" in json.loads(undo.changes)["open_critical_items"][1]


def test_the_command_line_undoes_the_last_change(samples: Store) -> None:
    code, _, err = invoke(samples, "engagements", "phase", BMS, "--undo")
    assert code == 1 and "no phase change to undo" in err and "Traceback" not in err
    assert invoke(samples, "engagements", "phase", BMS, "post")[0] == 0
    code, _, err = invoke(samples, "engagements", "phase", BMS, "closed", "--undo")
    assert code == 1 and "--undo takes no PHASE" in err
    code, _, err = invoke(samples, "engagements", "phase", BMS)
    assert code == 1 and "or --undo" in err
    code, out, err = invoke(samples, "engagements", "phase", BMS, "--undo")
    assert code == 0, err
    assert "post -> during" in out
    assert audit_rows(samples, "engagement", BMS)[-1].action == "undo-phase-change"
