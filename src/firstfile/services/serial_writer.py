"""One thread that runs jobs one at a time, in the order they were handed in.

A screen that changes records as fast as a room talks (the facilitation screen) must never
wait on disk, and its changes must land in the order they were made: a capture is never
overtaken by the vote that followed it, and the minutes are written after every change made
before they were asked for. The screen hands each change to a SerialWriter as a job (a
function of the store); the writer runs the jobs in order, each in its own transaction (the
service's unit of work), and hands every job's result or error back through `deliver`.

Closing drains the writer: the jobs already handed in all run before it stops, so closing
the screen (or the terminal) loses nothing that was entered. Nothing here knows about Textual
or the database: the store comes from `open_resource` and outcomes go to `deliver`, so the
ordering is tested without a screen.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any, Generic, TypeVar

R = TypeVar("R")  # what every job is given: the store


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one job: its result, or the error it raised (then result is None)."""

    token: int
    kind: str
    result: Any = None
    error: Exception | None = None
    finished_at: float = 0.0  # time.perf_counter() when the job returned or raised

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class _Job(Generic[R]):
    token: int
    kind: str
    call: Callable[[R], Any]


class WriterClosed(RuntimeError):
    """A job was handed in after the writer was closed; it was not run."""


class SerialWriter(Generic[R]):
    """Runs jobs one at a time, in order, and delivers each outcome (see the module doc).

    `open_resource` is called in the writer's thread before each job until it succeeds (the
    app opens its store in the background, so the first job may wait for it); when it fails,
    that job's outcome carries the error and the next job tries again. `deliver` is called
    in the writer's thread once per job, in order, after the job has finished; it must not
    raise (a screen posts a message, which does not).
    """

    def __init__(self, open_resource: Callable[[], R], deliver: Callable[[Outcome], None]
                 ) -> None:
        self._open_resource = open_resource
        self._deliver = deliver
        self._resource: R | None = None
        self._jobs: queue.SimpleQueue[_Job[R] | None] = queue.SimpleQueue()
        self._tokens = count(1)
        self._lock = threading.Lock()
        self._unfinished = 0
        self._closed = False
        self._idle = threading.Condition(self._lock)

    def next_token(self) -> int:
        """A fresh token, for a caller that must know a job's token before handing it in."""
        return next(self._tokens)

    def submit(self, kind: str, call: Callable[[R], Any], *, token: int | None = None) -> int:
        """Hand in a job; it runs after every job handed in before it. Returns its token.

        Raises WriterClosed after close(): a job handed in then would never run.
        """
        token = self.next_token() if token is None else token
        with self._lock:  # a job is either queued before close() or refused, never lost
            if self._closed:
                raise WriterClosed(f"the writer is closed; {kind} was not saved")
            self._unfinished += 1
            self._jobs.put(_Job(token, kind, call))
        return token

    @property
    def unfinished(self) -> int:
        """Jobs handed in whose outcome has not been delivered yet."""
        with self._lock:
            return self._unfinished

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop taking jobs; the jobs already handed in still run, then run() returns."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._jobs.put(None)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block (never on an event loop) until every job handed in so far has been delivered.

        Returns False when timeout seconds passed first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._unfinished:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def run(self) -> None:
        """Run jobs until the writer is closed and drained (call it in its own thread)."""
        while True:
            job = self._jobs.get()
            if job is None:
                return
            self._run_one(job)

    def start(self, name: str = "serial-writer") -> threading.Thread:
        """run() in a new thread of its own; the thread is returned so it can be joined."""
        thread = threading.Thread(target=self.run, name=name)
        thread.start()
        return thread

    def _run_one(self, job: _Job[R]) -> None:
        try:
            if self._resource is None:
                self._resource = self._open_resource()
            result = job.call(self._resource)
        except Exception as error:  # any failure goes to the caller; the writer keeps serving
            outcome = Outcome(job.token, job.kind, None, error, time.perf_counter())
        else:
            outcome = Outcome(job.token, job.kind, result, None, time.perf_counter())
        try:
            self._deliver(outcome)
        finally:
            with self._idle:
                self._unfinished -= 1
                self._idle.notify_all()
