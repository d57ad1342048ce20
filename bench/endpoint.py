"""Endpoint throughput and latency: nomengraph, its peers and the ceiling, in the same run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench import aggregate_endpoint

ED = "https://w3id.org/nomengraph/id/cigref-2018"
JOB = "https://w3id.org/nomengraph/id/cigref-2018/job/2.1"
PREFIXES = (
    "PREFIX ng: <https://w3id.org/nomengraph/def/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)

QUERIES = {
    "lookup": PREFIXES + 'SELECT ?job ?title WHERE { ?job a ng:Job ; skos:notation "2.1" ; '
    "skos:inScheme <https://w3id.org/nomengraph/id/scheme/cigref-2018> ; skos:prefLabel ?title }",
    "profile": PREFIXES + "SELECT ?code ?min ?max WHERE { "
    f"<{JOB}> ng:hasRequirement ?r . ?r ng:competence ?c ; ng:minLevel/ng:levelNumber ?min ; "
    "ng:maxLevel/ng:levelNumber ?max . ?c skos:notation ?code } ORDER BY ?code",
    "usage": PREFIXES + "SELECT ?edition ?code (COUNT(DISTINCT ?job) AS ?jobs) "
    "(AVG(?max) AS ?mean) WHERE { ?job skos:inScheme ?edition ; ng:hasRequirement ?r . "
    "?r ng:competence ?c ; ng:maxLevel/ng:levelNumber ?max . ?c skos:notation ?code } "
    "GROUP BY ?edition ?code ORDER BY ?edition DESC(?jobs) ?code",
    "construct": f"CONSTRUCT {{ <{JOB}> ?p ?o }} WHERE {{ <{JOB}> ?p ?o }}",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen | None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                r.read()
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} after {seconds:.0f} s")


class Server:
    """A server process group started by the benchmark and stopped by its own id."""

    def __init__(self, name: str, cmd: list[str], base: str, env: dict | None = None, cwd=None):
        self.name, self.base = name, base
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )

    def tree_rss_cpu(self) -> tuple[float, float]:
        """Resident MB and CPU seconds of the server and all its descendants."""
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0.0, 0.0
        rss = cpu = 0.0
        for p in procs:
            try:
                rss += p.memory_info().rss
                t = p.cpu_times()
                cpu += t.user + t.system
            except psutil.Error:
                pass
        return rss / 2**20, cpu

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def start_nomengraph(store: Path) -> Server:
    port = free_port()
    cmd = [shutil.which("nomengraph") or "nomengraph", "serve", "--store", str(store)]
    cmd += ["--port", str(port), "--workers", "2"]
    server = Server("nomengraph", cmd, f"http://127.0.0.1:{port}/sparql")
    wait_ready(f"http://127.0.0.1:{port}/healthz", server.proc)
    return server


def start_ceiling() -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "--keep-alive", "2"]
    cmd += ["-b", f"127.0.0.1:{port}", "bench.ceiling:app"]
    root = Path(__file__).resolve().parent.parent
    server = Server("ceiling", cmd, f"http://127.0.0.1:{port}/sparql", cwd=root)
    wait_ready(server.base, server.proc)
    return server


def start_rdflib(nquads: Path) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "bench.rdflib_peer", str(nquads), str(port)]
    root = Path(__file__).resolve().parent.parent
    server = Server("rdflib-endpoint", cmd, f"http://127.0.0.1:{port}/sparql", cwd=root)
    q = urllib.parse.quote("ASK { ?s ?p ?o }")
    wait_ready(f"{server.base}?query={q}", server.proc, 300)
    return server


VIRTUOSO_INI = "/etc/virtuoso-opensource-7/virtuoso.ini"


def start_virtuoso(nquads: Path, work: Path, threads: int = 32) -> Server:
    """virtuoso-t on a fresh database in ``work``, with ``threads`` HTTP threads, loaded with
    the N-Quads by the bulk loader (ld_dir + rdf_loader_run)."""
    db = work / "virtuoso"
    db.mkdir(parents=True, exist_ok=True)
    data = db / "data"
    data.mkdir(exist_ok=True)
    shutil.copy(nquads, data / "nomengraph.nq")
    sql_port, http_port = free_port(), free_port()
    values = {
        "DatabaseFile": db / "virtuoso.db",
        "ErrorLogFile": db / "virtuoso.log",
        "LockFile": db / "virtuoso.lck",
        "TransactionFile": db / "virtuoso.trx",
        "xa_persistent_file": db / "virtuoso.pxa",
        "MaxCheckpointRemap": 2000,
        "DirsAllowed": f"., {data}",
        "NumberOfBuffers": 170000,
        "MaxDirtyBuffers": 130000,
        "MaxClientConnections": threads,
        "ServerThreads": threads,
        "ResultSetMaxRows": 100000,
    }
    section = ""
    lines = []
    for line in Path(VIRTUOSO_INI).read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        key = stripped.split("=", 1)[0].strip() if "=" in stripped else ""
        if key == "ServerPort" and section in ("[Parameters]", "[HTTPServer]"):
            port = sql_port if section == "[Parameters]" else http_port
            line = f"ServerPort = 127.0.0.1:{port}"
        elif section in ("[Database]", "[TempDatabase]") and key in values:
            name = values[key] if section == "[Database]" else db / f"temp-{key}"
            line = f"{key} = {name}"
        elif key in values and section not in ("[Database]", "[TempDatabase]"):
            line = f"{key} = {values[key]}"
        elif key.startswith("Load") and section == "[Plugins]":
            line = ";" + line
        lines.append(line)
    ini = db / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n")
    cmd = [shutil.which("virtuoso-t") or "virtuoso-t", "+foreground", "+configfile", str(ini)]
    server = Server("virtuoso", cmd, f"http://127.0.0.1:{http_port}/sparql", cwd=db)
    q = urllib.parse.quote("ASK { ?s ?p ?o }")
    deadline = time.monotonic() + 120
    while True:
        ok = subprocess.run(
            ["isql-vt", str(sql_port), "dba", "dba", "exec=status();"],
            capture_output=True,
            timeout=30,
        )
        if ok.returncode == 0:
            break
        if time.monotonic() > deadline or server.proc.poll() is not None:
            server.stop()
            raise RuntimeError("virtuoso did not start")
        time.sleep(1)
    load = (
        f"ld_dir('{data}', 'nomengraph.nq', 'urn:nomengraph:default'); rdf_loader_run(); "
        "checkpoint;"
    )
    subprocess.run(
        ["isql-vt", str(sql_port), "dba", "dba", f"exec={load}"],
        capture_output=True,
        timeout=600,
        check=True,
    )
    wait_ready(f"{server.base}?query={q}", server.proc)
    return server


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNIT[m.group(2)] if m else float("nan")


def run_wrk(url: str, concurrency: int, seconds: float) -> dict:
    cmd = ["wrk", "-t", str(min(concurrency, 2)), "-c", str(concurrency), "-d", f"{seconds:g}s"]
    cmd += ["--latency", "--timeout", "30s", "-H", "Accept: application/sparql-results+json, "]
    cmd[-1] += "text/turtle;q=0.9"
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", out)
    if m:  # read errors are connections closed by the server after a response (sync workers)
        errors += int(m.group(1)) + int(m.group(2)) + int(m.group(3))
    return {
        "requests": total,
        "errors": errors,
        "rps": rps,
        "p50_ms": _wrk_ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": _wrk_ms(p99.group(1)) if p99 else float("nan"),
    }


def run_python(url: str, concurrency: int, seconds: float) -> dict:
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "bench.loadgen", url, str(concurrency), str(seconds)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=root).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_generator(prefer_wrk: bool = True) -> tuple[str, Callable[[str, int, float], dict]]:
    if prefer_wrk and shutil.which("wrk"):
        return "wrk", run_wrk
    return "python (threads + http.client)", run_python


def measure(
    server: Server,
    queries: dict[str, str],
    concurrencies: list[int],
    seconds: float,
    generate: Callable[[str, int, float], dict],
    say: Callable[[str], None],
    repeat: int = 1,
) -> tuple[list[dict], float]:
    """One record per (query, concurrency), aggregated over ``repeat`` load runs (medians,
    spread and the runs themselves: ``bench.aggregate_endpoint``); also the server's peak
    resident MB under load. The runs are made in rounds (every query and concurrency once,
    then again), so that the repeats of one figure are spread over the part's duration."""
    runs: dict[tuple[str, int], list[dict]] = {(q, c): [] for q in queries for c in concurrencies}
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], server.tree_rss_cpu()[0])
            stop.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        urls = {
            q: f"{server.base}?{urllib.parse.urlencode({'query': t})}" for q, t in queries.items()
        }
        for url in urls.values():
            warm = urllib.request.Request(url, headers={"Accept": "*/*"})
            with urllib.request.urlopen(warm, timeout=120) as response:  # warm-up, not counted
                response.read()
        for run in range(1, repeat + 1):
            for qname, url in urls.items():
                for conc in concurrencies:
                    rec = one_run(server, qname, url, conc, seconds, generate)
                    runs[qname, conc].append(rec)
                    say(
                        f"  {server.name:<16}{qname:<10} c={conc:<3} run {run}/{repeat} "
                        f"{rec['rps']:>8.1f} rps  p50 {rec['p50_ms']:.2f} ms  "
                        f"p99 {rec['p99_ms']:.2f} ms  err {rec['errors']}"
                    )
    finally:
        stop.set()
        sampler.join()
    return [aggregate_endpoint(r) for r in runs.values() if r], peak[0]


def one_run(
    server: Server,
    qname: str,
    url: str,
    conc: int,
    seconds: float,
    generate: Callable[[str, int, float], dict],
) -> dict:
    """One load run: its figures and the server's CPU time per request during it."""
    cpu0 = server.tree_rss_cpu()[1]
    r = generate(url, conc, seconds)
    if not r["requests"]:  # no answer within the run: no latency to report
        r.update(p50_ms=float("nan"), p99_ms=float("nan"))
    cpu = server.tree_rss_cpu()[1] - cpu0
    return {
        "server": server.name,
        "query": qname,
        "concurrency": conc,
        "rps": round(r["rps"], 1),
        "p50_ms": round(r["p50_ms"], 2),
        "p99_ms": round(r["p99_ms"], 2),
        "errors": r["errors"],
        "requests": r["requests"],
        "cpu_ms_per_request": round(1000 * cpu / r["requests"], 2) if r["requests"] else None,
    }
