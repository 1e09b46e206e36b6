"""The vendor's checklist leaks nothing: sentinels in every internal field, scanned everywhere.

Every internal field of the engagement is seeded with a unique sentinel string; the vendor's
document is built through the same service and renderer as `firstfile export checklist
--audience vendor`, and every part of the DOCX zip (body, headers, footers, comments, core,
extended and custom properties: every entry, decoded) and the Markdown are scanned for each.
The internal version of the same data must contain its sentinels, which shows the scan finds
what is there. The items' internal guidance comes from a file, not the database: it is planted
in an overriding items file in the user's template folder. The vendor's document canary is
added, and is the only vendor-specific thing added: two vendors alike in everything the
document may show get documents that differ in their canaries alone.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
import yaml
from sqlalchemy import select

from firstfile.rendering.checklist_export import export_checklist, render_checklist
from firstfile.rendering.safe_files import ExportError
from firstfile.resources import shipped_templates
from firstfile.services import engagements as svc
from firstfile.services import risk, risk_safeguards, risk_sets
from firstfile.services.checklist_items import load_items
from firstfile.services.risk_safeguards import ActionUpdate
from firstfile.services.tracers import lookup_code
from firstfile.storage.engine import Store
from firstfile.storage.tables import (
    Component,
    ComponentDecision,
    Disclosure,
    Engagement,
    Person,
)
from tests.integration.test_engagement_service import import_samples

BMS = "bms48-shenzhen"
TARGET = "huaxin-pcba"
TODAY = date(2026, 3, 2)


def sentinel(name: str) -> str:
    return f"ZQX{name.upper()}SENTINEL"


def seed_sentinels(store: Store) -> dict[str, str]:
    """Put a sentinel in every internal field around the target vendor; return them by field."""
    import_samples(store)
    found: dict[str, str] = {}
    with store.write() as db:
        engagement = db.execute(select(Engagement).where(Engagement.key == BMS)).scalar_one()
        engagement.name = found["engagement name"] = sentinel("engagementname")
        engagement.product = found["product"] = sentinel("product")
        for component in db.execute(select(Component).where(
                Component.engagement_id == engagement.id)).scalars():
            if component.key == "soc-estimator":
                db.merge(ComponentDecision(component_id=component.id, disposition="firewall",
                                           reason="", decided_by="seed"))
                component.name = found["firewalled component"] = sentinel("firewalled")
            else:
                component.name = found[f"component {component.key}"] = sentinel(
                    f"component{component.key.replace('-', '')}")
        for number, disclosure in enumerate(db.execute(select(Disclosure).where(
                Disclosure.engagement_id == engagement.id)).scalars()):
            disclosure.title = found[f"disclosure title {number}"] = sentinel(f"title{number}")
            disclosure.reviewer_notes = found[f"reviewer notes {number}"] = sentinel(
                f"reviewer{number}")
        for person in db.execute(select(Person).where(Person.key == "chen-wei")).scalars():
            person.name = found["vendor contact"] = sentinel("contact")
    for other in ("tamsui-embedded", "gd-battery-lab"):
        name = found[f"other vendor {other}"] = sentinel(f"other{other.replace('-', '')}")
        svc.update_vendor(store, other, svc.VendorChanges(name=name, notes=sentinel(
            f"othernotes{other.replace('-', '')}")), actor="seed")
    found["vendor notes"] = sentinel("vendornotes")
    found["competitor"] = sentinel("competitor")
    svc.update_vendor(store, TARGET, svc.VendorChanges(
        notes=found["vendor notes"], competitors=[found["competitor"], "VoltCore Mobility"]),
        actor="seed")
    found["actor"] = sentinel("actor")
    for number, item in enumerate(("nnn-non-use", "joint-ip-ownership", "tooling")):
        update = svc.ItemUpdate(
            status="done",
            evidence=(evidence := sentinel(f"evidence{number}")),
            internal_note=(note := sentinel(f"internalnote{number}")),
            who=(who := sentinel(f"who{number}")),
        )
        found[f"evidence {item}"], found[f"note {item}"], found[f"who {item}"] = (
            evidence, note, who)
        svc.update_item(store, BMS, TARGET, item, update, actor=found["actor"], today=TODAY)
    found["reason"] = sentinel("reason")
    svc.update_item(store, BMS, TARGET, "licensing-incentives",
                    svc.ItemUpdate(status="not-applicable", reason=found["reason"],
                                   internal_note=sentinel("nanote")),
                    actor=found["actor"], today=TODAY)
    found["na note"] = sentinel("nanote")
    found.update(seed_risk_sentinels(store))
    return found


def seed_risk_sentinels(store: Store) -> dict[str, str]:
    """A sentinel in every internal field of the outsourcing-risk analysis: score reasons and
    assessor, a decision's reason and who made it, a critical set's key, name and note,
    safeguard evidence and reasons (a checklist term and one recorded on its own), and
    design-tactic evidence and reasons."""
    found: dict[str, str] = {}
    names = ("value add reason", "differentiation reason", "reverse engineering reason",
             "assessor")
    for name in names:
        found[name] = sentinel(name.replace(" ", ""))
    risk.rescore_component(store, BMS, "afe-board", risk.ScoreChange(
        value_add=4, value_add_reason=found["value add reason"],
        differentiation=4, differentiation_reason=found["differentiation reason"],
        reverse_engineering_difficulty=3,
        reverse_engineering_difficulty_reason=found["reverse engineering reason"],
        assessor=found["assessor"]), actor="seed", today=TODAY)
    found["decision reason"] = sentinel("decisionreason")
    found["decided by"] = sentinel("decidedby")
    risk.decide(store, BMS, "eol-station", "outsource-with-safeguards",
                reason=found["decision reason"], decided_by=found["decided by"], actor="seed",
                today=TODAY)
    found["critical set key"] = sentinel("setkey").lower()
    found["critical set name"] = sentinel("setname")
    found["critical set note"] = sentinel("setnote")
    risk_sets.create_critical_set(
        store, BMS, found["critical set key"], name=found["critical set name"],
        members=["afe-board", "bms-firmware", "eol-station"], note=found["critical set note"],
        actor="seed")
    for kind, name in (("premium-rate", "premium rate evidence"),
                       ("exclusivity", "exclusivity evidence")):
        found[name] = sentinel(name.replace(" ", ""))
        risk_safeguards.record_safeguard(
            store, BMS, TARGET, kind, ActionUpdate("done", evidence=found[name]), actor="seed",
            today=TODAY)
    found["safeguard reason"] = sentinel("safeguardreason")
    risk_safeguards.record_safeguard(
        store, BMS, "tamsui-embedded", "premium-rate",
        ActionUpdate("not-applicable", reason=found["safeguard reason"]), actor="seed",
        today=TODAY)
    risk.assign(store, BMS, "soc-estimator", TARGET, actor="seed", pinned=True)
    found["tactic evidence"] = sentinel("tacticevidence")
    found["tactic reason"] = sentinel("tacticreason")
    risk_safeguards.record_tactic(
        store, BMS, "soc-estimator", TARGET, "tracer",
        ActionUpdate("done", evidence=found["tactic evidence"]), actor="seed", today=TODAY)
    risk_safeguards.record_tactic(
        store, BMS, "soc-estimator", TARGET, "onshore-servers",
        ActionUpdate("not-applicable", reason=found["tactic reason"]), actor="seed",
        today=TODAY)
    return found


RISK_FIELDS = ("value add reason", "differentiation reason", "reverse engineering reason",
               "assessor", "decision reason", "decided by", "critical set key",
               "critical set name", "critical set note", "premium rate evidence",
               "exclusivity evidence", "safeguard reason", "tactic evidence", "tactic reason")


def zip_text(data: bytes) -> dict[str, str]:
    """Every entry of a DOCX zip, decoded (each is XML or a relationship list)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def leaks(parts: dict[str, str], sentinels: dict[str, str]) -> list[str]:
    return [f"{field} in {part}" for part, text in parts.items()
            for field, value in sentinels.items() if value in text]


