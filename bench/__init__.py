"""Benchmarks of nomengraph against the tools a user would pick instead (issue 7).

Run ``python -m bench --help``. Nothing here is a timed test: the suite prints figures and
ratios and writes them to ``bench/results/latest.json`` and ``docs/benchmarks.md``.

Every figure is measured ``--repeat`` times; a record keeps the median of the runs under the
figure's own key, the runs themselves under ``<key>_runs`` and, for the endpoint's requests/s,
the spread as ``rps_min``/``rps_max``. The helpers below are that aggregation.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
# The documented place of the full ESCO export, relative to the project root.
ESCO_SHARED = ROOT.parent / "shared" / "vocab" / "esco"


def default_cards() -> Path:
    """The reference cards: ``cards/`` at the project root, or the package's own copy
    (``nomengraph/data/cards``) where the cards are shipped as package data."""
    if (ROOT / "cards").is_dir():
        return ROOT / "cards"
    try:
        from nomengraph import resources

        return Path(resources.CARDS)
    except ImportError:
        return ROOT / "src" / "nomengraph" / "data" / "cards"


def is_number(value: object) -> bool:
    """An int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(values: Iterable[object]) -> list[float]:
    return [v for v in values if is_number(v) and math.isfinite(v)]  # type: ignore[misc]


def median(values: Iterable[object]) -> float | None:
    """The median of the finite numbers among ``values`` (None and NaN are skipped); None when
    there is none. With an even count, the mean of the two middle values."""
    finite = _finite(values)
    return statistics.median(finite) if finite else None


def spread(values: Iterable[object]) -> tuple[float | None, float | None]:
    """(min, max) of the finite numbers among ``values``; (None, None) when there is none."""
    finite = _finite(values)
    return (min(finite), max(finite)) if finite else (None, None)


def aggregate(
    runs: Sequence[dict],
    *,
    constant: Iterable[str] = (),
    summed: Iterable[str] = (),
    digits: int | None = None,
) -> dict:
    """One record from the records of repeated runs of the same measurement.

    Every numeric key becomes the median of the runs, with the runs kept as ``<key>_runs``;
    keys in ``summed`` become the sum instead (no list); keys in ``constant`` (the same in every
    run, such as a triple count) keep the first run's value. Other values (strings, flags,
    result counts) are the first run's. ``runs`` is the number of runs. ``digits`` rounds the
    medians and the listed runs.
    """
    if not runs:
        raise ValueError("no runs to aggregate")
    constant, summed = set(constant), set(summed)
    out: dict = {}
    for key in dict.fromkeys(k for r in runs for k in r):
        values = [r.get(key) for r in runs]
        first = next((v for v in values if v is not None), None)
        if key in constant or not all(v is None or is_number(v) for v in values):
            out[key] = first
        elif key in summed:
            out[key] = sum(v for v in values if v is not None)
        else:
            mid = median(values)
            kept = list(values)
            if digits is not None:
                mid = None if mid is None else round(mid, digits)
                kept = [v if v is None else round(v, digits) for v in values]
            out[key] = mid if mid is not None else first
            out[f"{key}_runs"] = kept
    out["runs"] = len(runs)
    return out


# Kept as they are in every run of an endpoint figure: what was measured, not a measurement.
ENDPOINT_CONSTANT = ("server", "query", "concurrency", "targets", "rows", "status")
# Added up over the runs of an endpoint figure.
ENDPOINT_SUMMED = ("errors", "read_errors", "requests", "crashes")


def aggregate_endpoint(runs: Sequence[dict]) -> dict:
    """The endpoint record of repeated load runs of one (server, query, concurrency): rps,
    ok_rps (answers with a 2xx or 3xx status per second), p50_ms, p99_ms and
    cpu_ms_per_request are medians (with their ``_runs``); errors, read_errors, requests and
    crashes (runs in which the server process exited) are sums; ``rps_min``/``rps_max`` give
    the spread of the throughput; targets (distinct requests rotated over), rows (answer rows
    or triples of one pass over them) and status (of a conditional request) are as measured;
    statuses counts the answers of each HTTP status over the runs."""
    keep = ("server", "query", "concurrency", "rps", "ok_rps", "p50_ms", "p99_ms", "errors")
    keep += ("read_errors", "requests", "crashes", "cpu_ms_per_request", "targets", "rows")
    keep += ("status",)
    rec = aggregate(
        [{k: r.get(k) for k in keep if k in r} for r in runs],
        constant=ENDPOINT_CONSTANT,
        summed=ENDPOINT_SUMMED,
    )
    statuses: dict[str, int] = {}
    for r in runs:
        for code, n in (r.get("statuses") or {}).items():
            statuses[str(code)] = statuses.get(str(code), 0) + n
    if statuses or any("statuses" in r for r in runs):
        rec["statuses"] = dict(sorted(statuses.items()))
    rec["rps_min"], rec["rps_max"] = spread(rec["rps_runs"])
    for key in ("rps", "rps_min", "rps_max", "ok_rps"):
        if key in rec:
            rec[key] = None if rec[key] is None else round(rec[key], 1)
    for key in ("p50_ms", "p99_ms", "cpu_ms_per_request"):
        if rec.get(key) is not None:
            rec[key] = round(rec[key], 2)
    return rec
