"""The SIC référentiel parser (nomengraph.extract.sic) against the real source text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from nomengraph.cards import check_card
from nomengraph.extract.base import SourceFormatError
from nomengraph.extract.sic import EXPECTED_RECORDS, SOURCE, extract

ROOT = Path(__file__).parents[1]
TEXT = (ROOT / "sources" / "sic-referentiel-metiers.txt").read_text(encoding="utf-8")
LINES = TEXT.split("\n")
GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "sic"

KEY_ORDER = [
    "id",
    "edition",
    "number",
    "family",
    "title",
    "printed_title",
    "other_names",
    "has_card",
    "description",
    "mission",
    "activities",
    "competences",
    "deliverables",
    "performance_indicators",
    "career_path",
    "trends",
    "provenance",
]


@pytest.fixture(scope="module")
def result():
    return extract(TEXT)


@pytest.fixture(scope="module")
def cards(result) -> dict[str, dict[str, Any]]:
    return {card["id"]: card for card in result.cards}


def strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string of a card with its field path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in strings(v, f"{path}[{i}]")]
    return []


def altered(*, drop: tuple[int, int] | None = None, keep: int | None = None) -> str:
    """The text with lines ``drop`` (1-based, inclusive) removed, or only its first ``keep``."""
    lines = list(LINES)
    if drop:
        del lines[drop[0] - 1 : drop[1]]
    if keep is not None:
        lines = lines[:keep]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- counts


def test_44_records_numbered_in_source_order(result):
    assert EXPECTED_RECORDS == 44
    assert len(result.cards) == 44
    assert [c["number"] for c in result.cards] == [f"{k:02d}" for k in range(1, 45)]
    assert [c["id"] for c in result.cards] == [f"sic-{k:02d}" for k in range(1, 45)]
    assert {c["edition"] for c in result.cards} == {"sic"}


def test_all_titles_match_the_hand_checked_list(result):
    expected = yaml.safe_load((GOLDEN / "titles.yaml").read_text(encoding="utf-8"))
    assert [c["title"] for c in result.cards] == expected
    printed = {c["id"]: c["printed_title"] for c in result.cards if "printed_title" in c}
    assert printed == {"sic-01": "Concepteur -Développeur"}


def test_every_card_passes_check_card(result):
    for card in result.cards:
        assert check_card(card, card["id"]) == []


def test_key_order_and_constant_fields(result):
    for card in result.cards:
        assert list(card) == [k for k in KEY_ORDER if k in card]
        assert card["family"] is None
        assert card["has_card"] is True
        assert card["mission"] is None
        assert card["trends"] is None
        assert card["competences"] == []
        assert card["deliverables"] == []
        assert card["performance_indicators"] == []
        assert card["other_names"]["en"] == []
        assert card["provenance"]["source"] == SOURCE == "sources/sic-referentiel-metiers.txt"


def test_provenance_ranges_follow_each_other(result):
    ranges = [c["provenance"]["lines"] for c in result.cards]
    assert ranges[0][0] == 12
    assert ranges[-1][1] == len(LINES) == 1280  # the last line has no final newline
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        assert end < start
        assert all(not line.strip() for line in LINES[end : start - 1])
    for card in result.cards:
        first, last = card["provenance"]["lines"]
        assert LINES[first - 1].startswith(card.get("printed_title", card["title"]))
        assert LINES[last - 1].strip()


def test_task_and_heading_counts(result):
    groups = sum(len(c["activities"]) for c in result.cards)
    tasks = [t for c in result.cards for g in c["activities"] for t in g["tasks"]]
    bullets = sum(line.startswith("•") for line in LINES)
    subs = sum(line.startswith("–") for line in LINES)
    assert bullets == 566 and subs == 25
    # "–" sub-bullets are sub-items of the "•" task above them; the 6 bullets under the lead-in
    # "Conduire les entretiens :" (l.182) are its sub-items, the lead-in a task
    items = sum(len(t["items"]) for t in tasks if isinstance(t, dict))
    assert (len(tasks), items) == (566 - 6 + 1, 25 + 6)
    # one group per non-bullet line printed just above a bullet (heading, or the last line of
    # the Cursus/Formation cell in records 33 and 36)
    above_bullet = sum(
        1
        for line, below in zip(LINES, LINES[1:], strict=False)
        if below.startswith("•") and line.strip() and not line.startswith(("•", "–"))
    )
    assert groups == above_bullet == 187
    assert all(g["tasks"] for c in result.cards for g in c["activities"])


# ------------------------------------------------------------------------------ the traps


def test_glued_titles_are_split(cards):
    c37, c41 = cards["sic-37"], cards["sic-41"]
    assert c37["title"] == "Analyste en détection d’intrusions"
    assert c37["activities"][0]["heading"] == "ANALYSE DE RISQUES"
    assert c37["activities"][0]["tasks"] == [
        "Analyser et interpréter les différentes remontées d’alertes issues du centre de détection."
    ]
    assert c37["provenance"]["lines"] == [1092, 1104]
    assert c41["title"] == "Pilote en traitement d’incidents informatiques"
    assert c41["activities"][0]["heading"] == "TRAITEMENT D’INCIDENTS"
    assert c41["provenance"]["lines"] == [1169, 1187]
    for card in (c37, c41):
        assert card["other_names"]["fr"] == []
        assert card["career_path"] == {"education": None, "experience": None}
    # the previous records end on the bullet just above the glued line
    assert cards["sic-36"]["provenance"]["lines"][1] == 1091
    assert cards["sic-40"]["provenance"]["lines"][1] == 1168


def test_other_names_separated_by_a_comma_l205(cards):
    assert cards["sic-07"]["other_names"]["fr"] == ["Recetteur", "Homologateur"]


def test_other_names_wrapped_over_two_lines_l1077(cards):
    assert cards["sic-36"]["other_names"]["fr"] == [
        "Explorateur-programmeur de données",
        "Prospecteur de données",
        "Data Scientist",  # English, but the source has no language column: kept under fr
    ]


def test_other_names_separators_nbsp_and_space(cards):
    # l.236 mixes "\u00a0;" and " ;"
    assert cards["sic-08"]["other_names"]["fr"] == [
        "Ingénieur systèmes",
        "Ingénieur réseaux",
        "Ingénieur télécoms",
    ]
    assert cards["sic-01"]["other_names"]["fr"] == [
        "Concepteur",
        "Développeur",
        "Concepteur front-end / back-end / …",
        "développeur front-end / back-end / …",
    ]
    assert cards["sic-34"]["other_names"]["fr"] == ["Chief Data Officer", "Responsable des données"]
    assert cards["sic-04"]["other_names"]["fr"] == []


def test_record_35_has_no_education(cards):
    card = cards["sic-35"]
    assert card["title"] == "Éditeur de données publiques"
    assert card["other_names"]["fr"] == [
        "Data Editor",
        "Responsable éditorial des données publiques",
    ]
    assert card["career_path"] == {"education": None, "experience": None}
    assert card["activities"][0]["heading"] == "VALORISATION DE LA DONNEE"


@pytest.mark.parametrize("card_id,tasks", [("sic-33", 4), ("sic-36", 5)])
def test_bullets_only_records_have_one_group_without_heading(cards, card_id, tasks):
    activities = cards[card_id]["activities"]
    assert len(activities) == 1
    assert activities[0]["heading"] is None
    assert len(activities[0]["tasks"]) == tasks


@pytest.mark.parametrize(
    "card_id,education",
    [
        ("sic-01", "Bac + 2 (BTS ou DUT) ou ingénieur"),
        ("sic-02", "Bac + 2 (BTS ou DUT) avec 5 ans d’expériences ou ingénieur"),
        ("sic-16", "Bac+2 ou niveau bac pour poste à moindre responsabilité"),
        ("sic-20", "Bac + 3 avec expérience ou Bac + 5 sans expérience"),
        ("sic-26", "De Bac +3 à 5 en fonction du périmètre"),
        ("sic-39", "BAC +5 Spécialité SSI"),
        ("sic-42", "Bac+5 Ingénieur ou équivalent en informatique."),
        ("sic-43", "Bac + 2 à 5"),
    ],
)
def test_education_block_joined_as_printed(cards, card_id, education):
    assert cards[card_id]["career_path"]["education"] == education


def test_experience_only_when_stated_in_a_paragraph_of_its_own(cards, result):
    assert cards["sic-03"]["career_path"] == {
        "education": "Bac + 3 à 5",
        "experience": "Avec expériences en étude et développement",
    }
    with_experience = [c["id"] for c in result.cards if c["career_path"]["experience"]]
    assert with_experience == ["sic-03"]


def test_intro_sentences_go_to_description(cards, result):
    assert cards["sic-03"]["description"] == (
        "L’intégrateur d’application intervient dans la mise en œuvre d’applications nouvelles "
        "ou existantes."
    )
    assert cards["sic-11"]["description"].startswith("L’intégrateur d’exploitation intervient")
    assert cards["sic-07"]["description"].endswith("chefs de projet MOA et MOE :")
    assert [c["id"] for c in result.cards if "description" in c] == ["sic-03", "sic-07", "sic-11"]


def test_headings_as_printed(cards):
    headings = {c["id"]: [g["heading"] for g in c["activities"]] for c in cards.values()}
    # without colon (l.350, 597, 693, 935, 957)
    assert "ASSISTANCE ET GESTION DES INCIDENTS" in headings["sic-11"]
    assert "SIMPLIFICATION DES EVOLUTIONS DU SI" in headings["sic-19"]
    assert "GARANT DE LA MEILLEURE ADEQUATION “QUALITE COÛT DELAI”" in headings["sic-21"]
    assert "ACCOMPAGNEMENT AU PILOTAGE DES ACTIVITES SI" in headings["sic-30"]
    assert "RELATION FOURNISSEURS" in headings["sic-31"]
    # mixed case
    assert "Analyser FORENSIQUE" in headings["sic-38"]
    # l.181-182: a heading, then a lead-in in ordinary case whose items are the bullets
    assert headings["sic-06"][3] == "TESTS D’UTILISABILITE"
    (lead,) = cards["sic-06"]["activities"][3]["tasks"]
    assert lead["text"] == "Conduire les entretiens :" and len(lead["items"]) == 6
    assert lead["items"][0] == "Définir la population à interroger"
    # printed twice in record 10 (l.300, l.321): kept as two groups, as printed
    assert headings["sic-10"].count("SOUTIEN AUPRES DES EQUIPES") == 2


def test_sub_bullets_are_sub_items_of_their_parent_task(cards):
    tasks = cards["sic-26"]["activities"][0]["tasks"]
    assert len(tasks) == 3
    assert tasks[2] == {
        "text": "Contribuer à la construction et à l’utilisation du SI et de son évolution :",
        "items": [
            "En proposant des améliorations",
            "En participant à la gestion des idées et des propositions",
            "En participant aux projets d’adaptation et d’évolution du SI",
            "En participant à la rédaction des cahiers des charges fonctionnels",
            "En participant aux recettes fonctionnelles",
            "En participant à la conduite du changement.",
        ],
    }


def test_wrapped_bullet_l152_is_rejoined(cards):
    assert cards["sic-05"]["activities"][-1]["tasks"] == [
        "Entretenir une parfaite maîtrise des relations avec les fournisseurs, en particulier "
        "les éditeurs de logiciels, sociétés de services et cabinets de conseil intervenant "
        "sur les projets de mise en œuvre de systèmes de son entité."
    ]


def test_typographic_apostrophes_kept(result):
    texts = [s for card in result.cards for _, s in strings(card)]
    assert not any("'" in s for s in texts)
    assert sum("’" in s for s in texts) > 300


def test_warnings_name_their_lines(result):
    assert all(w.startswith(f"{SOURCE}:") for w in result.warnings)
    lines = sorted(int(w.split(":")[1]) for w in result.warnings)
    assert lines == [153, 205, 292, 1078, 1092, 1169]


# ----------------------------------------------------------------------------------- debris

DEBRIS = [
    (re.compile(r"[\u00a0\t\r\n]"), "NO-BREAK SPACE, tab or line break"),
    (re.compile(r"\s{2,}"), "double space"),
    (re.compile(r"^\s|\s$"), "edge whitespace"),
    (re.compile(r"^[•–\-]"), "leading bullet"),
    (re.compile(r"\s[•]\s"), "inner bullet"),
    (re.compile(r"</?[a-z]+>", re.IGNORECASE), "HTML tag"),
    (re.compile(r"suite\)"), "'(suite)' marker"),
    (re.compile(r"[\ufffd\u0000-\u001f]"), "garbled or control character"),
    (re.compile(r"Intitulé et autres appellations|Cursus/Formation|Principales activités"), "hdr"),
    (re.compile(r"Pexels|Jurisconforme"), "page text"),
]


def test_no_debris_in_any_text_field(result):
    problems = []
    for card in result.cards:
        for path, text in strings(card):
            if path in ("id", "edition", "number", "provenance.source"):
                continue
            if len(text) <= 3:
                problems.append((card["id"], path, text, "stray fragment"))
            if path in ("career_path.education", "description"):  # a paragraph per line
                text = text.replace("\n\n", " ")
            for pattern, what in DEBRIS:
                if pattern.search(text):
                    problems.append((card["id"], path, text, what))
    assert problems == []


def test_tasks_and_headings_lose_only_their_separators(result):
    for card in result.cards:
        for group in card["activities"]:
            assert group["heading"] is None or not group["heading"].endswith(":")
            for task in group["tasks"]:
                text = task if isinstance(task, str) else task["text"]
                assert not text.endswith(";")
                assert text[0].isupper()
                for item in [] if isinstance(task, str) else task["items"]:
                    assert not item.endswith(";")
        for name in card["other_names"]["fr"]:
            assert ";" not in name and name == name.strip()


# ----------------------------------------------------------------------------------- golden


@pytest.mark.parametrize("card_id", ["sic-07", "sic-12", "sic-36"])
def test_golden_cards(cards, card_id):
    expected = yaml.safe_load((GOLDEN / f"{card_id}.yaml").read_text(encoding="utf-8"))
    card = cards[card_id]
    assert list(card) == list(expected)
    for key in expected:
        assert card[key] == expected[key], key


# ------------------------------------------------------------------------ broken sources


def raises(text: str) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        extract(text)
    assert info.value.source == SOURCE
    assert isinstance(info.value.line, int) and info.value.line >= 1
    assert str(info.value).startswith(f"{SOURCE}:{info.value.line}: ")
    return info.value


@pytest.mark.parametrize(
    "drop,header",
    [((8, 8), "Intitulé et autres appellations"), ((10, 10), "Cursus/Formation"), ((11, 11), "")],
)
def test_missing_column_header(drop, header):
    err = raises(altered(drop=drop))
    assert "column header" in str(err)
    assert header in str(err)


def test_record_without_activities_in_the_middle():
    # drop the activities of record 2 (l.50-63): its header would run into record 3's
    err = raises(altered(drop=(50, 63)))
    assert "Gestionnaire des systèmes applicatifs" in str(err)
    assert err.line == 70 - 14  # record 3's "Bac + 3 à 5", after the 14 dropped lines


def test_record_without_activities_or_education_in_the_middle():
    # drop the activities of record 35 (l.1050-1072): its other names run into record 36's
    err = raises(altered(drop=(1050, 1072)))
    assert "Éditeur de données publiques" in str(err)
    assert err.line == 1077 - 23  # record 36's other names, after the 23 dropped lines


def test_text_truncated_after_a_title():
    err = raises(altered(keep=1251))
    assert err.line == 1251
    assert "Webmestre" in str(err) and "no activity" in str(err)


def test_text_truncated_in_the_cursus_block():
    err = raises(altered(keep=1254))
    assert err.line == 1251


def test_text_truncated_after_a_heading():
    err = raises(altered(keep=1275))
    assert err.line == 1275


def test_text_truncated_on_a_list_separator():
    err = raises(altered(keep=1279))
    assert err.line == 1279
    assert "middle of a record" in str(err)


def test_text_truncated_before_the_last_records():
    err = raises(altered(keep=1223))  # records 43 and 44 missing
    assert "42 records, 44 expected" in str(err)


def test_a_record_too_many():
    extra = "\n".join(LINES[1223:1250])  # record 43 again
    err = raises(TEXT + "\n" + extra)
    assert err.line == len(LINES) + 1
    assert "more than 44 records" in str(err)


def test_a_missing_record():
    err = raises(altered(drop=(41, 63)))  # record 2
    assert "43 records, 44 expected" in str(err)


def test_sub_bullet_without_a_bullet():
    err = raises(altered(drop=(371, 371)))  # "• Superviser :" above two "–" lines
    assert err.line == 371
    assert "sub-bullet" in str(err)
