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
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from nomengraph.build import push_to_remote
from nomengraph.query import load_query, run_query
from nomengraph.remote import RemoteStore, StoreHTTPError, split_nquads
from nomengraph.store import OxigraphStore
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


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso; yields its base URL (http://127.0.0.1:PORT)."""
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = private_ini(folder, sql_port, http_port)
    log = (folder / "out.log").open("wb")
    assert VIRTUOSO is not None and ISQL is not None
    proc = subprocess.Popen(
        [VIRTUOSO, "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"virtuoso exited: {(folder / 'out.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("virtuoso did not answer in 180 s") from None
                time.sleep(0.5)
        setup = f"grant SPARQL_UPDATE to \"SPARQL\"; USER_SET_PASSWORD('dba', '{DBA_PASSWORD}');"
        grant = subprocess.run(
            [ISQL, str(sql_port), "dba", "dba", f"exec={setup}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert grant.returncode == 0, grant.stdout + grant.stderr
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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
    assert b"http://a/s" in store.get_graph("http://example.org/v")
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
    memory = OxigraphStore.in_memory_copy(path)
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
