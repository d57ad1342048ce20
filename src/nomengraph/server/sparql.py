"""The SPARQL 1.1 Protocol endpoint (``/sparql``), its Service Description, CORS and /healthz.

Queries: ``GET /sparql?query=``, ``POST`` form-encoded ``query=``, ``POST`` with
``Content-Type: application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` may be
repeated; ``format=`` and ``timeout=`` are extensions. Updates (only when the server has an update
token): ``POST`` form-encoded ``update=`` or ``Content-Type: application/sparql-update``, with
``Authorization: Bearer <token>``. ``GET /sparql`` without a query returns the Service
Description. Errors are plain text with the status codes listed in docs/endpoint.md.
"""

from __future__ import annotations

import hmac
import re
import time
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from nomengraph.server import get_executor, get_settings
from nomengraph.server.errors import QueryError, QueryTimeout
from nomengraph.server.front import DEADLINE_KEY
from nomengraph.server.lexer import add_using
from nomengraph.server.negotiation import GRAPH_TYPES, NegotiationError, negotiate, rdf_format

bp = Blueprint("sparql", __name__)

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Authorization, Content-Type"
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


class ProtocolError(Exception):
    """A request that breaks the protocol: status and message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status, mimetype="text/plain")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError) -> Response:
    return _text(exc.status, exc.message, exc.headers)


@bp.errorhandler(QueryError)
def _query_error(exc: QueryError) -> Response:
    return _text(exc.status, exc.message)


def install_app_handlers(app: Flask) -> None:
    """App-wide: CORS on every response, plain-text 405 and 413 answers."""

    @app.after_request
    def _cors(response: Response) -> Response:
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Expose-Headers", "Content-Type, X-Result-Rows")
        return response

    @app.errorhandler(405)
    def _method_not_allowed(exc: HTTPException) -> Response:
        response = exc.get_response()
        allow = response.headers.get("Allow", ALLOWED_METHODS)
        return _text(405, f"method {request.method} not allowed; use {allow}", {"Allow": allow})

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: HTTPException) -> Response:
        limit = get_settings().max_request_bytes
        return _text(413, f"request too large: the limit is {limit} bytes")


# -- request parsing ------------------------------------------------------------------------


def _form_pairs() -> list[tuple[str, str]]:
    """Parameters from the URL and, for a form POST, from the body (in that order)."""
    pairs = list(request.args.items(multi=True))
    if request.method == "POST" and request.mimetype == FORM:
        raw = request.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the form body is not valid UTF-8") from None
        try:
            pairs += parse_qsl(text, keep_blank_values=True, errors="strict")
        except ValueError:
            raise ProtocolError(400, "the form body is not valid percent-encoded UTF-8") from None
    return pairs


def _body_text() -> str:
    raw = request.get_data(cache=True)
    charset = request.mimetype_params.get("charset", "utf-8")
    if charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"the request body must be UTF-8, not {charset}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8 text") from None


def _values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in pairs if k == name]


def _one(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = _values(pairs, name)
    if len(values) > 1:
        raise ProtocolError(400, f"the {name} parameter is given {len(values)} times; give it once")
    return values[0] if values else None


def _graph_uris(pairs: list[tuple[str, str]], name: str) -> list[str]:
    uris = _values(pairs, name)
    for uri in uris:
        ok = bool(_SCHEME.match(uri))
        if ok:
            try:
                ox.NamedNode(uri)
            except ValueError:
                ok = False
        if not ok:
            raise ProtocolError(400, f"{name} must be an absolute IRI, not {uri!r}")
    return uris


def _timeout(pairs: list[tuple[str, str]]) -> float | None:
    raw = _one(pairs, "timeout")
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ProtocolError(400, f"timeout must be a number of seconds, not {raw!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise ProtocolError(400, f"timeout must be a positive number of seconds, not {raw!r}")
    return value


def _remaining(timeout: float | None) -> float | None:
    """The query's time limit, counted from the request's arrival when the front gave it."""
    deadline = request.environ.get(DEADLINE_KEY)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0.01:
        raise QueryTimeout("the request waited its whole time limit for a query worker")
    return left if timeout is None else min(timeout, left)


# -- the endpoint ---------------------------------------------------------------------------


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False)
def sparql() -> Response:
    settings = get_settings()
    if request.method == "OPTIONS":
        return _preflight()
    if request.method == "GET" and len(request.query_string) > settings.max_request_bytes:
        raise ProtocolError(
            413, f"request too large: the limit is {settings.max_request_bytes} bytes"
        )
    query: str | None
    update: str | None
    if request.method == "POST":
        if request.content_length is not None and request.content_length > (
            settings.max_request_bytes
        ):
            raise RequestEntityTooLarge()
        mimetype = request.mimetype
        if mimetype == FORM:
            pairs = _form_pairs()
            query, update = _one(pairs, "query"), _one(pairs, "update")
        elif mimetype in (QUERY_TYPE, UPDATE_TYPE):
            pairs = list(request.args.items(multi=True))
            if _values(pairs, "query") or _values(pairs, "update"):
                raise ProtocolError(
                    400,
                    f"with Content-Type {mimetype} the request body is the only operation; "
                    "do not also give query= or update= in the URL",
                )
            text = _body_text()
            query, update = (text, None) if mimetype == QUERY_TYPE else (None, text)
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type {mimetype or '(none)'!r}; use {FORM}, {QUERY_TYPE} "
                f"or {UPDATE_TYPE}",
            )
    else:
        pairs = list(request.args.items(multi=True))
        query, update = _one(pairs, "query"), _one(pairs, "update")
        if update is not None:
            raise ProtocolError(400, "SPARQL Update must be sent with POST")
        if query is None:
            return service_description()
    if query is not None and update is not None:
        raise ProtocolError(400, "give either query or update, not both")
    if query is None and update is None:
        raise ProtocolError(400, "missing query (or update) parameter")
    timeout = _remaining(_timeout(pairs))
    if update is not None:
        return _update(update, pairs, timeout)
    assert query is not None
    try:
        result = get_executor().run(
            query,
            accept=request.headers.get("Accept"),
            default_graph_uris=_graph_uris(pairs, "default-graph-uri"),
            named_graph_uris=_graph_uris(pairs, "named-graph-uri"),
            timeout=timeout,
            format=_one(pairs, "format"),
            base_iri=request.base_url,
        )
    except QueryTimeout as exc:
        if request.environ.get(DEADLINE_KEY) is None:
            raise
        limit = min(settings.query_timeout, _timeout(pairs) or settings.query_timeout)
        raise QueryTimeout(
            f"the query was stopped after {limit:g} s (its time limit, counted from the "
            "request's arrival); make it more selective or add a LIMIT"
        ) from exc
    response = Response(result.body, 200, content_type=_content_type(result.media_type))
    response.headers["Vary"] = "Accept"
    response.headers["X-Result-Rows"] = str(result.rows)
    return response


def _content_type(media_type: str) -> str:
    if media_type.startswith("text/"):
        return f"{media_type}; charset=utf-8"
    return media_type


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Allow"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _update(update: str, pairs: list[tuple[str, str]], timeout: float | None) -> Response:
    settings = get_settings()
    if not settings.update_token:
        raise ProtocolError(
            403,
            "SPARQL Update is disabled on this endpoint (it is read-only; the server enables "
            "updates only when started with an update token)",
        )
    challenge = {"WWW-Authenticate": 'Bearer realm="nomengraph SPARQL Update"'}
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProtocolError(401, "SPARQL Update needs Authorization: Bearer <token>", challenge)
    if not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        raise ProtocolError(
            403,
            "wrong update token",
            {"WWW-Authenticate": 'Bearer realm="nomengraph SPARQL Update", error="invalid_token"'},
        )
    using = _graph_uris(pairs, "using-graph-uri")
    using_named = _graph_uris(pairs, "using-named-graph-uri")
    if using or using_named:
        try:
            update = add_using(update, using, using_named)
        except ValueError as exc:
            raise ProtocolError(400, str(exc)) from None
    get_executor().update(update, timeout=timeout, base_iri=request.base_url)
    return Response(status=204)


# -- Service Description --------------------------------------------------------------------


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle unless asked otherwise)."""
    executor, settings = get_executor(), get_settings()
    try:
        media = negotiate("graph", request.headers.get("Accept"), request.args.get("format"))
    except NegotiationError:
        media = GRAPH_TYPES[0]

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def count(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=n(XSD_INTEGER))

    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, n(RDF_TYPE), n(SD + "Service")),
        ox.Triple(service, n(SD + "endpoint"), n(request.base_url)),
        ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(service, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        ox.Triple(service, n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, n(RDF_TYPE), n(SD + "Dataset")),
        ox.Triple(dataset, n(SD + "defaultGraph"), default),
        ox.Triple(default, n(RDF_TYPE), n(SD + "Graph")),
        ox.Triple(default, n(VOID + "triples"), count(executor.triples)),
    ]
    if settings.update_token:
        triples.append(ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Update")))
    for fmt in RESULT_FORMATS:
        triples.append(ox.Triple(service, n(SD + "resultFormat"), n(FORMATS_NS + fmt)))
    for i, (name, size) in enumerate(sorted(executor.stats.items())):
        if not name:
            continue
        node, graph = ox.BlankNode(f"ng{i}"), ox.BlankNode(f"g{i}")
        triples += [
            ox.Triple(dataset, n(SD + "namedGraph"), node),
            ox.Triple(node, n(RDF_TYPE), n(SD + "NamedGraph")),
            ox.Triple(node, n(SD + "name"), n(name)),
            ox.Triple(node, n(SD + "graph"), graph),
            ox.Triple(graph, n(RDF_TYPE), n(SD + "Graph")),
            ox.Triple(graph, n(VOID + "triples"), count(size)),
        ]
    prefixes = {"sd": SD, "void": VOID} if media == "text/turtle" else None
    body = ox.serialize(triples, format=rdf_format(media), prefixes=prefixes)
    response = Response(body, 200, content_type=_content_type(media))
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    """Liveness and what is served: JSON ``{ok, store, triples, graphs, ...}``."""
    executor, settings = get_executor(), get_settings()
    return jsonify(
        ok=True,
        store=str(executor.store_path),
        triples=executor.triples,
        graphs=executor.stats,
        in_memory=executor.in_memory,
        updates=bool(settings.update_token),
        query_timeout=executor.query_timeout,
        max_rows=executor.max_rows,
        query_workers=executor.worker_pids(),
    )
