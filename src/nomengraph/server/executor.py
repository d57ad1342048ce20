"""The query executor: runs SPARQL in worker processes that can be killed on timeout.

pyoxigraph cannot interrupt a running query, so each query is sent to a long-lived child
process (:mod:`nomengraph.server.worker`) that holds the store (an in-memory copy of the on-disk
store, or the on-disk store itself). The executor waits for the answer at most the query's time
limit; past it, the child is killed (SIGKILL: its CPU is freed at once), a fresh one is started in
its place, and the caller gets :class:`QueryTimeout`. The calling thread is the only one blocked;
other requests go on (in other server processes, or with other children of this executor).

Answers come back already serialised in the negotiated media type, so a caller does not touch
pyoxigraph objects::

    result = get_executor().run(query, accept="application/sparql-results+json")
    rows = json.loads(result.body)["results"]["bindings"]
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from nomengraph.server import guard, lexer
from nomengraph.server.negotiation import NegotiationError, negotiate

READY_TIMEOUT = 120.0  # seconds for a new worker to open (or copy) the store
MARK_ATTEMPTS = 5  # tries to read the update marks after a worker was killed during an update


class QueryError(Exception):
    """A query (or update) that cannot be answered; ``status`` is the HTTP status to send."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(QueryError):
    """A request that is not well formed (bad parameter, bad graph IRI...): 400."""


class QuerySyntaxError(QueryError):
    """The parser refused the query or update; the message is the parser's: 400."""


class QueryForbidden(QueryError):
    """SERVICE, LOAD, or an update where updates are not allowed: 403."""

    status = 403


class NotAcceptable(QueryError):
    """None of the accepted media types can be produced for this kind of query: 406."""

    status = 406


class QueryTooLarge(QueryError):
    """The result has more rows (or triples) than the server's limit: 422."""

    status = 422


class QueryTimeout(QueryError):
    """The query ran out of time and was stopped (its worker process was killed): 503."""

    status = 503


class ServerBusy(QueryError):
    """No worker became free in time: 503."""

    status = 503


class QueryEvaluationError(QueryError):
    """The engine failed while evaluating a well-formed query: 400 (as Oxigraph's server)."""


class WorkerFailure(QueryError):
    """The worker process died or could not start: 500."""

    status = 500


class QueryMemoryLimit(QueryError):
    """The query needed more memory than the server's limit per query; it was stopped (its
    worker process was killed, or aborted at its memory limit, and replaced): 422."""

    status = 422


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


@dataclass(frozen=True)
class QueryResult:
    """A query's answer, serialised: ``kind`` is select, ask, construct or describe.

    ``generation`` is the generation of the data the answer was computed on (see
    :meth:`Executor.get_generation`); None when it is not known (then do not cache the answer)."""

    kind: str
    media_type: str
    body: bytes
    rows: int = 0
    generation: str | None = None


class _Child:
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

    def wait_ready(self) -> None:
        if self.ready:
            return
        assert self.inbox is not None
        if not self.inbox.poll(READY_TIMEOUT):
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
        self.wait_ready()
        assert self.inbox is not None and self.outbox is not None
        deadline = time.monotonic() + timeout
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


def check_query_policy(scan: lexer.Scan, allow_service: bool) -> None:
    """Refuse a federated query (SERVICE) unless the endpoint allows it: the server must not be
    a proxy into its own network. Shared by the local and the remote executor."""
    if not allow_service and scan.has("SERVICE"):
        raise QueryForbidden(
            "SERVICE (federated query) is disabled on this endpoint: the server does not "
            "call other endpoints"
        )


def check_update_policy(scan: lexer.Scan, allow_service: bool) -> None:
    """Refuse SERVICE and LOAD in an update unless allowed; LOAD only ever from http(s)."""
    if scan.has("SERVICE") and not allow_service:
        raise QueryForbidden("SERVICE (federated query) is disabled on this endpoint")
    if scan.has("LOAD"):
        if not allow_service:
            raise QueryForbidden("LOAD is disabled on this endpoint")
        targets = scan.iris_after.get("LOAD", []) + scan.iris_after.get("SILENT", [])
        if any(not t.lower().startswith(("http://", "https://")) for t in targets):
            raise QueryForbidden("LOAD is allowed only from http(s) URLs")


