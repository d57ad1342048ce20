"""The build: convert the cards, validate the graph, and load it into the on-disk store.

The store's new generation is made current only when validation finds no violation; warnings
(source faults recorded faithfully) do not stop the build. A failed or killed build leaves the
previous store intact (:func:`nomengraph.store.build_store`), and so do the exports: each file is
written aside and renamed into place (:func:`nomengraph.convert.export`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from nomengraph import iris
from nomengraph.convert import (
    Converted,
    export,
    graph_ox_quads,
)
from nomengraph.store import OxigraphStore, StoreError, build_store
from nomengraph.texts import decimal, say, shown, whole
from nomengraph.validate import Report, check_dataset

if TYPE_CHECKING:
    from nomengraph.remote import RemoteStore


class BuildError(RuntimeError):
    """The build could not run (bad cards, unwritable store...); the message says why.

    ``written``: the store was written all the same (the exports were what failed)."""

    def __init__(self, message: str, written: bool = False) -> None:
        super().__init__(message)
        self.written = written


@dataclass
class BuildResult:
    report: Report
    sizes: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    store: Path | str | None = None

    def summary(self) -> str:
        """What was built, the verdict and the time of each stage, in the report's language."""
        lang = self.report.lang
        counts = self.report.counts()
        if isinstance(self.store, str):
            lines = [say("built.remote", lang, url=self.store)]
        else:
            lines = [say("built.store", lang, store=self.store)]
        lines += [say("built.graph", lang, graph=g, n=whole(n)) for g, n in self.sizes.items()]
        lines.append(say("built.total", lang, n=whole(sum(self.sizes.values()))))
        found = [say(f"count.{s}", lang, n=counts[s]) for s in ("Warning", "Info")]
        lines.append(say("built.conforms", lang, counts=", ".join(found)))
        stages = [
            f"{say(STAGES[stage], lang)} {decimal(secs, lang)} s"
            for stage, secs in self.seconds.items()
        ]
        lines.append(say("built.timings", lang, stages=", ".join(stages)))
        return "\n".join(lines)


STAGES = {
    "convert": "stage.convert",
    "validate": "stage.validate",
    "link": "stage.link",
    "load": "stage.load",
    "export": "stage.export",
}
"""The build's stages (the keys of :attr:`BuildResult.seconds`) and the texts naming them."""


def store_quads(converted: Converted, linked: dict[str, Graph] | None = None) -> list[ox.Quad]:
    """The quads to load: the converted graphs and the linked graphs, unsorted (a store does
    not need an order; only the export files are sorted)."""
    quads = converted.quads
    for name, graph in (linked or {}).items():
        quads.extend(graph_ox_quads(graph, name))
    return quads


def _linked_graphs(
    mappings_dir: Path | None,
    esco_dir: Path | None,
    rome_dir: Path | None,
    tell: Callable[[str], None],
    lang: str = "en",
) -> dict[str, Graph]:
    """The mappings graph (from the SSSOM files), when given the ESCO and ROME graphs, and the
    labels of the linked concepts shipped in the package (:mod:`nomengraph.labels`)."""
    from nomengraph.labels import LabelsError, labels_graph
    from nomengraph.link import MappingError, mappings_graph
    from nomengraph.vocabularies import VocabularyError, import_esco, import_rome

    graphs: dict[str, Graph] = {}
    try:
        if mappings_dir is not None and any(Path(mappings_dir).glob("*.sssom.tsv")):
            graphs["mappings"] = mappings_graph(mappings_dir)
            n = whole(len(graphs["mappings"]))
            tell(say("build.mappings", lang, n=n, folder=mappings_dir))
        if esco_dir is not None:
            graphs["esco"], report = import_esco(Path(esco_dir))
            n = whole(len(graphs["esco"]))
            tell(say("build.import", lang, vocabulary="ESCO", version=report.version, n=n))
        if rome_dir is not None:
            graphs["rome"], report = import_rome(Path(rome_dir))
            n = whole(len(graphs["rome"]))
            tell(say("build.import", lang, vocabulary="ROME", version=report.version, n=n))
        full = [graphs[name] for name in ("esco", "rome") if name in graphs]
        graphs["labels"] = labels_graph(excluding=full)
        tell(say("build.labels", lang, n=whole(len(graphs["labels"]))))
    except (MappingError, VocabularyError, LabelsError) as exc:
        raise BuildError(str(exc)) from None
    return graphs


