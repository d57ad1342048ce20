"""The project's mappings as RDF: the SKOS triples and one ``sssom:Mapping`` node a row."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.link.prefixes import SSSOM
from nomengraph.link.sssom import MappingSet, read_mappings
from nomengraph.vocab import DCTERMS, NG, OWL, RDF, RDFS, XSD

SSSOM_NS = {
    t: URIRef(SSSOM + t)
    for t in (
        "Mapping",
        "MappingSet",
        "NoTermFound",
        "mappings",
        "mapping_justification",
        "confidence",
        "author_id",
        "reviewer_id",
        "subject_label",
        "object_label",
        "comment",
        "mapping_set_id",
    )
}

CONTINUES_SET = "cigref-2010-2018"
"""The set whose rows (CIGREF 2018 job → the 2010 job it carries on) also give ``ng:continues``."""


def mapping_iri(set_name: str, subject: str, obj: str) -> str:
    """One row's node (minted by :func:`nomengraph.iris.mapping`)."""
    return iris.mapping(set_name, subject, obj)


def mapping_set_iri(set_name: str) -> str:
    """A set's node (minted by :func:`nomengraph.iris.mapping_set`)."""
    return iris.mapping_set(set_name)


def mapping_set_graph(mset: MappingSet, graph: Graph | None = None) -> Graph:
    """The RDF of one mapping set (see :func:`mappings_graph`)."""
    g = graph if graph is not None else Graph()
    set_node = URIRef(str(mset.metadata.get("mapping_set_id") or mapping_set_iri(mset.name)))
    g.add((set_node, RDF.type, SSSOM_NS["MappingSet"]))
    if mset.metadata.get("mapping_set_title"):
        g.add(
            (set_node, DCTERMS.title, Literal(str(mset.metadata["mapping_set_title"]), lang="en"))
        )
    if mset.metadata.get("mapping_set_description"):
        text = str(mset.metadata["mapping_set_description"])
        g.add((set_node, DCTERMS.description, Literal(text, lang="en")))
    if mset.metadata.get("license"):
        g.add((set_node, DCTERMS.license, URIRef(str(mset.metadata["license"]))))
    for row in mset.rows:
        s = URIRef(mset.expand(row.subject_id))
        p = URIRef(mset.expand(row.predicate_id))
        o = SSSOM_NS["NoTermFound"] if row.no_match else URIRef(mset.expand(row.object_id))
        node = URIRef(mapping_iri(mset.name, str(s), str(o)))
        g.add((set_node, SSSOM_NS["mappings"], node))
        g.add((node, RDF.type, SSSOM_NS["Mapping"]))
        g.add((node, OWL.annotatedSource, s))
        g.add((node, OWL.annotatedProperty, p))
        g.add((node, OWL.annotatedTarget, o))
        g.add(
            (
                node,
                SSSOM_NS["mapping_justification"],
                URIRef(mset.expand(row.mapping_justification)),
            )
        )
        if row.confidence is not None:
            g.add((node, SSSOM_NS["confidence"], Literal(row.confidence, datatype=XSD.double)))
        for key in ("author_id", "reviewer_id"):
            value = getattr(row, key)
            if value:
                g.add((node, SSSOM_NS[key], URIRef(mset.expand(value))))
        if row.subject_label:
            g.add((node, SSSOM_NS["subject_label"], Literal(row.subject_label)))
        if row.object_label:
            g.add((node, SSSOM_NS["object_label"], Literal(row.object_label)))
        if row.comment:
            g.add((node, RDFS.comment, Literal(row.comment, lang="en")))
        if row.no_match:
            continue
        g.add((s, p, o))
        if mset.name == CONTINUES_SET and row.predicate_id != "skos:relatedMatch":
            g.add((s, NG.continues, o))
    return g


def mappings_graph(mappings_dir: str | Path) -> Graph:
    """The project's mappings as RDF, for the named graph ``graph/mappings``.

    For each row: the SKOS triple ``subject skos:xMatch object`` (so plain SKOS tools see the
    link), and a ``sssom:Mapping`` node (IRI from the set and the pair) in the style of the SSSOM
    RDF serialisation: ``owl:annotatedSource`` / ``owl:annotatedProperty`` /
    ``owl:annotatedTarget`` plus ``sssom:mapping_justification``, ``sssom:confidence``,
    ``sssom:author_id``, ``sssom:reviewer_id``, labels and ``rdfs:comment``; the set is a
    ``sssom:MappingSet`` linked to its rows by ``sssom:mappings``. A "no match" row has
    ``owl:annotatedTarget sssom:NoTermFound`` and no SKOS triple. The cross-edition set also
    gives ``ng:continues`` (CIGREF 2018 job → the 2010 job it carries on).
    """
    g = Graph()
    for mset in read_mappings(mappings_dir):
        mapping_set_graph(mset, g)
    return g
