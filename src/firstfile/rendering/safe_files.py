"""Writing exported files safely: names from keys only, inside the output folder, atomically.

A disclosure's title is free text typed by anyone, so a file name never comes from it; the key
is short and machine-made, but it is still checked, because keys also arrive from interchange
files. A write goes to a temporary file beside the target and is renamed over it, so a crash
or a failed render never leaves half a document where a good one was.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from pathvalidate import sanitize_filename

# Names a file system keeps for itself or that would hide the file on Unix.
_REFUSED_NAMES = {"", ".", ".."}

# firstfile's own temporary files: ".<target>.firstfile-<mkstemp's 8 characters>.tmp". A
# kill between creating one and renaming it over the target leaves it behind.
_TEMP_MARK = ".firstfile-"
_TEMP_NAME = re.compile(r"^\..+\.firstfile-[a-z0-9_]{8}\.tmp$")
# An export writes its temporary file in one go and renames it straight after flushing it,
# so one untouched for this long belongs to an export that will never finish.
STALE_TEMP_SECONDS = 5 * 60
_swept: set[Path] = set()


class ExportError(Exception):
    """An export problem the user can fix; the message says what to do."""


_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9]+")


def file_name_part(text: str, limit: int = 60) -> str:
    """A piece of a file name from free text a user gave (an engagement's vendor-facing name):
    ASCII letters and digits joined by '-', at most limit characters, "" when nothing is
    left. What comes out is then checked by output_path like any key."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    part = _NOT_IN_NAME.sub("-", ascii_text).strip("-").lower()
    return part[:limit].rstrip("-")


def output_path(out_dir: Path, key: str, suffix: str) -> Path:
    """The path `<out_dir>/<key><suffix>`, refusing any key that is not a plain file name.

    The key is refused rather than quietly sanitised: two keys that sanitise to the same name
    (`a/b` and `ab`) would otherwise overwrite each other's documents.
    """
    if not suffix.startswith("."):
        suffix = f".{suffix}"
    name = sanitize_filename(key)
    if name != key or name in _REFUSED_NAMES or name.startswith("."):
        raise ExportError(
            f"the key {key!r} cannot be used as a file name; export only records whose key is "
            "made of letters, digits, '-', '_' and '.' (for example FF-2026-0001)"
        )
    filename = f"{name}{suffix}"
    if sanitize_filename(filename) != filename:
        raise ExportError(
            f"the file name {filename!r} is too long or not allowed here; use a shorter key"
        )
    folder = out_dir.resolve()
    target = (folder / filename).resolve()
    # resolve() follows a symbolic link already sitting at the target; it must not lead out.
    if target.parent != folder:
        raise ExportError(
            f"{folder / filename} points outside the output folder {folder}; remove that link "
            "or choose another output folder"
        )
    return target


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write data to path so that readers see either the earlier file or the new one, whole.

    The temporary file lives in the same folder (a rename is only atomic within one file
    system) and is flushed to disk before the rename. On any failure it is removed and an
    earlier file at path is left as it was. A new file is readable by its owner only, since
    disclosures are confidential; a replaced file keeps the permissions it had. The first
    write into a folder (per process) first removes what killed exports left there
    (sweep_stale_temps).
    """
    folder = path.parent
    if folder not in _swept:
        _swept.add(folder)
        sweep_stale_temps(folder)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}{_TEMP_MARK}",
                                     suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:  # an interrupt too must not leave the temporary file; re-raised
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of a rename to disk where the platform allows it (POSIX only)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders; the rename itself has happened
    finally:
        os.close(fd)


def is_firstfile_temp(name: str) -> bool:
    """True for the name of one of atomic_write_bytes's own temporary files."""
    return bool(_TEMP_NAME.match(name))


def sweep_stale_temps(folder: Path, *, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove firstfile's temporary files that a killed export left in folder; the removed.

    Only regular files named like firstfile's own (is_firstfile_temp), owned by this user
    and untouched for older_than seconds (an export in another process may still be writing
    a newer one): never a link, a folder or another program's file. Nothing found, or a
    folder that cannot be read, is not an error: the export goes on.
    """
    removed: list[Path] = []
    now = time.time()
    owner = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_firstfile_temp(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (owner is not None and info.st_uid != owner):
            continue
        if now - info.st_mtime < older_than:
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed
