"""The endpoint under attack: no network from queries, bounded memory, client mistakes are 4xx.

The network tests run a loopback listener that counts the connections it accepts: the query
workers must never reach it, whatever the query text, while pyoxigraph run in this process does
(the proof that the queries would connect without the guard).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import psutil
import pyoxigraph as ox
import pytest

from nomengraph.server import child as child_module
from nomengraph.server import guard
from nomengraph.server.executor import (
    BadRequest,
    Executor,
    QueryError,
    QueryForbidden,
    QueryMemoryLimit,
    QueryTooLarge,
)
from nomengraph.server.lexer import MAX_NESTING, scan
from test_server_process import LOOKUP, Server, query_workers, start, stop

TOKEN = "guard-test-token"
GIB = 1 << 30
ROOT = Path(__file__).parents[1]


class Listener:
    """A TCP listener on 127.0.0.1 that accepts connections, counts and closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def settle(self) -> int:
        """The count once connections already made have been accepted."""
        time.sleep(0.2)
        return self.connections

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def in_process(text: str, update: bool = False, store: ox.Store | None = None) -> str:
    """Run a query (or update) with pyoxigraph in this process, which has the network: "ok",
    or the exception's class name."""
    store = store if store is not None else ox.Store()
    try:
        if update:
            store.update(text)
        else:
            result = store.query(text, use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
    except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
        return type(exc).__name__
    return "ok"


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


# -- the guard itself -----------------------------------------------------------------------

PROBE = """
import socket, sys
from nomengraph.server import guard
{setup}
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5).close()
    print("connected")
except OSError as exc:
    print("refused", exc.errno)
"""


def test_isolate_network_cuts_the_process_off_loopback(listener):
    setup = "g = guard.isolate_network(); print(g)"
    out = run_python(PROBE.format(setup=setup, port=listener.port))
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.split("\n")[:2]
    assert first in (guard.NAMESPACE, guard.SECCOMP), out.stdout
    assert second.startswith("refused")
    assert listener.settle() == 0
    # The same probe without the guard connects: the test can fail.
    out = run_python(PROBE.format(setup="", port=listener.port))
    assert out.stdout.startswith("connected") and listener.settle() == 1


def test_the_user_namespace_variant_works_too(listener):
    setup = (
        "try:\n    guard.enter_network_namespace(user=True)\n"
        "except guard.GuardError as exc:\n    print('unavailable', exc); sys.exit(0)"
    )
    out = run_python(PROBE.format(setup=setup, port=listener.port))
    assert out.returncode == 0, out.stderr
    if out.stdout.startswith("unavailable"):
        pytest.skip(out.stdout)
    assert out.stdout.startswith("refused") and listener.settle() == 0


def test_the_seccomp_filter_denies_internet_sockets(listener):
    setup = (
        "guard.install_seccomp()\n"
        "socket.socket(socket.AF_UNIX).close()  # other families still work\n"
        "try:\n    socket.socket(socket.AF_INET6)\n    print('v6 socket')\n"
        "except PermissionError:\n    pass"
    )
    out = run_python(PROBE.format(setup=setup, port=listener.port))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("refused 13"), out.stdout  # EACCES, and no v6 socket either
    assert listener.settle() == 0


def test_the_guard_says_why_there_is_none():
    none = guard.NetworkGuard(guard.NONE, "seccomp: not written for this machine")
    assert not none.active and str(none) == "none (seccomp: not written for this machine)"
    assert str(guard.NetworkGuard(guard.NAMESPACE)) == "network namespace"


# -- no network from queries, even with the text check off ------------------------------------


@pytest.fixture
def writable_copy(small_store, tmp_path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    return store


def test_service_and_load_never_connect_even_when_allowed(writable_copy, listener):
    query = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    load = f"LOAD <{listener.url}>"
    # pyoxigraph in this process connects: the queries are real network calls.
    assert in_process(query) != "SyntaxError" and listener.settle() == 1
    assert in_process(load, update=True) != "SyntaxError" and listener.settle() == 2

    executor = Executor(writable_copy, writable=True, allow_service=True, query_timeout=20)
    try:
        assert executor.network_guard in (guard.NAMESPACE, guard.SECCOMP)
        started = time.monotonic()
        with pytest.raises(QueryForbidden, match="no network access"):
            executor.run(query)
        with pytest.raises(QueryForbidden, match="no network access"):
            executor.update(load)
        # SILENT: no error, and no data either.
        silent = f"SELECT * {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
        assert json.loads(executor.run(silent).body)["results"]["bindings"] == [{}]
        executor.update(f"LOAD SILENT <{listener.url}> INTO GRAPH <urn:x:loaded>")
        assert "urn:x:loaded" not in executor.stats
        assert time.monotonic() - started < 20  # answered, never hung
    finally:
        executor.close()
    assert listener.settle() == 2


# -- the text check, fuzzed through every request form of real servers ------------------------


@dataclass
class Case:
    text: str
    update: bool
    network: bool  # the generator put a SERVICE or LOAD in it (else a decoy, or FROM only)
    connects: bool = False  # pyoxigraph in this process opened a connection
    parses: bool = True  # pyoxigraph in this process did not refuse it as a syntax error


def _case(word: str, rng: random.Random) -> str:
    """The keyword in a random case (the parser ignores case)."""
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in word)


def _gap(rng: random.Random) -> str:
    """What may separate two tokens: spaces, and comments ended by \\n, \\r or \\r\\n."""
    return rng.choice(
        [" ", "  ", "\n", "\t", "\r", "#c\r", "#c\r\n", "# \" ' { < \r", "#>\n", " #\r\n\t"]
    )


def generate(url: str, count: int, seed: int = 20240611) -> list[Case]:
    """``count`` queries and updates: SERVICE, LOAD and FROM spelled every way the parser
    reads them, behind text meant to hide them from a scanner, and decoys (the words in
    strings, comments, IRIs, names)."""
    rng = random.Random(seed)
    base = url.rsplit("/", 1)[0] + "/"
    prologue = f"PREFIX ex: <urn:ex:> PREFIX : <{base}> PREFIX ex2: <{base}> "
    hiders = [
        "BIND(ex:a\\# AS ?h)",
        "BIND(ex:a\\' AS ?h)",
        "BIND(ex:a\\( AS ?h)",
        'BIND("#{" AS ?h)',
        "BIND('\"}' AS ?h)",
        'BIND("""a"b\'\'{""" AS ?h)',
        "BIND('''x#'y{''' AS ?h)",
        'BIND(<urn:x:\\u0041> AS ?h) BIND("\\"" AS ?k)',
        "BIND(<urn:x:\\u0041\\u0022> AS ?h)",
        "FILTER(?h<1)",
        "FILTER(?h<1)#>\n",
        "?h ?i true",
        "BIND(1e5 AS ?h)",
        "",
    ]

    def service(rng: random.Random) -> str:
        sv = _case("SERVICE", rng)
        si = _case("SILENT", rng)
        g = _gap(rng)
        return rng.choice(
            [
                f"{sv}{g}<{url}>{g}{{ ?s ?p ?o }}",
                f"{sv}{g}{si}{g}<{url}>{{?s ?p ?o}}",
                f"{sv}{si}<{url}>{{?s ?p ?o}}",
                f"VALUES ?svc {{ <{url}> }} {sv}{g}?svc {{ ?s ?p ?o }}",
                f"VALUES ?svc {{ <{url}> }} FILTER(?x<1){sv}?svc#>\n{{ ?s ?p ?o }}",
                f"{sv}:sparql{g}{{ ?s ?p ?o }}",
                f"{sv}ex2:sparql{{?s ?p ?o}}",
                f"{sv}{si}:sparql{{?s ?p ?o}}",
                f"?s ?p true{sv}<{url}>{{}}",
            ]
        )

    def decoy(rng: random.Random) -> str:
        sv = _case("SERVICE", rng)
        return rng.choice(
            [
                f'BIND("{sv} <{url}> {{ }}" AS ?d)',
                f"BIND('''\n{sv} <{url}> {{ }}''' AS ?d)",
                f"# {sv} <{url}> {{ }}\n",
                f"?s <http://e.org/{sv}> ?o",
                f"?s ex:{sv} ?o",
                f"?{sv.lower()} ?p ?o",
                f"BIND(ex:a\\#{sv} AS ?d)",
            ]
        )

    def wrap(inner: str, rng: random.Random) -> str:
        for _ in range(rng.randrange(3)):
            inner = rng.choice(
                [
                    "{{ {} }}",
                    "OPTIONAL {{ {} }}",
                    "{{ {} }} UNION {{ }}",
                    "FILTER EXISTS {{ {} }}",
                    "{{ SELECT * WHERE {{ {} }} }}",
                    "MINUS {{ {} }}",
                ]
            ).format(inner)
        return inner

    def from_part(rng: random.Random) -> str:
        fr, nm = _case("FROM", rng), _case("NAMED", rng)
        return rng.choice(
            ["", "", f"{fr} <{url}>", f"{fr}{_gap(rng)}{nm} <{url}>", f"{fr}{nm}<{url}>", f"{fr}:g"]
        )

    def load(rng: random.Random) -> str:
        lo, si = _case("LOAD", rng), _case("SILENT", rng)
        g = _gap(rng)
        return rng.choice(
            [
                f"{lo}{g}<{url}>",
                f"{lo}{g}{si}{g}<{url}>",
                f"{lo}{si}<{url}>",
                f"{lo}:sparql",
                f"{lo}ex2:sparql",
                f"{lo}{g}<{url}>{g}INTO GRAPH <urn:x:g>",
                f"INSERT {{ ?s ?p ?o }} WHERE {{ {service(rng)} }}",
            ]
        )

    update_hiders = [
        'INSERT DATA { <urn:x:a> <urn:x:b> "#{" } ;',
        "INSERT DATA { <urn:x:a> <urn:x:b> ex:a\\# } ;",
        "INSERT DATA { <urn:x:a> <urn:x:b> ex:a\\' } ;",
        "INSERT DATA { <urn:x:a> <urn:x:b> '''{'x'}''' } ;",
        "",
    ]
    cases = []
    for _ in range(count):
        if rng.random() < 0.2:  # an update
            lo = _case("LOAD", rng)
            decoy_update = f'INSERT DATA {{ <urn:x:a> <urn:x:b> "{lo} <{url}>" }}'
            network = rng.random() < 0.7
            body = load(rng) if network else decoy_update
            text = f"{prologue}{rng.choice(update_hiders)}{_gap(rng)}{body}"
            cases.append(Case(text, update=True, network=network))
            continue
        network = rng.random() < 0.7
        part = service(rng) if network else decoy(rng)
        where = f"{rng.choice(hiders)}{_gap(rng)}{wrap(part, rng)}"
        sel = _case("SELECT", rng)
        text = f"{prologue}{sel} *{_gap(rng)}{from_part(rng)} WHERE {{ {where} }} LIMIT 3"
        cases.append(Case(text, update=False, network=network))
    return cases


def _send(server: Server, case: Case, rng: random.Random) -> int:
    """Send a case through one of the request forms; the HTTP status."""
    if case.update:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        if rng.random() < 0.5:
            body = urlencode({"update": case.text}).encode()
            headers = {**auth, "Content-Type": "application/x-www-form-urlencoded"}
        else:
            body = case.text.encode()
            headers = {**auth, "Content-Type": "application/sparql-update"}
        return server.request("POST", "/sparql", body, headers)[0]
    form = rng.randrange(8)
    if form < 3:
        return server.request("GET", "/sparql?query=" + quote(case.text))[0]
    if form < 5:
        body = urlencode({"query": case.text}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return server.request("POST", "/sparql", body, headers)[0]
    if form < 7:
        headers = {"Content-Type": "application/sparql-query"}
        return server.request("POST", "/sparql", case.text.encode(), headers)[0]
    return server.request("GET", "/query?query=" + quote(case.text))[0]


@pytest.fixture(scope="module")
def servers(small_store, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """A read-only server (2 workers) and a writable one (the update token), default policy."""
    root = tmp_path_factory.mktemp("guard-servers")
    store = root / "store"
    shutil.copytree(small_store, store)
    env = {"NOMENGRAPH_QUERY_TIMEOUT": "10"}
    read_only = start(small_store, root / "ro.log", "--workers", "2", env=env)
    try:
        writable = start(store, root / "rw.log", env={**env, "NOMENGRAPH_UPDATE_TOKEN": TOKEN})
    except BaseException:
        stop(read_only)
        raise
    yield read_only, writable
    stop(read_only)
    stop(writable)


FUZZ_CASES = 3000


def test_fuzzed_service_load_and_from_spellings_never_connect(servers, listener):
    read_only, writable = servers
    started = time.monotonic()
    cases = generate(listener.url, FUZZ_CASES)
    # What pyoxigraph does with each text, in this process (which has the network).
    oracle_store = ox.Store()
    for case in cases:
        before = listener.connections
        outcome = in_process(case.text, update=case.update, store=oracle_store)
        case.parses = outcome != "SyntaxError"
        case.connects = listener.connections > before
    connecting = [c for c in cases if c.connects]
    assert len(connecting) > FUZZ_CASES // 3, "the generator should make mostly real calls"
    assert any(c.update for c in connecting)
    assert all(c.network for c in connecting), "a decoy made a call"
    baseline = listener.settle()

    rng = random.Random(7)
    statuses: dict[int, int] = {}
    missed = []
    refused_decoys = []
    lock = threading.Lock()

    def send_all(part: list[Case], seed: int) -> None:
        local = random.Random(seed)
        for case in part:
            status = _send(writable if case.update else read_only, case, local)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500 or (case.network and case.parses and status != 403):
                    missed.append((status, case.text))
                elif not case.network and case.parses and status == 403:
                    refused_decoys.append(case.text)

    rng.shuffle(cases)
    threads = [threading.Thread(target=send_all, args=(cases[i::2], i)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    elapsed = time.monotonic() - started
    print(f"fuzz: {len(cases)} cases, {len(connecting)} real calls, {elapsed:.1f} s, {statuses}")
    assert listener.settle() == baseline, "a query or update reached the network"
    assert not missed, missed[:5]
    assert not any(status >= 500 for status in statuses)
    # Every SERVICE and LOAD the parser reads is refused by the text check (403), before any
    # worker; the decoys (the words in strings, comments, IRIs, names) are not.
    assert not refused_decoys, refused_decoys[:5]


def test_the_scanner_finds_the_keyword_however_it_is_written():
    url = "http://127.0.0.1:9/sparql"
    for text in [
        f"SELECT * {{ # a comment ended by CR\rSERVICE <{url}> {{ }} }}",
        f"PREFIX ex: <urn:> SELECT * {{ BIND(ex:a\\# AS ?h) SERVICE <{url}> {{ }} }}",
        f"PREFIX ex: <urn:> SELECT * {{ BIND(ex:a\\' AS ?h) SERVICE <{url}> {{ }} }} #'",
        f"SELECT * {{ VALUES ?svc {{ <{url}> }} FILTER(?x<1)SERVICE?svc#>\n{{ }} }}",
        f"SELECT * {{ SERVICESILENT<{url}>{{ }} }}",
        f"PREFIX : <{url}> SELECT * {{ SERVICE:x{{ }} }}",
        f"PREFIX e: <{url}> SELECT * {{ SERVICEe:x{{ }} }}",
        f"SELECT * {{ ?s ?p trueSERVICE<{url}>{{ }} }}",
        f"SELECT * {{ ?s ?p 1e5SERVICE<{url}>{{ }} }}",
        f"SELECT * {{ \\u0053ERVICE <{url}> {{ }} }}",  # were \\u decoded before parsing
    ]:
        assert scan(text).has("SERVICE"), text
    assert scan(f"PREFIX : <{url}> LOAD:x").has("LOAD")
    assert scan(f"LOADSILENT<{url}>").iris_after["SILENT"] == [url]
    for text in [
        "PREFIX service: <http://e.org/> SELECT * { ?s service:SERVICE ?o }",
        "PREFIX services: <http://e.org/> SELECT * { ?s services:x ?o }",
        "SELECT * { VALUES (?a ?b) { (<x:a> <http://e/SERVICE>) } FILTER(?a = <x:SERVICE>) }",
        "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?s > 1) }",
    ]:
        assert not scan(text).has("SERVICE"), text


# -- memory ------------------------------------------------------------------------------------


def memory_bomb(doublings: int = 21, seed: int = 1000) -> str:
    """A short query whose string doubles ``doublings`` times (1000 bytes x 2^21 = 2 GiB)."""
    binds = " ".join(f"BIND(CONCAT(?s{i},?s{i}) AS ?s{i + 1})" for i in range(doublings))
    return f'SELECT (STRLEN(?s{doublings}) AS ?n) WHERE {{ BIND("{"x" * seed}" AS ?s0) {binds} }}'


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def test_two_memory_bombs_at_once_keep_the_server_under_3_gib(small_store, tmp_path):
    query = memory_bomb()
    assert len(query) < 2000
    env = {"NOMENGRAPH_MEMORY_LIMIT": str(GIB), "NOMENGRAPH_QUERY_TIMEOUT": "60"}
    # Three query workers: one client (this test) may use all but one of them at once.
    server = start(small_store, tmp_path / "serve.log", "--workers", "3", env=env)
    try:
        before = query_workers(server)
        assert len(before) == 3
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(server.proc.pid))
                time.sleep(0.02)

        answers: list[tuple[int, bytes]] = []

        def bomb() -> None:
            status, _, body = server.query(query, timeout=120)
            answers.append((status, body))

        sampler = threading.Thread(target=sample)
        sampler.start()
        bombs = [threading.Thread(target=bomb) for _ in range(2)]
        for t in bombs:
            t.start()
        for t in bombs:
            t.join(timeout=150)
        done.set()
        sampler.join()
        print(f"two memory bombs: the server's processes peaked at {peak / GIB:.2f} GiB")
        assert len(answers) == 2
        for status, body in answers:
            assert status == 422, body
            assert b"1 GiB of memory" in body and b"limit per query" in body
        assert peak < 3 * GIB
        assert peak > 1.5 * GIB  # both bombs grew at once: the test measures something
        # The server answers afterwards, from new query workers.
        assert server.query(LOOKUP)[0] == 200
        after = query_workers(server)
        assert len(after) == 3 and len(before - after) == 2
    finally:
        stop(server)


def test_the_data_segment_limit_stops_a_query_the_watch_misses(small_store, monkeypatch):
    # Without the executor's watch (it looks once a minute here), only the worker's own
    # RLIMIT_DATA can stop the query: the engine aborts at a failed allocation.
    monkeypatch.setattr(child_module, "WATCH_INTERVAL", 60.0)
    executor = Executor(small_store, memory_limit=256 << 20, query_timeout=60)
    try:
        pid = executor.worker_pids()[0]
        started = time.monotonic()
        with pytest.raises(QueryMemoryLimit, match="256 MiB"):
            executor.run(memory_bomb(doublings=24, seed=64))
        assert time.monotonic() - started < 50  # the limit, not the time limit
        assert executor.worker_pids()[0] != pid
        assert json.loads(executor.run(LOOKUP).body)["boolean"] is True
    finally:
        executor.close()


def test_an_answer_larger_than_max_result_bytes_is_422(small_store):
    executor = Executor(small_store, max_result_bytes=5_000, max_rows=100_000)
    try:
        with pytest.raises(QueryTooLarge, match="larger than 5,000 bytes") as caught:
            executor.run("SELECT * WHERE { ?s ?p ?o }")
        assert caught.value.status == 422 and "LIMIT" in caught.value.message
        with pytest.raises(QueryTooLarge, match="larger than 5,000 bytes"):
            executor.run("CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
        assert executor.run("SELECT * WHERE { ?s ?p ?o } LIMIT 3").rows == 3
    finally:
        executor.close()


# -- client mistakes are 4xx ---------------------------------------------------------------


@pytest.fixture(scope="module")
def open_server(small_store, tmp_path_factory) -> Iterator[Server]:
    """A writable server that lets SERVICE and LOAD through the text check."""
    root = tmp_path_factory.mktemp("open-server")
    store = root / "store"
    shutil.copytree(small_store, store)
    env = {"NOMENGRAPH_UPDATE_TOKEN": TOKEN, "NOMENGRAPH_QUERY_TIMEOUT": "20"}
    server = start(store, root / "serve.log", "--allow-service", env=env)
    yield server
    stop(server)


def _post(server: Server, query: str, timeout: float = 30) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/sparql-query"}
    status, _, body = server.request("POST", "/sparql", query.encode(), headers, timeout)
    return status, body


def _update(server: Server, text: str) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    status, _, body = server.request("POST", "/sparql", text.encode(), headers)
    return status, body


@pytest.mark.parametrize("bracket", ["{}", "()", "[]"])
def test_deep_nesting_is_400_naming_the_depth_and_the_limit(open_server, bracket):
    if bracket == "{}":
        query = "SELECT * WHERE " + "{" * 2500 + "}" * 2500
    elif bracket == "()":
        query = "SELECT * WHERE { BIND(" + "(" * 2500 + "1" + ")" * 2500 + " AS ?x) }"
    else:
        query = "SELECT * WHERE { ?s ?p " + "[ <urn:x:p> " * 2500 + "1" + " ]" * 2500 + " }"
    pids = query_workers(open_server)
    status, body = _post(open_server, query)
    assert status == 400, body
    depth = int(re.search(rb"nests (\d+) brackets", body).group(1))
    assert 2500 <= depth <= 2502
    assert str(MAX_NESTING).encode() in body
    assert query_workers(open_server) == pids
    shallow = "SELECT * WHERE " + "{" * 60 + "}" * 60
    assert open_server.query(shallow)[0] == 200


def test_the_worker_survives_nesting_below_the_text_check(small_store):
    # Straight to the worker, past the executor's check: its large stack takes it.
    executor = Executor(small_store, query_timeout=30)
    try:
        child = executor._children[0]
        pid = child.pid
        for text in [
            "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
            "SELECT * WHERE { BIND(" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) }",
            "SELECT * WHERE { BIND(" + "!" * 20000 + "true AS ?x) }",
            # These two crash a parser on the main thread's stack (8 MiB).
            "SELECT * WHERE { FILTER(true" + " && true" * 20000 + ") }",
            "SELECT * WHERE { " + "OPTIONAL { } " * 20000 + "}",
        ]:
            answer = child.call({"op": "query", "query": text, "union": True}, 30, 30)
            assert answer.get("ok") or answer.get("error") in ("syntax", "evaluation"), answer
            assert child.pid == pid
    finally:
        executor.close()


def test_long_operator_chains_are_answered_by_the_server(open_server):
    pids = query_workers(open_server)
    for query in [
        "SELECT * WHERE { FILTER(true" + " && true" * 20000 + ") }",
        "SELECT * WHERE { " + "OPTIONAL { } " * 20000 + "}",
        "SELECT * WHERE { ?s " + "|".join(["<urn:x:p>"] * 2000) + " ?o }",
    ]:
        status, body = _post(open_server, query, timeout=60)
        assert status < 500, body
    assert query_workers(open_server) == pids


def test_engine_errors_are_400_and_network_calls_403(open_server, listener):
    status, _, body = open_server.query("SELECT * WHERE { SERVICE ?unbound { ?s ?p ?o } }")
    assert status == 400 and b"unbound" in body
    status, _, body = open_server.query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ }} }}")
    assert status == 403 and b"no network access" in body
    assert _update(open_server, f"LOAD <{listener.url}>")[0] == 403
    assert _update(open_server, "LOAD <file:///etc/passwd>")[0] == 403  # http(s) only
    assert _update(open_server, "PREFIX f: <file:///etc/> LOAD f:passwd")[0] == 403
    assert listener.settle() == 0
    assert open_server.query(LOOKUP)[0] == 200


def test_the_network_guard_is_reported_at_start(small_store):
    executor = Executor(small_store)
    try:
        assert executor.network_guard in (guard.NAMESPACE, guard.SECCOMP)
        with pytest.raises(BadRequest, match=f"at most {MAX_NESTING}"):
            executor.run("ASK " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1))
        with pytest.raises(QueryError):
            executor.run("SELECT * { SERVICE <http://127.0.0.1:9/> { } }")
    finally:
        executor.close()
