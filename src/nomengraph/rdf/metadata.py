"""The ``metadata`` graph: the dataset (VoID + DCAT), one subset per named graph, the source
documents with their attribution, and what is gathered of each graph while its quads go by
(its triple count, root resources and sources, and the order-free digest of the content)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from nomengraph import iris
from nomengraph.rdf.cards import own_edition_metadata
from nomengraph.rdf.catalogue import EDITIONS, GRAPH_TITLES, PROJECT, SOURCES
from nomengraph.rdf.terms import Triple, fr, integer, plain, tagged, uri
from nomengraph.vocab import DCAT, DCTERMS, NG, OWL, PROV, RDF, VOID, XSD


def source_documents(keys: Iterable[str]) -> list[Triple]:
    """Descriptions of the source documents (title, publisher, rights, file, sha256)."""
    t: list[Triple] = []
    for key in sorted(set(keys)):
        doc = uri(iris.source_document(key))
        t += [(doc, RDF.type, PROV.Entity)]
        src = SOURCES.get(key)
        if src is None:
            continue
        t += [
            (doc, DCTERMS.title, tagged(src["title"], src["lang"])),
            (doc, DCTERMS.publisher, plain(src["publisher"])),
            (doc, DCTERMS.rights, tagged(src["rights"], src["lang"])),
            (doc, NG.sourceFile, plain(src["file"])),
            (doc, NG.sha256, plain(src["sha256"])),
        ]
    return t


def dataset_metadata(
    graphs: dict[str, GraphSummary],
    digest: str,
    own_editions: dict[str, dict[str, Any]] | None = None,
) -> list[Triple]:
    """The ``metadata`` graph: the dataset (VoID + DCAT), one subset per named graph with its
    triple count, the sources with their attribution.

    ``digest`` identifies the content (:class:`Digest`, independent of order), so that the
    description changes exactly when the data does; ``dcterms:created`` is the year of the
    newest edition, not the wall clock, to keep exports byte-stable.
    """
    root = uri(iris.dataset())
    t: list[Triple] = [
        (root, RDF.type, VOID.Dataset),
        (root, RDF.type, DCAT.Dataset),
        (root, DCTERMS.title, tagged(PROJECT["title_fr"], "fr")),
        (root, DCTERMS.title, tagged(PROJECT["title_en"], "en")),
        (root, DCTERMS.description, tagged(PROJECT["description_fr"], "fr")),
        (root, DCTERMS.description, tagged(PROJECT["description_en"], "en")),
        (root, DCTERMS.license, uri(PROJECT["license"])),
        (root, DCTERMS.identifier, plain(f"sha256:{digest}")),
        (root, VOID.vocabulary, uri(iris.DEF)),
        (root, VOID.uriSpace, plain(iris.ID)),
    ]
    years = [m["issued"] for name, m in EDITIONS.items() if name in graphs and m["issued"]]
    if years:
        t.append((root, DCTERMS.created, Literal(max(years), datatype=XSD.gYear)))
    used_sources: set[str] = set()
    for name, graph in sorted(graphs.items()):
        sub = uri(iris.graph(name))
        t += [
            (root, VOID.subset, sub),
            (sub, RDF.type, VOID.Dataset),
            (sub, VOID.triples, integer(graph.triples)),
        ]
        titles = GRAPH_TITLES.get(name)
        if titles:
            t += [
                (sub, DCTERMS.title, fr(titles[0])),
                (sub, DCTERMS.title, tagged(titles[1], "en")),
            ]
        t += [(sub, VOID.rootResource, s) for s in sorted(graph.schemes)]
        meta = EDITIONS.get(name)
        if meta:
            src = SOURCES[meta["source"]]
            t += [
                (sub, DCTERMS.publisher, plain(meta["publisher"])),
                (sub, DCTERMS.rights, tagged(src["rights"], src["lang"])),
            ]
            if meta["version"]:
                t.append((sub, OWL.versionInfo, plain(meta["version"])))
        own = (own_editions or {}).get(name)
        if own:  # an organisation's edition: as its edition.yaml says
            said = (DCTERMS.title, DCTERMS.publisher, DCTERMS.license, OWL.versionInfo)
            t += [(sub, p, o) for _, p, o in own_edition_metadata(own) if p in said]
        if name == "ontology":
            t.append((sub, DCTERMS.license, uri(PROJECT["license"])))
        for doc in sorted(graph.sources):
            if str(doc).startswith(iris.ID + "source/"):
                t.append((sub, DCTERMS.source, doc))
                used_sources.add(str(doc)[len(iris.ID + "source/") :])
        if name == "ecf":
            t.append((sub, DCTERMS.rights, tagged("e-CF (EN 16234-1, CWA 16234) © CEN.", "en")))
    for key in sorted(used_sources):
        t.append((root, DCTERMS.source, uri(iris.source_document(key))))
    t += source_documents(used_sources)
    return t


@dataclass
class GraphSummary:
    """What the ``metadata`` graph says of a named graph, gathered while its quads go by."""

    triples: int = 0
    schemes: set[URIRef] = field(default_factory=set)  # its root resources (VoID)
    sources: set[URIRef] = field(default_factory=set)  # objects of prov:wasDerivedFrom


class Digest:
    """sha256 of a set of quads, independent of their order: the sum, modulo 2**256, of the
    sha256 of each quad's N-Quads line. Equal sets give equal digests, and any change of the
    set changes it, without sorting (or even keeping) the quads."""

    def __init__(self) -> None:
        self.value = 0

    def add(self, line_hash: bytes) -> None:
        self.value = (self.value + int.from_bytes(line_hash, "big")) % (1 << 256)

    def hexdigest(self) -> str:
        return f"{self.value:064x}"
