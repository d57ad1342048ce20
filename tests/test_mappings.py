"""The project's mapping sets (mappings/*.sssom.tsv): they parse, use allowed predicates, have no
duplicates or contradictions, link only existing things, and are complete."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nomengraph import iris, link, resources

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = resources.MAPPINGS
CARDS = resources.CARDS
VOCAB_USED = ROOT / "tests" / "fixtures" / "link" / "vocab-used.tsv"

JOB_SETS = {
    "cigref-2010": ("cigref-2010-esco", "cigref-2010-rome"),
    "cigref-2018": ("cigref-2018-esco", "cigref-2018-rome"),
    "sic": ("sic-esco", "sic-rome"),
}
EXPECTED = {
    *(name for pair in JOB_SETS.values() for name in pair),
    "ecf-3.0-esco",
    "cigref-2010-2018",
    "sic-cigref-2018",
    "ecf-2.0-3.0",
}


@pytest.fixture(scope="module")
def subjects() -> set[str]:
    return link.known_subjects(CARDS)


@pytest.fixture(scope="module")
def external() -> dict[str, str]:
    """The ESCO/ROME concepts the mappings use (IRI -> label), cut from the full exports."""
    with VOCAB_USED.open(encoding="utf-8", newline="") as fh:
        return {r["iri"]: r["label"] for r in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="module")
def sets(subjects: set[str], external: dict[str, str]) -> dict[str, link.MappingSet]:
    found = link.read_mappings(MAPPINGS, subjects, subjects | set(external))
    return {m.name: m for m in found}


def test_every_expected_set_is_there(sets: dict[str, link.MappingSet]) -> None:
    assert set(sets) == EXPECTED


def test_rows_are_reviewed_and_well_formed(sets: dict[str, link.MappingSet]) -> None:
    for mset in sets.values():
        assert mset.metadata["license"].startswith("https://")
        assert mset.metadata["mapping_set_id"] == link.mapping_set_iri(mset.name)
        for row in mset.rows:
            assert row.predicate_id in link.PREDICATES
            assert row.mapping_justification == link.MANUAL, (mset.name, row.line)
            assert row.confidence is not None and 0 <= row.confidence <= 1
            assert row.author_id and row.reviewer_id and row.comment, (mset.name, row.line)


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
