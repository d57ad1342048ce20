"""The front of the endpoint: an RSGI application (granian's own interface) around Flask.

``nomengraph serve`` runs this under granian (a Rust HTTP server). The HTTP connection, the
request line and the headers are read by granian, in Rust, with a header read timeout: a slow
client holds no Python thread while it dawdles. Then, in the event loop, for each request:

1. the request line is capped (``max_request_line``: 414, long queries go by POST);
2. the body is read whole, with a deadline (``body_timeout``: 408) and a size cap
   (``max_request_bytes``: 413), before anything else is taken;
3. a conditional request whose ETag still holds gets 304 and a cached answer is sent from the
   in-process cache, both without a thread or a query worker: a store generation never changes,
   so an answer is keyed on (generation, method, path, parameters, Accept, Accept-Language,
   body);
4. admission: a client (IP address) may have ``per_client`` requests in progress (429 with
   Retry-After past it) and runs on at most ``workers - 1`` slots at once, one slot a query
   worker, so that a heavy client cannot take every worker; the others wait in a bounded queue
   (``queue_size``, 503 with Retry-After when full) at most ``queue_wait`` seconds;
5. the Flask app runs in a thread of a pool of ``workers`` threads, with the request's deadline
   (arrival + ``query_timeout``) in the WSGI environ, so queue time counts against the limit.

Static files, ``/healthz`` and CORS preflights skip admission (they use no query worker).
"""

from __future__ import annotations

import asyncio
import ctypes
import io
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

from nomengraph.server.admission import Admission, Rejected
from nomengraph.server.cache import (
    CACHEABLE_METHODS,
    AnswerCache,
    Cached,
    etag_list,
    etag_of,
    readonly,
    request_key,
)
from nomengraph.settings import Settings

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

DEADLINE_KEY = "nomengraph.deadline"  # WSGI environ: time.monotonic() by which to answer
CLIENT_KEY = "nomengraph.client"
GENERATION_KEY = "nomengraph.generation"
PR_SET_PDEATHSIG = 1  # prctl option: the signal sent to a process when its parent dies
GENERATION_HEADER = "x-store-generation"  # on every answer from a store generation
UNGUARDED_PREFIXES = ("/static/", "/healthz")


def _plain(status: int, message: str, headers: dict[str, str] | None = None) -> Cached:
    body = (message.rstrip("\n") + "\n").encode("utf-8")
    fixed = [
        ("content-type", "text/plain; charset=utf-8"),
        ("access-control-allow-origin", "*"),
    ]
    return Cached(status, fixed + list((headers or {}).items()), body, "")


