"""Shared helpers for the W3C conformance runners (tests/test_w3c_*.py).

They start the real ``nomengraph serve`` process on a free loopback port over a store built here
with pyoxigraph, send raw HTTP requests with :mod:`http.client` (which adds no header of its own
beyond Host, Accept-Encoding and Content-Length, so a test controls exactly what is sent), and
compare query results up to blank-node renaming.
"""

from __future__ import annotations

import gc
import http.client
import itertools
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

HOST = "127.0.0.1"
ENDPOINT = "/sparql"  # the project's endpoint path (the manifests say /sparql/)
START_TIMEOUT = 60.0  # seconds to wait for /healthz


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def describe(self, limit: int = 600) -> str:
        text = self.body[:limit].decode("utf-8", "replace")
        more = " ..." if len(self.body) > limit else ""
        heads = "".join(f"\n  {k}: {v}" for k, v in sorted(self.headers.items()))
        return f"HTTP {self.status}{heads}\n\n{text}{more}"


@dataclass
class Server:
    """A running ``nomengraph serve`` process."""

    proc: subprocess.Popen
    port: int
    log: Path
    token: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Response:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def build_store(path: Path, loads: Iterable[tuple[Path, str | None]]) -> None:
    """Create an on-disk Oxigraph store at ``path`` with each file loaded into its graph.

    ``None`` as graph name means the default graph. The store is closed before returning so that
    the server process can open it.
    """
    store = ox.Store(str(path))
    for source, graph in loads:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        store.bulk_load(path=str(source), to_graph=target)
    store.flush()
    del store
    gc.collect()


def start_server(store: Path, workdir: Path, token: str = "", workers: int = 1) -> Server:
    """Start ``nomengraph serve`` over ``store`` and wait until /healthz answers 200."""
    port = free_port()
    log = workdir / f"server-{port}.log"
    args = [
        sys.executable,
        "-m",
        "nomengraph.cli",
        "serve",
        "--store",
        str(store),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if token:
        args += ["--update-token", token]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOMENGRAPH_")}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    server = Server(proc, port, log, token)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"`{' '.join(args)}` exited with {proc.returncode}:\n{server.log_tail()}"
            )
        try:
            if server.request("GET", "/healthz", timeout=2.0).status == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"server not healthy after {START_TIMEOUT}s:\n{server.log_tail()}")
        time.sleep(0.1)


# --- comparing results up to blank-node renaming ---------------------------------------------

Row = tuple[tuple[str, Hashable], ...]  # sorted (variable, term key) pairs; unbound omitted


def term_key(term: object) -> Hashable:
    """A comparable key for a pyoxigraph term; blank nodes become ("bnode", label)."""
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language or "")
    if isinstance(term, ox.Triple):
        return ("triple", term_key(term.subject), term_key(term.predicate), term_key(term.object))
    raise TypeError(f"unexpected term {term!r}")


def solution_rows(solutions: ox.QuerySolutions) -> tuple[list[str], list[Row]]:
    variables = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = [(name, term_key(solution[name])) for name in variables if solution[name] is not None]
        rows.append(tuple(sorted(row)))
    return variables, rows


def _bnodes(value: Hashable, found: set[str]) -> None:
    if isinstance(value, tuple):
        if len(value) == 2 and value[0] == "bnode" and isinstance(value[1], str):
            found.add(value[1])
        else:
            for item in value:
                _bnodes(item, found)


def _rename(value: Hashable, mapping: dict[str, str]) -> Hashable:
    if isinstance(value, tuple):
        if len(value) == 2 and value[0] == "bnode" and isinstance(value[1], str):
            return ("bnode", mapping[value[1]])
        return tuple(_rename(item, mapping) for item in value)
    return value


def same_up_to_bnodes(expected: Sequence[Hashable], actual: Sequence[Hashable]) -> bool:
    """True when the two multisets of rows are equal for some bijection of blank-node labels.

    Blank nodes are written ("bnode", label) anywhere inside the rows. The search is exhaustive,
    which is fine for the handful of blank nodes in the W3C result tests.
    """
    if len(expected) != len(actual):
        return False
    want: set[str] = set()
    got: set[str] = set()
    _bnodes(tuple(expected), want)
    _bnodes(tuple(actual), got)
    if len(want) != len(got):
        return False
    target = Counter(expected)
    labels = sorted(got)
    for perm in itertools.permutations(sorted(want)):
        mapping = dict(zip(labels, perm, strict=True))
        if Counter(_rename(row, mapping) for row in actual) == target:
            return True
    return False
