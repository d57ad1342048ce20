"""Tests of the CIGREF 2010 parser against the real source text (sources/, byte-identical copy)."""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from nomengraph.cards import check_card, load_schema
from nomengraph.extract.base import ExtractResult, SourceFormatError
from nomengraph.extract.cigref2010 import extract
from nomengraph.extract.corrections import apply_corrections as _apply
from nomengraph.extract.corrections import load_corrections

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "sources" / "cigref-2010-nomenclature.txt"
CORRECTIONS = ROOT / "sources" / "corrections.yaml"
GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "cigref-2010"
ECF = "ecf/ecf-2.0.yaml"
MATRIX = "matrix/cigref-2010-annex1.yaml"


@cache
def _text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@cache
def _result() -> ExtractResult:
    return extract(_text())


@pytest.fixture(scope="module")
def result() -> ExtractResult:
    return _result()


@pytest.fixture(scope="module")
def cards(result: ExtractResult) -> dict[str, dict[str, Any]]:
    return {c["number"]: c for c in result.cards}


def levels_of(card: dict[str, Any]) -> dict[str, str]:
    return {c["code"]: c["level"] for c in card["competences"]}


# ------------------------------------------------------------------------------------- cards


def test_counts(result: ExtractResult) -> None:
    assert len(result.cards) == 33
    assert [c["number"] for c in result.cards][:6] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1"]
    # SOURCES.md: 311 competence assignments (4 in 3.1 without a level label, 1 doubtful in 7.5)
    assert sum(len(c["competences"]) for c in result.cards) == 311
    assert sum(1 for c in result.cards for q in c["competences"] if q.get("doubtful")) == 1


def test_every_card_passes_check_card(result: ExtractResult) -> None:
    for card in result.cards:
        assert check_card(card, card["id"]) == [], card["id"]
        assert list(card)[:3] == ["id", "edition", "number"]


def test_families(cards: dict[str, dict[str, Any]]) -> None:
    assert cards["1.1"]["family"] == {
        "number": "1",
        "title": "Pilotage, organisation et gestion des évolutions du système d'information",
    }
    assert cards["2.3"]["family"]["title"] == "Management de projet"
    assert cards["7.5"]["family"] == {"number": "7", "title": "Management opérationnel"}
    assert {c["family"]["number"] for c in cards.values()} == {str(n) for n in range(1, 8)}


def test_codes_and_levels_are_ecf_2_0(result: ExtractResult) -> None:
    codes = {c["code"] for c in result.data_files[ECF]["competences"]}
    assert len(codes) == 36
    for card in result.cards:
        for req in card["competences"]:
            assert req["code"] in codes
            assert 1 <= req["level_min"] <= req["level_max"] <= 5
            assert req["lines"][0] >= card["provenance"]["lines"][0]
            assert req["lines"][1] <= card["provenance"]["lines"][1]


def test_competence_lists_of_known_cards(cards: dict[str, dict[str, Any]]) -> None:
    # 1.3: shifted E3-E6 level cells and a spurious "Level 2" (l.624)
    l13 = levels_of(cards["1.3"])
    assert {k: l13[k] for k in ("E.3", "E.4", "E.5", "E.6")} == {
        "E.3": "2",
        "E.4": "4",
        "E.5": "3",
        "E.6": "2",
    }
    assert len(l13) == 13
    # 3.1: no level labels, levels from the descriptors
    l31 = levels_of(cards["3.1"])
    assert {k: l31[k] for k in ("C.2", "C.3", "C.4", "D.9", "D.10")} == {
        "C.2": "2",
        "C.3": "1",
        "C.4": "3",
        "D.9": "3",
        "D.10": "3",
    }
    assert all("note" in q for q in cards["3.1"]["competences"] if q["code"] in ("C.3", "D.10"))
    # 6.1 l.2513: four competences in one row
    row = [q for q in cards["6.1"]["competences"] if q["lines"] == [2513, 2513]]
    assert [(q["code"], q["level"]) for q in row] == [
        ("D.9", "2"),
        ("D.10", "5"),
        ("E.3", "3"),
        ("E.4", "2"),
    ]
    # ranges and alternatives
    assert levels_of(cards["6.1"])["E.6"] == "2-4"
    assert levels_of(cards["6.1"])["E.5"] == "3-4"
    assert levels_of(cards["3.4"])["A.6"] == "1/3"
    assert levels_of(cards["2.3"])["D.4"] == "2-3"
    assert levels_of(cards["4.4"])["C.2"] == "2-3"
    # duplicated rows counted once
    assert len([q for q in cards["2.2"]["competences"] if q["code"] == "A.2"]) == 1
    assert len([q for q in cards["5.2"]["competences"] if q["code"] == "C.1"]) == 1
    # the 'E8. .' spelling is kept as printed_code
    e8 = next(q for q in cards["4.1"]["competences"] if q["code"] == "E.8")
    assert e8["printed_code"] == "E8. ."


