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

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PEERS = ("rdflib-endpoint", "virtuoso", "ceiling")


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
        f"{data.get('duration_s')} s per run, {_runs_text(recs)} of each figure)",
        "",
        "Requests/s, median (min–max) over the runs; then p50 / p99 ms (medians). Errors are "
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
            text = f"{cell(r, 'rps')}; {_f(r.get('p50_ms'), 2)} / {_f(r.get('p99_ms'), 2)}"
            if r.get("errors"):
                text += f" **{r['errors']} err**"
            row.append(text)
        rows.append(row)
    lines += _table(["query", "conc.", *servers], rows)
    ratio_rows = []
    for q, c in keys:
        ours = by.get(("nomengraph", q, c)) or {}
        row = [q, str(c)]
        for s in servers[1:]:
            row.append(ratio(ours.get("rps"), (by.get((s, q, c)) or {}).get("rps")))
        ratio_rows.append(row)
    if len(servers) > 1 and "nomengraph" in servers:
        lines += [
            "Throughput ratio nomengraph / peer, of the medians (above 1: nomengraph is faster):",
            "",
        ]
        lines += _table(["query", "conc.", *servers[1:]], ratio_rows)
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
        endpoint_section,
        build_section,
        scale_section,
        validation_section,
        memory_section,
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
