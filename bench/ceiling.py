"""The ceiling: a WSGI app that returns a fixed SPARQL JSON result, served by the same gunicorn
setup as ``nomengraph serve`` (sync workers). It measures the HTTP overhead floor."""

from __future__ import annotations

BODY = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'
HEADERS = [
    ("Content-Type", "application/sparql-results+json"),
    ("Content-Length", str(len(BODY))),
]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
