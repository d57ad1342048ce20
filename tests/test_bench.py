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

from bench.__main__ import finite, growth_exponent, main  # noqa: E402
from bench.synth import make_cards  # noqa: E402

ENDPOINT_KEYS = {"server", "query", "concurrency", "rps", "p50_ms", "p99_ms", "errors"}


def test_quick_endpoint_ceiling_record(tmp_path, capsys):
    pytest.importorskip("gunicorn")
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
            "--out",
            str(out),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert {"date", "machine", "endpoint", "build", "scale", "validation", "memory"} <= set(data)
    assert data["machine"]["cores"] >= 1
    assert data["endpoint"], "no endpoint record"
    for record in data["endpoint"]:
        assert ENDPOINT_KEYS <= set(record)
        assert record["server"] in {"nomengraph", "rdflib-endpoint", "virtuoso", "ceiling"}
        assert record["errors"] == 0
        assert record["rps"] > 0
    assert data["memory"][0]["peak_rss_mb"] > 0


def test_report_is_written(tmp_path):
    from bench.report import BEGIN, END, write_report

    data = {
        "date": "2026-01-01T00:00:00+00:00",
        "mode": "quick",
        "machine": {"cpu": "x", "cores": 2, "memory_gb": 1.0, "os": "linux", "python": "3.11"},
        "endpoint": [
            {
                "server": s,
                "query": "lookup",
                "concurrency": 1,
                "rps": r,
                "p50_ms": 1.0,
                "p99_ms": 2.0,
                "errors": 0,
                "cpu_ms_per_request": 1.0,
            }
            for s, r in (("nomengraph", 10.0), ("ceiling", 20.0))
        ],
        "memory": [{"what": "server", "peak_rss_mb": 10.0}],
    }
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# B\n\nhand-written\n\n{BEGIN}\nold\n{END}\n\nafter\n")
    write_report(data, doc)
    text = doc.read_text()
    assert "hand-written" in text and "after" in text and "old" not in text
    assert "| lookup | 1 | 0.50 |" in text


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
