"""A real ``nomengraph serve`` process (granian and the front) tested over HTTP on loopback."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).parents[1]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LOOKUP = "ASK { <https://w3id.org/nomengraph/id/scheme/cigref-2018> ?p ?o }"
TOKEN = "process-test-token"


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def query(self, query: str, **params: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", "/sparql?" + urlencode({"query": query, **params}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(store: Path, log: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "nomengraph.cli", "serve", "--store", str(store)]
    command += ["--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
    server = Server(proc, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        try:
            if server.request("GET", "/healthz", timeout=5)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise AssertionError(f"the server did not answer /healthz: {log.read_text()}")


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture(scope="module")
def server(small_store, tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    s = start(
        small_store,
        log,
        "--workers",
        "2",
        "--timeout",
        "3",
        env={"NOMENGRAPH_MAX_REQUEST_BYTES": "50000"},
    )
    yield s
    stop(s)


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == pid:
                found.append(int(entry.name))
    return found


def query_workers(server: Server) -> set[int]:
    """The query worker processes: children of the server's worker process."""
    return {pid for worker in children(server.proc.pid) for pid in children(worker)}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_served_get_query_returns_json_results(server):
    status, headers, body = server.query(LOOKUP)
    assert status == 200
    assert headers["content-type"].startswith("application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
    assert headers["access-control-allow-origin"] == "*"


def test_served_post_form_and_body_queries_are_answered(server):
    form = urlencode({"query": LOOKUP}).encode()
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    assert server.request("POST", "/sparql", form, ctype)[0] == 200
    ctype = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"}
    status, headers, body = server.request("POST", "/sparql", LOOKUP.encode(), ctype)
    assert status == 200 and b"<boolean>true</boolean>" in body


def test_served_service_description_is_turtle(server):
    status, headers, body = server.request("GET", "/sparql")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert f"sd:endpoint <http://127.0.0.1:{server.port}/sparql>".encode() in body


def test_served_cors_preflight(server):
    status, headers, _ = server.request(
        "OPTIONS",
        "/sparql",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]


def test_served_oversize_requests_are_414_or_413(server):
    long_query = "ASK {} #" + "x" * 60_000
    status, _, text = server.query(long_query)
    assert status == 414 and b"POST" in text  # the request line is capped: long queries POST
    body = long_query.encode()
    status, _, text = server.request(
        "POST", "/sparql", body, {"Content-Type": "application/sparql-query"}
    )
    assert status == 413 and b"50000" in text


def test_served_other_methods_are_405(server):
    status, headers, _ = server.request("DELETE", "/sparql")
    assert status == 405 and "POST" in headers["allow"]


def test_slow_query_is_killed_at_the_time_limit_while_others_are_answered(server):
    before = query_workers(server)
    assert len(before) == 2
    outcome: dict[str, object] = {}

    def slow() -> None:
        outcome["response"] = server.query(SLOW)

    thread = threading.Thread(target=slow)
    thread.start()
    # Wait until a query worker is busy with the slow query (its CPU time grows).
    for _ in range(50):
        time.sleep(0.1)
        if any(_cpu_ticks(pid) > 10 for pid in before):
            break
    health = server.request("GET", "/healthz", timeout=10)
    lookup = server.query(LOOKUP)
    still_running = thread.is_alive()
    thread.join(timeout=30)
    assert health[0] == 200 and lookup[0] == 200
    assert still_running, "the other requests should be answered while the slow query runs"
    status, _, body = outcome["response"]
    assert status == 503 and b"stopped after 3 s" in body
    after = query_workers(server)
    killed = before - after
    assert len(killed) == 1 and len(after) == 2
    assert not any(alive(pid) for pid in killed)
    assert server.query(LOOKUP)[0] == 200


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_serve_without_a_store_exits_2_naming_the_path(tmp_path):
    missing = tmp_path / "nowhere"
    out = subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", "serve", "--store", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 2
    assert str(missing) in out.stderr and "nomengraph build" in out.stderr


def test_served_updates_need_the_token_and_are_seen_by_queries(small_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    server = start(store, tmp_path / "serve.log", env={"NOMENGRAPH_UPDATE_TOKEN": TOKEN})
    try:
        update = b"INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 42 } }"
        ctype = {"Content-Type": "application/sparql-update"}
        status, headers, _ = server.request("POST", "/sparql", update, ctype)
        assert status == 401 and headers["www-authenticate"].startswith("Bearer")
        auth = {**ctype, "Authorization": f"Bearer {TOKEN}"}
        assert server.request("POST", "/sparql", update, auth)[0] == 204
        status, _, body = server.query("SELECT ?o { <urn:x:s> <urn:x:p> ?o }")
        assert json.loads(body)["results"]["bindings"][0]["o"]["value"] == "42"
        status, _, body = server.request("GET", "/healthz")
        assert "urn:x:g" in json.loads(body)["graphs"]
    finally:
        stop(server)
