"""What a disclosure document holds and how it is laid out, whoever writes the XML.

Two writers make the same document: rendering/disclosure_docx.py builds it with python-docx
and lxml, and rendering/disclosure_skeleton.py writes its body as text for bundles of many
documents. Both take the section order, the rows of every table, the column widths and the
styles from here, so the two cannot drift apart; the skeleton is still checked byte for byte
against the builder before a bundle uses it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from firstfile.domain.text import clean_line
from firstfile.domain.views import AttachmentView, DisclosureView, SignatureView
from firstfile.rendering.disclosure_values import (
    format_contribution,
    format_date,
    format_engagement,
    format_moment,
    format_yes_no,
    given,
    lines,
)
from firstfile.rendering.wording import Wording

# Style names the document uses (names, not ids: ids are translated in a localised Word).
STYLE_NAMES = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Guidance",
    "Notice",
    "List Paragraph",
    "Caption",
    "Header",
    "Footer",
    "Table Grid",
)



@dataclass(frozen=True, slots=True)
class TableLayout:
    """How a table is laid out: its columns as shares of the text width, whether its first
    column holds labels (styled like the header), and a minimum row height in twips."""

    shares: tuple[float, ...]
    label_column: bool = False
    min_row_height: int | None = None


PEOPLE_TABLE = TableLayout((0.2, 0.27, 0.26, 0.16, 0.11))  # "Contributor" unbroken
# Name, postal address, citizenship, employer at conception, contribution in words.
FILING_DETAILS_TABLE = TableLayout((0.16, 0.24, 0.16, 0.2, 0.24))  # "Citizenship" unbroken
EVENT_TABLE = TableLayout((0.22, 0.17, 0.17, 0.17, 0.27))
FACT_TABLE = TableLayout((0.34, 0.66), label_column=True)
# Number (Figure 1 or File), name, size, SHA-256 (64 hex digits wrap in two lines), caption.
ATTACHMENT_TABLE = TableLayout((0.13, 0.2, 0.12, 0.3, 0.25))
SIGNATURE_ROW_HEIGHT = 737  # twips: 1.3 cm, room for a handwritten signature
SIGNATURE_TABLE = TableLayout((0.14, 0.3, 0.36, 0.2), min_row_height=SIGNATURE_ROW_HEIGHT)
LABEL_FILL = "EEF1F7"  # the tint behind header cells and row labels
DEFAULT_TEXT_WIDTH = 9638  # twips: A4 with 2 cm margins, for a base without a page size


def text_width(section: Any) -> int:
    """The width between the margins of a python-docx section, in twips."""
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    # An EMU is 1/635 of a twip.
    return int(width / 635) if width > 0 else DEFAULT_TEXT_WIDTH


def is_right_to_left(text: str) -> bool:
    """True when the first strongly directional character is Hebrew, Arabic or similar.

    That is how the Unicode bidirectional algorithm picks a paragraph's direction; Word needs
    it spelt out (w:bidi) to align such a paragraph to the right.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def affiliation(is_vendor: bool, organization_name: str, w: Wording) -> str:
    """`Own staff: Northwind` or `Vendor: Shenzhen PCBA Works`, as at conception."""
    label = str(w("people", "vendor" if is_vendor else "own_staff"))
    return f"{label}: {organization_name}" if organization_name else label


class Blocks(Protocol):
    """Where a disclosure's paragraphs and tables go, in document order."""

    def paragraph(self, text: str, style: str | None = None, *, bold: bool = False) -> None:
        """One paragraph holding text in the named style (if the base has it)."""

    def table(
        self, layout: TableLayout, header: Sequence[str] | None, rows: Sequence[Sequence[str]]
    ) -> None:
        """A bordered table of fixed column widths; the header row (when given) is bold on a
        tint and repeated on every page; each table is followed by an empty paragraph."""

    def figure(self, attachment: AttachmentView, caption: str) -> None:
        """The attached picture, as wide as the text at most, kept on the page of its
        caption, which follows it in its own paragraph."""


