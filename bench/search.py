"""The search part: the latency of one keystroke in the search box (goal: under 50 ms).

Every prefix of a list of real queries (what the box asks while a person types them, one
request per keystroke) is looked up

- in process: :meth:`SearchIndex.search` on the index of the reference build, each prefix
  ``LOOKUPS`` times (the index lookup alone, without HTTP);
- over HTTP: ``GET /search?q=<prefix>&limit=8`` with ``Accept: application/json``, as the box
  sends it, to ``nomengraph serve`` started by its command line on a loopback port, one
  keep-alive connection, each distinct prefix once per run (the answer cache of the front keeps
  answers by URL: a prefix asked again would be a cache hit, so every figure here is a miss).

Also measured: the build of the index (the first search of a store generation pays it; the
in-process figure is the three queries and the index, the HTTP one the whole first request),
and the time of another request (a job's page) sent while that first search builds the index
(pages do not wait for the index; they share the query workers with its queries).
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

from bench import aggregate

QUERIES = (
    "developeur",
    "data scientist",
    "architecte entreprise",
    "securite information",
    "chef de projet maitrise d'ouvrage",
    "administrateur de bases de donnees",
    "product owner",
    "technicien support utilisateurs",
    "Responsable sécurité des systèmes d'information",
    "ingenieur systeme",
    "software developer",
    "gestion de la securite",
    "B.1",
    "cigref-2018/2.6",
)
LOOKUPS = 5  # in-process lookups of each prefix
LIMIT = 8  # what the search box asks
GOAL_MS = 50.0
PAGES = ("/id/cigref-2018/job/2.5", "/id/cigref-2018/job/2.6", "/id/cigref-2018/job/2.4")


def prefixes(queries: tuple[str, ...] = QUERIES) -> list[str]:
    """Every prefix of every query (what is asked at each keystroke), each once, in order."""
    seen: dict[str, None] = {}
    for text in queries:
        for end in range(1, len(text) + 1):
            if text[:end].strip():
                seen.setdefault(text[:end], None)
    return list(seen)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]

    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(at(0.95), 3),
        "max_ms": round(ordered[-1], 3),
    }


def in_process(store: Path, keys: list[str]) -> dict:
    """Index build and lookups in this process (create_app over the store, one worker)."""
    from nomengraph.server import create_app
    from nomengraph.server.search import build_index

    app = create_app(store=store, processes=1)
    try:
        with app.test_request_context("/search"):
            started = time.perf_counter()
            index = build_index()
            build_ms = (time.perf_counter() - started) * 1000
        samples = []
        for _ in range(LOOKUPS):
            for key in keys:
                started = time.perf_counter()
                index.search(key, LIMIT)
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        app.extensions["nomengraph"].close()
    return {
        "index_build_ms": round(build_ms, 1),
        "items": len(index.items),
        "names": len(index.names),
        **{f"lookup_{k}": v for k, v in percentiles(samples).items()},
    }


def _get(conn: http.client.HTTPConnection, path: str, accept: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return (time.perf_counter() - started) * 1000


def over_http(store: Path, keys: list[str], workers: int = 2) -> dict:
    """A fresh ``nomengraph serve``: a page (to warm the server), the first search (index
    build) with another page asked at the same time, a third page, then one request per
    prefix."""
    from bench.endpoint import start_nomengraph

    server = start_nomengraph(store, name="nomengraph-search", workers=workers)
    host = urllib.parse.urlsplit(server.origin).netloc
    try:
        first: dict[str, float] = {}

        def first_search() -> None:
            conn = http.client.HTTPConnection(host, timeout=60)
            first["ms"] = _get(conn, "/search?q=data&limit=8", "application/json")
            conn.close()

        page_conn = http.client.HTTPConnection(host, timeout=60)
        _get(page_conn, PAGES[0], "text/html")
        searching = threading.Thread(target=first_search)
        searching.start()
        time.sleep(0.005)  # the search is in before the page
        page_ms = _get(page_conn, PAGES[1], "text/html")
        searching.join()
        page_again_ms = _get(page_conn, PAGES[2], "text/html")
        page_conn.close()

        conn = http.client.HTTPConnection(host, timeout=60)
        samples = []
        for key in keys:
            path = "/search?" + urllib.parse.urlencode({"q": key, "limit": LIMIT})
            samples.append(_get(conn, path, "application/json"))
        conn.close()
    finally:
        server.stop()
    return {
        "first_search_ms": round(first["ms"], 1),
        "page_during_build_ms": round(page_ms, 1),
        "page_after_ms": round(page_again_ms, 1),
        **{f"http_{k}": v for k, v in percentiles(samples).items()},
    }


def part_search(args: argparse.Namespace, work: Path, out: dict) -> None:
    """The search part of ``python -m bench`` (``--parts search``)."""
    from nomengraph import resources
    from nomengraph.build import run_build

    store = work / "search-store"
    result = run_build(Path(args.cards), store, mappings_dir=resources.MAPPINGS)
    if not result.report.conforms:
        raise RuntimeError("search: the reference build does not conform")
    keys = prefixes()
    runs = []
    for _ in range(args.repeat):
        runs.append({**in_process(store, keys), **over_http(store, keys)})
    record = aggregate(runs, constant=("items", "names"), digits=3)
    record.update({"prefixes": len(keys), "queries": list(QUERIES), "goal_ms": GOAL_MS})
    out["search"] = record
    print(
        f"search: {len(keys)} prefixes; in process p50 {record['lookup_p50_ms']:.2f} ms, "
        f"p95 {record['lookup_p95_ms']:.2f} ms; over HTTP p50 {record['http_p50_ms']:.1f} ms, "
        f"p95 {record['http_p95_ms']:.1f} ms; index build {record['index_build_ms']:.0f} ms "
        f"(first search over HTTP {record['first_search_ms']:.0f} ms)",
        flush=True,
    )


def _ms(record: dict, key: str, digits: int = 1) -> str:
    value = record.get(key)
    if value is None:
        return "–"
    runs = record.get(f"{key}_runs") or []
    text = f"{value:.{digits}f}"
    if len(runs) > 1:
        text += f" ({min(runs):.{digits}f}–{max(runs):.{digits}f})"
    return text


def search_section(data: dict) -> list[str]:
    """The "Search" section of the report (nothing when the record has no search part)."""
    s = data.get("search")
    if not s:
        return []
    meets = s.get("http_p95_ms") is not None and s["http_p95_ms"] < s.get("goal_ms", GOAL_MS)
    return [
        "### Search",
        "",
        f"One request per keystroke: every prefix of {len(s.get('queries') or [])} real "
        f"queries ({s['prefixes']} prefixes), on the index of the reference build "
        f"({s['items']} items, {s['names']} names); milliseconds, median of the runs "
        "(min–max). Goal: under 50 ms a keystroke.",
        "",
        "| | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
        f"| index lookup, in process | {_ms(s, 'lookup_p50_ms', 2)} | "
        f"{_ms(s, 'lookup_p95_ms', 2)} | {_ms(s, 'lookup_max_ms', 2)} |",
        f"| `GET /search?q=…&limit=8` (JSON), `nomengraph serve` on loopback | "
        f"{_ms(s, 'http_p50_ms')} | {_ms(s, 'http_p95_ms')} | {_ms(s, 'http_max_ms')} |",
        "",
        f"Building the index (the first search of a store generation): "
        f"{_ms(s, 'index_build_ms')} ms in process (the three queries and the index); the "
        f"first search over HTTP took "
        f"{_ms(s, 'first_search_ms')} ms. A job's page asked while that first search was "
        f"building the index took {_ms(s, 'page_during_build_ms')} ms, another one "
        f"{_ms(s, 'page_after_ms')} ms once it was built: pages do not wait for the index, but "
        "share the query workers and the processors with its three queries while it is built. "
        + ("The goal is met." if meets else "The goal is not met at p95."),
        "",
    ]
