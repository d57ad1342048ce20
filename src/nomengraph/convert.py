"""Cards → RDF: pure functions from the card and data-file dicts to triples, and the dataset.

Every node gets an IRI from :mod:`nomengraph.iris` (no blank nodes), every term comes from
:mod:`nomengraph.vocab`, every human text carries a language tag. The conversion is deterministic:
the same cards give the same set of quads, and :func:`export` writes them in a sorted order, so a
rebuild with no change gives byte-identical files.

The dataset has one named graph per nomenclature edition (``graph/cigref-2010`` ...), one for the
e-CF (``graph/ecf``: versions 2.0, 3.0 and 4.0 and the proficiency levels), one for the vocabulary
(``graph/ontology``) and one describing the dataset and its sources (``graph/metadata``).

This module reads the cards folder and streams the quads, graph by graph; what each kind of file
becomes is in :mod:`nomengraph.rdf` (cards, e-CF, matrix, metadata, terms, exports), whose
public names are importable from here too.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph

from nomengraph import iris
from nomengraph.cards import (
    ECF_SCHEMA,
    EDITION_FILE,
    MATRIX_SCHEMA,
    CardError,
    CardProblem,
    iter_card_files,
    load_data_file,
    load_edition,
    load_edition_cards,
    scan_cards,
)
from nomengraph.rdf.cards import convert_card, edition_metadata, own_edition_metadata
from nomengraph.rdf.catalogue import (
    DEFAULT_DESCRIPTOR_LANG,
    DEFAULT_ECF_VERSION,
    EDITIONS,
    GRAPH_TITLES,
    PROJECT,
    SOURCES,
    ecf_version_of,
)
from nomengraph.rdf.ecf import convert_ecf, proficiency_levels
from nomengraph.rdf.export import EXPORT_FILES, dataset_quads, export
from nomengraph.rdf.matrix import convert_matrix
from nomengraph.rdf.metadata import Digest, GraphSummary, dataset_metadata, source_documents
from nomengraph.rdf.oxigraph import TermConverter, graph_ox_quads, to_oxigraph_term
from nomengraph.rdf.terms import Quad, Triple, uri
from nomengraph.texts import Said, whole
from nomengraph.vocab import ONTOLOGY_FILE, PROV, RDF, SKOS

__all__ = [
    "DEFAULT_DESCRIPTOR_LANG",
    "DEFAULT_ECF_VERSION",
    "ECF_DIR",
    "EDITIONS",
    "EXPORT_FILES",
    "GRAPH_TITLES",
    "MATRIX_DIR",
    "PROGRESS_EVERY",
    "PROJECT",
    "SOURCES",
    "Converted",
    "Digest",
    "GraphSummary",
    "Quad",
    "Triple",
    "convert",
    "convert_all",
    "convert_card",
    "convert_ecf",
    "convert_matrix",
    "dataset_metadata",
    "dataset_quads",
    "ecf_version_of",
    "edition_metadata",
    "export",
    "graph_ox_quads",
    "iter_quads",
    "own_edition_metadata",
    "proficiency_levels",
    "source_documents",
    "to_dataset",
    "to_oxigraph_term",
]

ECF_DIR = "ecf"
MATRIX_DIR = "matrix"

PROGRESS_EVERY = 10_000  # cards between two progress messages of a long conversion


def _card_sources(
    cards_dir: Path,
    progress: Callable[[str], None] | None = None,
    own_editions: Sequence[Path] = (),
    loaded: dict[str, dict[str, Any]] | None = None,
) -> Iterator[tuple[str, Iterable[Triple]]]:
    """(graph name, triples) for each card and data file under ``cards_dir``, one at a time,
    then for the organisations' edition folders ``own_editions`` (each with its
    ``edition.yaml``); each edition read is put in ``loaded`` (by id).

    Card problems of every file are collected and raised together at the end (as a CardError),
    after the good cards went by: a consumer that writes somewhere discards its work then."""
    cards_dir = Path(cards_dir)
    problems: list[CardProblem] = []
    editions: set[str] = set()
    done = 0
    for folder in sorted(p for p in cards_dir.iterdir() if p.is_dir()):
        if folder.name in (ECF_DIR, MATRIX_DIR):
            continue
        for card, problem in scan_cards(iter_card_files(folder)):
            if problem is not None:
                problems.append(problem)
                continue
            if card["edition"] not in editions:
                editions.add(card["edition"])
                yield card["edition"], edition_metadata(card["edition"])
            yield card["edition"], convert_card(card)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(Said("convert.cards", n=whole(done)))
    versions = {p.stem.removeprefix("ecf-") for p in (cards_dir / ECF_DIR).glob("*.yaml")}
    for folder in own_editions:
        try:
            edition = load_edition(folder)
        except CardError as exc:
            problems.extend(exc.problems)
            continue
        where = str(Path(folder) / EDITION_FILE)
        if edition["id"] in editions or edition["id"] in EDITIONS:
            problems.append(CardProblem.of(where, 1, "id", "edition.taken", edition=edition["id"]))
            continue
        if edition["ecf"] not in versions:
            known = ", ".join(sorted(versions))
            problem = CardProblem.of(
                where, None, "ecf", "edition.framework", version=edition["ecf"], known=known
            )
            problems.append(problem)
            continue
        cards, found = load_edition_cards(folder, edition)
        problems.extend(found)
        editions.add(edition["id"])
        if loaded is not None:
            loaded[edition["id"]] = edition
        yield edition["id"], own_edition_metadata(edition)
        for card in cards:
            yield edition["id"], convert_card(card, ecf_version=edition["ecf"])
    if problems:
        raise CardError(problems)
    for path in sorted((cards_dir / ECF_DIR).glob("*.yaml")):
        yield "ecf", convert_ecf(load_data_file(path, ECF_SCHEMA))
    for path in sorted((cards_dir / MATRIX_DIR).glob("*.yaml")):
        data = load_data_file(path, MATRIX_SCHEMA)
        yield data["edition"], convert_matrix(data)


def iter_quads(
    cards_dir: Path,
    ontology: Path | None = ONTOLOGY_FILE,
    keep: dict[str, set[Triple]] | None = None,
    progress: Callable[[str], None] | None = None,
    editions: Sequence[Path] = (),
) -> Iterator[ox.Quad]:
    """Convert the cards and data files of ``cards_dir`` (plus the ontology) into pyoxigraph
    quads, streamed card by card: every edition, ``ecf``, ``ontology``, then ``metadata``
    (which describes the others). Memory stays bounded by the number of distinct quads (a
    16-byte key each, to drop duplicates), not by the data.

    With ``keep``, the rdflib triples of each graph are also put in ``keep[graph name]`` (for
    validation). ``progress`` is told every ``PROGRESS_EVERY`` cards. ``editions``: folders of
    organisations' own editions, built next to the reference ones (graph = the edition's id)."""
    summaries: dict[str, GraphSummary] = defaultdict(GraphSummary)
    seen: dict[str, set[bytes]] = defaultdict(set)
    digest = Digest()
    term = TermConverter()

    def quads(name: str, triples: Iterable[Triple], describe: bool = True) -> Iterator[ox.Quad]:
        target = ox.NamedNode(iris.graph(name))
        summary, keys = summaries[name], seen[name]
        kept = keep.setdefault(name, set()) if keep is not None else None
        for s, p, o in triples:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise ValueError(f"blank node in graph {name}: {(s, p, o)}")
            quad = ox.Quad(term(s), term(p), term(o), target)
            line_hash = hashlib.sha256(str(quad).encode()).digest()
            if line_hash[:16] in keys:
                continue
            keys.add(line_hash[:16])
            digest.add(line_hash)
            if describe:
                summary.triples += 1
                if p == RDF.type and o == SKOS.ConceptScheme and str(s).startswith(iris.ID):
                    summary.schemes.add(s)
                elif p == PROV.wasDerivedFrom:
                    summary.sources.add(o)
            if kept is not None:
                kept.add((s, p, o))
            yield quad

    own: dict[str, dict[str, Any]] = {}
    for name, triples in _card_sources(Path(cards_dir), progress, editions, own):
        yield from quads(name, triples)
    if ontology is not None:
        yield from quads("ontology", Graph().parse(ontology, format="turtle"))
    described = dict(sorted(summaries.items()))
    metadata = dataset_metadata(described, digest.hexdigest(), own)
    yield from quads("metadata", metadata, describe=False)


@dataclass
class Converted:
    """The converted dataset twice: as sets of rdflib triples per graph name (what validation
    and the tests read) and as pyoxigraph quads, unsorted (what a store loads)."""

    graphs: dict[str, set[Triple]]
    quads: list[ox.Quad]


def convert(
    cards_dir: Path,
    ontology: Path | None = ONTOLOGY_FILE,
    progress: Callable[[str], None] | None = None,
    editions: Sequence[Path] = (),
) -> Converted:
    """Convert the cards and data files of ``cards_dir`` (plus the ontology) and of the
    organisations' edition folders ``editions``, keeping both forms in memory (see
    :func:`iter_quads` to stream the quads instead)."""
    graphs: dict[str, set[Triple]] = {}
    quads = list(iter_quads(cards_dir, ontology, keep=graphs, progress=progress, editions=editions))
    return Converted(dict(sorted(graphs.items())), quads)


def to_dataset(graphs: dict[str, set[Triple]]) -> Dataset:
    """An rdflib Dataset of these graphs (what pyshacl validates)."""
    ds = Dataset()
    for name, content in graphs.items():
        target = ds.graph(uri(iris.graph(name)))
        target.addN((s, p, o, target) for s, p, o in content)
    return ds


def convert_all(cards_dir: Path, ontology: Path | None = ONTOLOGY_FILE) -> Dataset:
    """The whole dataset: one named graph per edition, ``ecf``, ``ontology`` and ``metadata``."""
    return to_dataset(convert(cards_dir, ontology).graphs)
