"""``python -m bench``: run the benchmark parts, write the JSON record and the Markdown report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import ESCO_SHARED, RESULTS, ROOT, aggregate, default_cards, spread

PARTS = ("endpoint", "build", "scale", "validation", "memory", "search")
# Run only when asked for (--parts linking): minutes, and it needs the shared ESCO/ROME/MELO data
OPTIONAL_PARTS = ("linking",)
SERVERS = (
    "nomengraph",
    "nomengraph-cold",
    "oxigraph",
    "oxigraph-timeout",
    "virtuoso",
    "rdflib-endpoint",
    "ceiling-granian",
    "ceiling-gunicorn",
)
# Names that stand for several servers in --servers.
ALIASES = {"ceiling": ("ceiling-granian", "ceiling-gunicorn")}
QUERY_CHOICES = ("lookup", "profile", "usage", "construct", "conditional")
NOMENGRAPH_WORKERS = 4  # nomengraph serve --workers: query worker processes (the default)
OXIGRAPH_TIMEOUT_S = 10.0  # oxigraph serve-read-only --timeout-s, for oxigraph-timeout
# Counts the same in every run of a measurement: kept as they are, not as medians.
COUNTS = ("triples", "stored", "jobs")


def say(message: str) -> None:
    print(message, flush=True)


def finite(value: Any) -> Any:
    """The record with NaN and infinities as null (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def repeats(args: argparse.Namespace, size: float) -> int:
    """How many times a measurement of this size is made: ``--repeat``, or once above
    ``--repeat-max-factor`` (the large synthetic sets)."""
    return args.repeat if size <= args.repeat_max_factor else 1


def spread_text(values: list, digits: int = 1) -> str:
    """``min–max`` of the runs for the progress lines; empty for a single run."""
    low, high = spread(values or [])
    if low is None or len(values) < 2:
        return ""
    return f" ({low:.{digits}f}–{high:.{digits}f})"


def task(name: str, **args) -> dict:
    """Run one measurement of bench.tasks in a child process of its own."""
    cmd = [sys.executable, "-m", "bench.tasks", name, json.dumps(args, default=str)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"task {name} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def growth_exponent(sizes: list[float], seconds: list[float]) -> float | None:
    """Slope of the least-squares line through (log size, log seconds)."""
    points = [(math.log(s), math.log(t)) for s, t in zip(sizes, seconds, strict=True) if t > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx, 2)


def server_names(names: list[str]) -> list[str]:
    """The servers named in --servers, aliases expanded, in the order of SERVERS."""
    wanted = {n for name in names for n in ALIASES.get(name, (name,))}
    unknown = wanted - set(SERVERS)
    if unknown:
        raise SystemExit(f"unknown servers: {', '.join(sorted(unknown))}")
    return [s for s in SERVERS if s in wanted]


def _pip_install(*requirements: str) -> None:
    say(f"setup: pip install {' '.join(requirements)}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *requirements], check=False)


def ensure_peers(servers: list[str]) -> list[str]:
    """The bench's own setup step: install the optional Python peers; list what is missing."""
    from bench.endpoint import oxigraph_command

    notes = []
    if "rdflib-endpoint" in servers:
        try:
            import rdflib_endpoint  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError:
            _pip_install("rdflib-endpoint", "uvicorn")
    if {"oxigraph", "oxigraph-timeout"} & set(servers) and oxigraph_command() is None:
        _pip_install("oxigraph>=0.5,<0.6")  # the bench extra's pin
    if "ceiling-granian" in servers:
        try:
            import granian  # noqa: F401
        except ImportError:
            _pip_install("granian")
    if "ceiling-gunicorn" in servers:
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            _pip_install("gunicorn")
    if "virtuoso" in servers and not shutil.which("virtuoso-t"):
        notes.append(
            "virtuoso skipped: virtuoso-t is not installed (apt-get install -y virtuoso-opensource)"
        )
    return notes


# Parts ----------------------------------------------------------------------------------------


def part_endpoint(args: argparse.Namespace, work: Path, out: dict) -> None:
    from bench import endpoint as ep
    from bench.report import goal_lines

    servers = server_names(args.servers)
    out["notes"] += ensure_peers(servers)
    gen_name, generate = ep.load_generator(not args.python_client)
    out["load_generator"] = gen_name
    stack = ep.serve_stack(NOMENGRAPH_WORKERS)
    out["endpoint_stack"] = stack
    say(
        f"endpoint: load generator {gen_name}, {args.duration:g} s per run, "
        f"{args.repeat} run(s) of each figure; nomengraph serve: {stack['server']} "
        f"({stack['interface']}, {stack['workers']} server process(es))"
    )
    queries = [q for q in args.queries if q in ep.QUERY_NAMES]
    conditional = ep.CONDITIONAL in args.queries
    if conditional and "lookup" not in queries:
        queries.append("lookup")  # the conditional requests are the lookup rotation's
    store = dist = None
    jobs: list[dict] = []
    if any(not s.startswith("ceiling") for s in servers):
        store, dist = work / "store", work / "dist"
        say("endpoint: building the store (nomengraph build)")
        subprocess.run(
            [
                "nomengraph",
                "build",
                "--cards",
                str(args.cards),
                "--store",
                str(store),
                "--out",
                str(dist),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        jobs = ep.list_jobs(dist / "nomengraph.nq")
    texts_all = ep.query_sets(jobs)
    texts = {q: texts_all[q] for q in ep.QUERY_NAMES if q in queries}
    out["endpoint_rotation"] = {q: len(v) for q, v in texts.items()}
    say(
        "endpoint: distinct requests per query: "
        + ", ".join(f"{q} {len(v)}" for q, v in texts.items())
    )
    oxigraph_db = work / "oxigraph"
    oxigraph_loaded: list[bool] = []

    def oxigraph(timeout_s: float | None) -> ep.Server:
        if not oxigraph_loaded:
            ep.load_oxigraph(dist / "nomengraph.nq", oxigraph_db)
            oxigraph_loaded.append(True)
        return ep.start_oxigraph(oxigraph_db, timeout_s)

    starters = {
        "nomengraph": lambda: ep.start_nomengraph(store, workers=NOMENGRAPH_WORKERS),
        "nomengraph-cold": lambda: ep.start_nomengraph(
            store,
            name="nomengraph-cold",
            env={"NOMENGRAPH_CACHE_BYTES": "0"},
            workers=NOMENGRAPH_WORKERS,
        ),
        "oxigraph": lambda: oxigraph(None),
        "oxigraph-timeout": lambda: oxigraph(OXIGRAPH_TIMEOUT_S),
        "virtuoso": lambda: ep.start_virtuoso(dist / "nomengraph.nq", work),
        "rdflib-endpoint": lambda: ep.start_rdflib(dist / "nomengraph.nq"),
        "ceiling-granian": lambda: ep.start_ceiling_granian(stack),
        "ceiling-gunicorn": ep.start_ceiling_gunicorn,
    }
    for name in servers:
        if name == "virtuoso" and not shutil.which("virtuoso-t"):
            continue
        if name == "rdflib-endpoint":
            try:
                import rdflib_endpoint  # noqa: F401
            except ImportError:
                out["notes"].append("rdflib-endpoint skipped: not installable here")
                continue
        ceiling = name.startswith("ceiling")
        # a ceiling answers anything with its fixed body: measured once, on the lookup requests
        qs = {"fixed": texts_all["lookup"]} if ceiling else texts
        try:
            records, peak, notes = ep.measure(
                starters[name],
                qs,
                args.concurrency,
                args.duration,
                generate,
                say,
                args.repeat,
                conditional=conditional and name.startswith("nomengraph"),
            )
        except Exception as exc:  # a peer that cannot start is skipped, and said so
            out["notes"].append(f"{name} skipped: {exc}")
            say(f"endpoint: {name} skipped: {exc}")
            continue
        if ceiling:  # the same fixed answer stands for every query
            records = [dict(r, query=q) for r in records for q in texts]
        out["endpoint"] += records
        out["notes"] += notes
        for note in notes:
            say(f"endpoint: {note}")
        out["memory"].append({"what": f"server under load: {name}", "peak_rss_mb": peak})
    for line in goal_lines(out):
        say(f"goal: {line}")


def part_build(args: argparse.Namespace, work: Path, out: dict) -> None:
    from bench.synth import make_cards

    rows = []
    sources = ROOT / "sources"
    ext = aggregate(
        [
            task("extract", sources=sources, corrections=sources / "corrections.yaml")
            for _ in range(repeats(args, 1))
        ],
        digits=3,
    )
    say(f"build: extract (real sources) {ext['seconds']:.1f} s{spread_text(ext['seconds_runs'])}")
    for factor in args.factors:
        cards = args.cards
        if factor > 1:
            cards = work / f"cards-x{factor}"
            make_cards(args.cards, cards, factor)
        validate = factor <= args.max_validate_factor
        r = aggregate(
            [task("build", cards=cards, validate=validate) for _ in range(repeats(args, factor))],
            constant=COUNTS,
            digits=3,
        )
        jobs = sum(
            1 for p in Path(cards).glob("*/*.yaml") if p.parent.name not in ("ecf", "matrix")
        )
        row = {
            "factor": factor,
            "jobs": jobs,
            "triples": r["triples"],
            "runs": r["runs"],
            "extract": ext["seconds"] if factor == 1 else None,
            "extract_runs": ext["seconds_runs"] if factor == 1 else None,
            "validate": None,
            "validate_runs": None,
        }
        row.update((k, v) for k, v in r.items() if k not in ("triples", "runs"))
        rows.append(row)
        say(
            f"build: x{factor} {jobs} jobs {r['triples']:,} triples, {r['runs']} run(s): "
            f"convert {r['convert']:.1f} s{spread_text(r['convert_runs'])} "
            f"validate {row['validate'] or 0:.1f} s{spread_text(row['validate_runs'])} "
            f"load {r['load']:.2f} s{spread_text(r['load_runs'], 2)} "
            f"peak {r['peak_rss_mb']:.0f} MB"
        )
        out["memory"].append(
            {
                "what": f"build x{factor}",
                "peak_rss_mb": r["peak_rss_mb"],
                "peak_rss_mb_runs": r["peak_rss_mb_runs"],
            }
        )
    exps = {}
    for stage in ("convert", "validate", "load"):  # on the medians
        pts = [(r["triples"], r[stage]) for r in rows if r[stage]]
        exps[stage] = growth_exponent([p[0] for p in pts], [p[1] for p in pts])
    out["build"] = {"runs": rows, "growth_exponent": exps}


def part_scale(args: argparse.Namespace, work: Path, out: dict) -> None:
    esco = ESCO_SHARED
    shared = (esco / "v1.2.0_en").is_dir()
    if shared:
        note = "full ESCO v1.2.0 export, English (../shared/vocab/esco)"
    else:
        esco = ROOT / "tests/fixtures/esco/v1.2.0"
        note = (
            "../shared/vocab/esco not present: ran on the test fixture "
            "(tests/fixtures/esco/v1.2.0), not representative of scale"
        )
        say(f"scale: {note}")
    nt = work / "esco.nt"
    ours_runs, ceiling_runs = [], []
    for _ in range(args.repeat):  # alternated, so that both see the same machine
        ours_runs.append(task("scale_import", esco=esco, shared=shared, nt=nt))
        ceiling_runs.append(task("scale_ceiling", nt=nt))
    ours = aggregate(ours_runs, constant=COUNTS, digits=3)
    ceiling = aggregate(ceiling_runs, constant=COUNTS, digits=3)
    for r in (ours, ceiling):
        r["triples_per_s"] = round(r["triples"] / r["seconds"], 1)
        r["triples_per_s_runs"] = [round(r["triples"] / t, 1) for t in r["seconds_runs"]]
    out["scale"] = [
        {"what": "nomengraph import_esco + store", "input": note, **ours},
        {"what": "pyoxigraph bulk_load of the N-Triples (ceiling)", "input": note, **ceiling},
    ]
    say(
        f"scale: nomengraph {ours['triples']:,} triples in {ours['seconds']:.1f} s "
        f"{spread_text(ours['seconds_runs'])} (import {ours['import_seconds']:.1f} s), "
        f"peak {ours['peak_rss_mb']:.0f} MB; bulk_load {ceiling['seconds']:.1f} s"
        f"{spread_text(ceiling['seconds_runs'])}, peak {ceiling['peak_rss_mb']:.0f} MB"
    )
    out["memory"].append(
        {
            "what": "ESCO import + store",
            "peak_rss_mb": ours["peak_rss_mb"],
            "peak_rss_mb_runs": ours["peak_rss_mb_runs"],
        }
    )


def agrees(run: dict) -> bool | None:
    """Whether the Rust engine gave pyshacl's conformance, result counts and (when compared)
    the same results one by one (None: not run)."""
    if "shacl_rs_conforms" not in run:
        return None
    same_counts = run["shacl_rs_conforms"] == run["pyshacl_conforms"] and all(
        run.get("shacl_rs_results", {}).get(k, 0) == v for k, v in run["pyshacl_results"].items()
    )
    # result by result (severity, focus node, shape), when the run compared them
    return same_counts and not run.get("only_pyshacl") and not run.get("only_shacl_rs")


def turbo_agrees(run: dict) -> bool | None:
    """Whether the default engine (pyshacl-turbo) gave the reference pyshacl's conformance,
    result counts and the same results one by one (severity, focus node, path, value, shape);
    None: not run."""
    if "turbo_conforms" not in run:
        return None
    return (
        run["turbo_conforms"] == run["pyshacl_conforms"]
        and run.get("turbo_results") == run["pyshacl_results"]
        and not run.get("turbo_only_pyshacl")
        and not run.get("turbo_only_turbo")
    )


def part_validation(args: argparse.Namespace, work: Path, out: dict) -> None:
    try:
        import shacl  # noqa: F401
    except ImportError:
        say("setup: pip install shacl (the Rust SHACL engine, the validation peer)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "shacl"], check=False)
    rows = []
    for size in args.validation_sizes:
        kw = {"factor": int(size)} if size >= 1 else {"fraction": size}
        runs = [task("validation", cards=args.cards, **kw) for _ in range(repeats(args, size))]
        r = aggregate(runs, constant=COUNTS, digits=3)
        r["size"] = size
        verdicts = [agrees(run) for run in runs]
        r["agree"] = None if None in verdicts else all(verdicts)
        verdicts = [turbo_agrees(run) for run in runs]
        r["turbo_agree"] = None if None in verdicts else all(verdicts)
        rows.append(r)
        if "turbo_seconds" in r:
            say(
                f"validation: x{size} {r['triples']:,} triples, {r['runs']} run(s): turbo cold "
                f"{r['turbo_cold_seconds']:.2f} s{spread_text(r['turbo_cold_seconds_runs'], 2)} "
                f"warm {r['turbo_seconds']:.2f} s{spread_text(r['turbo_seconds_runs'], 2)} "
                f"{r['turbo_results']}, same results as pyshacl: {r['turbo_agree']}"
            )
        say(
            f"validation: x{size} {r['triples']:,} triples, {r['runs']} run(s): pyshacl "
            f"{r['pyshacl_seconds']:.1f} s{spread_text(r['pyshacl_seconds_runs'])} "
            f"{r['pyshacl_results']}; shacl (rust) "
            f"{r.get('shacl_rs_seconds') or float('nan'):.2f} s"
            f"{spread_text(r.get('shacl_rs_seconds_runs') or [], 2)} "
            f"{r.get('shacl_rs_results', r.get('shacl_rs'))}"
        )
    out["validation"] = {
        "runs": rows,
        "pyshacl_growth_exponent": growth_exponent(  # on the medians
            [r["triples"] for r in rows], [r["pyshacl_seconds"] for r in rows]
        ),
    }
    if all("turbo_seconds" in r for r in rows):
        out["validation"]["turbo_growth_exponent"] = growth_exponent(  # warm, on the medians
            [r["triples"] for r in rows], [r["turbo_seconds"] for r in rows]
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="a short run (a few minutes)")
    p.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="comma-separated: " + ",".join(PARTS + OPTIONAL_PARTS) + " (linking: only if named)",
    )
    p.add_argument("--duration", type=float, help="seconds per load run (default 5, quick 1)")
    p.add_argument(
        "--servers",
        default=",".join(SERVERS),
        help="endpoint servers to measure (ceiling: both ceilings); default: all of them",
    )
    p.add_argument(
        "--queries",
        default=",".join(QUERY_CHOICES),
        help="endpoint queries; conditional: the lookups with If-None-Match (nomengraph)",
    )
    p.add_argument("--concurrency", default=None, help="connections (default 1,4,16)")
    p.add_argument("--python-client", action="store_true", help="do not use wrk even if installed")
    p.add_argument("--factors", default=None, help="synthetic sizes of the build, e.g. 1,10,100")
    p.add_argument("--max-validate-factor", type=int, default=None)
    p.add_argument("--validation-sizes", default=None, help="e.g. 0.25,0.5,1,2")
    p.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs of each measurement; records keep the median and the runs (default 3, quick 1)",
    )
    p.add_argument(
        "--repeat-max-factor",
        type=float,
        default=10,
        help="build and validation sizes above this factor run once (default 10)",
    )
    p.add_argument("--cards", type=Path, default=None, help="default: the reference cards")
    p.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    p.add_argument(
        "--report",
        type=Path,
        default=None,
        help="also write the Markdown report and plots (docs/benchmarks.md)",
    )
    args = p.parse_args(argv)
    q = args.quick
    args.parts = [x for x in args.parts.split(",") if x]
    unknown = set(args.parts) - set(PARTS) - set(OPTIONAL_PARTS)
    if unknown:
        p.error(f"unknown parts: {', '.join(sorted(unknown))}")
    args.duration = args.duration or (1.0 if q else 5.0)
    if args.repeat is None:
        args.repeat = 1 if q else 3
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    args.servers = [s for s in args.servers.split(",") if s]
    try:
        server_names(args.servers)
    except SystemExit as exc:
        p.error(str(exc))
    args.queries = [x for x in args.queries.split(",") if x]
    if set(args.queries) - set(QUERY_CHOICES):
        p.error(f"unknown queries: {', '.join(sorted(set(args.queries) - set(QUERY_CHOICES)))}")
    # up to 16 connections in a quick run too: the errors goal is "0 errors up to 16"
    args.concurrency = [int(c) for c in (args.concurrency or "1,4,16").split(",")]
    args.cards = args.cards or default_cards()
    args.factors = [int(f) for f in (args.factors or ("1,4" if q else "1,10,100")).split(",")]
    if args.max_validate_factor is None:
        args.max_validate_factor = 1 if q else 2
    args.validation_sizes = [
        float(s) for s in (args.validation_sizes or ("0.5,1" if q else "0.25,0.5,1,2")).split(",")
    ]
    out: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "mode": "quick" if q else "full",
        "duration_s": args.duration,
        "repeat": args.repeat,
        "repeat_max_factor": args.repeat_max_factor,
        "parts": args.parts,
        "notes": [],
        "endpoint": [],
        "build": None,
        "scale": None,
        "validation": None,
        "memory": [],
        "search": None,
    }
    from bench.linking import part_linking
    from bench.search import part_search

    runners = {
        "linking": part_linking,
        "search": part_search,
        "endpoint": part_endpoint,
        "build": part_build,
        "scale": part_scale,
        "validation": part_validation,
    }
    with tempfile.TemporaryDirectory(prefix="nomengraph-bench-") as tmp:
        for part in args.parts:
            if part == "memory":
                continue  # measured by the other parts (peak RSS of each child and server)
            runners[part](args, Path(tmp), out)
    if "memory" in args.parts and not out["memory"]:
        out["notes"].append("memory: run it with endpoint, build or scale (it is measured there)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(finite(out), indent=1, default=str) + "\n", encoding="utf-8")
    say(f"results written to {args.out}")
    if args.report:
        from bench.report import write_report

        write_report(finite(out), args.report, figures=args.out.parent)
        say(f"report written to {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
