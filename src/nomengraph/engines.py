"""The SHACL engines and the data they validate: the data graphs as one in-memory pyoxigraph
store, pyshacl-turbo or pySHACL run on it, and what the messages read from the data (job titles,
admissible levels). See :mod:`nomengraph.validate` for why no inference is run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import SKOS, XSD
from rdflib.term import Node

from nomengraph import iris
from nomengraph.messages import LEVEL

ENGINES = ("turbo", "pyshacl")
"""The SHACL engines :func:`validate_graph` can run, the default first: ``turbo`` is
pyshacl-turbo (a Rust engine with pySHACL's API), ``pyshacl`` the reference it is checked against
(the same results one by one, ``tests/test_engines.py``)."""

DEFAULT_ENGINE = ENGINES[0]

DataInput = Graph | Dataset | Iterable[Graph] | Iterable[ox.Quad]
"""What :func:`validate_graph` validates: an rdflib graph or dataset, rdflib graphs, or
pyoxigraph quads (as :func:`nomengraph.convert.convert` gives them)."""


class _Terms:
    """rdflib terms as pyoxigraph terms, each IRI converted once (IRIs recur)."""

    def __init__(self) -> None:
        self.iris: dict[URIRef, ox.NamedNode] = {}

    def __call__(self, node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, URIRef):
            found = self.iris.get(node)
            if found is None:
                found = self.iris[node] = ox.NamedNode(str(node))
            return found
        if isinstance(node, BNode):
            return ox.BlankNode(str(node))
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            datatype = node.datatype or XSD.string
            return ox.Literal(str(node), datatype=self(URIRef(datatype)))
        raise ValueError(f"not an RDF term: {node!r}")


def data_store(data: DataInput) -> ox.Store:
    """One in-memory pyoxigraph store holding, in its default graph, every triple of the data:
    the union of a dataset's named graphs except the vocabulary's own graph (given to the engine
    separately, as the ontology). Both engines validate this store, so they read the same triples;
    the shapes need to see jobs, e-CF and matrix together."""
    skip = iris.graph("ontology")
    store = ox.Store()
    if isinstance(data, Dataset | ConjunctiveGraph):
        term, skip_ref = _Terms(), URIRef(skip)
        triples = (
            (s, p, o)
            for s, p, o, g in data.quads((None, None, None, None))
            if g is None or getattr(g, "identifier", g) != skip_ref
        )
    elif isinstance(data, Graph):
        term, triples = _Terms(), iter(data)
    else:
        items = list(data)
        if all(isinstance(q, ox.Quad) for q in items):
            store.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object)
                for q in items
                if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == skip)
            )
            return store
        term = _Terms()
        triples = (t for g in items for t in g)
    store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in triples)
    return store


def run_engine(engine: str, store: ox.Store, shapes: Graph, ont: Graph | None, inference: str):
    options: dict[str, Any] = dict(
        shacl_graph=shapes,
        ont_graph=ont,
        inference=inference,
        advanced=False,
        allow_warnings=True,
        allow_infos=True,
    )
    if engine == "turbo":
        import pyshacl_turbo
        from pyshacl_turbo.errors import ReportableRuntimeError as TurboError

        try:
            return pyshacl_turbo.validate(store, **options)
        except TurboError as exc:
            raise ValueError(f"SHACL validation failed: {exc}") from None
    if engine == "pyshacl":
        import pyshacl
        from pyshacl.errors import ReportableRuntimeError

        try:
            return pyshacl.validate(store, **options)
        except ReportableRuntimeError as exc:
            raise ValueError(f"SHACL validation failed: {exc}") from None
    raise ValueError(f"unknown SHACL engine {engine!r} ({' or '.join(ENGINES)})")


def job_titles(store: ox.Store) -> dict[str, str]:
    """The title of each job of the data (its French label, or any other)."""
    found: dict[str, str] = {}
    query = (
        f"SELECT ?j ?t WHERE {{ ?j a <{iris.DEF}Job> ; <{SKOS.prefLabel}> ?t }} "
        "ORDER BY DESC(LANG(?t) = 'fr') ?t"
    )
    for row in store.query(query):
        found.setdefault(row["j"].value, row["t"].value)
    return found


def admissible_levels(store: ox.Store) -> dict[str, list[int]]:
    """The levels the data's e-CF defines for each competence (IRI → level numbers)."""
    found: dict[str, list[int]] = {}
    query = "SELECT ?c ?l WHERE { ?c <" + iris.DEF + "admissibleLevel> ?l }"
    for row in store.query(query):
        m = LEVEL.match(row["l"].value)
        if m and m.group("n").isdigit():
            found.setdefault(row["c"].value, []).append(int(m.group("n")))
    return found
