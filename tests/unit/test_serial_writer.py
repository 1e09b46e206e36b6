"""The serial writer on its own, without a screen or a database: order, outcomes, draining.

A job that holds the writer waits on an Event the test sets, so "nothing ran yet" is shown by
the writer being held, never by sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from firstfile.services.serial_writer import Outcome, SerialWriter, WriterClosed

TIMEOUT = 30  # seconds; only reached when something is broken


class Log:
    """The resource the jobs are given: a list they append to, and the outcomes delivered."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.threads: set[int] = set()
        self.outcomes: list[Outcome] = []

    def job(self, name: str) -> Callable[[list[str]], str]:
        def run(ran: list[str]) -> str:
            self.threads.add(threading.get_ident())
            ran.append(name)
            return name.upper()

        return run


def writer_on(log: Log) -> SerialWriter[list[str]]:
    return SerialWriter(lambda: log.ran, log.outcomes.append)


def gate(log: Log) -> tuple[threading.Event, threading.Event, Callable[[list[str]], None]]:
    """A job that holds the writer until released: (started, release, job)."""
    started, release = threading.Event(), threading.Event()

    def hold(ran: list[str]) -> None:
        started.set()
        assert release.wait(TIMEOUT)
        ran.append("gate")

    return started, release, hold


def test_jobs_run_one_at_a_time_in_order_and_each_outcome_comes_back() -> None:
    log = Log()
    writer = writer_on(log)
    started, release, hold = gate(log)
    thread = writer.start()
    writer.submit("gate", hold)
    assert started.wait(TIMEOUT)
    tokens = [writer.submit("capture", log.job(f"idea {n}")) for n in range(20)]
    # Held by the first job: none of the others may have run, and all are unfinished.
    assert log.ran == []
    assert writer.unfinished == 21
    release.set()
    assert writer.wait_idle(TIMEOUT)
    assert log.ran == ["gate", *[f"idea {n}" for n in range(20)]]
    assert [o.token for o in log.outcomes[1:]] == tokens
    assert [o.result for o in log.outcomes[1:]] == [f"IDEA {n}" for n in range(20)]
    assert all(o.ok and o.kind == "capture" for o in log.outcomes[1:])
    assert len(log.threads) == 1 and threading.get_ident() not in log.threads
    writer.close()
    thread.join(TIMEOUT)
    assert not thread.is_alive()


def test_a_failing_job_is_reported_and_the_next_still_runs() -> None:
    log = Log()
    writer = writer_on(log)

    def fails(_ran: list[str]) -> None:
        raise ValueError("no such idea")

    writer.submit("vote", fails)
    writer.submit("capture", log.job("after"))
    writer.close()
    writer.run()  # in this thread: returns once the queue is drained
    first, second = log.outcomes
    assert (first.kind, first.ok, str(first.error), first.result) == (
        "vote", False, "no such idea", None)
    assert isinstance(first.error, ValueError)
    assert (second.ok, second.result) == (True, "AFTER")
    assert log.ran == ["after"]
    assert first.finished_at <= second.finished_at


def test_closing_drains_every_job_already_handed_in_and_refuses_later_ones() -> None:
    log = Log()
    writer = writer_on(log)
    started, release, hold = gate(log)
    thread = writer.start()
    writer.submit("gate", hold)
    assert started.wait(TIMEOUT)
    for n in range(5):
        writer.submit("capture", log.job(f"last {n}"))
    writer.close()
    with pytest.raises(WriterClosed, match="capture was not saved"):
        writer.submit("capture", log.job("too late"))
    assert writer.unfinished == 6  # the refused job was never counted
    release.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert log.ran == ["gate", *[f"last {n}" for n in range(5)]]
    assert len(log.outcomes) == 6 and writer.unfinished == 0
    writer.close()  # closing twice is harmless


def test_a_store_that_cannot_open_fails_that_job_and_the_next_tries_again() -> None:
    log = Log()
    attempts: list[int] = []

    def open_resource() -> list[str]:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("the database is not open: locked")
        return log.ran

    writer: SerialWriter[list[str]] = SerialWriter(open_resource, log.outcomes.append)
    writer.submit("capture", log.job("first"))
    writer.submit("capture", log.job("second"))
    writer.submit("capture", log.job("third"))
    writer.close()
    writer.run()
    assert [o.ok for o in log.outcomes] == [False, True, True]
    assert "not open" in str(log.outcomes[0].error)
    assert log.ran == ["second", "third"]
    assert len(attempts) == 2  # opened once it worked, then kept


def test_a_token_can_be_taken_before_the_job_is_handed_in() -> None:
    log = Log()
    writer = writer_on(log)
    token = writer.next_token()
    other = writer.submit("vote", log.job("vote"))
    assert writer.submit("capture", log.job("capture"), token=token) == token
    writer.close()
    writer.run()
    assert [(o.token, o.kind) for o in log.outcomes] == [(other, "vote"), (token, "capture")]
    assert token != other
