"""e-CF 4.0 (EN 16234-1:2019) as a framework of the graph: extracted from the project's reference
tables (sources/ecf-4.0-*.csv) into ecf/ecf-4.0.yaml, converted like e-CF 2.0 and 3.0, and
refused with the file and line when the tables disagree."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from nomengraph import iris, resources
from nomengraph.cards import ECF_SCHEMA, load_data_file
from nomengraph.convert import convert_ecf
from nomengraph.extract import SourceFormatError
from nomengraph.extract.ecf4 import DATA_FILE, extract
from nomengraph.vocab import NG, SKOS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
COMPETENCES = (SOURCES / "ecf-4.0-competences.csv").read_text(encoding="utf-8")
LEVELS = (SOURCES / "ecf-4.0-levels.csv").read_text(encoding="utf-8")
CODES = (SOURCES / "ecf-3.0-to-4.0-codes.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data() -> dict:
    return load_data_file(resources.CARDS / "ecf" / "ecf-4.0.yaml", ECF_SCHEMA)


def test_the_framework_has_the_41_competences_of_the_standard(data: dict) -> None:
    codes = [c["code"] for c in data["competences"]]
    assert len(codes) == 41 and len(set(codes)) == 41
    assert {"A.10", "C.5", "D.7"} <= set(codes)  # new in 4.0
    assert sum(len(c["level_descriptors"]) for c in data["competences"]) == 113
    by_code = {c["code"]: c for c in data["competences"]}
    assert by_code["D.7"]["name"] == {"en": "Data Science and Analytics"}
    assert by_code["D.7"]["previous"] == {"version": "3.0", "code": None, "relation": "new"}
    assert by_code["D.6"]["previous"] == {"version": "3.0", "code": "D.12", "relation": "same"}
    assert by_code["A.8"]["previous"]["relation"] == "renamed"
    assert by_code["E.1"]["levels"] == [3, 4]


def test_the_graph_holds_it_as_the_other_versions(data: dict) -> None:
    triples = set(convert_ecf(data))
    framework = URIRef(iris.framework("4.0"))
    d7 = URIRef(iris.competence("4.0", "D.7"))
    d6 = URIRef(iris.competence("4.0", "D.6"))
    a8 = URIRef(iris.competence("4.0", "A.8"))
    assert (d7, SKOS.inScheme, framework) in triples
    assert (d7, SKOS.notation, Literal("D.7")) in triples
    assert (d7, NG.newInVersion, Literal(True)) in triples
    assert (d6, SKOS.exactMatch, URIRef(iris.competence("3.0", "D.12"))) in triples
    assert (a8, SKOS.closeMatch, URIRef(iris.competence("3.0", "A.8"))) in triples
    descriptor = URIRef(iris.level_descriptor("4.0", "D.7", 4))
    assert (d7, NG.hasLevelDescriptor, descriptor) in triples
    assert (d7, NG.admissibleLevel, URIRef(iris.proficiency_level(4))) in triples
    competences = {s for s, p, o in triples if p == SKOS.inScheme and o == framework}
    assert len({c for c in competences if "/competence/" in str(c)}) == 41


def test_extraction_gives_the_committed_file() -> None:
    result = extract(COMPETENCES, LEVELS, CODES)
    assert list(result.data_files) == [DATA_FILE]
    expected = load_data_file(resources.CARDS / DATA_FILE, ECF_SCHEMA)
    assert result.data_files[DATA_FILE] == expected


def test_a_descriptor_for_a_level_not_admitted_is_refused() -> None:
    levels = LEVELS + "A.1,2,Invented descriptor.\n"
    with pytest.raises(
        SourceFormatError, match=r"ecf-4.0-levels.csv:115: A.1: descriptors for levels \[2, 4, 5\]"
    ):
        extract(COMPETENCES, levels, CODES)


def test_a_concordance_code_that_is_not_a_competence_is_refused() -> None:
    codes = CODES + "A.1,IS and Business Strategy Alignment,A.99,Nothing,same\n"
    with pytest.raises(SourceFormatError, match=r"ecf-3.0-to-4.0-codes.csv:\d+: A.99 is not"):
        extract(COMPETENCES, LEVELS, codes)


def test_a_missing_column_is_named() -> None:
    text = COMPETENCES.replace("description", "summary", 1)
    with pytest.raises(SourceFormatError, match=r"ecf-4.0-competences.csv:1: missing column"):
        extract(text, LEVELS, CODES)
