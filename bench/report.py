"""The Markdown report (``docs/benchmarks.md``) and plots, from a results record.

Only the part between the ``bench:begin`` and ``bench:end`` markers is rewritten; the analysis
written around it by hand is kept. Each figure is shown as "median (min–max)" over its runs and
each ratio is computed on the medians; records written before ``--repeat`` existed (one run,
no ``runs`` key and no ``<key>_runs`` lists) are shown as their single value.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench import RESULTS, is_number, spread
from bench.search import search_section

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
NOMENGRAPH = ("nomengraph", "nomengraph-cold")
# Column order of the endpoint tables ("ceiling" is the gunicorn ceiling of older records).
PEERS = (
    "oxigraph",
    "oxigraph-timeout",
    "virtuoso",
    "rdflib-endpoint",
    "ceiling-granian",
    "ceiling-gunicorn",
    "ceiling",
)
VARIANT = {"nomengraph": "warm", "nomengraph-cold": "cold"}
CONDITIONAL = "conditional"
ERRORS_UP_TO = 16  # connections: the errors goal's range


def _f(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def value_range(record: dict, key: str) -> tuple[float, float] | None:
    """(min, max) of a figure's runs: ``rps_min``/``rps_max`` for the endpoint's throughput,
    else the spread of ``<key>_runs``; None for a single run or an older record."""
    if key == "rps" and is_number(record.get("rps_min")) and is_number(record.get("rps_max")):
        runs = record.get("rps_runs") or []
        if len(runs) > 1:
            return record["rps_min"], record["rps_max"]
        return None
    runs = [v for v in record.get(f"{key}_runs") or [] if is_number(v)]
    low, high = spread(runs)
    if len(runs) < 2 or low is None or high is None:
        return None
    return low, high


def cell(record: dict, key: str, digits: int = 1) -> str:
    """A figure as "median (min–max)" over its runs, or its single value."""
    value = record.get(key)
    text = _f(value, digits)
    bounds = value_range(record, key)
    if value is not None and bounds is not None:
        text += f" ({bounds[0]:,.{digits}f}–{bounds[1]:,.{digits}f})"
    return text


def ratio(ours: object, theirs: object, digits: int = 2, suffix: str = "") -> str:
    """ours / theirs (of medians), or – when either is missing or the divisor is 0."""
    if not (is_number(ours) and is_number(theirs)) or not theirs:
        return "–"
    return f"{ours / theirs:.{digits}f}{suffix}"  # type: ignore[operator]


def _runs_text(records: list[dict]) -> str:
    counts = sorted({int(r.get("runs") or 1) for r in records})
    if not counts:
        return "1 run"
    if len(counts) == 1:
        return f"{counts[0]} run" + ("s" if counts[0] > 1 else "")
    return f"{counts[0]}–{counts[-1]} runs"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows
    ]
    return lines + [""]


def speed(record: dict | None) -> float | None:
    """Answered requests per second (2xx/3xx) of a record: ``ok_rps``, or ``rps`` in records
    written before errors were told apart."""
    if not record:
        return None
    value = record.get("ok_rps", record.get("rps"))
    return value if is_number(value) else None


def _speed_key(record: dict) -> str:
    return "ok_rps" if "ok_rps" in record else "rps"


def _errors(record: dict) -> int:
    return int(record.get("errors") or 0) + int(record.get("read_errors") or 0)


# Goals (issue 11, point 8), as ratios in one run --------------------------------------------

# (goal, nomengraph servers, peer, queries (None: every query), minimum ratio, strictly above
# the minimum, concurrencies (None: every one measured))
SPEED_GOALS = (
    (
        "ahead of oxigraph-timeout",
        NOMENGRAPH,
        "oxigraph-timeout",
        None,
        1.0,
        True,
        None,
    ),
    (
        "warm: ahead of oxigraph",
        ("nomengraph",),
        "oxigraph",
        ("lookup", "profile"),
        1.0,
        True,
        None,
    ),
    (
        "cold: ≥ 0.5× oxigraph",
        ("nomengraph-cold",),
        "oxigraph",
        ("lookup",),
        0.5,
        False,
        None,
    ),
    (
        "≥ 1.2× virtuoso at c=4",
        NOMENGRAPH,
        "virtuoso",
        None,
        1.2,
        False,
        (4,),
    ),
)
MET, NOT_MET, NOT_MEASURED = "met", "**not met**", "not measured"


def goals(data: dict) -> list[dict]:
    """The goals of the endpoint, each per nomengraph server (warm, cold) and query: the
    figure at each concurrency (errors, or the ratio of answered requests/s, nomengraph /
    peer) and whether the goal is met. Speed goals hold at every concurrency measured (the
    Virtuoso goal at 4 connections); the errors goal counts errors, read errors and crashes of
    every query up to 16 connections."""
    recs = data.get("endpoint") or []
    if not recs:
        return []
    by = {(r["server"], r["query"], r["concurrency"]): r for r in recs}
    concs = sorted({r["concurrency"] for r in recs})
    queries = [q for q in dict.fromkeys(r["query"] for r in recs) if q != CONDITIONAL]
    rows = []
    for server in NOMENGRAPH:
        mine = [r for r in recs if r["server"] == server]
        cells = {}
        for c in concs:
            at = [r for r in mine if r["concurrency"] == c]
            if c <= ERRORS_UP_TO and at:
                failed = sum(_errors(r) for r in at)
                crashes = sum(int(r.get("crashes") or 0) for r in at)
                cells[c] = f"{failed}" + (f" + {crashes} crash" if crashes else "")
        bad = [r for r in mine if r["concurrency"] <= ERRORS_UP_TO and _failed(r)]
        if bad:
            status = NOT_MET
        elif not mine or max(r["concurrency"] for r in mine) < ERRORS_UP_TO:
            status = NOT_MEASURED
        else:
            status = MET
        rows.append(
            {
                "goal": f"0 errors up to c={ERRORS_UP_TO}",
                "server": server,
                "query": "all",
                "cells": cells,
                "status": status,
            }
        )
    for goal, servers, peer, goal_queries, minimum, strict, goal_concs in SPEED_GOALS:
        for server in servers:
            for q in goal_queries or queries:
                cells, verdicts = {}, []
                for c in goal_concs or concs:
                    ours, theirs = speed(by.get((server, q, c))), speed(by.get((peer, q, c)))
                    if ours is None or theirs is None:
                        verdicts.append(None)
                        continue
                    if theirs == 0:
                        cells[c] = "∞" if ours > 0 else "–"
                        verdicts.append(ours > 0)
                        continue
                    value = ours / theirs
                    cells[c] = f"{value:.2f}"
                    verdicts.append(value > minimum if strict else value >= minimum)
                if any(v is False for v in verdicts):
                    status = NOT_MET
                elif not verdicts or any(v is None for v in verdicts):
                    status = NOT_MEASURED
                else:
                    status = MET
                rows.append(
                    {"goal": goal, "server": server, "query": q, "cells": cells, "status": status}
                )
    return rows


def _failed(record: dict) -> bool:
    return bool(_errors(record) or record.get("crashes"))


def goals_section(data: dict) -> list[str]:
    rows = goals(data)
    if not rows:
        return []
    concs = sorted(
        {c for r in rows for c in r["cells"]} | {r["concurrency"] for r in data["endpoint"]}
    )
    lines = [
        "### Goals (issue 11), in this run",
        "",
        "The goals of the endpoint, as ratios in this run (`oxigraph`: Oxigraph's own server, "
        "`oxigraph serve-read-only`; `oxigraph-timeout`: the same with `--timeout-s 10`):",
        "",
        f"- *0 errors up to c={ERRORS_UP_TO}*: no failed request (a status of 400 or more, a "
        "connect, write, timeout or read error) and no crash, on every query and at every "
        f"concurrency up to {ERRORS_UP_TO} connections; the cells count them, summed over the "
        "queries;",
        "- *ahead of oxigraph-timeout*: more answered requests/s than Oxigraph's server with its "
        "timeout, on every query;",
        "- *warm: ahead of oxigraph*: warm, more than Oxigraph's server without a timeout, on "
        "lookup and profile;",
        "- *cold: ≥ 0.5× oxigraph*: cold, at least half of Oxigraph's server without a timeout, "
        "on lookup;",
        "- *≥ 1.2× virtuoso at c=4*: at least 1.2 times Virtuoso's answered requests/s at 4 "
        "connections, on every query.",
        "",
        "Warm: `nomengraph serve` as configured by default (its answer cache on), the requests "
        "repeating over the passes of each rotation; cold: the same with "
        "`NOMENGRAPH_CACHE_BYTES=0`. Goals that name neither are shown for both. A ratio is "
        "nomengraph's answered requests/s (2xx/3xx) over the peer's, of the medians; a speed "
        "goal must hold at every concurrency measured (the Virtuoso goal at 4 connections only); "
        "a peer that answered nothing gives ∞.",
        "",
    ]
    table = [
        [r["goal"], VARIANT.get(r["server"], r["server"]), r["query"]]
        + [r["cells"].get(c, "–") for c in concs]
        + [r["status"]]
        for r in rows
    ]
    lines += _table(["goal", "nomengraph", "query", *[f"c={c}" for c in concs], "status"], table)
    met = sum(r["status"] == MET for r in rows)
    missed = sum(r["status"] == NOT_MET for r in rows)
    lines += [
        f"{met} of {len(rows)} met, {missed} not met, {len(rows) - met - missed} not measured.",
        "",
    ]
    return lines


def goal_lines(data: dict) -> list[str]:
    """The goals as one line each (the bench's closing lines)."""
    out = []
    for r in goals(data):
        figures = ", ".join(f"c={c} {v}" for c, v in sorted(r["cells"].items()))
        status = r["status"].strip("*")
        out.append(
            f"{r['goal']} [{VARIANT.get(r['server'], r['server'])}, {r['query']}]: "
            f"{status} ({figures or 'no figures'})"
        )
    return out


def errors_section(data: dict) -> list[str]:
    """Failed requests and crashes of every server, by connections, summed over the queries."""
    recs = data.get("endpoint") or []
    if not recs or not any("ok_rps" in r for r in recs):
        return []
    servers = [s for s in (*NOMENGRAPH, *PEERS) if any(r["server"] == s for r in recs)]
    concs = sorted({r["concurrency"] for r in recs})
    rows = []
    for s in servers:
        mine = [r for r in recs if r["server"] == s]
        if s.startswith("ceiling"):  # one measurement, repeated under every query's name
            first = mine[0]["query"]
            mine = [r for r in mine if r["query"] == first]
        row = [s]
        for c in concs:
            at = [r for r in mine if r["concurrency"] == c]
            if not at:
                row.append("–")
                continue
            failed = sum(int(r.get("errors") or 0) for r in at)
            read = sum(int(r.get("read_errors") or 0) for r in at)
            total = sum(int(r.get("requests") or 0) for r in at)
            text = f"{failed:,} / {total:,}"
            if read:
                text += f" (+{read:,} read)"
            row.append(f"**{text}**" if failed or read else text)
        crashes = sum(int(r.get("crashes") or 0) for r in mine)
        row += [f"**{crashes}**" if crashes else "0", failure_text(mine) or "–"]
        rows.append(row)
    lines = [
        "Failures / answers received, summed over the queries and runs (failures: answers with "
        "a status of 400 or more, connect, write and timeout errors; read errors, connections "
        "closed by the server, apart), and runs in which the server's process exited "
        "(crashes; the server is started again for the next run):",
        "",
    ]
    return lines + _table(["server", *[f"c={c}" for c in concs], "crashes", "failures"], rows)


def _where(records: list[dict]) -> str:
    """``query c=N`` of a few records, or the query names of many."""
    if len(records) <= 3:
        return ", ".join(f"{r['query']} c={r['concurrency']}" for r in records)
    return ", ".join(dict.fromkeys(r["query"] for r in records))


def failure_text(records: list[dict]) -> str:
    """How and where a server failed: each failing status, socket and read errors, crashes."""
    by_kind: dict[str, list[tuple[int, dict]]] = {}
    for r in records:
        statuses = r.get("statuses") or {}
        counted = 0
        for code, n in statuses.items():
            if int(code) >= 400 and n:
                by_kind.setdefault(f"× {code}", []).append((n, r))
                counted += n
        other = int(r.get("errors") or 0) - counted
        if other > 0:
            kind = " socket errors" if "statuses" in r else " errors"
            by_kind.setdefault(kind, []).append((other, r))
        if r.get("read_errors"):
            by_kind.setdefault(" read errors", []).append((int(r["read_errors"]), r))
        if r.get("crashes"):
            by_kind.setdefault(" crashes", []).append((int(r["crashes"]), r))
    return "; ".join(
        f"{sum(n for n, _ in found):,}{kind} ({_where([r for _, r in found])})"
        for kind, found in by_kind.items()
    )


def answers_notes(data: dict) -> list[str]:
    """Peers whose answers (rows or triples over one pass of a rotation) differ from
    nomengraph's."""
    recs = data.get("endpoint") or []
    ours = {r["query"]: r.get("rows") for r in recs if r["server"] == "nomengraph"}
    differ = {}
    for r in recs:
        mine, expected = r.get("rows"), ours.get(r["query"])
        if (
            r["server"].startswith("ceiling")
            or r["server"] == "nomengraph"
            or r["query"] == CONDITIONAL
        ):
            continue
        if is_number(mine) and is_number(expected) and mine != expected:
            differ[r["server"], r["query"]] = (
                f"{r['server']} {r['query']}: {mine:,} against {expected:,}"
            )
    if not differ:
        return []
    return [
        "Answers that differ from nomengraph's (rows or triples over one pass): "
        + "; ".join(differ.values())
        + ".",
        "",
    ]


def endpoint_section(data: dict) -> list[str]:
    recs = data.get("endpoint") or []
    if not recs:
        return []
    servers = [s for s in (*NOMENGRAPH, *PEERS) if any(r["server"] == s for r in recs)]
    by = {(r["server"], r["query"], r["concurrency"]): r for r in recs}
    keys = sorted(
        {(r["query"], r["concurrency"]) for r in recs},
        key=lambda k: (list(dict.fromkeys(r["query"] for r in recs)).index(k[0]), k[1]),
    )
    new = any("ok_rps" in r for r in recs)
    lines = [
        f"### Endpoint (load generator: {data.get('load_generator', '?')}, "
        f"{data.get('duration_s')} s per run, {_runs_text(recs)} of each figure)",
        "",
    ]
    stack = data.get("endpoint_stack")
    if stack:
        lines += [
            f"`nomengraph serve`: {stack['server']}, {stack['interface'].upper()} interface, "
            f"{stack['workers']} server process(es)"
            + (" (read from `nomengraph.server.run`)" if stack.get("source") != "assumed" else "")
            + "; `ceiling-granian` is served the same way.",
            "",
        ]
    rotation = data.get("endpoint_rotation")
    if rotation:
        lines += [
            "Distinct requests each query rotates over: "
            + ", ".join(f"{q} {n}" for q, n in rotation.items())
            + ".",
            "",
        ]
    conditional = [r for r in recs if r["query"] == CONDITIONAL]
    if conditional:
        statuses = sorted({str(r.get("status")) for r in conditional})
        lines += [
            "`conditional`: the lookup requests with `If-None-Match` and each answer's ETag "
            f"(status of such a request: {', '.join(statuses)}).",
            "",
        ]
    lines += [
        ("Answered requests/s (2xx/3xx)" if new else "Requests/s")
        + ", median (min–max) over the runs; then p50 / p99 ms (medians). Errors are "
        "all 0 unless shown (summed over the runs).",
        "",
    ]
    rows = []
    for q, c in keys:
        row = [q, str(c)]
        for s in servers:
            r = by.get((s, q, c))
            if r is None:
                row.append("–")
                continue
            text = f"{cell(r, _speed_key(r))}; {_f(r.get('p50_ms'), 2)} / {_f(r.get('p99_ms'), 2)}"
            if r.get("errors"):
                text += f" **{r['errors']} err**"
            if r.get("crashes"):
                text += f" **{r['crashes']} crash**"
            row.append(text)
        rows.append(row)
    lines += _table(["query", "conc.", *servers], rows)
    lines += answers_notes(data)
    lines += errors_section(data)
    for ours_name in (s for s in NOMENGRAPH if s in servers):
        # warm against every other server (the cold one too: the cache's gain); cold against
        # the peers
        others = [
            s
            for s in servers
            if s != ours_name and not (s in NOMENGRAPH and ours_name != "nomengraph")
        ]
        if not others:
            continue
        ratio_rows = []
        for q, c in keys:
            ours = by.get((ours_name, q, c))
            if ours is None:
                continue
            row = [q, str(c)]
            for s in others:
                row.append(ratio(speed(ours), speed(by.get((s, q, c)))))
            ratio_rows.append(row)
        lines += [
            f"Throughput ratio {ours_name} / peer, of the medians (above 1: {ours_name} is "
            "faster):",
            "",
        ]
        lines += _table(["query", "conc.", *others], ratio_rows)
    top = max(c for _, c in keys)
    cpu = [
        [r["server"], r["query"], str(r["concurrency"]), cell(r, "cpu_ms_per_request")]
        for r in recs
        if r["concurrency"] == top
    ]
    lines += [
        "Server CPU per request (ms, all its processes; median (min–max) over the runs) at the "
        "highest concurrency:",
        "",
    ]
    lines += _table(["server", "query", "conc.", "CPU ms/request"], cpu)
    return lines


def build_section(data: dict) -> list[str]:
    b = data.get("build")
    if not b:
        return []
    rows = [
        [
            f"x{r['factor']}",
            str(r.get("runs") or 1),
            r["jobs"],
            r["triples"],
            cell(r, "extract"),
            cell(r, "convert"),
            cell(r, "validate"),
            cell(r, "load", 2),
            cell(r, "peak_rss_mb", 0),
        ]
        for r in b["runs"]
    ]
    lines = [
        "### Build pipeline (seconds per stage, median (min–max) over the runs)",
        "",
    ]
    lines += _table(
        [
            "size",
            "runs",
            "jobs",
            "triples",
            "extract",
            "convert",
            "validate",
            "load",
            "peak RSS MB",
        ],
        rows,
    )
    exps = ", ".join(f"{k} {_f(v, 2)}" for k, v in b["growth_exponent"].items())
    limit = data.get("repeat_max_factor")
    lines += [
        f"Growth exponent (slope of log time on log triples, on the medians; 1 = linear): {exps}.",
        "",
        "Extract reads the real sources only (synthetic sets have no source texts)."
        + (
            f" Sizes above x{limit:g} are run once (`--repeat-max-factor`)."
            if is_number(limit) and (data.get("repeat") or 1) > 1
            else ""
        ),
        "",
    ]
    return lines


def scale_section(data: dict) -> list[str]:
    s = data.get("scale")
    if not s:
        return []
    rows = [
        [
            r["what"],
            str(r.get("runs") or 1),
            r["triples"],
            cell(r, "seconds"),
            cell(r, "triples_per_s", 0),
            cell(r, "peak_rss_mb", 0),
        ]
        for r in s
    ]
    lines = ["### Bulk scale: ESCO into the store", "", f"Input: {s[0]['input']}.", ""]
    lines += _table(["what", "runs", "triples", "seconds", "triples/s", "peak RSS MB"], rows)
    ours, ceiling = s[0], s[1]
    lines += [
        f"nomengraph takes {ratio(ours.get('seconds'), ceiling.get('seconds'), 1, '×')} the time "
        f"of the ceiling, on the medians (of which CSV import {cell(ours, 'import_seconds')} s, "
        f"store {cell(ours, 'load_seconds')} s).",
        "",
    ]
    return lines


def turbo_section(v: dict) -> list[str]:
    """The default engine (pyshacl-turbo), cold and warm, against the reference pyshacl (runs
    recorded before it was the default have no such figures: no section)."""
    runs = [r for r in v["runs"] if "turbo_seconds" in r]
    if not runs:
        return []
    rows = [
        [
            f"x{r['size']:g}",
            str(r.get("runs") or 1),
            r["triples"],
            cell(r, "turbo_cold_seconds", 2),
            cell(r, "turbo_seconds", 2),
            cell(r, "pyshacl_seconds"),
            ratio(r.get("pyshacl_seconds"), r.get("turbo_seconds"), 0, "×"),
            json.dumps(r.get("turbo_results")),
            str(r.get("turbo_compared", "–")),
            {True: "yes", False: "**no**", None: "–"}[r.get("turbo_agree")],
        ]
        for r in runs
    ]
    lines = [
        "### SHACL validation: the default engine (pyshacl-turbo), cold and warm, vs pyshacl",
        "",
        "`cold`: the first validation of a fresh process (the engine imported, the shapes and "
        "the ontology loaded and compiled); `warm`: a second one; both count the in-memory store "
        "of the data. pyshacl, the reference, runs once, on the same store. The ratio is pyshacl "
        "over warm. `agree`: the same conformance, the same counts and the same results one by "
        "one (severity, focus node, path, value, shape), in every run.",
        "",
    ]
    lines += _table(
        [
            "size",
            "runs",
            "triples",
            "turbo cold s",
            "turbo warm s",
            "pyshacl s",
            "ratio",
            "results",
            "results compared",
            "agree",
        ],
        rows,
    )
    differ = []
    for r in runs:
        for side, key in (
            ("pyshacl only", "turbo_only_pyshacl"),
            ("turbo only", "turbo_only_turbo"),
        ):
            if r.get(key):
                shown = "; ".join(f"`{x}`" for x in r[key])
                differ.append(f"- x{r['size']:g}, {side} (first run, up to 20): {shown}")
    if differ:
        lines += ["", "Results found by one engine only:", "", *differ]
    if lines[-1] != "":
        lines.append("")
    exponent = _f(v.get("turbo_growth_exponent"), 2)
    return [*lines, f"turbo growth exponent (warm, on the medians): {exponent}.", ""]


def validation_section(data: dict) -> list[str]:
    v = data.get("validation")
    if not v:
        return []
    rows = []
    for r in v["runs"]:
        rs = r.get("shacl_rs_seconds")
        rows.append(
            [
                f"x{r['size']:g}",
                str(r.get("runs") or 1),
                r["triples"],
                cell(r, "pyshacl_seconds"),
                cell(r, "shacl_rs_seconds", 2) if rs else r.get("shacl_rs", "–"),
                ratio(r.get("pyshacl_seconds"), rs, 0, "×"),
                json.dumps(r["pyshacl_results"]),
                json.dumps(r.get("shacl_rs_results")),
                str(r["results_compared"]) if "results_compared" in r else "–",
                {True: "yes", False: "**no**", None: "–"}[r.get("agree")],
            ]
        )
    lines = [
        *turbo_section(v),
        "### SHACL validation: pyshacl vs shacl (Rust, PyPI `shacl`)",
        "",
        "Seconds as median (min–max) over the runs; the ratio is of the medians; `agree`: the "
        "same conformance, the same counts per severity and, where the run compared them "
        "(`results compared`), the same results one by one (severity, focus node, shape), in "
        "every run.",
        "",
    ]
    lines += _table(
        [
            "size",
            "runs",
            "triples",
            "pyshacl s",
            "shacl s",
            "ratio",
            "pyshacl results",
            "shacl results",
            "results compared",
            "agree",
        ],
        rows,
    )
    differ = []
    for r in v["runs"]:
        for side, key in (("pyshacl only", "only_pyshacl"), ("shacl only", "only_shacl_rs")):
            if r.get(key):
                shown = "; ".join(f"`{x}`" for x in r[key])
                differ.append(f"- x{r['size']:g}, {side} (first run, up to 20): {shown}")
    if differ:
        lines += ["", "Results found by one engine only:", "", *differ]
    if lines[-1] != "":
        lines.append("")
    lines += [
        f"pyshacl growth exponent (on the medians): {_f(v.get('pyshacl_growth_exponent'), 2)}.",
        "",
    ]
    return lines


def memory_section(data: dict) -> list[str]:
    m = data.get("memory") or []
    if not m:
        return []
    lines = ["### Peak resident memory", ""]
    return lines + _table(["what", "peak RSS MB"], [[r["what"], cell(r, "peak_rss_mb")] for r in m])


def _link(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target, folder.resolve())).as_posix()


