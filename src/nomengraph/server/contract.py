"""The contract of the query executors, local or remote: one way through the code.

Both executors (:class:`~nomengraph.server.executor.Executor` over the embedded store, in
killable worker processes, and :class:`~nomengraph.server.remote_executor.RemoteExecutor` over a
remote SPARQL 1.1 store) take a query the same way (:func:`prepare_query`: the text scanned
once, SERVICE refused unless allowed, non-queries refused, the media type negotiated), an
update the same way (:func:`prepare_update`), bound the time the same way
(:func:`time_limit`), answer with a :class:`QueryResult` and fail with a
:class:`~nomengraph.server.errors.QueryError`. :class:`QueryExecutor` states the interface the
endpoint and the pages rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nomengraph.server import lexer
from nomengraph.server.errors import (
    BadRequest,
    NotAcceptable,
    QueryForbidden,
    QuerySyntaxError,
)
from nomengraph.server.negotiation import NegotiationError, negotiate


@dataclass(frozen=True)
class QueryResult:
    """A query's answer, serialised: ``kind`` is select, ask, construct or describe.

    ``generation`` is the generation of the data the answer was computed on (see
    :meth:`Executor.get_generation`); None when it is not known (then do not cache the answer)."""

    kind: str
    media_type: str
    body: bytes
    rows: int = 0
    generation: str | None = None


class QueryExecutor(Protocol):
    """What the endpoint and the pages need from an executor."""

    store_path: object
    in_memory: bool
    writable: bool
    max_rows: int
    query_timeout: float

    @property
    def stats(self) -> dict[str, int]: ...

    @property
    def triples(self) -> int: ...

    @property
    def named_graphs(self) -> list[str]: ...

    @property
    def network_guard(self) -> str: ...

    def worker_pids(self) -> list[int]: ...

    def get_generation(self) -> str | None: ...

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
    ) -> QueryResult: ...

    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None: ...

    def close(self) -> None: ...


class GraphSizes:
    """``stats``, ``triples`` and ``named_graphs`` from ``self._stats`` (triples per graph)."""

    _stats: dict[str, int]

    @property
    def stats(self) -> dict[str, int]:
        """Triples per named graph ("" for the default graph), as of start or the last update."""
        return dict(self._stats)

    @property
    def triples(self) -> int:
        return sum(self._stats.values())

    @property
    def named_graphs(self) -> list[str]:
        return [g for g in self._stats if g]


def time_limit(timeout: float | None, query_timeout: float) -> float:
    """The time limit of one request: the server's, or the lower one the request asks for."""
    if timeout is None:
        return query_timeout
    if not timeout > 0:
        raise BadRequest(f"timeout must be a positive number of seconds, not {timeout!r}")
    return min(float(timeout), query_timeout)


def check_query_policy(scan: lexer.Scan, allow_service: bool) -> None:
    """Refuse a federated query (SERVICE) unless the endpoint allows it: the server must not be
    a proxy into its own network. Shared by the local and the remote executor."""
    if not allow_service and scan.has("SERVICE"):
        raise QueryForbidden(
            "SERVICE (federated query) is disabled on this endpoint: the server does not "
            "call other endpoints"
        )


def check_update_policy(scan: lexer.Scan, allow_service: bool) -> None:
    """Refuse SERVICE and LOAD in an update unless allowed; LOAD only ever from http(s)."""
    if scan.has("SERVICE") and not allow_service:
        raise QueryForbidden("SERVICE (federated query) is disabled on this endpoint")
    if scan.has("LOAD"):
        if not allow_service:
            raise QueryForbidden("LOAD is disabled on this endpoint")
        targets = scan.iris_after.get("LOAD", []) + scan.iris_after.get("SILENT", [])
        if any(not t.lower().startswith(("http://", "https://")) for t in targets):
            raise QueryForbidden("LOAD is allowed only from http(s) URLs")


def prepare_query(
    query: str, accept: str | None, format: str | None, allow_service: bool
) -> tuple[lexer.Scan, str]:
    """The query's scan and the media type to answer in; raises :class:`QueryError` for a
    text nested too deep, a refused query (SERVICE), a text that is no query, or a format that
    cannot be given."""
    scan = lexer.scan_cached(query)
    check_nesting(scan)
    check_query_policy(scan, allow_service)
    if scan.form is None:
        raise QuerySyntaxError(
            "not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); an update goes in "
            "update=, or with Content-Type: application/sparql-update"
        )
    try:
        media = negotiate(scan.form, accept, format)
    except NegotiationError as exc:
        raise (BadRequest if exc.bad_request else NotAcceptable)(str(exc)) from None
    return scan, media


def prepare_update(update: str, allow_service: bool, writable: bool) -> lexer.Scan:
    """The update's scan; raises :class:`QueryForbidden` on a read-only executor, or for
    SERVICE or LOAD where they are not allowed."""
    if not writable:
        raise QueryForbidden("SPARQL Update is disabled on this endpoint (read-only)")
    scan = lexer.scan(update)
    check_nesting(scan)
    check_update_policy(scan, allow_service)
    return scan


def check_nesting(scan: lexer.Scan) -> None:
    """Refuse a text nested deeper than the parser can take (400, naming depth and limit)."""
    too_deep = lexer.nesting_error(scan)
    if too_deep is not None:
        raise BadRequest(too_deep)
