"""Keeping a SQLite database private to its owner: made 0600 in a 0700 folder, warned about
otherwise.

Disclosures are confidential, so other users of the machine must not be able to read them.
A new database is created here before SQLite first opens it: an empty file with mode 0600
(SQLite treats an empty file as a new database), so the -wal and -shm files SQLite makes
beside it take the same mode (SQLite copies the main file's mode onto them). The file is made
with `os.open(..., 0o600)` rather than by changing the umask, because the umask belongs to the
whole process and the TUI opens the database in a thread. An existing database is never
changed behind its owner's back: a file or folder that others can read gets a warning that
names the chmod that fixes it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# The files SQLite keeps beside the database while it is open.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
# Read or write for the group or for everyone else.
_SHARED_BITS = stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH


def companions(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files of the database at path (whether they exist or not)."""
    return [path.with_name(path.name + suffix) for suffix in COMPANION_SUFFIXES]


def create_private_database(path: Path) -> bool:
    """Make the folder (0700 when made here) and an empty 0600 file at path, unless it exists.

    Returns True when the file was created here. Folders above the database's own folder are
    made with the usual permissions; only the folder that holds the database is made private.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # mkdir's mode is filtered through the umask; chmod sets it exactly.
        os.chmod(folder, PRIVATE_FOLDER)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:  # another process created it a moment ago: it is theirs to set
        return False
    try:
        if hasattr(os, "fchmod"):  # POSIX; Windows has no such modes
            os.fchmod(fd, PRIVATE_FILE)  # exactly 0600, whatever the umask removed
    finally:
        os.close(fd)
    return True


def make_companions_private(path: Path) -> None:
    """chmod 0600 the -wal, -shm and -journal files of a database this process created.

    SQLite already gives them the main file's mode; this holds even where it does not.
    """
    for companion in companions(path):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(companion, PRIVATE_FILE)


def exposure_warnings(path: Path) -> list[str]:
    """What others can read or change of the database at path and its folder, each with the
    chmod that fixes it; empty when everything is private to the owner (and on Windows, whose
    permissions are not modes)."""
    if os.name != "posix":
        return []
    warnings: list[str] = []
    exposed: list[tuple[Path, int]] = []
    for candidate in (path, *companions(path)):
        mode = _mode(candidate)
        if mode is not None and mode & _SHARED_BITS:
            exposed.append((candidate, mode))
    if exposed:
        names = ", ".join(f"{p} (mode {m:04o})" for p, m in exposed)
        command = " ".join(shlex.quote(str(p)) for p, _ in exposed)
        warnings.append(
            f"other users of this machine can read the database: {names}; "
            f"make it private with: chmod 600 {command}"
        )
    folder_mode = _mode(path.parent)
    if folder_mode is not None and folder_mode & _SHARED_BITS:
        warnings.append(
            f"other users of this machine can list or change the database's folder "
            f"{path.parent} (mode {folder_mode:04o}); make it private with: "
            f"chmod 700 {shlex.quote(str(path.parent))}"
        )
    return warnings


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
