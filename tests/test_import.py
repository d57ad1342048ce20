"""Import stage: ESCO and ROME CSV exports → RDF (nomengraph.vocabularies), on the small
fixtures of tests/fixtures/esco and tests/fixtures/rome, and on broken copies made here."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from nomengraph import iris
from nomengraph.vocab import ESCO, NG, OWL, SKOS
from nomengraph.vocabularies import (
    ESCO_COLLECTIONS,
    VocabularyError,
    esco_dictionary,
    import_esco,
    import_rome,
    to_oxigraph_term,
    write_graph,
)

ROOT = Path(__file__).parents[1]
ESCO_DIR = Path(__file__).parent / "fixtures" / "esco" / "v1.2.0"
ROME_DIR = Path(__file__).parent / "fixtures" / "rome"

E = "http://data.europa.eu/esco/"
SOFTWARE_DEVELOPER = URIRef(E + "occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1")
APP_DEVELOPER = URIRef(E + "occupation/bd272aee-adc9-4a06-a15c-a73b4b4a46a7")
MOBILE_DEVELOPER = URIRef(E + "occupation/2ed56c3f-61d6-4f7e-9ef8-8849eb102e4c")
DIGITAL = URIRef(E + ESCO_COLLECTIONS["digitalSkillsCollection"])
PREFIXES = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX esco: <http://data.europa.eu/esco/model#>\n"
    "PREFIX ng: <https://w3id.org/nomengraph/def/>\n"
)


@pytest.fixture(scope="module")
def esco() -> tuple[Graph, object]:
    return import_esco(ESCO_DIR)


@pytest.fixture(scope="module")
def rome() -> tuple[Graph, object]:
    return import_rome(ROME_DIR)


def sparql(graph: Graph, query: str) -> list[tuple]:
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.DefaultGraph())
        for s, p, o in graph
    )
    return [tuple(row) for row in store.query(PREFIXES + query)]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def copy_esco(tmp_path: Path) -> Path:
    target = tmp_path / "esco-v1.2.0"
    shutil.copytree(ESCO_DIR, target)
    return target


# ESCO: counts and model ------------------------------------------------------------------------


def test_dictionary_is_esco_column_table() -> None:
    table = esco_dictionary()
    assert table["occupations"]["preferredLabel"] == (SKOS.prefLabel,)
    assert table["skills"]["skillType"] == (ESCO.skillType,)
    assert set(table["occupationSkillRelations"]["relationType"]) == {
        ESCO.relatedOptionalSkill,
        ESCO.relatedEssentialSkill,
    }
    assert table["occupations"]["conceptUri"] == ()


def test_esco_counts_on_the_fixture(esco) -> None:
    graph, report = esco
    assert graph.identifier == URIRef(iris.graph("esco"))
    assert report.version == "v1.2.0"
    relations = rows(ESCO_DIR / "occupationSkillRelations_en.csv")
    essential = sum(r["relationType"] == "essential" for r in relations)
    c = report.counts
    assert c["occupations"] == len(rows(ESCO_DIR / "occupations_en.csv")) == 28
    assert c["skills"] == len(rows(ESCO_DIR / "skills_en.csv")) == 177
    assert c["ISCO groups"] == len(rows(ESCO_DIR / "ISCOGroups_en.csv")) == 22
    assert c["skill groups"] == len(rows(ESCO_DIR / "skillGroups_en.csv")) == 111
    assert c["essential occupation-skill"] == essential == 168
    assert c["optional occupation-skill"] == len(relations) - essential == 56
    assert c["members of digitalSkillsCollection"] == 40
    assert c["prefLabel@en"] == 28 + 177 + 22 + 111 + 12  # concepts + concept schemes
    assert c["prefLabel@fr"] == 25 + 155 + 22  # occupations, skills, ISCO groups in French
    assert report.triples == len(graph)
    assert "skillSkillRelations_en.csv" in report.missing_optional


def test_every_occupation_has_exactly_one_english_preflabel(esco) -> None:
    graph, _ = esco
    found = sparql(
        graph,
        """SELECT ?o (COUNT(?l) AS ?n) WHERE {
             ?o a esco:Occupation . OPTIONAL { ?o skos:prefLabel ?l FILTER(lang(?l) = "en") }
           } GROUP BY ?o""",
    )
    assert len(found) == 28
    assert {int(n.value) for _, n in found} == {1}


def test_occupation_broader_isco_group_with_notation(esco) -> None:
    graph, _ = esco
    found = sparql(
        graph,
        f"""SELECT ?code ?label WHERE {{
              <{SOFTWARE_DEVELOPER}> skos:broader ?g .
              ?g a esco:ISCOGroup ; skos:notation ?code ; skos:prefLabel ?label .
              FILTER(lang(?label) = "en") }}""",
    )
    assert [(c.value, label.value) for c, label in found] == [("2512", "Software developers")]
    assert (SOFTWARE_DEVELOPER, SKOS.notation, Literal("2512.4")) in graph
    # ISCO hierarchy: 2512 → 251 → 25 → 2
    chain = sparql(
        graph,
        """SELECT ?code WHERE { <http://data.europa.eu/esco/isco/C2512> skos:broader+ ?g .
                                ?g skos:notation ?code } ORDER BY ?code""",
    )
    assert [c.value for (c,) in chain] == ["2", "25", "251"]


def test_nested_occupation_keeps_esco_hierarchy(esco) -> None:
    graph, _ = esco
    assert set(graph.objects(MOBILE_DEVELOPER, SKOS.broader)) == {APP_DEVELOPER}
    isco = sparql(
        graph,
        f"SELECT ?g WHERE {{ <{MOBILE_DEVELOPER}> skos:broader+ ?g . ?g a esco:ISCOGroup }}",
    )
    assert URIRef(E + "isco/C2514") in {URIRef(g.value) for (g,) in isco}


def test_essential_and_optional_skills(esco) -> None:
    graph, _ = esco
    essential = set(graph.objects(SOFTWARE_DEVELOPER, ESCO.relatedEssentialSkill))
    optional = set(graph.objects(SOFTWARE_DEVELOPER, ESCO.relatedOptionalSkill))
    assert (len(essential), len(optional)) == (6, 2)
    for skill in essential | optional:
        assert (skill, SKOS.prefLabel, None) in graph


def test_labels_languages_and_separators(esco) -> None:
    graph, _ = esco
    fr = [o for o in graph.objects(SOFTWARE_DEVELOPER, SKOS.prefLabel) if o.language == "fr"]
    assert fr == [Literal("développeur de logiciels/développeuse de logiciels", lang="fr")]
    alt_fr = {o for o in graph.objects(SOFTWARE_DEVELOPER, SKOS.altLabel) if o.language == "fr"}
    assert Literal("concepteur d'applications", lang="fr") in alt_fr
    alt_en = {o for o in graph.objects(SOFTWARE_DEVELOPER, SKOS.altLabel) if o.language == "en"}
    assert Literal("programmer", lang="en") in alt_en
    for label in graph.objects(None, SKOS.altLabel):
        assert "\n" not in label and "|" not in label, label
    assert Literal("Concepteurs de logiciels", lang="fr") in set(
        graph.objects(URIRef(E + "isco/C2512"), SKOS.prefLabel)
    )
    assert all(
        isinstance(o, Literal) and o.language in ("en", "fr")
        for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, SKOS.definition)
        for o in graph.objects(None, p)
    )


def test_skill_types_collections_and_hierarchy(esco) -> None:
    graph, _ = esco
    types = set(graph.objects(None, ESCO.skillType))
    assert types <= {URIRef(E + "skill-type/knowledge"), URIRef(E + "skill-type/skill")}
    levels = {str(o).rsplit("/", 1)[-1] for o in graph.objects(None, ESCO.skillReuseLevel)}
    assert levels <= {"transversal", "cross-sector", "sector-specific", "occupation-specific"}
    members = set(graph.subjects(SKOS.inScheme, DIGITAL))
    assert len(members) == 40 and all((m, ESCO.skillType, None) in graph for m in members)
    assert (DIGITAL, SKOS.prefLabel, Literal("Digital", lang="en")) in graph
    # skills reach a top skill group through the skill pillar
    tops = sparql(
        graph,
        """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a esco:Skill ; skos:broader+ ?g .
             ?g skos:inScheme <http://data.europa.eu/esco/concept-scheme/skills-hierarchy> }""",
    )
    assert int(tops[0][0].value) > 100


