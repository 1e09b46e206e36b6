"""The confidentiality marking names our organisation in every document that carries one
(body, header or footer, and the file's properties), and reads as before when no name is
recorded; the minutes show components by name and the goal as prose."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from firstfile.domain.strategy_record import CostIndex
from firstfile.rendering.wording import owned_marking
from firstfile.services import exports
from firstfile.services import strategy as strategy_svc
from firstfile.services.organization import set_organization_name
from firstfile.storage.engine import Store
from tests.integration.test_engagement_service import import_samples
from tests.integration.test_strategy_export import AS_OF, ILLUSTRATIVE
from tests.unit.docx_reading import open_docx

BMS = "bms48-shenzhen"
OURS = "Northfield Power GmbH"
OWNED = f"CONFIDENTIAL \u2014 {OURS}"


@pytest.fixture
def samples(store: Store, tmp_path: Path) -> Store:
    import_samples(store)
    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(ILLUSTRATIVE, folder / "jurisdictions.yaml")
    strategy_svc.record_strategy_inputs(
        store, BMS, strategy_svc.StrategyChanges(
            cost_indexes=(CostIndex("CN", 100, "supplier quotes, 2026"),)),
        actor="m", templates_dir=folder)
    return store


def _every_document(store: Store, out: Path, templates: Path) -> list[Path]:
    from firstfile.services.disclosures import all_views

    key = next(v.key for v in all_views(store) if v.engagement_key == BMS)
    paths = exports.export_disclosure(store, key, out, ["docx", "md"])
    paths += exports.export_minutes(store, f"{BMS}/pre-1", out, ["docx", "md"]).paths
    for fmt in ("docx", "md"):
        paths += exports.export_checklist(store, BMS, "huaxin-pcba", out, fmt=fmt,
                                          audiences=("internal", "vendor"), actor="m")
    paths += exports.export_risk(store, BMS, out, ["docx", "md"], actor="m")
    paths += exports.export_strategy(store, BMS, out, ["docx", "md", "xlsx"],
                                     templates_dir=templates, as_of=AS_OF)
    bundle = out / "bundle.zip"
    exports.export_bundle(store, bundle, engagement_key=BMS, actor="m")
    return [*paths, bundle]


def _markings(path: Path) -> list[str]:
    """Where a document carries its marking: the footer (and header) and the properties of a
    DOCX, the text of Markdown, the properties of a workbook, the bundle's documents."""
    if path.suffix == ".docx":
        document = open_docx(path)
        section = document.sections[0]
        return [*(p.text for p in section.footer.paragraphs),
                *(p.text for p in section.header.paragraphs),
                *(p.text for p in document.paragraphs[:3])]
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8").split("\n")[:6]
    if path.suffix == ".xlsx":
        return [openpyxl.load_workbook(path).properties.subject or ""]
    found = []
    with zipfile.ZipFile(path) as bundle:
        for name in ("index.xlsx", *(n for n in bundle.namelist() if n.endswith(".docx"))):
            unpacked = path.parent / "unpacked" / name
            unpacked.parent.mkdir(parents=True, exist_ok=True)
            unpacked.write_bytes(bundle.read(name))
            found.append(" ".join(_markings(unpacked)))
    return found


def test_every_marking_names_the_organisation(samples: Store, tmp_path: Path) -> None:
    set_organization_name(samples, OURS, actor="m")
    paths = _every_document(samples, tmp_path / "out", tmp_path / "templates")
    assert len(paths) == 14
    for path in paths:
        markings = _markings(path)
        assert any(OWNED in m for m in markings), (path.name, markings)
        if path.suffix == ".zip":
            assert all(OWNED in m for m in markings), markings


def test_without_a_name_the_marking_reads_as_worded(samples: Store, tmp_path: Path) -> None:
    paths = _every_document(samples, tmp_path / "out", tmp_path / "templates")
    for path in paths:
        markings = _markings(path)
        assert any("CONFIDENTIAL" in m for m in markings), (path.name, markings)
        assert not any("\u2014 " in m and "CONFIDENTIAL \u2014" in m for m in markings)


def test_owned_marking_places_the_name_after_the_word() -> None:
    assert owned_marking("CONFIDENTIAL: for counsel.", OURS) == f"{OWNED}: for counsel."
    assert owned_marking("Internal only.", OURS) == f"{OWNED}. Internal only."
    assert owned_marking("CONFIDENTIAL: for counsel.", "  ") == "CONFIDENTIAL: for counsel."
    # A name is one clean line, whatever was stored.
    assert owned_marking("Confidential", "A\nB\x1b") == "Confidential \u2014 A B\u241b"


def test_minutes_name_components_and_read_the_goal_as_prose(samples: Store,
                                                           tmp_path: Path) -> None:
    from firstfile.services import sessions

    view = sessions.get_session(samples, f"{BMS}/pre-1")
    names = {key: name for key, name, _ in view.engagement_components}
    tagged = [i.component for i in view.ideas if i.component]
    assert tagged, "the sample session tags ideas with components"
    [path] = exports.export_minutes(samples, f"{BMS}/pre-1", tmp_path, ["docx"]).paths
    document = open_docx(path)
    ideas = document.tables[1]
    header = [c.text for c in ideas.rows[0].cells]
    column = header.index("Component")
    shown = {row.cells[column].text for row in ideas.rows[1:]} - {""}
    assert shown == {names[key] for key in tagged}
    assert not shown & set(tagged) - set(names.values())
    goal = next(p.text for p in document.paragraphs if p.text.startswith("Anticipate"))
    assert "most likely to make in the first six months" in goal