def test_the_vendor_docx_and_markdown_leak_no_internal_field(store: Store) -> None:
    sentinels = seed_sentinels(store)
    # Other identifying values that are real data, not sentinels: they must not leak either.
    sentinels["engagement key"] = BMS
    sentinels["other competitor"] = "VoltCore Mobility"
    sentinels["vendor key"] = TARGET
    document = svc.vendor_checklist_document(store, BMS, TARGET, actor="tester", today=TODAY)
    data = render_checklist(document, "docx")
    parts = zip_text(data)
    # Every kind of part is present and scanned, not only the body.
    assert {"word/document.xml", "docProps/core.xml", "docProps/app.xml",
            "[Content_Types].xml"} <= set(parts)
    assert any(name.startswith("word/header") for name in parts)
    assert any(name.startswith("word/footer") for name in parts)
    assert leaks(parts, sentinels) == []
    markdown = render_checklist(document, "md").decode("utf-8")
    assert leaks({"markdown": markdown}, sentinels) == []
    # The scan sees text that is there: the vendor's own name and the terms.
    body = parts["word/document.xml"]
    assert "Shenzhen Huaxin Precision Electronics Co., Ltd." in body
    assert "NNN - non-use" in body
    # The term ruled out (not applicable) is not put to the vendor.
    assert "Licensing incentives" not in body and "Licensing incentives" not in markdown
    # The vendor's document canary is in the text, the footer, the properties and the Markdown.
    canary = document.canary
    assert canary and f"Document reference: {canary}" in body
    assert any(canary in text for name, text in parts.items() if name.startswith("word/footer"))
    assert docx.Document(io.BytesIO(data)).core_properties.identifier == canary
    assert f"Document reference: `{canary}`" in markdown


