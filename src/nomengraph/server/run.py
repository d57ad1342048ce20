"""``nomengraph serve``: the endpoint under gunicorn, a production WSGI server.

Read-only (the default): ``settings.workers`` sync gunicorn workers, each a process with its own
Flask app and one query worker process holding the store (an in-memory copy when
``settings.in_memory``). A sync worker handles one request at a time, so a slow query occupies one
worker while the others keep answering; the query is killed at its time limit.

With an update token: one gunicorn worker (threaded) and one query worker that opens the on-disk
store read-write, so that every query sees every update (RocksDB lets one process write).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from nomengraph.settings import Settings

EXIT_ERROR = 2


class EndpointApplication(BaseApplication):
    """gunicorn's application API: options from Settings, the app from create_app."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from nomengraph.server import create_app

        return create_app(self.settings, processes=1)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """The gunicorn configuration for ``settings``."""
    options: dict[str, Any] = {
        "bind": f"[{settings.host}]:{settings.port}"
        if ":" in settings.host
        else f"{settings.host}:{settings.port}",
        "workers": max(1, settings.workers),
        "worker_class": "sync",
        # The query worker is killed at query_timeout; gunicorn's own watchdog comes later.
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 10,
        "keepalive": 2,
        # Long GET queries are checked against max_request_bytes by the app (413), not here.
        "limit_request_line": 0,
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "nomengraph-serve",
        "preload_app": False,
    }
    if settings.update_token:
        # One writer process; threads keep /healthz and pages answering while a query runs.
        options.update(workers=1, worker_class="gthread", threads=max(4, 2 * settings.workers))
    return options


def check_store(settings: Settings) -> str | None:
    """None when the store can be opened, else a message naming the path and what to do."""
    if settings.remote_store is not None:
        from nomengraph.remote import RemoteStore
        from nomengraph.store import StoreError

        try:
            remote = RemoteStore.from_settings(settings)
            remote.ping(timeout=min(settings.store_timeout, 10.0))
        except StoreError as exc:
            return f"the remote store does not answer: {exc}"
        return None
    path = Path(settings.store)
    if not (path / "CURRENT").exists():
        return (
            f"no store at {path}; build it first with `nomengraph build --store {path}` "
            "(or point --store / NOMENGRAPH_STORE at an existing store)"
        )
    # Not opened here: RocksDB state must not be created in the gunicorn master before it forks.
    return None


def _where(settings: Settings) -> str:
    """The store, for messages (a remote URL without its credentials)."""
    if settings.remote_store is not None:
        from nomengraph.remote import _split_credentials

        return f"the remote store {_split_credentials(settings.remote_store)[0]}"
    return str(settings.store)


def run_server(settings: Settings) -> int:
    """Serve until stopped (SIGINT/SIGTERM); returns the exit code (2 when there is no store)."""
    problem = check_store(settings)
    if problem:
        print(f"nomengraph: error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    mode = "read-write (SPARQL Update enabled)" if settings.update_token else "read-only"
    print(
        f"nomengraph: serving {_where(settings)} {mode} on http://{settings.host}:{settings.port}"
        f"/sparql (query timeout {settings.query_timeout:g} s, max rows {settings.max_rows})",
        file=sys.stderr,
        flush=True,
    )
    try:
        EndpointApplication(settings, gunicorn_options(settings)).run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0
