"""The SPARQL endpoint and linked-data server (a Flask application).

``create_app(settings)`` opens the store for the process (in query worker processes, see
:mod:`nomengraph.server.executor`), registers the ``/sparql`` blueprint (and the HTML pages when
:mod:`nomengraph.server.pages` exists) and keeps an :class:`ExecutorSwitch` in
``app.extensions["nomengraph"]``.

One store generation at a time: a build makes a new generation of the store current with an
atomic flip of the store's link (:mod:`nomengraph.store`). On each request the switch reads the
link (one readlink); when it changed, it starts an executor on the new generation (requests that
arrive meanwhile wait for it, so no request answered after the flip sees the old data) and closes
the old executor once the requests using it are done. A request keeps one executor for its whole
duration: inside a request, :func:`get_executor` returns it, and :func:`get_generation` the
generation of its data (for ETags and cache keys; it is also sent as ``X-Store-Generation``).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request

from nomengraph.server.contract import QueryResult
from nomengraph.server.errors import (
    BadRequest,
    NotAcceptable,
    QueryError,
    QueryForbidden,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    ServerBusy,
    WorkerFailure,
)
from nomengraph.server.executor import Executor
from nomengraph.server.remote_executor import RemoteExecutor
from nomengraph.settings import Settings
from nomengraph.store import StoreError, current_generation

__all__ = [
    "BadRequest",
    "Executor",
    "ExecutorSwitch",
    "NotAcceptable",
    "QueryError",
    "QueryForbidden",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "RemoteExecutor",
    "ServerBusy",
    "create_app",
    "get_executor",
    "get_generation",
    "get_settings",
]

GENERATION_HEADER = "X-Store-Generation"
_LEASE = "nomengraph.executor"  # in the request's WSGI environ: the executor it holds
_FRONT_GENERATION = "nomengraph.generation"  # WSGI environ: the generation the front read


class ExecutorSwitch:
    """The executor of the store's current generation, switched when a build flips the store.

    :meth:`acquire` (once per request) reads the store's link; when a build made another
    generation current, it starts an executor on it, while requests arriving meanwhile wait, and
    retires the old one: it is closed when the last request holding it :meth:`release` s it. For
    a remote store (``path`` None) the executor never changes.

    Outside a request, the switch stands for the current executor: its attributes (``stats``,
    ``worker_pids()``...) are those of the current executor, and :meth:`run` and :meth:`update`
    run on it.
    """

    def __init__(self, start: Callable[[], Any], path: str | Path | None) -> None:
        self._start = start
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()  # the fields below
        self._switching = threading.Lock()  # one executor starts at a time
        self._current: Any = start()
        self._leases: dict[Any, int] = {}
        self._retired: set[Any] = set()
        self._closed = False

    def _generation_now(self) -> str | None:
        if self.path is None:
            return None
        try:
            return current_generation(self.path)
        except StoreError:  # the store path vanished (removed by hand): keep what we have
            return None

    def _take(self, generation: str | None) -> Any:
        """A lease on the current executor if it serves ``generation`` (under ``_lock``)."""
        if self._closed:
            raise WorkerFailure("the server is shutting down")
        current = self._current
        if generation is not None and generation != current.generation:
            return None
        self._leases[current] = self._leases.get(current, 0) + 1
        return current

    def acquire(self) -> Any:
        """The executor of the current generation, held until :meth:`release`."""
        with self._lock:
            executor = self._take(self._generation_now())
        if executor is not None:
            return executor
        with self._switching:
            generation = self._generation_now()
            with self._lock:
                executor = self._take(generation)
            if executor is not None:  # another request switched meanwhile
                return executor
            try:
                new = self._start()
            except StoreError as exc:
                raise WorkerFailure(f"the store's new generation cannot be opened: {exc}") from None
            with self._lock:
                old, self._current = self._current, new
                self._leases[new] = 1
                idle = self._leases.get(old, 0) == 0
                if not idle:
                    self._retired.add(old)
                closed = self._closed
        if idle or closed:
            old.close()
        if closed:
            new.close()
            raise WorkerFailure("the server is shutting down")
        return new

    def release(self, executor: Any) -> None:
        """Give back a lease from :meth:`acquire`; closes a retired executor left unused."""
        with self._lock:
            left = self._leases.get(executor, 0) - 1
            if left > 0:
                self._leases[executor] = left
                return
            self._leases.pop(executor, None)
            if executor not in self._retired:
                return
            self._retired.discard(executor)
        executor.close()

    def current(self) -> Any:
        """The executor of the current generation (switching first if needed), not held."""
        executor = self.acquire()
        self.release(executor)
        return executor

    def get_generation(self) -> str | None:
        """The generation of the current executor's data (see :meth:`Executor.get_generation`)."""
        return self.current().get_generation()

    def run(self, query: str, **kwargs: Any) -> QueryResult:
        executor = self.acquire()
        try:
            return executor.run(query, **kwargs)
        finally:
            self.release(executor)

    def update(self, update: str, **kwargs: Any) -> None:
        executor = self.acquire()
        try:
            executor.update(update, **kwargs)
        finally:
            self.release(executor)

    def close(self) -> None:
        """Close every executor (current and retired)."""
        with self._lock:
            self._closed = True
            executors = [self._current, *self._retired]
            self._retired.clear()
        for executor in executors:
            executor.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.current(), name)


