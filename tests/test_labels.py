"""The labels of the linked concepts (data/labels/, graph/labels): every object of a mapping is
named in the default build, in English and French where its source has both; ESCO occupations
carry their ISCO-08 unit group; bad files are refused with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from nomengraph import iris, link, resources
from nomengraph.labels import FILES, LabelsError, labels_graph, read_table
from nomengraph.store import OxigraphStore
from nomengraph.vocab import ESCO, SKOS

MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


def rows(name: str) -> list[dict[str, str]]:
    return [r for _, r in read_table(resources.LABELS / name, FILES[name])]


def source_languages() -> dict[str, set[str]]:
    """IRI -> the languages its source labels it in, read from the shipped files."""
    found: dict[str, set[str]] = {}

    def add(iri: str, record: dict[str, str]) -> None:
        found[iri] = {lang for lang in ("en", "fr") if record.get(f"label_{lang}")}

    for r in rows("esco-occupations.tsv") + rows("esco-skills.tsv"):
        add(r["iri"], r)
    for r in rows("isco-groups.tsv"):
        add(iris.isco_group(r["code"]), r)
    for r in rows("rome-fiches.tsv"):
        add(iris.rome(r["code"]), r)
    for r in rows("onet-occupations.tsv"):
        add(iris.onet(r["code"]), r)
    return found


def mapped_objects() -> set[str]:
    return {
        mset.expand(row.object_id)
        for mset in link.read_mappings(resources.MAPPINGS)
        for row in mset.rows
        if not row.no_match
    }


@pytest.fixture(scope="module")
def store(reference_store: Path) -> OxigraphStore:
    return OxigraphStore.open(reference_store)


def labels_in(store: OxigraphStore) -> dict[str, set[str]]:
    """Every object of a SKOS match in the store -> the languages of its rdfs/skos labels."""
    values = " ".join(f"skos:{m}" for m in MATCHES)
    query = f"""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?o ?lang WHERE {{
          VALUES ?p {{ {values} }}
          ?s ?p ?o .
          OPTIONAL {{ ?o skos:prefLabel|rdfs:label ?label BIND (LANG(?label) AS ?lang) }}
        }}"""
    found: dict[str, set[str]] = {}
    for sol in store.query(query, use_default_graph_as_union=True):
        langs = found.setdefault(str(sol["o"].value), set())
        if sol["lang"] is not None and sol["lang"].value:
            langs.add(sol["lang"].value)
    return found


def test_every_mapped_object_is_named_in_the_default_build(store: OxigraphStore) -> None:
    """The reference build (no ESCO or ROME export given) names every object of every SKOS
    match: in each language its source has (English and French for ESCO and ISCO-08 where both
    exist, French for ROME, English for O*NET), and at least one for the project's own
    concepts (jobs, e-CF competences)."""
    found = labels_in(store)
    expected = source_languages()
    objects = mapped_objects()
    assert objects <= set(found), sorted(objects - set(found))[:5]
    assert len([o for o in found if o in expected]) > 200
    for iri, langs in found.items():
        if iri in expected:
            assert langs == expected[iri], iri
            assert expected[iri], iri
        else:
            assert iri.startswith(iris.ID), f"{iri} is external and not in data/labels"
            assert langs, f"{iri} has no label"
    both = [iri for iri, langs in expected.items() if langs == {"en", "fr"}]
    assert len(both) > 130  # nearly every ESCO concept and ISCO-08 group has both


def external(iri: str) -> bool:
    return not iri.startswith(iris.ID) or iri.startswith((iris.rome_scheme(), iris.onet_scheme()))


def test_every_mapping_object_is_in_the_labels_files() -> None:
    objects = {o for o in mapped_objects() if external(o)}
    assert len(objects) > 200
    assert objects <= set(source_languages()), sorted(objects - set(source_languages()))[:5]


def test_esco_occupations_carry_their_isco_unit_group(store: OxigraphStore) -> None:
    query = """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX esco: <http://data.europa.eu/esco/model#>
        SELECT ?occupation ?code ?en ?fr WHERE {
          ?occupation a esco:Occupation ; skos:broaderTransitive ?group .
          ?group a esco:ISCOGroup ; skos:notation ?code .
          ?occupation skos:broader+ ?group .
          ?group skos:prefLabel ?en FILTER (LANG(?en) = "en")
          ?group skos:prefLabel ?fr FILTER (LANG(?fr) = "fr")
        }"""
    found = {
        str(s["occupation"].value): s for s in store.query(query, use_default_graph_as_union=True)
    }
    occupations = {r["iri"]: r for r in rows("esco-occupations.tsv")}
    assert set(found) == set(occupations)
    for iri, sol in found.items():
        assert sol["code"].value == occupations[iri]["isco_group"]
        assert len(sol["code"].value) == 4
    developer = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
    assert found[developer]["code"].value == "2512"
    assert found[developer]["fr"].value == "Concepteurs de logiciels"
    assert found[developer]["en"].value == "Software developers"


def test_the_graph_models_each_kind_of_concept() -> None:
    g = labels_graph()
    group = URIRef(iris.isco_group("2512"))
    assert (group, SKOS.notation, Literal("2512")) in g
    assert (group, SKOS.broader, URIRef(iris.isco_group("251"))) in g
    assert (URIRef(iris.isco_group("2")), SKOS.topConceptOf, URIRef(iris.isco_scheme())) in g
    onet = URIRef(iris.onet("15-1252.00"))
    assert (onet, SKOS.prefLabel, Literal("Software Developers", lang="en")) in g
    assert (onet, SKOS.inScheme, URIRef(iris.onet_scheme())) in g
    rome = URIRef(iris.rome("M1805"))
    assert set(g.objects(rome, SKOS.prefLabel)) == {
        Literal("Développeur / Développeuse informatique", lang="fr")
    }
    skills = set(g.subjects(None, ESCO.Skill))
    assert len(skills) == len(rows("esco-skills.tsv"))


def test_triples_already_in_a_full_graph_are_left_out() -> None:
    full = Graph()
    group = URIRef(iris.isco_group("2512"))
    label = Literal("Software developers", lang="en")
    full.add((group, SKOS.prefLabel, label))
    alone, less = labels_graph(), labels_graph(excluding=[full])
    assert (group, SKOS.prefLabel, label) in alone
    assert (group, SKOS.prefLabel, label) not in less
    assert len(alone) - len(less) == 1


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("isco-groups.tsv", "code\tlabel_en\n", "isco-groups.tsv:1: the header must be"),
        ("isco-groups.tsv", "code\tlabel_en\tlabel_fr\n25\tICT\n", "isco-groups.tsv:2: 2 cells"),
        (
            "isco-groups.tsv",
            "code\tlabel_en\tlabel_fr\n25x\tICT\tTIC\n",
            "isco-groups.tsv:2: invalid ISCO-08 code",
        ),
        (
            "onet-occupations.tsv",
            "code\tlabel_en\n15-1252\tSoftware\n",
            "onet-occupations.tsv:2: invalid O*NET-SOC code",
        ),
        (
            "esco-occupations.tsv",
            "iri\tcode\tisco_group\tbroader\tlabel_en\tlabel_fr\nhttp://x/1\t1\t2512\thttp://x\ta\tb\n",
            "esco-occupations.tsv:2: not an ESCO occupation",
        ),
    ],
)
def test_a_bad_file_is_refused_with_its_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    for other in FILES:
        (tmp_path / other).write_bytes((resources.LABELS / other).read_bytes())
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(LabelsError, match=message.replace("*", r"\*")):
        labels_graph(tmp_path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match="isco-groups.tsv: cannot read"):
        labels_graph(tmp_path)
