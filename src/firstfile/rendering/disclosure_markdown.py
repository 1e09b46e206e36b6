"""One invention disclosure as Markdown, from the template disclosure/disclosure.md.j2.

The words are the same wording templates the Word export uses. User values are escaped for
Markdown before they reach the template, so a title like `**x** | <b>` shows as typed instead
of turning bold, breaking a table or injecting HTML; the template itself is trusted Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from firstfile.domain.views import DisclosureView
from firstfile.rendering.disclosure_values import clean_view, lines, map_strings
from firstfile.rendering.wording import load_disclosure_wording, render_template

TEMPLATE = "disclosure/disclosure.md.j2"

# Characters that start emphasis, code, links, HTML, headings, tables, strikethrough or
# entities anywhere on a line. CommonMark lets any ASCII punctuation be backslash-escaped.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# At the start of a line: list markers, and the '.' or ')' of an ordered-list number.
_LIST_MARKER = re.compile(r"^([-+])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_INDENT = re.compile(r"^[ \t]+")


def md_inline(value: str) -> str:
    """Escape one line of user text so Markdown shows it literally."""
    return _INLINE.sub(r"\\\1", value)


def md_text(value: str) -> str:
    """Escape multi-line user text line by line, including markers that start a block.

    Leading spaces become non-breaking space entities: four of them would otherwise turn a
    line into a code block, where the escapes would show.
    """
    escaped = []
    for line in lines(value):
        line = md_inline(line)
        indent = _INDENT.match(line)
        prefix = ""
        if indent:
            prefix = "&nbsp;" * len(indent.group(0).expandtabs(4))
            line = line[indent.end() :]
        line = _LIST_MARKER.sub(r"\\\1", line)
        line = _ORDERED.sub(r"\1\\\2", line)
        escaped.append(prefix + line)
    return "\n".join(escaped)


def markdown_view(view: DisclosureView) -> DisclosureView:
    """The view cleaned (domain/text.py) and escaped for Markdown."""
    return map_strings(clean_view(view), md_inline, md_text)


def render_disclosure_markdown(view: DisclosureView, *, templates_dir: Path | None = None,
                               organization: str = "") -> str:
    """The disclosure as Markdown text; templates_dir may override any template, and the
    marking names organization (our organisation) when one is given."""
    escaped = markdown_view(view)
    context: dict[str, Any] = {"disclosure": escaped, "vendors": list(escaped.joint_vendors),
                               "organization": md_inline(organization)}
    # The same wording as the Word export, evaluated with Markdown-escaped values; each
    # section's names become one context value (summary.heading).
    context.update(load_disclosure_wording(context, templates_dir).sections)
    text = render_template(TEMPLATE, context, templates_dir)
    # Collapse the runs of blank lines that template blocks leave behind.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