def _strings(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    return [[str(value) for value in row] for row in rows]


class DisclosureWriter:
    """Writes the sections of a disclosure in the order counsel reads them (REFERENCE.md s.2).

    The view must already be cleaned (disclosure_values.clean_view).
    """

    def __init__(self, blocks: Blocks, view: DisclosureView, wording: Wording) -> None:
        self.b = blocks
        self.view = view
        self.w = wording
        self.not_given = str(wording("document", "not_given"))

    def write(self) -> None:
        """Every section, in order."""
        self.title()
        self.text_section("summary", self.view.summary)
        self.record()
        self.people()
        for name in ("problem", "description"):
            self.text_section(name, getattr(self.view, name))
        # Drawings follow the description they illustrate, as in a patent application.
        self.attachments()
        for name in ("variants", "advantages", "prior_art"):
            self.text_section(name, getattr(self.view, name))
        self.dates()
        self.events()
        self.text_section("third_parties", self.view.third_parties)
        self.filing()
        self.components()
        self.signatures()
        self.evidence()

    def heading(self, section: str) -> None:
        """The section's heading and, when its wording has one, its guidance."""
        self.b.paragraph(str(self.w(section, "heading")), "Heading 1")
        guidance = str(self.w(section, "guidance"))
        if guidance:
            self.b.paragraph(guidance, "Guidance")

    def title(self) -> None:
        """The title, the introduction and the notices that must be seen first."""
        view, w = self.view, self.w
        self.b.paragraph(view.title or self.not_given, "Title")
        self.b.paragraph(str(w("document", "introduction")), "Guidance")
        if view.deleted:
            self.b.paragraph(str(w("document", "deleted_notice")), "Notice", bold=True)
        if view.vendor_invention:
            self.b.paragraph(str(w("joint", "vendor_notice")), "Notice", bold=True)
        elif view.joint:
            self.b.paragraph(str(w("joint", "notice")), "Notice", bold=True)

    def text_section(self, section: str, text: str) -> None:
        """Multi-line text as one paragraph per line, or "not given" when empty.

        One paragraph per line, rather than line breaks inside one paragraph, so that every
        line reads back exactly (python-docx turns a '\\n' in a run into a w:br element) and
        right-to-left lines each get their own direction.
        """
        self.heading(section)
        if not given(text):
            self.b.paragraph(self.not_given, "Guidance")
            return
        for line in lines(text):
            self.b.paragraph(line, "Normal")

    def yes_no(self, value: bool | None) -> str:
        w = self.w
        return format_yes_no(
            value,
            str(w("document", "yes")),
            str(w("document", "no")),
            str(w("document", "unknown")),
        )

    def or_not_given(self, value: str) -> str:
        return value if given(value) else self.not_given

    def list_heading(self, section: str, items: Sequence[Any], nothing: str) -> bool:
        """The heading of a section that lists items; when there are none, the wording's
        `nothing` sentence in their place and False."""
        self.heading(section)
        if items:
            return True
        self.b.paragraph(str(self.w(section, nothing)), "Guidance")
        return False

    def facts(self, rows: Sequence[tuple[Any, str]]) -> None:
        """A two-column table of labels and values."""
        self.b.table(FACT_TABLE, None, _strings(rows))

    def record(self) -> None:
        view, w = self.view, self.w
        joint = self.yes_no(view.joint)
        if view.joint:
            joint = f"{joint}: {', '.join(view.joint_vendors)}"
        vendor = self.yes_no(view.vendor_invention)
        if view.vendor_invention:
            vendor = f"{vendor}: {', '.join(view.joint_vendors)}"
        rows = [
            (w("record", "submitter"), self.or_not_given(view.submitted_by)),
            (w("record", "business_unit"), self.or_not_given(view.business_unit)),
            (w("record", "engagement"), format_engagement(view, self.not_given)),
            (w("record", "phase"), w.label("record", "phases", view.phase) or self.not_given),
            (w("record", "submitted_on"), format_date(view.submitted_on, self.not_given)),
            (w("record", "status"), w.label("record", "statuses", view.status)),
            (w("record", "joint"), joint),
            (w("record", "vendor_invention"), vendor),
            (w("record", "version"), str(view.version)),
        ]
        self.b.paragraph(str(w("record", "heading")), "Heading 1")
        self.facts(rows)

    def people(self) -> None:
        w = self.w
        if not self.list_heading("people", self.view.inventors, "nobody"):
            return
        header = [w("people", key) for key in ("name", "email", "affiliation", "role")]
        header.append(w("people", "contribution"))
        inventors = sum(1 for person in self.view.inventors if person.role == "inventor")
        rows = [
            (
                person.name,
                person.email,
                affiliation(person.is_vendor, person.organization_name, w),
                w.label("people", "roles", person.role),
                format_contribution(person.contribution, self.not_given,
                                    sole=inventors == 1)
                if person.role == "inventor"
                else "",
            )
            for person in self.view.inventors
        ]
        self.b.table(PEOPLE_TABLE, _strings([header])[0], _strings(rows))
        self.filing_details()

    def filing_details(self) -> None:
        """What counsel needs to file about each person: address, citizenship, the employer
        at conception (employee-invention rules follow it) and the contribution in words;
        what is missing says so."""
        w = self.w
        self.b.paragraph(str(w("people", "details")), "Guidance")
        header = [w("people", key) for key in
                  ("name", "postal_address", "citizenship", "employer_entity",
                   "contribution_note")]
        rows = [(person.name, self.or_not_given(person.postal_address),
                 self.or_not_given(person.citizenship),
                 self.or_not_given(person.employer_entity),
                 self.or_not_given(person.contribution_note))
                for person in self.view.inventors]
        self.b.table(FILING_DETAILS_TABLE, _strings([header])[0], _strings(rows))

    def dates(self) -> None:
        view, w = self.view, self.w
        self.heading("dates")
        self.facts([
            (w("dates", "conception"), format_date(view.conception_date, self.not_given)),
            (
                w("dates", "reduction_to_practice"),
                format_date(view.reduction_to_practice_date, self.not_given),
            ),
            (w("dates", "prototype_exists"), self.yes_no(view.prototype_exists)),
            (w("dates", "records_location"), self.or_not_given(view.records_location)),
        ])

    def events(self) -> None:
        w = self.w
        if not self.list_heading("events", self.view.events, "nothing"):
            return
        header = [w("events", key) for key in ("kind", "date", "jurisdiction", "reference", "note")]
        rows = [
            (
                w.label("events", "kinds", event.kind),
                format_date(event.date, self.not_given),
                event.jurisdiction,
                event.reference,
                event.note,
            )
            for event in self.view.events
        ]
        self.b.table(EVENT_TABLE, _strings([header])[0], _strings(rows))

    def filing(self) -> None:
        view, w = self.view, self.w
        self.heading("filing")
        self.facts([
            (w("filing", "jurisdictions"), self.or_not_given(view.jurisdictions)),
            (w("filing", "reverse_engineerable"), self.yes_no(view.reverse_engineerable)),
            (w("filing", "completed_in_china"), self.china_answer()),
        ])
        if view.completed_in_china:
            self.b.paragraph(str(w("filing", "china_note")), "Notice", bold=True)

    def attachments(self) -> None:
        """Pictures as numbered, captioned figures, then every attached file in a table
        with its size and SHA-256, so counsel can match each copy to the record."""
        from firstfile.domain.attachments import size_words

        w = self.w
        files = self.view.attachments
        if not self.list_heading("attachments", files, "nothing"):
            return
        label = str(w("attachments", "figure"))
        numbers: list[str] = []
        figure = 0
        for item in files:
            if item.is_figure:
                figure += 1
                number = f"{label} {figure}"
                caption = item.caption or item.file_name
                self.b.figure(item, f"{number}: {caption}")
                numbers.append(number)
            else:
                numbers.append(str(w("attachments", "file")))
        header = [w("attachments", key)
                  for key in ("number", "name", "size", "sha256", "caption")]
        rows = [(number, item.file_name, size_words(item.size), item.sha256, item.caption)
                for number, item in zip(numbers, files, strict=True)]
        self.b.table(ATTACHMENT_TABLE, _strings([header])[0], _strings(rows))

    def china_answer(self) -> str:
        """Yes or No; a No is questioned when an inventor works for a vendor in China."""
        answer = self.yes_no(self.view.completed_in_china)
        doubt = self.view.china_doubt
        if doubt:
            answer = f"{answer} ({self.w('filing', 'china_doubt')}: {', '.join(doubt)})"
        return answer

    def components(self) -> None:
        if not self.list_heading("components", self.view.components, "nothing"):
            return
        for component in self.view.components:
            self.b.paragraph(component, "List Paragraph")

    def signatures(self) -> None:
        """A row per inventor and one for a witness, for handwritten signatures; a row that
        an electronic signature of this very text fills says so (signed, key, date)."""
        w = self.w
        self.heading("signatures")
        header = [w("signatures", key) for key in ("role", "name", "signature", "date")]
        inventor, witness = str(w("signatures", "inventor")), str(w("signatures", "witness"))
        current = self.current_signatures()
        rows = []
        for p in self.view.inventors:
            if p.role == "inventor":
                signed = current.get(("inventor", p.person_key))
                rows.append((inventor, p.name, *self.signed_cells(signed)))
        witnesses = [s for (meaning, _), s in current.items() if meaning == "witness"]
        for signed in witnesses:
            rows.append((witness, clean_line(signed.signer_name), *self.signed_cells(signed)))
        if not witnesses:
            rows.append((witness, "", "", ""))
        self.b.table(SIGNATURE_TABLE, _strings([header])[0], rows)

    def current_signatures(self) -> dict[tuple[str, str], SignatureView]:
        """The newest valid signature of this very text per (meaning, person)."""
        evidence = self.view.evidence
        found: dict[tuple[str, str], SignatureView] = {}
        for signed in evidence.signatures if evidence else ():
            if signed.valid and signed.covers_current:
                found[(signed.meaning, signed.person_key)] = signed
        return found

    def signed_cells(self, signed: SignatureView | None) -> tuple[str, str]:
        """The signature and date cells of an electronic signature (empty when none)."""
        if signed is None:
            return "", ""
        w = self.w
        return (f"{w('evidence', 'signed')} ({w('evidence', 'key')} "
                f"{signed.fingerprint[:16]})", format_moment(signed.signed_at))

    def evidence(self) -> None:
        """The content hash that signatures and timestamp cover, the timestamp (or that
        there is none) and every electronic signature, current or not."""
        evidence = self.view.evidence
        if evidence is None:
            return
        w = self.w
        self.heading("evidence")
        rows: list[tuple[Any, str]] = [(w("evidence", "content_sha256"),
                                        evidence.content_sha256)]
        stamp = evidence.timestamp
        if stamp is not None and stamp.status == "stamped" and stamp.stamped_at is not None:
            said = (f"{w('evidence', 'stamped')} {format_moment(stamp.stamped_at)} "
                    f"{w('evidence', 'by')} {clean_line(stamp.authority)}")
            if stamp.serial:
                said += f", {w('evidence', 'serial')} {clean_line(stamp.serial)}"
            if not stamp.covers_current:
                said += f"; {w('evidence', 'earlier_version')}"
        else:
            said = str(w("evidence", "not_timestamped"))
            if stamp is not None and stamp.message:
                said += f": {clean_line(stamp.message)}"
        rows.append((w("evidence", "timestamp"), said))
        for signed in evidence.signatures:
            status = ("invalid" if not signed.valid else
                      "covers" if signed.covers_current else "stale")
            label = f"{w('signatures', signed.meaning)}: {clean_line(signed.signer_name)}"
            rows.append((label, f"\u201c{clean_line(signed.statement)}\u201d, "
                                f"{format_moment(signed.signed_at)}, {w('evidence', 'key')} "
                                f"{signed.fingerprint[:16]}: {w('evidence', status)}"))
        self.facts(rows)
        if not evidence.signatures:
            self.b.paragraph(str(w("evidence", "no_signatures")), "Guidance")
