"""``nomengraph serve``: the endpoint under granian, a Rust HTTP server, with the RSGI front.

granian reads connections, request lines and headers in Rust, with a header read timeout and a
bounded buffer, so a slow or hostile client holds no Python thread; the front
(:mod:`nomengraph.server.front`) then reads the body with a deadline, answers from its cache or
admits the request (per-client limit, bounded queue) and runs the Flask app in a pool of
``settings.workers`` threads, one per query worker process (:mod:`nomengraph.server.executor`).

One server process holds the admission state, the cache and the query workers; the query
workers run the queries in parallel (each a process, killed at the time limit). The settings
reach that process through ``NOMENGRAPH_*`` variables, the same way as from a shell.

With an update token the store is opened read-write by one query worker (RocksDB lets one
process write), so that every query sees every update; answers are then not cached.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import fields
from pathlib import Path

from nomengraph.exitcodes import EXIT_ERROR
from nomengraph.settings import Settings

HEADER_ALLOWANCE = 48 * 1024  # bytes of headers granian buffers beside the request line


def settings_environment(settings: Settings) -> dict[str, str]:
    """``NOMENGRAPH_*`` variables that make ``Settings.load()`` give back ``settings``."""
    env: dict[str, str] = {}
    for f in fields(settings):
        value = getattr(settings, f.name)
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = os.fspath(value) if isinstance(value, Path) else str(value)
        env[f"NOMENGRAPH_{f.name.upper()}"] = text
    return env


def granian_server(settings: Settings) -> object:
    """The granian server for ``settings`` (not started)."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    http1 = HTTP1Settings(
        header_read_timeout=max(1, int(settings.header_timeout * 1000)),
        keep_alive=True,
        max_buffer_size=max(8192, settings.max_request_line + HEADER_ALLOWANCE),
    )
    return Granian(
        "nomengraph.server.front:create_front",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.RSGI,
        workers=1,
        http="1",
        http1_settings=http1,
        websockets=False,
        backlog=1024,
        respawn_failed_workers=True,
        log_access=False,
        workers_kill_timeout=10,
    )


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
    # Not opened here: RocksDB state must not be created in the server process before it forks.
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
        f"/sparql (query timeout {settings.query_timeout:g} s, max rows {settings.max_rows}, "
        f"{settings.workers} query workers, {settings.per_client} requests per client)",
        file=sys.stderr,
        flush=True,
    )
    os.environ.update(settings_environment(settings))
    server = granian_server(settings)
    interrupt_once(server)
    try:
        server.serve()  # type: ignore[attr-defined]
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


MAIN_LOOP_POLL = 0.25  # seconds: how soon granian's main loop sees a stop signal's flag


class _PollingEvent(threading.Event):
    """granian's main-loop event, whose waits last at most :data:`MAIN_LOOP_POLL` (its loop
    takes an early wake-up for nothing to do and waits again)."""

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(MAIN_LOOP_POLL if timeout is None else min(timeout, MAIN_LOOP_POLL))


def interrupt_once(server: object) -> None:
    """Make granian's stop and reload signals take no lock. Its handlers set a threading.Event
    from within the signal handler: when the signal lands while the main thread holds that
    Event's lock (entering or leaving its wait, or inside a first handler when a burst of
    signals arrives), the main thread deadlocks on itself and the server never stops, keeping
    its port. Here a handler only sets granian's flag, and the main loop, woken every
    :data:`MAIN_LOOP_POLL` seconds, sees it: a burst of signals (a double Ctrl-C, a supervisor
    and a user both stopping it) stops the server once, cleanly."""
    server.main_loop_interrupt = _PollingEvent()  # type: ignore[attr-defined]

    def interrupt(*args: object, **kwargs: object) -> None:
        server.interrupt_signal = True  # type: ignore[attr-defined]

    def reload(*args: object, **kwargs: object) -> None:
        server.reload_signal = True  # type: ignore[attr-defined]

    server.signal_handler_interrupt = interrupt  # type: ignore[attr-defined]
    server.signal_handler_reload = reload  # type: ignore[attr-defined]