def test_faults_recorded_faithfully(result: ExtractResult, cards: dict[str, Any]) -> None:
    a3 = next(q for q in cards["7.5"]["competences"] if q["code"] == "A.3")
    assert a3["level"] == "5" and a3["doubtful"] is True and "level-4" in a3["note"]
    e6 = next(q for q in cards["2.1"]["competences"] if q["code"] == "E.6")
    assert e6["level"] == "2" and e6["descriptor"].startswith("Assesses and estimates")
    for number in ("7.3", "7.4", "7.5"):
        e2 = next(q for q in cards[number]["competences"] if q["code"] == "E.2")
        assert e2["level"] == "3" and e2["descriptor"].startswith("Analyses Business processes")
        assert any(f"card {number}: the descriptor printed for E.2" in w for w in result.warnings)
    a7 = next(q for q in cards["6.1"]["competences"] if q["code"] == "A.7")
    assert a7["descriptor"].startswith("Systematically interprets user problems")
    warnings = "\n".join(result.warnings)
    assert "'Level 2' (l.624)" in warnings
    assert ":883: card 2.1: E.6 is printed at level 2" in warnings
    assert re.search(r":2513: card 6\.1: 4 competences", warnings)
    for w in result.warnings:
        assert re.match(r"^sources/cigref-2010-nomenclature\.txt:\d+: ", w), w


def test_other_names(cards: dict[str, dict[str, Any]]) -> None:
    assert cards["1.1"]["other_names"]["en"] == [
        "Project Integrator",
        "Account Relationship Manager",
    ]
    assert cards["1.2"]["other_names"] == {
        "fr": ["Architecte fonctionnel", "Architecte de SI"],
        "en": ["Applications Architect"],
    }
    assert cards["7.5"]["other_names"]["fr"] == [
        "Directeur des Systèmes d'Information Front Office",
        "Responsable des études et du développement",
    ]
    assert cards["7.2"]["other_names"]["fr"].count("Dirigeant de service informatique") == 1
    assert cards["4.5"]["other_names"] == {"fr": [], "en": ["Database Administrator", "DBADM, DBA"]}
    assert "Analyste système" in cards["4.4"]["other_names"]["fr"]
    assert cards["6.3"]["other_names"] == {"fr": [], "en": []}
    plain_english = [
        ("2.3", "Project Manager"),
        ("3.2", "Programmer"),
        ("5.2", "Help Desk Analyst"),
        ("7.1", "Chief Information Officer"),
        ("4.2", "Desktop Technician"),
    ]
    for number, plain in plain_english:
        assert plain in cards[number]["other_names"]["en"]
    for card in cards.values():
        for name in card["other_names"]["fr"] + card["other_names"]["en"]:
            assert not re.fullmatch(r"\d/\d", name)


def test_fields(cards: dict[str, dict[str, Any]]) -> None:
    # 6.1 (l.2559) and 7.5 (l.3126) print an empty TENDANCES section
    assert [n for n, c in cards.items() if c["trends"] is None] == ["6.1", "7.5"]
    assert cards["1.1"]["career_path"] == {
        "education": "Bac + 5",
        "experience": "Plus de 10 ans. Expérience diversifiée. Bonne connaissance des métiers de "
        "l'entreprise et des usages qu'elle fait du SI.",
    }
    assert cards["4.10"]["career_path"]["education"] == "Bac + 5 ingénieur"
    assert cards["3.2"]["performance_indicators"][-1] == "Nombre de régressions"
    assert cards["4.9"]["performance_indicators"] == []  # only a misplaced PROFIL table there
    for card in cards.values():
        assert card["mission"] and card["activities"] and card["deliverables"]
        assert card["career_path"]["education"]


