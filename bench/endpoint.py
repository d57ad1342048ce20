"""Endpoint throughput and latency: nomengraph (warm and cold), its peers and the HTTP ceilings,
in the same run.

Every server is a black box on a loopback port. The per-job queries rotate over every job of
the graph (lookup and construct: all jobs of every edition; profile: every job with
requirements), each load run sending the distinct requests in turn, so that an answer cache
sees each request only once per pass. ``nomengraph`` is served as configured by default (its
answer cache on: "warm", requests repeat over the passes); ``nomengraph-cold`` with
``NOMENGRAPH_CACHE_BYTES=0`` (every answer computed). The ``conditional`` pseudo-query is the
lookup rotation sent with ``If-None-Match`` and the ETag of each answer (the 304 path), on
nomengraph only and only when its answers carry an ETag.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import aggregate_endpoint
from bench.loadgen import ACCEPT

ROOT = Path(__file__).resolve().parent.parent
ED = "https://w3id.org/nomengraph/id/cigref-2018"
SCHEME = "https://w3id.org/nomengraph/id/scheme/cigref-2018"
JOB = "https://w3id.org/nomengraph/id/cigref-2018/job/2.1"
PREFIXES = (
    "PREFIX ng: <https://w3id.org/nomengraph/def/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)
CONDITIONAL = "conditional"  # the lookup rotation with If-None-Match: the 304 path
QUERY_NAMES = ("lookup", "profile", "usage", "construct")


def lookup_text(code: str, scheme: str = SCHEME) -> str:
    return (
        PREFIXES + f"SELECT ?job ?title WHERE {{ ?job a ng:Job ; skos:notation {_lit(code)} ; "
        f"skos:inScheme <{scheme}> ; skos:prefLabel ?title }}"
    )


def profile_text(job: str = JOB) -> str:
    return (
        PREFIXES + "SELECT ?code ?min ?max WHERE { "
        f"<{job}> ng:hasRequirement ?r . ?r ng:competence ?c ; ng:minLevel/ng:levelNumber ?min ; "
        "ng:maxLevel/ng:levelNumber ?max . ?c skos:notation ?code } ORDER BY ?code"
    )


USAGE = (
    PREFIXES + "SELECT ?edition ?code (COUNT(DISTINCT ?job) AS ?jobs) "
    "(AVG(?max) AS ?mean) WHERE { ?job skos:inScheme ?edition ; ng:hasRequirement ?r . "
    "?r ng:competence ?c ; ng:maxLevel/ng:levelNumber ?max . ?c skos:notation ?code } "
    "GROUP BY ?edition ?code ORDER BY ?edition DESC(?jobs) ?code"
)


def construct_text(job: str = JOB) -> str:
    return f"CONSTRUCT {{ <{job}> ?p ?o }} WHERE {{ <{job}> ?p ?o }}"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# One text of each query (the job 2.1 of CIGREF 2018): what a rotation is made of.
QUERIES = {
    "lookup": lookup_text("2.1"),
    "profile": profile_text(),
    "usage": USAGE,
    "construct": construct_text(),
}

JOBS_QUERY = PREFIXES + (
    "SELECT ?job ?code ?scheme (COUNT(?r) AS ?requirements) WHERE { ?job a ng:Job ; "
    "skos:notation ?code ; skos:inScheme ?scheme . OPTIONAL { ?job ng:hasRequirement ?r } } "
    "GROUP BY ?job ?code ?scheme ORDER BY ?job ?scheme ?code"
)


def list_jobs(nquads: Path) -> list[dict]:
    """Every job of the exported graph: IRI, notation, scheme and number of requirements
    (read with pyoxigraph from the N-Quads, in memory: no server is involved)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return [
        {
            "job": row["job"].value,
            "code": row["code"].value,
            "scheme": row["scheme"].value,
            "requirements": int(row["requirements"].value),
        }
        for row in store.query(JOBS_QUERY, use_default_graph_as_union=True)
    ]


