"""The SSSOM reader (errors name file and line), the RDF of the mappings, the candidate
generator and its evaluation, on small fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from nomengraph import iris, link, resources
from nomengraph.cli import main
from nomengraph.vocab import NG, OWL, RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]

HEADER = "\t".join(link.COLUMNS)
META = """#curie_map:
#  ng2018: https://w3id.org/nomengraph/id/cigref-2018/job/
#  ng2010: https://w3id.org/nomengraph/id/cigref-2010/job/
#  skos: http://www.w3.org/2004/02/skos/core#
#  semapv: https://w3id.org/semapv/vocab/
#  sssom: https://w3id.org/sssom/
#  nomengraph: https://w3id.org/nomengraph/
#mapping_set_id: https://w3id.org/nomengraph/id/mappings/cigref-2010-2018
#license: https://creativecommons.org/licenses/by/4.0/
"""


def row(subject: str, predicate: str, obj: str, conf: str = "0.9") -> str:
    cells = [subject, "s", predicate, obj, "o", link.MANUAL, conf, link.TEAM, link.TEAM, "why"]
    return "\t".join(cells)


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "x.sssom.tsv") -> Path:
    path = tmp_path / name
    path.write_text(META + header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


FIRST = META.count("\n") + 2  # line number of the first row


def problems(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(link.MappingError) as info:
        link.read_sssom(path, **kwargs)  # type: ignore[arg-type]
    return info.value.problems


def test_reads_a_good_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row("ng2018:4.9", "skos:exactMatch", "ng2010:4.10"),
        row("ng2018:2.4", "skos:closeMatch", "sssom:NoTermFound"),
    )
    mset = link.read_sssom(path)
    assert [r.line for r in mset.rows] == [FIRST, FIRST + 1]
    assert mset.rows[0].confidence == 0.9
    assert mset.rows[1].no_match
    assert mset.expand("ng2010:4.10") == iris.job("cigref-2010", "4.10")


def test_bad_predicate_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, row("ng2018:1.1", "skos:exactMatch", "ng2010:1.1"),
                 row("ng2018:1.2", "owl:sameAs", "ng2010:1.2"))  # fmt: skip
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{FIRST + 1}: predicate 'owl:sameAs' not allowed")


def test_missing_column_names_file_and_line(tmp_path: Path) -> None:
    header = HEADER.replace("\tpredicate_id", "")
    path = write(tmp_path, "a\tb", header=header)
    [problem] = problems(path)
    assert problem == f"{path}:{FIRST - 1}: missing column(s) predicate_id"


def test_duplicate_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, row("ng2018:1.1", "skos:exactMatch", "ng2010:1.1"),
                 row("ng2018:1.1", "skos:exactMatch", "ng2010:1.1"))  # fmt: skip
    assert problems(path) == [f"{path}:{FIRST + 1}: duplicate of line {FIRST}"]


def test_contradictions_name_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row("ng2018:1.1", "skos:exactMatch", "ng2010:1.1"),
        row("ng2018:1.1", "skos:broadMatch", "ng2010:1.1"),  # same pair, two predicates
        row("ng2018:1.2", "skos:exactMatch", "ng2010:1.2"),
        row("ng2018:1.2", "skos:exactMatch", "ng2010:1.3"),  # two exact objects
        row("ng2018:2.4", "skos:closeMatch", "sssom:NoTermFound"),
        row("ng2018:2.4", "skos:relatedMatch", "ng2010:2.1"),  # no match and a match
    )
    found = problems(path)
    assert f"{path}:{FIRST + 1}: contradiction" in found[0]
    assert any(p.startswith(f"{path}:{FIRST + 3}: contradiction: ng2018:1.2") for p in found)
    assert any(p.startswith(f"{path}:{FIRST + 4}: contradiction: ng2018:2.4") for p in found)
    assert len(found) == 3


def test_other_row_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row("ng2018:1.1", "skos:exactMatch", "ng2010:1.1", conf="1.5"),
        row("xx:1.2", "skos:exactMatch", "ng2010:1.2"),
        row("ng2018:1.3", "skos:exactMatch", "ng2010:99.9"),
    )
    found = problems(path, objects={iris.job("cigref-2010", "1.1"), iris.job("cigref-2010", "1.2")})
    assert found == [
        f"{path}:{FIRST}: confidence '1.5' not in [0, 1]",
        f"{path}:{FIRST + 1}: subject_id 'xx:1.2' is not a CURIE of the curie_map",
        f"{path}:{FIRST + 2}: object ng2010:99.9 does not exist",
    ]


def test_mappings_graph_gives_skos_triples_and_mapping_nodes(tmp_path: Path) -> None:
    write(
        tmp_path,
        row("ng2018:4.9", "skos:exactMatch", "ng2010:4.10"),
        row("ng2018:2.4", "skos:closeMatch", "sssom:NoTermFound"),
        name="cigref-2010-2018.sssom.tsv",
    )
    g = link.mappings_graph(tmp_path)
    s, o = URIRef(iris.job("cigref-2018", "4.9")), URIRef(iris.job("cigref-2010", "4.10"))
    assert (s, SKOS.exactMatch, o) in g
    assert (s, NG.continues, o) in g
    nodes = set(g.subjects(RDF.type, link.SSSOM_NS["Mapping"]))
    assert len(nodes) == 2
    node = URIRef(link.mapping_iri("cigref-2010-2018", str(s), str(o)))
    assert (node, OWL.annotatedSource, s) in g
    assert (node, OWL.annotatedTarget, o) in g
    new = URIRef(iris.job("cigref-2018", "2.4"))
    assert not list(g.triples((new, SKOS.closeMatch, None)))
    assert not [t for t in g if any(getattr(x, "n3", None) and x.n3().startswith("_:") for x in t)]


def test_project_mappings_graph() -> None:
    g = link.mappings_graph(resources.MAPPINGS)
    scientist = URIRef(iris.job("cigref-2018", "8.1"))
    esco = URIRef("http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30")
    assert (scientist, SKOS.exactMatch, esco) in g


ESCO = ROOT / "tests" / "fixtures" / "esco" / "v1.2.0"
ROME = ROOT / "tests" / "fixtures" / "rome"


def test_readers_use_the_import_stage() -> None:
    occ = link.read_esco_occupations(ESCO)
    scientist = occ["http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30"]
    assert scientist.label == "data scientist"
    assert scientist.notation == "2511.4"
    assert "http://data.europa.eu/esco/isco/C2511" in scientist.broader
    assert "scientifique des données" in scientist.labels_in("fr")  # French labels merged
    skills = link.read_esco_skills(ESCO)
    assert skills and all("/skill/" in iri for iri in skills)
    rome = link.read_rome(ROME)
    assert rome[iris.rome("M1805")].label.startswith("Développeur")
    assert "Analyste développeur / Analyste développeuse" in rome[iris.rome("M1805")].labels
    assert len(link.read_rome_appellations(ROME)) > len(rome)


def test_light_readers_give_what_the_import_gives(tmp_path: Path) -> None:
    """``link match`` reads ESCO occupations, ISCO groups, occupation–skill relations and ROME
    fiches straight from the CSV files (seconds instead of the whole import): the same concepts,
    labels in the same order, descriptions, notations, broader concepts and weights as read from
    the imported graphs."""
    from nomengraph.link import sources

    graph = sources.esco_graph(ESCO)
    assert sources.read_esco_concepts(ESCO) == sources.esco_concepts(graph)
    occupations = {k: v for k, v in sources.occupation_skills(graph).items() if "/occupation/" in k}
    assert occupations and sources.read_occupation_skills(ESCO) == occupations
    assert sources._rome_files(ROME) is not None  # the fixture takes the light path
    light = link.read_rome(ROME)
    assert light and any(c.description for c in light.values())
    only_required = tmp_path / "rome"  # without the texts file: the whole import
    only_required.mkdir()
    for path in ROME.glob("unix_*.csv"):
        if "texte" not in path.name:
            (only_required / path.name).symlink_to(path)
    assert sources._rome_files(only_required) is None
    imported = link.read_rome(only_required)
    assert {k: (c.labels, c.notation) for k, c in imported.items()} == {
        k: (c.labels, c.notation) for k, c in light.items()
    }
    graph_fiches = {
        str(node): sources._concept(sources.rome_graph(ROME), node, "rome", with_broader=False)
        for node in sources.rome_graph(ROME).subjects(RDF.type, NG.RomeOccupation)
    }
    assert {k: c.labels for k, c in graph_fiches.items() if c} == {
        k: c.labels for k, c in light.items()
    }
    with pytest.raises(ValueError, match="unknown kind"):
        sources.read_esco_concepts(ESCO, kinds=("skill",))


def test_propose_ranks_the_obvious_match_first() -> None:
    occ = list(link.read_esco_occupations(ESCO).values())
    subjects = [
        link.Concept("urn:x:1", ("Administrateur de bases de données",)),
        link.Concept("urn:x:2", ("Data Scientist",)),
    ]
    found = link.propose(subjects, occ, k=3)
    first = {c.subject_id: c.object_label for c in found if c.rank == 1}
    assert first == {"urn:x:1": "database administrator", "urn:x:2": "data scientist"}
    assert all(0 <= c.score <= 1 for c in found)
    assert len([c for c in found if c.subject_id == "urn:x:1"]) == 3


def test_cli_link_check_and_propose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "check", "--mappings", str(resources.MAPPINGS)]) == 0
    assert "cigref-2018-esco" in capsys.readouterr().out
    out = tmp_path / "candidates.sssom.tsv"
    code = main(["link", "propose", "--edition", "sic", "--esco", str(ESCO),
                 "-k", "2", "--out", str(out)])  # fmt: skip
    assert code == 0
    mset = link.read_sssom(out)
    assert {r.mapping_justification for r in mset.rows} == {link.LEXICAL}
    assert len(mset.rows) == 2 * len(link.card_concepts(resources.CARDS, "sic"))
    bad = write(tmp_path, row("ng2018:1.1", "skos:sameAs", "ng2010:1.1"))
    assert main(["link", "check", "--mappings", str(bad.parent)]) == 1


def test_reading_mappings_does_not_load_the_matcher() -> None:
    """``nomengraph build`` reads the mapping files through ``nomengraph.link``: that must not
    import NumPy and SciPy (nor scikit-learn), which only the matcher needs; asking for the
    matcher does."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import nomengraph.build\n"
        "from nomengraph.link import MappingError, mappings_graph, read_sssom\n"
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))\n"
        "from nomengraph.link import Matcher\n"
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.splitlines() == ["[]", "['numpy', 'scipy']"]


