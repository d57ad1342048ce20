"""A remote SPARQL 1.1 store: RemoteStore, ``build``/``load --store URL``, ``serve --store URL``.

The remote store here is a real second server process speaking the protocols: the project's own
``nomengraph serve`` with an update token (Query + Update; no Graph Store endpoint, so graphs are
written with INSERT DATA). Faults: the remote killed between staging and swap, a remote that is
not there, and a remote that is too slow (a small http.server that sleeps).
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest

from conftest import graph_triples
from nomengraph import resources
from nomengraph.build import push_to_remote
from nomengraph.remote import (
    RemoteStore,
    StoreHTTPError,
    StoreTimeout,
    StoreUnreachable,
    is_remote,
    split_nquads,
)
from nomengraph.settings import Settings
from nomengraph.store import StoreError
from test_server_process import Server, free_port, start, stop

ROOT = Path(__file__).parents[1]
TOKEN = "remote-test-token"
G = "https://w3id.org/nomengraph/graph/"
SCHEME_2018 = "https://w3id.org/nomengraph/id/scheme/cigref-2018"


def url(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}/sparql"


@pytest.fixture(scope="module")
def remote(small_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A writable nomengraph endpoint over a copy of the small store: the remote store."""
    root = tmp_path_factory.mktemp("remote")
    shutil.copytree(small_store, root / "store")
    server = start(root / "store", root / "remote.log", "--update-token", TOKEN, "--timeout", "30")
    yield server
    stop(server)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``nomengraph`` as a command, from the project root."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


# -- configuration ------------------------------------------------------------------------


def test_store_setting_is_a_path_or_a_url() -> None:
    assert Settings.load({}).store == Path("store")
    assert Settings.load({"NOMENGRAPH_STORE": "oxigraph:data/st"}).store == Path("data/st")
    assert Settings.load({"NOMENGRAPH_STORE": "data/st"}).remote_store is None
    s = Settings.load({"NOMENGRAPH_STORE": "http://h:8890/sparql", "NOMENGRAPH_STORE_USER": "u"})
    assert s.remote_store == "http://h:8890/sparql" and s.store_user == "u"
    assert Settings.load(store=Path("x")).store == Path("x")
    assert is_remote("HTTPS://h/sparql") and not is_remote(Path("http:/h"))


def test_digest_is_chosen_by_a_setting() -> None:
    s = Settings.load(
        {"NOMENGRAPH_STORE": "http://h/sparql-auth", "NOMENGRAPH_STORE_AUTH": "digest"}
    )
    store = RemoteStore.from_settings(s)
    assert store.auth == "digest" and "Authorization" not in store._headers
    store = RemoteStore("http://dba:pw@h/sparql-auth", auth="Digest")
    assert (store.user, store.password, store.auth) == ("dba", "pw", "digest")
    assert "Authorization" not in store._headers  # answered to the store's challenge instead
    assert (
        RemoteStore.from_settings(Settings.load({"NOMENGRAPH_STORE": "http://h/s"})).auth == "basic"
    )
    with pytest.raises(StoreError, match="'ntlm': not one of basic, digest"):
        RemoteStore("http://h/sparql", auth="ntlm")


def test_credentials_in_the_url_become_basic_auth() -> None:
    store = RemoteStore("http://dba:s%40cret@127.0.0.1:8890/sparql")
    assert store.display_url == "http://127.0.0.1:8890/sparql"
    assert (store.user, store.password) == ("dba", "s@cret")
    assert store._headers["Authorization"] == "Basic ZGJhOnNAY3JldA=="
    with pytest.raises(StoreError, match="not an http"):
        RemoteStore("store")


def test_split_nquads_per_graph() -> None:
    nq = (
        b'<http://a/s> <http://a/p> "x" <http://a/g1> .\n'
        b"<http://a/s> <http://a/p> <http://a/o> <http://a/g2> .\n"
    )
    graphs = split_nquads(nq)
    assert list(graphs) == ["http://a/g1", "http://a/g2"]
    assert graphs["http://a/g1"].strip() == b'<http://a/s> <http://a/p> "x" .'
    with pytest.raises(StoreError, match="outside a named graph"):
        split_nquads(b"<http://a/s> <http://a/p> <http://a/o> .\n")