def query_sets(jobs: list[dict]) -> dict[str, list[str]]:
    """The texts each query rotates over: lookup and construct over every job, profile over
    every job with requirements, usage (an aggregate over the whole graph) alone. Without
    jobs, the single texts of ``QUERIES``."""
    if not jobs:
        return {name: [text] for name, text in QUERIES.items()}
    with_requirements = [j for j in jobs if j["requirements"]] or jobs
    return {
        "lookup": [lookup_text(j["code"], j["scheme"]) for j in jobs],
        "profile": [profile_text(j["job"]) for j in with_requirements],
        "usage": [USAGE],
        "construct": [construct_text(j["job"]) for j in jobs],
    }


# Servers ------------------------------------------------------------------------------------


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
            request = urllib.request.Request(url, headers={"Accept": ACCEPT})
            with urllib.request.urlopen(request, timeout=5) as r:
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

    @property
    def origin(self) -> str:
        """``http://host:port`` of the endpoint."""
        parts = urllib.parse.urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        """The endpoint's path (``/sparql``, ``/query``)."""
        return urllib.parse.urlsplit(self.base).path or "/"

    def alive(self) -> bool:
        return self.proc.poll() is None

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
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
            else:  # the leader is gone: children it left in its group, if any
                os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_nomengraph(
    store: Path, name: str = "nomengraph", env: dict | None = None, workers: int = 4
) -> Server:
    """``nomengraph serve`` as a user starts it (its command line only), with ``env`` added
    (``NOMENGRAPH_CACHE_BYTES=0`` for the cold server)."""
    port = free_port()
    cmd = [shutil.which("nomengraph") or "nomengraph", "serve", "--store", str(store)]
    cmd += ["--port", str(port), "--workers", str(workers)]
    server = Server(name, cmd, f"http://127.0.0.1:{port}/sparql", env=env, cwd=ROOT)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", server.proc)
    except Exception:
        server.stop()
        raise
    return server


def serve_stack(workers: int = 4) -> dict:
    """How ``nomengraph serve --workers N`` serves HTTP: server, interface, server worker
    processes (and granian's threads), read from ``nomengraph.server.run`` when it builds a
    granian server; else gunicorn's options; else the assumed granian ASGI with N workers."""
    try:
        from nomengraph.server import run
        from nomengraph.settings import Settings

        settings = Settings.load(environ={}, workers=workers, port=free_port())
        if hasattr(run, "granian_server"):
            g = run.granian_server(settings)
            interface = getattr(g.interface, "value", g.interface)
            return {
                "server": "granian",
                "interface": str(interface),
                "workers": int(g.workers),
                "http": str(getattr(g.http, "value", g.http)),
                "runtime_threads": int(g.runtime_threads),
                "backlog": int(g.backlog),
                "source": "nomengraph.server.run",
            }
        if hasattr(run, "gunicorn_options"):
            options = run.gunicorn_options(settings)
            return {
                "server": "gunicorn",
                "interface": "wsgi",
                "workers": int(options["workers"]),
                "worker_class": options.get("worker_class"),
                "source": "nomengraph.server.run",
            }
    except Exception:  # the stack is read for information; the bench goes on without it
        pass
    return {"server": "granian", "interface": "asgi", "workers": workers, "source": "assumed"}


