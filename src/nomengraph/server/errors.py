"""The errors of the query executors: each a :class:`QueryError` with the HTTP status to send.

One error type for every executor (the embedded store's and a remote store's), so that the
endpoint and the pages answer a client's mistake, a refusal or a limit the same way whatever
the store: 4xx for what the client can change, 5xx for what the server or its store failed at.
"""

from __future__ import annotations


class QueryError(Exception):
    """A query (or update) that cannot be answered; ``status`` is the HTTP status to send."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(QueryError):
    """A request that is not well formed (bad parameter, bad graph IRI...): 400."""


class QuerySyntaxError(QueryError):
    """The parser refused the query or update; the message is the parser's: 400."""


class QueryForbidden(QueryError):
    """SERVICE, LOAD, or an update where updates are not allowed: 403."""

    status = 403


class NotAcceptable(QueryError):
    """None of the accepted media types can be produced for this kind of query: 406."""

    status = 406


class QueryTooLarge(QueryError):
    """The result has more rows (or triples) than the server's limit: 422."""

    status = 422


class QueryTimeout(QueryError):
    """The query ran out of time and was stopped (its worker process was killed): 503."""

    status = 503


class ServerBusy(QueryError):
    """No worker became free in time: 503."""

    status = 503


class QueryEvaluationError(QueryError):
    """The engine failed while evaluating a well-formed query: 400 (as Oxigraph's server)."""


class WorkerFailure(QueryError):
    """The worker process died or could not start: 500."""

    status = 500


class QueryMemoryLimit(QueryError):
    """The query needed more memory than the server's limit per query; it was stopped (its
    worker process was killed, or aborted at its memory limit, and replaced): 422."""

    status = 422


class RemoteUnavailable(QueryError):
    """The remote store is down, unreachable, or answered with a server error: 502."""

    status = 502


class RemoteTimeout(QueryTimeout):
    """The remote store did not answer within the query's time limit: 504."""

    status = 504
