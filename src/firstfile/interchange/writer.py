"""Writing an InterchangeDocument back out in the `firstfile/1` format, YAML or JSON.

What is written reads back as the same document (parse_document(dump_document(doc)) == doc):
required fields always appear, optional ones only when they differ from their default, and
long text is written as YAML literal blocks so a description stays readable in a diff.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import yaml

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.strategy_record import RecordedStrategy
from firstfile.domain.tracers import Tracer
from firstfile.domain.views import EventView
from firstfile.interchange import schema
from firstfile.interchange.document import (
    FORMAT_NAME,
    ActionDoc,
    ComponentDoc,
    CriticalSetDoc,
    DisclosureDoc,
    EngagementDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SafeguardDoc,
    SessionDoc,
    VendorDoc,
)

# Unicode line breaks: PyYAML's emitter writes them raw in plain, single-quoted and literal
# styles, and they read back as something else (NEL becomes a space or a newline). Text
# holding one is written double-quoted, where they are escaped (\N, \L, \P).
_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")

_FLOW_LIST_MAX = 80  # a list of short names up to this many characters stays on one line


class _PyDumper(yaml.SafeDumper):
    """The safe dumper, writing key lists on one line, long text as blocks, never aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        # Never write anchors: the reader refuses them, and a date or list shared between
        # records in memory would otherwise come out as &id001 / *id001.
        return True


# libyaml's emitter writes a large engagement about seven times faster than PyYAML's own
# (20 MB: 1.7 s against 12.4 s) with the same layout, but escapes every character beyond
# U+FFFF (emoji, rarer CJK names) as \U0001F50B. Text holding one goes through PyYAML's
# emitter so it stays readable; both read back identically.
_CDumper: Any = None
if hasattr(yaml, "CSafeDumper"):

    class _CDumper(yaml.CSafeDumper):  # type: ignore[no-redef]
        ignore_aliases = _PyDumper.ignore_aliases