# ----------------------------------------------------------------------------- clean text

_FORBIDDEN = [
    (re.compile(r"[<>]"), "HTML"),
    (re.compile(r"suite\)"), "'(suite)'"),
    (re.compile(r"COMPETENCES|La liste des (knowledge|connaissances)"), "page furniture"),
    (re.compile(r"\b[A-E]\. (PLAN|BUILD|RUN|ENABLE|MANAGE)\b"), "area label"),
    (re.compile(r"[\ufffd\x00-\x08\x0b-\x1f\t]"), "garbled/control character"),
    (re.compile(r"  "), "double space"),
    (re.compile(r"^\s|\s$"), "untrimmed"),
    (re.compile(r"^[-•➤]"), "leading bullet"),
    (re.compile(r"^\d\.\d{1,2} [A-Z]"), "running title"),
    (re.compile(r"(^|\s)-{2,}($|\s)"), "table-rule debris"),
]


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}[{i}]")]
    return []


def test_no_debris_in_text_fields(result: ExtractResult) -> None:
    for card in result.cards:
        for path, text in _strings(card):
            if path.startswith((".provenance", ".id", ".edition", ".number")):
                continue
            for pattern, what in _FORBIDDEN:
                assert not pattern.search(text), f"{card['id']}{path}: {what}: {text[:80]!r}"
            if path.startswith((".other_names", ".activities", ".deliverables", ".perf")):
                assert len(text) > 3, f"{card['id']}{path}: fragment {text!r}"
            if "\n" in text:
                assert path in (
                    ".mission",
                    ".trends",
                    ".career_path.experience",
                    ".career_path.experience.text",
                ) or path.endswith((".descriptor", ".note")), f"{card['id']}{path}: line break"
                assert "\n\n\n" not in text and not re.search(r"(?<!\n)\n(?!\n)", text)


def test_tasks_are_split(cards: dict[str, dict[str, Any]]) -> None:
    assert cards["1.1"]["activities"][0]["tasks"] == [
        "Conseille sur l'optimisation de l'utilisation des outils et des systèmes en place",
        "Informe et sensibilise la DG et les directions métiers aux technologies et aux apports "
        "des technologies de l'information.",
    ]
    assert cards["1.2"]["activities"][2]["tasks"][1].startswith("Travaille en relation")
    first = cards["6.1"]["activities"][0]
    assert first["heading"] == "Conseil et support auprès des équipes"
    assert first["note"] == (
        "Il s'agit a priori de métiers différents regroupés sur une seule fiche dans un souci "
        "de synthèse qui peuvent ou non selon les organisations être tenus par des personnes "
        "différentes."
    )
    lead = cards["1.4"]["activities"][0]["tasks"][2]
    assert lead["text"].startswith("Contribue à la construction")
    assert lead["items"][-1] == "en participant aux recettes opérationnelles"


# ------------------------------------------------------------------------------------ golden


@pytest.mark.parametrize("number", ["1.1", "6.1", "3.1"])
def test_golden_cards(cards: dict[str, dict[str, Any]], number: str) -> None:
    expected = yaml.safe_load((GOLDEN / f"{number}.yaml").read_text(encoding="utf-8"))
    got = cards[number]
    assert list(got) == list(expected)
    for key in expected:
        assert got[key] == expected[key], key


# ---------------------------------------------------------------------------------- e-CF 2.0

