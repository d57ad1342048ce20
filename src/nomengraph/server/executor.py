"""The query executor: runs SPARQL in worker processes that can be killed on timeout.

pyoxigraph cannot interrupt a running query, so each query is sent to a long-lived child
process (:mod:`nomengraph.server.worker`) that holds the store (an in-memory copy of the on-disk
store, or the on-disk store itself). The executor waits for the answer at most the query's time
limit; past it, the child is killed (SIGKILL: its CPU is freed at once), a fresh one is started in
its place, and the caller gets :class:`QueryTimeout`. The calling thread is the only one blocked;
other requests go on (in other server processes, or with other children of this executor).
One child process, seen from here, is a :class:`~nomengraph.server.child.Child`.

Answers come back already serialised in the negotiated media type, so a caller does not touch
pyoxigraph objects::

    result = get_executor().run(query, accept="application/sparql-results+json")
    rows = json.loads(result.body)["results"]["bindings"]
"""

from __future__ import annotations

import atexit
import os
import queue
import secrets
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nomengraph.server.child import READY_TIMEOUT, WATCH_INTERVAL, Child, memory_message
from nomengraph.server.contract import (
    GraphSizes,
    QueryResult,
    check_query_policy,
    check_update_policy,
    prepare_query,
    prepare_update,
    time_limit,
)
from nomengraph.server.errors import (
    BadRequest,
    NotAcceptable,
    QueryError,
    QueryEvaluationError,
    QueryForbidden,
    QueryMemoryLimit,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    RemoteTimeout,
    RemoteUnavailable,
    ServerBusy,
    WorkerFailure,
)

__all__ = [  # the errors, the contract and the worker process, re-exported for the callers
    "BadRequest",
    "Executor",
    "NotAcceptable",
    "QueryError",
    "QueryEvaluationError",
    "QueryForbidden",
    "QueryMemoryLimit",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "RemoteTimeout",
    "RemoteUnavailable",
    "ServerBusy",
    "WorkerFailure",
    "check_query_policy",
    "check_update_policy",
    "memory_message",
    "READY_TIMEOUT",
    "WATCH_INTERVAL",
    "Child",
]

MARK_ATTEMPTS = 5  # tries to read the update marks after a worker was killed during an update


