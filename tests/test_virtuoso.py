"""The remote store against a real Virtuoso 7 (skipped when ``virtuoso-t`` is not installed).

A private Virtuoso is started from a copy of the packaged virtuoso.ini, with its database in a
temporary folder and its ports bound to 127.0.0.1; SPARQL Update is granted to the anonymous
SPARQL user (so /sparql and /sparql-graph-crud accept writes without authentication) and the dba
password is set to ``DBA_PASSWORD`` (for /sparql-auth, HTTP digest). One Virtuoso serves the
whole module. Install on Debian/Ubuntu with ``apt-get install virtuoso-opensource`` (see
docs/remote-store.md).

The query library runs here on the graph of tests/test_queries.py (the project's cards, the
mappings, the ESCO and ROME test fixtures), pushed to Virtuoso and queried through
``nomengraph serve --store URL``, and must give the answers it gives on the embedded store.

A second private Virtuoso, left as installed, shows what requests sent straight to it can make it
fetch (SERVICE, LOAD, the sponger, built-in functions; a loopback listener counts the
connections), before and after the commands of docs/remote-store.md, "Turning federation off on
the remote store", which are read from that file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from conftest import graph_triples, memory_copy
from nomengraph.build import push_to_remote
from nomengraph.query import load_query, run_query
from nomengraph.remote import RemoteStore, StoreHTTPError, split_nquads
from nomengraph.store import OxigraphStore, StoreError
from test_queries import (
    DEFECTS,
    NAMES,
    QUERIES,
    VIOLATIONS,
    check_answer,
    fixture_params,
    query_store_path,
)
from test_remote import cli
from test_server_process import Server, free_port, start, stop

ROOT = Path(__file__).parents[1]
INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
G = "https://w3id.org/nomengraph/graph/"
SCHEME_2018 = "https://w3id.org/nomengraph/id/scheme/cigref-2018"
DBA_PASSWORD = "nomengraph-digest-test"

pytestmark = pytest.mark.skipif(
    VIRTUOSO is None or ISQL is None or not INI.exists(),
    reason="Virtuoso is not installed (apt-get install virtuoso-opensource to run these tests)",
)


def private_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """The packaged configuration with files in ``folder`` and ports on the loopback."""
    section = ""
    lines = []
    for line in INI.read_text(encoding="utf-8").splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        if header:
            section = header.group(1)
        if not line.lstrip().startswith(";") and "=" in line:
            key = line.split("=", 1)[0].strip()
        else:
            key = ""
        if key in (
            "DatabaseFile",
            "ErrorLogFile",
            "LockFile",
            "TransactionFile",
            "xa_persistent_file",
        ):
            line = f"{key} = {folder / Path(line.split('=', 1)[1].strip()).name}"
        elif key == "ServerPort" and section in ("Parameters", "HTTPServer"):
            port = sql_port if section == "Parameters" else http_port
            line = f"ServerPort = 127.0.0.1:{port}"
        elif key == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad"
        elif key in ("MaxClientConnections", "ServerThreads"):
            line = f"{key} = 20"
        lines.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ini


class Virtuoso:
    """A private Virtuoso: database, logs and ``autoexec.isql`` in ``folder`` (its working
    directory), both ports on 127.0.0.1; it can be stopped and started again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.ini = private_ini(folder, self.sql_port, self.http_port)
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.dba_password = "dba"  # the packaged database's
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert VIRTUOSO is not None
        with (self.folder / "out.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [VIRTUOSO, "+configfile", str(self.ini), "+foreground"],
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 180
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"virtuoso exited: {(self.folder / 'out.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/sparql?query=ASK%7B%7D", timeout=5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("virtuoso did not answer in 180 s") from None
                time.sleep(0.5)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def isql(self, statements: str | Path) -> str:
        """Run SQL statements (a text, or a file of them) as dba; fail on any error."""
        assert ISQL is not None
        what = str(statements) if isinstance(statements, Path) else f"exec={statements}"
        out = subprocess.run(
            [ISQL, str(self.sql_port), "dba", self.dba_password, what],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0 and "*** Error" not in out.stdout, out.stdout + out.stderr
        return out.stdout


@contextmanager
def private_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    server = Virtuoso(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso; yields its base URL (http://127.0.0.1:PORT)."""
    with private_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        server.isql(
            f"grant SPARQL_UPDATE to \"SPARQL\"; USER_SET_PASSWORD('dba', '{DBA_PASSWORD}');"
        )
        server.dba_password = DBA_PASSWORD
        yield server.base


@pytest.fixture(scope="module")
def nquads(small_store: Path) -> bytes:
    """The small test graph as N-Quads (the build's export format)."""
    import pyoxigraph as ox

    from nomengraph.store import OxigraphStore

    store = OxigraphStore.open(small_store)
    quads = list(store.store.quads_for_pattern(None, None, None, None))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def test_graph_store_put_get_delete(virtuoso: str) -> None:
    store = RemoteStore(
        f"{virtuoso}/sparql", graph_store_url=f"{virtuoso}/sparql-graph-crud", timeout=60
    )
    store.put_graph("http://example.org/v", b'<http://a/s> <http://a/p> "\\u00e9t\\u00e9" .\n')
    assert store.select("SELECT ?o WHERE { GRAPH <http://example.org/v> { ?s ?p ?o } }") == [
        {"o": "été"}
    ]
    assert b"http://a/s" in graph_triples(store, "http://example.org/v")
    store.delete_graph("http://example.org/v")
    assert store.count("http://example.org/v") == 0


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph-store", "insert-data"])
def test_replace_graphs_on_virtuoso(virtuoso: str, nquads: bytes, graph_store: bool) -> None:
    store = RemoteStore(
        f"{virtuoso}/sparql",
        graph_store_url=f"{virtuoso}/sparql-graph-crud" if graph_store else None,
        timeout=120,
    )
    expected = {g: data.count(b"\n") for g, data in split_nquads(nquads).items()}
    assert push_to_remote(nquads, store) == expected
    sizes = store.graph_sizes()
    assert {g: sizes[g] for g in expected} == expected
    assert not [g for g in sizes if "-staging-" in g]
    # Again: each graph is replaced, not added to.
    push_to_remote(nquads, store)
    assert {g: store.count(g) for g in expected} == expected


def test_load_and_serve_over_virtuoso(virtuoso: str, nquads: bytes, tmp_path: Path) -> None:
    source = tmp_path / "small.nq"
    source.write_bytes(nquads)
    env = {**os.environ, "NOMENGRAPH_STORE_GRAPH_STORE": f"{virtuoso}/sparql-graph-crud"}
    out = subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", "load", "--store", f"{virtuoso}/sparql"]
        + ["--from", str(source)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    front = start(f"{virtuoso}/sparql", tmp_path / "front.log", "--workers", "1")  # type: ignore[arg-type]
    try:
        status, _, body = front.query(
            f"SELECT ?p ?o WHERE {{ GRAPH <{G}cigref-2018> {{ <{SCHEME_2018}> ?p ?o }} }}",
            format="tsv",
        )
        assert status == 200 and b"CIGREF" in body
        status, _, body = front.query(f"DESCRIBE <{SCHEME_2018}>")
        assert status == 200 and SCHEME_2018.encode() in body
        assert front.request("GET", "/")[0] == 200
    finally:
        stop(front)


# -- digest authentication (/sparql-auth) -----------------------------------------------------


def test_digest_authentication_on_sparql_auth(virtuoso: str) -> None:
    graph = "http://example.org/digest"
    store = RemoteStore(
        f"{virtuoso}/sparql-auth", user="dba", password=DBA_PASSWORD, auth="digest", timeout=60
    )
    store.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <http://a/s> <http://a/p> "d" }} }}')
    assert store.count(graph) == 1
    store.delete_graph(graph)
    assert store.count(graph) == 0
    # Basic credentials are refused by /sparql-auth; so is a wrong digest password.
    basic = RemoteStore(f"{virtuoso}/sparql-auth", user="dba", password=DBA_PASSWORD)
    with pytest.raises(StoreHTTPError, match="401") as info:
        basic.ping()
    assert info.value.status == 401
    wrong = RemoteStore(f"{virtuoso}/sparql-auth", user="dba", password="wrong", auth="digest")
    with pytest.raises(StoreHTTPError, match=rf"{virtuoso}/sparql-auth.*401.*digest") as info:
        wrong.ping()
    assert info.value.status == 401


def test_stats_with_digest_from_the_environment(virtuoso: str) -> None:
    env = {"NOMENGRAPH_STORE_AUTH": "digest", "NOMENGRAPH_STORE_USER": "dba"}
    out = cli(
        "stats",
        "--store",
        f"{virtuoso}/sparql-auth",
        env={**env, "NOMENGRAPH_STORE_PASSWORD": DBA_PASSWORD},
    )
    assert out.returncode == 0, out.stderr
    assert f"store {virtuoso}/sparql-auth" in out.stdout
    out = cli(
        "stats",
        "--store",
        f"http://dba:wrong@{virtuoso.removeprefix('http://')}/sparql-auth",
        env={"NOMENGRAPH_STORE_AUTH": "digest"},
    )
    assert out.returncode == 2
    assert f"{virtuoso}/sparql-auth" in out.stderr and "401" in out.stderr
    assert "wrong" not in out.stderr  # the password is never printed


# -- leftover staging graphs ----------------------------------------------------------------


class Died(Exception):
    """The pushing process died between staging and swap."""


def test_a_push_drops_the_staging_graphs_a_dead_push_left(virtuoso: str, nquads: bytes) -> None:
    store = RemoteStore(
        f"{virtuoso}/sparql", graph_store_url=f"{virtuoso}/sparql-graph-crud", timeout=120
    )
    graphs = split_nquads(nquads)
    foreign = "http://example.org/other-staging-0123456789ab"  # not one of nomengraph's graphs
    store.put_graph(foreign, b"<http://a/s> <http://a/p> <http://a/o> .\n")

    def die() -> None:
        raise Died

    with pytest.raises(Died):
        store.replace_graphs(graphs, before_swap=die)
    left = store.leftover_staging()
    assert len(left) == len(graphs) and all(g.split("-staging-")[0] in graphs for g in left)
    out = cli("stats", "--store", f"{virtuoso}/sparql")
    assert out.returncode == 0, out.stderr
    assert f"staging graphs left by an interrupted push: {len(left)}" in out.stdout
    assert all(g in out.stdout for g in left)

    messages: list[str] = []
    push_to_remote(nquads, store, progress=messages.append)
    dropped = [m for m in messages if "left by an interrupted push" in m]
    assert len(dropped) == 1 and all(g in dropped[0] for g in left)
    sizes = store.graph_sizes()
    assert not [g for g in sizes if "-staging-" in g and g != foreign]
    assert sizes[foreign] == 1  # other graphs are never touched
    store.delete_graph(foreign)
    out = cli("stats", "--store", f"{virtuoso}/sparql")
    assert "staging graphs left by an interrupted push: 0" in out.stdout


# -- the query library on Virtuoso --------------------------------------------------------


@pytest.fixture(scope="module")
def library_nquads(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The graph of tests/test_queries.py as N-Quads."""
    store = OxigraphStore.open(query_store_path(tmp_path_factory))
    quads = list(store.store.quads_for_pattern(None, None, None, None))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


@pytest.fixture
def library_on_virtuoso(virtuoso: str, library_nquads: bytes) -> RemoteStore:
    """Virtuoso serving exactly the library's graph (pushed again when a test changed it)."""
    store = RemoteStore(
        f"{virtuoso}/sparql", graph_store_url=f"{virtuoso}/sparql-graph-crud", timeout=120
    )
    expected = {g: data.count(b"\n") for g, data in split_nquads(library_nquads).items()}
    sizes = store.graph_sizes()
    if {g: sizes.get(g) for g in expected} != expected:
        push_to_remote(library_nquads, store)
    return store


@pytest.fixture(scope="module")
def front(virtuoso: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``nomengraph serve --store <Virtuoso>``: the endpoint the library is queried through."""
    log = tmp_path_factory.mktemp("front") / "front.log"
    server = start(f"{virtuoso}/sparql", log, "--workers", "1", "--timeout", "60")  # type: ignore[arg-type]
    yield server
    stop(server)


def through(front: Server) -> RemoteStore:
    return RemoteStore(f"http://127.0.0.1:{front.port}/sparql", timeout=120)


@pytest.mark.parametrize("name", NAMES)
def test_query_library_on_virtuoso_gives_the_same_answers(
    library_on_virtuoso: RemoteStore, front: Server, tmp_path_factory, name: str
) -> None:
    query = load_query(name, QUERIES)
    params = fixture_params(name)
    remote = run_query(through(front), query, params)
    check_answer(name, remote.records())
    local = run_query(OxigraphStore.open(query_store_path(tmp_path_factory)), query, params)
    assert remote.columns == local.columns
    assert rounded(remote.rows) == rounded(local.rows)  # the same rows in the same order


def rounded(rows: list[list[object]]) -> list[list[object]]:
    """Rows with numbers to 9 decimal places (Virtuoso keeps 15 significant digits of a
    decimal, Oxigraph 18 decimal places)."""
    return [[round(v, 9) if isinstance(v, float) else v for v in row] for row in rows]


@pytest.mark.parametrize("name", VIOLATIONS)
def test_data_checks_find_the_same_defects_on_virtuoso(
    library_on_virtuoso: RemoteStore, front: Server, tmp_path_factory, name: str
) -> None:
    """Each data check, on the valid graph and with its defect injected, counts the same rows on
    both stores."""
    path = query_store_path(tmp_path_factory)
    query = load_query(name, QUERIES)
    assert run_query(through(front), query).rows == []
    memory = memory_copy(path)
    memory.store.update(DEFECTS[name])
    expected = run_query(memory, query)
    assert expected.rows
    library_on_virtuoso.update(DEFECTS[name])
    try:
        found = run_query(through(front), query)
    finally:
        graph = G + "cigref-2018"
        store = OxigraphStore.open(path)
        quads = store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        library_on_virtuoso.put_graph(
            graph, ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        )
    assert len(found.rows) == len(expected.rows)
    assert sorted(map(repr, found.rows)) == sorted(map(repr, expected.rows))


def test_query_command_on_virtuoso(library_on_virtuoso: RemoteStore, virtuoso: str) -> None:
    """``nomengraph query --store URL``, straight to Virtuoso, in the three formats."""
    base = ("query", "jobs-of-family", "--param", "family=8", "--store", f"{virtuoso}/sparql")
    out = cli(*base)
    assert out.returncode == 0, out.stderr
    assert "Data Engineer" in out.stdout and out.stdout.rstrip().endswith("(5 rows)")
    out = cli(*base, "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["params"] == {"family": "8"} and [r["number"] for r in doc["rows"]] == [
        "8.1",
        "8.2",
        "8.3",
        "8.4",
        "8.5",
    ]
    assert doc["rows"][0]["hasCard"] is False
    out = cli(*base, "--format", "csv")
    assert out.stdout.splitlines()[0].startswith("edition,family,familyTitle,job")
    out = cli(
        "query",
        "edition-summary",
        "--store",
        f"{virtuoso}/sparql-auth",
        env={"NOMENGRAPH_STORE_AUTH": "digest", "NOMENGRAPH_STORE_USER": "dba"},
    )
    assert out.returncode == 2 and "401" in out.stderr and f"{virtuoso}/sparql-auth" in out.stderr


# -- federation off: what a request to /sparql can make Virtuoso fetch ------------------------

WRITER, WRITER_PASSWORD = "nomengraph", "nomengraph-writer-test"

# Requests that make Virtuoso fetch a URL ({url}: a URL of the loopback listener), by name: how
# each is sent (a query, an update, or the protocol's should-sponge parameter) and its text.
ATTEMPTS: dict[str, tuple[str, str]] = {
    "service": ("query", "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }"),
    "service-silent": ("query", "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }"),
    "load": ("update", "LOAD <{url}>"),
    "load-into": ("update", "LOAD SILENT <{url}> INTO GRAPH <http://example.org/loaded>"),
    "sponge-from": ("query", 'DEFINE get:soft "soft" SELECT * FROM <{url}> WHERE { ?s ?p ?o }'),
    "sponge-from-named": (
        "query",
        'DEFINE get:soft "replace" SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }',
    ),
    "sponge-grab": (
        "query",
        'DEFINE input:grab-all "yes" DEFINE input:grab-depth 2 SELECT * WHERE { <{url}> ?p ?o }',
    ),
    "sponge-parameter": ("should-sponge", ""),
    "load-service": ("update", "LOAD SERVICE <{url}> DATA"),
    "service-description": ("query", 'SELECT (sql:SPARQL_SD_PROBE("{url}") AS ?x) WHERE { }'),
    "remote-exec": (
        "query",
        'SELECT (sql:SPARQL_REXEC_TO_ARRAY("{url}", "ASK { }", "", bif:vector(), "", 10,'
        " bif:dict_new()) AS ?x) WHERE { }",
    ),
}
# Built-in functions that fetch a URL: no grant closes them (docs/remote-store.md).
BUILTINS: dict[str, tuple[str, str]] = {
    "http-get": ("query", 'SELECT (bif:http_get("{url}") AS ?x) WHERE { }'),
    "http-client": ("query", 'SELECT (bif:http_client("{url}") AS ?x) WHERE { }'),
}
SERVICE_LOAD_SPONGE = {
    "service",
    "service-silent",
    "load",
    "load-into",
    "sponge-from",
    "sponge-from-named",
    "sponge-grab",
    "sponge-parameter",
}
OPEN_BY_DEFAULT = {"load-service", "service-description", "remote-exec"}

BODY = b"<http://x/s> <http://x/p> <http://x/o> .\n"
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nConnection: close\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
)


class Listener:
    """A loopback HTTP listener that records the request line of each connection it accepts (at
    most ``limit`` connections, each read for at most 2 s) and answers a one-triple Turtle
    document."""

    def __init__(self, limit: int = 500) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.limit = limit
        self.lines: list[str] = []
        self.last = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set() and len(self.lines) < self.limit:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                head = b""
                try:
                    while b"\r\n\r\n" not in head and len(head) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                    conn.sendall(ANSWER)
                except OSError:
                    pass
            self.lines.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
            self.last = time.monotonic()

    def settle(self) -> None:
        """Wait until no connection has come for 0.5 s (at most 10 s)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and time.monotonic() - self.last < 0.5:
            time.sleep(0.1)

    def count(self, path: str) -> int:
        """Requests for exactly this path (whatever their query string)."""
        targets = [line.split(" ")[1] if " " in line else "" for line in self.lines]
        return sum(target.split("?", 1)[0] == path for target in targets)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.sock.close()


@contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()


def send(store: RemoteStore, kind: str, text: str, url: str) -> None:
    """One attempt; the store's refusal (or its complaint about the listener's answer) is ignored:
    what counts is whether a connection reached the listener."""
    try:
        if kind == "update":
            store.update(text.replace("{url}", url))
        elif kind == "query":
            store.query_raw(text.replace("{url}", url))
        else:  # the protocol's sponging parameter, with the URL as the default graph
            store.request(
                "POST",
                store.url,
                urlencode(
                    {
                        "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                        "default-graph-uri": url,
                        "should-sponge": "soft",
                    }
                ).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
    except StoreError:
        pass


def reached(
    listener: Listener, stores: dict[str, RemoteStore], tag: str, attempts: dict[str, tuple]
) -> dict[str, set[str]]:
    """Send every attempt through every store; per store, the attempts that reached the
    listener (each under its own path, ``/<tag>/<store>/<attempt>``)."""
    for who, store in stores.items():
        for name, (kind, text) in attempts.items():
            send(store, kind, text, f"{listener.url}/{tag}/{who}/{name}")
    listener.settle()
    return {
        who: {name for name in attempts if listener.count(f"/{tag}/{who}/{name}")} for who in stores
    }


def documented_commands() -> str:
    """The Virtuoso commands of docs/remote-store.md, section "Turning federation off on the
    remote store" (its first ``sql`` block)."""
    text = (ROOT / "docs" / "remote-store.md").read_text(encoding="utf-8")
    section = text.split("\n## Turning federation off on the remote store\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    block = re.search(r"```sql\n(.*?)```", section, re.S)
    assert block is not None, "no sql block in the section"
    return block.group(1)


@pytest.fixture(scope="module")
def bare_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A private Virtuoso of its own, fresh: no grant beyond the packaged database's."""
    with private_virtuoso(tmp_path_factory.mktemp("virtuoso-federation")) as server:
        yield server


TINY = (
    b'<http://example.org/s> <http://example.org/p> "a" <http://example.org/g1> .\n'
    b'<http://example.org/s> <http://example.org/p> "b" <http://example.org/g2> .\n'
    b'<http://example.org/t> <http://example.org/p> "c" <http://example.org/g2> .\n'
)


def test_federation_off_commands_close_service_load_and_sponging_on_virtuoso(
    bare_virtuoso: Virtuoso,
) -> None:
    """The commands of docs/remote-store.md, applied to a private Virtuoso 7.2.5 and kept across
    a restart by ``autoexec.isql``, leave no request to /sparql (anonymous) or /sparql-auth (an
    account with SPARQL_UPDATE) that reaches a loopback listener through SERVICE, LOAD, LOAD
    SERVICE, SPARQL_REXEC or the sponger; before them, each of these does reach it."""
    v = bare_virtuoso
    anonymous = RemoteStore(
        f"{v.base}/sparql", graph_store_url=f"{v.base}/sparql-graph-crud", timeout=60
    )
    writer = RemoteStore(  # no Graph Store: its pushes go as INSERT DATA
        f"{v.base}/sparql-auth",
        user=WRITER,
        password=WRITER_PASSWORD,
        auth="digest",
        timeout=60,
    )
    with listening() as listener:
        # A fresh install: SERVICE, LOAD and the sponger are refused to the anonymous user, but
        # LOAD SERVICE … DATA and SPARQL_REXEC are not.
        fresh = reached(listener, {"anonymous": anonymous}, "fresh", ATTEMPTS | BUILTINS)
        assert fresh["anonymous"] == OPEN_BY_DEFAULT | set(BUILTINS), fresh

        # Writes opened as docs/remote-store.md describes (to SPARQL, or to an account).
        v.isql(
            f"grant SPARQL_UPDATE to \"SPARQL\"; DB.DBA.USER_CREATE ('{WRITER}', "
            f"'{WRITER_PASSWORD}'); grant SPARQL_UPDATE to {WRITER};"
        )
        stores = {"anonymous": anonymous, "writer": writer}
        before = reached(listener, stores, "granted", ATTEMPTS | BUILTINS)
        for who in stores:
            assert before[who] == SERVICE_LOAD_SPONGE | OPEN_BY_DEFAULT | set(BUILTINS), before

        # The documented commands, run once and kept in autoexec.isql, then a restart.
        commands = v.folder / "federation-off.sql"
        commands.write_text(documented_commands(), encoding="utf-8")
        v.isql(commands)
        shutil.copyfile(commands, v.folder / "autoexec.isql")
        v.stop()
        v.start()
        # At a start, revoking a privilege Virtuoso did not grant again logs SR272: harmless.
        log = (v.folder / "virtuoso.log").read_text(encoding="utf-8", errors="replace")
        errors = [line for line in log.splitlines() if "Error in autoexec" in line]
        assert all("SR272: Privilege has not been granted" in line for line in errors), errors

        seen = len(listener.lines)
        after = reached(listener, stores, "off", ATTEMPTS | BUILTINS)
        # Only the built-in functions still reach it: no grant closes them.
        assert after == {"anonymous": set(BUILTINS), "writer": set(BUILTINS)}, after
        others = [line for line in listener.lines[seen:] if "/http-" not in line]
        assert others == []  # no other connection at all, labelled or not

    # What nomengraph needs still works, for both: a push (Graph Store PUT, or INSERT DATA, into
    # staging graphs, then MOVE) and queries.
    for store in (anonymous, writer):
        assert push_to_remote(TINY, store) == {
            "http://example.org/g1": 1,
            "http://example.org/g2": 2,
        }
        assert store.count("http://example.org/g2") == 2
        assert store.select("SELECT ?o WHERE { GRAPH <http://example.org/g1> { ?s ?p ?o } }") == [
            {"o": "a"}
        ]


def test_builtin_http_functions_fetch_for_any_sparql_user_and_return_the_answer(
    bare_virtuoso: Virtuoso,
) -> None:
    """bif:http_get fetches a URL for the anonymous SPARQL user and puts the body of the answer
    in the result (the test above shows no grant closes it): the reason docs/remote-store.md
    asks for a store that cannot reach the network."""
    anonymous = RemoteStore(f"{bare_virtuoso.base}/sparql", timeout=60)
    with listening() as listener:
        rows = anonymous.select(f'SELECT (bif:http_get("{listener.url}/echo") AS ?x) WHERE {{ }}')
        listener.settle()
        assert listener.count("/echo") == 1
    assert rows == [{"x": BODY.decode()}]
