"""Benchmarks of nomengraph against the tools a user would pick instead (issue 7).

Run ``python -m bench --help``. Nothing here is a timed test: the suite prints figures and
ratios and writes them to ``bench/results/latest.json`` and ``docs/benchmarks.md``.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
# The documented place of the full ESCO export, relative to the project root.
ESCO_SHARED = ROOT.parent / "shared" / "vocab" / "esco"
