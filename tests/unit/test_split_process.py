"""The split's child process: what C code prints on descriptor 1 there never reaches ours.

scipy's HiGHS build prints its debug line with the C library, below Python's sys.stdout, so
the check runs a real process and reads its real standard output.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

from firstfile.analysis.split_process import run_quietly

ROOT = Path(__file__).resolve().parents[2]
DEBUG_LINE = b"HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();"


def noisy() -> int:
    """Write to descriptor 1 the ways a library can: the C library's puts, a raw write, and
    Python's print; return an answer."""
    libc = ctypes.CDLL(None)
    libc.puts(DEBUG_LINE)
    libc.fflush(None)
    os.write(1, b"raw write\n")
    print("python print", flush=True)
    return 42


def quiet_main() -> None:
    print(run_quietly(noisy), flush=True)


def loud_main() -> None:
    print(noisy(), flush=True)


def run(entry: str) -> subprocess.CompletedProcess[bytes]:
    code = f"from tests.unit.test_split_process import {entry}; {entry}()"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=120, check=True
    )


def test_what_the_child_prints_never_reaches_the_callers_standard_output() -> None:
    assert run("quiet_main").stdout == b"42\n"


def test_the_same_function_run_in_place_does_print_there() -> None:
    # The control: without the child process the line is on standard output.
    out = run("loud_main").stdout
    assert DEBUG_LINE in out and b"raw write" in out and out.endswith(b"42\n")


# Under the TUI, Textual's capture of sys.stderr answers fileno() with -1; multiprocessing
# hands that to its resource tracker unless the tracker is started first without it. Run in a
# fresh interpreter: a tracker started earlier in the test process would hide the problem.
UNDER_CAPTURE = """
import operator
import sys

class Capture:
    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def fileno(self):
        return -1

sys.stderr = Capture()
from firstfile.analysis import split_process
{before}
try:
    print(split_process.run_quietly(operator.add, 2, 3), file=sys.__stdout__)
except Exception as exc:
    print(f"failed: {{exc}}", file=sys.__stdout__)
"""


def run_under_capture(before: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-c", UNDER_CAPTURE.format(before=before)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_the_child_starts_when_stderr_has_no_real_descriptor() -> None:
    assert run_under_capture() == "5"


def test_without_starting_the_tracker_first_the_child_would_not_start() -> None:
    # The control: the failure the TUI met.
    out = run_under_capture("split_process._start_resource_tracker = lambda: None")
    assert out.startswith("failed:") and "fds_to_keep" in out
