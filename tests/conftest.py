"""Shared fixtures: small and whole-graph stores built once per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CARDS = ROOT / "cards"
SMALL_JOBS = ("2.6", "5.1", "8.3")  # three CIGREF 2018 jobs (with the e-CF data)


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store built from three 2018 cards and the e-CF data (about 4,600 triples).

    Treat it as read-only: copy it (``shutil.copytree``) before opening it for writing.
    """
    from nomengraph.build import run_build

    root = tmp_path_factory.mktemp("small-store")
    cards = root / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(CARDS / "ecf", cards / "ecf")
    for number in SMALL_JOBS:
        shutil.copy(CARDS / "cigref-2018" / f"{number}.yaml", cards / "cigref-2018")
    result = run_build(cards, root / "store")
    assert result.report.conforms
    return root / "store"


@pytest.fixture(scope="session")
def full_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's whole graph in an on-disk store (``nomengraph build``, about 25 s).

    Built at most once per session, only when a test asks for it. Read-only, as small_store.
    """
    root = tmp_path_factory.mktemp("full-store")
    out = subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", "build", "--store", str(root / "store")]
        + ["--out", str(root / "dist")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr + out.stdout
    return root / "store"
