"""Checklist item files: shipped data, user overrides, and broken files reported by line."""

from __future__ import annotations

from pathlib import Path

from firstfile.resources import shipped_templates
from firstfile.services.checklist_items import load_items, read_items

SHIPPED = shipped_templates() / "checklists" / "agreement.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    target = folder / "checklists"
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_checklist_covers_reference_section_four() -> None:
    load = load_items([])
    assert load.problems == []
    ids = {item.id for item in load.items}
    assert {"nnn-non-disclosure", "nnn-non-use", "nnn-non-circumvention", "background-ip",
            "improvements-assigned", "joint-ip-ownership", "tooling", "know-how-limits",
            "subcontracting", "field-of-business", "exclusivity", "licensing-incentives",
            "return-destruction", "no-residuals", "surviving-obligations",
            "verbal-reinforcement"} <= ids
    assert all(item.guidance for item in load.items)
    assert any(item.critical for item in load.items)
    nnn = next(item for item in load.items if item.id == "nnn-non-use")
    assert nnn.when.countries == ("CN",)


def test_a_user_file_of_the_same_name_replaces_the_shipped_one(tmp_path: Path) -> None:
    write(tmp_path, "agreement.yaml",
          "checklist: agreement\ntitle: Ours\nitems:\n"
          "  - id: our-nda\n    title: Our NDA\n    guidance: Use form F-12.\n"
          "    term: Keep it secret.\n    critical: true\n")
    load = load_items([tmp_path])
    assert load.problems == []
    assert [item.id for item in load.items] == ["our-nda"]


def test_a_user_file_of_another_name_adds_its_items(tmp_path: Path) -> None:
    write(tmp_path, "export-control.yaml",
          "checklist: export\ntitle: Export\nitems:\n"
          "  - id: ear-classification\n    title: EAR classification\n    guidance: ECCN known.\n")
    ids = [item.id for item in load_items([tmp_path]).items]
    assert "ear-classification" in ids and "nnn-non-use" in ids


def test_a_broken_user_file_is_reported_with_file_and_line_and_the_shipped_one_used(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "agreement.yaml",
                 "checklist: agreement\ntitle: Ours\nitems:\n"
                 "  - id: our-nda\n    title: Our NDA\n    critical: maybe\n"
                 "    guidance: x\n")
    load = load_items([tmp_path])
    assert load.problems == [f"{path}:6: items[0]: 'critical' must be true or false"]
    assert "nnn-non-use" in {item.id for item in load.items}


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "agreement.yaml", "checklist: a\nitems:\n  - id: [unclosed\n")
    items, problems = read_items(path)
    assert items is None
    assert len(problems) == 1 and problems[0].startswith(f"{path}:")
    assert "not valid YAML" in problems[0]
    assert problems[0].split(":")[1] in {"3", "4"}


def test_python_tags_are_refused_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = write(tmp_path, "agreement.yaml",
                 "checklist: a\ntitle: t\nitems:\n"
                 f"  - !!python/object/apply:os.system ['touch {marker}']\n")
    items, problems = read_items(path)
    assert items is None and problems and not marker.exists()


def test_unknown_keys_bad_conditions_and_duplicate_ids_are_all_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "agreement.yaml",
                 "checklist: a\ntitle: t\nitems:\n"
                 "  - id: one\n    title: One\n    guidance: g\n    colour: red\n"
                 "  - id: two\n    title: Two\n    guidance: g\n"
                 "    when: {countries: [China], kinds: [bakery]}\n"
                 "  - id: one\n    title: Again\n    guidance: g\n")
    items, problems = read_items(path)
    assert items is None
    text = "\n".join(problems)
    assert f"{path}:7: items[0]: unknown key 'colour'" in text
    assert "'CHINA' is not a two-letter country code" in text
    assert "unknown vendor kind 'bakery'" in text
    assert f"{path}:12: item id 'one' is used twice (first at line 4)" in text


def test_the_same_id_in_two_files_keeps_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "zz-extra.yaml",
                 "checklist: z\ntitle: t\nitems:\n"
                 "  - id: tooling\n    title: Again\n    guidance: g\n")
    load = load_items([tmp_path])
    assert [p for p in load.problems if "'tooling' is already used" in p] == [
        f"{path}:4: item id 'tooling' is already used by {SHIPPED}:"
        f"{_line_of(SHIPPED, '- id: tooling')}"]
    assert [i.title for i in load.items if i.id == "tooling"] == ["Tooling and moulds"]


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() == text:
            return number
    raise AssertionError(f"{text!r} not in {path}")