class Executor:
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
        self._children: list[_Child] = []
        self._free: queue.Queue[_Child] = queue.Queue()
        for _ in range(self.processes):
            child = _Child(self._config)
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

    @property
    def stats(self) -> dict[str, int]:
        """Triples per named graph ("" for the default graph), as of start or the last update."""
        return dict(self._stats)

    @property
    def triples(self) -> int:
        return sum(self._stats.values())

    @property
    def named_graphs(self) -> list[str]:
        return [g for g in self._stats if g]

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
        if timeout is None:
            return self.query_timeout
        if not timeout > 0:
            raise BadRequest(f"timeout must be a positive number of seconds, not {timeout!r}")
        return min(float(timeout), self.query_timeout)

    def _call(self, message: dict[str, Any], limit: float) -> dict[str, Any]:
        if os.getpid() != self._owner:
            raise WorkerFailure("the executor was created in another process")
        sparql = message.get("query", message.get("update"))
        if sparql is not None:
            too_deep = lexer.nesting_error(lexer.scan_cached(sparql))
            if too_deep is not None:
                raise BadRequest(too_deep)
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
        scan = lexer.scan_cached(query)
        check_query_policy(scan, self.allow_service)
        media = None
        if scan.form is not None:
            try:
                media = negotiate(scan.form, accept, format)
            except NegotiationError as exc:
                raise (BadRequest if exc.bad_request else NotAcceptable)(str(exc)) from None
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
        if not self.writable:
            raise QueryForbidden("SPARQL Update is disabled on this endpoint (read-only)")
        limit = self._limit(timeout)
        scan = lexer.scan(update)
        check_update_policy(scan, self.allow_service)
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


class RemoteUnavailable(QueryError):
    """The remote store is down, unreachable, or answered with a server error: 502."""

    status = 502


class RemoteTimeout(QueryTimeout):
    """The remote store did not answer within the query's time limit: 504."""

    status = 504


_RESULTS_FORMATS = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
_RDF_FORMATS = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}