def test_the_canary_is_the_only_vendor_specific_thing_added(store: Store) -> None:
    """Two vendors alike in all the document may show (name, kind, country, no competitor)
    get documents that differ in their canaries and in nothing else, byte for byte."""
    import_samples(store)
    twins = ("twin-east", "twin-west")
    for key in twins:
        svc.create_vendor(store, key=key, name="Twin Assembly Ltd.", kind="contract-manufacturer",
                          country="CN", actor="seed")
        svc.attach_vendor(store, BMS, key, actor="seed")
    documents = [svc.vendor_checklist_document(store, BMS, key, actor="tester", today=TODAY)
                 for key in twins]
    codes = [d.canary for d in documents]
    assert all(codes) and codes[0] != codes[1]
    for fmt in ("docx", "md"):
        rendered = [render_checklist(d, fmt) for d in documents]
        parts = [zip_text(data) if fmt == "docx" else {"markdown": data.decode()}
                 for data in rendered]
        for own, code in zip(parts, codes, strict=True):
            assert any(code in text for text in own.values())
        masked = [{name: text.replace(code, "CANARY") for name, text in own.items()}
                  for own, code in zip(parts, codes, strict=True)]
        assert masked[0] == masked[1], fmt
    # Each canary, looked up, names its own vendor.
    found = [lookup_code(store, code) for code in codes]
    assert [(f.authentic, f.tracer.vendor if f.tracer else "") for f in found] == [
        (True, "twin-east"), (True, "twin-west")]


def test_every_risk_sentinel_is_recorded_where_the_internal_analysis_reads_it(
    store: Store,
) -> None:
    # The scan above looks for these; here they are shown to be in the data it was made from.
    sentinels = seed_sentinels(store)
    recorded = repr(risk.risk_inputs(store, BMS))
    picture = json.dumps(risk.assessment(store, BMS).as_json(), ensure_ascii=False)
    for field in RISK_FIELDS:
        assert sentinels[field] in recorded, field
        assert sentinels[field] in picture or field == "critical set note", field


def test_the_internal_docx_carries_the_same_sentinels(store: Store) -> None:
    sentinels = seed_sentinels(store)
    document = svc.internal_checklist_document(store, BMS, TARGET, actor="maria", today=TODAY)
    text = "\n".join(zip_text(render_checklist(document, "docx")).values())
    for field in ("vendor notes", "competitor", "evidence tooling", "note nnn-non-use",
                  "who joint-ip-ownership", "reason", "engagement name"):
        assert sentinels[field] in text, field


def test_the_risk_report_is_internal_only(store: Store, tmp_path: Path) -> None:
    """The risk report holds what the vendor's checklist must not (what each vendor sees, the
    in-house components, the evidence of safeguards): it is written for the internal audience
    only, says so in its name, and cannot be asked for in a vendor version."""
    import inspect

    from firstfile.services import exports

    sentinels = seed_sentinels(store)
    assert "audience" not in inspect.signature(exports.export_risk).parameters
    [path] = exports.export_risk(store, BMS, tmp_path, actor="maria", today=TODAY)
    assert path.name == f"{BMS}-risk-report-internal.docx"
    parts = zip_text(path.read_bytes())
    text = "\n".join(parts.values())
    assert "CONFIDENTIAL - INTERNAL" in parts["word/document.xml"]
    for field in ("engagement name", "firewalled component", "decision reason",
                  "premium rate evidence", "exclusivity evidence", "critical set name"):
        assert sentinels[field] in text, field


def test_the_vendor_file_name_does_not_name_the_engagement(store: Store, tmp_path: Path) -> None:
    import_samples(store)
    document = svc.vendor_checklist_document(store, BMS, TARGET, actor="tester", today=TODAY)
    path = export_checklist(document, tmp_path, engagement_key=BMS, vendor_key=TARGET)
    assert path.name == "huaxin-pcba-agreement-terms.docx"
    assert BMS not in path.name


