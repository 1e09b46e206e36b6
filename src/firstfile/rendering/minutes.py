"""The minutes of an extraction session, as a Word document (python-docx) and as Markdown.

The minutes are evidence: who was in the room (and which of them work for a vendor, since
their contributions may make an invention joint), which prompts were walked, every idea with
its authors, dots and status, and the disclosures the room promoted. The words come from
`minutes/wording.j2` (the user's template folder first, then the shipped one); the Markdown
layout from `minutes/minutes.md.j2`. User text only ever reaches a template as a value: it is
cleaned of XML-unstorable characters first and, for Markdown, escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2

from firstfile.domain.prompts import Prompt
from firstfile.domain.sessions import MERGED, PROMOTED, IdeaView, SessionView, held_seconds
from firstfile.domain.text import clean_line, clean_prose
from firstfile.rendering.safe_files import ExportError, atomic_write_bytes, output_path
from firstfile.rendering.wording import (
    owned_names,
    render_template,
    template_environment,
    template_errors,
)

WORDING = "minutes/wording.j2"
MARKDOWN = "minutes/minutes.md.j2"
FORMATS: tuple[str, ...] = ("docx", "md")

# Column shares of the text width in the ideas and attendance tables.
# Wide enough that no header word breaks ("Component", "Dots") even in the wider font
# LibreOffice puts in place of a missing Calibri (DejaVu Sans Bold, about 0.27 cm a letter).
_IDEA_COLUMNS = (0.05, 0.29, 0.14, 0.12, 0.17, 0.09, 0.14)
_ATTENDANCE_COLUMNS = (0.35, 0.45, 0.2)
_TEXT_WIDTH_CM = 17.0


@dataclass(frozen=True, slots=True)
class Minutes:
    """What the minutes show: the session and the prompts it walked, in walking order."""

    session: SessionView
    prompts: tuple[Prompt, ...] = ()
    organization: str = ""  # our organisation's name, which the marking names


def minutes_for(view: SessionView, walked: Iterable[Prompt], *,
                organization: str = "") -> Minutes:
    """The minutes of view: the prompts up to the one the room reached, and any other prompt
    an idea answered, in the session's walking order."""
    walked = list(walked)
    answered = {idea.prompt_id for idea in view.ideas if idea.prompt_id}
    reached = view.current_prompt if view.status != "planned" or view.ideas else -1
    used = [p for index, p in enumerate(walked) if index <= reached or p.id in answered]
    return Minutes(session=view, prompts=tuple(used), organization=organization)


def minutes_stem(view: SessionView) -> str:
    """The file name (without suffix): from the keys only, never from the title."""
    return f"minutes-{view.engagement_key}-{view.key}"