# -- RemoteStore against a real endpoint ---------------------------------------------------


def test_query_update_and_graphs(remote: Server) -> None:
    store = RemoteStore(url(remote), token=TOKEN, timeout=30)
    store.ping()
    sizes = store.graph_sizes()
    assert sizes[G + "cigref-2018"] > 0
    assert store.count(G + "cigref-2018") == sizes[G + "cigref-2018"]
    assert store.ask(f"ASK {{ <{SCHEME_2018}> ?p ?o }}")
    store.put_graph("http://example.org/t", b'<http://a/s> <http://a/p> "\\u00e9t\\u00e9" .\n')
    rows = store.select("SELECT ?o WHERE { GRAPH <http://example.org/t> { ?s ?p ?o } }")
    assert rows == [{"o": "été"}]
    assert b"http://a/s" in graph_triples(store, "http://example.org/t")
    store.delete_graph("http://example.org/t")
    assert "http://example.org/t" not in store.named_graphs()


def test_errors_name_the_url_and_status(remote: Server) -> None:
    store = RemoteStore(url(remote), timeout=30)  # no token: updates are refused
    with pytest.raises(StoreHTTPError, match=rf"{url(remote)}.*401") as info:
        store.update("INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }")
    assert info.value.status == 401
    with pytest.raises(StoreHTTPError, match="400"):
        store.select("SELECT nonsense")
    gone = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(StoreUnreachable, match=f"{gone}.*not reachable"):
        RemoteStore(gone, timeout=5).ping()


def test_replace_graphs_stages_then_moves(remote: Server) -> None:
    store = RemoteStore(url(remote), token=TOKEN, timeout=30)
    first = {"http://example.org/a": b"<http://a/s> <http://a/p> <http://a/o1> .\n"}
    store.replace_graphs(first)
    seen: list[list[str]] = []
    second = {
        "http://example.org/a": b"<http://a/s> <http://a/p> <http://a/o2> .\n"
        b"<http://a/s> <http://a/p> <http://a/o3> .\n",
        "http://example.org/b": b"<http://b/s> <http://b/p> <http://b/o> .\n",
    }
    sizes = store.replace_graphs(second, before_swap=lambda: seen.append(store.named_graphs()))
    assert sizes == {"http://example.org/a": 2, "http://example.org/b": 1}
    staged = [g for g in seen[0] if "-staging-" in g]
    assert len(staged) == 2  # both staged before the swap, old graph still served
    assert store.count("http://example.org/a") == 2
    assert not [g for g in store.named_graphs() if "-staging-" in g]
    for g in second:
        store.delete_graph(g)


def test_a_failed_load_drops_the_staging_and_keeps_the_graphs(remote: Server) -> None:
    store = RemoteStore(url(remote), token=TOKEN, timeout=30)
    store.replace_graphs({"http://example.org/k": b"<http://k/s> <http://k/p> <http://k/o> .\n"})
    bad = {
        "http://example.org/k": b"<http://k/s> <http://k/p> <http://k/new> .\n",
        "http://example.org/m": b"<http://m/s> <http://m/p> not-a-term .\n",
    }
    with pytest.raises(StoreHTTPError, match="400"):
        store.replace_graphs(bad)
    assert store.select("SELECT ?o WHERE { GRAPH <http://example.org/k> { ?s ?p ?o } }") == [
        {"o": "http://k/o"}
    ]
    assert not [g for g in store.named_graphs() if "-staging-" in g]
    store.delete_graph("http://example.org/k")


