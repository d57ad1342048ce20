"""The SPARQL endpoint through Flask's test client, on a store built from three cards."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from nomengraph import iris
from nomengraph.server import QueryTimeout, create_app
from nomengraph.server.lexer import scan
from nomengraph.server.negotiation import NegotiationError, negotiate, parse_accept
from nomengraph.settings import Settings
from nomengraph.store import StoreError

TOKEN = "test-update-token"
JSON = "application/sparql-results+json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PO = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?job skos:notation "2.6" ; skos:prefLabel ?label ;
  skos:inScheme <https://w3id.org/nomengraph/id/scheme/cigref-2018> }"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def app(small_store):
    application = create_app(
        Settings(store=small_store, query_timeout=2.0, max_rows=500, max_request_bytes=20_000)
    )
    yield application
    application.extensions["nomengraph"].close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def update_app(small_store, tmp_path_factory):
    store = tmp_path_factory.mktemp("writable") / "store"
    shutil.copytree(small_store, store)
    application = create_app(Settings(store=store, update_token=TOKEN, query_timeout=5.0))
    yield application
    application.extensions["nomengraph"].close()


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.data
    return json.loads(response.data)["results"]["bindings"]


def count(response) -> int:
    return int(bindings(response)[0]["n"]["value"])


# -- the protocol ---------------------------------------------------------------------------


def test_get_query_returns_json_results(client):
    r = client.get("/sparql", query_string={"query": PO})
    assert r.mimetype == JSON
    labels = {b["label"]["value"] for b in bindings(r)}
    assert "Product Owner" in labels


def test_post_form_query_returns_json_results(client):
    r = client.post("/sparql", data={"query": PO})
    assert "Product Owner" in {b["label"]["value"] for b in bindings(r)}


def test_post_sparql_query_body_returns_json_results(client):
    r = client.post("/sparql", data=PO.encode(), content_type="application/sparql-query")
    assert "Product Owner" in {b["label"]["value"] for b in bindings(r)}


def test_trailing_slash_alias_answers_too(client):
    assert client.get("/sparql/", query_string={"query": "ASK {}"}).status_code == 200


def test_default_graph_is_the_union_of_the_named_graphs(client, app):
    total = app.extensions["nomengraph"].triples
    assert count(client.get("/sparql", query_string={"query": COUNT})) == total > 4000


def test_default_graph_uri_restricts_the_default_graph(client, app):
    ecf = iris.graph("ecf")
    r = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": ecf})
    assert count(r) == app.extensions["nomengraph"].stats[ecf]
    both = [ecf, iris.graph("ontology")]
    r = client.get(
        "/sparql", query_string=[("query", COUNT)] + [("default-graph-uri", g) for g in both]
    )
    assert count(r) == sum(app.extensions["nomengraph"].stats[g] for g in both)


def test_named_graph_uri_limits_the_graphs_of_graph_patterns(client):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", query_string={"query": q, "named-graph-uri": iris.graph("ecf")})
    assert [b["g"]["value"] for b in bindings(r)] == [iris.graph("ecf")]


def test_named_graph_uri_alone_leaves_an_empty_default_graph(client):
    r = client.get("/sparql", query_string={"query": COUNT, "named-graph-uri": iris.graph("ecf")})
    assert count(r) == 0


def test_from_clause_names_the_default_graph(client, app):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{iris.graph('metadata')}> WHERE {{ ?s ?p ?o }}"
    assert (
        count(client.get("/sparql", query_string={"query": q}))
        == (app.extensions["nomengraph"].stats[iris.graph("metadata")])
    )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", JSON),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("text/*;q=0.2, text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
    ],
)
def test_select_results_follow_the_accept_header(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", query_string={"query": PO}, headers=headers)
    assert r.status_code == 200
    assert r.mimetype == expected
    assert b"Product Owner" in r.data


def test_select_results_in_every_format_agree(client):
    q = PO + " ORDER BY ?label"
    rows = None
    for fmt, parse in (("json", "JSON"), ("xml", "XML"), ("tsv", "TSV")):
        r = client.get("/sparql", query_string={"query": q, "format": fmt})
        parsed = ox.parse_query_results(r.data, format=getattr(ox.QueryResultsFormat, parse))
        got = [str(s["label"]) for s in parsed]
        assert rows is None or got == rows
        rows = got
    r = client.get("/sparql", query_string={"query": q, "format": "csv"})
    csv_lines = r.data.split(b"\r\n")
    assert csv_lines[0] == b"label" and len([x for x in csv_lines[1:] if x]) == len(rows)


def test_ask_answers_true_or_false(client):
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert json.loads(r.data) == {"head": {}, "boolean": True}
    r = client.get(
        "/sparql",
        query_string={"query": "ASK { <urn:x:none> ?p ?o }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.mimetype == "application/sparql-results+xml" and b"false" in r.data


@pytest.mark.parametrize(
    ("fmt", "media", "rdf"),
    [
        (None, "text/turtle", ox.RdfFormat.TURTLE),
        ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_returns_rdf_in_the_chosen_format(client, fmt, media, rdf):
    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iris.graph('metadata')}> {{ ?s ?p ?o }} }}"
    params = {"query": q} | ({"format": fmt} if fmt else {})
    r = client.get("/sparql", query_string=params)
    assert r.status_code == 200 and r.mimetype == media
    assert len(list(ox.parse(r.data, format=rdf))) == int(r.headers["X-Result-Rows"]) > 10


def test_construct_follows_the_accept_header(client):
    r = client.get(
        "/sparql",
        query_string={"query": f"DESCRIBE <{iris.graph('ecf')}>"},
        headers={"Accept": "application/n-triples;q=0.9, text/turtle;q=0.5"},
    )
    assert r.status_code == 200 and r.mimetype == "application/n-triples"


def test_a_media_type_that_cannot_be_produced_is_406(client):
    r = client.get("/sparql", query_string={"query": PO}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and b"application/sparql-results+json" in r.data
    r = client.get("/sparql", query_string={"query": PO, "format": "ttl"})
    assert r.status_code == 406


def test_an_unknown_format_parameter_is_400(client):
    assert client.get("/sparql", query_string={"query": PO, "format": "yaml"}).status_code == 400


def test_malformed_query_is_400_with_the_parser_message(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400 and r.mimetype == "text/plain"
    assert b"error at 1:" in r.data


@pytest.mark.parametrize(
    ("method", "kwargs", "message"),
    [
        ("post", {"data": {"default-graph-uri": "http://x/"}}, b"missing query"),
        ("get", {"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, b"2 times"),
        ("post", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, b"not both"),
        ("get", {"query_string": {"query": "ASK {}", "default-graph-uri": "nope"}}, b"absolute"),
        (
            "get",
            {"query_string": {"query": "ASK {}", "named-graph-uri": "http://a b"}},
            b"absolute",
        ),
        ("get", {"query_string": {"update": "CLEAR ALL"}}, b"POST"),
        ("get", {"query_string": {"query": "ASK {}", "timeout": "soon"}}, b"timeout"),
        ("get", {"query_string": {"query": "ASK {}", "timeout": "-1"}}, b"timeout"),
    ],
)
def test_protocol_mistakes_are_400(client, method, kwargs, message):
    r = getattr(client, method)("/sparql", **kwargs)
    assert r.status_code == 400, r.data
    assert message in r.data


def test_query_in_url_and_body_together_is_400(client):
    r = client.post(
        "/sparql?query=ASK%7B%7D", data=b"ASK {}", content_type="application/sparql-query"
    )
    assert r.status_code == 400


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405_with_allow(client, method):
    r = getattr(client, method)("/sparql")
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"] and "GET" in r.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data"])
def test_unsupported_post_content_type_is_415(client, content_type):
    r = client.post("/sparql", data=b"ASK {}", content_type=content_type)
    assert r.status_code == 415


def test_oversize_post_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert client.post("/sparql", data={"query": big}).status_code == 413
    r = client.post("/sparql", data=big.encode(), content_type="application/sparql-query")
    assert r.status_code == 413


def test_oversize_get_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert client.get("/sparql", query_string={"query": big}).status_code == 413


def test_head_request_answers_without_body(client):
    r = client.head("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 200 and r.data == b""


MALFORMED = [
    ("get", {"query_string": {"query": ""}}),
    ("get", {"query_string": {"query": "SELECT"}}),
    ("get", {"query_string": {"query": "\x00\x01"}}),
    ("get", {"query_string": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}}),
    ("get", {"query_string": {"query": "SELECT * WHERE { ?s ?p 'unclosed }"}}),
    ("get", {"query_string": {"query": 'SELECT * WHERE { ?s ?p """x }'}}),
    ("get", {"query_string": {"query": "PREFIX : <x> SELECT * { :a :b :c }"}}),
    ("get", {"query_string": {"query": "SELECT ?x WHERE { BIND(1/0 AS ?x) }"}}),
    ("get", {"query_string": {"query": "SELECT * { <" + "a" * 500}}),
    ("get", {"query_string": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}}),
    ("get", {"query_string": {"query": "ASK {}", "format": ""}}),
    ("get", {"query_string": {"query": "ASK {}", "format": "\xff"}}),
    ("get", {"query_string": {"query": "ASK {}", "timeout": "nan"}}),
    ("get", {"query_string": {"query": "ASK {}", "timeout": "inf"}}),
    ("get", {"query_string": {"query": "ASK {}", "timeout": "1e400"}}),
    ("get", {"query_string": {"query": "ASK {}", "default-graph-uri": ""}}),
    ("get", {"query_string": {"query": "ASK {}", "default-graph-uri": "http://a/<>"}}),
    ("get", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": ";;;,,,q=x"}}),
    ("get", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "text/csv;q=abc"}}),
    ("get", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "*/json"}}),
    ("get", {"query_string": {"query": "SELECT ?x { VALUES ?x { 1 } } GROUP BY"}}),
    ("get", {"query_string": {"query": "SELECT * { SERVICE }"}}),
    ("get", {"query_string": {"query": "DESCRIBE"}}),
    ("get", {"query_string": {"query": "CONSTRUCT { ?s ?p } WHERE {}"}}),
    ("get", {"query_string": "query=%ZZ%"}),
    ("get", {"query_string": "query=%FF%FE"}),
    ("post", {"data": b"\xff\xfe\x00", "content_type": "application/sparql-query"}),
    ("post", {"data": b"query=%FF%FE", "content_type": "application/x-www-form-urlencoded"}),
    ("post", {"data": b"", "content_type": "application/sparql-query"}),
    ("post", {"data": b"", "content_type": "application/sparql-update"}),
    ("post", {"data": b"ASK {}", "content_type": "application/sparql-query; charset=klingon"}),
    ("post", {"data": b"ASK {}", "content_type": ""}),
    ("post", {"data": b"update=CLEAR%20ALL", "content_type": "application/x-www-form-urlencoded"}),
    (
        "post",
        {"data": b"query=ASK%7B%7D&query=", "content_type": "application/x-www-form-urlencoded"},
    ),
    ("post", {"data": b"{}", "content_type": "application/json"}),
    ("options", {"headers": {"Access-Control-Request-Method": "TRACE"}}),
    ("put", {"data": b"ASK {}"}),
]


