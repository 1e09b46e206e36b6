"""The child process that fills organisation forms, within limits the kernel enforces.

Run by rendering/form_process.py as `python -I -m firstfile.rendering.form_worker`. It
imports what filling needs, then limits itself before it reads the form:

- memory: RLIMIT_AS at what it holds after those imports plus `FormLimits.memory`, so a huge
  allocation fails with MemoryError instead of taking the machine's memory (Linux, where the
  current size can be read);
- processor time: a profiling timer per document (`ITIMER_PROF`: it raises after
  `FormLimits.cpu_seconds` of this process's own processor time, so a loaded machine does
  not make a good form fail), and RLIMIT_CPU for the whole batch as a backstop the kernel
  enforces even inside a long C call;
- no files (RLIMIT_FSIZE 0: filling a form never writes one) and no core dumps.

Then it reads the whole job from stdin (so the parent never waits on a full pipe), fills each
form and writes each result, or the first problem, to stdout. Messages are frames: an 8-byte
big-endian length, then the bytes. Results: one kind byte (`o` a filled form, `l` a limit
was hit, `e` the form cannot be used) and the payload.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

from firstfile.rendering.org_template import (
    FormLimitError,
    FormLimits,
    OrgTemplateError,
    fill_form,
)

try:
    import resource
except ImportError:  # Windows: only the parent's wait and the package checks apply
    resource = None  # type: ignore[assignment]

FILLED, LIMIT, ERROR = b"o", b"l", b"e"
_LENGTH = 8
_MB = 1024 * 1024
# Processor time the child may spend starting and reading on top of the documents' own.
CPU_MARGIN_SECONDS = 10


class _OutOfTime(BaseException):
    """Raised by the processor-time timer. A BaseException, so that no `except Exception` in
    docxtpl or jinja2 can swallow it."""


def write_frame(stream: IO[bytes], data: bytes) -> None:
    """One frame: its length, then data."""
    stream.write(len(data).to_bytes(_LENGTH, "big"))
    stream.write(data)


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's bytes, or None at the end of the stream."""
    head = _read_exactly(stream, _LENGTH)
    if head is None:
        return None
    data = _read_exactly(stream, int.from_bytes(head, "big"))
    if data is None:
        raise EOFError("the stream ended inside a frame")
    return data


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            if left == size:
                return None
            raise EOFError("the stream ended inside a frame")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def key_of(context: dict[str, Any]) -> str:
    """The disclosure a context is for, for messages."""
    disclosure = context.get("disclosure")
    key = disclosure.get("key") if isinstance(disclosure, dict) else None
    return str(key) if key else "the disclosure"


def main() -> int:
    """Fill the forms of the job on stdin; results to stdout."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything printed by accident goes to stderr, never into the results.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    job = sys.stdin.buffer
    header = read_frame(job)
    template = read_frame(job)
    if header is None or template is None:
        return 2
    settings = json.loads(header)
    name: str = settings["name"]
    limits = FormLimits(**settings["limits"])
    contexts = [json.loads(frame) for frame in iter(lambda: read_frame(job), None)]
    _limit_resources(limits, len(contexts))
    for context in contexts:
        kind, payload = _fill_one(template, context, name, limits)
        write_frame(out, kind + payload)
        out.flush()
        if kind != FILLED:
            break
    out.close()
    return 0


def _fill_one(template: bytes, context: dict[str, Any], name: str,
              limits: FormLimits) -> tuple[bytes, bytes]:
    key = key_of(context)
    try:
        with _processor_timer(limits.cpu_seconds):
            return FILLED, fill_form(template, context, name=name, limits=limits)
    except _OutOfTime:
        message = (f"{name} was stopped: filling it in for {key} used more than "
                   f"{limits.cpu_seconds:g} s of processor time; check the loops in its tags")
        return LIMIT, message.encode()
    except MemoryError:
        message = (f"{name} was stopped: filling it in for {key} needed more than "
                   f"{limits.memory // _MB} MB of memory; check the loops and filters in "
                   "its tags")
        return LIMIT, message.encode()
    except RecursionError:
        return LIMIT, f"{name} was stopped: its tags nest too deeply".encode()
    except FormLimitError as error:
        return LIMIT, str(error).encode()
    except OrgTemplateError as error:
        return ERROR, str(error).encode()
    except Exception as error:  # any failure is reported to the parent, never a silent end
        message = f"{name} cannot be filled in for {key}: {type(error).__name__}: {error}"
        return ERROR, message.encode()


def _limit_resources(limits: FormLimits, documents: int) -> None:
    if resource is None:
        return
    _lower(resource.RLIMIT_CORE, 0, 0)
    _lower(resource.RLIMIT_FSIZE, 0, 0)
    cpu = int(limits.cpu_seconds * documents) + CPU_MARGIN_SECONDS
    # SIGXCPU at the soft limit raises like the per-document timer; the hard limit kills.
    signal.signal(signal.SIGXCPU, _raise_out_of_time)
    _lower(resource.RLIMIT_CPU, cpu, cpu + 5)
    start = _address_space()
    if start is not None:
        _lower(resource.RLIMIT_AS, start + limits.memory, start + limits.memory)


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a limit, never above one the process already has."""
    assert resource is not None
    current_soft, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
    soft = min(soft, hard)
    if current_soft != resource.RLIM_INFINITY:
        soft = min(soft, current_soft)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(which, (soft, hard))


def _address_space() -> int | None:
    """This process's virtual memory size now (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _raise_out_of_time(_signum: int, _frame: Any) -> None:
    raise _OutOfTime


@contextlib.contextmanager
def _processor_timer(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime after seconds of this process's processor time."""
    if not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGPROF, _raise_out_of_time)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


if __name__ == "__main__":
    sys.exit(main())
