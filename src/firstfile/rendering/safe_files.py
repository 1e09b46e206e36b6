"""Writing exported files safely: names from keys only, inside the output folder, atomically.

A disclosure's title is free text typed by anyone, so a file name never comes from it; the key
is short and machine-made, but it is still checked, because keys also arrive from interchange
files. A write goes to a temporary file beside the target and is renamed over it, so a crash
or a failed render never leaves half a document where a good one was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from pathvalidate import sanitize_filename

# Names a file system keeps for itself or that would hide the file on Unix.
_REFUSED_NAMES = {"", ".", ".."}


class ExportError(Exception):
    """An export problem the user can fix; the message says what to do."""


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
    disclosures are confidential; a replaced file keeps the permissions it had.
    """
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
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