class RemoteExecutor:
    """The :class:`Executor` interface over a remote SPARQL 1.1 store (``nomengraph serve
    --store URL``).

    The same rules apply before anything is forwarded (SERVICE and LOAD refused unless allowed,
    updates only when writable); the query's time limit is the HTTP request's timeout (504 past
    it), an unreachable store gives 502. Answers are fetched as SPARQL JSON or N-Triples, their
    rows counted against ``max_rows`` (422 above it), and re-serialised in the negotiated media
    type, so clients see the same formats as with the embedded store.
    """

    in_memory = False
    generation = None  # a remote store changes without telling: its answers are not cached
    network_guard = "not applicable (queries run on the remote store)"

    def __init__(
        self,
        remote: Any,
        *,
        writable: bool = False,
        max_rows: int = 10_000,
        query_timeout: float = 10.0,
        allow_service: bool = False,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        from nomengraph.store import StoreError

        self.remote = remote
        self.store_path = remote.display_url
        self.writable = writable
        self.max_rows = max_rows
        self.query_timeout = query_timeout
        self.allow_service = allow_service
        self.prefixes = prefixes or {}
        try:
            self._stats = remote.graph_sizes()
        except StoreError as exc:
            raise StoreError(f"the remote store cannot be queried: {exc}") from None

    stats = Executor.stats
    triples = Executor.triples
    named_graphs = Executor.named_graphs
    _limit = Executor._limit

    def worker_pids(self) -> list[int]:
        return []

    def get_generation(self) -> str | None:
        """None: the generation of a remote store's data is not known."""
        return None

    def _forward(self, call: Any, limit: float) -> Any:
        from nomengraph.remote import StoreHTTPError, StoreTimeout
        from nomengraph.store import StoreError

        try:
            return call(limit)
        except StoreTimeout:
            raise RemoteTimeout(
                f"the remote store did not answer within {limit:g} s (the query's time limit); "
                "make the query more selective or add a LIMIT"
            ) from None
        except StoreHTTPError as exc:
            if exc.status == 400:
                raise QuerySyntaxError(exc.body or str(exc)) from None
            if exc.status in (413, 422):
                raise QueryTooLarge(f"the remote store refused the answer's size: {exc}") from None
            if exc.status in (401, 403):
                raise QueryForbidden(f"the remote store refused the request: {exc}") from None
            if exc.status == 504:
                raise RemoteTimeout(f"the remote store timed out: {exc}") from None
            raise RemoteUnavailable(f"the remote store failed: {exc}") from None
        except StoreError as exc:
            raise RemoteUnavailable(f"the remote store is unavailable: {exc}") from None

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
        """As :meth:`Executor.run`, forwarded to the remote store."""
        import pyoxigraph as ox

        limit = self._limit(timeout)
        scan = lexer.scan_cached(query)
        check_query_policy(scan, self.allow_service)
        if scan.form is None:
            raise QuerySyntaxError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        try:
            media = negotiate(scan.form, accept, format)
        except NegotiationError as exc:
            raise (BadRequest if exc.bad_request else NotAcceptable)(str(exc)) from None
        if base_iri and not scan.has("BASE"):
            query = f"BASE <{base_iri}>\n{query}"
        graph_form = scan.form in ("construct", "describe")
        # N-Triples is asked for; Turtle (its superset) is read too, for stores that prefer it.
        wanted = (
            "application/n-triples, text/turtle;q=0.9"
            if graph_form
            else "application/sparql-results+json"
        )

        def call(limit: float) -> bytes:
            return self.remote.query_raw(
                query,
                wanted,
                default_graph_uris=default_graph_uris,
                named_graph_uris=named_graph_uris,
                timeout=limit,
            )[1]

        body = self._forward(call, limit)
        try:
            if graph_form:
                triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
                if len(triples) > self.max_rows:
                    raise QueryTooLarge(
                        f"the query returns more than {self.max_rows} triples (the server's "
                        "limit); add a LIMIT or page with OFFSET"
                    )
                fmt = getattr(ox.RdfFormat, _RDF_FORMATS[media])
                prefixes = self.prefixes if fmt == ox.RdfFormat.TURTLE else None
                out = ox.serialize(triples, format=fmt, prefixes=prefixes) if triples else b""
                if not triples and fmt == ox.RdfFormat.JSON_LD:
                    out = b"[]"
                return QueryResult(scan.form, media, out or b"", len(triples))
            doc = json.loads(body)
            if "boolean" in doc:
                rows = 1
            else:
                rows = len(doc["results"]["bindings"])
                if rows > self.max_rows:
                    raise QueryTooLarge(
                        f"the query returns more than {self.max_rows} rows (the server's limit); "
                        "add a LIMIT or page with OFFSET"
                    )
            if media != "application/sparql-results+json":
                parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                body = parsed.serialize(
                    format=getattr(ox.QueryResultsFormat, _RESULTS_FORMATS[media])
                )
            kind = "ask" if "boolean" in doc else "select"
            return QueryResult(kind, media, body, rows)
        except (SyntaxError, ValueError, KeyError, TypeError) as exc:
            raise RemoteUnavailable(f"the remote store sent an unreadable answer: {exc}") from None

    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None:
        """As :meth:`Executor.update`, forwarded to the remote store."""
        from nomengraph.store import StoreError

        if not self.writable:
            raise QueryForbidden("SPARQL Update is disabled on this endpoint (read-only)")
        limit = self._limit(timeout)
        scan = lexer.scan(update)
        check_update_policy(scan, self.allow_service)
        if base_iri and not scan.has("BASE"):
            update = f"BASE <{base_iri}>\n{update}"
        self._forward(lambda lim: self.remote.update(update, timeout=lim), limit)
        try:
            self._stats = self.remote.graph_sizes()
        except StoreError:
            pass

    def close(self) -> None:
        """Nothing to stop: the remote store is not ours."""