@pytest.mark.parametrize(("method", "kwargs"), MALFORMED)
def test_malformed_requests_never_get_a_server_error(client, method, kwargs):
    r = getattr(client, method)("/sparql", **kwargs)
    assert r.status_code < 500, (r.status_code, r.data)


# -- safety ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?e ?p ?o SERVICE ?e { ?s ?p ?o } }",
        "SELECT * WHERE { # a comment\n SeRvIcE<http://example.org/sparql>{ ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "x" . SERVICE <http://e.org/> { ?s ?p "SERVICE" } }',
    ],
)
def test_service_is_refused_by_default(client, query):
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 403 and b"SERVICE" in r.data


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/>" }',
        "SELECT * WHERE { ?s ?p '''a\nSERVICE ?x { }''' }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:SERVICE ?o }",
        "SELECT ?service WHERE { ?service ?p ?o } # SERVICE <http://example.org/>\n",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?s > 1) }",
    ],
)
def test_the_word_service_outside_the_keyword_is_not_refused(client, query):
    r = client.get("/sparql", query_string={"query": query + " LIMIT 1"})
    assert r.status_code == 200, r.data


def test_the_scanner_finds_keywords_only(client):
    assert scan('SELECT * { ?s ?p "FROM" }').form == "select"
    assert not scan('SELECT * { ?s ?p "FROM" }').has("FROM")
    assert scan("PREFIX a: <x:> CONSTRUCT WHERE { ?s a:ask ?o }").form == "construct"
    assert scan("describe <x:a>").form == "describe"
    assert scan("LOAD SILENT <http://a/b> INTO GRAPH <x:g>").iris_after["SILENT"] == ["http://a/b"]