def _prefixes() -> dict[str, str]:
    """The prefixes the endpoint's Turtle declares (the one table: nomengraph.prefixes)."""
    from nomengraph import prefixes

    return prefixes.subset(prefixes.EXPORTED)


def create_app(settings: Settings | None = None, *, processes: int = 1, **overrides: Any) -> Flask:
    """The WSGI application for ``settings`` (fields may be overridden by keyword).

    ``processes`` is the number of query worker processes (queries that run at once; the
    front admits as many requests to the app). SPARQL Update is enabled when
    ``settings.update_token`` is set; the store is then opened read-write by one worker.
    Raises :class:`~nomengraph.store.StoreError` when there is no store at ``settings.store``.
    """
    settings = settings or Settings.load()
    if overrides:
        settings = replace(settings, **overrides)
    remote = settings.remote_store
    if remote is None and not (Path(settings.store) / "CURRENT").exists():
        raise StoreError(
            f"{settings.store}: no store here; build it first with "
            f"`nomengraph build --store {settings.store}`"
        )
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    switch: ExecutorSwitch
    if remote is not None:
        from nomengraph.remote import RemoteStore

        remote_store = RemoteStore.from_settings(settings)

        def start_remote() -> RemoteExecutor:
            return RemoteExecutor(
                remote_store,
                writable=bool(settings.update_token),
                max_rows=settings.max_rows,
                query_timeout=settings.query_timeout,
                allow_service=settings.allow_service,
                prefixes=_prefixes(),
            )

        switch = ExecutorSwitch(start_remote, None)
    else:

        def start() -> Executor:
            return Executor(
                settings.store,
                in_memory=settings.in_memory,
                writable=bool(settings.update_token),
                max_rows=settings.max_rows,
                query_timeout=settings.query_timeout,
                allow_service=settings.allow_service,
                prefixes=_prefixes(),
                processes=processes,
                memory_limit=settings.memory_limit,
                max_result_bytes=settings.max_result_bytes,
            )

        switch = ExecutorSwitch(start, settings.store)
    app.extensions["nomengraph"] = switch
    app.extensions["nomengraph.settings"] = settings
    app.after_request(_generation_header)
    app.teardown_request(_release_executor)

    from nomengraph.server import i18n, sparql

    i18n.init_app(app)
    app.register_blueprint(sparql.bp)
    sparql.install_app_handlers(app)
    from nomengraph.server import search

    app.register_blueprint(search.bp)
    if importlib.util.find_spec("nomengraph.server.pages") is not None:
        pages = importlib.import_module("nomengraph.server.pages")
        app.register_blueprint(pages.bp)
    from nomengraph.server import visuals

    app.register_blueprint(visuals.bp)
    return app


def get_executor() -> Any:
    """The query executor: inside a request, the executor of the store's current generation,
    held by the request until its end (the same one however often it is called); outside a
    request, the application's :class:`ExecutorSwitch`, which runs on the current executor."""
    switch: ExecutorSwitch = current_app.extensions["nomengraph"]
    if not has_request_context():
        return switch
    executor = request.environ.get(_LEASE)
    if executor is None:
        executor = request.environ[_LEASE] = switch.acquire()
    return executor


def get_generation() -> str | None:
    """The generation of the data the current request is answered from (the store generation
    id; with updates enabled, followed by a count of the updates applied): a key for ETags and
    caches that changes whenever the data may have changed. None for a remote store."""
    return get_executor().get_generation()


def _generation_header(response: Response) -> Response:
    """Name the generation that answered, unless the front (which read the store's generation
    when the request arrived, and names it too) already has it right."""
    executor = request.environ.get(_LEASE)
    if executor is not None:
        generation = executor.get_generation()
        if generation is not None and generation != request.environ.get(_FRONT_GENERATION):
            response.headers[GENERATION_HEADER] = generation
    return response


def _release_executor(_exc: BaseException | None) -> None:
    executor = request.environ.pop(_LEASE, None)
    if executor is not None:
        current_app.extensions["nomengraph"].release(executor)


def get_settings() -> Settings:
    """The settings of the current application."""
    return current_app.extensions["nomengraph.settings"]
