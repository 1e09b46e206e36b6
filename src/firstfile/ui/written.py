"""How a screen says which files an export wrote, in as few characters as stay exact.

A status line is two or three lines at 80 columns, and the folder is the part a user needs
whole: so each folder is named once, after its files, and files that differ only in their
suffix are named once with their suffixes ("report (.docx, .md)").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def written_message(written: Sequence[Path]) -> str:
    """'Wrote NAMES to FOLDER', each folder once, in the order the files were written."""
    if not written:
        return "Nothing written"
    by_folder: dict[Path, dict[str, list[str]]] = {}
    for path in written:
        stems = by_folder.setdefault(path.parent, {})
        stems.setdefault(path.stem, []).append(path.suffix)
    parts = []
    for folder, stems in by_folder.items():
        names = [
            stem + suffixes[0] if len(suffixes) == 1 else f"{stem} ({', '.join(suffixes)})"
            for stem, suffixes in stems.items()
        ]
        parts.append(f"{' and '.join(names)} to {folder}")
    return "Wrote " + "; ".join(parts)