def test_accept_parsing_and_negotiation_rules():
    ranges = parse_accept("text/*;q=0.3, text/csv, */*;q=0.1")
    assert sorted(ranges) == sorted([("text/*", 0.3), ("text/csv", 1.0), ("*/*", 0.1)])
    assert parse_accept(None).best_match(["text/csv"]) == "text/csv"
    # Aliases stand for the format pyoxigraph maps them to; q=0 refuses.
    assert negotiate("select", "application/json") == "application/sparql-results+json"
    assert negotiate("construct", "application/json") == "application/ld+json"
    assert negotiate("select", "text/csv;q=0, */*;q=0.1") == "application/sparql-results+json"
    with pytest.raises(NegotiationError):
        negotiate("select", "text/csv;q=0")
    assert negotiate("select", None, "application/xml") == "application/sparql-results+xml"
    assert negotiate("select", "text/tab-separated-values;q=0.9, text/*;q=1") == "text/csv"
    assert negotiate("construct", "text/*") == "text/turtle"
    assert negotiate("construct", "application/xml") == "application/rdf+xml"
    with pytest.raises(NegotiationError):
        negotiate("construct", "application/sparql-results+json")


def test_query_running_past_its_time_limit_is_stopped_and_its_worker_replaced(client, app):
    executor = app.extensions["nomengraph"]
    before = executor.worker_pids()
    r = client.get("/sparql", query_string={"query": SLOW, "timeout": "0.5"})
    assert r.status_code == 503 and b"stopped after 0.5 s" in r.data
    after = executor.worker_pids()
    assert after != before
    for pid in set(before) - set(after):
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z"
    except OSError:
        return True


