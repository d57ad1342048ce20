"""Tests of the CIGREF 2018 parser on the real source text."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from nomengraph.cards import check_card, load_schema
from nomengraph.extract.base import ExtractResult, SourceFormatError
from nomengraph.extract.cigref2018 import extract
from nomengraph.extract.cigref2018_ecf import build_ecf

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "sources" / "cigref-2018-nomenclature.txt"
GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "cigref-2018"
ECF_CSV = ROOT / "sources" / "ecf-3.0-reference.csv"
ECF_LEVELS = ROOT / "sources" / "ecf-3.0-levels.csv"

# Characters the font fault produces and that never occur in clean text (SOURCES.md §3.1).
GARBLED = set("ŀŁŃŘŜŝŞşŦƎƘƛƞƧƪƭƳƴƻƾǆǇǉǊǎǘǳǶǾǿȄȅȊ¢¦±¸©лмнопрстуфΦΣΥΤΩϥΨΧόύζηκςϧҌϦϝω¶õ")
AREA_FRAGMENTS = {"A", ". P", "LA", "N", "IF", "IE", "R", "E.", "G", "ER", ". U", "TI", "LI", "SE"}


@cache
def raw_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@cache
def ecf_tables() -> tuple[str, str]:
    """The texts of the e-CF 3.0 reference list and levels table, as ``extract`` takes them."""
    return ECF_CSV.read_text(encoding="utf-8"), ECF_LEVELS.read_text(encoding="utf-8")


@cache
def result() -> ExtractResult:
    return extract(raw_text(), *ecf_tables())


def cards() -> dict[str, dict[str, Any]]:
    return {c["number"]: c for c in result().cards}


def strings(obj: Any, path: str = ""):
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from strings(value, f"{path}[{i}]")


# ------------------------------------------------------------------------------------- counts


def test_fifty_jobs_in_toc_order():
    numbers = [c["number"] for c in result().cards]
    assert len(numbers) == 50
    assert numbers[:3] == ["1.1", "1.2", "1.3"] and numbers[-1] == "9.4"
    assert len({c["id"] for c in result().cards}) == 50


def test_cards_present_and_missing():
    by = cards()
    with_card = [n for n, c in by.items() if c["has_card"]]
    without = [n for n, c in by.items() if not c["has_card"]]
    assert len(with_card) == 37 and with_card[-1] == "7.3"
    assert without == [
        "7.4", "7.5", "7.6", "7.7", "8.1", "8.2", "8.3", "8.4", "8.5", "9.1", "9.2", "9.3", "9.4"
    ]  # fmt: skip
    assert by["8.1"]["title"] == "Data Scientist"
    assert by["8.3"]["title"] == "Chief Data Officer"
    for number in without:
        card = by[number]
        assert card["competences"] == [] and card["activities"] == []
        assert card["family"]["number"] == number.split(".")[0]


def test_competence_counts():
    by = cards()
    total = sum(len(c["competences"]) for c in by.values())
    assert total == 399
    assert sum(len(c["competences"]) for n, c in by.items() if n != "7.3") == 397
    assert [r["code"] for r in by["7.3"]["competences"]] == ["A.2", "A.5"]
    codes = {r["code"] for c in by.values() for r in c["competences"]}
    assert len(codes) == 38
    assert "D.6" not in codes and "D.12" not in codes
    reference = {line.split(",")[0] for line in ECF_CSV.read_text().splitlines()[1:]}
    assert len(reference) == 40 and codes <= reference
    levels = {r["level_min"] for c in by.values() for r in c["competences"]}
    assert levels == {1, 2, 3, 4, 5}
    for c in by.values():
        for r in c["competences"]:
            assert r["level"] == str(r["level_min"]) == str(r["level_max"])
            assert r["descriptor"]


def test_families():
    by = cards()
    titles = {c["family"]["number"]: c["family"]["title"] for c in by.values()}
    assert titles == {
        # the cards' own field and the table of contents; chapter 2 keeps former names for 1, 2
        # and 5 ("Pilotage, organisation…", "Management de projet", "… aux utilisateurs")
        "1": "Organisation et gestion des évolutions du système d'information",
        "2": "Management de projets",
        "3": "Cycle de vie des applications",
        "4": "Mise à disposition et maintenance en condition opérationnelle des infrastructures",
        "5": "Support et assistance",
        "6": "Sécurité",
        "7": "Management opérationnel",
        "8": "Données",
        "9": "Relations fournisseurs",
    }
    # 1.5 and 1.6 print no family field: the family follows from the number.
    assert by["1.5"]["family"]["number"] == by["1.6"]["family"]["number"] == "1"


def test_every_card_passes_check_card():
    for card in result().cards:
        assert check_card(card, card["id"]) == [], card["id"]


def test_truncated_card_73():
    card = cards()["7.3"]
    assert card["has_card"] is True
    assert card["deliverables"] == [] and card["performance_indicators"] == []
    assert card["trends"] is None and "career_path" not in card
    assert card["provenance"]["lines"][1] == 15214
    assert any("7.3 is truncated" in w and ":15214:" in w for w in result().warnings)


def test_no_card_descriptions():
    by = cards()
    for number in ("7.6", "7.7", "8.3", "8.4", "8.5", "9.2", "9.3", "9.4"):
        assert by[number]["description"], number
    for number in ("7.4", "7.5", "8.1", "8.2", "9.1"):
        assert "description" not in by[number], number
    assert by["8.4"]["description"].startswith("Le Data Engineer est garant de la maîtrise")


# ----------------------------------------------------------------------------- clean text


def test_no_debris_in_text_fields():
    problems = []
    for card in result().cards + [result().data_files["ecf/ecf-3.0.yaml"]]:
        for path, text in strings(card):
            if set(text) & GARBLED:
                problems.append((path, "garbled", text))
            if re.search(r"Niveau [1-5]", text):
                problems.append((path, "level label", text))
            if re.search(r"[^\S\n]{2,}|(?<!\n)\n(?!\n)|\n{3,}", text):
                problems.append((path, "whitespace", text))
            if text != text.strip():
                problems.append((path, "untrimmed", text))
            if re.match(r"^[•\-–]\s", text) or re.search(r"\n[•\-]\s", text):
                problems.append((path, "bullet", text))
            if re.search(r"suite\)|<i>|<p>|Nomenclature RH|Famille de métiers", text):
                problems.append((path, "label", text))
            if re.search(r"\b\d{1,3} [1-9]\. [A-ZÉ]{4}", text):
                problems.append((path, "banner", text))
            if text in AREA_FRAGMENTS and not path.endswith((".area", ".code")):
                problems.append((path, "fragment", text))
            if re.search(r"(^|\s)(Indicateurs de|Parcours|Tendances et|Activités et)$", text):
                problems.append((path, "field label", text))
            if re.search(r"\(Nécessaires|pour réaliser la mission\)|facteurs d'évolution$", text):
                problems.append((path, "field label", text))
    assert problems == []


def test_no_running_titles_or_fragments_inside_texts():
    for card in result().cards:
        for path, text in strings({k: v for k, v in card.items() if k != "changes"}):
            assert not re.search(r"(^|\s)[1-9]\.[1-9]\. [A-Z]", text), (card["id"], path, text)
            # a vertical label glued to text would show as a lone capital group between words
            assert not re.search(r"\s(ER|IF|IE|LI|TI|EV|EL)\s[a-zé]", text), (path, text)


def test_hyphenated_line_ends_rejoined():
    a5 = next(r for r in cards()["7.3"]["competences"] if r["code"] == "A.5")
    assert "d'infrastructure." in a5["descriptor"]
    ecf = result().data_files["ecf/ecf-3.0.yaml"]
    desc = next(c for c in ecf["competences"] if c["code"] == "A.5")["description"]["fr"]
    assert "la plate-forme technologique" in desc


# -------------------------------------------------------------------------------- golden


@pytest.mark.parametrize("number", ["2.6", "5.1", "8.3"])
def test_golden_cards(number):
    expected = yaml.safe_load((GOLDEN / f"{number}.yaml").read_text(encoding="utf-8"))
    got = cards()[number]
    assert list(got) == list(expected)
    for key in expected:
        assert got[key] == expected[key], key


def test_golden_product_owner_highlights():
    po = cards()["2.6"]
    assert po["activities"][0]["heading"].startswith("RÉFÉRENT DE LA VISION MÉTIER, DU MVP")
    assert po["activities"][-1] == {
        "heading": "REPORTING",
        "tasks": [
            "Communique sur l'avancement de la réalisation du produit auprès du management et des "
            "utilisateurs"
        ],
    }
    assert [(r["code"], r["level"]) for r in po["competences"]] == [
        ("A.1", "4"), ("A.4", "3"), ("B.3", "3"), ("B.5", "3"), ("D.11", "5"),
        ("E.1", "4"), ("E.2", "3"), ("E.4", "4"), ("E.5", "3"), ("E.7", "5"),
    ]  # fmt: skip


# ------------------------------------------------------------------------------- changes


def test_changes_61_and_63():
    by = cards()
    c61 = by["6.1"]["changes"]
    assert c61["status"] == "modified"
    assert c61["previous_number"] == "6.1"
    assert c61["previous_title"] == "Expert méthode et outils / qualité / sécurité"
    assert any("« A.9. Innovation » : niveau 5 (anciennement niveau 4)" in n for n in c61["notes"])
    c63 = by["6.3"]["changes"]
    assert c63["status"] == "modified"
    assert "Modification de « A.5. Innovation » : niveau 5 (anciennement niveau 4)" in c63["notes"]
    assert "Ajout de « E.5. Amélioration des processus » : niveau 4" in c63["notes"]
    warnings = result().warnings
    assert any(":1597:" in w and "A.5. Innovation" in w for w in warnings)
    assert any(":1402:" in w and "E.3 level 4" in w for w in warnings)


def test_changes_statuses():
    by = cards()
    status = {n: c["changes"]["status"] for n, c in by.items()}
    new = sorted(n for n, s in status.items() if s == "new")
    assert new == sorted("1.7 2.4 2.5 2.6 2.7 6.2 7.6 7.7 8.3 8.4 8.5 9.2 9.3 9.4".split())
    assert sorted(n for n, s in status.items() if s == "modified") == ["5.3", "6.1", "6.3"]
    assert sorted(n for n, s in status.items() if s == "renumbered") == [
        "4.9", "8.1", "8.2", "9.1"
    ]  # fmt: skip
    assert by["8.1"]["changes"]["previous_number"] == "1.7"
    assert by["8.1"]["changes"]["previous_title"] == "Data Scientist"
    assert by["5.3"]["changes"]["previous_number"] == "6.1"
    assert by["4.9"]["changes"]["previous_number"] == "4.10"
    assert by["9.1"]["changes"]["previous_title"] == "Manager de contrat"
    assert by["1.1"]["changes"] == {"status": "unchanged", "notes": []}
    assert any(":39:" in w and "19 new or modified" in w for w in result().warnings)


# ---------------------------------------------------------------------------------- e-CF


def test_ecf_file():
    ecf = result().data_files["ecf/ecf-3.0.yaml"]
    jsonschema.Draft202012Validator(load_schema("ecf.schema.json")).validate(ecf)
    assert [a["name"]["en"] for a in ecf["areas"]] == ["PLAN", "BUILD", "RUN", "ENABLE", "MANAGE"]
    assert [a["name"]["fr"] for a in ecf["areas"]] == [
        "PLANIFIER", "DEVELOPPER", "UTILISER", "FACILITER", "GERER"
    ]  # fmt: skip
    assert {lv["level"]: lv["eqf"] for lv in ecf["levels"]} == {
        1: [3], 2: [4, 5], 3: [6], 4: [7], 5: [8]
    }  # fmt: skip
    comps = {c["code"]: c for c in ecf["competences"]}
    assert len(comps) == 40
    assert sum(c["used_by_cards"] for c in comps.values()) == 38
    assert not comps["D.6"]["used_by_cards"] and "fr" not in comps["D.12"]["name"]
    assert comps["A.3"]["name"]["fr"] == "Mise en place d'un plan d'activités"
    assert [d["level"] for d in comps["B.3"]["level_descriptors"]] == [1, 2, 3, 4]
    prev = {code: (c["previous"]["code"], c["previous"]["relation"]) for code, c in comps.items()}
    assert prev["A.9"] == prev["B.6"] == prev["D.11"] == prev["D.12"] == (None, "new")
    assert prev["B.1"] == ("B.1", "renamed") and prev["E.9"] == ("E.9", "renamed")
    assert prev["A.1"] == ("A.1", "same") and prev["E.6"] == ("E.6", "same")
    # Every (code, level) pair has one descriptor on all cards, and it is the one in the file.
    by_pair = {(c, d["level"]): d["text"]["fr"] for c, x in comps.items()
               for d in x.get("level_descriptors", []) if "fr" in d["text"]}  # fmt: skip
    for card in result().cards:
        for r in card["competences"]:
            assert by_pair[(r["code"], r["level_min"])] == r["descriptor"]
    assert not [w for w in result().warnings if "descriptor" in w or "does not define" in w]


def test_ecf_file_has_the_english_descriptor_of_every_admissible_level():
    comps = {c["code"]: c for c in result().data_files["ecf/ecf-3.0.yaml"]["competences"]}
    rows = list(csv.DictReader(io.StringIO(ECF_LEVELS.read_text(encoding="utf-8"))))
    assert len(rows) == 106
    table = {
        (r["code"], int(r["level"])): (line, r["descriptor"]) for line, r in enumerate(rows, 2)
    }
    seen = {}
    for code, comp in comps.items():
        assert [d["level"] for d in comp["level_descriptors"]] == comp["levels"], code
        for d in comp["level_descriptors"]:
            line, text = table[(code, d["level"])]
            assert d["text"]["en"] == text
            assert d["provenance"]["en"] == {
                "source": "sources/ecf-3.0-levels.csv",
                "lines": [line, line],
            }
            assert set(d["provenance"]) == set(d["text"])
            if "fr" in d["text"]:
                assert d["provenance"]["fr"]["source"] == "sources/cigref-2018-nomenclature.txt"
                assert d["provenance"]["fr"]["note"].startswith("as printed on card ")
            seen[(code, d["level"])] = d
    assert set(seen) == set(table)
    b1 = {d["level"]: d["text"] for d in comps["B.1"]["level_descriptors"]}
    assert b1[1] == {"en": "Acts under guidance to develop, test and document applications."}
    assert b1[2] == {"en": "Systematically develops and validates applications."}
    assert b1[3]["fr"].startswith("Développe des applications et choisit les options")
    assert b1[3]["en"].startswith("Acts creatively to develop applications")
    # Both languages of a level printed on a card: 90 of the 106 levels.
    assert sum("fr" in d["text"] for d in seen.values()) == 90


def _levels_table(edit) -> str:
    lines = ECF_LEVELS.read_text(encoding="utf-8").split("\n")
    return "\n".join(edit(lines))


def test_levels_table_and_reference_list_disagreeing_are_warnings():
    def shift_e1(lines: list[str]) -> list[str]:
        # The levels of E.1 as the seed numbers them (2, 3); e-CF 3.0 admits 3 and 4.
        out = []
        for ln in lines:
            if ln.startswith("E.1,3,"):
                ln = "E.1,2," + ln.removeprefix("E.1,3,")
            elif ln.startswith("E.1,4,"):
                ln = "E.1,3," + ln.removeprefix("E.1,4,")
            out.append(ln)
        return out

    reference, _ = ecf_tables()
    shifted = _levels_table(shift_e1)
    line = 1 + next(i for i, ln in enumerate(shifted.split("\n")) if ln.startswith("E.1,2,"))
    data, warnings = build_ecf([], reference, shifted)
    assert [w for w in warnings if "ecf-3.0-levels.csv" in w] == [
        f"sources/ecf-3.0-levels.csv:{line}: E.1 has a descriptor for level 2, which e-CF 3.0 "
        "does not define for E.1 (levels [3, 4], sources/ecf-3.0-reference.csv:33)",
        "sources/ecf-3.0-reference.csv:33: E.1 admits levels [3, 4]; sources/ecf-3.0-levels.csv "
        "has no descriptor for level(s) [4]",
    ]
    e1 = next(c for c in data["competences"] if c["code"] == "E.1")
    assert [d["level"] for d in e1["level_descriptors"]] == [2, 3]  # kept as given


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda ls: [*ls[:1], "Z.9,3,Does things.", *ls[1:]],
            r"levels.csv:2: 'Z.9' is not an e-CF 3.0",
        ),
        (lambda ls: [*ls[:1], "A.1,e-4,Text.", *ls[1:]], r"levels.csv:2: A.1: level 'e-4' is not"),
        (lambda ls: [*ls[:2], ls[1], *ls[2:]], r"levels.csv:3: A.1 level 4 given twice \(line 2\)"),
        (
            lambda ls: [*ls[:1], "A.1,4,", *ls[2:]],
            r"levels.csv:2: A.1 level 4: the descriptor is empty",
        ),
        (lambda ls: ["code,lvl,descriptor", *ls[1:]], r"levels.csv:1: missing column\(s\) level"),
    ],
)
def test_malformed_levels_table_is_an_error(edit, message):
    with pytest.raises(SourceFormatError, match=message):
        build_ecf([], ecf_tables()[0], _levels_table(edit))


# ------------------------------------------------------------------------- broken sources


def _without_line(text: str, number: int) -> str:
    lines = text.split("\n")
    del lines[number - 1]
    return "\n".join(lines)


def test_missing_title_label_is_an_error():
    text = raw_text()
    assert text.split("\n")[6800].strip() == "Titre du métier"
    with pytest.raises(SourceFormatError) as err:
        extract(_without_line(text, 6801), *ecf_tables())
    assert "2.6" in str(err.value) or "second" in str(err.value)
    assert err.value.line is not None


def test_missing_field_label_is_an_error():
    text = raw_text()
    assert text.split("\n")[7100].strip() == "Livrables"
    with pytest.raises(SourceFormatError, match="2.6"):
        extract(_without_line(text, 7101), *ecf_tables())


def test_cut_table_of_contents_is_an_error():
    lines = raw_text().split("\n")
    cut = "\n".join(lines[:221] + lines[243:])  # families 8 and 9 removed from the TOC
    with pytest.raises(SourceFormatError) as err:
        extract(cut, *ecf_tables())
    assert "50" in str(err.value)


def test_missing_chapter_heading_is_an_error():
    text = raw_text()
    lines = text.split("\n")
    idx = next(i for i, ln in enumerate(lines) if i > 300 and "3.2. Apparition" in ln)
    with pytest.raises(SourceFormatError, match="3.2"):
        extract(_without_line(text, idx + 1), *ecf_tables())
