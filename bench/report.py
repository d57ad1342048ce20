"""The Markdown report (``docs/benchmarks.md``) and plots, from a results record.

Only the part between the ``bench:begin`` and ``bench:end`` markers is rewritten; the analysis
written around it by hand is kept.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench import RESULTS

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PEERS = ("rdflib-endpoint", "virtuoso", "ceiling")


def _f(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows
    ]
    return lines + [""]


def endpoint_section(data: dict) -> list[str]:
    recs = data.get("endpoint") or []
    if not recs:
        return []
    servers = [s for s in ("nomengraph", *PEERS) if any(r["server"] == s for r in recs)]
    by = {(r["server"], r["query"], r["concurrency"]): r for r in recs}
    keys = sorted(
        {(r["query"], r["concurrency"]) for r in recs},
        key=lambda k: (list(dict.fromkeys(r["query"] for r in recs)).index(k[0]), k[1]),
    )
    lines = [
        f"### Endpoint (load generator: {data.get('load_generator', '?')}, "
        f"{data.get('duration_s')} s per run)",
        "",
        "Requests/s (p50 / p99 ms); errors are all 0 unless shown.",
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
            cell = f"{_f(r['rps'])} ({_f(r['p50_ms'], 2)} / {_f(r['p99_ms'], 2)})"
            if r["errors"]:
                cell += f" **{r['errors']} err**"
            row.append(cell)
        rows.append(row)
    lines += _table(["query", "conc.", *servers], rows)
    ratio_rows = []
    for q, c in keys:
        ours = by.get(("nomengraph", q, c))
        row = [q, str(c)]
        for s in servers[1:]:
            peer = by.get((s, q, c))
            ok = ours and peer and peer["rps"]
            row.append(f"{ours['rps'] / peer['rps']:.2f}" if ok else "–")
        ratio_rows.append(row)
    if len(servers) > 1:
        lines += ["Throughput ratio nomengraph / peer (above 1: nomengraph is faster):", ""]
        lines += _table(["query", "conc.", *servers[1:]], ratio_rows)
    cpu = [
        [r["server"], r["query"], str(r["concurrency"]), r.get("cpu_ms_per_request")]
        for r in recs
        if r["concurrency"] == max(c for _, c in keys)
    ]
    lines += ["Server CPU per request (ms, all its processes) at the highest concurrency:", ""]
    lines += _table(["server", "query", "conc.", "CPU ms/request"], cpu)
    return lines


def build_section(data: dict) -> list[str]:
    b = data.get("build")
    if not b:
        return []
    rows = [
        [
            f"x{r['factor']}",
            r["jobs"],
            r["triples"],
            r["extract"],
            r["convert"],
            r["validate"],
            r["load"],
            r["peak_rss_mb"],
        ]
        for r in b["runs"]
    ]
    lines = ["### Build pipeline (seconds per stage)", ""]
    lines += _table(
        ["size", "jobs", "triples", "extract", "convert", "validate", "load", "peak RSS MB"], rows
    )
    exps = ", ".join(f"{k} {_f(v, 2)}" for k, v in b["growth_exponent"].items())
    lines += [
        f"Growth exponent (slope of log time on log triples; 1 = linear): {exps}.",
        "",
        "Extract reads the real sources only (synthetic sets have no source texts).",
        "",
    ]
    return lines


def scale_section(data: dict) -> list[str]:
    s = data.get("scale")
    if not s:
        return []
    rows = [
        [r["what"], r["triples"], r["seconds"], r["triples_per_s"], r["peak_rss_mb"]] for r in s
    ]
    lines = ["### Bulk scale: ESCO into the store", "", f"Input: {s[0]['input']}.", ""]
    lines += _table(["what", "triples", "seconds", "triples/s", "peak RSS MB"], rows)
    ours, ceiling = s[0], s[1]
    lines += [
        f"nomengraph takes {ours['seconds'] / ceiling['seconds']:.1f}× the time of the "
        f"ceiling (of which CSV import {ours['import_seconds']:.1f} s, store "
        f"{ours['load_seconds']:.1f} s).",
        "",
    ]
    return lines


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
                r["triples"],
                r["pyshacl_seconds"],
                _f(rs, 2) if rs else r.get("shacl_rs", "–"),
                f"{r['pyshacl_seconds'] / rs:.0f}×" if rs else "–",
                json.dumps(r["pyshacl_results"]),
                json.dumps(r.get("shacl_rs_results")),
                {True: "yes", False: "**no**", None: "–"}[r.get("agree")],
            ]
        )
    lines = ["### SHACL validation: pyshacl vs shacl (Rust, PyPI `shacl`)", ""]
    lines += _table(
        [
            "size",
            "triples",
            "pyshacl s",
            "shacl s",
            "ratio",
            "pyshacl results",
            "shacl results",
            "agree",
        ],
        rows,
    )
    lines += [f"pyshacl growth exponent: {_f(v.get('pyshacl_growth_exponent'), 2)}.", ""]
    return lines


def memory_section(data: dict) -> list[str]:
    m = data.get("memory") or []
    if not m:
        return []
    lines = ["### Peak resident memory", ""]
    return lines + _table(["what", "peak RSS MB"], [[r["what"], r["peak_rss_mb"]] for r in m])


def _link(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target, folder.resolve())).as_posix()


def plots(data: dict, folder: Path) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ["(plots skipped: matplotlib is not installed)", ""]
    made = []
    recs = data.get("endpoint") or []
    if recs:
        queries = list(dict.fromkeys(r["query"] for r in recs))
        fig, axes = plt.subplots(1, len(queries), figsize=(4 * len(queries), 3.5), squeeze=False)
        for ax, q in zip(axes[0], queries, strict=True):
            for s in dict.fromkeys(r["server"] for r in recs):
                pts = sorted(
                    (r["concurrency"], r["rps"])
                    for r in recs
                    if r["server"] == s and r["query"] == q
                )
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=s)
            ax.set(title=q, xlabel="concurrency", ylabel="requests/s", xscale="log", yscale="log")
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(RESULTS / "throughput.png", dpi=90)
        plt.close(fig)
        made.append(f"![throughput vs concurrency]({_link(RESULTS / 'throughput.png', folder)})")
    b = data.get("build")
    if b:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        for stage in ("convert", "validate", "load"):
            pts = [(r["triples"], r[stage]) for r in b["runs"] if r[stage]]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=stage)
        ax.set(
            xlabel="triples",
            ylabel="seconds",
            xscale="log",
            yscale="log",
            title="build time vs size",
        )
        ax.legend()
        fig.tight_layout()
        fig.savefig(RESULTS / "build.png", dpi=90)
        plt.close(fig)
        made.append(f"![build time vs size]({_link(RESULTS / 'build.png', folder)})")
    return [*made, ""]


def generated(data: dict, folder: Path) -> str:
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
    for note in data.get("notes") or []:
        lines.append(f"- {note}")
    if data.get("notes"):
        lines.append("")
    for section in (
        endpoint_section,
        build_section,
        scale_section,
        validation_section,
        memory_section,
    ):
        lines += section(data)
    lines += plots(data, folder)
    return "\n".join([*lines, END])


def write_report(data: dict, path: Path) -> None:
    path = Path(path)
    text = (
        path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    )
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(head + generated(data, path.parent) + tail, encoding="utf-8")


if __name__ == "__main__":
    write_report(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
