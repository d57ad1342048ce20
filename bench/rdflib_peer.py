"""rdflib-endpoint serving the exported N-Quads, under uvicorn: ``python -m bench.rdflib_peer
FILE PORT``.

Configured well (issue 7): one uvicorn worker, run in this process, and TCP_NODELAY set on every
accepted connection, so that small responses are not held back by Nagle's algorithm against the
client's delayed ACK (the 40–44 ms floor seen with several workers).
"""

from __future__ import annotations

import socket
import sys


def main() -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    path, port = sys.argv[1], int(sys.argv[2])
    data = Dataset(default_union=True)
    data.parse(path, format="nquads")
    app = SparqlEndpoint(graph=data, path="/sparql", public_url=f"http://127.0.0.1:{port}/sparql")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted sockets
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(app, workers=1, log_level="warning", access_log=False, backlog=256)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