def test_the_timeout_parameter_cannot_raise_the_limit(app):
    executor = app.extensions["nomengraph"]
    with pytest.raises(QueryTimeout, match="after 2 s"):
        executor.run(SLOW, timeout=3600)


def test_results_over_max_rows_are_422(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 422 and b"500" in r.data
    r = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 422
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"})
    assert len(bindings(r)) == 500


# -- SPARQL Update --------------------------------------------------------------------------

INSERT = "INSERT DATA { GRAPH <urn:x:test> { <urn:x:a> <urn:x:b> 'inserted' } }"


def test_post_form_update_on_a_read_only_endpoint_is_403(client):
    r = client.post("/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 403 and b"read-only" in r.data


def test_post_form_update_without_token_is_401(update_app):
    r = update_app.test_client().post("/sparql", data={"update": INSERT})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", TOKEN])
def test_update_with_a_malformed_authorization_header_is_401(update_app, header):
    r = update_app.test_client().post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": header}
    )
    assert r.status_code == 401


def test_update_with_a_wrong_token_is_403(update_app):
    r = update_app.test_client().post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer wrong"}
    )
    assert r.status_code == 403


def test_update_with_the_token_changes_what_queries_see(update_app):
    client = update_app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/sparql", data={"update": INSERT}, headers=auth)
    assert r.status_code == 204, r.data
    r = client.get("/sparql", query_string={"query": "SELECT ?o { <urn:x:a> <urn:x:b> ?o }"})
    assert [b["o"]["value"] for b in bindings(r)] == ["inserted"]
    r = client.post(
        "/sparql",
        data=b"DELETE DATA { GRAPH <urn:x:test> { <urn:x:a> <urn:x:b> 'inserted' } }",
        content_type="application/sparql-update",
        headers=auth,
    )
    assert r.status_code == 204
    r = client.get("/sparql", query_string={"query": "ASK { <urn:x:a> ?p ?o }"})
    assert json.loads(r.data)["boolean"] is False
    assert client.get("/healthz").json["updates"] is True


