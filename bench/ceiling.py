"""The ceilings: apps that return a fixed SPARQL JSON result, whatever the request, to measure
the HTTP floor of a server stack on this machine.

- ``app``: a WSGI app, served by gunicorn with 2 sync workers (the stack ``nomengraph serve``
  used before granian; kept for reference).
- ``asgi_app``, ``rsgi_app`` (granian's own interface) and ``app``: served by granian with the
  interface and worker count of ``nomengraph serve`` (``bench.endpoint.start_ceiling_granian``).
"""

from __future__ import annotations

BODY = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'
HEADERS = [
    ("Content-Type", "application/sparql-results+json"),
    ("Content-Length", str(len(BODY))),
]
_ASGI_START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(k.lower().encode(), v.encode()) for k, v in HEADERS],
}
_ASGI_BODY = {"type": "http.response.body", "body": BODY}
_RSGI_HEADERS = [(k.lower(), v) for k, v in HEADERS]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]


async def asgi_app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    while True:  # the request is read whole, as a real endpoint would
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    await send(_ASGI_START)
    await send(_ASGI_BODY)


async def rsgi_app(scope, protocol):
    if scope.proto != "http":
        return
    await protocol()  # the request body, read whole
    protocol.response_bytes(200, _RSGI_HEADERS, BODY)
