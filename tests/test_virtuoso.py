"""The remote store against a real Virtuoso 7 (skipped when ``virtuoso-t`` is not installed).

A private Virtuoso is started from a copy of the packaged virtuoso.ini, with its database in a
temporary folder and its ports bound to 127.0.0.1; SPARQL Update is granted to the anonymous
SPARQL user (so /sparql and /sparql-graph-crud accept writes without authentication). Install on
Debian/Ubuntu with ``apt-get install virtuoso-opensource`` (see docs/remote-store.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from nomengraph.build import push_to_remote
from nomengraph.remote import RemoteStore, split_nquads
from test_server_process import free_port, start, stop

ROOT = Path(__file__).parents[1]
INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
G = "https://w3id.org/nomengraph/graph/"
SCHEME_2018 = "https://w3id.org/nomengraph/id/scheme/cigref-2018"

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
        grant = subprocess.run(
            [ISQL, str(sql_port), "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
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