def test_remote_killed_between_stage_and_swap(small_store: Path, tmp_path: Path) -> None:
    """The remote dies after the staged loads: the graphs it serves afterwards are the old ones."""
    shutil.copytree(small_store, tmp_path / "store")
    server = start(tmp_path / "store", tmp_path / "r.log", "--update-token", TOKEN)
    store = RemoteStore(url(server), token=TOKEN, timeout=10)
    before = store.graph_sizes()
    data = f'<{SCHEME_2018}> <http://a/p> "replaced" <{G}cigref-2018> .\n'.encode()
    try:
        with pytest.raises(StoreUnreachable):
            push_to_remote(data, store, before_swap=lambda: stop(server))
    finally:
        stop(server)
    again = start(tmp_path / "store", tmp_path / "r2.log")
    try:
        restarted = RemoteStore(url(again), timeout=10)
        after = restarted.graph_sizes()
        assert after[G + "cigref-2018"] == before[G + "cigref-2018"]
        served = {g: n for g, n in after.items() if "-staging-" not in g}
        assert served == before
        left = restarted.leftover_staging()  # what the next push will drop
        assert len(left) == 1 and left[0].startswith(G + "cigref-2018-staging-")
    finally:
        stop(again)


class Died(Exception):
    """The pushing process died between staging and swap."""


def test_the_next_push_drops_the_staging_graphs_a_dead_push_left(
    remote: Server, tmp_path: Path
) -> None:
    store = RemoteStore(url(remote), token=TOKEN, timeout=30)
    ours = {G + "cleanup-test": b"<http://c/s> <http://c/p> <http://c/o> .\n"}
    foreign = "http://example.org/x-staging-0123456789ab"  # not one of nomengraph's graphs
    store.put_graph(foreign, b"<http://f/s> <http://f/p> <http://f/o> .\n")

    def die() -> None:
        raise Died

    with pytest.raises(Died):
        store.replace_graphs(ours, before_swap=die)
    left = store.leftover_staging()
    assert len(left) == 1 and left[0].startswith(G + "cleanup-test-staging-")
    assert foreign not in left and G + "cleanup-test" not in store.named_graphs()
    out = cli("stats", "--store", url(remote))
    assert out.returncode == 0, out.stderr
    assert "staging graphs left by an interrupted push: 1" in out.stdout and left[0] in out.stdout

    source = tmp_path / "again.nq"
    source.write_text(f"<http://c/s> <http://c/p> <http://c/o2> <{G}cleanup-test> .\n")
    out = cli(
        "load", "--store", url(remote), "--from", str(source), env={"NOMENGRAPH_STORE_TOKEN": TOKEN}
    )
    assert out.returncode == 0, out.stderr
    assert f"dropping 1 staging graph(s) left by an interrupted push: {left[0]}" in out.stderr
    graphs = store.named_graphs()
    assert left[0] not in graphs and foreign in graphs  # other graphs are never touched
    assert store.count(G + "cleanup-test") == 1
    out = cli("stats", "--store", url(remote))
    assert "staging graphs left by an interrupted push: 0" in out.stdout
    for graph in (foreign, G + "cleanup-test"):
        store.delete_graph(graph)


# -- nomengraph query --store URL -----------------------------------------------------------

LIBRARY = resources.QUERIES
RUNS = [
    ("job-profile", {"job": "cigref-2018/2.6"}),
    ("jobs-needing-competence", {"competence": "D.11", "level": "4"}),  # FILTER on a parameter
    ("similar-jobs", {"job": "cigref-2018/5.1"}),  # subqueries, decimals
    ("compare-jobs", {"job": "cigref-2018/2.6", "other": "cigref-2018/8.3"}),
    ("edition-summary", {}),
    ("families", {}),
]