def test_version_and_source_recorded(esco) -> None:
    graph, _ = esco
    source = URIRef(iris.source_document("esco"))
    assert graph.value(source, OWL.versionInfo) == Literal("v1.2.0")
    occupations = URIRef(E + "concept-scheme/occupations")
    assert graph.value(occupations, OWL.versionInfo) == Literal("v1.2.0")
    rights = str(graph.value(source, URIRef("http://purl.org/dc/terms/rights")))
    assert "This service uses the ESCO classification of the European Commission." in rights


def test_no_blank_nodes_and_official_iris(esco) -> None:
    graph, _ = esco
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]
    subjects = {s for s in graph.subjects() if not str(s).startswith(iris.ID)}
    assert all(str(s).startswith(E) for s in subjects)


def test_esco_is_deterministic(esco, tmp_path: Path) -> None:
    graph, _ = esco
    again, _ = import_esco(ESCO_DIR)
    assert set(graph) == set(again)
    a = write_graph(graph, tmp_path / "a.nq")
    b = write_graph(again, tmp_path / "b.nq")
    assert a.read_bytes() == b.read_bytes()
    ttl = write_graph(graph, tmp_path / "a.ttl")
    assert len(Graph().parse(ttl, format="turtle")) == len(graph)


# ESCO: robustness -------------------------------------------------------------------------------


