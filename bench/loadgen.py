"""The Python load generator (used when ``wrk`` is not installed): ``python -m bench.loadgen
TARGETS.json CONCURRENCY SECONDS`` runs CONCURRENCY threads, each sending GET requests one after
the other on a keep-alive connection (reopened when the server closes it), and prints one JSON
object: requests, errors, rps, p50_ms, p99_ms, statuses.

TARGETS.json is ``{"url": "http://host:port", "requests": [{"path": ..., "headers": {...}},
...]}``: the threads rotate over the requests, each thread starting at its own place in the
list. As with ``wrk``, an error is a status of 400 or more or a failed connection; a 304 is an
answer.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(url: str, requests: list[dict], concurrency: int, seconds: float) -> dict:
    parts = urlsplit(url)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    statuses: list[Counter] = [Counter() for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        k = i * len(requests) // concurrency
        while time.perf_counter() < deadline:
            req = requests[k % len(requests)]
            k += 1
            start = time.perf_counter()
            try:
                conn.request("GET", req["path"], headers={"Accept": ACCEPT, **req["headers"]})
                response = conn.getresponse()
                response.read()
                statuses[i][response.status] += 1
                if response.status >= 400:
                    errors[i] += 1
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                continue
            latencies[i].append((time.perf_counter() - start) * 1000)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    every = [x for lat in latencies for x in lat]
    return {
        "requests": len(every),
        "errors": sum(errors),
        "rps": len(every) / elapsed,
        "p50_ms": percentile(every, 50),
        "p99_ms": percentile(every, 99),
        "statuses": {str(k): v for k, v in sorted(sum(statuses, Counter()).items())},
    }


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(run(spec["url"], spec["requests"], int(sys.argv[2]), float(sys.argv[3]))))


if __name__ == "__main__":
    main()
