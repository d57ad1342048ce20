"""The streamed conversion (cards → pyoxigraph quads, card by card) and the streamed load:
same content as the in-memory conversion, an order-free content digest, bounded batches, and
nothing swapped in when a card fails half-way."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ox_quads
from nomengraph import iris
from nomengraph import store as store_module
from nomengraph.cards import CardError
from nomengraph.convert import Digest, convert, convert_all, dataset_quads, iter_quads
from nomengraph.store import OxigraphStore, StoreError, build_store
from nomengraph.vocab import DCTERMS, VOID

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
EVERY_FIELD = GOLDEN / "every-field" / "cards"
ECF_MATRIX = GOLDEN / "ecf-matrix" / "cards"


def _identifier(quads: list[ox.Quad]) -> str:
    ident, dataset = ox.NamedNode(str(DCTERMS.identifier)), ox.NamedNode(iris.dataset())
    (value,) = [q.object.value for q in quads if q.subject == dataset and q.predicate == ident]
    return value


def test_streamed_quads_are_the_converted_dataset():
    streamed = set(iter_quads(ECF_MATRIX))
    dataset = set(ox_quads(dataset_quads(convert_all(ECF_MATRIX))))
    assert streamed == dataset
    assert len(streamed) > 100


def test_streamed_quads_have_no_duplicates_and_counts_match_the_metadata():
    quads = list(iter_quads(ECF_MATRIX))
    assert len(quads) == len(set(quads))
    per_graph: dict[str, int] = {}
    for q in quads:
        per_graph[q.graph_name.value] = per_graph.get(q.graph_name.value, 0) + 1
    triples = ox.NamedNode(str(VOID.triples))
    said = {q.subject.value: int(q.object.value) for q in quads if q.predicate == triples}
    metadata = iris.graph("metadata")
    assert said == {g: n for g, n in per_graph.items() if g != metadata}


def test_digest_depends_on_the_set_of_quads_not_their_order():
    lines = [
        f'<http://example.org/s{i}> <http://example.org/p> "{i}" .'.encode() for i in range(50)
    ]
    import hashlib

    def digest(items):
        d = Digest()
        for line in items:
            d.add(hashlib.sha256(line).digest())
        return d.hexdigest()

    shuffled = lines[:]
    random.Random(7).shuffle(shuffled)
    assert digest(lines) == digest(shuffled)
    assert digest(lines) != digest(lines[:-1])
    assert digest(lines) != digest([*lines[:-1], b"<http://example.org/other> ."])
    assert len(digest(lines)) == 64


def test_content_identifier_changes_exactly_when_a_card_does(tmp_path):
    cards = tmp_path / "cards"
    shutil.copytree(EVERY_FIELD, cards)
    first = _identifier(list(iter_quads(cards)))
    assert first.startswith("sha256:") and len(first) == len("sha256:") + 64
    assert _identifier(convert(cards).quads) == first  # the in-memory path says the same
    card = next(p for p in cards.rglob("*.yaml"))
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("title:", "title: X", 1), encoding="utf-8")
    assert _identifier(list(iter_quads(cards))) != first
    card.write_text(text, encoding="utf-8")
    assert _identifier(list(iter_quads(cards))) == first


def test_every_card_problem_of_every_folder_is_reported_at_the_end(tmp_path):
    cards = tmp_path / "cards"
    shutil.copytree(ROOT / "tests" / "golden" / "cigref-2010-card" / "cards", cards)
    folders = [p for p in cards.iterdir() if p.is_dir() and p.name not in ("ecf", "matrix")]
    for i, folder in enumerate(folders):
        (folder / f"broken-{i}.yaml").write_text("id: [broken\n", encoding="utf-8")
    (cards / "zz-extra").mkdir()
    (cards / "zz-extra" / "bad.yaml").write_text("id: x\n", encoding="utf-8")
    seen = []
    with pytest.raises(CardError) as info:
        for quad in iter_quads(cards):
            seen.append(quad)
    files = {Path(p.file).name for p in info.value.problems}
    assert {f"broken-{i}.yaml" for i in range(len(folders))} | {"bad.yaml"} <= files
    assert seen, "the good cards went by before the problems were raised"


def test_streamed_load_in_batches_gives_the_same_store(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "LOAD_BATCH", 7)
    sizes = build_store(iter_quads(ECF_MATRIX), tmp_path / "store")
    expected = set(iter_quads(ECF_MATRIX))
    assert sum(sizes.values()) == len(expected)
    store = OxigraphStore.open(tmp_path / "store")
    # the same content as the N-Quads file loaded whole (the store keeps numbers as values:
    # "3"^^xsd:positiveInteger comes back as "3"^^xsd:integer either way)
    whole = ox.Store()
    whole.bulk_load(ox.serialize(expected, format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    assert set(store.store.quads_for_pattern(None, None, None, None)) == set(whole)
    assert store.count() == len(expected)
    assert store.count(iris.graph("ecf")) == sizes[iris.graph("ecf")]


def test_failed_streamed_load_leaves_the_previous_store(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "LOAD_BATCH", 5)
    good = build_store(iter_quads(ECF_MATRIX), tmp_path / "store")
    cards = tmp_path / "cards"
    shutil.copytree(EVERY_FIELD, cards)
    folder = next(p for p in cards.iterdir() if p.is_dir() and p.name not in ("ecf", "matrix"))
    (folder / "zz-broken.yaml").write_text("id: [broken\n", encoding="utf-8")
    with pytest.raises(StoreError, match="zz-broken.yaml"):
        build_store(iter_quads(cards), tmp_path / "store")
    assert OxigraphStore.open(tmp_path / "store").graph_sizes() == good
    # Nothing of the failed load is left: the store's generations are the good one alone.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store-generations", "cards", "store"]
    folders = [
        p.name
        for p in (tmp_path / ".store-generations").iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    ]
    assert folders == [store_module.current_generation(tmp_path / "store")]


def test_graph_sizes_count_the_default_graph_too(tmp_path):
    g = ox.NamedNode("http://example.org/g")
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    quads = [ox.Quad(s, p, ox.Literal(str(i)), g) for i in range(3)]
    quads.append(ox.Quad(s, p, ox.Literal("d"), ox.DefaultGraph()))
    assert build_store(quads, tmp_path / "store") == {"": 1, "http://example.org/g": 3}


def test_long_conversion_reports_progress(monkeypatch):
    import nomengraph.convert as convert_module

    monkeypatch.setattr(convert_module, "PROGRESS_EVERY", 1)
    said: list[str] = []
    cards = ROOT / "tests" / "golden" / "cigref-2010-card" / "cards"
    convert(cards, progress=said.append)
    jobs = sum(1 for p in cards.rglob("*.yaml") if p.parent.name not in ("ecf", "matrix"))
    assert said == [f"convert: {n:,} cards" for n in range(1, jobs + 1)]