def test_an_organisation_base_with_properties_leaks_none_of_them(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    import_samples(sqlite_store)
    templates = tmp_path / "templates"
    base = templates / "disclosure" / "base.docx"
    base.parent.mkdir(parents=True)
    base.write_bytes(_base_with_properties(sentinel("custom"), sentinel("company")))
    document = svc.vendor_checklist_document(sqlite_store, BMS, TARGET, actor="tester", today=TODAY)
    data = render_checklist(document, "docx", templates_dir=templates)
    parts = zip_text(data)
    assert leaks(parts, {"custom": sentinel("custom"), "company": sentinel("company")}) == []
    assert "docProps/custom.xml" not in parts
    reopened = docx.Document(io.BytesIO(data))
    props = reopened.core_properties
    assert (props.title, props.subject, props.author, props.comments, props.keywords,
            props.last_modified_by, props.category) == (
        "Terms to be agreed", "Agreement terms", "", "", "", "", "")
    # The internal version made from the same base keeps its own marking, and opens.
    internal = svc.internal_checklist_document(sqlite_store, BMS, TARGET, actor="m", today=TODAY)
    docx.Document(io.BytesIO(render_checklist(internal, "docx", templates_dir=templates)))


def test_a_vendor_wording_template_cannot_reach_internal_fields(
    sqlite_store: Store, tmp_path: Path,
) -> None:
    import_samples(sqlite_store)
    own = tmp_path / "templates" / "checklists" / "wording"
    own.mkdir(parents=True)
    shipped = (shipped_templates() / "checklists" / "wording" / "vendor.j2").read_text()
    (own / "vendor.j2").write_text(
        shipped + '{% set title = "Terms for " ~ document.engagement_name %}\n')
    document = svc.vendor_checklist_document(sqlite_store, BMS, TARGET, actor="tester", today=TODAY)
    with pytest.raises(ExportError, match="vendor.j2"):
        render_checklist(document, "docx", templates_dir=tmp_path / "templates")


def _base_with_properties(custom_value: str, company: str) -> bytes:
    """The shipped base with custom properties and a Company, as an organisation's might be."""
    source = (shipped_templates() / "disclosure" / "base.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            data = old.read(name).decode("utf-8")
            if name == "[Content_Types].xml":
                data = data.replace("</Types>", (
                    '<Override PartName="/docProps/custom.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>'))
            elif name == "_rels/.rels":
                data = data.replace("</Relationships>", (
                    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/custom-properties" '
                    'Target="docProps/custom.xml"/></Relationships>'))
            elif name == "docProps/app.xml":
                data = data.replace("</Properties>", f"<Company>{company}</Company></Properties>")
            new.writestr(name, data)
        new.writestr("docProps/custom.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
            'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
            'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="'
            '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Project"><vt:lpwstr>'
            f"{custom_value}</vt:lpwstr></property></Properties>"))
    return out.getvalue()


def override_guidance(templates: Path) -> dict[str, str]:
    """The shipped checklist items, each with a sentinel for its guidance, written as the
    user's own agreement.yaml; the sentinels by item."""
    found: dict[str, str] = {}
    items = []
    for item in load_items([]).items:
        found[f"guidance {item.id}"] = sentinel(f"guidance{item.id.replace('-', '')}")
        when = {name: value for name, value in (
            ("countries", list(item.when.countries)),
            ("not_countries", list(item.when.not_countries)),
            ("kinds", list(item.when.kinds)),
            ("serves_competitor", item.when.serves_competitor)) if value not in ([], None)}
        entry = {"id": item.id, "title": item.title, "critical": item.critical,
                 "tags": list(item.tags), "guidance": found[f"guidance {item.id}"]}
        if item.term:
            entry["term"] = item.term
        if when:
            entry["when"] = when
        items.append(entry)
    folder = templates / "checklists"
    folder.mkdir(parents=True)
    (folder / "agreement.yaml").write_text(yaml.safe_dump(
        {"checklist": "agreement", "title": "Agreement checklist", "items": items},
        allow_unicode=True, sort_keys=False), encoding="utf-8")
    return found


def test_guidance_from_an_overriding_items_file_stays_out_of_the_vendor_version(
    store: Store, tmp_path: Path,
) -> None:
    sentinels = seed_sentinels(store)
    templates = tmp_path / "templates"
    guidance = override_guidance(templates)
    sentinels.update(guidance)
    document = svc.vendor_checklist_document(store, BMS, TARGET, actor="tester",
                                             templates_dir=templates, today=TODAY)
    assert document.terms  # the terms are there, only the guidance is not
    parts = zip_text(render_checklist(document, "docx", templates_dir=templates))
    assert leaks(parts, sentinels) == []
    markdown = render_checklist(document, "md", templates_dir=templates).decode("utf-8")
    assert leaks({"markdown": markdown}, sentinels) == []
    # The override is the file in use: the internal version shows its guidance.
    internal = svc.internal_checklist_document(store, BMS, TARGET, actor="maria",
                                               templates_dir=templates, today=TODAY)
    text = "\n".join(zip_text(render_checklist(internal, "docx", templates_dir=templates))
                     .values())
    shown = [field for field, value in guidance.items() if value in text]
    assert "guidance nnn-non-use" in shown and len(shown) >= len(document.terms)
