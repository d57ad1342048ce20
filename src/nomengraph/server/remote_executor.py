"""The executor over a remote SPARQL 1.1 store (``nomengraph serve --store URL``).

It keeps the contract of :mod:`nomengraph.server.contract`: the same checks before anything is
forwarded, the same errors, the same result formats (answers are fetched as SPARQL JSON or
N-Triples and re-serialised by pyoxigraph in the negotiated media type).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from nomengraph.server.contract import (
    GraphSizes,
    QueryResult,
    prepare_query,
    prepare_update,
    time_limit,
)
from nomengraph.server.errors import (
    QueryForbidden,
    QuerySyntaxError,
    QueryTooLarge,
    RemoteTimeout,
    RemoteUnavailable,
)
from nomengraph.server.negotiation import rdf_format, results_format

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BUILTINS = re.compile(r"(?<![A-Za-z0-9_.-])(bif|sql)\s*:", re.IGNORECASE)


def check_store_builtins(text: str) -> None:
    """Refuse a query naming a store's built-in functions (Virtuoso's ``bif:`` and ``sql:``
    schemes: ``bif:http_get`` fetches any URL for any SPARQL user, whatever the grants).
    SPARQL's ``\\u`` escapes are decoded first (the parser decodes them anywhere), so no
    spelling hides the scheme; a string that merely mentions ``bif:`` is refused too."""
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if _BUILTINS.search(decoded):
        raise QueryForbidden(
            "the store's built-in functions (bif:, sql:) are refused on this endpoint: some of "
            "them reach the network"
        )


class RemoteExecutor(GraphSizes):
    """The :class:`Executor` interface over a remote SPARQL 1.1 store (``nomengraph serve
    --store URL``).

    The same rules apply before anything is forwarded (SERVICE and LOAD refused unless allowed,
    updates only when writable); the query's time limit is the HTTP request's timeout (504 past
    it), an unreachable store gives 502. Answers are fetched as SPARQL JSON or N-Triples, their
    rows counted against ``max_rows`` (422 above it), and re-serialised in the negotiated media
    type, so clients see the same formats as with the embedded store.
    """

    in_memory = False
    generation = None  # a remote store changes without telling: its answers are not cached
    network_guard = "not applicable (queries run on the remote store)"

    def __init__(
        self,
        remote: Any,
        *,
        writable: bool = False,
        max_rows: int = 10_000,
        query_timeout: float = 10.0,
        allow_service: bool = False,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        from nomengraph.store import StoreError

        self.remote = remote
        self.store_path = remote.display_url
        self.writable = writable
        self.max_rows = max_rows
        self.query_timeout = query_timeout
        self.allow_service = allow_service
        self.prefixes = prefixes or {}
        try:
            self._stats = remote.graph_sizes()
        except StoreError as exc:
            raise StoreError(f"the remote store cannot be queried: {exc}") from None

    def _limit(self, timeout: float | None) -> float:
        return time_limit(timeout, self.query_timeout)

    def worker_pids(self) -> list[int]:
        return []

    def get_generation(self) -> str | None:
        """None: the generation of a remote store's data is not known."""
        return None

    def _forward(self, call: Any, limit: float) -> Any:
        from nomengraph.remote import StoreHTTPError, StoreTimeout
        from nomengraph.store import StoreError

        try:
            return call(limit)
        except StoreTimeout:
            raise RemoteTimeout(
                f"the remote store did not answer within {limit:g} s (the query's time limit); "
                "make the query more selective or add a LIMIT"
            ) from None
        except StoreHTTPError as exc:
            if exc.status == 400:
                raise QuerySyntaxError(exc.body or str(exc)) from None
            if exc.status in (413, 422):
                raise QueryTooLarge(f"the remote store refused the answer's size: {exc}") from None
            if exc.status in (401, 403):
                raise QueryForbidden(f"the remote store refused the request: {exc}") from None
            if exc.status == 504:
                raise RemoteTimeout(f"the remote store timed out: {exc}") from None
            raise RemoteUnavailable(f"the remote store failed: {exc}") from None
        except StoreError as exc:
            raise RemoteUnavailable(f"the remote store is unavailable: {exc}") from None

    def run(
        self,
        query: str,
        *,
        accept: str | None = "*/*",
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        timeout: float | None = None,
        format: str | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """As :meth:`Executor.run`, forwarded to the remote store."""
        import pyoxigraph as ox

        limit = self._limit(timeout)
        scan, media = prepare_query(query, accept, format, self.allow_service)
        check_store_builtins(query)
        if base_iri and not scan.has("BASE"):
            query = f"BASE <{base_iri}>\n{query}"
        graph_form = scan.form in ("construct", "describe")
        # N-Triples is asked for; Turtle (its superset) is read too, for stores that prefer it.
        wanted = (
            "application/n-triples, text/turtle;q=0.9"
            if graph_form
            else "application/sparql-results+json"
        )

        def call(limit: float) -> bytes:
            return self.remote.query_raw(
                query,
                wanted,
                default_graph_uris=default_graph_uris,
                named_graph_uris=named_graph_uris,
                timeout=limit,
            )[1]

        body = self._forward(call, limit)
        try:
            if graph_form:
                triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
                if len(triples) > self.max_rows:
                    raise QueryTooLarge(
                        f"the query returns more than {self.max_rows} triples (the server's "
                        "limit); add a LIMIT or page with OFFSET"
                    )
                fmt = rdf_format(media)
                prefixes = self.prefixes if fmt == ox.RdfFormat.TURTLE else None
                out = ox.serialize(triples, format=fmt, prefixes=prefixes) if triples else b""
                if not triples and fmt == ox.RdfFormat.JSON_LD:
                    out = b"[]"
                return QueryResult(scan.form, media, out or b"", len(triples))
            doc = json.loads(body)
            if "boolean" in doc:
                rows = 1
            else:
                rows = len(doc["results"]["bindings"])
                if rows > self.max_rows:
                    raise QueryTooLarge(
                        f"the query returns more than {self.max_rows} rows (the server's limit); "
                        "add a LIMIT or page with OFFSET"
                    )
            if media != "application/sparql-results+json":
                parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                body = parsed.serialize(format=results_format(media))
            kind = "ask" if "boolean" in doc else "select"
            return QueryResult(kind, media, body, rows)
        except (SyntaxError, ValueError, KeyError, TypeError) as exc:
            raise RemoteUnavailable(f"the remote store sent an unreadable answer: {exc}") from None

    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None:
        """As :meth:`Executor.update`, forwarded to the remote store."""
        from nomengraph.store import StoreError

        limit = self._limit(timeout)
        scan = prepare_update(update, self.allow_service, self.writable)
        check_store_builtins(update)
        if base_iri and not scan.has("BASE"):
            update = f"BASE <{base_iri}>\n{update}"
        self._forward(lambda lim: self.remote.update(update, timeout=lim), limit)
        try:
            self._stats = self.remote.graph_sizes()
        except StoreError as exc:
            # The update was applied; only the triple counts (healthz, Service Description)
            # could not be refreshed: said on the server's log, kept from before.
            print(
                f"nomengraph: warning: the remote store applied an update but its graph sizes "
                f"could not be read again: {exc}",
                file=sys.stderr,
            )

    def close(self) -> None:
        """Nothing to stop: the remote store is not ours."""