class Front:
    """The RSGI application around a WSGI app (see the module docstring)."""

    def __init__(
        self,
        app: WSGIApp,
        settings: Settings,
        generation: Callable[[], str | None] | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.generation = generation or (lambda: None)
        slots = 1 if settings.update_token else max(1, settings.workers)
        self.admission = Admission(
            slots, settings.per_client, settings.queue_size, settings.queue_wait
        )
        # Unguarded requests (health, static files) run beside the admitted ones.
        self.threads = ThreadPoolExecutor(max_workers=slots + 4, thread_name_prefix="request")
        self.cache = AnswerCache(settings.cache_bytes) if settings.cache_bytes > 0 else None
        self.cache_generation: str | None = None
        self.cache_control = (
            f"public, max-age={settings.cache_max_age}"
            if settings.cache_max_age > 0
            else "no-cache"
        )

    # -- RSGI entry points -----------------------------------------------------------------

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        pass

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.threads.shutdown(wait=False, cancel_futures=True)
        close = getattr(self.app, "nomengraph_close", None)
        if close is not None:
            close()

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return  # no websockets here: granian closes the connection
        arrival = time.monotonic()
        method: str = scope.method
        try:
            line = len(method) + len(scope.path) + len(scope.query_string) + 12
            if line > self.settings.max_request_line:
                raise Rejected(
                    414,
                    f"request line too long ({line} bytes; the limit is "
                    f"{self.settings.max_request_line}); send long queries with POST",
                )
            body = await self.read_body(scope, protocol)
        except Rejected as exc:
            self.reply(protocol, _plain(exc.status, exc.message, exc.headers), method)
            return
        answer = await self.answer(scope, method, body, arrival)
        self.reply(protocol, answer, method)

    async def answer(self, scope: Any, method: str, body: bytes, arrival: float) -> Cached:
        """The answer to a request read whole: from the cache, refused, or from the app."""
        path: str = scope.path
        guarded = not path.startswith(UNGUARDED_PREFIXES) and method != "OPTIONS"
        generation = self.generation() if guarded else None
        headers = scope.headers
        key = etag = None
        if generation is not None and method in CACHEABLE_METHODS and readonly(method, headers):
            key = request_key(generation, method, path, scope.query_string, headers, body)
            etag = etag_of(key)
            match = headers.get("if-none-match")
            if match and method != "POST" and (match.strip() == "*" or etag in etag_list(match)):
                return Cached(
                    304,
                    [("cache-control", self.cache_control), (GENERATION_HEADER, generation)],
                    b"",
                    etag,
                )
            if self.cache is not None:
                if self.cache_generation != generation:
                    self.cache.clear()
                    self.cache_generation = generation
                hit = self.cache.get(key)
                if hit is not None:
                    return hit
        client = scope.client.rsplit(":", 1)[0].strip("[]")
        deadline = arrival + self.settings.query_timeout
        if guarded:
            try:
                await self.admission.enter(client, deadline)
            except Rejected as exc:
                return _plain(exc.status, exc.message, exc.headers)
        try:
            environ = self._environ(scope, body, deadline, client, generation)
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(self.threads, self._call_wsgi, environ)
        finally:
            if guarded:
                self.admission.leave(client)
        # The app names the generation that answered; it may be newer than the one read on
        # arrival (a build flipped the store meanwhile): then the answer is neither keyed nor
        # cached under the arrival's generation.
        answered = next((v for k, v in answer.headers if k == GENERATION_HEADER), None)
        if answered is None and generation is not None:
            answer.headers.append((GENERATION_HEADER, generation))
        elif answered is not None and answered != generation:
            key = etag = None
        if key is not None and etag is not None and answer.status == 200:
            answer.etag = etag
            answer.headers.append(("cache-control", self.cache_control))
            if self.cache is not None and self.generation() == generation:
                self.cache.put(key, answer)
        return answer

    # -- pieces ----------------------------------------------------------------------------

    async def read_body(self, scope: Any, protocol: Any) -> bytes:
        """The whole request body, within ``body_timeout`` and ``max_request_bytes``."""
        limit = self.settings.max_request_bytes
        declared = scope.headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                raise Rejected(400, "Content-Length is not a number") from None
            if size > limit:
                raise Rejected(413, f"request too large: the limit is {limit} bytes")
            if size == 0:
                return b""
        elif scope.method in ("GET", "HEAD", "OPTIONS", "DELETE") and (
            "transfer-encoding" not in scope.headers
        ):
            return b""
        chunks: list[bytes] = []
        total = 0

        async def collect() -> None:
            nonlocal total
            async for chunk in protocol:
                if chunk:
                    total += len(chunk)
                    if total > limit:
                        raise Rejected(413, f"request too large: the limit is {limit} bytes")
                    chunks.append(chunk)

        try:
            await asyncio.wait_for(collect(), self.settings.body_timeout)
        except TimeoutError:
            raise Rejected(
                408,
                f"the request body did not arrive within {self.settings.body_timeout:g} s",
                {"connection": "close"},
            ) from None
        return b"".join(chunks)

    def _environ(
        self, scope: Any, body: bytes, deadline: float, client: str, generation: str | None
    ) -> dict[str, Any]:
        host, _, port = scope.server.rpartition(":")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(scope.path, encoding="latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": host.strip("[]") or "127.0.0.1",
            "SERVER_PORT": port or str(self.settings.port),
            "SERVER_PROTOCOL": f"HTTP/{'1.1' if scope.http_version == '1' else scope.http_version}",
            "REMOTE_ADDR": client,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            DEADLINE_KEY: deadline,
            CLIENT_KEY: client,
            GENERATION_KEY: generation,
        }
        for name in scope.headers.keys():
            if name in ("content-length", "transfer-encoding"):
                continue
            value = ",".join(scope.headers.get_all(name))
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
            else:
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        return environ

    def _call_wsgi(self, environ: dict[str, Any]) -> Cached:
        """Run the WSGI app (in a pool thread) and collect its whole answer."""
        started: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = headers
            return lambda _data: None  # the legacy write() callable: unused by Flask

        try:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception as exc:  # noqa: BLE001 - a bug of ours: logged, answered 500
            print(f"nomengraph: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return _plain(500, "internal server error (logged)")
        headers = [
            (k.lower(), v)
            for k, v in started.get("headers", [])
            if k.lower() not in ("content-length", "transfer-encoding", "connection")
        ]
        return Cached(started.get("status", 500), headers, body, "")

    @staticmethod
    def reply(protocol: Any, answer: Cached, method: str) -> None:
        headers = answer.headers
        if answer.etag:
            headers = [*headers, ("etag", answer.etag)]
        if answer.status == 304 or method == "HEAD":
            # granian sends no body; Content-Length tells a HEAD client what GET would send.
            if method == "HEAD" and answer.status != 304:
                headers = [*headers, ("content-length", str(len(answer.body)))]
            protocol.response_empty(answer.status, headers)
        else:
            protocol.response_bytes(answer.status, headers, answer.body)


def _generation_of(settings: Settings) -> Callable[[], str | None]:
    """The store generation as a cheap call (None: answers are not cacheable)."""
    if settings.remote_store is not None or settings.update_token:
        return lambda: None
    from nomengraph import store as store_module

    current = getattr(store_module, "current_generation", None)
    path = os.fspath(settings.store)
    if current is not None:
        last: list[str | None] = [None, None]  # the link's target and its generation

        def generation() -> str | None:
            # One readlink per request; the store module's longer reading only on a change.
            try:
                target = os.readlink(path)
            except OSError:
                target = None
            if target is not None and target == last[0]:
                return last[1]
            try:
                found = current(path)
            except (OSError, ValueError, store_module.StoreError):
                return None
            last[0], last[1] = target, found
            return found

        return generation

    def fallback() -> str | None:  # a store without generations: its identity on disk
        try:
            st = os.stat(os.path.join(path, "CURRENT"))
        except OSError:
            return None
        return f"{st.st_dev}-{st.st_ino}-{st.st_mtime_ns}"

    return fallback


def create_front(settings: Settings | None = None) -> Front:
    """The RSGI application for ``settings`` (by default from the environment)."""
    from nomengraph.server import create_app

    settings = settings or Settings.load()
    _die_with_parent()
    app = create_app(settings, processes=max(1, settings.workers))
    print(guard_message(app.extensions["nomengraph"].network_guard), file=sys.stderr, flush=True)
    return Front(app, settings, _generation_of(settings))


def guard_message(network_guard: str) -> str:
    """The line ``serve`` prints at start about the query workers' network guard."""
    if network_guard.startswith(("network namespace", "seccomp")):
        return (
            f"nomengraph: query workers run without network access (guard: {network_guard}); "
            "SERVICE, LOAD and remote FROM cannot reach any host"
        )
    if network_guard.startswith("not applicable"):
        return f"nomengraph: network guard {network_guard}: see docs/remote-store.md"
    return (
        f"nomengraph: warning: no operating-system network guard for the query workers "
        f"({network_guard}); SERVICE and LOAD are refused by the text check alone"
    )


def _die_with_parent() -> None:
    """Ask the kernel to kill this server process when the process that started it dies (even
    by SIGKILL), so that no orphan keeps the port and the store's query workers; they exit on
    their own once their pipes close. Linux only; elsewhere the server stops with its parent's
    signal as usual."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