def test_using_graph_uri_sets_the_dataset_of_an_update(update_app):
    client = update_app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    insert = "INSERT DATA { GRAPH <urn:x:u1> { <urn:x:a> <urn:x:b> 1 } }"
    assert client.post("/sparql", data={"update": insert}, headers=auth).status_code == 204
    copy = "INSERT { GRAPH <urn:x:u2> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    r = client.post("/sparql", data={"update": copy, "using-graph-uri": "urn:x:u1"}, headers=auth)
    assert r.status_code == 204, r.data
    r = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "urn:x:u2"})
    assert count(r) == 1
    with_using = "DELETE { ?s ?p ?o } USING <urn:x:u1> WHERE { ?s ?p ?o }"
    r = client.post(
        "/sparql", data={"update": with_using, "using-graph-uri": "urn:x:u1"}, headers=auth
    )
    assert r.status_code == 400


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://example.org/data.ttl>",
        "load silent <file:///etc/passwd> INTO GRAPH <urn:x:g>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_load_and_service_in_updates_are_refused(update_app, update):
    r = update_app.test_client().post(
        "/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 403


def test_malformed_update_is_400(update_app):
    r = update_app.test_client().post(
        "/sparql", data={"update": "INSERT DATA {"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 400 and b"error" in r.data


# -- Service Description, CORS, health ------------------------------------------------------


def test_get_without_query_returns_the_service_description(client, app):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    graph = list(ox.parse(r.data, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    objects = {(t.predicate.value, getattr(t.object, "value", None)) for t in graph}
    assert (sd + "endpoint", "http://localhost/sparql") in objects
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in objects
    assert (sd + "supportedLanguage", sd + "SPARQL11Update") not in objects
    assert (sd + "feature", sd + "UnionDefaultGraph") in objects
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_JSON") in objects
    names = {t.object.value for t in graph if t.predicate.value == sd + "name"}
    assert names == set(app.extensions["nomengraph"].named_graphs)


def test_service_description_is_negotiated(client, update_app):
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.mimetype == "application/ld+json" and json.loads(r.data)
    r = update_app.test_client().get("/sparql", headers={"Accept": "application/n-triples"})
    assert b"SPARQL11Update" in r.data


def test_responses_allow_any_origin(client):
    r = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "http://a.b"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_cors_preflight_lists_methods_and_headers(client):
    r = client.options(
        "/sparql",
        headers={
            "Origin": "http://a.b",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert r.status_code == 204
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in r.headers["Access-Control-Allow-Headers"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_healthz_reports_the_store(client, app, small_store):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json["ok"] is True
    assert r.json["store"] == str(small_store.resolve())
    assert r.json["triples"] == app.extensions["nomengraph"].triples > 4000
    assert iris.graph("ecf") in r.json["graphs"]


def test_create_app_without_a_store_names_the_path_and_the_build_command(tmp_path):
    with pytest.raises(StoreError, match="nomengraph build") as info:
        create_app(Settings(store=tmp_path / "missing"))
    assert str(tmp_path / "missing") in str(info.value)


def test_executor_runs_queries_for_other_modules(app):
    executor = app.extensions["nomengraph"]
    result = executor.run(PO, accept=JSON)
    assert result.kind == "select" and result.media_type == JSON
    assert json.loads(result.body)["head"]["vars"] == ["label"]
    assert executor.run("DESCRIBE <urn:x:none>").kind == "describe"
    assert os.getpid() not in executor.worker_pids()