def run_build(
    cards_dir: Path,
    store_path: Path,
    exports_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    mappings_dir: Path | None = None,
    esco_dir: Path | None = None,
    rome_dir: Path | None = None,
    remote: RemoteStore | None = None,
    editions: Sequence[Path] = (),
    lang: str = "en",
) -> BuildResult:
    """Convert + validate + (if no violation) load the store atomically and write the exports.

    The mappings (SSSOM files of ``mappings_dir``) become graph ``mappings``; ESCO and ROME
    exports, when given, graphs ``esco`` and ``rome`` (loaded, not validated by the shapes: they
    are checked by their importers, and the mappings by their reader).

    With ``remote``, the validated graphs are pushed to that SPARQL 1.1 store instead
    (:meth:`~nomengraph.remote.RemoteStore.replace_graphs`: staged, then moved in place);
    ``store_path`` is then unused. The store is asked to answer before anything is converted.

    ``editions``: folders of organisations' own editions (each with its ``edition.yaml``), built
    next to the reference nomenclatures of ``cards_dir`` and validated with them
    (:func:`nomengraph.validate.check_dataset`, which ``nomengraph validate DIR`` runs too).
    ``lang``: the language of the validation messages, of the progress messages (the store's
    and the converter's too) and of :meth:`BuildResult.summary` (English by default).

    Cards that do not follow the card format, like violations, stop the build before anything
    is written: the result's report lists them and does not conform."""
    shown_to = progress or (lambda _m: None)

    def tell(message: str) -> None:  # the store's and the converter's, in the run's language
        shown_to(shown(message, lang))

    seconds: dict[str, float] = {}
    if remote is not None:
        try:
            remote.ping()
        except StoreError as exc:
            raise BuildError(say("build.remote-silent", lang, detail=exc)) from None
    t = time.perf_counter()
    folders = ", ".join(map(str, [cards_dir, *editions]))
    tell(say("build.reading", lang, folders=folders))
    try:
        converted, report = check_dataset(Path(cards_dir), editions, progress=tell, lang=lang)
    except FileNotFoundError as exc:
        raise BuildError(str(exc)) from None
    seconds["convert"] = time.perf_counter() - t - report.seconds
    seconds["validate"] = report.seconds
    if converted is None or not report.conforms:
        return BuildResult(report, seconds=seconds)

    t = time.perf_counter()
    linked = _linked_graphs(mappings_dir, esco_dir, rome_dir, tell, lang)
    quads = store_quads(converted, linked)
    del converted, linked
    seconds["link"] = time.perf_counter() - t

    if exports_dir is not None:  # before the store is written: a bad folder stops the build
        try:
            Path(exports_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(say("build.exports-unwritable", lang, detail=exc)) from None
    t = time.perf_counter()
    try:
        if remote is not None:
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
            sizes = push_to_remote(data, remote, progress=tell)
        else:
            sizes = build_store(quads, store_path, progress=tell)
    except StoreError as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:  # the system's own detail, as it says it
        raise BuildError(say("build.unwritable", lang, detail=exc)) from None
    seconds["load"] = time.perf_counter() - t
    where = remote.display_url if remote is not None else Path(store_path)
    if exports_dir is not None:
        t = time.perf_counter()
        try:
            export(quads, Path(exports_dir), progress=tell)
        except OSError as exc:
            message = say("build.exports-failed", lang, store=where, detail=exc)
            raise BuildError(message, written=True) from None
        seconds["export"] = time.perf_counter() - t
        tell(say("build.exported", lang, folder=exports_dir))
    return BuildResult(report, sizes, seconds, where)


def push_to_remote(
    nquads: bytes,
    remote: RemoteStore,
    progress: Callable[[str], None] | None = None,
    before_swap: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Replace, on ``remote``, each named graph of these N-Quads (staged, then moved in).

    Staging graphs of nomengraph's graphs left by a push that died between staging and swap are
    dropped first, with a progress message naming them."""
    from nomengraph.remote import split_nquads

    graphs = split_nquads(nquads)
    return remote.replace_graphs(graphs, progress=progress, before_swap=before_swap)


_JOBS_QUERY = """
PREFIX ng: <https://w3id.org/nomengraph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme (COUNT(DISTINCT ?job) AS ?jobs) (COUNT(DISTINCT ?req) AS ?reqs) WHERE {
  GRAPH ?g { ?job a ng:Job ; skos:inScheme ?scheme . OPTIONAL { ?job ng:hasRequirement ?req } }
} GROUP BY ?scheme ORDER BY ?scheme
"""


def store_stats(store_path: Path | RemoteStore) -> str:
    """Triples per named graph, jobs and requirements per edition, as a text report.

    ``store_path`` is an on-disk store, or a remote store (then only the project's graphs are
    listed: a remote store may hold other graphs)."""
    if not isinstance(store_path, Path):
        remote = store_path
        sizes = {g: n for g, n in remote.graph_sizes().items() if g.startswith(iris.GRAPH)}
        found = [
            (r["scheme"].removeprefix(iris.ID + "scheme/"), int(r["jobs"]), int(r["reqs"]))
            for r in remote.select(_JOBS_QUERY)
        ]
        return _stats_text(remote.display_url, sizes, found)
    store = OxigraphStore.open(store_path)
    try:
        sizes = store.graph_sizes()
        rows = [
            (
                str(sol["scheme"].value).removeprefix(iris.ID + "scheme/"),
                int(sol["jobs"].value),
                int(sol["reqs"].value),
            )
            for sol in store.query(_JOBS_QUERY)
        ]
    except (OSError, SyntaxError) as exc:
        raise StoreError(f"{store_path}: {exc}") from None
    return _stats_text(str(store_path), sizes, rows)


def _stats_text(store_path: str, sizes: dict[str, int], rows: list[tuple[str, int, int]]) -> str:
    width = max(len(g) for g in sizes) if sizes else 10
    lines = [f"store {store_path}", "", f"{'named graph':<{width}}  triples"]
    lines += [f"{g or '(default graph)':<{width}}  {n:>7,}" for g, n in sizes.items()]
    lines.append(f"{'total':<{width}}  {sum(sizes.values()):>7,}")
    lines += ["", f"{'edition':<14}{'jobs':>6}{'requirements':>14}"]
    lines += [f"{e:<14}{j:>6}{r:>14}" for e, j, r in rows]
    return "\n".join(lines)
