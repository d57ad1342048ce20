"""The wheel works anywhere: built from this checkout, installed in a fresh virtual environment,
then every main command run from an empty folder (no checkout, no NOMENGRAPH_* setting).

Slow (it installs the dependencies from the package index): run with ``--wheel``, as CI does.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "nomengraph"
# Never copied into the build's source: outputs, environments and caches of a working checkout.
LEFT_OUT = shutil.ignore_patterns(
    ".git",
    "build",
    "dist",
    "store",
    ".venv",
    "venv",
    "__pycache__",
    ".*_cache",
    ".benchmarks",
    "*.egg-info",
    ".store-*",
    ".cards-*",
)


@dataclass
class Installed:
    wheel: Path
    venv: Path
    folder: Path  # the empty working folder
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "nomengraph"), *args],
            capture_output=True,
            text=True,
            cwd=self.folder,
            env=self.env,
            timeout=timeout,
        )


def _check(command: list[str], cwd: Path, timeout: float = 900) -> None:
    out = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(command)}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    wheels = root / "wheels"
    _check([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), "."], source)
    (wheel,) = wheels.glob("nomengraph-*.whl")
    venv = root / "venv"
    _check([sys.executable, "-m", "venv", str(venv)], root)
    _check([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], root)
    folder = root / "empty"
    folder.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NOMENGRAPH_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed(wheel, venv, folder, env)


@pytest.fixture(scope="module")
def built(installed: Installed) -> Installed:
    out = installed.run("build")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "validation: conforms" in out.stdout
    return installed


def test_the_wheel_holds_every_file_the_package_reads(installed: Installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    wanted = {
        "nomengraph/" + p.relative_to(PACKAGE).as_posix()
        for folder in ("data", "schema")
        for p in (PACKAGE / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert wanted - names == set()
    for suffix in (".ttl", ".rq", ".sssom.tsv", ".yaml", ".json", ".csv"):
        assert any(n.endswith(suffix) for n in names), suffix
    print(f"{installed.wheel.name}: {installed.wheel.stat().st_size:,} bytes, {len(names)} files")


def test_the_commands_run_the_installed_package_not_the_checkout(installed: Installed):
    out = subprocess.run(
        [
            str(installed.venv / "bin" / "python"),
            "-c",
            "import nomengraph; print(nomengraph.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=installed.folder,
        env=installed.env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).is_relative_to(installed.venv)


def test_build_writes_the_store_and_the_exports_in_the_current_folder(built: Installed):
    written = {p.name for p in built.folder.iterdir() if not p.name.startswith(".")}
    assert written == {"dist", "store"}  # (and the store's own hidden bookkeeping beside it)
    assert (built.folder / "store" / "CURRENT").is_file()
    assert (built.folder / "dist" / "nomengraph.nq").stat().st_size > 1_000_000


def test_validate_the_reference_nomenclatures(built: Installed):
    out = built.run("validate")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "the data conforms" in out.stdout


def test_query_list_and_a_named_query(built: Installed):
    out = built.run("query", "--list")
    assert out.returncode == 0, out.stderr
    assert "job-profile" in out.stdout and "jobs-needing-competence" in out.stdout
    out = built.run("query", "job-profile", "--param", "job=cigref-2018/2.6", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert len(rows) == 10 and {r["title"] for r in rows} == {"Product Owner"}


def test_stats(built: Installed):
    out = built.run("stats")
    assert out.returncode == 0, out.stderr
    assert "cigref-2018" in out.stdout and "mappings" in out.stdout


def test_serve_answers_a_sparql_request_then_stops(built: Installed):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(built.venv / "bin" / "nomengraph"), "serve", "--port", str(port), "--workers", "1"],
        cwd=built.folder,
        env=built.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        query = "SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sparql?query={query}",
            headers={"Accept": "application/sparql-results+json"},
        )
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    body = json.load(answer)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        (row,) = body["results"]["bindings"]
        assert int(row["n"]["value"]) > 20_000
        _pages_work(port)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            pytest.fail("serve did not stop on SIGINT within 60 s")
        if server.stdout:
            server.stdout.close()


def _get(port: int, path: str, **headers: str) -> tuple[int, str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


def _pages_work(port: int) -> None:
    """The pages of the installed package: every template, page query, static file and French
    text they need is in the wheel."""
    status, kind, body = _get(port, "/search?q=data%20sci", Accept="application/json")
    assert status == 200 and kind.startswith("application/json"), body[:300]
    assert json.loads(body)[0]["key"] == "cigref-2018/8.1"
    for path in (
        "/",
        "/id/cigref-2018/job/3.2",
        "/id/ecf/3.0/competence/B.1",
        "/compare?job=cigref-2018/2.6&job=cigref-2018/5.1",
        "/heatmap?edition=cigref-2010",
        "/query/job-profile",
        "/search?q=developpeur",
        "/static/search.js",
    ):
        for language in ("en", "fr"):
            status, _, body = _get(port, path, **{"Accept-Language": language})
            assert status == 200, (path, language, status, body[:300])
    status, _, body = _get(port, "/id/cigref-2018/job/3.2", **{"Accept-Language": "fr"})
    assert '<html lang="fr">' in body and "<svg" in body
