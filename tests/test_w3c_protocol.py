"""W3C SPARQL 1.1 Protocol tests, run against a real ``nomengraph serve`` process.

The 34 tests come from tests/w3c/protocol/manifest.ttl (github.com/w3c/rdf-tests, path
sparql/sparql11/protocol, commit ad541a5; see tests/w3c/README.md). Each test is a list of HTTP
requests (method, path and query string, headers, body and its character encoding) with the
expected response (status class, result format, ASK answer). The runner reads those fields from
the manifest, sends each request as written (the manifest's ``/sparql/`` path replaced by the
endpoint path), and checks the response. Two deliberate departures, both documented in
docs/conformance.md:

- every request carries ``Authorization: Bearer <token>``: updates are enabled only with the
  server's update token, and the manifest (written for open endpoints) sends none. With the token
  on every request, the 4xx answers of the ``bad_update_*`` tests come from the protocol checks,
  not from a missing token. ``test_update_without_token_is_refused`` checks the token is needed.
- the Host header is the real loopback address, not the manifest's ``www.example``.

Run only these tests: ``pytest tests/test_w3c_protocol.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from w3c.harness import ENDPOINT, Response, Server, build_store, start_server

HERE = Path(__file__).parent / "w3c" / "protocol"
MANIFEST = HERE / "manifest.ttl"
TOKEN = "w3c-protocol-test-token"
JSON_RESULTS = "application/sparql-results+json"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

# Manifest tests this server does not pass, with the reason (kept in step with
# docs/conformance.md; strict xfail, so a test that starts passing fails until removed here).
KNOWN_FAILURES: dict[str, str] = {}

# Media types that satisfy mf:expectedFormat, with how to parse them.
RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,  # CSV (parsed with the csv module: pyoxigraph reads no CSV results)
}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
EXPECTED_FORMATS = {
    # "boolean": ASK results in XML or JSON; "tabular": SELECT results in XML, JSON, CSV or
    # TSV; "RDF": RDF/XML, Turtle, N-Triples (or RDFa, which this server does not produce).
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": set(RESULTS_FORMATS),
    "RDF": set(RDF_FORMATS),
}


@dataclass
class HttpRequest:
    method: str
    path: str  # with the manifest's query string, on the project's endpoint
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # accepted status classes: 2, 3, 4...
    expected_format: str | None
    expected_boolean: bool | None

    def describe(self) -> str:
        heads = "".join(f"\n  {k}: {v}" for k, v in self.headers.items())
        body = "" if self.body is None else "\n\n" + self.body.decode("utf-8", "replace")
        return f"{self.method} {self.path}{heads}{body}"


@dataclass
class ProtocolTest:
    id: str
    name: str
    graph_data: list[tuple[Path, str]]  # (file, graph IRI) that the test expects in the store
    requests: list[HttpRequest]


def _list(graph: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(graph, head))


def _one(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef):
    return graph.value(subject, predicate)


def _request(graph: rdflib.Graph, node: rdflib.term.Node) -> HttpRequest:
    path = str(_one(graph, node, HT.absolutePath))
    assert path.startswith("/sparql/"), path
    path = ENDPOINT + path[len("/sparql/") :]
    headers: dict[str, str] = {}
    heads = _one(graph, node, HT.headers)
    for header in _list(graph, heads) if heads is not None else []:
        headers[str(_one(graph, header, HT.fieldName))] = str(_one(graph, header, HT.fieldValue))
    body = None
    content = _one(graph, node, HT.body)
    if content is not None:
        encoding = str(_one(graph, content, CNT.characterEncoding) or "UTF-8")
        body = str(_one(graph, content, CNT.chars)).encode(encoding)
    resp = _one(graph, node, HT.resp)
    statuses = {int(str(s)[len(HTS)]) for s in graph.objects(resp, MF.expectedStatus)}
    fmt = _one(graph, resp, MF.expectedFormat)
    boolean = _one(graph, resp, MF.expectedBoolean)
    return HttpRequest(
        method=str(_one(graph, node, HT.methodName)),
        path=path,
        headers=headers,
        body=body,
        statuses=statuses,
        expected_format=None if fmt is None else str(fmt),
        expected_boolean=None if boolean is None else bool(boolean.toPython()),
    )


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for entry in _list(graph, _one(graph, manifest, MF.entries)):
        graph_data = []
        for item in graph.objects(entry, UT.graphData):
            filename = str(_one(graph, item, UT.graph)).rsplit("/", 1)[-1]
            graph_data.append((path.parent / filename, str(_one(graph, item, rdflib.RDFS.label))))
        action = _one(graph, entry, MF.action)
        requests = [_request(graph, r) for r in _list(graph, _one(graph, action, HT.requests))]
        tests.append(
            ProtocolTest(
                id=str(entry).rsplit("#", 1)[-1],
                name=str(_one(graph, entry, MF.name)),
                graph_data=sorted(graph_data, key=lambda item: item[1]),
                requests=requests,
            )
        )
    return tests


TESTS = load_manifest()
ALL_GRAPH_DATA = sorted({item for test in TESTS for item in test.graph_data}, key=lambda i: i[1])


def _params() -> Iterator[object]:
    for test in TESTS:
        marks = []
        if test.id in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[test.id]))
        yield pytest.param(test, id=test.id, marks=marks)


# --- the server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module, over a store holding data1.nt..data3.nt in their graphs."""
    workdir = tmp_path_factory.mktemp("w3c-protocol")
    store = workdir / "store"
    build_store(store, ALL_GRAPH_DATA)
    srv = start_server(store, workdir, token=TOKEN)
    srv.extra["dirty"] = ""
    yield srv
    srv.stop()


