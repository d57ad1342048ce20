"""The SPARQL endpoint and linked-data server (a Flask application).

``create_app(settings)`` opens the store once for the process (in query worker processes, see
:mod:`nomengraph.server.executor`), registers the ``/sparql`` blueprint (and the HTML pages when
:mod:`nomengraph.server.pages` exists) and keeps the executor in
``app.extensions["nomengraph"]``; inside a request, :func:`get_executor` returns it.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from nomengraph.server.executor import (
    BadRequest,
    Executor,
    NotAcceptable,
    QueryError,
    QueryForbidden,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    RemoteExecutor,
    ServerBusy,
)
from nomengraph.settings import Settings
from nomengraph.store import StoreError

__all__ = [
    "BadRequest",
    "Executor",
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
    "get_settings",
]


def _prefixes() -> dict[str, str]:
    try:
        from nomengraph.vocab import PREFIXES
    except ImportError:  # pragma: no cover - vocab is part of the package
        return {}
    return dict(PREFIXES)


def create_app(settings: Settings | None = None, *, processes: int = 1, **overrides: Any) -> Flask:
    """The WSGI application for ``settings`` (fields may be overridden by keyword).

    ``processes`` is the number of query worker processes of this server process (one suits a
    sync gunicorn worker, which handles one request at a time). SPARQL Update is enabled when
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
    executor: Executor | RemoteExecutor
    if remote is not None:
        from nomengraph.remote import RemoteStore

        executor = RemoteExecutor(
            RemoteStore.from_settings(settings),
            writable=bool(settings.update_token),
            max_rows=settings.max_rows,
            query_timeout=settings.query_timeout,
            allow_service=settings.allow_service,
            prefixes=_prefixes(),
        )
    else:
        executor = Executor(
            settings.store,
            in_memory=settings.in_memory,
            writable=bool(settings.update_token),
            max_rows=settings.max_rows,
            query_timeout=settings.query_timeout,
            allow_service=settings.allow_service,
            prefixes=_prefixes(),
            processes=processes,
        )
    app.extensions["nomengraph"] = executor
    app.extensions["nomengraph.settings"] = settings

    from nomengraph.server import sparql

    app.register_blueprint(sparql.bp)
    sparql.install_app_handlers(app)
    if importlib.util.find_spec("nomengraph.server.pages") is not None:
        pages = importlib.import_module("nomengraph.server.pages")
        app.register_blueprint(pages.bp)
    return app


def get_executor() -> Executor | RemoteExecutor:
    """The query executor of the current application (inside a request or app context)."""
    return current_app.extensions["nomengraph"]


def get_settings() -> Settings:
    """The settings of the current application."""
    return current_app.extensions["nomengraph.settings"]
