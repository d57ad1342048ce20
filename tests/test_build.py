"""Build = convert + validate + load, on a real on-disk Oxigraph store, atomically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import memory_copy
from nomengraph import iris, resources
from nomengraph.build import run_build, store_stats
from nomengraph.store import (
    OxigraphStore,
    StoreError,
    build_store,
    current_generation,
    generations_dir,
)
from test_remote import cli

ROOT = Path(__file__).parents[1]
CARDS = resources.CARDS


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The project's whole graph built into a store on disk."""
    root = tmp_path_factory.mktemp("build")
    out = cli("build", "--store", str(root / "store"), "--out", str(root / "dist"))
    assert out.returncode == 0, out.stderr + out.stdout
    return root


def small_cards(tmp_path: Path, numbers=("2.6", "5.1", "8.3")) -> Path:
    """A small, valid card folder: three 2018 jobs and the e-CF data."""
    cards = tmp_path / "cards"
    (cards / "cigref-2018").mkdir(parents=True)
    shutil.copytree(CARDS / "ecf", cards / "ecf")
    for n in numbers:
        shutil.copy(CARDS / "cigref-2018" / f"{n}.yaml", cards / "cigref-2018" / f"{n}.yaml")
    return cards


def generations(store: Path) -> list[str]:
    """The generations kept beside ``store`` (sorted ids)."""
    gens = generations_dir(store)
    return sorted(e.name for e in gens.iterdir() if not e.is_symlink() and e.name != ".lock")


def test_build_loads_every_named_graph(built):
    store = OxigraphStore.open(built / "store")
    graphs = store.named_graphs()
    for name in ("cigref-2010", "cigref-2018", "sic", "ecf", "ontology", "metadata"):
        assert iris.graph(name) in graphs
    total = sum(store.graph_sizes().values())
    nq_lines = (built / "dist" / "nomengraph.nq").read_text(encoding="utf-8").count("\n")
    assert total == nq_lines > 15_000


def test_stats_counts_jobs_and_requirements_per_edition(built):
    out = cli("stats", "--store", str(built / "store"))
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines() if line}
    assert rows["cigref-2010"] == ["33", "311"]
    assert rows["cigref-2018"] == ["50", "399"]
    assert rows["sic"] == ["44", "0"]
    assert store_stats(built / "store") == out.stdout.rstrip("\n")


def test_the_store_answers_sparql_over_the_union_of_graphs(built):
    store = OxigraphStore.open(built / "store")
    query = """
        PREFIX ng: <https://w3id.org/nomengraph/def/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label WHERE { GRAPH ?g {
          ?job skos:notation "2.6" ; skos:prefLabel ?label ;
               skos:inScheme <https://w3id.org/nomengraph/id/scheme/cigref-2018> } }
    """
    assert [s["label"].value for s in store.query(query)] == ["Product Owner"]
    memory = memory_copy(built / "store")
    assert memory.count() == store.count()


def test_violations_stop_the_build_and_keep_the_previous_store(tmp_path):
    cards = small_cards(tmp_path)
    store = tmp_path / "store"
    first = run_build(cards, store)
    assert first.report.conforms and store.exists()
    before = OxigraphStore.open(store).count()
    # A 2018 job with a card but no competence: valid YAML and schema, a SHACL violation.
    path = cards / "cigref-2018" / "2.6.yaml"
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    card["competences"] = []
    path.write_text(yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = cli("build", "--cards", str(cards), "--store", str(store))
    assert out.returncode == 1
    assert "cigref-2018/2.6.yaml" in out.stdout
    assert "left as it was" in out.stderr
    assert OxigraphStore.open(store).count() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store-generations", "cards", "store"]
    assert generations(store) == [current_generation(store)]


def test_malformed_card_is_data_that_does_not_conform_naming_the_file(tmp_path):
    cards = small_cards(tmp_path)
    (cards / "cigref-2018" / "5.1.yaml").write_text("id: [broken\n", encoding="utf-8")
    result = run_build(cards, tmp_path / "store")
    assert not result.report.conforms
    assert [(Path(p.file).name, p.line) for p in result.report.problems] == [("5.1.yaml", 2)]
    assert not (tmp_path / "store").exists()
    out = cli("build", "--cards", str(cards), "--store", str(tmp_path / "store"))
    assert out.returncode == 1 and "5.1.yaml:2" in out.stdout
    assert "1 card format error(s)" in out.stderr


def test_broken_load_keeps_the_previous_store(tmp_path):
    store = tmp_path / "store"
    good = (
        b"<http://example.org/s> <http://example.org/p> <http://example.org/o> "
        b"<http://example.org/g> .\n"
    )
    assert build_store(good, store) == {"http://example.org/g": 1}
    with pytest.raises(StoreError, match="line 2"):
        build_store(good + b"<http://example.org/s> <broken\n", store)
    assert OxigraphStore.open(store).count() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store-generations", "store"]
    assert generations(store) == [current_generation(store)]


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        OxigraphStore.open(tmp_path / "nothing")
    out = cli("stats", "--store", str(tmp_path / "nothing"))
    assert out.returncode == 2 and "nomengraph build" in out.stderr