# SOURCES.md §4: (code, knowledge count, skill count, applicable levels as printed)
ECF_TABLE = """
A.1 5 5 4,5|A.2 5 5 3,5|A.3 7 5 3,4,5|A.4 3 5 3,4,5|A.5 4 5 3,4|A.6 7 7 1,2,3|A.7 4 4 4,5
A.8 2 3 3,4
B.1 6 6 2,3,4,5|B.2 4 5 2,3,4|B.3 4 5 1,2,3|B.4 5 6 -|B.5 3 4 1,2,3
C.1 5 5 1,2,3|C.2 4 4 2,3|C.3 4 3 1,2,3|C.4 5 5 2,3,4
D.1 4 5 4,5|D.2 2 3 4,5|D.3 3 5 2,3|D.4 5 5 2,3,4|D.5 5 6 2,3,4|D.6 5 5 3,4|D.7 6 5 3,4,5
D.8 3 3 2,3,4|D.9 4 4 2,3,4|D.10 2 4 3,4,5
E.1 4 5 3,4|E.2 4 5 2,3,4,5|E.3 3 4 2,3,4|E.4 5 5 2,3,4|E.5 4 2 3,4|E.6 3 5 2,3,4|E.7 3 4 3,4,5
E.8 4 4 2,3,4|E.9 4 4 4,5
"""


def test_ecf_framework(result: ExtractResult) -> None:
    data = result.data_files[ECF]
    jsonschema.Draft202012Validator(load_schema("ecf.schema.json")).validate(data)
    assert data["framework"] == "e-CF" and data["version"] == "2.0"
    assert [(a["code"], a["name"]["en"]) for a in data["areas"]] == [
        ("A", "PLAN"),
        ("B", "BUILD"),
        ("C", "RUN"),
        ("D", "ENABLE"),
        ("E", "MANAGE"),
    ]
    assert {lvl["level"]: lvl["eqf"] for lvl in data["levels"]} == {
        1: [3],
        2: [4, 5],
        3: [6],
        4: [7],
        5: [8],
    }
    comps = {c["code"]: c for c in data["competences"]}
    rows = [r.split() for r in ECF_TABLE.replace("\n", "|").split("|") if r.strip()]
    assert len(rows) == 36 and list(comps) == [r[0] for r in rows]
    for code, k, s, levels in rows:
        c = comps[code]
        assert len(c["knowledge"]) == int(k), code
        assert len(c["skills"]) == int(s), code
        assert c["levels"] == ([] if levels == "-" else [int(x) for x in levels.split(",")]), code
        assert c["description"]["en"] and c["name"]["en"]
        assert [d["level"] for d in c["level_descriptors"]] == c["levels"]
        assert not set(c["levels"]) & set(c["not_applicable"])
    assert [k["id"] for k in comps["E.2"]["skills"]] == ["S1", "S2", "S3", "S4", "S6"]
    assert comps["A.1"]["knowledge"][0] == {
        "id": "K1",
        "text": {"en": "business strategy concepts"},
    }
    assert comps["E.9"]["skills"][0]["text"]["en"] == "manage applicable governance models"
    assert comps["D.1"]["level_descriptors"][1]["text"]["en"].startswith("Provides strategic")
    assert comps["C.1"]["level_descriptors"][0]["text"]["en"].startswith("Routinely interacts")
    # printing faults are flagged, not fixed, by the parser
    assert {c["code"] for c in data["competences"] if "printed_levels" in c} == {
        "A.2",
        "A.4",
        "B.4",
    }


