"""Solving the best split in a child process whose standard output goes nowhere.

scipy's HiGHS build can print a debug line ("HighsMipSolverData::
transformNewIntegerFeasibleSolution tmpSolver.run();") from C on file descriptor 1 during a
long search. scipy.optimize.milp's `disp=False` (its default) does not stop it: the line is a
plain printf in the library, outside HiGHS's own output settings. In a process that prints
JSON on standard output it would corrupt the JSON; in the TUI it would write over the screen.

Redirecting descriptor 1 around the solve is safe only in a single-threaded process: the
TUI's own output goes through the same descriptor from another thread. So the solve runs in a
child process (started fresh with "spawn", which is safe whatever threads the caller runs)
whose descriptor 1 is pointed at the null device before anything else happens; the result
comes back through multiprocessing's own pipe. The child imports only the domain, this
module, the solver and scipy, and it ends with the solve. A crash of the solver ends the child
and is reported, not the caller.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection
from typing import Any

from firstfile.domain.disclosure import Problem
from firstfile.domain.risk.assessment import RiskInputs
from firstfile.domain.risk.policy import FirewallPolicy
from firstfile.domain.risk.split import SplitResult
from firstfile.domain.risk.tree import RiskInputError

_TRACKER_LOCK = threading.Lock()


class SolverFailed(RuntimeError):
    """The child process ended without an answer (the solver crashed or was killed)."""


def silence_stdout() -> None:
    """Point file descriptor 1 (and sys.stdout) at the null device, for the rest of this
    process: what the C library prints goes nowhere."""
    import sys

    sys.stdout.flush()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)


class _NoDescriptor:
    """A stand-in for sys.stderr that writes where it does but has no file descriptor."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def fileno(self) -> int:
        raise OSError("no file descriptor")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, which every "spawn" child needs, even when
    sys.stderr has no real descriptor.

    The tracker is handed sys.stderr's descriptor; a Textual app replaces sys.stderr with a
    capture whose fileno() is -1 (instead of raising), and starting the child then fails with
    "bad value(s) in fds_to_keep". For the moment the tracker starts, sys.stderr is shown
    without a descriptor, so none is handed over; what is printed meanwhile still goes to the
    capture. Once started, the tracker serves the rest of the process.
    """
    import sys
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr.fileno() >= 0
    except Exception:  # no descriptor at all: the tracker copes with that itself
        usable = True
    if usable:
        return
    with _TRACKER_LOCK:
        current = sys.stderr
        sys.stderr = _NoDescriptor(current)
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = current


def run_quietly(function: Any, *args: Any, **kwargs: Any) -> Any:
    """function(*args, **kwargs) in a fresh child process with its standard output silenced;
    its return value, or the exception it raised (which must pickle)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _start_resource_tracker()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=silence_stdout) as pool:
        try:
            return pool.submit(function, *args, **kwargs).result()
        except BrokenProcessPool as exc:
            raise SolverFailed("the solver's process ended without an answer") from exc


def solve_split_quietly(
    inputs: RiskInputs,
    policy: FirewallPolicy,
    *,
    candidates: Collection[str] | None = None,
    tolerance: float | None = None,
    time_limit: float = 60.0,
) -> SplitResult:
    """analysis.split_solver.solve_split, run by run_quietly; RiskInputError as it raises it."""
    outcome = run_quietly(
        _solve,
        inputs,
        policy,
        tuple(candidates) if candidates is not None else None,
        tolerance,
        time_limit,
    )
    if isinstance(outcome, SplitResult):
        return outcome
    raise RiskInputError([Problem(field, message) for field, message in outcome])


def _solve(
    inputs: RiskInputs,
    policy: FirewallPolicy,
    candidates: tuple[str, ...] | None,
    tolerance: float | None,
    time_limit: float,
) -> SplitResult | list[tuple[str, str]]:
    """In the child: the result, or the problems as plain pairs (an exception carrying a list
    does not survive pickling as itself)."""
    from firstfile.analysis.split_solver import solve_split

    try:
        return solve_split(
            inputs, policy, candidates=candidates, tolerance=tolerance, time_limit=time_limit
        )
    except RiskInputError as exc:
        return [(p.field, p.message) for p in exc.problems]
