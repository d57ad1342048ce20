"""The executor's side of one query worker process: starting it, waiting for it to be ready,
sending it a message and waiting for the answer within the time limit while watching its
memory, and killing and replacing it (:mod:`nomengraph.server.executor` runs a pool of them; the
worker itself is :mod:`nomengraph.server.worker`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

from nomengraph.server import guard
from nomengraph.server.errors import QueryError, QueryMemoryLimit, QueryTimeout, WorkerFailure

READY_TIMEOUT = 120.0  # seconds for a new worker to open (or copy) the store
WATCH_INTERVAL = 0.025  # seconds between two looks at a busy worker's resident memory


def _size(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def memory_message(limit: int) -> str:
    """The message of :class:`QueryMemoryLimit`."""
    if not limit:
        return "the query was stopped: the server ran out of memory; make it more selective"
    return (
        f"the query was stopped: it needed more than {_size(limit)} of memory, this server's "
        "limit per query; make it more selective (join on bound variables, filter early, "
        "build shorter strings, sort or group fewer rows) or add a LIMIT"
    )


class Child:
    """One worker process and its two pipes.

    While a query runs, :meth:`call` looks at the worker's resident memory every
    :data:`WATCH_INTERVAL`; past its resident memory when it became ready plus the memory limit
    (``config["memory_limit"]``), the worker is killed and replaced. The worker's own data
    segment limit is the backstop: an allocation past it aborts the worker (SIGABRT), which is
    reported the same way. A worker left holding more than half the limit after a query is
    replaced too, so that each query starts from the same base."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.memory_limit: int | None = config.get("memory_limit")
        self.proc: subprocess.Popen[bytes] | None = None
        self.inbox: Connection | None = None
        self.outbox: Connection | None = None
        self.ready = False
        self.pid: int | None = None
        self.stats: dict[str, int] | None = None
        self.guard = ""  # the network guard the worker reported
        self.resident = 0  # the worker's resident memory when it became ready (bytes)
        self.peak = 0  # the most resident memory seen during the current call (bytes)
        self.start()

    def start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "nomengraph.server.worker",
                    str(to_child_r),
                    str(from_child_w),
                    json.dumps(self.config),
                ],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        self.ready = False
        self.pid = self.proc.pid
        self.started = time.monotonic()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait for the worker's hello: True when it is ready, False when ``timeout`` ran out
        first (it goes on starting); a worker not ready :data:`READY_TIMEOUT` after its start is
        killed (WorkerFailure)."""
        if self.ready:
            return True
        assert self.inbox is not None
        left = READY_TIMEOUT - (time.monotonic() - self.started)
        wait = left if timeout is None else min(timeout, left)
        if not self.inbox.poll(max(0.0, wait)):
            if wait < left:
                return False
            self.kill()
            raise WorkerFailure("the query worker did not start in time")
        try:
            hello = self.inbox.recv()
        except (EOFError, OSError):
            self.kill()
            raise WorkerFailure("the query worker exited while opening the store") from None
        if "fatal" in hello:
            self.kill()
            raise WorkerFailure(f"the query worker cannot open the store: {hello['fatal']}")
        self.ready = True
        self.stats = hello["stats"]
        self.guard = str(hello.get("guard") or "none (not reported by the worker)")
        self.resident = int(hello.get("resident") or 0)
        return True

    def _over_memory(self) -> bool:
        if not self.memory_limit or not self.resident or self.pid is None:
            return False
        rss = guard.resident_bytes(self.pid)
        if rss is None:
            return False
        self.peak = max(self.peak, rss)
        return rss > self.resident + self.memory_limit

    def _died_of_memory(self) -> str | None:
        """After the worker's pipe closed: "memory" when it died at its memory limit (Rust
        aborts on a failed allocation; the kernel's out-of-memory killer sends SIGKILL to a
        worker seen growing past half the limit), else its fate."""
        if self.proc is None:
            return "gone"
        try:
            code = self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            return "closed its pipe"
        if self.memory_limit and (
            code == -signal.SIGABRT
            or (code == -signal.SIGKILL and self.peak > self.resident + self.memory_limit // 2)
        ):
            return "memory"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exited with status {code}"

    def call(self, message: dict[str, Any], timeout: float, limit: float) -> dict[str, Any]:
        # The time limit covers the wait for a worker that is still starting (one replaced after
        # a kill): the query's deadline does not move.
        deadline = time.monotonic() + timeout
        if not self.wait_ready(timeout):
            raise QueryTimeout(
                f"the query was stopped after {limit:g} s (its time limit) while its query "
                "worker was starting; try again"
            )
        assert self.inbox is not None and self.outbox is not None
        failure: QueryError | None = None
        self.peak = 0
        try:
            self.outbox.send(message)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    failure = QueryTimeout(
                        f"the query was stopped after {limit:g} s (its time limit); "
                        "make it more selective or add a LIMIT"
                    )
                    break
                if self.inbox.poll(min(left, WATCH_INTERVAL)):
                    answer = self.inbox.recv()
                    break
                if self._over_memory():
                    failure = QueryMemoryLimit(memory_message(self.memory_limit or 0))
                    break
        except (EOFError, OSError):
            fate = self._died_of_memory()
            if fate == "memory":
                failure = QueryMemoryLimit(memory_message(self.memory_limit or 0))
            else:
                failure = WorkerFailure(f"the query worker died while running the query ({fate})")
        if failure is not None:
            self.restart()
            raise failure
        if answer.get("resident"):
            self.resident = int(answer["resident"])  # the store grew (an update)
        if answer.get("error") == "memory" or self._bloated():
            self.restart()
        return answer

    def _bloated(self) -> bool:
        if not self.memory_limit or not self.resident or self.pid is None:
            return False
        rss = guard.resident_bytes(self.pid)
        return rss is not None and rss > self.resident + self.memory_limit // 2

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None
        for conn in (self.inbox, self.outbox):
            if conn is not None:
                conn.close()
        self.inbox = self.outbox = None
        self.ready = False

    def restart(self) -> None:
        self.kill()
        self.start()
