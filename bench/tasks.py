"""Measurements that run in a child process of their own, so that each one's peak resident
memory (``ru_maxrss``) is its own: ``python -m bench.tasks NAME JSON-ARGS`` prints one JSON
object on its last line."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def task_extract(args: dict) -> dict:
    from nomengraph.extract import run_extract

    with tempfile.TemporaryDirectory() as tmp:
        _, secs = _timed(
            lambda: run_extract(
                Path(args["sources"]), Path(tmp) / "cards", Path(args["corrections"])
            )
        )
    return {"seconds": secs}


class _TimedIterator:
    """Wraps an iterator and adds up the time spent producing its items."""

    def __init__(self, items):
        self.items = iter(items)
        self.seconds = 0.0
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        start = time.perf_counter()
        try:
            item = next(self.items)
        finally:
            self.seconds += time.perf_counter() - start
        self.count += 1
        return item


def task_build(args: dict) -> dict:
    """convert and load streamed, as ``nomengraph load`` of a streamed conversion: the quads
    go from the cards to a new on-disk store card by card (``convert.iter_quads`` into
    ``store.build_store``); ``convert`` is the time spent producing the quads, ``load`` the
    rest. Then, when asked, ``validate``: the default SHACL engine on the quads of the same
    cards, as ``nomengraph build`` validates them (the time of converting them again is not
    counted)."""
    from nomengraph.convert import convert, iter_quads
    from nomengraph.store import build_store
    from nomengraph.validate import validate_graph

    cards = Path(args["cards"])
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        quads = _TimedIterator(iter_quads(cards))
        sizes, total = _timed(lambda: build_store(quads, Path(tmp) / "store"))
    out["convert"] = quads.seconds
    out["load"] = total - quads.seconds
    out["triples"] = quads.count
    out["stored"] = sum(sizes.values())
    out["peak_rss_mb_convert_load"] = _peak_mb()
    if args.get("validate", True):
        quads = convert(cards).quads
        report, out["validate"] = _timed(lambda: validate_graph(quads))
        out["conforms"] = report.conforms
    out["peak_rss_mb"] = _peak_mb()
    return out


def _esco_folder(esco: Path, tmp: Path) -> Path:
    """The v1.2.0 folder as docs/vocabularies.md describes: v1.2.0_en + reconstructed files."""
    folder = tmp / "v1.2.0"
    folder.mkdir()
    for path in (esco / "v1.2.0_en").glob("*.csv"):
        (folder / path.name).symlink_to(path.resolve())
    derived = esco / "derived"
    for name in ("skills_en", "occupationSkillRelations_en"):
        src = derived / f"{name}_v1.2.0_reconstructed.csv"
        if src.exists():
            (folder / f"{name}.csv").symlink_to(src.resolve())
    return folder


def task_scale_import(args: dict) -> dict:
    """ESCO CSV → graph (import_esco) → N-Quads → on-disk store (build_store); also writes
    the same triples as N-Triples for the ceiling."""
    from nomengraph.convert import graph_ox_quads
    from nomengraph.store import build_store
    from nomengraph.vocabularies import import_esco, write_graph

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = Path(args["esco"])
        folder = _esco_folder(source, tmp_path) if args.get("shared") else source
        (graph, _report), t_import = _timed(lambda: import_esco(folder))

        def load() -> None:
            # as run_build loads a linked graph: its triples as quads, unsorted, into a new store
            build_store(list(graph_ox_quads(graph, "esco")), tmp_path / "store")

        _, t_load = _timed(load)
        write_graph(graph, Path(args["nt"]))
    return {
        "triples": len(graph),
        "import_seconds": t_import,
        "load_seconds": t_load,
        "seconds": t_import + t_load,
        "peak_rss_mb": _peak_mb(),
    }


def task_scale_ceiling(args: dict) -> dict:
    """pyoxigraph's own bulk_load of the same triples as N-Triples, into an on-disk store."""
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as tmp:

        def load() -> int:
            store = ox.Store(str(Path(tmp) / "store"))
            store.bulk_load(path=args["nt"], format=ox.RdfFormat.N_TRIPLES)
            store.optimize()
            store.flush()
            return len(store)

        triples, secs = _timed(load)
    return {"triples": triples, "seconds": secs, "peak_rss_mb": _peak_mb()}


def _subset_quads(cards: Path, fraction: float, tmp: Path) -> list:
    """The quads of the e-CF files and matrix plus the first ``fraction`` of each edition."""
    import shutil

    from nomengraph.convert import convert

    if fraction >= 1:
        return convert(cards).quads
    target = tmp / "cards"
    for folder in sorted(p for p in cards.iterdir() if p.is_dir()):
        if folder.name in ("ecf", "matrix"):
            shutil.copytree(folder, target / folder.name)
            continue
        files = sorted(folder.glob("*.yaml"))
        (target / folder.name).mkdir(parents=True)
        for path in files[: max(1, round(len(files) * fraction))]:
            shutil.copy(path, target / folder.name / path.name)
    if fraction < 1:
        # the matrix cites 2010 jobs; without them it is only noise for the shapes
        shutil.rmtree(target / "matrix", ignore_errors=True)
    return convert(target).quads


