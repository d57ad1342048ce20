"""The Python load generator (used when ``wrk`` is not installed): ``python -m bench.loadgen
URL CONCURRENCY SECONDS`` runs CONCURRENCY threads, each sending GET requests one after the
other on a keep-alive connection (reopened when the server closes it), and prints one JSON
object: requests, errors, rps, p50_ms, p99_ms."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(url: str, concurrency: int, seconds: float) -> dict:
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    deadline = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Accept": ACCEPT})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
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
    }


def main() -> None:
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))))


if __name__ == "__main__":
    main()
