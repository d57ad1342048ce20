"""One store generation at a time, all-or-nothing updates, exports written aside.

The store path is a link to one complete generation; a build (or a load) writes a new one aside
and flips the link in one rename. These tests kill builds and exports at many instants, rebuild
under a running server, and stop updates at every stage of their life.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from nomengraph.server import create_app, get_executor, get_generation
from nomengraph.settings import Settings
from nomengraph.store import (
    PREVIOUS,
    UPDATE_MARKS,
    OxigraphStore,
    StoreError,
    apply_marked_update,
    build_store,
    clear_update_marks,
    current_generation,
    generations_dir,
    resolve_generation,
    update_marks,
)

ROOT = Path(__file__).parents[1]
DATA = "urn:x:data"
COUNT_BY_VERSION = "SELECT ?v (COUNT(?s) AS ?n) WHERE { ?s <urn:x:v> ?v } GROUP BY ?v"
TOKEN = "generations-test-token"


def nquads(version: str, items: int, text: bool = False) -> bytes:
    """``items`` subjects tagged with ``version`` (and a label each when ``text``)."""
    lines = [f'<urn:x:version> <urn:x:is> "{version}" <{DATA}> .\n']
    for i in range(items):
        lines.append(f'<urn:x:s{i}> <urn:x:v> "{version}" <{DATA}> .\n')
        if text:
            lines.append(f'<urn:x:s{i}> <urn:x:label> "item {i} of {version}" <{DATA}> .\n')
    return "".join(lines).encode()


def version_of(store: Path) -> tuple[str, int]:
    """(version, quads) of the store at ``store``, opened as any reader would."""
    opened = OxigraphStore.open(store)
    found = [
        q.object.value
        for q in opened.store.quads_for_pattern(ox.NamedNode("urn:x:version"), None, None)
    ]
    assert len(found) == 1, found
    return found[0], len(opened.store)


def generations(store: Path) -> list[str]:
    """The generation folders kept beside ``store``."""
    gens = generations_dir(store)
    return sorted(e.name for e in gens.iterdir() if not e.is_symlink() and e.name != ".lock")


def leftovers(store: Path) -> list[str]:
    """What a killed build may leave: generations neither current nor previous, temporary
    links and the temporary folders of the old layout."""
    gens = generations_dir(store)
    kept = {current_generation(store)}
    if (gens / PREVIOUS).exists():
        kept.add(os.readlink(gens / PREVIOUS))
    found = [g for g in generations(store) if g not in kept]
    found += [e.name for e in gens.iterdir() if e.name.startswith(".") and e.name != ".lock"]
    found += [e.name for e in store.parent.iterdir() if e.name.startswith(f".{store.name}.")]
    found += [e.name for e in store.parent.iterdir() if e.name.startswith(f".{store.name}-new")]
    return found


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        **kwargs,
    )


# -- the layout -----------------------------------------------------------------------------


def test_each_build_makes_a_new_generation_current_and_keeps_the_previous_one(tmp_path):
    store = tmp_path / "store"
    said: list[str] = []
    ids = []
    for version in "ABC":
        build_store(nquads(version, 3), store, progress=said.append)
        ids.append(current_generation(store))
        assert version_of(store) == (version, 4)
    assert store.is_symlink() and os.readlink(store) == f".store-generations/{ids[-1]}"
    assert ids == sorted(ids) and len(set(ids)) == 3
    # The current and the previous generation are kept; the older one was removed.
    assert generations(store) == ids[1:]
    assert os.readlink(generations_dir(store) / PREVIOUS) == ids[1]
    assert any(f"removed older generation(s) {ids[0]}" in m for m in said)
    generation, folder = resolve_generation(store)
    assert generation == ids[-1] and folder == generations_dir(store) / ids[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store-generations", "store"]


def test_a_store_folder_of_the_old_layout_is_migrated_on_the_first_build(tmp_path):
    store = tmp_path / "store"
    old = ox.Store(str(store))
    old.bulk_load(nquads("old", 2), format=ox.RdfFormat.N_QUADS)
    old.flush()
    del old
    legacy_id = current_generation(store)
    assert legacy_id.startswith("dir-") and version_of(store) == ("old", 3)
    said: list[str] = []
    build_store(nquads("new", 2), store, progress=said.append)
    assert store.is_symlink() and version_of(store) == ("new", 3)
    assert any("old layout" in m for m in said)
    # The old folder is kept as the previous generation.
    previous = generations_dir(store) / PREVIOUS
    assert os.readlink(previous).endswith("-legacy")
    assert version_of(previous) == ("old", 3)
    build_store(nquads("newer", 2), store)
    assert not any(g.endswith("-legacy") for g in generations(store))


def test_migration_refuses_a_store_open_for_writing(tmp_path):
    store = tmp_path / "store"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert writer.stdout.readline() == b"open\n"
        with pytest.raises(StoreError, match="open for writing"):
            build_store(nquads("new", 1), store)
        assert not store.is_symlink() and (store / "CURRENT").exists()
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
        writer.stdout.close()
    build_store(nquads("new", 1), store)
    assert version_of(store) == ("new", 2)


def test_the_next_build_removes_what_killed_builds_left(tmp_path):
    store = tmp_path / "store"
    build_store(nquads("A", 1), store)
    gens = generations_dir(store)
    (gens / "20000101T000000.000000Z-deadbeef").mkdir()  # a generation never made current
    (gens / "20000101T000000.000000Z-deadbeef" / "CURRENT").write_text("x")
    os.symlink("nowhere", tmp_path / ".store.link-0123")  # a temporary link
    (tmp_path / ".store-new-abc").mkdir()  # a temporary folder of the old layout
    os.symlink("nowhere", gens / ".previous.link-4567")
    said: list[str] = []
    build_store(nquads("B", 1), store, progress=said.append)
    assert leftovers(store) == []
    assert any(m.startswith("cleanup: removed 4 leftover(s) of an interrupted build") for m in said)
    assert version_of(store) == ("B", 2)


def test_a_store_lost_in_the_old_layouts_swap_is_restored(tmp_path):
    """The old layout swapped folders with two renames: a crash between them left the store
    only as ``.store-old-<pid>``. The next build restores it before anything else."""
    old = ox.Store(str(tmp_path / ".store-old-4242"))
    old.bulk_load(nquads("old", 1), format=ox.RdfFormat.N_QUADS)
    old.flush()
    del old
    store = tmp_path / "store"
    said: list[str] = []
    with pytest.raises(StoreError):
        build_store(b"<urn:x:s> <broken\n", store, progress=said.append)
    assert version_of(store) == ("old", 2)
    assert any("restored" in m for m in said)
    assert leftovers(store) == []


def test_current_generation_and_resolve_report_a_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        current_generation(tmp_path / "store")
    os.symlink(".store-generations/nothing", tmp_path / "store")
    with pytest.raises(StoreError, match="no store here"):
        resolve_generation(tmp_path / "store")


# -- killed builds and exports --------------------------------------------------------------

KILLS = 15


def test_a_build_killed_at_any_instant_leaves_a_complete_store(tmp_path):
    """``nomengraph load`` (a build from N-Quads) killed with SIGKILL at delays spread over a
    whole run: after each kill the store path opens a complete store, the old or the new one;
    the next build removes the leftovers, and says so."""
    store = tmp_path / "store"
    sizes = {}
    for version, items in (("A", 20_000), ("B", 30_000)):
        (tmp_path / f"{version}.nq").write_bytes(nquads(version, items))
        sizes[version] = items + 1
    started = time.monotonic()
    out = cli("load", "--from", str(tmp_path / "A.nq"), "--store", str(store))
    whole = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    assert version_of(store) == ("A", sizes["A"])
    current = "A"
    outcomes = []
    cleaned = left_behind = False
    for kill in range(KILLS):
        other = "B" if current == "A" else "A"
        delay = whole * (kill + 0.5) / KILLS * 1.2
        proc = subprocess.Popen(
            [sys.executable, "-m", "nomengraph.cli", "load"]
            + ["--from", str(tmp_path / f"{other}.nq"), "--store", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        time.sleep(delay)
        proc.kill()
        _, err = proc.communicate(timeout=60)
        cleaned = cleaned or b"cleanup: removed" in err
        version, quads = version_of(store)
        assert version in (current, other), version
        assert quads == sizes[version], (version, quads)  # complete
        outcomes.append((round(delay, 2), proc.returncode, version == other))
        left_behind = left_behind or bool(leftovers(store))
        current = version
    left = leftovers(store)
    out = cli("load", "--from", str(tmp_path / "A.nq"), "--store", str(store))
    assert out.returncode == 0, out.stderr
    if left:
        assert "cleanup: removed" in out.stderr, (left, out.stderr)
        cleaned = True
    assert leftovers(store) == []
    assert len(generations(store)) <= 2
    assert version_of(store) == ("A", sizes["A"])
    # Some kills stopped a build before its flip and left a generation behind, which a later
    # build removed (and said so).
    assert any(code == -signal.SIGKILL and not flipped for _, code, flipped in outcomes), outcomes
    assert left_behind and cleaned, outcomes


EXPORTER = """
import sys
from pathlib import Path
import pyoxigraph as ox
from nomengraph.convert import export
version, items, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
g = ox.NamedNode("urn:x:data")
quads = [
    ox.Quad(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:v"), ox.Literal(f"{version} {i}"), g)
    for i in range(items)
]
print("ready", flush=True)
export(quads, out, progress=print)
"""


def _export(version: str, items: int, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", EXPORTER, version, str(items), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("nomengraph.*"))}


def test_an_export_killed_at_any_instant_leaves_the_previous_files_whole(tmp_path):
    items = 40_000
    versions = {}
    for version in ("A", "B"):
        proc = _export(version, items, tmp_path / version)
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        versions[version] = _files(tmp_path / version)
        assert len(versions[version]) == 4
    dist = tmp_path / "dist"
    shutil.copytree(tmp_path / "A", dist)
    proc = _export("B", items, tmp_path / "timing")
    assert proc.stdout.readline() == b"ready\n"
    exporting = time.monotonic()
    proc.wait(timeout=300)
    proc.stdout.close()
    proc.stderr.close()
    whole = time.monotonic() - exporting
    temporaries = 0
    for kill in range(10):
        proc = _export("B", items, dist)
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(whole * (kill + 0.5) / 10)
        proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
        for name, body in _files(dist).items():
            assert body in (versions["A"][name], versions["B"][name]), name
        temporaries += len(list(dist.glob(".nomengraph.*.tmp")))
        if _files(dist) == versions["B"]:
            shutil.rmtree(dist)
            shutil.copytree(tmp_path / "A", dist)
    left = list(dist.glob(".nomengraph.*.tmp"))
    proc = _export("B", items, dist)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert (b"export: removed" in out) == bool(left)  # the next export removes what was left
    assert _files(dist) == versions["B"]
    assert not list(dist.glob(".nomengraph.*"))
    assert temporaries > 0, "no kill landed while the files were being written"


def test_the_next_export_says_it_removed_temporary_files(tmp_path):
    (tmp_path / ".nomengraph.ttl.0a1b2c3d.tmp").write_text("half a file")
    (tmp_path / ".other.tmp").write_text("not ours")
    said: list[str] = []
    from nomengraph.convert import export

    quad = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"))
    export([quad], tmp_path, progress=said.append)
    assert said == [f"export: removed 1 temporary file(s) of an interrupted export in {tmp_path}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.tmp",
        "nomengraph.jsonld",
        "nomengraph.nq",
        "nomengraph.nt",
        "nomengraph.ttl",
    ]


# -- the server follows the current generation ----------------------------------------------


def _versions(body: bytes) -> list[tuple[str, int]]:
    rows = json.loads(body)["results"]["bindings"]
    return [(r["v"]["value"], int(r["n"]["value"])) for r in rows]


def test_a_request_keeps_its_executor_and_the_next_one_sees_the_new_generation(tmp_path):
    store = tmp_path / "store"
    build_store(nquads("A", 5), store)
    app = create_app(Settings(store=store, query_timeout=10.0))
    switch = app.extensions["nomengraph"]
    try:
        client = app.test_client()
        r = client.get("/sparql", query_string={"query": COUNT_BY_VERSION})
        assert _versions(r.data) == [("A", 5)]
        first = current_generation(store)
        assert r.headers["X-Store-Generation"] == first
        with app.test_request_context("/sparql"):
            held = get_executor()
            assert get_generation() == first == held.generation
            old_pids = held.worker_pids()
            build_store(nquads("B", 7), store)  # the flip happens during this request
            assert get_executor() is held  # the same executor for the whole request
            answer = held.run(COUNT_BY_VERSION)
            assert _versions(answer.body) == [("A", 5)] and answer.generation == first
            # A request arriving after the flip is answered from the new generation, while the
            # old executor (still held) stays open.
            r = client.get("/sparql", query_string={"query": COUNT_BY_VERSION})
            assert _versions(r.data) == [("B", 7)]
            assert r.headers["X-Store-Generation"] == current_generation(store) != first
            assert all(_alive(pid) for pid in old_pids)
        # Released: the old executor is closed, its workers are gone.
        assert not any(_alive(pid) for pid in old_pids)
        assert switch.get_generation() == current_generation(store)
        assert switch.stats[DATA] == 8
    finally:
        switch.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("PPid:"):
                    parents[int(entry.name)] = int(line.split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for child, its_parent in parents.items():
            if its_parent == parent:
                found.append(child)
                frontier.append(child)
    return found


def _query_workers(pid: int) -> list[int]:
    workers = []
    for child in _descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"nomengraph.server.worker" in command and _alive(child):
            workers.append(child)
    return workers


@dataclass
class Served:
    proc: subprocess.Popen
    port: int
    log: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            # The first of repeated headers: the application's X-Store-Generation (the
            # generation that answered) comes before the front's (read when it arrived).
            return r.status, {k.lower(): v for k, v in reversed(r.getheaders())}, r.read()
        finally:
            conn.close()

    def query(self, query: str, headers: dict[str, str] | None = None):
        return self.request("GET", "/sparql?" + urlencode({"query": query}), headers=headers)

    def update(self, update: str, timeout: float) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {TOKEN}",
        }
        return self.request(
            "POST", "/sparql?" + urlencode({"timeout": repr(timeout)}), update.encode(), headers
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(store: Path, log: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    port = _free_port()
    command = [sys.executable, "-m", "nomengraph.cli", "serve", "--store", str(store)]
    command += ["--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group: killed whole at the end
        )
    served = Served(proc, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        try:
            if served.request("GET", "/healthz")[0] == 200:
                return served
        except OSError:
            pass
        time.sleep(0.2)
    crash(served)
    raise AssertionError(f"the server did not answer /healthz: {log.read_text()}")


def crash(served: Served) -> None:
    """SIGKILL the whole server: its process, its workers, its query workers."""
    try:
        os.killpg(served.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    served.proc.wait(timeout=30)


@pytest.fixture
def versions(tmp_path) -> Iterator[dict[str, int]]:
    """N-Quads files of versions A to E, each with its own number of subjects."""
    sizes = {}
    for i, version in enumerate("ABCDE"):
        sizes[version] = 300 + 100 * i
        (tmp_path / f"{version}.nq").write_bytes(nquads(version, sizes[version]))
    yield sizes


def test_a_rebuild_under_a_running_server_is_served_at_once_and_never_mixed(tmp_path, versions):
    store = tmp_path / "store"
    assert cli("load", "--from", str(tmp_path / "A.nq"), "--store", str(store)).returncode == 0
    served = serve(store, tmp_path / "serve.log", "--workers", "2", "--timeout", "20")
    answers: list[tuple[float, list[tuple[str, int]], str | None]] = []
    stop = threading.Event()
    failures: list[object] = []

    def client() -> None:
        for _ in range(5000):  # bounded
            if stop.is_set():
                return
            began = time.monotonic()
            try:
                status, headers, body = served.query(COUNT_BY_VERSION)
            except OSError as exc:
                failures.append(exc)
                continue
            if status != 200:
                failures.append((status, body))
                continue
            answers.append((began, _versions(body), headers.get("x-store-generation")))

    loop = threading.Thread(target=client)
    try:
        status, headers, body = served.query(COUNT_BY_VERSION)
        assert _versions(body) == [("A", versions["A"])]
        etag = headers.get("etag")
        loop.start()
        flips: list[tuple[float, float, str]] = []
        for version in "BCDE":
            began = time.monotonic()
            out = cli("load", "--from", str(tmp_path / f"{version}.nq"), "--store", str(store))
            assert out.returncode == 0, out.stderr
            done = time.monotonic()
            flips.append((began, done, version))
            generation = current_generation(store)
            # After the build returns, every answer is the new one (both query workers).
            for _ in range(6):
                status, headers, body = served.query(COUNT_BY_VERSION)
                assert status == 200 and _versions(body) == [(version, versions[version])]
                assert headers["x-store-generation"] == generation
            if etag is not None:  # a cached answer of the old data is not revalidated
                status, headers, body = served.query(COUNT_BY_VERSION, {"If-None-Match": etag})
                assert status == 200 and _versions(body) == [(version, versions[version])]
                assert headers["etag"] != etag
                etag = headers["etag"]
                assert served.query(COUNT_BY_VERSION, {"If-None-Match": etag})[0] == 304
            time.sleep(0.3)
    finally:
        stop.set()
        if loop.ident is not None:
            loop.join(timeout=120)
    try:
        assert not failures, failures[:3]
        assert len(answers) > 10
        by_generation: dict[str, str] = {}
        for began, rows, generation in answers:
            # Never a mix: one version, with its own number of subjects.
            assert len(rows) == 1, rows
            version, n = rows[0]
            assert n == versions[version], rows
            assert generation is not None
            assert by_generation.setdefault(generation, version) == version
            # Requests sent after a build returned see that build (or a later one).
            for _, done, flipped in flips:
                if began > done:
                    assert version >= flipped, (version, flipped)
        # The old executors were closed: as many query workers as before.
        for _ in range(100):
            if len(_query_workers(served.proc.pid)) == 2:
                break
            time.sleep(0.1)
        assert len(_query_workers(served.proc.pid)) == 2, served.log.read_text()[-2000:]
    finally:
        crash(served)


# -- updates: all or nothing ------------------------------------------------------------------


def test_a_marked_update_is_one_transaction_with_its_mark(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    apply_marked_update(store, "INSERT DATA { <urn:x:a> <urn:x:b> 1 } ;", "m1")
    assert update_marks(store) == {"m1"}
    # A failing operation after others: nothing is applied, no mark.
    with pytest.raises(RuntimeError):
        apply_marked_update(
            store,
            "INSERT DATA { <urn:x:a> <urn:x:b> 2 } ; CREATE GRAPH <urn:x:g> ; "
            "CREATE GRAPH <urn:x:g>",
            "m2",
        )
    assert update_marks(store) == {"m1"} and len(store) == 2
    # DROP ALL in the update cannot take the mark with it.
    apply_marked_update(store, "DROP ALL", "m3")
    assert update_marks(store) == {"m3"}
    # A syntax error is the update's own (its positions), and nothing is applied.
    with pytest.raises(SyntaxError, match="error at 1:") as info:
        apply_marked_update(store, "INSERT DATA { <urn:x:a> ", "m4")
    own = info.value
    with pytest.raises(SyntaxError) as alone:
        ox.Store().update("INSERT DATA { <urn:x:a> ")
    assert str(own) == str(alone.value)
    assert clear_update_marks(store) == {"m3"}
    assert len(store) == 0 and UPDATE_MARKS not in {g.value for g in store.named_graphs()}


def test_marks_left_by_a_crash_are_never_seen_and_are_removed_when_opened_for_writing(tmp_path):
    store = tmp_path / "store"
    build_store(nquads("A", 2), store)
    writer = ox.Store(str(resolve_generation(store)[1]))
    apply_marked_update(writer, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }", "m")
    del writer  # as if the server had crashed before removing the mark
    every_graph = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
    for settings in (Settings(store=store), Settings(store=store, update_token=TOKEN)):
        app = create_app(settings)
        switch = app.extensions["nomengraph"]
        try:
            graphs = switch.run(every_graph).body.decode()
            assert "urn:x:g" in graphs and UPDATE_MARKS not in graphs
            assert UPDATE_MARKS not in switch.stats
        finally:
            switch.close()
    assert update_marks(ox.Store.read_only(str(resolve_generation(store)[1]))) == set()


def test_the_generation_changes_with_each_applied_update(small_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(small_store, store)
    app = create_app(Settings(store=store, update_token=TOKEN, query_timeout=10.0))
    switch = app.extensions["nomengraph"]
    try:
        before = switch.get_generation()
        assert before.startswith(current_generation(store) + ":")
        switch.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }")
        after = switch.get_generation()
        assert after != before
        with pytest.raises(Exception, match="error at"):
            switch.update("INSERT DATA {")
        assert switch.get_generation() == after
        result = switch.run("ASK { <urn:x:a> ?p ?o }")
        assert result.generation == after and b"true" in result.body
        graphs = switch.run("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").body.decode()
        assert UPDATE_MARKS not in graphs and UPDATE_MARKS not in switch.stats
    finally:
        switch.close()


def test_a_writable_server_follows_a_rebuild_and_updates_the_new_generation(tmp_path):
    store = tmp_path / "store"
    build_store(nquads("A", 5), store)
    app = create_app(Settings(store=store, update_token=TOKEN, query_timeout=10.0))
    switch = app.extensions["nomengraph"]
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    insert = "INSERT DATA { GRAPH <urn:x:data> { <urn:x:new> <urn:x:v> 'A' } }"
    try:
        assert client.post("/sparql", data={"update": insert}, headers=auth).status_code == 204
        r = client.get("/sparql", query_string={"query": COUNT_BY_VERSION})
        assert _versions(r.data) == [("A", 6)]
        old = switch.current()
        old_pids = old.worker_pids()
        build_store(nquads("B", 7), store)
        r = client.get("/sparql", query_string={"query": COUNT_BY_VERSION})
        assert _versions(r.data) == [("B", 7)]  # the build replaced the updated data
        assert r.headers["X-Store-Generation"].startswith(current_generation(store) + ":")
        assert not any(_alive(pid) for pid in old_pids)
        insert = insert.replace("'A'", "'B'")
        assert client.post("/sparql", data={"update": insert}, headers=auth).status_code == 204
        r = client.get("/sparql", query_string={"query": COUNT_BY_VERSION})
        assert _versions(r.data) == [("B", 8)]
    finally:
        switch.close()
    assert version_of(store)[1] == 9  # the update is in the current generation, on disk


def test_updates_stopped_at_every_stage_are_applied_exactly_when_reported_done(tmp_path):
    """Updates sent with time limits from tiny to generous to a real server: the worker is
    killed before, during and after the commit. Each outcome reported (204 done, 503 stopped,
    500 failed) must match the store, also after the whole server is killed and restarted."""
    store = tmp_path / "store"
    build_store(nquads("A", 6_000, text=True), store)
    log = tmp_path / "serve.log"
    env = {"NOMENGRAPH_UPDATE_TOKEN": TOKEN}
    served = serve(store, log, "--timeout", "30", env=env)
    copy = (
        "INSERT {{ GRAPH <urn:x:u{i}> {{ ?s <urn:x:copy> ?o }} }} "
        "WHERE {{ GRAPH <{data}> {{ ?s <urn:x:label> ?o }} }}"
    )
    # Limits from 1 ms to 3 s, in geometric steps: the worker is stopped before it starts (the
    # limit counts from arrival: the shortest ones are over before any worker takes the update,
    # however fast the machine), while it evaluates the update, as it commits, while it flushes
    # the store, or not at all.
    limits = [0.001 * 3000 ** (k / 23) for k in range(24)]
    reported: dict[int, int] = {}
    generations_seen: dict[int, str] = {}
    try:
        for i, timeout in enumerate(limits):
            status, headers, body = served.update(copy.format(i=i, data=DATA), timeout)
            assert status in (204, 500, 503), (status, body)
            reported[i] = status
            generations_seen[i] = headers.get("x-store-generation", "")
        check_outcomes(served, reported, 6_000)
        # The generation changed with each update reported done, and only then.
        last = None
        for i in range(len(limits)):
            if last is not None and generations_seen[i]:
                assert (generations_seen[i] != last) == (reported[i] == 204), (i, reported)
            last = generations_seen[i] or last
    finally:
        crash(served)
    served = serve(store, log, "--timeout", "30", env=env)
    try:
        check_outcomes(served, reported, 6_000)
    finally:
        crash(served)
    print(f"update outcomes by limit: {dict(zip(limits, reported.values(), strict=True))}")
    assert 204 in reported.values() and 503 in reported.values(), reported


def check_outcomes(served: Served, reported: dict[int, int], size: int) -> None:
    for i, status in reported.items():
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <urn:x:u{i}> {{ ?s ?p ?o }} }}"
        code, _, body = served.query(q)
        assert code == 200, body
        n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        assert n == (size if status == 204 else 0), (i, status, n, reported)
    code, _, body = served.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert code == 200 and UPDATE_MARKS.encode() not in body
    code, _, body = served.request("GET", "/healthz")
    assert code == 200 and UPDATE_MARKS not in json.loads(body)["graphs"]