def error_bars(records: list[dict], key: str) -> tuple[list, list, list]:
    """Medians and the (below, above) error bar lengths of ``key`` in ``records`` (0 for a
    single run)."""
    values, below, above = [], [], []
    for r in records:
        value = r[key]
        bounds = value_range(r, key) or (value, value)
        values.append(value)
        below.append(max(0.0, value - bounds[0]))
        above.append(max(0.0, bounds[1] - value))
    return values, below, above


def plots(data: dict, folder: Path, figures: Path | None = None) -> list[str]:
    """Throughput vs concurrency and build time vs size (medians, min–max error bars), as PNG
    files in ``figures`` (default ``bench/results``), linked from a page in ``folder``."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ["(plots skipped: matplotlib is not installed)", ""]
    figures = Path(figures) if figures is not None else RESULTS
    figures.mkdir(parents=True, exist_ok=True)
    made = []
    recs = [r for r in data.get("endpoint") or [] if is_number(r.get("rps")) and r["rps"] > 0]
    if recs:
        queries = list(dict.fromkeys(r["query"] for r in recs))
        fig, axes = plt.subplots(1, len(queries), figsize=(4 * len(queries), 3.5), squeeze=False)
        for ax, q in zip(axes[0], queries, strict=True):
            for s in dict.fromkeys(r["server"] for r in recs):
                mine = sorted(
                    (r for r in recs if r["server"] == s and r["query"] == q),
                    key=lambda r: r["concurrency"],
                )
                rps, below, above = error_bars(mine, "rps")
                ax.errorbar(
                    [r["concurrency"] for r in mine],
                    rps,
                    yerr=[below, above],
                    marker="o",
                    capsize=3,
                    label=s,
                )
            ax.set(title=q, xlabel="concurrency", ylabel="requests/s", xscale="log", yscale="log")
            concurrencies = sorted({r["concurrency"] for r in recs})
            ax.set_xticks(concurrencies, [str(c) for c in concurrencies])
            ax.set_xticks([], minor=True)
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(figures / "throughput.png", dpi=90)
        plt.close(fig)
        made.append(f"![throughput vs concurrency]({_link(figures / 'throughput.png', folder)})")
    b = data.get("build")
    if b:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        for stage in ("convert", "validate", "load"):
            rows = [r for r in b["runs"] if is_number(r.get(stage)) and r[stage] > 0]
            if not rows:
                continue
            seconds, below, above = error_bars(rows, stage)
            ax.errorbar(
                [r["triples"] for r in rows],
                seconds,
                yerr=[below, above],
                marker="o",
                capsize=3,
                label=stage,
            )
        ax.set(
            xlabel="triples",
            ylabel="seconds",
            xscale="log",
            yscale="log",
            title="build time vs size",
        )
        ax.legend()
        fig.tight_layout()
        fig.savefig(figures / "build.png", dpi=90)
        plt.close(fig)
        made.append(f"![build time vs size]({_link(figures / 'build.png', folder)})")
    return [*made, ""]


def generated(data: dict, folder: Path, figures: Path | None = None) -> str:
    m = data["machine"]
    lines = [
        BEGIN,
        "",
        f"Run of {data['date']} ({data['mode']} mode), generated by "
        "`python -m bench --report docs/benchmarks.md` from `bench/results/latest.json`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB memory, {m['os']}, "
        f"Python {m['python']}.",
        "",
    ]
    repeat = data.get("repeat") or 1
    if repeat > 1:
        lines += [
            f"Each figure is the median of {repeat} runs, with the spread (min–max) in brackets; "
            "ratios are computed on the medians.",
            "",
        ]
    else:
        lines += ["Each figure is from a single run (no spread).", ""]
    for note in data.get("notes") or []:
        lines.append(f"- {note}")
    if data.get("notes"):
        lines.append("")
    for section in (
        goals_section,
        endpoint_section,
        build_section,
        scale_section,
        validation_section,
        memory_section,
        search_section,
    ):
        lines += section(data)
    lines += plots(data, folder, figures)
    return "\n".join([*lines, END])


def write_report(data: dict, path: Path, figures: Path | None = None) -> None:
    """Rewrite the generated part of the page at ``path`` from ``data``; the plots go to
    ``figures`` (default ``bench/results``)."""
    path = Path(path)
    text = (
        path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    )
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(head + generated(data, path.parent, figures) + tail, encoding="utf-8")


if __name__ == "__main__":  # python -m bench.report RESULTS.json PAGE.md: plots beside the JSON
    source = Path(sys.argv[1])
    write_report(json.loads(source.read_text()), Path(sys.argv[2]), figures=source.parent)
