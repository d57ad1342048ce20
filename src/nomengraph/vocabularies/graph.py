"""What an import makes: the triples of a vocabulary's graph, its report, the written file.

:class:`Builder` gathers the triples of one graph (repeated statements merge) and keeps one
``skos:prefLabel`` per concept and language; :class:`ImportReport` says what an import read and
made; :func:`write_graph` writes a graph sorted, so that the same graph gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from nomengraph import iris, prefixes
from nomengraph.convert import to_oxigraph_term
from nomengraph.vocab import SKOS

__all__ = ["OUTPUT_PREFIXES", "Builder", "ImportReport", "Triple", "write_graph"]

Triple = tuple[Node, Node, Node]


@dataclass
class ImportReport:
    """What an import read and made: files, counts, and the faults it settled on its own."""

    vocabulary: str
    version: str
    folder: str
    graph: str
    files: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"{self.vocabulary} {self.version} from {self.folder}",
            f"graph {self.graph}: {self.triples} triples ({self.seconds:.1f} s)",
            f"files read: {', '.join(self.files)}",
        ]
        if self.missing_optional:
            lines.append(f"optional files absent: {', '.join(self.missing_optional)}")
        if self.not_imported:
            lines.append(f"files not imported: {', '.join(self.not_imported)}")
        width = max((len(k) for k in self.counts), default=0)
        lines += [f"  {k:<{width}} {v:>8}" for k, v in self.counts.items()]
        if self.notes:
            lines.append(f"notes ({len(self.notes)}):")
            lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)


class Builder:
    """Triples in a set (so that repeated statements merge), with a guard on prefLabels: one per
    concept and language, the first source read wins, any other is reported."""

    def __init__(self, notes: list[str]) -> None:
        self.triples: set[Triple] = set()
        self.pref: dict[tuple[URIRef, str], tuple[str, str]] = {}
        self.notes = notes

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.add((s, p, o))

    def pref_label(self, s: URIRef, text: str, lang: str, where: str) -> None:
        if not text:
            return
        seen = self.pref.get((s, lang))
        if seen is None:
            self.pref[(s, lang)] = (text, where)
            self.add(s, SKOS.prefLabel, Literal(text, lang=lang))
        elif seen[0] != text:
            self.notes.append(
                f"{where}: second preferredLabel@{lang} for {s} ({text!r}) ignored; "
                f"kept {seen[0]!r} from {seen[1]}"
            )

    def graph(self, name: str) -> Graph:
        g = Graph(identifier=URIRef(iris.graph(name)))
        for triple in self.triples:
            g.add(triple)
        return g


def _ox_triples(graph: Graph) -> Iterator[ox.Triple]:
    for s, p, o in graph:
        yield ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))


OUTPUT_PREFIXES = prefixes.subset(prefixes.IMPORTED)


def write_graph(graph: Graph, path: Path) -> Path:
    """Write ``graph`` sorted, by the file's suffix: ``.nq`` (N-Quads, in the graph's name,
    the default), ``.nt`` (N-Triples) or ``.ttl`` (Turtle). Same graph, same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    triples = sorted(_ox_triples(graph), key=str)
    suffix = path.suffix.lower()
    if suffix == ".ttl":
        ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=OUTPUT_PREFIXES)
    elif suffix == ".nt":
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
    else:
        name = ox.NamedNode(str(graph.identifier))
        quads: Iterable[ox.Quad] = (
            ox.Quad(t.subject, t.predicate, t.object, name) for t in triples
        )
        ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    return path
