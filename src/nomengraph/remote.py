"""A remote SPARQL 1.1 store (Virtuoso, GraphDB, Fuseki, QLever, another nomengraph...).

:class:`RemoteStore` speaks the standard protocols over HTTP with :mod:`urllib`:

* SPARQL 1.1 Query: ``POST`` form-encoded ``query=``, the result format chosen with ``Accept``;
* SPARQL 1.1 Update: ``POST`` form-encoded ``update=``;
* Graph Store HTTP Protocol, for whole named graphs: ``PUT``/``GET``/``DELETE`` ``?graph=IRI``,
  when a Graph Store URL is configured (otherwise graphs are written with ``INSERT DATA`` in
  chunks).

Every request has a time limit. A store that is down, slow or refuses a request raises
:class:`~nomengraph.store.StoreError` (or a subclass) naming the URL and, when there is one, the
HTTP status. Credentials come from the URL (``http://user:pass@host:port/sparql``) or from the
settings, and are sent with HTTP basic authentication, or digest authentication when ``auth`` is
``digest`` (Virtuoso's ``/sparql-auth``); a bearer token is supported too (a nomengraph
endpoint's update token). Credentials are never printed: :attr:`RemoteStore.display_url` hides
them.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from nomengraph.iris import GRAPH
from nomengraph.store import StoreError
from nomengraph.texts import Said

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# INSERT DATA requests (when there is no Graph Store endpoint) carry at most so many triples
# and bytes, below the usual request size limits (a nomengraph endpoint's default is 1 MB;
# Virtuoso refuses an update that compiles to more than 10,000 lines of SQL, about 5,000 triples).
CHUNK_TRIPLES = 1_000
CHUNK_BYTES = 500_000
AUTH_SCHEMES = ("basic", "digest")
# A staging graph is ``<graph>-staging-<id>``, the id being 12 hexadecimal digits per run.
STAGING = "-staging-"
_STAGING_ID = re.compile(r"-staging-[0-9a-f]{12}$")


class StoreUnreachable(StoreError):
    """The store did not answer at all (connection refused, name not found...)."""


class StoreTimeout(StoreError):
    """The store did not answer within the time limit."""


class StoreHTTPError(StoreError):
    """The store answered with an error status; ``status`` and ``body`` are its answer."""

    def __init__(self, message: str, status: int, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def is_remote(store: object) -> bool:
    """True when a ``store`` setting names an HTTP(S) endpoint rather than a folder."""
    return isinstance(store, str) and store.lower().startswith(("http://", "https://"))


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its user:password part, and that user and password."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return clean, user, password


@dataclass
class RemoteStore:
    """A SPARQL 1.1 store reached over HTTP. ``url`` is its query endpoint."""

    url: str
    update_url: str | None = None  # the update endpoint (default: the query endpoint)
    graph_store_url: str | None = None  # the Graph Store endpoint, when the store has one
    user: str | None = None
    password: str | None = None
    token: str | None = None  # Authorization: Bearer (a nomengraph endpoint's update token)
    timeout: float = 30.0  # seconds, for every request
    auth: str = "basic"  # how user and password are sent: basic or digest
    _headers: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not is_remote(self.url):
            raise StoreError(f"{self.url}: not an http(s) SPARQL endpoint URL")
        self.auth = (self.auth or "basic").strip().lower()
        if self.auth not in AUTH_SCHEMES:
            raise StoreError(
                f"store authentication {self.auth!r}: not one of {', '.join(AUTH_SCHEMES)}"
            )
        self.url, user, password = _split_credentials(self.url)
        self.user = self.user or user
        self.password = self.password if self.password is not None else password
        # Digest credentials answer the store's challenge, per request (see :meth:`_open`).
        if self.user is not None and self.auth == "basic":
            pair = f"{self.user}:{self.password or ''}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        elif self.user is None and self.token:
            self._headers["Authorization"] = f"Bearer {self.token}"
        if self.update_url:
            self.update_url = _split_credentials(self.update_url)[0]
        if self.graph_store_url:
            self.graph_store_url = _split_credentials(self.graph_store_url)[0]

    @classmethod
    def from_settings(cls, settings: Any) -> RemoteStore:
        """The remote store named by ``settings.store`` with its credentials and time limit."""
        return cls(
            str(settings.store),
            update_url=settings.store_update or None,
            graph_store_url=settings.store_graph_store or None,
            user=settings.store_user or None,
            password=settings.store_password or None,
            token=settings.store_token or None,
            timeout=settings.store_timeout,
            auth=getattr(settings, "store_auth", "basic") or "basic",
        )

    @property
    def display_url(self) -> str:
        """The query endpoint URL (credentials are never part of it)."""
        return self.url

    # -- HTTP ------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> tuple[int, str, bytes]:
        """One HTTP request; returns status, content type and body of a 2xx answer.

        Raises :class:`StoreUnreachable`, :class:`StoreTimeout` or :class:`StoreHTTPError`."""
        limit = self.timeout if timeout is None else timeout
        req = urllib.request.Request(url, data=body, method=method)
        for name, value in {**self._headers, **(headers or {})}.items():
            req.add_header(name, value)
        where = url.split("?", 1)[0]
        try:
            with self._open(req, limit) as answer:
                data = answer.read()
                return answer.status, answer.headers.get("Content-Type", ""), data
        except urllib.error.HTTPError as exc:
            try:
                text = exc.read().decode("utf-8", "replace").strip()
            except (OSError, TimeoutError, AttributeError, ValueError):
                text = ""  # digest refused: urllib's error has no body
            brief = text[:500] or exc.reason
            if exc.code == 401 and self.user is not None:
                brief = f"{brief} (user {self.user!r}, {self.auth} authentication)"
            raise StoreHTTPError(
                f"{method} {where}: the store answered {exc.code}: {brief}", exc.code, text
            ) from None
        except TimeoutError:
            raise StoreTimeout(
                f"{method} {where}: the store did not answer within {limit:g} s"
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise StoreTimeout(
                    f"{method} {where}: the store did not answer within {limit:g} s"
                ) from None
            raise StoreUnreachable(
                f"{method} {where}: the store is not reachable ({exc.reason})"
            ) from None
        except (OSError, http.client.HTTPException) as exc:  # reset while reading, and the like
            raise StoreUnreachable(f"{method} {where}: the connection failed ({exc})") from None

    def _open(self, req: urllib.request.Request, limit: float) -> Any:
        """Send ``req``; with digest authentication, answer the store's challenge.

        A new digest handler per request: urllib's handler keeps counters that must not be
        shared between threads (the endpoint forwards queries from several threads)."""
        if self.user is None or self.auth != "digest":
            return urllib.request.urlopen(req, timeout=limit)  # noqa: S310
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        parts = urlsplit(req.full_url)
        passwords.add_password(
            None, f"{parts.scheme}://{parts.netloc}/", self.user, self.password or ""
        )
        opener = urllib.request.build_opener(_DigestAuth(passwords))
        return opener.open(req, timeout=limit)

    # -- SPARQL 1.1 Protocol ---------------------------------------------------------------

    def query_raw(
        self,
        sparql: str,
        accept: str = JSON_RESULTS,
        *,
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        timeout: float | None = None,
    ) -> tuple[str, bytes]:
        """A query, POSTed form-encoded; returns the content type and body of the answer."""
        pairs = [("query", sparql)]
        pairs += [("default-graph-uri", g) for g in default_graph_uris or []]
        pairs += [("named-graph-uri", g) for g in named_graph_uris or []]
        _, ctype, body = self.request(
            "POST",
            self.url,
            urlencode(pairs).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            timeout,
        )
        return ctype, body

    def select_bindings(
        self, sparql: str, timeout: float | None = None
    ) -> tuple[list[str], list[dict[str, dict[str, str]]]]:
        """A SELECT query's variables and its rows as SPARQL JSON terms (``type``, ``value``,
        ``datatype``, ``xml:lang``), unbound variables left out of a row."""
        _, body = self.query_raw(sparql, JSON_RESULTS, timeout=timeout)
        try:
            doc = json.loads(body)
            columns = [str(v) for v in doc["head"]["vars"]]
            rows = doc["results"]["bindings"]
            if not isinstance(rows, list) or not all(isinstance(b, dict) for b in rows):
                raise TypeError("bindings is not a list of objects")
            return columns, rows
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.url}: not a SPARQL JSON result ({exc})") from None

    def select(self, sparql: str, timeout: float | None = None) -> list[dict[str, str]]:
        """A SELECT query's rows, as dicts of variable name to the value's lexical form."""
        _, rows = self.select_bindings(sparql, timeout)
        try:
            return [{k: v["value"] for k, v in b.items()} for b in rows]
        except (KeyError, TypeError) as exc:
            raise StoreError(f"{self.url}: not a SPARQL JSON result ({exc})") from None

    def query(self, sparql: str) -> list[dict[str, str]]:
        return self.select(sparql)

    def ask(self, sparql: str = "ASK { }", timeout: float | None = None) -> bool:
        _, body = self.query_raw(sparql, JSON_RESULTS, timeout=timeout)
        try:
            return bool(json.loads(body)["boolean"])
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.url}: not a SPARQL JSON boolean ({exc})") from None

    def ping(self, timeout: float | None = None) -> None:
        """Raise :class:`StoreError` unless the store answers a trivial query."""
        self.ask("ASK { }", timeout=timeout)

    def update(self, sparql: str, timeout: float | None = None) -> None:
        """A SPARQL Update, POSTed form-encoded to the update endpoint."""
        self.request(
            "POST",
            self.update_url or self.url,
            urlencode({"update": sparql}).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded"},
            timeout,
        )

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph."""
        rows = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {r["g"]: int(r["n"]) for r in rows if "g" in r}

    def named_graphs(self) -> list[str]:
        return sorted(self.graph_sizes())

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(self.graph_sizes().values())
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    # -- whole graphs --------------------------------------------------------------------

    def _gsp(self, graph: str) -> str:
        assert self.graph_store_url is not None
        sep = "&" if "?" in self.graph_store_url else "?"
        return f"{self.graph_store_url}{sep}graph={quote(graph, safe='')}"

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` by these N-Triples (Graph Store PUT, or DROP + INSERT DATA)."""
        if self.graph_store_url:
            self.request(
                "PUT", self._gsp(graph), ntriples, {"Content-Type": N_TRIPLES}, self.timeout
            )
            return
        self.update(f"DROP SILENT GRAPH <{graph}>")
        text = ntriples.decode("utf-8")
        # Blank nodes are scoped to one request: a graph with blank nodes goes in one piece.
        for chunk in [text] if "_:" in text else _chunks(text.splitlines()):
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{chunk}\n}} }}")

    def delete_graph(self, graph: str) -> None:
        """Remove ``graph`` (no error when it does not exist)."""
        if self.graph_store_url:
            try:
                self.request("DELETE", self._gsp(graph))
            except StoreHTTPError as exc:
                if exc.status != 404:
                    raise
            return
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def replace_graphs(
        self,
        graphs: Mapping[str, bytes],
        progress: Callable[[str], None] | None = None,
        before_swap: Callable[[], None] | None = None,
    ) -> dict[str, int]:
        """Replace each named graph by its N-Triples, all or nothing from a reader's view.

        Each graph is first loaded into a staging graph ``<graph>-staging-<id>``; only when every
        load succeeded is each staging graph moved onto its graph with ``MOVE`` (one SPARQL
        Update operation per graph, atomic in the usual stores). When a load fails the staging
        graphs are dropped and the served graphs are untouched. Staging graphs left by an
        earlier run that died between staging and swap are dropped first
        (:meth:`drop_leftover_staging`). Returns triples per graph."""
        say = progress or (lambda _m: None)
        self.drop_leftover_staging(graphs, progress=say)
        run = uuid.uuid4().hex[:12]
        staging = {g: f"{g}-staging-{run}" for g in graphs}
        try:
            for graph, data in graphs.items():
                say(Said("remote.staging", graph=graph, staging=staging[graph]))
                self.put_graph(staging[graph], data)
        except StoreError:
            self._drop_quietly(staging.values())
            raise
        if before_swap is not None:
            before_swap()
        moved: list[str] = []
        try:
            for graph in graphs:
                self.update(f"MOVE SILENT GRAPH <{staging[graph]}> TO GRAPH <{graph}>")
                moved.append(graph)
        except StoreError as exc:
            self._drop_quietly(staging[g] for g in graphs if g not in moved)
            done = ", ".join(moved) or "none"
            exc.args = (f"{exc} (graphs already replaced: {done})",)
            raise
        say(Said("remote.replaced", n=len(graphs), url=self.url))
        return {g: data.count(b"\n") for g, data in graphs.items()}

    def leftover_staging(self, graphs: Any = ()) -> list[str]:
        """Staging graphs left behind by a push that died between staging and swap.

        Those are the named graphs ``<graph>-staging-<12 hex digits>`` where ``<graph>`` is one
        of nomengraph's graphs (under ``https://w3id.org/nomengraph/graph/``) or one of
        ``graphs``; other graphs of the store are never touched."""
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER (CONTAINS(STR(?g), "{STAGING}")) }}'
        )
        owners = set(graphs)
        found = []
        for row in rows:
            name = row.get("g", "")
            match = _STAGING_ID.search(name)
            if match is None:
                continue
            owner = name[: match.start()]
            if owner in owners or (owner.startswith(GRAPH) and "/" not in owner[len(GRAPH) :]):
                found.append(name)
        return sorted(found)

    def drop_leftover_staging(
        self, graphs: Any = (), progress: Callable[[str], None] | None = None
    ) -> list[str]:
        """Drop the staging graphs a dead push left (:meth:`leftover_staging`); returns them.

        Two pushes to the same store must not run at once: each would drop the other's."""
        found = self.leftover_staging(graphs)
        if found:
            if progress is not None:
                progress(Said("remote.dropping", n=len(found), names=", ".join(found)))
            for graph in found:
                self.delete_graph(graph)
        return found

    def _drop_quietly(self, graphs: Any) -> None:
        for graph in graphs:
            try:
                self.delete_graph(graph)
            except StoreError:
                pass


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """urllib's digest handler, closing each 401 answer it answers (it leaves them open)."""

    def http_error_401(self, req, fp, code, msg, headers):  # noqa: ANN001, ANN201 - urllib's API
        try:
            answer = super().http_error_401(req, fp, code, msg, headers)
        except urllib.error.HTTPError:
            fp.close()
            raise
        if answer is not None:
            fp.close()
        return answer


def _chunks(lines: list[str]) -> Iterator[str]:
    """Lines grouped into pieces of at most CHUNK_TRIPLES lines and about CHUNK_BYTES bytes."""
    piece: list[str] = []
    size = 0
    for line in lines:
        if piece and (len(piece) >= CHUNK_TRIPLES or size + len(line) > CHUNK_BYTES):
            yield "\n".join(piece)
            piece, size = [], 0
        piece.append(line)
        size += len(line.encode("utf-8")) + 1
    if piece:
        yield "\n".join(piece)


def split_nquads(nquads: bytes) -> dict[str, bytes]:
    """N-Quads → N-Triples per named graph (triples of the default graph are refused)."""
    per_graph: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError("the data has triples outside a named graph; cannot push them")
        per_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    return {
        g: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        for g, triples in sorted(per_graph.items())
    }