@pytest.fixture(scope="module")
def read_only_remote(
    small_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A read-only nomengraph endpoint over the small store (no test writes to it)."""
    server = start(small_store, tmp_path_factory.mktemp("ro") / "ro.log", "--workers", "1")
    yield server
    stop(server)


@pytest.mark.parametrize("name, params", RUNS, ids=[r[0] for r in RUNS])
def test_run_query_on_a_remote_store_gives_the_local_answer(
    read_only_remote: Server, small_store: Path, name: str, params: dict[str, str]
) -> None:
    from nomengraph.query import load_query, run_query
    from nomengraph.store import OxigraphStore

    query = load_query(name, LIBRARY)
    local = run_query(OxigraphStore.open(small_store), query, params)
    remote = run_query(RemoteStore(url(read_only_remote), timeout=30), query, params)
    assert local.rows, "a comparison of empty answers proves little"
    assert (remote.columns, remote.rows) == (local.columns, local.rows)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_command_on_a_remote_store(
    read_only_remote: Server, small_store: Path, fmt: str
) -> None:
    args = ("query", "job-profile", "--param", "job=cigref-2018/5.1", "--format", fmt)
    local = cli(*args, "--store", str(small_store))
    remote = cli(*args, "--store", url(read_only_remote))
    assert local.returncode == 0 and remote.returncode == 0, local.stderr + remote.stderr
    assert remote.stdout == local.stdout and "5.1" in remote.stdout


def test_query_command_errors_on_a_remote_store(read_only_remote: Server) -> None:
    out = cli("query", "job-profile", "--param", "job=2.6", "--store", url(read_only_remote))
    assert out.returncode == 2 and "not a job" in out.stderr  # checked before anything is sent
    gone = f"http://u:secret@127.0.0.1:{free_port()}/sparql"
    out = cli("query", "edition-summary", "--store", gone)
    assert out.returncode == 2 and "not reachable" in out.stderr and "secret" not in out.stderr
    assert gone.replace("u:secret@", "") in out.stderr
    out = cli(
        "query",
        "edition-summary",
        "--store",
        url(read_only_remote),
        env={"NOMENGRAPH_STORE_AUTH": "ntlm"},
    )
    assert out.returncode == 2 and "'ntlm'" in out.stderr and "basic, digest" in out.stderr


# -- the command line ---------------------------------------------------------------------


def test_load_command_pushes_an_nquads_file(remote: Server, tmp_path: Path) -> None:
    source = tmp_path / "x.nq"
    source.write_text(
        '<http://x/s> <http://x/p> "1" <http://example.org/loaded> .\n', encoding="utf-8"
    )
    out = cli(
        "load", "--store", url(remote), "--from", str(source), env={"NOMENGRAPH_STORE_TOKEN": TOKEN}
    )
    assert out.returncode == 0, out.stderr
    assert "http://example.org/loaded: 1 triples" in out.stdout
    RemoteStore(url(remote), token=TOKEN).delete_graph("http://example.org/loaded")


def test_build_and_serve_with_an_unreachable_store_exit_2() -> None:
    gone = f"http://u:p@127.0.0.1:{free_port()}/sparql"
    out = cli("build", "--store", gone)
    assert out.returncode == 2
    assert "does not answer" in out.stderr and "not reachable" in out.stderr
    assert "u:p@" not in out.stderr  # credentials are not printed
    out = cli("serve", "--store", gone, "--port", str(free_port()))
    assert out.returncode == 2 and "does not answer" in out.stderr


def test_build_pushes_to_the_remote_and_serve_forwards(
    remote: Server, tmp_path: Path, small_store: Path
) -> None:
    cards = tmp_path / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(resources.CARDS / "ecf", cards / "ecf")
    shutil.copy(resources.CARDS / "cigref-2018" / "2.6.yaml", cards / "cigref-2018")
    out = cli(
        "build",
        "--store",
        url(remote),
        "--cards",
        str(cards),
        "--out",
        str(tmp_path / "dist"),
        env={"NOMENGRAPH_STORE_TOKEN": TOKEN},
    )
    assert out.returncode == 0, out.stderr
    assert "graphs replaced on the remote store" in out.stdout
    store = RemoteStore(url(remote))
    expected = split_nquads((tmp_path / "dist" / "nomengraph.nq").read_bytes())
    sizes = store.graph_sizes()
    for graph, data in expected.items():
        assert sizes[graph] == data.count(b"\n")
    assert not [g for g in sizes if "-staging-" in g]

    # serve --store URL: the same endpoint and pages over the remote store.
    front = start_front(url(remote), tmp_path / "front.log", "--max-rows", "50")
    try:
        status, headers, body = front.query(
            f"SELECT ?p WHERE {{ <{SCHEME_2018}> ?p ?o }}", format="csv"
        )
        assert status == 200 and headers["content-type"].startswith("text/csv")
        assert body.startswith(b"p\r\n")
        status, _, body = front.query(f"DESCRIBE <{SCHEME_2018}>")
        assert status == 200 and b"cigref-2018" in body
        status, _, body = front.query("SELECT * WHERE { ?s ?p ?o } LIMIT 200")
        assert status == 422 and b"more than 50 rows" in body  # the front's row limit
        status, _, body = front.query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
        assert status == 403 and b"SERVICE" in body
        status, _, _ = front.request(
            "POST",
            "/sparql",
            urlencode({"update": "CLEAR ALL"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 403  # read-only unless enabled
        health = json.loads(front.request("GET", "/healthz")[2])
        assert health["store"] == url(remote) and health["graphs"] == sizes
        assert front.request("GET", "/")[0] == 200
    finally:
        stop(front)


def start_front(remote_url: str, log: Path, *args: str) -> Server:
    return start(remote_url, log, "--workers", "1", "--timeout", "5", *args)  # type: ignore[arg-type]


def test_stats_of_a_remote_store(remote: Server) -> None:
    out = cli("stats", "--store", url(remote))
    assert out.returncode == 0, out.stderr
    assert f"store {url(remote)}" in out.stdout and "cigref-2018" in out.stdout


def test_serve_forwards_updates_only_when_enabled(remote: Server) -> None:
    """The front has its own update token; it forwards with the remote's credentials."""
    from nomengraph.server import create_app

    settings = Settings.load(
        {}, store=url(remote), update_token="front-token", store_token=TOKEN, query_timeout=20
    )
    client = create_app(settings).test_client()
    insert = "INSERT DATA { GRAPH <http://example.org/u> { <http://u/s> <http://u/p> 1 } }"
    assert client.post("/sparql", data={"update": insert}).status_code == 401
    auth = {"Authorization": "Bearer front-token"}
    assert client.post("/sparql", data={"update": insert}, headers=auth).status_code == 204
    assert RemoteStore(url(remote)).count("http://example.org/u") == 1
    health = client.get("/healthz").get_json()
    assert health["graphs"]["http://example.org/u"] == 1 and health["updates"] is True
    load = client.post("/sparql", data={"update": "LOAD <file:///etc/passwd>"}, headers=auth)
    assert load.status_code == 403  # refused here, never forwarded
    drop = "DROP GRAPH <http://example.org/u>"
    assert client.post("/sparql", data={"update": drop}, headers=auth).status_code == 204
    assert RemoteStore(url(remote)).count("http://example.org/u") == 0


# -- a slow or vanished remote ------------------------------------------------------------


class _Slow(http.server.BaseHTTPRequestHandler):
    """Answers graph-size queries at once and sleeps on any query mentioning SLOW."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's API
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        query = form.get("query", [""])[0]
        if "SLOW" in query:
            time.sleep(3)
        body = json.dumps({"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_remote() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_slow_remote_gives_504_and_a_vanished_one_502(slow_remote) -> None:
    from nomengraph.server import create_app

    port = slow_remote.server_address[1]
    remote_url = f"http://127.0.0.1:{port}/sparql"
    with pytest.raises(StoreTimeout, match=f"{remote_url}.*within 0.5 s"):
        RemoteStore(remote_url, timeout=0.5).select("SELECT * WHERE { ?s ?p ?o } # SLOW")
    app = create_app(Settings.load({}, store=remote_url, query_timeout=0.5))
    client = app.test_client()
    ok = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert ok.status_code == 200
    slow = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } # SLOW"})
    assert slow.status_code == 504 and b"0.5 s" in slow.data
    slow_remote.shutdown()
    slow_remote.server_close()
    gone = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert gone.status_code == 502 and remote_url.encode() in gone.data
