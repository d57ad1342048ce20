"""HTTP responses shared by the pages: HTML from a template, plain text, query failures."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template

from nomengraph.server.executor import QueryError


def plain_text(text: str, status: int) -> Response:
    """``text`` as text/plain with ``status``."""
    resp = Response(text + "\n", status=status, mimetype="text/plain")
    resp.headers["Vary"] = "Accept"
    return resp


def html_page(template: str, status: int = 200, **context: Any) -> Response:
    """The page ``template`` rendered with ``context``, with ``status``."""
    resp = Response(render_template(template, **context), status=status, mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


def query_failure(exc: QueryError, rdf: bool) -> Response:
    """The answer when a page's query fails: the store's message with its status (4xx or
    5xx), as plain text for an RDF client, else as an error page."""
    status = status_of(exc)
    if rdf:
        return plain_text(f"{status} {type(exc).__name__}: {exc}", status)
    return html_page("error.html", status, code=status, message=str(exc))


def status_of(exc: QueryError) -> int:
    """The HTTP status a query failure answers with (its own if an error status, else 500)."""
    status = getattr(exc, "status", 400)
    return status if isinstance(status, int) and 400 <= status < 600 else 500
