"""rdflib terms → pyoxigraph terms and quads (what the store loads and the exports write)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from nomengraph import iris
from nomengraph.vocab import XSD


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.Literal:
    """An rdflib IRI or literal as a pyoxigraph term (datatype xsd:string when untyped)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise ValueError(f"not an IRI or literal: {term!r}")


def graph_ox_quads(graph: Graph, name: str) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads in the named graph ``name``."""
    target = ox.NamedNode(iris.graph(name))
    term = TermConverter()
    for s, p, o in graph:
        yield ox.Quad(term(s), term(p), term(o), target)


class TermConverter:
    """:func:`to_oxigraph_term`, converting each IRI once (IRIs recur: predicates, classes,
    shared subjects); literals, mostly distinct, are converted each time."""

    def __init__(self) -> None:
        self.iris: dict[URIRef, ox.NamedNode] = {}

    def __call__(self, node: Node) -> ox.NamedNode | ox.Literal:
        if isinstance(node, URIRef):
            found = self.iris.get(node)
            if found is None:
                found = self.iris[node] = ox.NamedNode(str(node))
            return found
        return to_oxigraph_term(node)
