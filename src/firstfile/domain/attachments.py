"""Files attached to a disclosure: which kinds are accepted, how large, and which are figures.

Counsel asks for drawings, schematics, photos and test data with every disclosure. A file is
kept as evidence and copied into documents and bundles; firstfile never executes or opens
one. Its kind is judged from its name and, for the kinds firstfile embeds (PNG and JPEG
figures) or that announce themselves (PDF), from its first bytes too, so a renamed
program is not embedded as a picture.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote, urlsplit

# One file: a photo or a scanned schematic fits easily; a video does not belong in evidence
# kept in the database (docs/ARCHITECTURE.md, "Attachments").
MAX_FILE_BYTES = 20 * 1024 * 1024
# All files of one disclosure together, so one record cannot swell a shared database.
MAX_DISCLOSURE_BYTES = 100 * 1024 * 1024
MAX_FILES = 50  # per disclosure
CAPTION_CHARS = 500
FILE_NAME_CHARS = 200

# Accepted kinds by lower-case suffix: the media type recorded with the file.
MEDIA_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".md": "text/markdown",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".step": "model/step",
    ".stp": "model/step",
    ".stl": "model/stl",
    ".dxf": "image/vnd.dxf",
    ".gbr": "application/vnd.gerber",
    ".kicad_sch": "application/x-kicad-schematic",
    ".kicad_pcb": "application/x-kicad-pcb",
}
# The kinds embedded in documents as numbered figures.
FIGURE_TYPES = frozenset({"image/png", "image/jpeg"})
# What a file of these types must begin with.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/pdf": (b"%PDF-",),
}


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that may be attached: its name (no folders), media type, size and SHA-256."""

    file_name: str
    media_type: str
    size: int
    sha256: str


class AttachmentRefused(ValueError):
    """The file cannot be attached; the message says why and what to do."""


def sha256_of(data: bytes) -> str:
    """The file's SHA-256 as 64 lower-case hex digits (its identity in the store)."""
    return hashlib.sha256(data).hexdigest()


def media_type_for(file_name: str) -> str | None:
    """The media type of an accepted file name, or None for a kind not accepted."""
    name = file_name.lower()
    for suffix, media_type in MEDIA_TYPES.items():
        if name.endswith(suffix):
            return media_type
    return None


def accepted_suffixes() -> str:
    """The accepted kinds, for messages: `.png, .jpg, ...`."""
    return ", ".join(MEDIA_TYPES)


def check_file(file_name: str, data: bytes) -> CheckedFile:
    """The file as it will be stored, or AttachmentRefused saying what is wrong with it."""
    name = PurePath(file_name.replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise AttachmentRefused(f"{file_name!r} is not a file name")
    if len(name) > FILE_NAME_CHARS:
        raise AttachmentRefused(
            f"the name {name!r} is longer than {FILE_NAME_CHARS} characters; rename the file"
        )
    media_type = media_type_for(name)
    if media_type is None:
        raise AttachmentRefused(
            f"{name}: this kind of file is not accepted; attach one of {accepted_suffixes()} "
            "(export drawings as PDF or PNG, data as CSV or XLSX)"
        )
    if not data:
        raise AttachmentRefused(f"{name} is empty")
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentRefused(
            f"{name} is {size_words(len(data))}; a file may be at most "
            f"{size_words(MAX_FILE_BYTES)}: reduce the image or split the data"
        )
    signatures = _SIGNATURES.get(media_type)
    if signatures and not data.startswith(signatures):
        raise AttachmentRefused(
            f"{name} does not hold what its name says ({media_type}); save it again in that "
            "format or give it the right extension"
        )
    return CheckedFile(
        file_name=name, media_type=media_type, size=len(data), sha256=sha256_of(data)
    )


def check_totals(count: int, total_bytes: int) -> None:
    """AttachmentRefused when one disclosure would hold too many files or bytes."""
    if count > MAX_FILES:
        raise AttachmentRefused(
            f"a disclosure may hold at most {MAX_FILES} attachments; this would make {count}"
        )
    if total_bytes > MAX_DISCLOSURE_BYTES:
        raise AttachmentRefused(
            f"a disclosure's attachments may hold at most {size_words(MAX_DISCLOSURE_BYTES)} "
            f"together; this would make {size_words(total_bytes)}"
        )


def is_figure(media_type: str) -> bool:
    """True for the kinds embedded in documents as numbered figures."""
    return media_type in FIGURE_TYPES


ATTACHMENT_FOLDER = "attachments"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment_path(key: str, number: int, file_name: str) -> str:
    """Where an attached file is written beside an interchange file or inside a bundle:
    `attachments/<KEY>/<NN>-<name>`, the name reduced to letters, digits, dots, hyphens and
    underscores (a file name from user text never becomes a path), numbered so that two
    files of the same name cannot collide."""
    safe = _UNSAFE.sub("_", file_name).lstrip("._")[-80:] or "file"
    return f"{ATTACHMENT_FOLDER}/{key}/{number:02d}-{safe}"


def size_words(size: int) -> str:
    """A size as a person reads it: `812 bytes`, `14.2 KB`, `3.1 MB`."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pasted_paths(text: str) -> list[str]:
    """The file paths in text typed, pasted or dropped on the terminal.

    Terminals hand a dropped file over as its path, quoted when it holds spaces ('My
    board.png'), with the spaces escaped (My\\ board.png) or as a file:// address; several
    dropped files come as several such paths. A path with spaces typed by hand, without
    quotes, is taken whole when it names no other shape.
    """
    stripped = text.strip()
    if not stripped:
        return []
    try:
        words = shlex.split(stripped)
    except ValueError:  # an unmatched quote: take the text as one path
        words = [stripped.strip("'\"")]
    if len(words) > 1 and not any(c in stripped for c in "'\"\\") and "file://" not in stripped:
        words = [stripped]  # typed by hand with spaces in it
    return [_local_path(word) for word in words if word]


def _local_path(word: str) -> str:
    if word.startswith("file://"):
        parsed = urlsplit(word)
        return unquote(parsed.path)
    return word
