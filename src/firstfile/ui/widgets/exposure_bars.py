"""Exposure drawn in the terminal: horizontal block bars and matrix cell shades.

Plain rich Text built from block characters, so a bar chart needs no plotting library and
scrolls like any other text. The shade of a matrix cell follows the report's
(domain/risk/report.shade), so the screen and the document colour the same cells alike.
"""

from __future__ import annotations

from rich.text import Text

from firstfile.domain.risk.report import shade

# Eighths of a block, for a bar's last cell.
_PARTS = " ▏▎▍▌▋▊▉"
# By shade, lightest first (0: nothing seen); the last is the most a cell shows.
CELL_STYLES: tuple[str, ...] = (
    "dim",
    "black on #fbe3e4",
    "black on #f4b6ba",
    "black on #e57373",
    "bold white on #b71c1c",
)


def exposure_style(share: float) -> str:
    """The colour of an exposure: red from half the knowledge, yellow from a quarter."""
    if share >= 0.5:
        return "bold red"
    if share >= 0.25:
        return "yellow"
    return "green"


def bar(share: float, width: int = 24) -> Text:
    """A bar of width cells filled to share (0..1), in eighths of a cell, always width wide."""
    share = min(max(share, 0.0), 1.0)
    eighths = round(share * width * 8)
    whole, part = divmod(eighths, 8)
    drawn = "█" * whole + (_PARTS[part] if part and whole < width else "")
    text = Text(drawn, style=exposure_style(share))
    text.append("·" * (width - len(drawn)), style="dim")
    return text


def percent(share: float) -> str:
    """A share as a percentage with one decimal, right-aligned in six characters."""
    return f"{share * 100:5.1f}%"


def cell_text(level: str, share: float, largest: float) -> Text:
    """A matrix cell: F (full) or i (interface) with the share, shaded by how much it shows."""
    if not level:
        return Text("")
    mark = "F" if level == "full" else "i"
    return Text(f"{mark}{percent(share)}", style=CELL_STYLES[shade(share, largest)])