class Executor(GraphSizes):
    """Runs queries (and updates) against one store generation in a pool of killable worker
    processes.

    The store path is resolved once, at start: the executor serves that generation for its whole
    life (a new build makes a new generation; the application starts a new executor for it, see
    :mod:`nomengraph.server`). ``processes`` workers run queries side by side. With
    ``writable=True`` the generation is opened read-write for SPARQL Update, by a single worker
    (only one process may open an on-disk store for writing): queries and updates then take turns,
    and each update is all or nothing (see :meth:`update`).
    """

    def __init__(
        self,
        store: str | Path,
        *,
        in_memory: bool = True,
        writable: bool = False,
        max_rows: int = 10_000,
        query_timeout: float = 10.0,
        allow_service: bool = False,
        prefixes: dict[str, str] | None = None,
        processes: int = 1,
        memory_limit: int | None = None,
        max_result_bytes: int | None = None,
    ) -> None:
        from nomengraph.store import resolve_generation

        self.generation, self.store_path = resolve_generation(store)
        self.writable = writable
        self.in_memory = in_memory and not writable
        self.max_rows = max_rows
        self.query_timeout = query_timeout
        self.allow_service = allow_service
        self.processes = 1 if writable else max(1, processes)
        self._config = {
            "store": str(self.store_path),
            "in_memory": self.in_memory,
            "writable": writable,
            "max_rows": max_rows,
            "prefixes": prefixes or {},
            "memory_limit": memory_limit,  # bytes a query may use (None: no limit)
            "max_result_bytes": max_result_bytes,  # bytes of one answer (None: no limit)
        }
        self._owner = os.getpid()
        self._lock = threading.Lock()
        # Writable: queries and updates take turns (an update and the removal of its mark are
        # one turn, so no query sees a mark); the count of updates applied since start, and a
        # token of this start, make the generation of the data (see get_generation).
        self._turns = threading.Lock()
        self._updates = 0
        self._epoch = f"{time.time_ns():x}"
        self._stats: dict[str, int] = {}
        self._children: list[Child] = []
        self._free: queue.Queue[Child] = queue.Queue()
        for _ in range(self.processes):
            child = Child(self._config)
            self._children.append(child)
            self._free.put(child)
        # Wait for the first worker: a store that cannot be opened is reported at start.
        first = self._free.get()
        try:
            first.wait_ready()
            self._stats = dict(first.stats or {})
        finally:
            self._free.put(first)
        if writable:
            # Marks left by a crash are removed before any query runs.
            self._stats = dict(self._marks(clear=True)["stats"])
        ref = weakref.ref(self)
        atexit.register(lambda: (e := ref()) is not None and e.close())

    # -- information -----------------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        """Process ids of the worker processes (a killed worker is replaced by a new pid)."""
        return [c.pid for c in self._children if c.pid is not None]

    @property
    def network_guard(self) -> str:
        """The operating-system guard that keeps the query workers off the network, as they
        reported it: "network namespace", "seccomp", or "none (why)" (see
        :mod:`nomengraph.server.guard`)."""
        return next((c.guard for c in self._children if c.guard), "unknown")

    def get_generation(self) -> str:
        """The generation of the data this executor answers from: the store generation id;
        when writable, followed by ``:`` and a token of this start and the count of updates
        applied since (``<generation>:<start>.<updates>``), so that it changes with each update
        that was applied (and never comes back after a restart)."""
        if not self.writable:
            return self.generation
        return f"{self.generation}:{self._epoch}.{self._updates}"

    @contextmanager
    def _turn(self, limit: float) -> Iterator[None]:
        """When writable, wait (at most ``limit``) for the turn of queries and updates."""
        if not self.writable:
            yield
            return
        if not self._turns.acquire(timeout=limit):
            raise ServerBusy(f"the store was busy (an update) for {limit:g} s; try again later")
        try:
            yield
        finally:
            self._turns.release()

    # -- running ---------------------------------------------------------------------------

    def _limit(self, timeout: float | None) -> float:
        return time_limit(timeout, self.query_timeout)

    def _call(self, message: dict[str, Any], limit: float) -> dict[str, Any]:
        if os.getpid() != self._owner:
            raise WorkerFailure("the executor was created in another process")
        start = time.monotonic()
        try:
            child = self._free.get(timeout=limit)
        except queue.Empty:
            raise ServerBusy(
                f"no query worker became free within {limit:g} s; try again later"
            ) from None
        try:
            remaining = max(0.05, limit - (time.monotonic() - start))
            answer = child.call(message, remaining, limit)
        finally:
            self._free.put(child)
        if answer.get("ok"):
            return answer
        error, text = answer.get("error"), answer.get("message", "")
        if error == "syntax":
            raise QuerySyntaxError(text)
        if error == "too_large":
            raise QueryTooLarge(f"{text} (the server's limit); add a LIMIT or page with OFFSET")
        if error in ("bad_request", "evaluation"):
            raise QueryEvaluationError(text)
        if error == "memory":
            raise QueryMemoryLimit(memory_message(self._config.get("memory_limit") or 0))
        if error == "network":
            raise QueryForbidden(
                "SERVICE and LOAD cannot reach other servers: this endpoint's query workers "
                f"have no network access ({text})"
            )
        raise WorkerFailure(text or "the query worker failed")

    def run(
        self,
        query: str,
        *,
        accept: str | None = "*/*",
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        timeout: float | None = None,
        format: str | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless the query
        (FROM) or the arguments name the dataset. ``accept`` is an Accept header value (the
        default, */*, gives SPARQL results JSON for SELECT/ASK and Turtle for CONSTRUCT/DESCRIBE);
        ``format`` a format= name that overrides it; ``base_iri`` resolves relative IRIs.
        Raises :class:`QueryError` subclasses."""
        limit = self._limit(timeout)
        scan, media = prepare_query(query, accept, format, self.allow_service)
        message: dict[str, Any] = {
            "op": "query",
            "query": query,
            "media_type": media,
            "base_iri": base_iri,
        }
        if default_graph_uris or named_graph_uris:
            message["default_graphs"] = list(default_graph_uris or [])
            message["named_graphs"] = list(named_graph_uris or [])
        else:
            message["union"] = not scan.has("FROM")
        with self._turn(limit):
            generation = self.get_generation()
            answer = self._call(message, limit)
        kind = answer["kind"]
        if kind == "graph":
            kind = "describe" if scan.form == "describe" else "construct"
        return QueryResult(
            kind, answer["media_type"], answer["body"], answer.get("rows", 0), generation
        )

    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None:
        """Run a SPARQL Update (only on a writable executor). Raises :class:`QueryError`.

        All or nothing, and the outcome reported is true: the worker applies the update and a
        mark naming it in one transaction, and flushes the store, before it answers. When the
        worker has to be killed (time limit) or dies, a new worker opens the store and the mark
        tells: there, the update was applied and this returns normally (the update is durable);
        absent, it was not, and the error is raised. The mark is then removed, in the same turn
        (queries wait for it, so no query sees a mark)."""
        limit = self._limit(timeout)
        prepare_update(update, self.allow_service, self.writable)
        mark = secrets.token_hex(8)
        message = {"op": "update", "update": update, "base_iri": base_iri, "mark": mark}
        with self._turn(limit):
            try:
                self._call(message, limit)
            except ServerBusy:
                raise  # never sent
            except QueryError as exc:
                # Stopped or failed: applied only if its mark is in the store. (A worker that
                # answered with an error rolled back; one that was killed may have committed.)
                killed = isinstance(exc, QueryTimeout | WorkerFailure)
                try:
                    found = self._marks(clear=True)
                except WorkerFailure:
                    if killed:
                        raise WorkerFailure(
                            "the update was stopped and the store could not be reopened to "
                            "check whether it was applied: its outcome is unknown"
                        ) from None
                    raise exc from None
                self._stats = dict(found["stats"])
                if mark not in found["marks"]:
                    raise
            else:
                try:
                    self._stats = dict(self._marks(clear=True)["stats"])
                except WorkerFailure:
                    pass  # applied and flushed; its mark goes when the store is next opened
            self._updates += 1

    def _marks(self, *, clear: bool) -> dict[str, Any]:
        """The worker's answer to ``marks`` (the update marks in the store, removed when
        ``clear``), retried while the worker restarts, within :data:`READY_TIMEOUT`."""
        deadline = time.monotonic() + READY_TIMEOUT
        for attempt in range(MARK_ATTEMPTS):
            left = deadline - time.monotonic()
            try:
                return self._call({"op": "marks", "clear": clear}, max(1.0, left))
            except (QueryTimeout, WorkerFailure):
                if left <= 1.0 or attempt == MARK_ATTEMPTS - 1:
                    break
                time.sleep(0.1 * (attempt + 1))
        raise WorkerFailure("the query worker cannot open the store to check its update marks")

    def close(self) -> None:
        """Stop the worker processes."""
        if os.getpid() != self._owner:
            return
        with self._lock:
            for child in self._children:
                child.kill()
            self._children = []
