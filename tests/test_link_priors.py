"""The IT prior of ``link match`` (``nomengraph.link.priors``): the shares learned from reviewed
answers, the bonus spread over a group, its effect on a ranking, the shipped file rebuilt
byte-identically by its tool, a bad prior file named with its line; and the French labels of
ESCO skills that a card's tasks are compared with."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from nomengraph import resources
from nomengraph.link.matcher import Concept, Element, Matcher, Query, Weights
from nomengraph.link.priors import (
    FLOOR,
    PRIOR_FILE,
    Prior,
    PriorError,
    group_keys,
    learn_shares,
    read_prior,
)
from nomengraph.link.sources import read_skill_labels

ROOT = Path(__file__).resolve().parents[1]
OCC = "http://data.europa.eu/esco/occupation/"


def occupation(name: str, code: str, label: str = "") -> Concept:
    return Concept(OCC + name, (label or name,), notation=code, kind="occupation")


def test_group_keys_of_esco_and_rome_concepts() -> None:
    assert group_keys(occupation("dev", "2512.4")) == [
        ("isco4", "2512"),
        ("isco3", "251"),
        ("isco2", "25"),
    ]
    fiche = Concept("r", ("Développeur",), notation="M1805", kind="rome")
    assert group_keys(fiche) == [("domain", "M18"), ("area", "M")]
    assert group_keys(Concept("x", ("no code",), kind="occupation")) == []
    assert group_keys(Concept("j", ("job",), notation="2512", kind="job")) == []


def test_shares_split_each_job_over_its_answers() -> None:
    answers = {
        "job1": [occupation("dev", "2512.4")],
        "job2": [occupation("dev", "2512.4"), occupation("dba", "2521.1")],
        "job3": [],  # no answer: not counted
    }
    shares = learn_shares(answers, "esco")
    assert shares["isco4"] == pytest.approx({"2512": 0.75, "2521": 0.25})
    assert shares["isco3"] == pytest.approx({"251": 0.75, "252": 0.25})
    assert shares["isco2"] == pytest.approx({"25": 1.0})


def test_bonus_spreads_a_group_share_over_its_concepts() -> None:
    prior = Prior({"esco": {"isco4": {"2512": 0.5}}})
    concepts = {
        c.iri: c
        for c in (
            occupation("dev", "2512.4"),
            occupation("web", "2512.7"),
            occupation("cook", "5120.1"),
            occupation("baker", "7512.1"),
        )
    }
    bonus = prior.bonus(concepts)
    # p = 0.5 / 2 concepts in the group; N = 4 concepts in the corpus
    assert bonus[OCC + "dev"] == pytest.approx(math.log1p(0.25 * 4 / FLOOR))
    assert bonus[OCC + "web"] == bonus[OCC + "dev"]
    assert bonus[OCC + "cook"] == bonus[OCC + "baker"] == 0.0


def test_the_prior_reorders_equally_matching_concepts() -> None:
    # two concepts with the same label: without the prior the tie is broken by id (descending),
    # with it the concept of the learned group comes first
    it = occupation("a-ict", "2523.1", "technicien réseau")
    other = occupation("b-rail", "3113.9", "technicien réseau")
    concepts = {c.iri: c for c in (it, other)}
    elements = [Element(c.iri, c.label, c.iri) for c in concepts.values()]
    query = Query("q", ("Technicien réseau",))
    prior = Prior({"esco": {"isco2": {"25": 1.0}}}).bonus(concepts)
    plain = Matcher(elements, concepts).rank([query], 2)["q"]
    assert [e.concept for e, _ in plain] == [other.iri, it.iri]
    favoured = Matcher(elements, concepts, prior=prior).rank([query], 2)["q"]
    assert [e.concept for e, _ in favoured] == [it.iri, other.iri]
    weightless = Matcher(elements, concepts, Weights(prior=0.0), prior=prior).rank([query], 2)
    assert [e.concept for e, _ in weightless["q"]] == [other.iri, it.iri]


def test_shipped_prior_is_rebuilt_identically_by_its_tool(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_link_prior", ROOT / "tools" / "build_link_prior.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = tmp_path / "it-prior.tsv"
    assert tool.main(["--out", str(out)]) == 0
    assert out.read_bytes() == PRIOR_FILE.read_bytes()
    assert PRIOR_FILE.parent == resources.LINK


def test_shipped_prior_reads_and_favours_ict_groups() -> None:
    prior = read_prior()
    isco2 = prior.shares["esco"]["isco2"]
    assert max(isco2, key=isco2.__getitem__) == "25"  # ICT professionals
    assert max(prior.shares["rome"]["domain"].items(), key=lambda x: x[1])[0] == "M18"
    for levels in prior.shares.values():
        for groups in levels.values():
            assert 0.9 <= sum(groups.values()) <= 1.0 + 1e-6


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("target\tgroup\n", "expected the header"),
        ("target\tlevel\tgroup\tshare\nesco\tisco9\t25\t0.5\n", ":2: expected 'target level"),
        ("# note\ntarget\tlevel\tgroup\tshare\nesco\tisco2\t25\tmany\n", ":3: share 'many'"),
        ("target\tlevel\tgroup\tshare\nrome\tdomain\tM18\t1.5\n", ":2: share 1.5 outside"),
    ],
)
def test_bad_prior_file_names_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "prior.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PriorError, match=message) as info:
        read_prior(path)
    assert str(path) in str(info.value)
    with pytest.raises(PriorError, match="prior.tsv"):
        read_prior(tmp_path / "absent" / "prior.tsv")


def test_skill_labels_in_the_cards_language() -> None:
    esco = ROOT / "tests" / "fixtures" / "esco" / "v1.2.0"
    labels = read_skill_labels(esco, lang="fr")
    rows = (esco / "skills_fr.csv").read_text(encoding="utf-8").splitlines()[1:]
    first_iri, first_label = rows[0].split(",")[:2]
    assert labels[first_iri] == first_label
    assert all(iri.startswith("http://data.europa.eu/esco/skill/") for iri in labels)
    assert read_skill_labels(esco, lang="de") == {}  # no skills_de.csv: none


def test_a_cards_tasks_meet_the_labels_of_a_concepts_skills() -> None:
    # same title for both: the task text decides when it shares words with one concept's skills
    a = occupation("a-net", "2523.1", "technicien")
    b = occupation("b-web", "2513.1", "technicien")
    concepts = {c.iri: c for c in (a, b)}
    elements = [Element(c.iri, c.label, c.iri) for c in concepts.values()]
    query = Query("q", ("Technicien",), text="Configure les routeurs et le pare-feu du réseau.")
    skill_texts = {
        a.iri: "configurer un pare-feu gérer les routeurs",
        b.iri: "concevoir un site web",
    }
    plain = Matcher(elements, concepts).rank([query], 2)["q"]
    assert [e.concept for e, _ in plain] == [b.iri, a.iri]  # tie: id descending
    bridged = Matcher(elements, concepts, skill_texts=skill_texts).rank([query], 2)["q"]
    assert [e.concept for e, _ in bridged] == [a.iri, b.iri]
    assert bridged[0][1] > plain[0][1]
