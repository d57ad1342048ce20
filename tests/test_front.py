"""The endpoint's front under hostile and heavy clients, against real server processes.

Every load here targets loopback only, with bounded loops. Clients are told apart by their
address: the loopback range 127.0.0.0/8 gives each test client an address of its own.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from nomengraph.server.admission import Admission, Rejected
from nomengraph.server.cache import AnswerCache, Cached
from nomengraph.server.front import guard_message
from test_server_process import SLOW, Server, alive, children, start, stop

HEAVY = SLOW  # a three-way cross product: seconds of CPU on the small store


def ask(n: int) -> str:
    """A cheap query, distinct per ``n`` so that no answer comes from the cache."""
    return f"ASK {{ <urn:front:test:{n}> ?p ?o }}"


class Client:
    """An HTTP client bound to its own loopback source address (one 'client' to the server)."""

    def __init__(self, server: Server, address: str) -> None:
        self.server = server
        self.address = address

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], bytes, float]:
        start = time.monotonic()
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.server.port, timeout=timeout, source_address=(self.address, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            return (
                r.status,
                {k.lower(): v for k, v in r.getheaders()},
                data,
                (time.monotonic() - start),
            )
        finally:
            conn.close()

    def query(self, query: str, **headers: str) -> tuple[int, dict[str, str], bytes, float]:
        return self.request("GET", "/sparql?" + urlencode({"query": query}), headers=headers)


@pytest.fixture(scope="module")
def front(small_store, tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("front") / "serve.log"
    server = start(
        small_store,
        log,
        "--workers",
        "4",
        "--timeout",
        "4",
        env={
            "NOMENGRAPH_PER_CLIENT": "4",
            "NOMENGRAPH_HEADER_TIMEOUT": "2",
            "NOMENGRAPH_BODY_TIMEOUT": "2",
            "NOMENGRAPH_MAX_REQUEST_BYTES": "50000",
        },
    )
    yield server
    stop(server)


# -- request line, headers and body ---------------------------------------------------------


def raw_exchange(port: int, data: bytes, timeout: float = 10) -> tuple[bytes, float]:
    """Send ``data`` on a fresh connection; the first bytes of the answer and the time taken."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything
        try:
            answer = sock.recv(4096)
        except ConnectionResetError:
            answer = b""
    return answer, time.monotonic() - start