def export_minutes(
    minutes: Minutes, out_dir: Path, fmt: str = "docx", *, templates_dir: Path | None = None
) -> Path:
    """Write `<out_dir>/minutes-<ENGAGEMENT>-<SESSION>.docx` (or .md), atomically; its path."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use --format docx or md")
    path = output_path(out_dir, minutes_stem(minutes.session), fmt)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the output folder {out_dir} ({error.strerror}); "
                          "choose another folder") from None
    if fmt == "docx":
        data = render_minutes_docx(minutes, templates_dir=templates_dir)
    else:
        data = render_minutes_markdown(minutes, templates_dir=templates_dir).encode("utf-8")
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise ExportError(f"cannot write {path} ({error.strerror}); check the folder's "
                          "permissions and free space") from None
    return path


# --- the values both formats show ----------------------------------------------------------


def load_wording(templates_dir: Path | None = None, organization: str = "") -> dict[str, Any]:
    """The names minutes/wording.j2 sets (an ExportError names any template mistake), its
    markings naming organization (rendering/wording.owned_marking)."""
    env = template_environment(templates_dir)
    with template_errors(WORDING):
        module = env.get_template(WORDING).make_module({})
    names = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    for key, value in names.items():
        if isinstance(value, jinja2.Undefined):
            raise ExportError(f"the template {WORDING} sets {key!r} from something undefined; "
                              "fix it")
    return owned_names(names, organization)


def _word(w: Mapping[str, Any], name: str) -> Any:
    try:
        return w[name]
    except KeyError:
        raise ExportError(f'the wording template {WORDING} does not set {name!r}; add '
                          f'`{{% set {name} = "..." %}}` to it (see the shipped file)') from None


def marking(w: Mapping[str, Any], vendor_present: bool) -> str:
    """The confidentiality marking: privileged only when no vendor staff attended."""
    return str(_word(w, "marking_vendor_present" if vendor_present else "marking"))


def _label(w: Mapping[str, Any], table: str, value: str) -> str:
    names = _word(w, table)
    return str(names.get(value, value)) if isinstance(names, Mapping) else value


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    organisation: str
    flag: str


@dataclass(frozen=True, slots=True)
class _Idea:
    number: int
    text: str
    authors: str
    prompt: str
    component: str
    votes: int
    status: str


def _values(minutes: Minutes, w: Mapping[str, Any]) -> dict[str, Any]:
    """Every value shown, as cleaned plain strings; formats escape them as they need."""
    s = minutes.session
    names = {p.key: clean_line(p.name) for p in s.participants}
    attendance = [
        _Person(name=f"{clean_line(p.name)} ({p.key})",
                organisation=clean_line(p.organization_name or p.organization)
                if p.is_vendor else str(_word(w, "own_staff")),
                flag=str(_word(w, "vendor_flag")) if p.is_vendor else "")
        for p in s.participants
    ]
    numbers = {i.id: i.number for i in s.ideas}
    # Components and prompts by name: a reader of the minutes knows "Power stage", not
    # PWR-1, and "Substitute", not scamper-s.
    components = {key: clean_line(name) or key for key, name, _kind in s.engagement_components}
    prompt_titles = {p.id: clean_line(p.title) or p.id for p in minutes.prompts}
    return {
        "title": clean_line(s.title),
        "engagement": f"{clean_line(s.engagement_name)} ({s.engagement_key})",
        "ref": s.ref,
        "phase": _label(w, "phases", s.phase),
        "date": s.held_on.isoformat() if s.held_on else str(_word(w, "not_given")),
        "facilitator": f"{clean_line(s.facilitator_name)} ({s.facilitator})"
        if s.facilitator else str(_word(w, "not_given")),
        "time_box": f"{s.time_box_minutes} {_word(w, 'minutes')}",
        "held": _held(s, w),
        "goal": clean_prose(s.goal) or str(_word(w, "not_given")),
        "attendance": attendance,
        "vendor_present": any(p.is_vendor for p in s.participants),
        "prompts": [{"id": p.id, "title": clean_line(p.title)} for p in minutes.prompts],
        "ideas": [_idea(i, names, numbers, components, prompt_titles, w) for i in s.ideas],
        "promoted": [
            {"number": i.number, "key": i.promoted_key,
             "title": clean_prose(i.text).split("\n")[0].strip()}
            for i in s.ideas if i.status == PROMOTED and i.promoted_key
        ],
    }


def _held(s: SessionView, w: Mapping[str, Any]) -> str:
    """When the room met: the one sitting's start and end, or each sitting numbered and the
    total held time (a session reopened after it ended has several)."""
    if not s.sittings:
        return _span(s.started_at, s.ended_at) if s.started_at else ""
    if len(s.sittings) == 1:
        return _span(s.sittings[0].started_at, s.sittings[0].ended_at)
    # Wording files written before sittings existed lack these two words: defaults, not an
    # error, so an organisation's own wording keeps working.
    sitting, total = w.get("sitting", "sitting"), w.get("held_total", "in all")
    spans = [f"{sitting} {x.number}: {_span(x.started_at, x.ended_at)}" for x in s.sittings]
    if all(x.ended_at is not None for x in s.sittings):
        minutes = round(held_seconds(s.sittings, s.sittings[-1].started_at) / 60)
        spans.append(f"{minutes} {_word(w, 'minutes')} {total}")
    return "; ".join(spans)


def _span(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return ""
    shown = start.strftime("%Y-%m-%d %H:%M UTC")
    if end is None:
        return shown
    same_day = end.date() == start.date()
    return f"{shown} – {end.strftime('%H:%M UTC' if same_day else '%Y-%m-%d %H:%M UTC')}"


def _idea(i: IdeaView, names: Mapping[str, str], numbers: Mapping[int, int],
          components: Mapping[str, str], prompts: Mapping[str, str],
          w: Mapping[str, Any]) -> _Idea:
    status = _label(w, "statuses", i.status)
    if i.status == MERGED and i.merged_into is not None and i.merged_into in numbers:
        status = f"{status} ({_word(w, 'merged_into')}{numbers[i.merged_into]})"
    if i.status == PROMOTED and i.promoted_key:
        status = f"{status}: {i.promoted_key}"
    return _Idea(
        number=i.number, text=clean_prose(i.text),
        authors=", ".join(names.get(key, key) for key in i.authors),
        prompt=prompts.get(i.prompt_id, clean_line(i.prompt_id)),
        component=components.get(i.component, clean_line(i.component)), votes=i.votes,
        status=status,
    )


# --- Markdown ------------------------------------------------------------------------------


def render_minutes_markdown(minutes: Minutes, *, templates_dir: Path | None = None) -> str:
    """The minutes as Markdown text."""
    # Imported here so that importing this module stays cheap for the TUI.
    from firstfile.rendering.disclosure_markdown import md_inline, md_text
    from firstfile.rendering.disclosure_values import paragraphs, table_cell

    # The organisation's name is user text inside the wording: escaped like any other.
    w = load_wording(templates_dir, md_inline(minutes.organization))
    v = _values(minutes, w)

    def cell(text: str) -> str:
        return table_cell(md_text(text))

    s = {
        **{k: md_inline(v[k]) for k in ("title", "engagement", "ref", "phase", "date",
                                        "facilitator", "time_box", "held")},
        "goal": paragraphs(md_text(v["goal"])),
        "attendance": [_Person(cell(p.name), cell(p.organisation), p.flag)
                       for p in v["attendance"]],
        "vendor_present": v["vendor_present"],
        "prompts": [{"id": p["id"].replace("`", ""), "title": md_inline(p["title"])}
                    for p in v["prompts"]],
        "ideas": [_Idea(i.number, cell(i.text), cell(i.authors), cell(i.prompt),
                        cell(i.component), i.votes, cell(i.status)) for i in v["ideas"]],
        "promoted": [{**p, "title": md_inline(p["title"])} for p in v["promoted"]],
    }
    return render_template(MARKDOWN, {"w": w, "s": s}, templates_dir)


# --- Word ----------------------------------------------------------------------------------


def render_minutes_docx(minutes: Minutes, *, templates_dir: Path | None = None) -> bytes:
    """The minutes as the bytes of a .docx file, on the organisation's base document."""
    import docx
    from docx.shared import Cm

    from firstfile.rendering.disclosure_docx import base_document_path
    from firstfile.rendering.docx_errors import BROKEN_PACKAGE

    w = load_wording(templates_dir, minutes.organization)
    v = _values(minutes, w)
    base = base_document_path(templates_dir)
    try:
        document = docx.Document(str(base))
    except BROKEN_PACKAGE as error:
        raise ExportError(f"the base document {base} cannot be opened ({error}); "
                          "restore it") from None
    styles = {style.name for style in document.styles}

    def para(text: str, style: str | None = None, *, bold: bool = False) -> None:
        # One paragraph a line: values are prose already (domain/text.py), so a line is a
        # paragraph, never a break inside one.
        for line in text.split("\n"):
            paragraph = document.add_paragraph(style=style if style in styles else None)
            run = paragraph.add_run(line)
            if bold:
                run.bold = True

    def heading(text: str) -> None:
        para(text, "Heading 1")

    def table(widths: tuple[float, ...], header: list[str], rows: list[list[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(widths))
        if "Table Grid" in styles:
            grid.style = document.styles["Table Grid"]
        # Fixed widths in the grid as well as on each cell: LibreOffice reads the grid.
        grid.autofit = False
        for column, share in zip(grid.columns, widths, strict=True):
            column.width = Cm(_TEXT_WIDTH_CM * share)
        for cell, text, share in zip(grid.rows[0].cells, header, widths, strict=True):
            cell.text = text
            cell.width = Cm(_TEXT_WIDTH_CM * share)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        _repeat_header(grid.rows[0])
        for row in rows:
            cells = grid.add_row().cells
            for cell, text, share in zip(cells, row, widths, strict=True):
                cell.width = Cm(_TEXT_WIDTH_CM * share)
                lines = text.split("\n")
                cell.text = lines[0]
                for extra in lines[1:]:
                    cell.add_paragraph(extra)

    para(f"{_word(w, 'kind')}: {v['title']}", "Title")
    para(marking(w, v["vendor_present"]), "Notice", bold=True)
    facts = [(_word(w, "engagement"), v["engagement"]), (_word(w, "session"), v["ref"]),
             (_word(w, "phase"), v["phase"]), (_word(w, "date"), v["date"]),
             (_word(w, "facilitator"), v["facilitator"]), (_word(w, "time_box"), v["time_box"])]
    if v["held"]:
        facts.append((_word(w, "held"), v["held"]))
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(str(value))

    heading(str(_word(w, "goal_heading")))
    para(v["goal"])

    heading(str(_word(w, "attendance_heading")))
    para(str(_word(w, "evidence")))
    table(_ATTENDANCE_COLUMNS,
          [str(_word(w, "attendee")), str(_word(w, "organisation")), ""],
          [[p.name, p.organisation, p.flag] for p in v["attendance"]])
    if v["vendor_present"]:
        para(str(_word(w, "vendor_notice")), "Notice", bold=True)

    heading(str(_word(w, "prompts_heading")))
    if not v["prompts"]:
        para(str(_word(w, "no_prompts")))
    for p in v["prompts"]:
        para(f"{p['title']} ({p['id']})", "List Paragraph")

    heading(str(_word(w, "ideas_heading")))
    if v["ideas"]:
        table(_IDEA_COLUMNS,
              [str(_word(w, k)) for k in ("number", "idea", "authors", "prompt", "component",
                                          "votes", "status")],
              [[str(i.number), i.text, i.authors, i.prompt, i.component, str(i.votes),
                i.status] for i in v["ideas"]])
    else:
        para(str(_word(w, "no_ideas")))

    heading(str(_word(w, "promoted_heading")))
    if not v["promoted"]:
        para(str(_word(w, "no_promoted")))
    for p in v["promoted"]:
        para(f"#{p['number']} → {p['key']}  {p['title']}", "List Paragraph")

    _header_and_footer(document, w, minutes.session)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _repeat_header(row: Any) -> None:
    """Repeat the header row on every page, so a long idea table stays readable."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)


def _header_and_footer(document: Any, w: Mapping[str, Any], s: SessionView) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0] if section.header.paragraphs else \
        section.header.add_paragraph()
    header.text = f"{_word(w, 'kind')} {s.ref}"
    footer = section.footer.paragraphs[0] if section.footer.paragraphs else \
        section.footer.add_paragraph()
    footer.text = marking(w, any(p.is_vendor for p in s.participants))
    props = document.core_properties
    props.title = f"{_word(w, 'kind')} {s.ref}"[:255]
    props.subject = clean_line(s.title)[:255]
    props.keywords = s.ref[:255]
    props.author = ""
    props.comments = ""
    props.last_modified_by = ""
