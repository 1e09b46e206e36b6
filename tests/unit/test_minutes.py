"""Minutes of an extraction session: every idea, author, dot, status and promoted key."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest

from firstfile.domain.prompts import Prompt
from firstfile.domain.sessions import IdeaView, ParticipantView, SessionView, SittingView
from firstfile.rendering.minutes import (
    export_minutes,
    minutes_for,
    render_minutes_docx,
    render_minutes_markdown,
)
from firstfile.rendering.safe_files import ExportError

HOSTILE = "R&D <b>x</b> | **bold** {{ 7*7 }} [/] \x1b end"


def session() -> SessionView:
    ideas = (
        IdeaView(id=1, position=0, text="Dual-footprint regulator\nwith a firmware check",
                 authors=("wli", "rsmith"), prompt_id="scamper-s", component="bms-fw",
                 votes=4, promoted_key="FF-2026-0007", stored_status="promoted"),
        IdeaView(id=2, position=1, text="dual footprint regulator", authors=("rsmith",),
                 prompt_id="scamper-s", stored_status="parked", merged_into=1),
        IdeaView(id=3, position=2, text=HOSTILE, authors=("jdoe",), prompt_id="da-04",
                 votes=1),
        IdeaView(id=4, position=3, text="Ship in a cheaper tray", authors=("wli",),
                 stored_status="parked"),
    )
    return SessionView(
        id=9, engagement_key="ACME-2026", engagement_name="Battery module", key="pre-1",
        title="Before the RFQ", phase="pre", held_on=date(2026, 2, 10),
        goal="Anticipate what the PCBA house will improve.", facilitator="jdoe",
        facilitator_name="Jane Doe", status="ended", time_box_minutes=60, prompt_minutes=5,
        dots_per_participant=3, decks=("scamper",), current_prompt=1,
        started_at=datetime(2026, 2, 10, 9, 0, tzinfo=UTC),
        ended_at=datetime(2026, 2, 10, 10, 2, tzinfo=UTC),
        participants=(
            ParticipantView(1, "jdoe", "Jane Doe"),
            ParticipantView(2, "rsmith", "Raj Smith"),
            ParticipantView(3, "wli", "Wei Li", "sz-pcba", "Shenzhen PCBA Co."),
        ),
        ideas=ideas,
    )


PROMPTS = [Prompt("scamper-s", "scamper", "Substitute", "What would they substitute?"),
           Prompt("scamper-c", "scamper", "Combine", "What would they combine?"),
           Prompt("scamper-a", "scamper", "Adapt", "What would they adapt?"),
           Prompt("da-04", "design-around", "Move the function elsewhere", "Move it?")]


def all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    section = document.sections[0]
    parts.extend(p.text for p in section.header.paragraphs)
    parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def test_prompts_used_are_those_reached_and_those_answered() -> None:
    minutes = minutes_for(session(), PROMPTS)
    assert [p.id for p in minutes.prompts] == ["scamper-s", "scamper-c", "da-04"]


def test_docx_reopens_with_every_idea_author_and_promoted_key(tmp_path: Path) -> None:
    path = export_minutes(minutes_for(session(), PROMPTS), tmp_path, "docx")
    assert path.name == "minutes-ACME-2026-pre-1.docx"
    document = docx.Document(str(path))
    text = all_text(document)
    for idea in session().ideas:
        for line in idea.text.replace("\x1b", "\u241b").split("\n"):
            assert line in text
    assert "FF-2026-0007" in text
    assert "Wei Li (wli)" in text and "VENDOR STAFF" in text and "Shenzhen PCBA Co." in text
    assert "CONFIDENTIAL" in document.sections[0].footer.paragraphs[0].text
    assert "CONFIDENTIAL" in document.paragraphs[1].text
    ideas_table = document.tables[1]
    rows = [[c.text for c in row.cells] for row in ideas_table.rows]
    assert rows[1][2] == "Wei Li, Raj Smith"
    assert rows[1][5] == "4"
    assert rows[1][6] == "Promoted: FF-2026-0007"
    assert rows[2][6] == "Merged (merged into #1)"
    assert rows[4][6] == "Parked"
    # Prompts by name, not by their deck ids.
    assert rows[1][3] == "Substitute" and rows[3][3] == "Move the function elsewhere"
    assert "Substitute (scamper-s)" in text
    assert "Move the function elsewhere" in text
    assert "2026-02-10 09:00 UTC – 10:02 UTC" in text


def test_markdown_escapes_user_text_and_keeps_the_table(tmp_path: Path) -> None:
    text = render_minutes_markdown(minutes_for(session(), PROMPTS))
    assert "\\*\\*bold\\*\\*" in text and "\\<b\\>" in text and "\\|" in text
    assert "{{ 7\\*7 }}" in text and "49" not in text
    assert "\x1b" not in text and "\u241b" in text
    # A line break inside an idea is a space (domain/text.prose).
    assert "Dual-footprint regulator with a firmware check" in text
    assert "| Wei Li (wli) | Shenzhen PCBA Co. | VENDOR STAFF |" in text
    assert "- #1 → **FF-2026-0007**" in text
    assert text.count("\n| 1 |") == 1 and "\n| 4 |" in text
    assert "CONFIDENTIAL" in text
    path = export_minutes(minutes_for(session(), PROMPTS), tmp_path, "md")
    assert path.read_text(encoding="utf-8") == text


def test_user_wording_overrides_the_shipped_words(tmp_path: Path) -> None:
    ours = tmp_path / "templates" / "minutes"
    ours.mkdir(parents=True)
    shipped = (Path(__file__).parents[2] / "templates" / "minutes" / "wording.j2").read_text(
        encoding="utf-8")
    (ours / "wording.j2").write_text(
        shipped.replace('"Attendance"', '"Who was there"'), encoding="utf-8")
    data = render_minutes_docx(minutes_for(session(), PROMPTS),
                               templates_dir=tmp_path / "templates")
    from io import BytesIO
    assert "Who was there" in all_text(docx.Document(BytesIO(data)))


def test_broken_wording_is_an_export_error(tmp_path: Path) -> None:
    ours = tmp_path / "minutes"
    ours.mkdir()
    (ours / "wording.j2").write_text('{% set kind = "x" %}\n', encoding="utf-8")
    with pytest.raises(ExportError, match="does not set"):
        render_minutes_docx(minutes_for(session(), PROMPTS), templates_dir=tmp_path)
    (ours / "wording.j2").write_text("{% set kind = %}\n", encoding="utf-8")
    with pytest.raises(ExportError, match="line 1"):
        render_minutes_markdown(minutes_for(session(), PROMPTS), templates_dir=tmp_path)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="docx or md"):
        export_minutes(minutes_for(session(), PROMPTS), tmp_path, "pdf")
    assert list(tmp_path.iterdir()) == []


def test_minutes_are_privileged_only_when_no_vendor_staff_attended(tmp_path: Path) -> None:
    from dataclasses import replace

    with_vendor = session()
    own_only = replace(with_vendor, participants=with_vendor.participants[:2])
    for view, privileged in ((with_vendor, False), (own_only, True)):
        document = docx.Document(str(export_minutes(minutes_for(view, PROMPTS),
                                                    tmp_path / str(privileged), "docx")))
        marks = [document.paragraphs[1].text, document.sections[0].footer.paragraphs[0].text]
        for mark in marks:
            assert ("privileged" in mark and "not privileged" not in mark) is privileged
        text = render_minutes_markdown(minutes_for(view, PROMPTS))
        assert ("not privileged" in text) is not privileged


def test_the_ideas_table_keeps_every_header_word_whole(tmp_path: Path) -> None:
    from docx.shared import Cm

    document = docx.Document(str(export_minutes(minutes_for(session(), PROMPTS), tmp_path,
                                                "docx")))
    ideas_table = document.tables[1]
    widths = {cell.text: cell.width for cell in ideas_table.rows[0].cells}
    # 11 pt bold in the font LibreOffice uses without Calibri (DejaVu Sans) needs about
    # 0.27 cm a letter, plus the cell's margins.
    for header in ("Component", "Dots", "Status", "Prompt"):
        assert widths[header] >= Cm(0.27 * len(header) + 0.35), header


def test_each_sitting_of_a_reopened_session_is_listed_with_the_time_held(
    tmp_path: Path,
) -> None:
    reopened = replace(session(), sittings=(
        SittingView(1, datetime(2026, 2, 10, 9, 0, tzinfo=UTC),
                    datetime(2026, 2, 10, 10, 2, tzinfo=UTC)),
        SittingView(2, datetime(2026, 2, 11, 14, 0, tzinfo=UTC),
                    datetime(2026, 2, 11, 14, 30, tzinfo=UTC)),
    ), ended_at=datetime(2026, 2, 11, 14, 30, tzinfo=UTC))
    held = ("sitting 1: 2026-02-10 09:00 UTC – 10:02 UTC; "
            "sitting 2: 2026-02-11 14:00 UTC – 14:30 UTC; 92 minutes in all")
    document = docx.Document(str(export_minutes(minutes_for(reopened, PROMPTS), tmp_path,
                                                "docx")))
    assert f"Held: {held}" in [p.text for p in document.paragraphs]
    assert f"| Held | {held} |" in render_minutes_markdown(minutes_for(reopened, PROMPTS))