def _key(result) -> str:
    """A result one by one: severity, focus node, path, value, named shape."""
    return " ".join(
        (result.severity, result.focus, result.path or "-", result.value or "-", result.shape)
    )


def task_validation(args: dict) -> dict:
    """The default engine (pyshacl-turbo) as ``nomengraph validate`` and ``build`` run it, cold
    (the first validation of this fresh process: the engine imported, the shapes and ontology
    loaded and compiled) and warm (a second validation); the reference pyshacl on the same data,
    compared with it result by result; and, when installed, the ``shacl`` package (Rust) on the
    same data, shapes and ontology."""
    import pyoxigraph as ox

    from nomengraph.validate import (
        DEFAULT_ENGINE,
        data_store,
        load_ontology,
        load_shapes,
        validate_graph,
    )

    with tempfile.TemporaryDirectory() as tmp:
        if args.get("factor", 1) > 1:
            from bench.synth import make_cards
            from nomengraph.convert import convert

            make_cards(Path(args["cards"]), Path(tmp) / "cards", args["factor"])
            quads = convert(Path(tmp) / "cards").quads
        else:
            quads = _subset_quads(Path(args["cards"]), args.get("fraction", 1.0), Path(tmp))
    data = data_store(quads)
    out: dict = {"triples": len(data), "engine": DEFAULT_ENGINE}
    _, out["turbo_cold_seconds"] = _timed(lambda: validate_graph(quads))
    turbo, out["turbo_seconds"] = _timed(lambda: validate_graph(quads))
    out["turbo_conforms"] = turbo.conforms
    out["turbo_results"] = turbo.counts()
    report, out["pyshacl_seconds"] = _timed(lambda: validate_graph(quads, engine="pyshacl"))
    out["pyshacl_conforms"] = report.conforms
    out["pyshacl_results"] = report.counts()
    ref = Counter(_key(r) for r in report.results)
    got = Counter(_key(r) for r in turbo.results)
    out["turbo_compared"] = sum((ref & got).values())
    out["turbo_only_pyshacl"] = sorted((ref - got).elements())[:20]
    out["turbo_only_turbo"] = sorted((got - ref).elements())[:20]
    try:
        import shacl
    except ImportError:
        out["shacl_rs"] = "not installed (pip install shacl)"
        return out
    shapes = load_shapes().serialize(format="turtle")
    ontology = load_ontology().serialize(format="nt")
    text = data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode()
    text += ontology

    def run():
        compiled = shacl.Shapes.from_turtle(shapes)
        return compiled.validate_text(text, format="ntriples", allow_warnings=True)

    try:
        rs_report, out["shacl_rs_seconds"] = _timed(run)
    except Exception as exc:  # a peer failing is a finding, not a crash of the benchmark
        out["shacl_rs"] = f"failed: {type(exc).__name__}: {exc}"[:300]
        return out
    counts: dict[str, int] = {}
    for result in rs_report.results:
        key = str(result.severity_iri).rsplit("#", 1)[-1]
        counts[key] = counts.get(key, 0) + 1
    out["shacl_rs_conforms"] = bool(rs_report.conforms)
    out["shacl_rs_results"] = counts
    # result by result: (severity, focus node, named shape) as a multiset on each side
    ours = Counter(f"{r.severity} {r.focus} {r.shape}" for r in report.results)
    theirs = Counter(_rs_key(result) for result in rs_report.results)
    out["results_compared"] = sum((ours & theirs).values())
    out["only_pyshacl"] = sorted((ours - theirs).elements())[:20]
    out["only_shacl_rs"] = sorted((theirs - ours).elements())[:20]
    return out


def _iri(text: object) -> str:
    text = "" if text is None else str(text)
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def _rs_key(result) -> str:
    """A result of the Rust engine as pyshacl's: severity, focus node, named shape (a property
    shape without a name is reported by its root shape, as pyshacl does)."""
    shape = result.source_shape if str(result.source_shape).startswith("<") else result.root_shape
    severity = str(result.severity_iri).rsplit("#", 1)[-1]
    return f"{severity} {_iri(result.focus_node)} {_iri(shape)}"


TASKS = {name[5:]: fn for name, fn in globals().items() if name.startswith("task_")}


def main() -> None:
    name, raw = sys.argv[1], sys.argv[2]
    result = TASKS[name](json.loads(raw))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