def test_long_request_lines_are_refused_at_once(front):
    status, _, body, _ = Client(front, "127.0.0.1").query("ASK {} #" + "x" * 20_000)
    assert status == 414 and b"POST" in body
    # An 8 MB URL: refused (414, or 431 once it outgrows the buffer) without reading it all.
    answer, took = raw_exchange(
        front.port, b"GET /sparql?query=" + b"a" * 8_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert answer.split(b" ")[1] in (b"414", b"431"), answer[:80]
    assert took < 5
    assert Client(front, "127.0.0.1").query(ask(0))[0] == 200


def test_bodies_are_capped_before_they_are_read(front):
    client = Client(front, "127.0.0.1")
    ctype = {"Content-Type": "application/sparql-query"}
    status, _, body, _ = client.request("POST", "/sparql", b"ASK {}" + b" " * 60_000, ctype)
    assert status == 413 and b"50000" in body
    status, _, body, _ = client.request(
        "POST", "/sparql", b"ASK {}", {**ctype, "Content-Length": "many"}
    )
    assert status == 400


def test_a_body_that_does_not_arrive_in_time_is_408(front):
    with socket.create_connection(("127.0.0.1", front.port), timeout=15) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        start = time.monotonic()
        answer = sock.recv(4096)
        took = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert 1.5 < took < 10  # NOMENGRAPH_BODY_TIMEOUT=2


def test_headers_that_do_not_arrive_in_time_close_the_connection(front):
    with socket.create_connection(("127.0.0.1", front.port), timeout=15) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        answer = sock.recv(4096)  # nothing more is sent: the server gives up
        took = time.monotonic() - start
    assert b" 200 " not in answer[:20]
    assert took < 10  # NOMENGRAPH_HEADER_TIMEOUT=2


def trickle(port: int, stop_at: float, body: bool, counter: list[int]) -> None:
    """One slow client: a byte a second, headers (or a declared body) never complete."""
    head = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: slow\r\nX-Slow: "
    if body:
        head = (
            b"POST /sparql HTTP/1.1\r\nHost: slow\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK "
        )
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(head)
            counter[0] += 1
            while time.monotonic() < stop_at:
                sock.sendall(b"a")
                time.sleep(1)
    except OSError:
        pass  # the server closed the connection at its timeout: what it should do


def test_forty_slow_clients_do_not_delay_a_normal_one(small_store, tmp_path):
    server = start(
        small_store,
        tmp_path / "serve.log",
        "--workers",
        "2",
        env={"NOMENGRAPH_HEADER_TIMEOUT": "30", "NOMENGRAPH_BODY_TIMEOUT": "30"},
    )
    try:
        stop_at = time.monotonic() + 8
        opened = [0]
        threads = [
            threading.Thread(target=trickle, args=(server.port, stop_at, i % 2 == 1, opened))
            for i in range(40)
        ]
        for t in threads:
            t.start()
        time.sleep(1.5)
        assert opened[0] == 40
        client = Client(server, "127.0.0.2")
        timings = []
        for n in range(10):
            status, _, _, took = client.query(ask(100 + n))
            assert status == 200
            timings.append(took)
            time.sleep(0.2)
        for t in threads:
            t.join(timeout=20)
        assert max(timings) < 1.0, timings
    finally:
        stop(server)


# -- admission and fairness -----------------------------------------------------------------


def test_heavy_queries_of_one_client_do_not_starve_another(front):
    heavy = Client(front, "127.0.0.1")
    outcomes: list[tuple[int, dict[str, str]]] = []
    lock = threading.Lock()

    def send_heavy() -> None:
        status, headers, _, _ = heavy.query(HEAVY)
        with lock:
            outcomes.append((status, headers))

    threads = [threading.Thread(target=send_heavy) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.8)  # the heavy queries are in flight
    other = Client(front, "127.0.0.2")
    timings = []
    for n in range(12):
        status, _, _, took = other.query(ask(200 + n))
        assert status == 200
        timings.append(took)
    for t in threads:
        t.join(timeout=60)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    assert p95 < 1.0, timings
    statuses = sorted(s for s, _ in outcomes)
    # NOMENGRAPH_PER_CLIENT=4: four admitted (stopped at their 4 s limit), four refused.
    assert statuses.count(429) == 4, statuses
    assert all(h.get("retry-after") for s, h in outcomes if s == 429)
    assert statuses.count(503) == 4, statuses


def test_a_full_queue_is_503_and_the_limit_counts_from_arrival(small_store, tmp_path):
    server = start(
        small_store,
        tmp_path / "serve.log",
        "--workers",
        "2",
        "--timeout",
        "3",
        env={"NOMENGRAPH_QUEUE_SIZE": "1", "NOMENGRAPH_QUEUE_WAIT": "30"},
    )
    try:
        results: dict[str, tuple[int, dict[str, str], bytes, float]] = {}

        def send(name: str, address: str, query: str) -> None:
            results[name] = Client(server, address).query(query)

        # Two clients each take one of the two workers (the share of a client is workers - 1).
        running = [
            threading.Thread(target=send, args=(f"heavy{i}", f"127.0.0.{10 + i}", HEAVY))
            for i in range(2)
        ]
        for t in running:
            t.start()
        time.sleep(0.8)
        waiting = threading.Thread(target=send, args=("waiting", "127.0.0.20", HEAVY))
        waiting.start()
        time.sleep(0.5)
        status, headers, body, took = Client(server, "127.0.0.21").query(ask(301))
        assert status == 503 and headers.get("retry-after"), body
        assert b"queue" in body and took < 1.0
        for t in [*running, waiting]:
            t.join(timeout=60)
        # The waiting (heavy) query got a worker only when the first ones were stopped, about
        # 2.2 s after it arrived: it is stopped 3 s after its arrival, not 3 s after it started.
        status, _, body, took = results["waiting"]
        assert status == 503 and b"arrival" in body, body
        assert 2.5 < took < 3 + 1.0
        assert results["heavy0"][0] == 503 and results["heavy1"][0] == 503
    finally:
        stop(server)


def test_admission_in_order():
    """The admission rules without a server: shares, per-client limit, queue, wait limit."""

    async def scenario() -> None:
        adm = Admission(slots=3, per_client=3, queue_size=1, queue_wait=0.3)
        far = time.monotonic() + 60
        await adm.enter("a", far)
        await adm.enter("a", far)  # a's share: slots - 1 = 2
        with pytest.raises(Rejected) as third:
            await asyncio.wait_for(adm.enter("a", far), 1)  # waits, then the wait limit
        assert third.value.status == 503 and "retry-after" in third.value.headers
        await adm.enter("b", far)  # the slot left for others
        assert adm.busy == 3
        queued = asyncio.ensure_future(adm.enter("c", far))
        await asyncio.sleep(0.01)
        with pytest.raises(Rejected) as full:
            await adm.enter("d", far)
        assert full.value.status == 503 and "queue" in full.value.message
        adm.leave("a")  # the freed slot goes to c, waiting
        await asyncio.wait_for(queued, 1)
        assert adm.running == {"a": 1, "b": 1, "c": 1}
        for client in ("a", "b", "c"):
            adm.leave(client)
        assert adm.busy == 0 and adm.admitted == {} and adm.running == {}
        limited = Admission(slots=8, per_client=2, queue_size=8, queue_wait=1)
        await limited.enter("x", far)
        await limited.enter("x", far)
        with pytest.raises(Rejected) as many:
            await limited.enter("x", far)
        assert many.value.status == 429 and many.value.headers["retry-after"] == "1"

    asyncio.run(scenario())


def test_a_waiter_whose_client_is_at_its_share_lets_others_pass():
    async def scenario() -> None:
        adm = Admission(slots=2, per_client=8, queue_size=8, queue_wait=5)
        far = time.monotonic() + 60
        await adm.enter("a", far)  # a's share is 1
        a_again = asyncio.ensure_future(adm.enter("a", far))
        await asyncio.sleep(0.01)
        await asyncio.wait_for(adm.enter("b", far), 1)  # not stuck behind a's waiter
        assert not a_again.done()
        adm.leave("b")
        await asyncio.sleep(0.01)
        assert not a_again.done()  # a still holds its share
        adm.leave("a")
        await asyncio.wait_for(a_again, 1)
        adm.leave("a")
        assert adm.busy == 0

    asyncio.run(scenario())


# -- cache, ETag, 304 -----------------------------------------------------------------------


def test_answers_carry_an_etag_and_conditional_requests_get_304(front):
    client = Client(front, "127.0.0.3")
    status, headers, body, _ = client.query(ask(400))
    assert status == 200 and headers["etag"].startswith('"')
    assert "no-cache" in headers["cache-control"]
    assert headers["x-store-generation"]  # which store generation answered
    etag = headers["etag"]
    again = client.query(ask(400))
    assert again[0] == 200 and again[1]["etag"] == etag and again[2] == body
    status, headers, body304, _ = client.query(ask(400), **{"If-None-Match": etag})
    assert status == 304 and body304 == b"" and headers["etag"] == etag
    assert headers["x-store-generation"] == again[1]["x-store-generation"]
    assert client.query(ask(400), **{"If-None-Match": '"other"'})[0] == 200
    xml = client.query(ask(400), Accept="application/sparql-results+xml")
    assert xml[0] == 200 and xml[1]["etag"] != etag and b"<sparql" in xml[2]
    errors = client.query("SELECT nonsense")
    assert errors[0] == 400 and "etag" not in errors[1]


def test_the_cache_answers_repeated_queries_without_a_worker(front):
    """A cached answer needs no query worker: it is answered while every worker is busy."""
    client = Client(front, "127.0.0.4")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    first = client.query(query)
    assert first[0] == 200
    heavy = [
        threading.Thread(target=Client(front, f"127.0.0.{50 + i}").query, args=(HEAVY,))
        for i in range(4)
    ]
    for t in heavy:
        t.start()
    time.sleep(0.8)
    second = client.query(query)
    for t in heavy:
        t.join(timeout=60)
    assert second[0] == 200 and second[2] == first[2]
    assert second[3] < 1.0
    assert json.loads(second[2])["results"]["bindings"][0]["n"]["value"].isdigit()


def test_answer_cache_is_bounded_and_least_recently_used():
    cache = AnswerCache(max_bytes=8 * 1256)
    for i in range(12):
        cache.put(bytes([i]), Cached(200, [], b"x" * 1000, ""))
    assert cache.size <= 8 * 1256
    assert cache.get(bytes([0])) is None and cache.get(bytes([11])) is not None
    cache.put(b"big", Cached(200, [], b"x" * 5000, ""))  # over an eighth: not kept
    assert cache.get(b"big") is None


def test_serve_says_which_network_guard_its_query_workers_run_under(front):
    log = front.log.read_text()
    assert "query workers run without network access (guard: network namespace)" in log or (
        "(guard: seccomp)" in log
    ), log


def test_the_guard_message_warns_when_there_is_none():
    assert "warning" in guard_message("none (unshare: Operation not permitted)")
    assert "without network access" in guard_message("seccomp")
    assert "remote-store" in guard_message("not applicable (queries run on the remote store)")


def test_no_server_process_outlives_a_killed_parent(small_store, tmp_path):
    """SIGKILL of the process that started the server (no clean shutdown): the server process
    and its query workers go too, and the port is free again."""
    server = start(small_store, tmp_path / "serve.log", "--workers", "2")
    family = descendants(server.proc.pid)
    assert len(family) >= 3  # the server process and its two query workers
    server.proc.kill()
    server.proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in family):
        time.sleep(0.2)
    assert not [pid for pid in family if alive(pid)]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", server.port))  # nobody listens there any more


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


@pytest.mark.parametrize("spread", [0.0, 0.6], ids=["at-once", "over-0.6s"])
def test_a_burst_of_stop_signals_stops_the_server_once(small_store, tmp_path, spread):
    """SIGTERM and SIGINT sent again and again (a double Ctrl-C, a supervisor and a user), all
    at once or spread so that they land while the main loop wakes up and shuts down: the
    server stops cleanly instead of hanging in its signal handler with the port held."""
    server = start(small_store, tmp_path / "serve.log", "--workers", "1")
    family = descendants(server.proc.pid)
    for i in range(200):
        try:
            os.kill(server.proc.pid, signal.SIGTERM if i % 2 else signal.SIGINT)
        except ProcessLookupError:
            break
        if spread:
            time.sleep(spread / 200)
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()
        raise AssertionError("the server hung after a burst of stop signals") from None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in family):
        time.sleep(0.2)
    assert not [pid for pid in family if alive(pid)]