def start_ceiling_gunicorn() -> Server:
    """The WSGI fixed-body app under gunicorn, 2 sync workers (the former stack)."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "--keep-alive", "2"]
    cmd += ["-b", f"127.0.0.1:{port}", "bench.ceiling:app"]
    server = Server("ceiling-gunicorn", cmd, f"http://127.0.0.1:{port}/sparql", cwd=ROOT)
    wait_ready(server.base, server.proc)
    return server


CEILING_APPS = {"asgi": "bench.ceiling:asgi_app", "rsgi": "bench.ceiling:rsgi_app"}


def start_ceiling_granian(stack: dict) -> Server:
    """The fixed-body app under granian, with the interface and worker count of
    ``nomengraph serve`` (``stack``, from :func:`serve_stack`; ASGI unless it says RSGI or
    WSGI)."""
    interface = stack.get("interface") if stack.get("server") == "granian" else "asgi"
    interface = interface if interface in ("asgi", "rsgi", "wsgi") else "asgi"
    port = free_port()
    cmd = [sys.executable, "-m", "granian", "--interface", interface]
    cmd += ["--workers", str(stack.get("workers") or 1), "--http", "1", "--no-ws"]
    if stack.get("server") == "granian":
        cmd += ["--runtime-threads", str(stack.get("runtime_threads") or 1)]
        cmd += ["--backlog", str(stack.get("backlog") or 1024)]
    cmd += ["--no-access-log", "--log-level", "warning"]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    cmd.append(CEILING_APPS.get(interface, "bench.ceiling:app"))
    server = Server("ceiling-granian", cmd, f"http://127.0.0.1:{port}/sparql", cwd=ROOT)
    try:
        wait_ready(server.base, server.proc)
    except Exception:
        server.stop()
        raise
    return server


def start_rdflib(nquads: Path) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "bench.rdflib_peer", str(nquads), str(port)]
    server = Server("rdflib-endpoint", cmd, f"http://127.0.0.1:{port}/sparql", cwd=ROOT)
    q = urllib.parse.quote("ASK { ?s ?p ?o }")
    try:
        wait_ready(f"{server.base}?query={q}", server.proc, 300)
    except Exception:
        server.stop()
        raise
    return server


def oxigraph_command() -> str | None:
    """The ``oxigraph`` command (PyPI ``oxigraph``): beside this Python, or on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("oxigraph")


