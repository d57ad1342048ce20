"""Cards → RDF: golden graphs written by hand, the dataset layout and metadata, byte-stable
exports, and (when the committed cards are present) the counts of the real dataset."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic

from conftest import ox_quads
from nomengraph import iris, resources
from nomengraph.cards import item_text, load_cards, sub_items
from nomengraph.convert import (
    EXPORT_FILES,
    convert_all,
    convert_card,
    convert_ecf,
    convert_matrix,
    dataset_quads,
    export,
)
from nomengraph.vocab import DCTERMS, NG, PROV, RDF, RDFS, SKOS, VOID, XSD

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.trig").is_file())
CARDS = resources.CARDS
REAL = all((CARDS / name).is_dir() for name in ("cigref-2010", "cigref-2018", "sic", "ecf"))
EVERY_FIELD = ROOT / "tests" / "fixtures" / "cards" / "valid" / "every-field.yaml"

# Every IRI of the data, as minted by iris.py (the one place IRIs come from).
IRI_SHAPES = [
    re.compile(iris.ID + p + "$")
    for p in (
        r"scheme/[a-z0-9-]+",
        r"[a-z0-9-]+/family/[0-9]+",
        r"[a-z0-9-]+/job/[0-9.]+",
        r"[a-z0-9-]+/job/[0-9.]+/competence/[A-E]\.[0-9]{1,2}",
        r"[a-z0-9-]+/job/[0-9.]+/(activity|deliverable|indicator)/[0-9]+",
        r"[a-z0-9-]+/job/[0-9.]+/activity/[0-9]+/task/[0-9]+",
        r"[a-z0-9-]+/job/[0-9.]+/(activity/[0-9]+/task|deliverable|indicator)/[0-9]+/item/[0-9]+",
        r"[a-z0-9-]+/job/[0-9.]+/career-path/item/[0-9]+",
        r"[a-z0-9-]+/job/[0-9.]+/(career-path|source)",
        r"source/[a-z0-9-]+",
        r"[a-z0-9-]+/matrix/[0-9.]+(/[A-E]\.[0-9]{1,2})?",
        r"ecf/[0-9]+\.[0-9]+",
        r"ecf/[0-9]+\.[0-9]+/area/[A-E]",
        r"ecf/[0-9]+\.[0-9]+/competence/[A-E]\.[0-9]{1,2}(/level/[1-5]|/[KS][0-9]+)?",
        r"ecf/levels",
        r"ecf/level/e-[1-5]",
        r"dataset",
    )
]


def named_graphs(ds: Dataset) -> dict[str, Graph]:
    out: dict[str, Graph] = {}
    for s, p, o, g in dataset_quads(ds):
        out.setdefault(str(g), Graph()).add((s, p, o))
    return out


def _term(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = None if term.datatype.value == str(XSD.string) else URIRef(term.datatype.value)
        return Literal(term.value, datatype=datatype)
    raise AssertionError(f"blank node in a parsed file: {term}")


def read_graphs(path: Path, fmt: ox.RdfFormat) -> dict[str, Graph]:
    """Parse a TriG / N-Quads / JSON-LD file with pyoxigraph (rdflib's Dataset.parse warns) into
    one rdflib graph per named graph."""
    out: dict[str, Graph] = {}
    for quad in ox.parse(path=str(path), format=fmt):
        name = quad.graph_name
        key = name.value if isinstance(name, ox.NamedNode) else ""
        triple = (_term(quad.subject), _term(quad.predicate), _term(quad.object))
        out.setdefault(key, Graph()).add(triple)
    return out


def load_expected(case: str) -> dict[str, Graph]:
    return read_graphs(GOLDEN / case / "expected.trig", ox.RdfFormat.TRIG)


def assert_same(actual: Graph, expected: Graph, what: str) -> None:
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(actual, expected)
        lines = [f"{what}: graphs differ"]
        lines += [f"  unexpected: {t}" for t in sorted(only_actual, key=str)]
        lines += [f"  missing:    {t}" for t in sorted(only_expected, key=str)]
        pytest.fail("\n".join(lines))


# Golden graphs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    expected = load_expected(case)
    actual = named_graphs(convert_all(GOLDEN / case / "cards", ontology=None))
    assert set(actual) == set(expected) | {iris.graph("metadata")}
    for name, graph in expected.items():
        assert_same(actual[name], graph, f"{case} {name}")


def test_golden_cases_are_present() -> None:
    assert {"every-field", "cigref-2010-card", "sic-card", "ecf-matrix"} <= set(CASES)


def test_golden_comparison_can_fail() -> None:
    """Removing any one triple of an expected graph makes the comparison fail."""
    expected = load_expected("cigref-2010-card")[iris.graph("cigref-2010")]
    actual = named_graphs(convert_all(GOLDEN / "cigref-2010-card" / "cards", ontology=None))
    graph = actual[iris.graph("cigref-2010")]
    for triple in sorted(expected, key=str)[::17]:
        smaller = Graph()
        for t in expected:
            if t != triple:
                smaller.add(t)
        assert not isomorphic(graph, smaller), triple
    changed = Graph()
    for s, p, o in expected:
        if p == NG.levelAsPrinted and str(o) == "1":
            o = Literal("2")
        changed.add((s, p, o))
    assert not isomorphic(graph, changed)


def test_every_field_fixture_is_the_golden_input() -> None:
    golden = GOLDEN / "every-field" / "cards" / "acme" / "1.1.yaml"
    assert golden.read_bytes() == EVERY_FIELD.read_bytes()


# Pure functions --------------------------------------------------------------------------------


def test_convert_card_is_pure_and_blank_node_free() -> None:
    from nomengraph.cards import load_card

    card = load_card(EVERY_FIELD)
    before = repr(card)
    first, second = convert_card(card), convert_card(card)
    assert first == second
    assert repr(card) == before
    assert not [t for t in first if any(isinstance(x, BNode) for x in t)]


def test_convert_card_edition_defaults_can_be_overridden() -> None:
    from nomengraph.cards import load_card

    triples = convert_card(load_card(EVERY_FIELD), ecf_version="2.0", descriptor_lang="fr")
    objects = {o for _, p, o in triples if p in (NG.competence, NG.descriptorAsPrinted)}
    assert URIRef(iris.competence("2.0", "B.1")) in objects
    assert Literal("Acts creatively to develop applications.", lang="fr") in objects


def test_every_text_has_a_language_tag() -> None:
    ds = convert_all(GOLDEN / "every-field" / "cards", ontology=None)
    plain = {NG.levelAsPrinted, NG.printedCode, NG.sourceFile, NG.appliedCorrection}
    plain |= {SKOS.notation, DCTERMS.identifier, NG.previousNumber, DCTERMS.publisher}
    for s, p, o, g in dataset_quads(ds):
        if str(g) == iris.graph("metadata"):
            continue
        if isinstance(o, Literal) and o.datatype is None and p not in plain:
            assert o.language in ("fr", "en"), (s, p, o)


def test_convert_functions_return_triples() -> None:
    from nomengraph.cards import ECF_SCHEMA, MATRIX_SCHEMA, load_data_file

    base = GOLDEN / "ecf-matrix" / "cards"
    ecf = convert_ecf(load_data_file(base / "ecf" / "ecf-3.0.yaml", ECF_SCHEMA))
    matrix = convert_matrix(
        load_data_file(base / "matrix" / "cigref-2010-annex1.yaml", MATRIX_SCHEMA)
    )
    for triples in (ecf, matrix):
        assert triples and all(len(t) == 3 for t in triples)


# Dataset and metadata --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Dataset:
    """The every-field card, with the ontology."""
    return convert_all(GOLDEN / "every-field" / "cards")


def test_dataset_layout(small: Dataset) -> None:
    graphs = named_graphs(small)
    assert set(graphs) == {iris.graph(n) for n in ("acme", "ontology", "metadata")}
    assert len(small.default_graph) == 0
    assert graphs[iris.graph("ontology")].value(URIRef(iris.DEF), RDF.type) is not None


def test_metadata_counts_and_attribution(small: Dataset) -> None:
    graphs = named_graphs(small)
    meta = graphs[iris.graph("metadata")]
    root = URIRef(iris.dataset())
    assert (root, RDF.type, VOID.Dataset) in meta
    subsets = set(meta.objects(root, VOID.subset))
    assert subsets == {URIRef(iris.graph("acme")), URIRef(iris.graph("ontology"))}
    for subset in subsets:
        assert meta.value(subset, VOID.triples).toPython() == len(graphs[str(subset)])
    assert meta.value(root, DCTERMS.license) == URIRef(
        "https://www.apache.org/licenses/LICENSE-2.0"
    )


def test_metadata_describes_real_sources() -> None:
    ds = convert_all(GOLDEN / "ecf-matrix" / "cards", ontology=None)
    meta = named_graphs(ds)[iris.graph("metadata")]
    cigref = URIRef(iris.source_document("cigref-2010"))
    cen = URIRef(iris.source_document("ecf-3-reference"))
    assert (cigref, RDF.type, PROV.Entity) in meta
    assert "© CIGREF" in str(meta.value(cigref, DCTERMS.rights))
    assert "© CEN" in str(meta.value(cen, DCTERMS.rights))
    assert meta.value(cigref, NG.sha256) is not None
    assert (URIRef(iris.dataset()), DCTERMS.created, None) in meta


# Exports ---------------------------------------------------------------------------------------

_EXPORT = """
import sys
from pathlib import Path
from nomengraph.convert import convert_all, export
export(convert_all(Path(sys.argv[1])), Path(sys.argv[2]))
"""


def _export_in_subprocess(cards: Path, out: Path) -> dict[str, bytes]:
    subprocess.run([sys.executable, "-c", _EXPORT, str(cards), str(out)], check=True)
    return {name: (out / name).read_bytes() for name in EXPORT_FILES}


def test_exports_are_byte_stable_across_processes(tmp_path: Path) -> None:
    cards = CARDS if REAL else GOLDEN / "every-field" / "cards"
    first = _export_in_subprocess(cards, tmp_path / "a")
    second = _export_in_subprocess(cards, tmp_path / "b")
    for name in EXPORT_FILES:
        assert first[name] == second[name], name


def test_exports_round_trip(small: Dataset, tmp_path: Path) -> None:
    paths = export(small, tmp_path)
    quads = {q for q in dataset_quads(small)}
    for fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        back = read_graphs(paths["nq" if fmt == ox.RdfFormat.N_QUADS else "jsonld"], fmt)
        assert {(s, p, o, URIRef(g)) for g, gr in back.items() for s, p, o in gr} == quads
    triples = {q[:3] for q in quads}
    for fmt in ("nt", "ttl"):
        text = paths[fmt].read_text("utf-8")
        graph = Graph().parse(data=text, format={"nt": "nt", "ttl": "turtle"}[fmt])
        assert set(graph) == triples, fmt
    lines = paths["nq"].read_text("utf-8").splitlines()
    assert lines == sorted(lines)


# The committed cards ---------------------------------------------------------------------------

needs_cards = pytest.mark.skipif(not REAL, reason="cards/ not generated yet")


@pytest.fixture(scope="module")
def real() -> Dataset:
    return convert_all(CARDS)


@pytest.fixture(scope="module")
def store(real: Dataset) -> ox.Store:
    memory = ox.Store()
    memory.bulk_extend(ox_quads(dataset_quads(real)))
    return memory


PREFIXES = f"PREFIX ng: <{iris.DEF}>\nPREFIX skos: <{SKOS}>\n"


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(PREFIXES + query)))[0].value)


@needs_cards
def test_real_one_graph_per_edition(real: Dataset) -> None:
    graphs = set(named_graphs(real))
    expected = {"cigref-2010", "cigref-2018", "sic", "ecf", "ontology", "metadata"}
    assert graphs == {iris.graph(n) for n in expected}


@needs_cards
@pytest.mark.parametrize(
    ("edition", "jobs"), [("cigref-2010", 33), ("cigref-2018", 50), ("sic", 44)]
)
def test_real_job_counts(store: ox.Store, edition: str, jobs: int) -> None:
    query = f"""SELECT (COUNT(DISTINCT ?job) AS ?n) WHERE {{
        GRAPH <{iris.graph(edition)}> {{ ?job a ng:Job ; skos:inScheme <{iris.edition(edition)}> }}
    }}"""
    assert _count(store, query) == jobs


@needs_cards
@pytest.mark.parametrize(("edition", "count"), [("cigref-2010", 311), ("cigref-2018", 399)])
def test_real_requirement_counts(store: ox.Store, edition: str, count: int) -> None:
    query = f"""SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{
        GRAPH <{iris.graph(edition)}> {{
            ?job ng:hasRequirement ?r . ?r a ng:CompetenceRequirement
        }}
    }}"""
    assert _count(store, query) == count


@needs_cards
def test_real_every_job_has_one_french_preflabel(store: ox.Store) -> None:
    query = """SELECT ?job (COUNT(?label) AS ?n) WHERE {
        GRAPH ?g {
            ?job a ng:Job . OPTIONAL { ?job skos:prefLabel ?label FILTER(lang(?label) = "fr") }
        }
    } GROUP BY ?job HAVING (COUNT(?label) != 1)"""
    assert list(store.query(PREFIXES + query)) == []
    others = """SELECT (COUNT(*) AS ?n) WHERE {
        GRAPH ?g { ?job a ng:Job ; skos:prefLabel ?label FILTER(lang(?label) != "fr") } }"""
    assert _count(store, others) == 0


@needs_cards
def test_real_requirements_point_to_declared_competences(store: ox.Store) -> None:
    query = """SELECT (COUNT(*) AS ?n) WHERE {
        GRAPH ?g { ?r ng:competence ?c }
        FILTER NOT EXISTS { GRAPH ?e { ?c a ng:Competence } } }"""
    assert _count(store, query) == 0


@needs_cards
def test_real_iris_come_from_iris_module(real: Dataset) -> None:
    bad = set()
    for quad in dataset_quads(real):
        for term in quad:
            assert not isinstance(term, BNode), quad
            if isinstance(term, URIRef) and str(term).startswith(iris.ID):
                if not any(shape.match(str(term)) for shape in IRI_SHAPES):
                    bad.add(str(term))
    assert not bad, sorted(bad)[:20]


# Printed order and display titles ---------------------------------------------------------------

ORDERED = PREFIXES + f"PREFIX rdfs: <{RDFS}>\nPREFIX dcterms: <{DCTERMS}>\n"


def _printed_lists(card: dict) -> dict[str, list]:
    """What a card prints, in order: activity groups (heading, note, tasks with their
    sub-items), deliverables and indicators (with their sub-items)."""

    def entry(item) -> tuple[str, tuple[str, ...]]:
        return (item_text(item), tuple(sub_items(item)))

    return {
        "activities": [
            (g.get("heading") or "", g.get("note") or "", [entry(t) for t in g["tasks"]])
            for g in card["activities"]
        ],
        "deliverables": [entry(d) for d in card.get("deliverables") or []],
        "indicators": [entry(d) for d in card.get("performance_indicators") or []],
    }


def _graph_lists(store: ox.Store) -> dict[str, dict[str, list]]:
    """The same lists read back from the graph, put in order by ng:position only."""
    subs: dict[str, list[tuple[int, str]]] = {}
    query = "SELECT ?x ?pos ?label WHERE { GRAPH ?g { ?x ng:hasSubItem ?s . ?s ng:position ?pos ; "
    for r in store.query(ORDERED + query + "rdfs:label ?label } }"):
        subs.setdefault(r[0].value, []).append((int(r[1].value), r[2].value))

    def entry(node: str, label: str) -> tuple[str, tuple[str, ...]]:
        return (label, tuple(t for _, t in sorted(subs.get(node, []))))

    def lists(card_id: str) -> dict[str, list]:
        return out.setdefault(card_id, {"activities": [], "deliverables": [], "indicators": []})

    out: dict[str, dict[str, list]] = {}
    groups: dict[str, dict[str, tuple[str, str, list]]] = {}
    for r in store.query(
        ORDERED + "SELECT ?id ?a ?heading ?note ?t ?task WHERE { GRAPH ?g { "
        "?job dcterms:identifier ?id ; ng:hasActivityGroup ?a . ?a ng:position ?gpos "
        "OPTIONAL { ?a rdfs:label ?heading } OPTIONAL { ?a ng:note ?note } "
        "OPTIONAL { ?a ng:hasTask ?t . ?t ng:position ?tpos ; rdfs:label ?task } } } "
        "ORDER BY ?id ?gpos ?tpos"
    ):
        texts = tuple(t.value if t is not None else "" for t in (r[2], r[3]))
        group = groups.setdefault(r[0].value, {}).setdefault(r[1].value, (*texts, []))
        if r[4] is not None:
            group[2].append(entry(r[4].value, r[5].value))
    for card_id, card in groups.items():
        lists(card_id)["activities"] = list(card.values())
    for key, prop in (("deliverables", "Deliverable"), ("indicators", "PerformanceIndicator")):
        for r in store.query(
            ORDERED + f"SELECT ?id ?x ?label WHERE {{ GRAPH ?g {{ ?job dcterms:identifier ?id ; "
            f"ng:has{prop} ?x . ?x ng:position ?pos ; rdfs:label ?label }} }} ORDER BY ?id ?pos"
        ):
            lists(r[0].value)[key].append(entry(r[1].value, r[2].value))
    return out


@needs_cards
def test_real_lists_come_out_of_the_graph_in_printed_order(store: ox.Store) -> None:
    cards = [c for ed in ("cigref-2010", "cigref-2018", "sic") for c in load_cards(CARDS / ed)]
    from_graph = _graph_lists(store)
    empty = {"activities": [], "deliverables": [], "indicators": []}
    tasks = 0
    for card in cards:
        assert from_graph.get(card["id"], empty) == _printed_lists(card), card["id"]
        tasks += sum(len(g["tasks"]) for g in card["activities"])
    assert tasks > 1400  # every task of the three editions was compared


def test_order_comes_from_the_position_not_from_the_text() -> None:
    card = yaml.safe_load(EVERY_FIELD.read_text(encoding="utf-8"))
    task = re.compile(r"/activity/1/task/[0-9]+$")

    def tasks_in_order(triples: list) -> list[str]:
        rank = {str(s): int(o) for s, p, o in triples if p == NG.position and task.search(str(s))}
        labels = {str(s): str(o) for s, p, o in triples if p == RDFS.label}
        return [labels[t] for t in sorted(rank, key=rank.__getitem__)]

    printed = [item_text(t) for t in card["activities"][0]["tasks"]]
    assert tasks_in_order(convert_card(card)) == printed
    card["activities"][0]["tasks"].reverse()
    assert tasks_in_order(convert_card(card)) == printed[::-1]


@needs_cards
def test_real_display_titles_and_printed_titles(store: ox.Store) -> None:
    job = iris.job("cigref-2018", "3.2")
    rows = store.query(
        PREFIXES + f"SELECT ?p ?l WHERE {{ GRAPH ?g {{ <{job}> ?p ?l "
        "FILTER(?p IN (skos:prefLabel, skos:hiddenLabel, skos:altLabel)) } }"
    )
    labels = {(r[0].value.rsplit("#", 1)[-1], r[1].value) for r in rows}
    assert labels == {
        ("prefLabel", "Concepteur-Développeur"),
        ("hiddenLabel", "Concepteur -Développeur"),
    }
    printed = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?job a ng:Job ; skos:hiddenLabel ?h } }"
    assert _count(store, printed) == 4  # 2018 3.2, 4.4, 9.3 and SIC 01
