"""The vocabulary: the ontology parses, every term is documented in French and English, and the
terms used by the code and the SHACL shapes are exactly the terms the ontology declares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from nomengraph import iris, resources
from nomengraph.vocab import NG, ONTOLOGY, ONTOLOGY_FILE, OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "nomengraph"
SHAPES = resources.SHAPES

# Declared for stages that are not written yet; each needs a reason to be here.
RESERVED = {
    "ChangeStatus": "class of the change-status individuals, which the converter uses",
}

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def declared(graph: Graph) -> set[str]:
    return {
        str(s)[len(iris.DEF) :]
        for kind in TERM_KINDS
        for s in graph.subjects(RDF.type, kind)
        if str(s).startswith(iris.DEF)
    }


def code_terms() -> set[str]:
    """``NG.x`` in the package's Python code (vocab.py, which declares them, aside)."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name != "vocab.py":
            found |= set(re.findall(r"\bNG\.([A-Za-z_][A-Za-z0-9_]*)", path.read_text("utf-8")))
    return found


def shape_terms() -> set[str]:
    found: set[str] = set()
    for path in sorted(SHAPES.glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(iris.DEF):
                    found.add(str(term)[len(iris.DEF) :])
                elif isinstance(term, Literal):  # SPARQL constraints name terms as ng:x
                    found |= set(re.findall(r"\bng:([A-Za-z_][A-Za-z0-9_]*)", str(term)))
    found.discard("")
    return found


def test_ontology_parses_and_describes_itself(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    from nomengraph.vocab import DCTERMS

    for pred in (DCTERMS.title, DCTERMS.description):
        langs = {o.language for o in ontology.objects(ONTOLOGY, pred)}
        assert langs == {"fr", "en"}, pred
    assert ontology.value(ONTOLOGY, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.license) is not None


def test_ontology_has_no_blank_nodes(ontology: Graph) -> None:
    assert not [t for t in ontology if any(isinstance(x, BNode) for x in t)]


def test_every_term_has_label_and_comment_in_french_and_english(ontology: Graph) -> None:
    missing = []
    for name in sorted(declared(ontology)):
        term = URIRef(iris.DEF + name)
        for pred in (RDFS.label, RDFS.comment):
            langs = sorted(o.language or "" for o in ontology.objects(term, pred))
            if langs != ["en", "fr"]:
                missing.append(f"{name} {pred.n3()}: {langs}")
    assert not missing, "\n".join(missing)


def test_python_namespace_matches_ontology(ontology: Graph) -> None:
    in_python = {name for name in NG.__annotations__}
    assert in_python == declared(ontology)


def test_unknown_term_raises() -> None:
    with pytest.raises(AttributeError):
        NG.Jobb  # noqa: B018


def test_terms_used_by_code_are_declared(ontology: Graph) -> None:
    assert code_terms() - declared(ontology) == set()


def test_terms_used_by_shapes_are_declared(ontology: Graph) -> None:
    if not list(SHAPES.glob("*.ttl")):
        pytest.skip("no SHACL shapes yet")
    assert shape_terms() - declared(ontology) == set()


def test_every_declared_term_is_used(ontology: Graph) -> None:
    used = code_terms() | (shape_terms() if SHAPES.is_dir() else set())
    unused = declared(ontology) - used - set(RESERVED)
    assert unused == set(), f"declared but used neither by code nor by shapes: {sorted(unused)}"


def test_properties_have_ranges(ontology: Graph) -> None:
    props = [
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in ontology.subjects(RDF.type, kind)
    ]
    assert [p for p in props if ontology.value(p, RDFS.range) is None] == []


def test_reused_vocabularies_anchor_the_classes(ontology: Graph) -> None:
    from nomengraph.vocab import PROV, SCHEMA, SKOS

    expected = {
        NG.Nomenclature: SKOS.ConceptScheme,
        NG.CompetenceFramework: SKOS.ConceptScheme,
        NG.Job: SCHEMA.Occupation,
        NG.JobFamily: SKOS.Concept,
        NG.Competence: SKOS.Concept,
        NG.SourceExtract: PROV.Entity,
    }
    for cls, parent in expected.items():
        assert (cls, RDFS.subClassOf, parent) in ontology
    assert (NG.family, RDFS.subPropertyOf, SKOS.broader) in ontology
    assert (NG.area, RDFS.subPropertyOf, SKOS.broader) in ontology
    assert (NG.continues, RDFS.subPropertyOf, SKOS.related) in ontology
