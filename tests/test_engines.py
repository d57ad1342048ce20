"""The default SHACL engine (pyshacl-turbo) against the reference (pyshacl): the same results,
one by one, on the real graph and on every shape fixture; and validation leaves rdflib as it is.

A result is compared by severity, focus node, path, value, named shape and constraint component
(and, on the real graph, by the card file, line and field it is traced to). Messages are not
compared: pyshacl picks one of a SPARQL constraint's messages (English or French) at random.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph

from nomengraph import resources
from nomengraph.convert import convert
from nomengraph.validate import (
    DEFAULT_ENGINE,
    ENGINES,
    Report,
    Result,
    load_ontology,
    load_shapes,
    map_to_cards,
    run_validate,
    validate_graph,
)

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = FIXTURES / "base.ttl"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
REFERENCE = "pyshacl"
OTHERS = [e for e in ENGINES if e != REFERENCE]


@cache
def shapes() -> Graph:
    return load_shapes()


@cache
def ontology() -> Graph:
    return load_ontology()


def key(result: Result) -> tuple[str, ...]:
    location = result.location
    where = (location.file, str(location.line), location.field) if location else ("", "", "")
    return (
        result.severity,
        result.focus,
        result.path or "",
        result.value or "",
        result.shape,
        result.component,
        *where,
    )


def results(report: Report) -> Counter[tuple[str, ...]]:
    return Counter(key(r) for r in report.results)


def differences(reference: Report, other: Report) -> list[str]:
    """The results one report has and the other has not, as readable lines."""
    ref, got = results(reference), results(other)
    return [f"only {REFERENCE}: {k}" for k in (ref - got).elements()] + [
        f"only the other: {k}" for k in (got - ref).elements()
    ]


def run(graph: Graph | list, engine: str) -> Report:
    return validate_graph(graph, shapes=shapes(), ontology=ontology(), engine=engine)


def test_the_default_engine_is_not_the_reference() -> None:
    assert DEFAULT_ENGINE != REFERENCE and DEFAULT_ENGINE in ENGINES and REFERENCE in ENGINES


def test_differences_are_seen() -> None:
    # the comparison itself: one changed field in one result is a difference on both sides
    graph = Graph().parse(BASE).parse(FIXTURES / "invalid" / "requirement-level-six.ttl")
    report = run(graph, REFERENCE)
    assert report.results
    first, *rest = report.results
    changed = Report([replace(first, value="something else"), *rest], report.graph)
    assert len(differences(report, changed)) == 2
    assert differences(report, report) == []


@pytest.mark.parametrize("engine", OTHERS)
@pytest.mark.parametrize("path", INVALID + VALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_results_on_every_fixture(path: Path, engine: str) -> None:
    graph = Graph().parse(BASE).parse(path)
    reference, other = run(graph, REFERENCE), run(graph, engine)
    if path in INVALID:
        assert reference.results, f"{path.name}: the reference finds nothing"
    assert differences(reference, other) == []
    assert other.conforms == reference.conforms


@pytest.mark.parametrize("engine", OTHERS)
def test_same_results_on_the_real_graph(engine: str) -> None:
    cards = resources.CARDS
    quads = convert(cards).quads
    reference = map_to_cards(run(quads, REFERENCE), cards)
    other = map_to_cards(run(quads, engine), cards)
    # the reference cards record source faults as warnings and infos, located in their cards
    assert reference.warnings and reference.infos
    assert all(r.location is not None for r in reference.results)
    assert differences(reference, other) == []
    assert other.conforms == reference.conforms


@pytest.mark.parametrize("engine", ENGINES)
def test_validation_leaves_rdflib_as_it_is(engine: str) -> None:
    from rdflib.plugins.sparql import algebra, processor

    query, reorder = processor.SPARQLProcessor.query, algebra.reorderTriples
    graph = Graph().parse(BASE).parse(FIXTURES / "invalid" / "matrix-level-differs.ttl")
    assert run(graph, engine).warnings
    assert processor.SPARQLProcessor.query is query
    assert algebra.reorderTriples is reorder


def test_an_unknown_engine_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine 'nope'"):
        validate_graph(Graph(), engine="nope")
    assert run_validate(BASE, "table", "nope") == 2
    assert "unknown engine 'nope'" in capsys.readouterr().err
