"""The SHACL shapes against hand-written fixtures.

Each fixture under ``tests/fixtures/shapes/`` is loaded on top of ``base.ttl`` (editions, e-CF
versions, levels). A valid fixture must produce no result at all; an invalid fixture holds one
defect and lists, in ``# expect: <Severity> <shape> <focus>`` header lines, exactly the results it
must produce (focus IRIs relative to https://w3id.org/nomengraph/id/).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from nomengraph import iris
from nomengraph.validate import Report, load_shapes, validate_graph


def named_shapes(shapes: Graph) -> list[URIRef]:
    """The shapes named by an IRI (node shapes and named property shapes)."""
    found: set[URIRef] = set()
    for cls in (SH.NodeShape, SH.PropertyShape):
        found.update(s for s in shapes.subjects(RDF.type, cls) if isinstance(s, URIRef))
    return sorted(found)


FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = FIXTURES / "base.ttl"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (Violation|Warning|Info) ng-shapes:(\w+) <([^>]*)>\s*$")


@cache
def shapes() -> Graph:
    return load_shapes()


def fixture_graph(path: Path) -> Graph:
    graph = Graph()
    graph.parse(BASE, format="turtle")
    graph.parse(path, format="turtle")
    return graph


def run(path: Path) -> Report:
    return validate_graph(fixture_graph(path), shapes=shapes())


def expected(path: Path) -> Counter[tuple[str, str, str]]:
    out: Counter[tuple[str, str, str]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            m = EXPECT.match(line)
            assert m, f"{path.name}: malformed expect line {line!r}"
            severity, shape, focus = m.groups()
            out[(severity, URIRef(iris.SHAPES + shape), iris.ID + focus)] += 1
    return out


def found(report: Report) -> Counter[tuple[str, str, str]]:
    return Counter((r.severity, URIRef(r.shape), r.focus) for r in report.results)


def test_fixtures_exist() -> None:
    assert BASE.is_file()
    assert len(VALID) >= 3
    assert len(INVALID) >= len(named_shapes(shapes()))


def test_base_conforms_alone() -> None:
    report = validate_graph(Graph().parse(BASE, format="turtle"), shapes=shapes())
    assert report.results == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_has_no_result(path: Path) -> None:
    report = run(path)
    assert report.conforms
    assert report.results == [], report.to_table()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_the_expected_results(path: Path) -> None:
    want = expected(path)
    assert want, f"{path.name} has no '# expect:' line"
    report = run(path)
    assert found(report) == want, report.to_table()
    assert report.conforms == all(sev != "Violation" for sev, _, _ in want)


def _targets(shape: URIRef, graph: Graph, shapes_graph: Graph) -> set:
    """Focus nodes of a shape in ``graph`` (the target kinds our shapes use)."""
    nodes: set = set()
    for cls in shapes_graph.objects(shape, SH.targetClass):
        classes = {cls, *graph.transitive_subjects(RDFS.subClassOf, cls)}
        for c in classes:
            nodes.update(graph.subjects(RDF.type, c))
    for prop in shapes_graph.objects(shape, SH.targetSubjectsOf):
        nodes.update(graph.subjects(prop, None))
    for prop in shapes_graph.objects(shape, SH.targetObjectsOf):
        nodes.update(graph.objects(None, prop))
    nodes.update(shapes_graph.objects(shape, SH.targetNode))
    for parent in shapes_graph.subjects(SH.property, shape):  # property shape of a node shape
        nodes.update(_targets(parent, graph, shapes_graph))
    return nodes


def test_every_shape_is_documented() -> None:
    g = shapes()
    for shape in named_shapes(g):
        assert g.value(shape, SH.name) is not None, shape
        assert g.value(shape, SH.description) or g.value(shape, RDFS.comment), shape
        parts = [shape, *g.objects(shape, SH.sparql), *g.objects(shape, SH.property)]
        messages = {m for part in parts for m in g.objects(part, SH.message)}
        assert any(getattr(m, "language", None) == "en" for m in messages), shape


def test_every_shape_has_an_invalid_fixture_hitting_it() -> None:
    hit = {shape for path in INVALID for (_, shape, _) in expected(path)}
    missing = [str(s) for s in named_shapes(shapes()) if s not in hit]
    assert not missing, f"shapes without invalid fixture: {missing}"


def test_every_shape_has_a_valid_fixture_exercising_it() -> None:
    g = shapes()
    covered: set = set()
    for path in VALID:
        graph = fixture_graph(path)
        covered.update(s for s in named_shapes(g) if _targets(s, graph, g))
    missing = [str(s) for s in named_shapes(g) if s not in covered]
    assert not missing, f"shapes with no focus node in any valid fixture: {missing}"


def test_expected_shapes_exist() -> None:
    known = set(named_shapes(shapes()))
    for path in INVALID:
        for _, shape, _ in expected(path):
            assert URIRef(shape) in known, f"{path.name}: unknown shape {shape}"