def _reset(server: Server) -> None:
    """Bring the store back to the preloaded data after a test that may have changed it."""
    inserts = "\n".join(
        f"GRAPH <{graph}> {{\n{source.read_text(encoding='utf-8')}}}"
        for source, graph in ALL_GRAPH_DATA
    )
    resp = server.request(
        "POST",
        ENDPOINT,
        body=f"DROP ALL ;\nINSERT DATA {{\n{inserts}}}".encode(),
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {TOKEN}",
        },
    )
    if resp.status // 100 != 2:
        pytest.fail(f"could not reset the store before the test:\n{resp.describe()}")
    server.extra["dirty"] = ""


# --- checks ----------------------------------------------------------------------------------


def _parse_result(resp: Response, expected_format: str) -> object:
    """Parse the body in its announced media type; return a QueryBoolean, rows or triples."""
    media = resp.media_type
    assert media in EXPECTED_FORMATS[expected_format], (
        f"media type {media!r} is not one of {sorted(EXPECTED_FORMATS[expected_format])}"
    )
    if expected_format == "RDF":
        return list(ox.parse(resp.body, RDF_FORMATS[media]))
    if media == "text/csv":
        return list(csv.reader(io.StringIO(resp.body.decode("utf-8"))))
    return ox.parse_query_results(resp.body, RESULTS_FORMATS[media])


def _check(req: HttpRequest, resp: Response) -> None:
    context = f"\n--- request:\n{req.describe()}\n--- response:\n{resp.describe()}"
    if resp.status // 100 not in req.statuses:
        expected = ", ".join(f"{s}xx" for s in sorted(req.statuses))
        pytest.fail(f"status {resp.status}, expected {expected}{context}", pytrace=False)
    if req.expected_format is None:
        return
    try:
        result = _parse_result(resp, req.expected_format)
    except (AssertionError, SyntaxError, ValueError, UnicodeDecodeError) as exc:
        pytest.fail(f"expected a {req.expected_format} result: {exc}{context}", pytrace=False)
    if req.expected_format == "boolean" and not isinstance(result, ox.QueryBoolean):
        pytest.fail(f"not an ASK result{context}", pytrace=False)
    if req.expected_format == "tabular" and not isinstance(result, ox.QuerySolutions | list):
        pytest.fail(f"not a SELECT result{context}", pytrace=False)
    if req.expected_boolean is not None and bool(result) is not req.expected_boolean:
        pytest.fail(
            f"ASK answered {bool(result)}, expected {req.expected_boolean}{context}", pytrace=False
        )


@pytest.mark.parametrize("test", list(_params()))
def test_protocol(test: ProtocolTest, server: Server) -> None:
    if test.graph_data and server.extra["dirty"]:
        _reset(server)
    if not test.id.startswith("query_"):
        server.extra["dirty"] = test.id  # update tests (and bad requests, if wrongly run) write
    for req in test.requests:
        headers = {**req.headers, "Authorization": f"Bearer {TOKEN}"}
        resp = server.request(req.method, req.path, body=req.body, headers=headers)
        _check(req, resp)


def test_manifest_is_complete() -> None:
    """The runner reads all 34 tests, each with at least one request and an expected status."""
    assert len(TESTS) == 34
    assert len({t.id for t in TESTS}) == 34
    assert all(t.requests and all(r.statuses for r in t.requests) for t in TESTS)
    assert set(KNOWN_FAILURES) <= {t.id for t in TESTS}


def test_update_without_token_is_refused(server: Server) -> None:
    """Not a W3C test: the runner's Bearer header is what enables updates."""
    server.extra["dirty"] = "test_update_without_token_is_refused"
    graph = "http://example.org/protocol-no-token-test/"
    triple = "<http://example.org/s> <http://example.org/p> 1"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }}"
    for auth in ({}, {"Authorization": "Bearer not-the-token"}):
        resp = server.request(
            "POST",
            ENDPOINT,
            body=update.encode(),
            headers={"Content-Type": "application/sparql-update", **auth},
        )
        assert resp.status in (401, 403), resp.describe()
    ask = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    resp = server.request("GET", f"{ENDPOINT}?query={quote(ask)}", headers={"Accept": JSON_RESULTS})
    assert resp.status == 200, resp.describe()
    assert not bool(ox.parse_query_results(resp.body, ox.QueryResultsFormat.JSON))