def _select(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    found = [i for i in items if key in (i.get("code"), i.get("id"), i.get("number"))]
    assert len(found) == 1, key
    return found[0]


def apply_corrections(data: dict[str, Any], target: str) -> dict[str, Any]:
    """Apply the project's corrections for one data file with the extract stage's own code."""
    data = copy.deepcopy(data)
    entries = [c for c in load_corrections(CORRECTIONS) if c.target == target]
    _apply({target: data}, entries, str(CORRECTIONS))
    return data


def test_corrections_file() -> None:
    entries = [
        e
        for e in yaml.safe_load(CORRECTIONS.read_text(encoding="utf-8"))
        if e["id"].startswith("2010-")
    ]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert set(e) == {"id", "target", "field", "value", "reason"}
        assert re.search(r"l\.\d+", e["reason"])


def test_corrected_ecf_agrees_with_cards(result: ExtractResult) -> None:
    data = apply_corrections(result.data_files[ECF], "ecf-2.0")
    jsonschema.Draft202012Validator(load_schema("ecf.schema.json")).validate(data)
    comps = {c["code"]: c for c in data["competences"]}
    assert comps["A.2"]["levels"] == [3, 4] and comps["A.2"]["printed_levels"] == [3, 5]
    assert comps["A.4"]["levels"] == [2, 3, 4] and comps["A.4"]["printed_levels"] == [3, 4, 5]
    assert comps["B.4"]["levels"] == [1, 2, 3] and comps["B.4"]["printed_levels"] == []
    for c in comps.values():
        assert [d["level"] for d in c["level_descriptors"]] == c["levels"]
    # every level used on a card (not doubtful) is admissible in the corrected framework
    for card in result.cards:
        for req in card["competences"]:
            if req.get("doubtful"):
                continue
            printed = {int(x) for x in re.split(r"[-/]", req["level"])}
            assert printed <= set(comps[req["code"]]["levels"]), (card["id"], req["code"])
    # and every card descriptor of A.2/A.4/B.4 is the corrected text of its level
    for card in result.cards:
        for req in card["competences"]:
            if req["code"] in ("A.2", "A.4", "B.4") and "descriptor" in req:
                texts = {
                    d["level"]: d["text"]["en"] for d in comps[req["code"]]["level_descriptors"]
                }
                assert texts[req["level_min"]].rstrip(".") == req["descriptor"].rstrip(".")


# ---------------------------------------------------------------------------------- matrix


def test_matrix(result: ExtractResult, cards: dict[str, dict[str, Any]]) -> None:
    data = result.data_files[MATRIX]
    jsonschema.Draft202012Validator(load_schema("matrix.schema.json")).validate(data)
    assert len(data["codes"]) == 36 and data["codes"][0] == "A.1" and data["codes"][-1] == "E.9"
    assert len(data["rows"]) == 33
    row41 = _select(data["rows"], "4.1")
    assert row41["values"] == ["2", "1", "1", "2", "2", "1", "2", "2"] and not row41["aligned"]
    assert "levels" not in row41
    disagree = []
    for row in data["rows"]:
        card = levels_of(cards[row["number"]])
        if not row["aligned"] or row["levels"] != card:
            disagree.append(row["number"])
    assert disagree == ["4.1", "4.4", "4.5", "4.6", "5.1", "7.5"]
    assert _select(data["rows"], "3.4")["levels"]["A.6"] == "1/3"
    assert _select(data["rows"], "6.1")["levels"]["E.8"] == "2-4"


# ------------------------------------------------------------------------- broken sources


def _lines() -> list[str]:
    return _text().split("\n")


def test_truncated_source_raises() -> None:
    with pytest.raises(SourceFormatError) as err:
        extract("\n".join(_lines()[:2000]))
    assert "sources/cigref-2010-nomenclature.txt" in str(err.value)


def test_missing_section_heading_raises() -> None:
    lines = _lines()
    i = next(n for n, s in enumerate(lines) if s == "LIVRABLES" and n > 1200)
    lines[i] = "LIVRABLE"
    with pytest.raises(SourceFormatError, match="section 'LIVRABLES' not found"):
        extract("\n".join(lines))


def test_missing_card_raises() -> None:
    lines = _lines()
    i = lines.index("2.2 Chef de projet maîtrise d'ouvrage")
    lines[i] = "Chef de projet maîtrise d'ouvrage"
    # the first running title "2.2 …" (l.956) is then taken as the heading: no MISSION after it
    with pytest.raises(SourceFormatError, match="card 2.2: section 'MISSION' not found"):
        extract("\n".join(lines))
    lines = [s for s in lines if not s.startswith("2.2 Chef de projet")]
    with pytest.raises(SourceFormatError) as err:
        extract("\n".join(lines))
    assert "card 2.2 announced in the family list but not found" in str(err.value)
    assert lines[err.value.line - 1] == "- 2.2 Chef de projet maîtrise d'ouvrage"


def test_missing_annex_raises() -> None:
    lines = [s for s in _lines() if not s.startswith("Annexe 2 :")]
    with pytest.raises(SourceFormatError, match="Annexe 2"):
        extract("\n".join(lines))


def test_unlabelled_undecidable_level_raises() -> None:
    lines = _lines()
    lines[1228] = lines[1228].replace("Acts under guidance", "Does something else entirely")
    with pytest.raises(SourceFormatError) as err:
        extract("\n".join(lines))
    assert err.value.line == 1229