def _rewrite(path: Path, edit) -> None:  # noqa: ANN001
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, data = list(reader.fieldnames or []), list(reader)
    header, data = edit(header, data)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(data)


def test_identical_duplicate_row_is_kept_once(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    _rewrite(folder / "occupations_en.csv", lambda h, d: (h, [*d, d[3]]))
    graph, report = import_esco(folder)
    assert report.counts["occupations"] == 28
    note = next(n for n in report.notes if "appears twice" in n)
    assert note.startswith("occupations_en.csv: conceptUri ") and "rows 4 (line" in note
    assert "and 29 (line" in note and "identical, kept one" in note


def test_duplicates_differing_in_date_keep_the_latest(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)

    def edit(h, d):  # noqa: ANN001, ANN202
        twin = dict(d[0], modifiedDate="2099-01-01T00:00:00.000Z")
        return h, [*d, twin]

    _rewrite(folder / "occupations_en.csv", edit)
    graph, report = import_esco(folder)
    uri = URIRef(rows(folder / "occupations_en.csv")[0]["conceptUri"])
    dates = {str(o) for o in graph.objects(uri, URIRef("http://purl.org/dc/terms/modified"))}
    assert dates == {"2099-01-01T00:00:00.000Z"}
    assert any("differ only in modifiedDate; kept the latest" in n for n in report.notes)


def test_conflicting_duplicates_are_an_error(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    _rewrite(
        folder / "occupations_en.csv",
        lambda h, d: (h, [*d, dict(d[2], preferredLabel="something else")]),
    )
    with pytest.raises(VocabularyError) as err:
        import_esco(folder)
    message = str(err.value)
    assert message.startswith("occupations_en.csv: conceptUri ")
    assert "rows 3 (line" in message and "differing column(s): preferredLabel" in message


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    _rewrite(folder / "skills_en.csv", lambda h, d: ([c for c in h if c != "preferredLabel"], d))
    with pytest.raises(VocabularyError, match=r"^skills_en\.csv: missing required column"):
        import_esco(folder)
    with pytest.raises(VocabularyError, match="preferredLabel"):
        import_esco(folder)


def test_bad_encoding_names_file_and_line(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    path = folder / "ISCOGroups_en.csv"
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5] + " caf\u00e9".encode("latin-1")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(VocabularyError, match=r"^ISCOGroups_en\.csv: line 6: not valid UTF-8"):
        import_esco(folder)


def test_missing_required_and_optional_files(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    (folder / "broaderRelationsSkillPillar_en.csv").unlink()
    _, report = import_esco(folder)
    assert "broaderRelationsSkillPillar_en.csv" in report.missing_optional
    (folder / "skills_en.csv").unlink()
    with pytest.raises(VocabularyError, match=r"required file\(s\) missing: skills_en\.csv"):
        import_esco(folder)


def test_row_faults_name_file_row_and_column(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    _rewrite(
        folder / "occupationSkillRelations_en.csv",
        lambda h, d: (h, [*d[:9], dict(d[9], relationType="mandatory"), *d[10:]]),
    )
    with pytest.raises(VocabularyError) as err:
        import_esco(folder)
    assert str(err.value).startswith(
        "occupationSkillRelations_en.csv: row 10 (line 11), column relationType: "
        "unknown relation type 'mandatory'"
    )
    folder = copy_esco(tmp_path / "2")
    path = folder / "skills_en.csv"
    path.write_text(path.read_text("utf-8") + "KnowledgeSkillCompetence,x\n", "utf-8")
    with pytest.raises(VocabularyError, match=r"^skills_en\.csv: row 178 \(line \d+\): 2 fields"):
        import_esco(folder)


def test_multiline_fields_report_their_first_line(tmp_path: Path) -> None:
    folder = copy_esco(tmp_path)
    _rewrite(folder / "occupations_en.csv", lambda h, d: (h, [*d, dict(d[1], conceptUri="x")]))
    with pytest.raises(VocabularyError) as err:
        import_esco(folder)
    message = str(err.value)
    line = int(message.split("(line ")[1].split(")")[0])
    assert "row 29" in message and line > 29  # altLabels span several lines
    assert "column conceptUri: not an IRI: 'x'" in message


def test_version_from_argument_or_folder(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(ESCO_DIR, folder)
    with pytest.raises(VocabularyError, match="cannot tell the ESCO version"):
        import_esco(folder)
    graph, report = import_esco(folder, version="v1.2.1")
    assert report.version == "v1.2.1"
    assert Literal("v1.2.1") in set(graph.objects(None, OWL.versionInfo))


# ROME -----------------------------------------------------------------------------------------


def test_rome_counts_and_version(rome) -> None:
    graph, report = rome
    assert graph.identifier == URIRef(iris.graph("rome"))
    assert report.version == "v460"
    c = report.counts
    assert (c["grand domaines"], c["domaines professionnels"], c["fiches"]) == (1, 1, 14)
    assert c["appellations"] == len(rows(ROME_DIR / "unix_referentiel_appellation_v460_utf8.csv"))
    assert c["appellations"] == 148
    scheme = URIRef(iris.rome_scheme())
    assert graph.value(scheme, OWL.versionInfo) == Literal("v460")


def test_rome_hierarchy(rome) -> None:
    graph, _ = rome
    found = sparql(
        graph,
        """SELECT ?fiche ?label ?dp ?gd WHERE {
             ?f a ng:RomeOccupation ; skos:notation "M1805" ; skos:notation ?fiche ;
                skos:prefLabel ?label ; skos:broader ?d .
             ?d a ng:RomeProfessionalDomain ; skos:notation ?dp ; skos:broader ?g .
             ?g a ng:RomeGrandDomain ; skos:notation ?gd ; skos:topConceptOf ?scheme . }""",
    )
    assert [tuple(t.value for t in row) for row in found] == [
        ("M1805", "Développeur / Développeuse informatique", "M18", "M")
    ]
    m1811 = URIRef(iris.rome("M1811"))
    assert graph.value(m1811, NG.romeParent) == URIRef(iris.rome("M1802"))
    assert (URIRef(iris.rome("M1801")), NG.romeParent, None) not in graph


def test_rome_appellations(rome) -> None:
    graph, _ = rome
    fiche = URIRef(iris.rome("M1805"))
    titles = set(graph.subjects(SKOS.broader, fiche))
    assert titles and all((t, SKOS.notation, None) in graph for t in titles)
    for title in titles:
        labels = list(graph.objects(title, SKOS.prefLabel))
        assert len(labels) == 1 and labels[0].language == "fr"
        assert labels[0] in set(graph.objects(fiche, SKOS.altLabel)) | set(
            graph.objects(fiche, SKOS.hiddenLabel)
        ) | set(graph.objects(fiche, SKOS.prefLabel))
    for row in rows(ROME_DIR / "unix_referentiel_appellation_v460_utf8.csv"):
        uri = URIRef(iris.rome_appellation(row["code_ogr"]))
        assert graph.value(uri, SKOS.broader) == URIRef(iris.rome(row["code_rome"]))


def test_rome_definitions_unescape_quotes(rome) -> None:
    graph, _ = rome
    text = str(graph.value(URIRef(iris.rome("M1801")), SKOS.definition))
    assert text.startswith("L'Administrateur de systèmes d'information (SI)")
    assert "''" not in text


def test_rome_is_deterministic(rome, tmp_path: Path) -> None:
    graph, _ = rome
    again, _ = import_rome(ROME_DIR)
    assert write_graph(graph, tmp_path / "a.nq").read_bytes() == (
        write_graph(again, tmp_path / "b.nq").read_bytes()
    )


def test_rome_faults(tmp_path: Path) -> None:
    folder = tmp_path / "rome"
    shutil.copytree(ROME_DIR, folder)
    (folder / "unix_cr_gd_dp_v460_utf8.csv").unlink()
    with pytest.raises(VocabularyError, match=r"required ROME file\(s\) missing: unix_cr_gd_dp"):
        import_rome(folder)
    shutil.copy(ROME_DIR / "unix_cr_gd_dp_v460_utf8.csv", folder)
    path = folder / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_text(path.read_text("utf-8").replace('"M1805"', '"M18X5"', 1), "utf-8")
    with pytest.raises(VocabularyError, match=r"^unix_referentiel_appellation_v460_utf8\.csv: row"):
        import_rome(folder)


# CLI -------------------------------------------------------------------------------------------


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nomengraph.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_cli_import_writes_the_graph(tmp_path: Path) -> None:
    out = tmp_path / "esco.nq"
    done = run("import", "esco", str(ESCO_DIR), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "occupations" in done.stdout and f"written to {out}" in done.stdout
    first = out.read_text("utf-8").splitlines()[0]
    assert first.endswith(f"<{iris.graph('esco')}> .")
    done = run("import", "rome", str(ROME_DIR), "--out", str(tmp_path / "rome.ttl"))
    assert done.returncode == 0, done.stderr
    assert len(Graph().parse(tmp_path / "rome.ttl", format="turtle")) > 1000


def test_cli_import_default_output_and_errors(tmp_path: Path) -> None:
    done = run("import", "rome", str(ROME_DIR), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dist" / "rome.nq").is_file()
    done = run("import", "esco", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "no such folder" in done.stderr
    done = run("import", "esco", str(ROME_DIR))
    assert done.returncode == 2 and "occupations_en.csv" in done.stderr
    done = run("import", "isco", str(ROME_DIR))
    assert done.returncode == 2