def test_unknown_name_of_the_package_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        link.no_such_name  # noqa: B018
    assert "Matcher" in dir(link)


def test_link_check_vouches_only_for_the_vocabularies_it_was_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``link check --rome`` checks ROME fiches against the ROME files and O*NET-SOC codes
    against the table the package ships; ESCO objects, with no ``--esco``, are not called
    missing: the command says they were not checked."""
    meta = META.replace(
        "#curie_map:\n",
        "#curie_map:\n"
        "#  rome: https://w3id.org/nomengraph/id/rome/\n"
        "#  esco: http://data.europa.eu/esco/occupation/\n"
        "#  onet: https://w3id.org/nomengraph/id/onet/\n",
    )
    rows = [
        row("ng2018:2.6", "skos:closeMatch", "rome:M1801"),  # in the ROME fixture
        row("ng2018:2.6", "skos:relatedMatch", "rome:M1899"),  # not in it
        row("ng2018:2.6", "skos:closeMatch", "esco:00000000-0000-0000-0000-000000000000"),
        row("ng2018:2.6", "skos:broadMatch", "onet:15-1252.00"),  # shipped
        row("ng2018:2.6", "skos:narrowMatch", "onet:99-9999.99"),  # not shipped
    ]
    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "x.sssom.tsv").write_text(
        meta + HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8"
    )
    code = main(["link", "check", "--mappings", str(folder), "--rome", str(ROME)])
    said = capsys.readouterr()
    text = said.out + said.err
    assert code == 1
    assert "ESCO objects not checked (no --esco)" in text
    missing = sorted(
        line.split(": object ")[1] for line in text.splitlines() if "does not exist" in line
    )
    assert missing == ["onet:99-9999.99 does not exist", "rome:M1899 does not exist"]
