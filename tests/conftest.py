"""Shared fixtures: stores built once per test session (a small one, and the reference build)
and the web application over the reference build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nomengraph import resources

CARDS = resources.CARDS
SMALL_JOBS = ("2.6", "5.1", "8.3")  # three CIGREF 2018 jobs (with the e-CF data)


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store built from three 2018 cards and the e-CF data (about 4,600 triples).

    Treat it as read-only: copy it (``shutil.copytree``) before opening it for writing.
    """
    from nomengraph.build import run_build

    root = tmp_path_factory.mktemp("small-store")
    cards = root / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(CARDS / "ecf", cards / "ecf")
    for number in SMALL_JOBS:
        shutil.copy(CARDS / "cigref-2018" / f"{number}.yaml", cards / "cigref-2018")
    result = run_build(cards, root / "store")
    assert result.report.conforms
    return root / "store"


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store of the default build: every reference nomenclature, the e-CF
    frameworks, the mappings and the labels of linked concepts, as `nomengraph build` makes it
    from any folder. Read-only: copy it before opening it for writing."""
    from nomengraph.build import run_build

    root = tmp_path_factory.mktemp("reference-store")
    result = run_build(CARDS, root / "store", mappings_dir=resources.MAPPINGS)
    assert result.report.conforms
    return root / "store"


@pytest.fixture(scope="session")
def reference_app(reference_store: Path):
    """The web application (pages, search, SPARQL) over the reference build, one query worker."""
    from nomengraph.server import create_app

    app = create_app(store=reference_store, processes=1)
    yield app
    app.extensions["nomengraph"].close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--wheel",
        action="store_true",
        help="also run the tests marked 'wheel': build the wheel, install it in a fresh virtual "
        "environment and run the commands from an empty folder (CI does; a few minutes)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--wheel"):
        return
    skip = pytest.mark.skip(reason="the wheel smoke test runs with --wheel (CI runs it)")
    for item in items:
        if "wheel" in item.keywords:
            item.add_marker(skip)


def memory_copy(path: Path):
    """An on-disk store loaded into an in-memory :class:`~nomengraph.store.OxigraphStore` (to
    change it freely, or scan it faster)."""
    import pyoxigraph as ox

    from nomengraph.store import OxigraphStore

    disk = OxigraphStore.open(path)
    memory = ox.Store()
    memory.bulk_extend(disk.store.quads_for_pattern(None, None, None, None))
    return OxigraphStore(memory, None)


def ox_quads(quads):
    """rdflib quads (subject, predicate, object, graph IRI) as pyoxigraph quads, in their order."""
    import pyoxigraph as ox

    from nomengraph.convert import to_oxigraph_term

    for s, p, o, g in quads:
        yield ox.Quad(
            to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.NamedNode(str(g))
        )


def graph_triples(remote, graph: str) -> bytes:
    """The triples of a remote store's ``graph`` as N-Triples (a CONSTRUCT through its
    query endpoint)."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return remote.query_raw(query, "application/n-triples")[1]
