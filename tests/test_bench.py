"""Smoke test of the benchmark suite: the tiniest configuration runs and writes a record of the
documented structure. No timing is checked (timings depend on the machine)."""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import pytest

# bench/ is a folder of the project, not part of the installed package: import it from the root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import aggregate, aggregate_endpoint, median, spread  # noqa: E402
from bench.__main__ import finite, growth_exponent, main  # noqa: E402
from bench.report import cell, value_range, write_report  # noqa: E402
from bench.synth import make_cards  # noqa: E402

ENDPOINT_KEYS = {"server", "query", "concurrency", "rps", "p50_ms", "p99_ms", "errors"}
REPEAT_KEYS = {"runs", "rps_runs", "rps_min", "rps_max", "p50_ms_runs", "p99_ms_runs"}
MACHINE = {"cpu": "x", "cores": 2, "memory_gb": 1.0, "os": "linux", "python": "3.11"}


def test_quick_endpoint_ceiling_record(tmp_path, capsys):
    """Both HTTP ceilings (granian, with the interface and worker count of nomengraph serve,
    and gunicorn) through the whole endpoint part."""
    pytest.importorskip("gunicorn", reason="the gunicorn ceiling needs gunicorn")
    pytest.importorskip("granian", reason="the granian ceiling needs granian (pip install granian)")
    out = tmp_path / "latest.json"
    code = main(
        [
            "--quick",
            "--parts",
            "endpoint",
            "--servers",
            "ceiling",
            "--queries",
            "lookup",
            "--concurrency",
            "1",
            "--duration",
            "0.3",
            "--python-client",
            "--repeat",
            "2",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert {"date", "machine", "endpoint", "build", "scale", "validation", "memory"} <= set(data)
    assert data["machine"]["cores"] >= 1
    assert data["endpoint"], "no endpoint record"
    assert {r["server"] for r in data["endpoint"]} == {"ceiling-granian", "ceiling-gunicorn"}
    assert data["endpoint_stack"]["server"] in {"granian", "gunicorn"}
    for record in data["endpoint"]:
        assert ENDPOINT_KEYS <= set(record)
        assert record["errors"] == 0 and record["crashes"] == 0
        assert record["rps"] > 0 and record["ok_rps"] > 0
        assert record["statuses"] == {"200": record["requests"]}
        assert REPEAT_KEYS <= set(record)
        assert record["runs"] == 2 and len(record["rps_runs"]) == 2
        assert record["rps_min"] <= record["rps"] <= record["rps_max"]
    assert data["repeat"] == 2
    assert data["memory"][0]["peak_rss_mb"] > 0
    assert "0 errors up to c=16" in capsys.readouterr().out  # the goals are printed


# A tiny graph of two jobs, as nomengraph exports it (N-Quads, named graphs).
NG, SKOS = "https://w3id.org/nomengraph/def/", "http://www.w3.org/2004/02/skos/core#"
ID = "https://w3id.org/nomengraph/id/"


def tiny_nquads(path: Path) -> Path:
    graph = f"<{ID}graph/cigref-2018>"
    lines = []
    for n, code in enumerate(("2.1", "3.4")):
        job = f"<{ID}cigref-2018/job/{code}>"
        lines += [
            f"{job} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{NG}Job> {graph} .",
            f'{job} <{SKOS}notation> "{code}" {graph} .',
            f"{job} <{SKOS}inScheme> <{ID}scheme/cigref-2018> {graph} .",
            f'{job} <{SKOS}prefLabel> "Job {code}"@fr {graph} .',
        ]
        for k in range(n + 1):  # 1 requirement for the first job, 2 for the second
            req, comp = f"<{ID}req/{code}/{k}>", f"<{ID}ecf/c{k}>"
            lines += [
                f"{job} <{NG}hasRequirement> {req} {graph} .",
                f"{req} <{NG}competence> {comp} {graph} .",
                f"{req} <{NG}minLevel> <{ID}level/2> {graph} .",
                f"{req} <{NG}maxLevel> <{ID}level/3> {graph} .",
                f'{comp} <{SKOS}notation> "C.{k}" {graph} .',
            ]
    lines += [
        f'<{ID}level/{n}> <{NG}levelNumber> "{n}"^^<http://www.w3.org/2001/XMLSchema#integer> '
        f"{graph} ."
        for n in (2, 3)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rotations_cover_every_job(tmp_path):
    from bench import endpoint as ep

    jobs = ep.list_jobs(tiny_nquads(tmp_path / "g.nq"))
    assert [(j["code"], j["requirements"]) for j in jobs] == [("2.1", 1), ("3.4", 2)]
    texts = ep.query_sets(jobs)
    assert [len(texts[q]) for q in ("lookup", "profile", "usage", "construct")] == [2, 2, 1, 2]
    assert '"3.4"' in texts["lookup"][1] and "job/3.4>" in texts["construct"][1]
    assert ep.query_sets([]) == {q: [text] for q, text in ep.QUERIES.items()}


@pytest.mark.parametrize("generator", ["wrk", "python"])
def test_load_generators_rotate_with_headers_and_count_statuses(generator):
    """Both load generators send every request of a rotation with its own headers and the
    Accept header; a 304 is an answer, a 503 an error (a tiny loopback server counts them)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bench import endpoint as ep

    if generator == "wrk" and not shutil.which("wrk"):
        pytest.skip("wrk is not installed (apt-get install wrk); the Python client is tested")
    seen = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            seen.append((self.path, self.headers.get("If-None-Match"), self.headers["Accept"]))
            status = 304 if self.headers.get("If-None-Match") else 200
            status = 503 if self.path.endswith("=2") else status
            body = b"" if status == 304 else b"{}"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        requests = [
            ep.Target(f"/sparql?query={i}", {"If-None-Match": '"e1"'} if i == 1 else {})
            for i in range(3)
        ]
        run = {"wrk": ep.run_wrk, "python": ep.run_python}[generator]
        r = run(origin, requests, 2, 0.3)
    finally:
        server.shutdown()
        server.server_close()
    assert {p for p, _, _ in seen} == {"/sparql?query=0", "/sparql?query=1", "/sparql?query=2"}
    assert {(p, etag) for p, etag, _ in seen if etag} == {("/sparql?query=1", '"e1"')}
    assert {accept for _, _, accept in seen} == {ep.ACCEPT}
    assert set(r["statuses"]) == {"200", "304", "503"}
    assert r["errors"] == r["statuses"]["503"] > 0
    assert r["ok"] == r["statuses"]["200"] + r["statuses"]["304"]


ETAG_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        etag = '"' + str(abs(hash(self.path)) % 10**8) + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if sys.argv[2] == "etag":
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


@pytest.mark.parametrize("etag", [True, False])
def test_conditional_requests_measured_when_answers_carry_an_etag(tmp_path, etag):
    """The conditional rotation: the lookups sent with If-None-Match and each answer's ETag get
    304, and are measured; a server without ETags is not, and a note says so."""
    from bench import endpoint as ep

    script = tmp_path / "etag_server.py"
    script.write_text(ETAG_SERVER, encoding="utf-8")

    def start() -> ep.Server:
        port = ep.free_port()
        cmd = [sys.executable, str(script), str(port), "etag" if etag else "none"]
        server = ep.Server("nomengraph", cmd, f"http://127.0.0.1:{port}/sparql")
        ep.wait_ready(server.base, server.proc, 30)
        return server

    texts = {"lookup": ["SELECT 1", "SELECT 2", "SELECT 3"]}
    records, peak, notes = ep.measure(
        start, texts, [1], 0.3, ep.run_python, lambda m: None, conditional=True
    )
    by = {r["query"]: r for r in records}
    assert by["lookup"]["rows"] == 3 and by["lookup"]["targets"] == 3
    if etag:
        assert set(by) == {"lookup", "conditional"} and not notes
        cond = by["conditional"]
        assert cond["status"] == 304 and cond["errors"] == 0
        assert set(cond["statuses"]) == {"304"} and cond["ok_rps"] > 0
    else:
        assert set(by) == {"lookup"}
        assert notes == ["nomengraph: answers carry no ETag: conditional requests not measured"]


def oxigraph_or_skip() -> str:
    from bench.endpoint import oxigraph_command

    command = oxigraph_command()
    if command is None:
        pytest.skip("Oxigraph's server is not installed (pip install oxigraph, the bench extra)")
    return command


def test_oxigraph_peer_with_and_without_timeout(tmp_path):
    """Oxigraph's own server, loaded with the exported N-Quads, answers every query of the
    rotations like nomengraph (the same rows), without and with --timeout-s."""
    from bench import endpoint as ep

    oxigraph_or_skip()
    nquads = tiny_nquads(tmp_path / "g.nq")
    ep.load_oxigraph(nquads, tmp_path / "oxigraph")
    texts = ep.query_sets(ep.list_jobs(nquads))
    expected = {"lookup": 2, "profile": 3, "usage": 2, "construct": 2 * 4 + 3}
    for timeout_s, name in ((None, "oxigraph"), (10.0, "oxigraph-timeout")):
        records, peak, notes = ep.measure(
            lambda t=timeout_s: ep.start_oxigraph(tmp_path / "oxigraph", t),
            texts,
            [1],
            0.3,
            ep.run_python,
            lambda m: None,
        )
        assert not notes
        assert {r["query"]: r["rows"] for r in records} == expected
        for r in records:
            assert r["server"] == name and r["errors"] == 0 and r["crashes"] == 0
            assert r["ok_rps"] > 0 and r["statuses"] == {"200": r["requests"]}
        assert peak > 0


def test_a_server_that_exits_during_a_run_is_a_crash_and_is_restarted(tmp_path):
    from bench import endpoint as ep

    oxigraph_or_skip()
    ep.load_oxigraph(tiny_nquads(tmp_path / "g.nq"), tmp_path / "oxigraph")
    started: list[ep.Server] = []

    def start() -> ep.Server:
        started.append(ep.start_oxigraph(tmp_path / "oxigraph"))
        return started[-1]

    def dies_in_first_run(origin, requests, concurrency, seconds):
        r = ep.run_python(origin, requests, concurrency, seconds)
        if len(started) == 1:
            started[0].proc.kill()
            started[0].proc.wait()
        return r

    texts = {"lookup": [ep.QUERIES["lookup"]]}
    records, _, notes = ep.measure(
        start, texts, [1], 0.3, dies_in_first_run, lambda m: None, repeat=2
    )
    (record,) = records
    assert record["crashes"] == 1 and record["runs"] == 2
    assert len(started) == 2 and not started[1].alive()  # restarted, then stopped at the end
    assert not notes


def old_record() -> dict:
    """A results record as written before ``--repeat``: one run, no ``runs`` keys."""
    return {
        "date": "2026-01-01T00:00:00+00:00",
        "mode": "full",
        "machine": MACHINE,
        "duration_s": 2.0,
        "load_generator": "wrk",
        "notes": ["an old note"],
        "endpoint": [
            {
                "server": s,
                "query": "lookup",
                "concurrency": 1,
                "rps": r,
                "p50_ms": 1.0,
                "p99_ms": 2.0,
                "errors": 0,
                "requests": 20,
                "cpu_ms_per_request": 1.0,
            }
            for s, r in (("nomengraph", 10.0), ("ceiling", 20.0), ("rdflib-endpoint", 0.0))
        ],
        "build": {
            "runs": [
                {
                    "factor": f,
                    "jobs": 10 * f,
                    "triples": 1000 * f,
                    "extract": 5.0 if f == 1 else None,
                    "convert": 2.0 * f,
                    "validate": 3.0 if f == 1 else None,
                    "load": 0.5 * f,
                    "peak_rss_mb": 100.0 * f,
                }
                for f in (1, 10)
            ],
            "growth_exponent": {"convert": 1.0, "validate": None, "load": 1.0},
        },
        "scale": [
            {
                "what": "nomengraph import_esco + store",
                "input": "fixture",
                "triples": 100,
                "import_seconds": 2.0,
                "load_seconds": 2.0,
                "seconds": 4.0,
                "peak_rss_mb": 50.0,
                "triples_per_s": 25.0,
            },
            {
                "what": "pyoxigraph bulk_load of the N-Triples (ceiling)",
                "input": "fixture",
                "triples": 100,
                "seconds": 1.0,
                "peak_rss_mb": 20.0,
                "triples_per_s": 100.0,
            },
        ],
        "validation": {
            "runs": [
                {
                    "size": 1.0,
                    "triples": 500,
                    "pyshacl_seconds": 10.0,
                    "pyshacl_conforms": True,
                    "pyshacl_results": {"Violation": 0},
                    "shacl_rs_seconds": 0.5,
                    "shacl_rs_conforms": True,
                    "shacl_rs_results": {},
                    "agree": True,
                },
                {
                    "size": 2.0,
                    "triples": 900,
                    "pyshacl_seconds": 20.0,
                    "pyshacl_conforms": True,
                    "pyshacl_results": {"Violation": 0},
                    "shacl_rs": "not installed (pip install shacl)",
                },
            ],
            "pyshacl_growth_exponent": 1.18,
        },
        "memory": [{"what": "server", "peak_rss_mb": 10.0}],
    }


def new_record() -> dict:
    """The same figures as written with ``--repeat 3``: medians, runs and spreads."""
    data = old_record()
    data["repeat"], data["repeat_max_factor"] = 3, 10
    data["endpoint"] = [
        aggregate_endpoint(
            [dict(r, rps=r["rps"] * k, p50_ms=r["p50_ms"] * k) for k in (0.9, 1.0, 1.3)]
        )
        for r in data["endpoint"]
    ]
    data["build"]["runs"] = [
        dict(
            row,
            runs=3,
            convert_runs=[row["convert"] - 0.5, row["convert"], row["convert"] + 1.0],
            load_runs=[row["load"]] * 3,
        )
        for row in data["build"]["runs"]
    ]
    data["scale"] = [
        dict(r, runs=3, seconds_runs=[r["seconds"], r["seconds"] * 2, r["seconds"] / 2])
        for r in data["scale"]
    ]
    data["validation"]["runs"][0].update(runs=3, pyshacl_seconds_runs=[9.0, 10.0, 12.5])
    data["memory"][0]["peak_rss_mb_runs"] = [9.0, 10.0, 11.0]
    return data


def render(data: dict, tmp_path: Path) -> str:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# B\n\nhand-written\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n\nafter\n"
    )
    write_report(data, doc, figures=tmp_path / "figures")
    return doc.read_text()


def test_report_of_single_run_records(tmp_path):
    """A record written before --repeat (like an older bench/results/latest.json) renders."""
    text = render(old_record(), tmp_path)
    assert "hand-written" in text and "after" in text and "\nold\n" not in text
    assert "Each figure is from a single run" in text
    assert "| lookup | 1 | 10.0; 1.00 / 2.00 |" in text
    assert "| lookup | 1 | – | 0.50 |" in text  # rdflib-endpoint answered nothing: no ratio
    assert "| x1 | 1 | 10 | 1,000 | 5.0 | 2.0 | 3.0 | 0.50 | 100 |" in text
    assert "4.0× the time of the ceiling" in text
    assert "| x1 | 1 | 500 | 10.0 | 0.50 | 20× |" in text
    assert "not installed (pip install shacl)" in text


def test_report_of_repeated_records(tmp_path):
    text = render(new_record(), tmp_path)
    assert "Each figure is the median of 3 runs" in text
    # nomengraph's runs are 9, 10, 13 rps: median 10, spread 9–13; the ratio is of the medians
    assert "| lookup | 1 | 10.0 (9.0–13.0); 1.00 / 2.00 |" in text
    assert "| lookup | 1 | – | 0.50 |" in text
    assert "| 20.0 (18.0–26.0); 1.00 / 2.00 |" in text
    assert "| x10 | 3 | 100 | 10,000 | – | 20.0 (19.5–21.0) | – | 5.00 (5.00–5.00) |" in text
    assert "| 4.0 (2.0–8.0) |" in text
    assert "| x1 | 3 | 500 | 10.0 (9.0–12.5) | 0.50 | 20× |" in text
    assert "| server | 10.0 (9.0–11.0) |" in text
    if (tmp_path / "figures").is_dir():  # matplotlib installed: error-bar plots beside them
        assert {p.name for p in (tmp_path / "figures").iterdir()} == {"throughput.png", "build.png"}


def test_report_of_the_committed_results(tmp_path):
    """Whatever shape bench/results/latest.json has (single run or repeated), it renders."""
    data = json.loads((ROOT / "bench/results/latest.json").read_text())
    text = render(data, tmp_path)
    assert "### Endpoint" in text and "<!-- bench:end -->" in text


def goals_record() -> dict:
    """An endpoint record with every peer of the goals, in one run: nomengraph warm answers
    1000/s, cold 300/s; Oxigraph 800/s (lookup, profile) or 100/s; Oxigraph with its timeout
    200/s answered (of 1000/s: the rest 500s), and nothing on lookup at 16 connections; Virtuoso
    500/s at 4 connections (not measured on construct). The cold server fails 3 usage
    requests at 16 connections (503)."""

    def rec(server, query, c, ok, **extra):
        return {
            "server": server,
            "query": query,
            "concurrency": c,
            "rps": extra.pop("rps", ok),
            "ok_rps": ok,
            "p50_ms": 1.0,
            "p99_ms": 2.0,
            "errors": 0,
            "read_errors": 0,
            "crashes": 0,
            "requests": 100,
            "statuses": {"200": 100},
            "rows": 127 if query == "lookup" else 10,
            **extra,
        }

    records = []
    for q in ("lookup", "profile", "usage", "construct"):
        for c in (1, 4, 16):
            records.append(rec("nomengraph", q, c, 1000.0))
            if q == "usage" and c == 16:
                failed = {"errors": 3, "statuses": {"200": 97, "503": 3}}
                records.append(rec("nomengraph-cold", q, c, 300.0, **failed))
            else:
                records.append(rec("nomengraph-cold", q, c, 300.0))
            records.append(rec("oxigraph", q, c, 800.0 if q in ("lookup", "profile") else 100.0))
            if q == "lookup" and c == 16:
                records.append(rec("oxigraph-timeout", q, c, 0.0, requests=0, crashes=1))
            else:
                failed = {"errors": 800, "statuses": {"200": 200, "500": 800}}
                records.append(rec("oxigraph-timeout", q, c, 200.0, rps=1000.0, **failed))
            if c == 4 and q != "construct":
                rows = {"rows": 126} if q == "lookup" else {}
                records.append(rec("virtuoso", q, c, 500.0, **rows))
    for c in (1, 4, 16):
        records.append(rec("nomengraph", "conditional", c, 2000.0, rows=None, status=304))
    return {
        "date": "2026-12-01T00:00:00+00:00",
        "mode": "quick",
        "machine": MACHINE,
        "duration_s": 1.0,
        "load_generator": "wrk",
        "notes": [],
        "endpoint": records,
        "endpoint_stack": {"server": "granian", "interface": "rsgi", "workers": 1},
        "endpoint_rotation": {"lookup": 127, "profile": 70, "usage": 1, "construct": 127},
        "memory": [],
    }


def test_goals_table(tmp_path):
    """The goals, met or not, with their ratios (of answered requests/s: the 500s of Oxigraph
    with its timeout do not count), rendered into the page; errors and crashes per peer."""
    from bench.report import goal_lines, goals

    data = goals_record()
    text = render(data, tmp_path)
    assert "### Goals (issue 11), in this run" in text
    for row in (
        "| 0 errors up to c=16 | warm | all | 0 | 0 | 0 | met |",
        "| 0 errors up to c=16 | cold | all | 0 | 0 | 3 | **not met** |",
        "| ahead of oxigraph-timeout | warm | lookup | 5.00 | 5.00 | ∞ | met |",
        "| ahead of oxigraph-timeout | cold | usage | 1.50 | 1.50 | 1.50 | met |",
        "| warm: ahead of oxigraph | warm | lookup | 1.25 | 1.25 | 1.25 | met |",
        "| warm: ahead of oxigraph | warm | profile | 1.25 | 1.25 | 1.25 | met |",
        "| cold: ≥ 0.5× oxigraph | cold | lookup | 0.38 | 0.38 | 0.38 | **not met** |",
        "| ≥ 1.2× virtuoso at c=4 | warm | usage | – | 2.00 | – | met |",
        "| ≥ 1.2× virtuoso at c=4 | cold | usage | – | 0.60 | – | **not met** |",
        "| ≥ 1.2× virtuoso at c=4 | warm | construct | – | – | – | not measured |",
    ):
        assert row in text, row
    rows = goals(data)
    assert len(rows) == 2 + 8 + 2 + 1 + 8
    met = sum(r["status"] == "met" for r in rows)
    missed = sum(r["status"] == "**not met**" for r in rows)
    assert (met, missed) == (14, 5)
    assert f"{met} of {len(rows)} met, {missed} not met, 2 not measured." in text
    assert any(
        line.startswith("cold: ≥ 0.5× oxigraph [cold, lookup]: not met")
        for line in goal_lines(data)
    )
    # errors and crashes of every peer, with the failing statuses
    assert "| nomengraph-cold | 0 / 400 | 0 / 400 | **3 / 400** | 0 | 3× 503 (usage c=16) |" in text
    assert (
        "| oxigraph-timeout | **3,200 / 400** | **3,200 / 400** | **2,400 / 300** | **1** | "
        "8,800× 500 (lookup, profile, usage, construct); 1 crashes (lookup c=16) |"
    ) in text
    assert "virtuoso lookup: 126 against 127" in text  # answers that differ are named
    assert "(status of such a request: 304)" in text
    assert "`nomengraph serve`: granian, RSGI interface, 1 server process(es)" in text
    # without 16 connections the errors goal is not measured; an error is never "met"
    fewer = dict(data, endpoint=[r for r in data["endpoint"] if r["concurrency"] < 16])
    errors_rows = [r for r in goals(fewer) if r["query"] == "all"]
    assert [r["status"] for r in errors_rows] == ["not measured", "not measured"]


def test_median_and_spread():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([1.0, None, math.nan, 5.0, 3.0]) == 3.0
    assert median([None, math.nan]) is None
    assert spread([3.0, 1.0, 2.0]) == (1.0, 3.0)
    assert spread([]) == (None, None)


def test_aggregate_keeps_medians_runs_sums_and_constants():
    runs = [
        {"triples": 100, "convert": 3.0, "load": 1.0, "conforms": True, "note": "a"},
        {"triples": 100, "convert": 1.0, "load": 2.0, "conforms": True, "note": "b"},
        {"triples": 100, "convert": 2.0, "load": 9.0, "conforms": True, "note": "c", "n": 1},
    ]
    rec = aggregate(runs, constant=("triples",), summed=("n",))
    assert rec == {
        "triples": 100,
        "convert": 2.0,
        "convert_runs": [3.0, 1.0, 2.0],
        "load": 2.0,
        "load_runs": [1.0, 2.0, 9.0],
        "conforms": True,
        "note": "a",
        "n": 1,
        "runs": 3,
    }
    assert aggregate([{"seconds": 1.23456}], digits=2) == {
        "seconds": 1.23,
        "seconds_runs": [1.23],
        "runs": 1,
    }
    with pytest.raises(ValueError):
        aggregate([])


def test_aggregate_endpoint():
    base = {"server": "nomengraph", "query": "lookup", "concurrency": 4, "requests": 100}
    runs = [
        dict(base, rps=100.0, p50_ms=2.0, p99_ms=9.0, errors=0, cpu_ms_per_request=1.0),
        dict(base, rps=120.0, p50_ms=1.5, p99_ms=8.0, errors=2, cpu_ms_per_request=3.0),
        dict(base, rps=90.0, p50_ms=2.5, p99_ms=7.0, errors=1, cpu_ms_per_request=2.0),
    ]
    rec = aggregate_endpoint(runs)
    assert ENDPOINT_KEYS | REPEAT_KEYS <= set(rec)
    assert (rec["server"], rec["query"], rec["concurrency"]) == ("nomengraph", "lookup", 4)
    assert (rec["rps"], rec["rps_min"], rec["rps_max"]) == (100.0, 90.0, 120.0)
    assert rec["rps_runs"] == [100.0, 120.0, 90.0]
    assert (rec["p50_ms"], rec["p99_ms"]) == (2.0, 8.0)
    assert rec["p50_ms_runs"] == [2.0, 1.5, 2.5] and rec["p99_ms_runs"] == [9.0, 8.0, 7.0]
    assert (rec["errors"], rec["requests"], rec["runs"]) == (3, 300, 3)
    assert rec["cpu_ms_per_request"] == 2.0
    # a run without answers has no latency: the median is of the others
    silent = dict(base, rps=0.0, p50_ms=math.nan, p99_ms=math.nan, errors=0, requests=0)
    rec = aggregate_endpoint([runs[0], silent])
    assert rec["rps"] == 50.0 and rec["p50_ms"] == 2.0 and rec["rps_min"] == 0.0


def test_cell_and_value_range():
    assert cell({"x": 2.0}, "x") == "2.0"
    assert value_range({"x": 2.0}, "x") is None
    assert cell({"x": 2.0, "x_runs": [1.0, 2.0, 4.0]}, "x") == "2.0 (1.0–4.0)"
    assert value_range(
        {"rps": 5.0, "rps_runs": [4.0, 5.0, 7.0], "rps_min": 4.0, "rps_max": 7.0}, "rps"
    ) == (4.0, 7.0)
    assert cell({"x": None, "x_runs": [None]}, "x") == "–"
    assert value_range({"x": 1.0, "x_runs": [1.0]}, "x") is None


def test_synthetic_cards_are_renumbered(tmp_path):
    src = tmp_path / "src"
    (src / "cigref-2018").mkdir(parents=True)
    (src / "ecf").mkdir()
    (src / "cigref-2018" / "2.1.yaml").write_text(
        "id: cigref-2018-2.1\nedition: cigref-2018\nnumber: '2.1'\n"
        "family:\n  number: '2'\n  title: F\ntitle: T\n"
    )
    assert make_cards(src, tmp_path / "out", 3) == 3
    names = sorted(p.name for p in (tmp_path / "out" / "cigref-2018").iterdir())
    assert names == ["102.1.yaml", "2.1.yaml", "202.1.yaml"]
    assert "id: cigref-2018-202.1" in (tmp_path / "out/cigref-2018/202.1.yaml").read_text()
    assert (tmp_path / "out" / "ecf").is_dir()
    shutil.rmtree(tmp_path / "out")


def test_growth_exponent_and_finite():
    assert growth_exponent([1, 10, 100], [2, 20, 200]) == 1.0
    assert growth_exponent([1], [1]) is None
    assert finite({"a": [math.nan, 1.0]}) == {"a": [None, 1.0]}


def test_parts_repeat_and_aggregate(tmp_path, monkeypatch):
    """build, scale and validation with a stand-in for the measuring child processes: each
    figure is measured --repeat times (once above --repeat-max-factor) and kept as the median
    with its runs; the growth exponents are of the medians."""
    import argparse
    import types

    import bench.__main__ as bm
    import bench.synth

    calls: list[str] = []
    seconds = iter([3.0, 1.0, 2.0] * 20)

    def fake_task(name: str, **args) -> dict:
        calls.append(name)
        t = next(seconds)
        if name == "extract":
            return {"seconds": t}
        if name == "build":
            factor = (
                10 if "x10" in str(args["cards"]) else 100 if "x100" in str(args["cards"]) else 1
            )
            out = {"convert": t * factor, "triples": 1000 * factor, "load": t, "peak_rss_mb": 50.0}
            if args["validate"]:
                out.update(validate=2 * t, conforms=True)
            return out
        if name in ("scale_import", "scale_ceiling"):
            out = {"triples": 300, "seconds": t, "peak_rss_mb": 10.0}
            if name == "scale_import":
                out.update(import_seconds=t / 2, load_seconds=t / 2)
            return out
        assert name == "validation"
        return {
            "triples": 500,
            "pyshacl_seconds": t,
            "pyshacl_conforms": True,
            "pyshacl_results": {"Violation": 0, "Warning": 1},
            "shacl_rs_seconds": t / 10,
            "shacl_rs_conforms": True,
            "shacl_rs_results": {"Warning": 1},
        }

    monkeypatch.setattr(bm, "task", fake_task)
    monkeypatch.setattr(bench.synth, "make_cards", lambda src, dst, factor: 0)
    monkeypatch.setitem(sys.modules, "shacl", types.ModuleType("shacl"))
    monkeypatch.setattr(bm, "say", lambda message: None)
    args = argparse.Namespace(
        repeat=3,
        repeat_max_factor=10,
        factors=[1, 10, 100],
        max_validate_factor=1,
        validation_sizes=[0.5, 20.0],
        cards=tmp_path,
    )
    out: dict = {"memory": [], "notes": []}
    bm.part_build(args, tmp_path, out)
    bm.part_scale(args, tmp_path, out)
    bm.part_validation(args, tmp_path, out)
    assert calls.count("extract") == 3 and calls.count("build") == 3 + 3 + 1
    assert calls.count("scale_import") == calls.count("scale_ceiling") == 3
    assert calls.count("validation") == 3 + 1

    x1, x10, x100 = out["build"]["runs"]
    assert x1["runs"] == 3 and x1["extract"] == 2.0 and len(x1["extract_runs"]) == 3
    assert x1["convert"] == 2.0 and sorted(x1["convert_runs"]) == [1.0, 2.0, 3.0]
    assert x1["validate"] == 4.0 and sorted(x1["validate_runs"]) == [2.0, 4.0, 6.0]
    assert x10["runs"] == 3 and x10["convert"] == 20.0 and x10["validate"] is None
    assert x10["extract"] is None and x10["validate_runs"] is None
    assert x100["runs"] == 1 and len(x100["convert_runs"]) == 1 and len(x100["load_runs"]) == 1
    assert set(out["build"]["growth_exponent"]) == {"convert", "validate", "load"}
    assert out["build"]["growth_exponent"]["validate"] is None  # one size only

    ours, ceiling = out["scale"]
    assert ours["runs"] == ceiling["runs"] == 3
    assert ours["seconds"] == 2.0 and sorted(ours["seconds_runs"]) == [1.0, 2.0, 3.0]
    assert ours["triples_per_s"] == 150.0 and sorted(ours["triples_per_s_runs"]) == [
        100.0,
        150.0,
        300.0,
    ]
    assert "import_seconds_runs" in ours and "peak_rss_mb_runs" in ceiling

    small, large = out["validation"]["runs"]
    assert small["runs"] == 3 and small["size"] == 0.5 and small["agree"] is True
    assert small["pyshacl_seconds"] == 2.0 and len(small["shacl_rs_seconds_runs"]) == 3
    assert small["pyshacl_results"] == {"Violation": 0, "Warning": 1}
    assert large["runs"] == 1 and large["size"] == 20.0
    assert {m["what"] for m in out["memory"]} >= {"build x1", "ESCO import + store"}


def test_engines_agree_only_when_results_match_one_by_one():
    from bench.__main__ import agrees
    from bench.report import validation_section

    run = {
        "pyshacl_conforms": True,
        "shacl_rs_conforms": True,
        "pyshacl_results": {"Violation": 0, "Warning": 1, "Info": 0},
        "shacl_rs_results": {"Warning": 1},
        "results_compared": 1,
        "only_pyshacl": [],
        "only_shacl_rs": [],
    }
    assert agrees(run) is True
    assert agrees({k: v for k, v in run.items() if k != "shacl_rs_conforms"}) is None
    # same counts, different results: not an agreement, and the report names them
    moved = {
        **run,
        "results_compared": 0,
        "only_pyshacl": ["Warning http://example.org/a http://example.org/S"],
        "only_shacl_rs": ["Warning http://example.org/b http://example.org/S"],
    }
    assert agrees(moved) is False
    row = {**moved, "size": 1.0, "triples": 10, "runs": 1, "pyshacl_seconds": 1.0}
    row["shacl_rs_seconds"], row["agree"] = 0.1, agrees(moved)
    text = "\n".join(validation_section({"validation": {"runs": [row]}}))
    assert "**no**" in text
    assert "pyshacl only (first run, up to 20): `Warning http://example.org/a" in text
    assert "shacl only (first run, up to 20): `Warning http://example.org/b" in text


def test_default_engine_cold_and_warm_against_pyshacl():
    from bench.__main__ import turbo_agrees
    from bench.report import validation_section

    run = {
        "size": 1.0,
        "triples": 10,
        "runs": 1,
        "turbo_cold_seconds": 0.9,
        "turbo_seconds": 0.5,
        "turbo_conforms": True,
        "turbo_results": {"Violation": 0, "Warning": 1, "Info": 0},
        "turbo_compared": 1,
        "turbo_only_pyshacl": [],
        "turbo_only_turbo": [],
        "pyshacl_seconds": 5.0,
        "pyshacl_conforms": True,
        "pyshacl_results": {"Violation": 0, "Warning": 1, "Info": 0},
    }
    assert turbo_agrees(run) is True
    assert turbo_agrees({k: v for k, v in run.items() if k != "turbo_conforms"}) is None
    moved = {**run, "turbo_only_turbo": ["Warning a - - S"], "turbo_only_pyshacl": ["Warning b"]}
    assert turbo_agrees(moved) is False
    assert turbo_agrees({**run, "turbo_results": {"Violation": 1}}) is False
    text = "\n".join(validation_section({"validation": {"runs": [{**run, "turbo_agree": True}]}}))
    assert "| x1 | 1 | 10 | 0.90 | 0.50 | 5.0 | 10× |" in text and "| yes |" in text
    text = "\n".join(
        validation_section({"validation": {"runs": [{**moved, "turbo_agree": False}]}})
    )
    assert "**no**" in text and "turbo only (first run, up to 20): `Warning a - - S`" in text
