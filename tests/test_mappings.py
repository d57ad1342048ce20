"""The project's mapping sets (mappings/*.sssom.tsv): they parse, use allowed predicates, have no
duplicates or contradictions, link only existing things, and are complete. The derived sets
(e-CF 3.0 -> 4.0, and the jobs' ISCO-08 and O*NET codes chained through ESCO) are what
tools/derive_mappings.py makes from the package's files, and read back as they are written."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from nomengraph import iris, link, resources
from nomengraph.labels import FILES, read_table

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = resources.MAPPINGS
CARDS = resources.CARDS
VOCAB_USED = ROOT / "tests" / "fixtures" / "link" / "vocab-used.tsv"

JOB_SETS = {
    "cigref-2010": ("cigref-2010-esco", "cigref-2010-rome"),
    "cigref-2018": ("cigref-2018-esco", "cigref-2018-rome"),
    "sic": ("sic-esco", "sic-rome"),
}
REVIEWED = {
    *(name for pair in JOB_SETS.values() for name in pair),
    "ecf-3.0-esco",
    "cigref-2010-2018",
    "sic-cigref-2018",
    "ecf-2.0-3.0",
    "ecf-3.0-4.0",
}
CHAINED = {f"{edition}-{target}" for edition in JOB_SETS for target in ("isco", "onet")}
EXPECTED = REVIEWED | CHAINED
CHAINING = "semapv:MappingChaining"

SPEC = importlib.util.spec_from_file_location(
    "derive_mappings", ROOT / "tools" / "derive_mappings.py"
)
derive_mappings = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("derive_mappings", derive_mappings)  # its dataclasses look it up
SPEC.loader.exec_module(derive_mappings)


def ecf4_competences() -> set[str]:
    data = yaml.safe_load((CARDS / "ecf" / "ecf-4.0.yaml").read_text(encoding="utf-8"))
    return {iris.competence("4.0", c["code"]) for c in data["competences"]}


def labelled() -> set[str]:
    """The ISCO-08 groups and O*NET-SOC occupations of data/labels/ (the chained sets' objects)."""
    found = set()
    for _, r in read_table(resources.LABELS / "isco-groups.tsv", FILES["isco-groups.tsv"]):
        found.add(iris.isco_group(r["code"]))
    for _, r in read_table(
        resources.LABELS / "onet-occupations.tsv", FILES["onet-occupations.tsv"]
    ):
        found.add(iris.onet(r["code"]))
    return found


@pytest.fixture(scope="module")
def subjects() -> set[str]:
    return link.known_subjects(CARDS) | ecf4_competences()


@pytest.fixture(scope="module")
def external() -> dict[str, str]:
    """The ESCO/ROME concepts the mappings use (IRI -> label), cut from the full exports."""
    with VOCAB_USED.open(encoding="utf-8", newline="") as fh:
        return {r["iri"]: r["label"] for r in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="module")
def sets(subjects: set[str], external: dict[str, str]) -> dict[str, link.MappingSet]:
    found = link.read_mappings(MAPPINGS, subjects, subjects | set(external) | labelled())
    return {m.name: m for m in found}


def test_every_expected_set_is_there(sets: dict[str, link.MappingSet]) -> None:
    assert set(sets) == EXPECTED


def test_rows_are_reviewed_and_well_formed(sets: dict[str, link.MappingSet]) -> None:
    for mset in sets.values():
        assert mset.metadata["license"].startswith("https://")
        assert mset.metadata["mapping_set_id"] == link.mapping_set_iri(mset.name)
        for row in mset.rows:
            assert row.predicate_id in link.PREDICATES
            assert row.confidence is not None and 0 <= row.confidence <= 1
            if mset.name in CHAINED:
                continue
            assert row.mapping_justification == link.MANUAL, (mset.name, row.line)
            assert row.author_id and row.reviewer_id and row.comment, (mset.name, row.line)


def test_chained_rows_say_they_are_chained_and_name_the_path(
    sets: dict[str, link.MappingSet],
) -> None:
    """A chained row is semapv:MappingChaining, not reviewed, and its comment names the ESCO
    occupation in the middle (the reviewed link it comes from), or why there is none."""
    for name in CHAINED:
        mset = sets[name]
        source = sets[name.rsplit("-", 1)[0] + "-esco"]
        via = {(r.subject_id, r.object_id) for r in source.rows if not r.no_match}
        assert mset.rows
        for row in mset.rows:
            assert row.mapping_justification == CHAINING, (name, row.line)
            assert row.author_id and not row.reviewer_id, (name, row.line)
            if row.no_match:
                assert row.comment, (name, row.line)
                continue
            first = row.comment.split(";")[0].split()
            assert first[0] == "via" and first[1] == row.subject_id, (name, row.line)
            assert (first[1], first[3]) in via, (name, row.line)
            assert row.predicate_id != "skos:exactMatch", (name, row.line)


@pytest.mark.parametrize("name", sorted(CHAINED))
def test_every_job_has_a_row_in_each_chained_set(
    sets: dict[str, link.MappingSet], name: str
) -> None:
    mset = sets[name]
    edition = name.rsplit("-", 1)[0]
    assert {mset.expand(s) for s in mset.subjects()} == set(link.card_concepts(CARDS, edition))


def test_derived_sets_are_what_the_tool_makes_of_the_package_files() -> None:
    """tools/derive_mappings.py run on the committed files gives the committed sets, byte for
    byte: nothing in them was edited by hand, and a fresh clone can regenerate them."""
    made = {"ecf-3.0-4.0": derive_mappings.derive_ecf()}
    for edition in derive_mappings.EDITIONS:
        made.update(derive_mappings.derive(edition))
    assert set(made) == CHAINED | {"ecf-3.0-4.0"}
    for name, (metadata, rows) in made.items():
        text = (MAPPINGS / f"{name}.sssom.tsv").read_text(encoding="utf-8")
        assert link.format_sssom(metadata, rows) == text, name


@pytest.mark.parametrize("name", sorted(CHAINED | {"ecf-3.0-4.0"}))
def test_new_sets_round_trip(sets: dict[str, link.MappingSet], name: str, tmp_path: Path) -> None:
    """Read, written again with format_sssom, read again: the same text, rows and metadata."""
    mset = sets[name]
    text = link.format_sssom(mset.metadata, mset.rows)
    assert text == (MAPPINGS / f"{name}.sssom.tsv").read_text(encoding="utf-8")
    copy = tmp_path / f"{name}.sssom.tsv"
    copy.write_text(text, encoding="utf-8")
    again = link.read_sssom(copy)
    assert [r.values() for r in again.rows] == [r.values() for r in mset.rows]
    assert again.metadata == mset.metadata


@pytest.mark.parametrize(
    ("first", "second", "composed"),
    [
        ("skos:exactMatch", "skos:exactMatch", "skos:closeMatch"),
        ("skos:exactMatch", "skos:broadMatch", "skos:broadMatch"),
        ("skos:closeMatch", "skos:exactMatch", "skos:closeMatch"),
        ("skos:closeMatch", "skos:closeMatch", "skos:closeMatch"),
        ("skos:closeMatch", "skos:broadMatch", "skos:broadMatch"),
        ("skos:narrowMatch", "skos:closeMatch", "skos:narrowMatch"),
        ("skos:broadMatch", "skos:broadMatch", "skos:broadMatch"),
        ("skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"),
        ("skos:narrowMatch", "skos:broadMatch", "skos:relatedMatch"),
        ("skos:relatedMatch", "skos:exactMatch", "skos:relatedMatch"),
        ("skos:closeMatch", "skos:relatedMatch", "skos:relatedMatch"),
    ],
)
def test_chained_predicates_compose(first: str, second: str, composed: str) -> None:
    assert derive_mappings.compose(first, second) == composed


def test_ecf_3_to_4_covers_both_versions_as_the_framework_data_says(
    sets: dict[str, link.MappingSet],
) -> None:
    """Every 4.0 competence is a subject, every 3.0 competence an object (the two 4.0 dropped
    through D.5), and each row agrees with the 4.0 data's 'previous'."""
    mset = sets["ecf-3.0-4.0"]
    assert {mset.expand(s) for s in mset.subjects()} == ecf4_competences()
    objects = {mset.expand(r.object_id) for r in mset.rows if not r.no_match}
    assert objects == set(link.card_concepts(CARDS, "ecf-3.0"))
    by_pair = {(r.subject_id, r.object_id): r.predicate_id for r in mset.rows}
    assert by_pair[("ecf4:D.6", "ecf3:D.12")] == "skos:exactMatch"  # renumbered
    assert by_pair[("ecf4:A.8", "ecf3:A.8")] == "skos:closeMatch"  # renamed
    assert by_pair[("ecf4:D.5", "ecf3:D.7")] == "skos:relatedMatch"  # dropped, taken over
    assert by_pair[("ecf4:D.7", "sssom:NoTermFound")] == "skos:closeMatch"  # new
    assert ("ecf4:D.7", "ecf3:D.7") not in by_pair  # the code was reused for another competence


def test_object_labels_match_the_vocabularies(
    sets: dict[str, link.MappingSet], external: dict[str, str]
) -> None:
    for mset in sets.values():
        for row in mset.rows:
            iri = mset.expand(row.object_id) if not row.no_match else None
            if iri in external:
                assert row.object_label == external[iri], (mset.name, row.line)


@pytest.mark.parametrize("edition", sorted(JOB_SETS))
def test_every_job_is_linked_to_esco_and_rome(
    sets: dict[str, link.MappingSet], edition: str
) -> None:
    jobs = set(link.card_concepts(CARDS, edition))
    assert jobs
    for name in JOB_SETS[edition]:
        mset = sets[name]
        assert {mset.expand(s) for s in mset.subjects()} == jobs, name


def test_every_ecf_3_competence_is_linked_to_esco(sets: dict[str, link.MappingSet]) -> None:
    competences = set(link.card_concepts(CARDS, "ecf-3.0"))
    assert len(competences) == 40
    mset = sets["ecf-3.0-esco"]
    assert {mset.expand(s) for s in mset.subjects()} == competences
    assert not any(r.no_match for r in mset.rows)


def test_cross_edition_sets_are_complete(sets: dict[str, link.MappingSet]) -> None:
    jobs_2010 = set(link.card_concepts(CARDS, "cigref-2010"))
    jobs_2018 = set(link.card_concepts(CARDS, "cigref-2018"))
    cont = sets["cigref-2010-2018"]
    assert {cont.expand(s) for s in cont.subjects()} == jobs_2018
    assert {cont.expand(r.object_id) for r in cont.rows if not r.no_match} == jobs_2010
    sic = sets["sic-cigref-2018"]
    assert {sic.expand(s) for s in sic.subjects()} == set(link.card_concepts(CARDS, "sic"))
    ecf = sets["ecf-2.0-3.0"]
    assert {ecf.expand(s) for s in ecf.subjects()} == set(link.card_concepts(CARDS, "ecf-3.0"))


def test_known_answers(sets: dict[str, link.MappingSet]) -> None:
    def objects(name: str, subject: str) -> dict[str, str]:
        return {r.object_label: r.predicate_id for r in sets[name].rows if r.subject_id == subject}

    assert objects("cigref-2018-esco", "ng2018:8.1") == {"data scientist": "skos:exactMatch"}
    assert objects("cigref-2018-rome", "ng2018:8.1") == {"Data scientist": "skos:exactMatch"}
    assert objects("cigref-2010-2018", "ng2018:4.9")["Architecte technique"] == "skos:exactMatch"
    assert objects("cigref-2010-2018", "ng2018:9.1") == {"Manager de contrats": "skos:exactMatch"}
    row = next(r for r in sets["cigref-2018-rome"].rows if r.subject_id == "ng2018:6.3")
    assert row.object_id == link.contract(iris.rome("M1812"))


def test_chained_object_labels_are_the_shipped_labels(sets: dict[str, link.MappingSet]) -> None:
    """The object_label of a chained row is the English label data/labels/ ships for it."""
    names = {}
    for _, r in read_table(resources.LABELS / "isco-groups.tsv", FILES["isco-groups.tsv"]):
        names[iris.isco_group(r["code"])] = r["label_en"]
    for _, r in read_table(
        resources.LABELS / "onet-occupations.tsv", FILES["onet-occupations.tsv"]
    ):
        names[iris.onet(r["code"])] = r["label_en"]
    checked = 0
    for name in CHAINED:
        mset = sets[name]
        for row in mset.rows:
            if not row.no_match:
                assert row.object_label == names[mset.expand(row.object_id)], (name, row.line)
                checked += 1
    assert checked > 300
