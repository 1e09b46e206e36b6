"""Filling organisation forms in a child process with limits on processor time and memory.

A form is a template written outside firstfile. The sandbox stops it reaching Python's
internals, but not from looping for ever or asking for gigabytes; only the operating system
can stop that reliably. So forms are filled by a child process that limits itself
(rendering/form_worker.py), one per batch: a bundle starts one child for all its documents,
since starting a process (a fresh interpreter importing docxtpl) costs more than filling a
form. The child is a fresh `python -I` rather than a fork, so it holds nothing of this
process (no database connections, no other threads' locks) and works the same on every
platform.

Here the package is checked before the child starts (a zip bomb never reaches it), the job is
sent, and each document is waited for at most `FormLimits.wall_seconds`, after which the
child is killed whatever it is doing. Every stop is a FormLimitError naming the limit and the
disclosure being filled.
"""

from __future__ import annotations

import contextlib
import json
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict
from typing import IO, Any

from firstfile.rendering.form_worker import (
    ERROR,
    FILLED,
    LIMIT,
    key_of,
    read_frame,
    write_frame,
)
from firstfile.rendering.org_template import (
    DEFAULT_LIMITS,
    FormLimitError,
    FormLimits,
    OrgTemplateError,
    check_package,
)

# progress(done, key): called as each filled document arrives.
Progress = Callable[[int, str], None]
_MB = 1024 * 1024


def fill_forms(
    data: bytes,
    contexts: Sequence[Mapping[str, Any]],
    *,
    name: str,
    limits: FormLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """Each context's filled form, in order, made by one limited child process.

    Raises OrgTemplateError for a form that cannot be used and FormLimitError when it went
    past a limit; the child is stopped either way.
    """
    check_package(data, name, limits)
    if not contexts:
        return
    job = [json.dumps({"name": name, "limits": asdict(limits)}).encode(), data]
    job.extend(json.dumps(dict(c), ensure_ascii=False, default=str).encode() for c in contexts)
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-I", "-m", "firstfile.rendering.form_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
        )
        try:
            yield from _talk(child, job, contexts, name, limits, progress, errors)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()


def _talk(
    child: subprocess.Popen[bytes],
    job: list[bytes],
    contexts: Sequence[Mapping[str, Any]],
    name: str,
    limits: FormLimits,
    progress: Progress | None,
    errors: IO[bytes],
) -> Iterator[bytes]:
    assert child.stdin is not None and child.stdout is not None
    # The child reads the whole job before it writes anything, so writing it all first can
    # never wait on a full pipe. A child that died at once shows up below as an early end.
    try:
        for request in job:
            write_frame(child.stdin, request)
        child.stdin.close()
    except BrokenPipeError:
        pass
    results = _reader(child.stdout)
    for done, context in enumerate(contexts, start=1):
        key = key_of(dict(context))
        try:
            frame = results.get(timeout=limits.wall_seconds)
        except queue.Empty:
            child.kill()
            raise FormLimitError(
                f"{name} was stopped: filling it in for {key} took longer than "
                f"{limits.wall_seconds:g} s; check the loops in its tags") from None
        if frame is None:
            child.wait()
            raise _died(name, key, child.returncode, limits, errors)
        kind, payload = frame[:1], frame[1:]
        if kind == FILLED:
            yield payload
            if progress is not None:
                progress(done, key)
        elif kind == LIMIT:
            raise FormLimitError(payload.decode())
        elif kind == ERROR:
            raise OrgTemplateError(payload.decode())
        else:
            raise OrgTemplateError(f"{name}: the process filling it in answered {kind!r}")


def _reader(stream: IO[bytes]) -> queue.Queue[bytes | None]:
    """A queue of the frames the child writes, then None at its end (read in a thread, so
    that waiting for the next one can time out on every platform)."""
    frames: queue.Queue[bytes | None] = queue.Queue()

    def read() -> None:
        try:
            while (frame := read_frame(stream)) is not None:  # type: ignore[arg-type]
                frames.put(frame)
        except (EOFError, OSError, ValueError):
            pass
        frames.put(None)

    threading.Thread(target=read, name="form-results", daemon=True).start()
    return frames


def _died(name: str, key: str, code: int | None, limits: FormLimits,
          errors: IO[bytes]) -> FormLimitError:
    """What to say when the child ended without a word: the kernel stopped it, most likely."""
    if code is not None and code < 0 and -code in (getattr(signal, "SIGXCPU", -1),
                                                    getattr(signal, "SIGKILL", -1)):
        return FormLimitError(
            f"{name} was stopped: filling it in for {key} used more processor time than a "
            f"form may ({limits.cpu_seconds:g} s a document); check the loops in its tags")
    errors.seek(0)
    said = errors.read().decode(errors="replace").strip().splitlines()
    last = f" ({said[-1][:200]})" if said else ""
    return FormLimitError(
        f"{name} was stopped: the process filling it in for {key} ended with exit code "
        f"{code}{last}, most likely for want of memory (a form may use "
        f"{limits.memory // _MB} MB); check the loops and filters in its tags")
