"""The corrections file: every fix applies, names its reason, and stale entries are errors."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from nomengraph.cards import CardError
from nomengraph.extract.corrections import apply_corrections, load_corrections, parse_path

CARD = {
    "id": "cigref-2010-3.1",
    "competences": [
        {"code": "C.2", "level": "1", "level_min": 1, "level_max": 1},
        {"code": "C.3", "level": "1", "level_min": 1, "level_max": 1},
    ],
    "mission": "Il",
}
ECF = {"competences": [{"code": "B.4", "levels": []}]}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "corrections.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_path_handles_keys_with_dots_and_indices():
    assert parse_path("competences[B.4].levels") == ["competences", ("B.4",), "levels"]
    assert parse_path("rows[4.1].values[2]") == ["rows", ("4.1",), "values", 2]
    with pytest.raises(ValueError):
        parse_path("competences[B.4")


def test_corrections_apply_and_are_recorded(tmp_path):
    path = write(
        tmp_path,
        """
- id: c2-level
  target: cigref-2010-3.1
  field: competences[C.2].level_min
  value: 2
  reason: descriptor is the level-2 text
- id: b4-levels
  target: ecf-2.0
  field: competences[B.4].levels
  value: [1, 2, 3]
  reason: no level row printed; cards use 1, 2 and 3
- id: add-d9
  target: cigref-2010-3.1
  field: competences
  append: {code: D.9, level: '3', level_min: 3, level_max: 3}
  reason: row lost in the flattened table
""",
    )
    docs = {"cigref-2010-3.1": copy.deepcopy(CARD), "ecf-2.0": copy.deepcopy(ECF)}
    applied = apply_corrections(docs, load_corrections(path), str(path))
    assert applied == ["c2-level", "b4-levels", "add-d9"]
    card = docs["cigref-2010-3.1"]
    assert card["competences"][0]["level_min"] == 2
    assert card["competences"][0]["corrections"] == ["c2-level"]
    assert card["competences"][2]["code"] == "D.9"
    assert card["competences"][2]["corrections"] == ["add-d9"]
    assert docs["ecf-2.0"]["competences"][0] == {
        "code": "B.4",
        "levels": [1, 2, 3],
        "corrections": ["b4-levels"],
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("target: nowhere\n  field: mission\n  value: x", "unknown target 'nowhere'"),
        ("target: cigref-2010-3.1\n  field: competences[Z.9].level\n  value: x", "no list item"),
        ("target: cigref-2010-3.1\n  field: nothing.deeper\n  value: x", "no such field"),
    ],
)
def test_stale_entry_is_an_error_naming_its_line(tmp_path, entry, message):
    path = write(tmp_path, f"# header\n- id: x\n  reason: r\n  {entry}\n")
    with pytest.raises(CardError) as info:
        apply_corrections({"cigref-2010-3.1": copy.deepcopy(CARD)}, load_corrections(path), "f")
    assert message in str(info.value)
    assert info.value.problems[0].line == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- id: a\n  target: t\n  field: f\n  value: 1\n", "missing reason"),
        ("- id: a\n  target: t\n  field: f\n  reason: r\n", "exactly one of"),
        ("- id: a\n  target: t\n  field: f\n  value: 1\n  reason: ''\n", "a reason is required"),
        ("- id: a\n  target: t\n  field: f\n  value: 1\n  reason: r\n  colour: red\n", "unknown"),
        ("a: 1\n", "must be a YAML list"),
        ("- id: a\n  target: t\n  field: f[\n  value: 1\n  reason: r\n", "bad field path"),
    ],
)
def test_malformed_corrections_file_is_rejected(tmp_path, text, message):
    with pytest.raises(CardError, match=message):
        load_corrections(write(tmp_path, text))


def test_duplicate_correction_ids_are_rejected(tmp_path):
    entry = "- id: a\n  target: t\n  field: f\n  value: 1\n  reason: r\n"
    with pytest.raises(CardError, match="duplicate id"):
        load_corrections(write(tmp_path, entry * 2))


def test_project_corrections_file_is_well_formed_and_every_entry_has_a_reason():
    path = Path(__file__).parents[1] / "sources" / "corrections.yaml"
    entries = load_corrections(path)
    assert entries, "the project keeps its source fixes in sources/corrections.yaml"
    for c in entries:
        assert len(c.reason) > 20, f"{c.id}: the reason should say why, with evidence"
