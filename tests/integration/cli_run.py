"""The installed entry point run as a user runs it, for the tests of the counsel records."""

from __future__ import annotations

import os
import subprocess
import sys


def run(*args: str, db: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`firstfile ARGS --db DB` in a child process; a non-zero exit fails the test unless
    check is False (the caller then reads the exit status and the message)."""
    result = subprocess.run(
        [sys.executable, "-m", "firstfile", *args, "--db", db],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result