def load_oxigraph(nquads: Path, location: Path) -> None:
    """``oxigraph load`` of the exported N-Quads into a new database at ``location``."""
    command = oxigraph_command()
    if command is None:
        raise RuntimeError("the oxigraph command is not installed (pip install oxigraph)")
    if location.exists():
        shutil.rmtree(location)
    out = subprocess.run(
        [command, "load", "--location", str(location), "--file", str(nquads)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode != 0:
        raise RuntimeError(f"oxigraph load failed: {out.stderr.strip()[-500:]}")


def start_oxigraph(location: Path, timeout_s: float | None = None) -> Server:
    """Oxigraph's own server, read-only, the default graph being the union of the graphs (as
    nomengraph's); with ``--timeout-s`` when ``timeout_s`` is given."""
    command = oxigraph_command()
    if command is None:
        raise RuntimeError("the oxigraph command is not installed (pip install oxigraph)")
    port = free_port()
    cmd = [command, "serve-read-only", "--location", str(location)]
    cmd += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    name = "oxigraph"
    if timeout_s is not None:
        cmd += ["--timeout-s", f"{timeout_s:g}"]
        name = "oxigraph-timeout"
    server = Server(name, cmd, f"http://127.0.0.1:{port}/query")
    q = urllib.parse.quote("ASK { ?s ?p ?o }")
    try:
        wait_ready(f"{server.base}?query={q}", server.proc)
    except Exception:
        server.stop()
        raise
    return server


VIRTUOSO_INI = "/etc/virtuoso-opensource-7/virtuoso.ini"


def start_virtuoso(nquads: Path, work: Path, threads: int = 32) -> Server:
    """virtuoso-t on a fresh database in ``work``, with ``threads`` HTTP threads, loaded with
    the N-Quads by the bulk loader (ld_dir + rdf_loader_run)."""
    db = work / "virtuoso"
    if db.exists():
        shutil.rmtree(db)
    db.mkdir(parents=True)
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
    try:
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
    except Exception:
        server.stop()
        raise
    return server


# Requests -----------------------------------------------------------------------------------


@dataclass
class Target:
    """One request of a rotation: path with query string, and its own headers."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)


def targets(server: Server, texts: list[str]) -> list[Target]:
    return [Target(f"{server.path}?{urllib.parse.urlencode({'query': t})}") for t in texts]


def answer_rows(body: bytes, content_type: str) -> int | None:
    """Rows of a SPARQL JSON answer (1 for a boolean), or triples of an RDF answer; None when
    the answer cannot be read."""
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        if "json" in media and "ld" not in media:
            data = json.loads(body)
            if "boolean" in data:
                return 1
            return len(data["results"]["bindings"])
        import pyoxigraph as ox

        fmt = ox.RdfFormat.from_media_type(media)
        if fmt is None:
            return None
        return sum(1 for _ in ox.parse(body, format=fmt))
    except Exception:
        return None


@dataclass
class Pass:
    """What a pass over a rotation saw: answer rows or triples (None when some answer could
    not be read), requests that failed, their statuses, and each answer's ETag."""

    rows: int | None = 0
    failed: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    etags: list[str | None] = field(default_factory=list)


def one_pass(server: Server, requests: list[Target], timeout: float = 120) -> Pass:
    """Send each request once, in turn, on a keep-alive connection (reopened when the server
    closes it): the warm-up before the load runs (not counted), which also checks the answers
    and collects their ETags."""
    parts = urllib.parse.urlsplit(server.base)
    seen = Pass()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        for req in requests:
            try:
                conn.request("GET", req.path, headers={"Accept": ACCEPT, **req.headers})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                seen.failed += 1
                seen.etags.append(None)
                continue
            seen.statuses[response.status] = seen.statuses.get(response.status, 0) + 1
            seen.etags.append(response.getheader("ETag"))
            if response.status >= 400:
                seen.failed += 1
            elif response.status == 200:
                rows = answer_rows(body, response.getheader("Content-Type") or "")
                seen.rows = None if rows is None or seen.rows is None else seen.rows + rows
            if response.will_close:
                conn.close()
    finally:
        conn.close()
    return seen


# Load generators ----------------------------------------------------------------------------

_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNIT[m.group(2)] if m else float("nan")


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def wrk_script(requests: list[Target]) -> str:
    """A wrk Lua script that rotates over ``requests`` (formatted once, in ``init``), each
    thread starting at its own place in the list, and prints the count of each status."""
    lines = ["local paths = {"]
    lines += [f"  {_lua(r.path)}," for r in requests]
    lines += ["}", "local headers = {"]
    for r in requests:
        pairs = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in r.headers.items())
        lines.append(f"  {{{pairs}}},")
    lines += [
        "}",
        "local threads = {}",
        "function setup(thread)",
        "  thread:set('offset', #threads)",
        "  table.insert(threads, thread)",
        "end",
        "local formatted = {}",
        "local i = 0",
        "statuses = {}",
        "function init(args)",
        "  for k = 1, #paths do",
        "    local h = {}",  # wrk.format takes these headers instead of wrk's own (-H): merge
        "    for name, value in pairs(wrk.headers) do h[name] = value end",
        "    for name, value in pairs(headers[k]) do h[name] = value end",
        "    formatted[k] = wrk.format('GET', paths[k], h)",
        "  end",
        "  i = ((offset or 0) * math.floor(#formatted / 2)) % #formatted",
        "end",
        "function request()",
        "  i = i % #formatted + 1",
        "  return formatted[i]",
        "end",
        "function response(status, headers, body)",
        "  statuses[status] = (statuses[status] or 0) + 1",
        "end",
        "function done(summary, latency, requests)",
        "  local total = {}",
        "  for _, thread in ipairs(threads) do",
        "    for code, n in pairs(thread:get('statuses') or {}) do",
        "      total[code] = (total[code] or 0) + n",
        "    end",
        "  end",
        "  local parts = {}",
        "  for code, n in pairs(total) do table.insert(parts, code .. '=' .. n) end",
        "  io.write('statuses: ' .. table.concat(parts, ' ') .. '\\n')",
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_wrk(origin: str, requests: list[Target], concurrency: int, seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(wrk_script(requests))
        script = f.name
    try:
        threads = str(min(concurrency, 2))
        duration = f"{max(1, round(seconds))}s"  # wrk takes whole seconds
        cmd = ["wrk", "-t", threads, "-c", str(concurrency), "-d", duration, "--latency"]
        cmd += ["--timeout", "30s", "-H", f"Accept: {ACCEPT}", "-s", script, origin + "/"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script)
    return parse_wrk(out)


def parse_wrk(out: str) -> dict:
    """wrk's report as figures. ``errors``: non-2xx/3xx answers and connect, write and
    timeout socket errors; ``read_errors`` apart (a connection the server closed, after an
    answer or not); ``ok``: answers with a 2xx or 3xx status."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    status_errors = errors = read_errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        status_errors = int(m.group(1))
        errors += status_errors
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += int(m.group(1)) + int(m.group(3)) + int(m.group(4))
        read_errors = int(m.group(2))
    statuses: dict[str, int] = {}
    m = re.search(r"^statuses:(.*)$", out, re.M)
    if m:
        for pair in m.group(1).split():
            code, _, n = pair.partition("=")
            statuses[code] = statuses.get(code, 0) + int(n)
    return {
        "requests": total,
        "errors": errors,
        "read_errors": read_errors,
        "statuses": dict(sorted(statuses.items())),
        "ok": max(0, total - status_errors),
        "rps": rps,
        "p50_ms": _wrk_ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": _wrk_ms(p99.group(1)) if p99 else float("nan"),
    }


def run_python(origin: str, requests: list[Target], concurrency: int, seconds: float) -> dict:
    spec = {"url": origin, "requests": [{"path": r.path, "headers": r.headers} for r in requests]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
        name = f.name
    try:
        cmd = [sys.executable, "-m", "bench.loadgen", name, str(concurrency), str(seconds)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    finally:
        os.unlink(name)
    r = json.loads(out.strip().splitlines()[-1])
    r["ok"] = sum(n for status, n in r.get("statuses", {}).items() if int(status) < 400)
    r["read_errors"] = 0
    return r


Generator = Callable[[str, list[Target], int, float], dict]


def load_generator(prefer_wrk: bool = True) -> tuple[str, Generator]:
    if prefer_wrk and shutil.which("wrk"):
        return "wrk", run_wrk
    return "python (threads + http.client)", run_python


# Measuring ----------------------------------------------------------------------------------


def measure(
    start: Callable[[], Server],
    texts: dict[str, list[str]],
    concurrencies: list[int],
    seconds: float,
    generate: Generator,
    say: Callable[[str], None],
    repeat: int = 1,
    conditional: bool = False,
) -> tuple[list[dict], float, list[str]]:
    """Start a server with ``start`` and measure it: one record per (query, concurrency),
    aggregated over ``repeat`` load runs (medians, spread and the runs themselves:
    ``bench.aggregate_endpoint``); also the server's peak resident MB under load and notes.

    Before the runs, one pass over every rotation (not counted) warms the server, counts the
    answer rows and, with ``conditional``, collects the ETags for the ``conditional`` runs.
    The runs are made in rounds (every query and concurrency once, then again), so that the
    repeats of one figure are spread over the part's duration. A server whose process exits
    during a run has that run counted as a crash and is started again for the next run."""
    server = start()
    name = server.name
    current = [server]
    notes: list[str] = []
    runs: dict[tuple[str, int], list[dict]] = {}
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], current[0].tree_rss_cpu()[0])
            stop.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        info: dict[str, dict] = {}
        for qname, qtexts in texts.items():
            seen = one_pass(server, targets(server, qtexts))
            info[qname] = {"targets": len(qtexts), "rows": seen.rows}
            if seen.failed:
                notes.append(
                    f"{name}: {seen.failed} of {len(qtexts)} {qname} requests failed before "
                    f"the runs (statuses {dict(sorted(seen.statuses.items()))})"
                )
            if conditional and qname == "lookup":
                info[CONDITIONAL] = conditional_info(server, qtexts, seen, notes)
        order = [q for q in texts]
        if CONDITIONAL in info and info[CONDITIONAL].get("headers"):
            order.append(CONDITIONAL)
        for q in order:
            for c in concurrencies:
                runs[q, c] = []
        last: dict | None = None  # the record of the previous run

        def running() -> bool:
            """Whether the server is up, started again if it exited since the last check (a
            crash of the previous run, in what it left queued); False if it does not start."""
            if current[0].alive():
                return True
            if last is not None:
                last["crashes"] += 1
            else:
                notes.append(f"{name}: exited before the runs (during the warm-up)")
            current[0] = restart(start, current[0], notes)
            return current[0] is not None

        for run in range(1, repeat + 1):
            for qname in order:
                for conc in concurrencies:
                    if not running():
                        return _records(runs), peak[0], notes
                    settle(current[0], rotation(current[0], texts, qname, info)[0])
                    if not running():
                        return _records(runs), peak[0], notes
                    requests = rotation(current[0], texts, qname, info)  # its port may be new
                    rec = one_run(current[0], qname, requests, conc, seconds, generate)
                    rec.update({k: v for k, v in info[qname].items() if k != "headers"})
                    runs[qname, conc].append(rec)
                    last = rec
                    say(
                        f"  {name:<17}{qname:<12} c={conc:<3} run {run}/{repeat} "
                        f"{rec['ok_rps']:>8.1f} ok/s  p50 {rec['p50_ms']:.2f} ms  "
                        f"p99 {rec['p99_ms']:.2f} ms  err {rec['errors']}"
                        + (" CRASHED" if rec["crashes"] else "")
                    )
                    if rec["crashes"]:
                        current[0] = restart(start, current[0], notes)
                        if current[0] is None:
                            return _records(runs), peak[0], notes
    finally:
        stop.set()
        sampler.join()
        if current[0] is not None:
            current[0].stop()
    return _records(runs), peak[0], notes


def _records(runs: dict[tuple[str, int], list[dict]]) -> list[dict]:
    return [aggregate_endpoint(r) for r in runs.values() if r]


def restart(start: Callable[[], Server], dead: Server, notes: list[str]) -> Server | None:
    """A new process of a server that exited (None, with a note, when it does not start)."""
    dead.stop()
    try:
        return start()
    except Exception as exc:
        notes.append(f"{dead.name}: not restarted after it exited: {exc}")
        return None


def settle(server: Server, request: Target, seconds: float = 60) -> None:
    """Wait (at most ``seconds``) until the server answers one request: a server still working
    through the backlog of the previous run (requests left queued when the load generator
    stopped) would otherwise be measured on it."""
    try:
        one_pass(server, [request], timeout=seconds)
    except Exception:  # a server that does not answer is measured as it is
        pass


def conditional_info(server: Server, texts: list[str], seen: Pass, notes: list[str]) -> dict:
    """The ``conditional`` rotation: the lookup requests with ``If-None-Match`` and the ETag
    each one was answered with, and the status a conditional request gets (304 expected).
    Without ETags on the answers: no headers, and a note."""
    if not seen.etags or not all(seen.etags):
        notes.append(f"{server.name}: answers carry no ETag: conditional requests not measured")
        return {"targets": len(texts), "rows": None}
    headers = [{"If-None-Match": etag} for etag in seen.etags]
    probe = [Target(t.path, h) for t, h in zip(targets(server, texts), headers, strict=True)]
    check = one_pass(server, probe[:1])
    status = next(iter(check.statuses), None)
    if status != 304:
        notes.append(f"{server.name}: a request with If-None-Match got {status}, not 304")
    return {"targets": len(texts), "rows": None, "status": status, "headers": headers}


def rotation(server: Server, texts: dict[str, list[str]], qname: str, info: dict) -> list[Target]:
    if qname == CONDITIONAL:
        plain = targets(server, texts["lookup"])
        return [Target(t.path, h) for t, h in zip(plain, info[qname]["headers"], strict=True)]
    return targets(server, texts[qname])


def one_run(
    server: Server,
    qname: str,
    requests: list[Target],
    conc: int,
    seconds: float,
    generate: Generator,
) -> dict:
    """One load run: its figures, the server's CPU time per request during it, and whether
    the server's process exited during it."""
    cpu0 = server.tree_rss_cpu()[1]
    r = generate(server.origin, requests, conc, seconds)
    if not r["requests"]:  # no answer within the run: no latency to report
        r.update(p50_ms=float("nan"), p99_ms=float("nan"))
    cpu = server.tree_rss_cpu()[1] - cpu0
    elapsed = r["requests"] / r["rps"] if r["rps"] else seconds
    return {
        "server": server.name,
        "query": qname,
        "concurrency": conc,
        "rps": round(r["rps"], 1),
        "ok_rps": round(r["ok"] / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(r["p50_ms"], 2),
        "p99_ms": round(r["p99_ms"], 2),
        "errors": r["errors"],
        "read_errors": r.get("read_errors", 0),
        "statuses": r.get("statuses") or {},
        "requests": r["requests"],
        "crashes": 0 if server.alive() else 1,
        "cpu_ms_per_request": round(1000 * cpu / r["requests"], 2) if r["requests"] else None,
    }
