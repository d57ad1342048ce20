"""One contract for the local and the remote executor: the same checks, errors and formats."""

from __future__ import annotations

import json

import pytest

from nomengraph.server.contract import QueryExecutor, prepare_query, prepare_update
from nomengraph.server.errors import (
    BadRequest,
    NotAcceptable,
    QueryError,
    QueryForbidden,
    QuerySyntaxError,
)
from nomengraph.server.executor import Executor
from nomengraph.server.lexer import MAX_NESTING
from nomengraph.server.remote_executor import RemoteExecutor, check_store_builtins
from nomengraph.store import StoreError

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
ONE = {"type": "literal", "value": "1", "datatype": XSD_INTEGER}
ANSWER = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": ONE}]}}


class FakeRemote:
    """A remote store that answers every query with one row and records what it was sent."""

    display_url = "http://store.invalid/sparql"

    def __init__(self, sizes_fail: bool = False) -> None:
        self.sent: list[str] = []
        self.sizes_fail = sizes_fail
        self.sizes_calls = 0

    def graph_sizes(self) -> dict[str, int]:
        self.sizes_calls += 1
        if self.sizes_fail and self.sizes_calls > 1:
            raise StoreError("the store went away")
        return {"urn:g": 3}

    def query_raw(self, query: str, accept: str, **_: object) -> tuple[str, bytes]:
        self.sent.append(query)
        return "application/sparql-results+json", json.dumps(ANSWER).encode()

    def update(self, update: str, **_: object) -> None:
        self.sent.append(update)


@pytest.fixture(scope="module")
def local(small_store):
    executor = Executor(small_store, processes=1)
    yield executor
    executor.close()


@pytest.fixture
def remote():
    return RemoteExecutor(FakeRemote(), writable=True)


BAD = [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QuerySyntaxError, "not a SPARQL query"),
    ("hello", QuerySyntaxError, "not a SPARQL query"),
    ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", QueryForbidden, "SERVICE"),
    ("ASK " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1), BadRequest, "at most"),
]


@pytest.mark.parametrize(("text", "error", "words"), BAD)
def test_both_executors_refuse_the_same_texts_the_same_way(local, remote, text, error, words):
    caught = []
    for executor in (local, remote):
        with pytest.raises(error, match=words) as exc:
            executor.run(text)
        caught.append((type(exc.value), exc.value.message, exc.value.status))
    assert caught[0] == caught[1]
    assert remote.remote.sent == []  # nothing was forwarded


def test_both_executors_negotiate_the_same_formats(local, remote):
    query = "SELECT (1 AS ?n) WHERE {}"
    for accept in ("text/csv", "application/xml", "application/json", "text/tab-separated-values"):
        a, b = local.run(query, accept=accept), remote.run(query, accept=accept)
        assert a.media_type == b.media_type and a.kind == b.kind == "select"
        if a.media_type.endswith("json"):  # the store's own JSON is passed on as it is
            assert json.loads(a.body) == json.loads(b.body)
        else:
            assert a.body == b.body
    for executor in (local, remote):
        with pytest.raises(NotAcceptable):
            executor.run(query, accept="text/turtle")
        with pytest.raises(BadRequest, match="unknown format"):
            executor.run(query, format="yaml")


def test_the_executors_keep_the_protocol(local, remote):
    for executor in (local, remote):
        for name in QueryExecutor.__dict__:
            if not name.startswith("_") and name not in ("__annotations__",):
                assert hasattr(executor, name), (type(executor).__name__, name)


def test_updates_are_checked_alike(local, remote):
    with pytest.raises(QueryForbidden, match="read-only"):
        local.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(QueryForbidden, match="LOAD"):
        remote.update("LOAD <http://127.0.0.1:9/x.ttl>")
    with pytest.raises(QueryForbidden, match="read-only"):
        prepare_update("CLEAR ALL", allow_service=False, writable=False)
    assert prepare_query("ASK {}", None, None, allow_service=False)[1] == (
        "application/sparql-results+json"
    )


BUILTINS = [
    'SELECT (bif:http_get("http://127.0.0.1:9/") AS ?x) {}',
    'SELECT (<bif:http_get>("http://127.0.0.1:9/") AS ?x) {}',
    'PREFIX b: <bif:> SELECT (b:http_get("http://127.0.0.1:9/") AS ?x) {}',
    'PREFIX b: <\\u0062if:> SELECT (b:http_get("x") AS ?x) {}',
    'BASE <BIF:> SELECT (<http_get>("x") AS ?x) {}',
    "SELECT (sql:SPARQL_SD_PROBE('http://127.0.0.1:9/') AS ?x) {}",
]


@pytest.mark.parametrize("text", BUILTINS)
def test_a_remote_store_is_never_sent_its_builtin_functions(remote, text):
    with pytest.raises(QueryForbidden, match="built-in functions"):
        remote.run(text)
    with pytest.raises(QueryForbidden, match="built-in functions"):
        check_store_builtins(text)
    assert remote.remote.sent == []


def test_names_that_merely_contain_bif_are_not_refused(remote):
    remote.run("PREFIX mybif: <urn:x:> SELECT ?s { ?s mybif:p ?o }")
    remote.run("SELECT ?s { ?s <urn:sqlite:p> ?o }")
    assert len(remote.remote.sent) == 2


def test_a_remote_update_whose_sizes_cannot_be_read_again_says_so(capsys):
    fake = FakeRemote(sizes_fail=True)
    executor = RemoteExecutor(fake, writable=True)
    executor.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "could not be read again" in capsys.readouterr().err
    assert executor.stats == {"urn:g": 3}


def test_every_error_is_a_query_error_with_an_http_status():
    from nomengraph.server import errors

    classes = [
        c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, QueryError)
    ]
    assert len(classes) >= 12
    assert all(400 <= c.status < 600 for c in classes)
