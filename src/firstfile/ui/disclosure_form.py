"""The disclosure editor's form as plain data: which fields, in which sections, and how a
draft becomes the form's raw text and back.

What is on screen is kept as a plain "form" dict (field name -> raw text), so the autosave
buffer can hold exactly what was typed, including a half-typed or impossible date. No
widgets here: the conversions are tested without a screen.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry, Problem
from firstfile.domain.vocabulary import PHASES
from firstfile.domain.workflow import status_label

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# (field name, label, kind). Kinds: line (Input), text (TextArea), date (Input, YYYY-MM-DD),
# engagement / phase / status (Select), yesno (Select: no, yes), tristate (unknown, yes, no).
SECTIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Summary",
        (
            ("title", "Title", "line"),
            ("summary", "Summary (one paragraph)", "text"),
            ("engagement_key", "Engagement", "engagement"),
            ("phase", "Phase", "phase"),
            ("status", "Status", "status"),
            ("submitter", "Submitter", "line"),
            ("business_unit", "Business unit", "line"),
        ),
    ),
    ("People", ()),
    (
        "Invention",
        (
            ("problem", "Problem solved", "text"),
            ("description", "Description", "text"),
            ("variants", "Variants and alternatives", "text"),
            ("advantages", "Advantages", "text"),
            ("prior_art", "Known prior art", "text"),
        ),
    ),
    (
        "Dates & records",
        (
            ("conception_date", "Conception date", "date"),
            ("reduction_to_practice_date", "Reduced to practice", "date"),
            ("prototype_exists", "Prototype exists", "yesno"),
            ("records_location", "Where the records are", "text"),
        ),
    ),
    (
        "Exposure",
        (
            ("third_parties", "Third parties who saw it", "text"),
            ("jurisdictions", "Jurisdictions", "line"),
            ("reverse_engineerable", "Reverse engineerable", "tristate"),
            ("completed_in_china", "Completed in China", "yesno"),
            ("made_in_us", "Made (partly) in the US", "yesno"),
        ),
    ),
)
# The statuses an inventor sets in the editor; the later ones are counsel's (review queue).
EDITOR_STATUSES: tuple[str, ...] = ("draft", "submitted")
SELECT_OPTIONS: dict[str, list[tuple[str, str]]] = {
    "phase": [(p, p) for p in PHASES],
    "status": [(status_label(s), s) for s in EDITOR_STATUSES],
    "yesno": [("no", "no"), ("yes", "yes")],
    "tristate": [("unknown", ""), ("yes", "yes"), ("no", "no")],
}
FIELDS: tuple[tuple[str, str, str], ...] = tuple(f for _, group in SECTIONS for f in group)
_MESSAGE_FIELDS = {name for name, _, _ in FIELDS} | {"inventors"}
CONFLICT_FIELDS: tuple[tuple[str, str], ...] = (
    *((name, label) for name, label, _ in FIELDS),
    ("inventors", "People"),
    ("components", "Components"),
)


# --- the form: plain data, no widgets ---------------------------------------------------------


def draft_to_form(draft: DisclosureDraft) -> dict[str, Any]:
    """The editor's raw form values for a draft."""
    form: dict[str, Any] = {}
    for name, _, kind in FIELDS:
        value = getattr(draft, name)
        if kind == "date":
            form[name] = value.isoformat() if value else ""
        elif kind == "yesno":
            form[name] = "yes" if value else "no"
        elif kind == "tristate":
            form[name] = "" if value is None else ("yes" if value else "no")
        else:
            form[name] = value or ""
    form["inventors"] = [
        {
            "person": e.person_key,
            "role": e.role,
            "contribution": "" if e.contribution is None else f"{e.contribution:g}",
        }
        for e in draft.inventors
    ]
    form["components"] = list(draft.components)
    return form


def form_to_draft(form: dict[str, Any]) -> tuple[DisclosureDraft, list[Problem]]:
    """A draft from raw form values, and the problems found reading them (bad dates etc.).

    A value that cannot be read (2026-02-30) is left empty in the draft and reported as an
    error, so the record is never saved with it.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, label, kind in FIELDS:
        raw = form.get(name, "")
        raw = raw if isinstance(raw, str) else str(raw)
        if kind == "date":
            values[name] = _read_date(name, label, raw.strip(), problems)
        elif kind == "yesno":
            values[name] = raw == "yes"
        elif kind == "tristate":
            values[name] = None if raw not in ("yes", "no") else raw == "yes"
        else:
            values[name] = raw
    if not values["status"]:
        values["status"] = "draft"
    inventors: list[InventorEntry] = []
    for index, entry in enumerate(form.get("inventors", [])):
        contribution: float | None = None
        text = str(entry.get("contribution", "")).strip().rstrip("%").strip()
        if text:
            try:
                contribution = float(text)
            except ValueError:
                problems.append(
                    Problem(f"inventors[{index}].contribution", f"{text!r} is not a percentage")
                )
        inventors.append(
            InventorEntry(
                str(entry.get("person", "")), str(entry.get("role", "inventor")), contribution
            )
        )
    draft = DisclosureDraft(
        inventors=tuple(inventors),
        components=tuple(str(c) for c in form.get("components", [])),
        **values,
    )
    return draft, problems


def _read_date(name: str, label: str, raw: str, problems: list[Problem]) -> date | None:
    if not raw:
        return None
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(
            Problem(
                name, f"{raw!r} is not a date; write it as YYYY-MM-DD ({label.lower()} not saved)"
            )
        )
        return None


def message_field(problem_field: str) -> str:
    """The form field a problem belongs to: "inventors[1].role" -> "inventors"."""
    name = problem_field.split("[")[0].split(".")[0]
    return name if name in _MESSAGE_FIELDS else "form"