def _represent_text(dumper: Any, value: str) -> yaml.ScalarNode:
    if any(mark in value for mark in _ODD_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        # The emitter falls back to a quoted style by itself when a block cannot hold the
        # text exactly (trailing spaces on a line, for instance).
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


def _represent_list(dumper: Any, value: list[Any]) -> yaml.SequenceNode:
    short = all(isinstance(item, str) and "\n" not in item for item in value)
    flow = short and sum(len(item) + 2 for item in value) <= _FLOW_LIST_MAX
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_DUMPERS = [d for d in (_PyDumper, _CDumper) if d is not None]
for _dumper in _DUMPERS:
    _dumper.add_representer(str, _represent_text)
    _dumper.add_representer(list, _represent_list)


def _has_astral(value: Any) -> bool:
    """True when any text in value holds a character beyond the Basic Multilingual Plane."""
    if isinstance(value, str):
        return not value.isascii() and any(ord(char) > 0xFFFF for char in value)
    if isinstance(value, dict):
        return any(_has_astral(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_astral(item) for item in value)
    return False


def dump_document(doc: InterchangeDocument, fmt: str = "yaml") -> str:
    """The text of doc in the `firstfile/1` format; fmt is "yaml" or "json"."""
    data = document_data(doc)
    if fmt == "yaml":
        dumper = _PyDumper if _CDumper is None or _has_astral(data) else _CDumper
        text: str = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True,
                              width=100, default_flow_style=False)
        return text
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")


def document_data(doc: InterchangeDocument) -> dict[str, Any]:
    """doc as plain dicts and lists in the file's key order, ready for any serialiser."""
    data: dict[str, Any] = {"format": FORMAT_NAME, "engagement": _engagement(doc.engagement)}
    sections: dict[str, Any] = {
        "vendors": [_vendor(v) for v in doc.vendors],
        "people": [_person(p) for p in doc.people],
        "components": [_component(c) for c in doc.components],
        "critical_sets": [_critical_set(s) for s in doc.critical_sets],
        "sessions": [_session(s) for s in doc.sessions],
        "disclosures": [_disclosure(d) for d in doc.disclosures],
        # Written whenever the document has it, even empty: an empty `strategy: {}` says the
        # engagement has no inputs, where a missing one says nothing about them.
        "strategy": _strategy(doc.strategy) if doc.strategy is not None else None,
        "tracers": [_tracer(t) for t in doc.tracers],
    }
    for name in schema.TOP[1]:
        if sections[name] not in ([], None):
            data[name] = sections[name]
    return data


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _fields(required: dict[str, Any], optional: dict[str, Any],
            defaults: dict[str, Any]) -> dict[str, Any]:
    """Required fields, then the optional ones that differ from their default."""
    data = dict(required)
    for name, value in optional.items():
        if value != defaults.get(name, "") and value not in ((), None):
            data[name] = list(value) if isinstance(value, tuple) else value
    return data


def _engagement(e: EngagementDoc) -> dict[str, Any]:
    # product and phase are always written: they are what a reader looks for first. The
    # vendor-facing name only when set, so files of engagements without one read as before.
    data = {"key": e.key, "name": e.name, "product": e.product, "phase": e.phase}
    if e.vendor_facing_name:
        data["vendor_facing_name"] = e.vendor_facing_name
    return data


def _vendor(v: VendorDoc) -> dict[str, Any]:
    data = _fields({"key": v.key, "name": v.name, "kind": v.kind, "country": v.country},
                   {"competitors": v.competitors, "nda_signed_on": v.nda_signed_on,
                    "nda_expires_on": v.nda_expires_on}, {})
    if v.safeguards:
        data["safeguards"] = [_safeguard(s) for s in v.safeguards]
    return data


def _safeguard(s: SafeguardDoc) -> dict[str, Any]:
    return _fields({"kind": s.kind, "status": s.status},
                   {"date": s.date, "evidence": s.evidence, "reason": s.reason, "who": s.who},
                   {})


def _person(p: PersonDoc) -> dict[str, Any]:
    return _fields({"key": p.key, "name": p.name},
                   {"email": p.email, "organization": p.organization},
                   {"organization": "internal"})


def _component(c: ComponentDoc) -> dict[str, Any]:
    data: dict[str, Any] = {"key": c.key, "name": c.name}
    if c.kind:
        data["kind"] = c.kind
    if c.parent:
        data["parent"] = c.parent
    data["value_add"] = c.value_add
    data["differentiation"] = c.differentiation
    data["reverse_engineering_difficulty"] = c.reverse_engineering_difficulty
    rationale = _fields({}, {"value_add": c.value_add_reason,
                             "differentiation": c.differentiation_reason,
                             "reverse_engineering_difficulty":
                                 c.reverse_engineering_difficulty_reason}, {})
    if rationale:
        data["rationale"] = rationale
    data.update(_fields({}, {"assessor": c.assessor, "assessed_on": c.assessed_on}, {}))
    if c.decision is not None:
        d = c.decision
        data["decision"] = _fields({"disposition": d.disposition},
                                   {"reason": d.reason, "decided_by": d.decided_by,
                                    "decided_on": d.decided_on}, {})
    if c.vendors:
        data["vendors"] = list(c.vendors)
    if c.pinned:
        data["pinned"] = list(c.pinned)
    if c.actions:
        data["actions"] = [_action(a) for a in c.actions]
    return data


def _action(a: ActionDoc) -> dict[str, Any]:
    return _fields({"vendor": a.vendor, "tactic": a.tactic, "status": a.status},
                   {"date": a.date, "evidence": a.evidence, "reason": a.reason, "who": a.who},
                   {})


def _critical_set(s: CriticalSetDoc) -> dict[str, Any]:
    return _fields({"key": s.key, "name": s.name, "members": list(s.members)},
                   {"reveals": s.reveals, "note": s.note}, {})


def _session(s: SessionDoc) -> dict[str, Any]:
    data = _fields(
        {"key": s.key, "title": s.title, "phase": s.phase, "date": s.date,
         "facilitator": s.facilitator},
        {"goal": s.goal, "participants": s.participants, "components": s.components,
         "decks": s.decks, "time_box_minutes": s.time_box_minutes,
         "prompt_minutes": s.prompt_minutes, "dots_per_participant": s.dots_per_participant},
        {"time_box_minutes": schema.TIME_BOX_MINUTES[2],
         "prompt_minutes": schema.PROMPT_MINUTES[2],
         "dots_per_participant": schema.DOTS_PER_PARTICIPANT[2]},
    )
    if s.ideas:
        data["ideas"] = [_idea(i) for i in s.ideas]
    if s.sittings:
        # ISO 8601 text in UTC: YAML and JSON read it back the same, to the microsecond.
        data["sittings"] = [
            {"started_at": x.started_at.isoformat(),
             **({"ended_at": x.ended_at.isoformat()} if x.ended_at else {})}
            for x in s.sittings]
    return data


def _idea(i: IdeaDoc) -> dict[str, Any]:
    # One author is written `author: KEY`, as files always had it; several are written as
    # the one list `authors`, the first author first, so nothing is said twice.
    named = {"author": i.author} if len(i.authors) <= 1 else {"authors": list(i.authors)}
    return _fields({"text": i.text, **named},
                   {"prompt": i.prompt, "component": i.component, "votes": i.votes,
                    "status": i.status, "merged_into": i.merged_into},
                   {"votes": 0, "status": "open"})


def _disclosure(d: DisclosureDoc) -> dict[str, Any]:
    draft: DisclosureDraft = d.draft
    data: dict[str, Any] = {}
    if d.key is not None:
        data["key"] = d.key
    data["title"] = draft.title
    data.update(_fields(
        {},
        {
            "summary": draft.summary,
            "problem": draft.problem,
            "description": draft.description,
            "variants": draft.variants,
            "advantages": draft.advantages,
            "prior_art": draft.prior_art,
            "conception_date": draft.conception_date,
            "reduction_to_practice_date": draft.reduction_to_practice_date,
            "phase": draft.phase,
        },
        {},
    ))
    data["status"] = draft.status
    if d.submitted_on is not None:
        data["submitted_on"] = d.submitted_on
    data.update(_fields(
        {},
        {
            "submitter": draft.submitter,
            "business_unit": draft.business_unit,
            "prototype_exists": draft.prototype_exists,
            "records_location": draft.records_location,
            "third_parties": draft.third_parties,
            "jurisdictions": draft.jurisdictions,
            "reverse_engineerable": draft.reverse_engineerable,
            "completed_in_china": draft.completed_in_china,
            "made_in_us": draft.made_in_us,
        },
        {"prototype_exists": False, "completed_in_china": False, "made_in_us": False},
    ))
    if draft.inventors:
        data["inventors"] = [_inventor(i) for i in draft.inventors]
    if d.events:
        data["events"] = [_event(e) for e in d.events]
    if draft.components:
        data["components"] = list(draft.components)
    if d.attachments:
        data["attachments"] = [
            _fields({"path": a.path}, {"name": a.name, "caption": a.caption,
                                       "sha256": a.sha256}, {})
            for a in d.attachments
        ]
    return data


def _inventor(i: InventorEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"person": i.person_key, "role": i.role}
    if i.contribution is not None:
        # 60.0 is written 60: people write whole percentages, and both read back as 60.0.
        whole = i.contribution.is_integer()
        data["contribution"] = int(i.contribution) if whole else i.contribution
    data.update(_fields({}, {"contribution_note": i.contribution_note,
                             "employer_entity": i.employer_entity,
                             "citizenship": i.citizenship,
                             "postal_address": i.postal_address}, {}))
    return data


def _event(e: EventView) -> dict[str, Any]:
    return _fields({"kind": e.kind, "date": e.date},
                   {"jurisdiction": e.jurisdiction, "reference": e.reference, "note": e.note,
                    "claims_priority_of": e.claims_priority_of, "restored": e.restored},
                   {"restored": False})


def _strategy(s: RecordedStrategy) -> dict[str, Any]:
    # Amounts that are whole are written whole (1200000, not 1200000.0); both read back alike.
    return _fields(
        {},
        {
            "annual_revenue": _number(s.annual_revenue) or None,
            "currency": s.currency,
            "horizon_years": s.horizon_years,
            "budget": _number(s.budget) if s.budget is not None else None,
            "markets": [{"code": m.code, "revenue_share": _number(m.revenue_share)}
                        for m in s.markets],
            "competitors": [{"code": c.code, "competitor": c.competitor}
                            for c in s.competitors],
            "cost_indexes": [{"code": c.code, "cost_index": _number(c.cost_index),
                              "source": c.source} for c in s.cost_indexes],
        },
        {"horizon_years": schema.HORIZON_YEARS[2], "markets": [], "competitors": [],
         "cost_indexes": []},
    )


def _tracer(t: Tracer) -> dict[str, Any]:
    return {"kind": t.kind, "component": t.component, "vendor": t.vendor,
            "issued_on": t.issued_on, "code": t.code}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
