"""The card format: the JSON Schema, loading with errors that name file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from nomengraph import resources
from nomengraph.cards import (
    CARD_SCHEMA,
    ECF_SCHEMA,
    CardError,
    dump_yaml,
    load_card,
    load_cards,
    load_schema,
    parse_yaml,
)

FIXTURES = Path(__file__).parent / "fixtures" / "cards"
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))

# Expected (field, line) of the first problem reported for each invalid fixture.
EXPECTED = {
    "bad-competence-code": ("competences[0].code", 9),
    "duplicate-competence": ("competences[1].code", 13),
    "empty-title": ("title", 5),
    "id-not-edition-number": ("id", 1),
    "level-min-above-max": ("competences[0].level_min", 11),
    "level-out-of-range": ("competences[0].level", 10),
    "missing-title": ("title", 1),
    "printed-level-mismatch": ("competences[0].level", 10),
    "unknown-field": ("salary", 6),
    "yaml-syntax": ("", 5),
}


@pytest.mark.parametrize("name", [CARD_SCHEMA, ECF_SCHEMA, "matrix.schema.json"])
def test_published_schemas_are_valid_json_schemas(name):
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].startswith("https://w3id.org/nomengraph/schema/")


def test_card_using_every_field_loads():
    card = load_card(FIXTURES / "valid" / "every-field.yaml")
    props = set(load_schema(CARD_SCHEMA)["properties"])
    assert props == set(card), "the every-field fixture must use every top-level field"
    assert card["competences"][1]["level_min"] == 2
    assert card["competences"][1]["level_max"] == 4


def test_every_invalid_fixture_has_an_expectation():
    assert {p.stem for p in INVALID} == set(EXPECTED)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_card_is_rejected_naming_file_line_and_field(path):
    with pytest.raises(CardError) as info:
        load_card(path)
    problems = info.value.problems
    field, line = EXPECTED[path.stem]
    assert any(p.field == field and p.line == line for p in problems), problems
    assert all(p.file == str(path) for p in problems)
    assert str(path) in str(info.value)


def test_unreadable_file_is_a_card_error(tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("title: Développeur\n".encode("latin-1"))
    with pytest.raises(CardError, match="not UTF-8"):
        load_card(bad)
    with pytest.raises(CardError, match="cannot read"):
        load_card(tmp_path / "missing.yaml")


def test_folder_collects_problems_of_every_file(tmp_path):
    for path in INVALID[:3]:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CardError) as info:
        load_cards(tmp_path)
    assert {Path(p.file).name for p in info.value.problems} == {p.name for p in INVALID[:3]}


def test_duplicate_ids_across_files_are_reported(tmp_path):
    text = (FIXTURES / "valid" / "every-field.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CardError, match="duplicate id 'acme-1.1'"):
        load_cards(tmp_path)


def test_dump_round_trips_and_is_stable():
    card = load_card(FIXTURES / "valid" / "every-field.yaml")
    text = dump_yaml(card)
    again, _ = parse_yaml(text, "<dump>")
    assert again == card
    assert dump_yaml(again) == text
    assert "mission: |-" in text  # multi-line prose kept readable as a literal block
    assert json.loads(json.dumps(card)) == card  # plain JSON-compatible data


# The fast schema check (jsonschema-rs) answers yes/no; jsonschema gives the located messages
# when the answer is no. The two must agree, or a bad card would load (or a good one fail).


def _mutations(value, path=()):
    """Every single-field change of a card: each key removed, each value replaced by values of
    the wrong type or shape, each list emptied; yields (path, mutated copy)."""
    import copy

    def replaced(root, where, new):
        root = copy.deepcopy(root)
        target = root
        for part in where[:-1]:
            target = target[part]
        if new is _DELETE:
            del target[where[-1]]
        else:
            target[where[-1]] = new
        return root

    def walk(node, where):
        if isinstance(node, dict):
            for key, child in node.items():
                yield from walk(child, (*where, key))
                yield (*where, key), _DELETE
            yield (*where, "unexpected_field"), "x"
        elif isinstance(node, list):
            for i, child in enumerate(node):
                yield from walk(child, (*where, i))
            if where:
                yield where, []
        if where:
            for new in (None, 12345, -1, 0, "", "x", "99.99", "1-9", "A.1", [], {}, True):
                yield where, new

    for where, new in walk(value, path):
        if new is not _DELETE and where and where[-1] == "unexpected_field":
            mutated = copy.deepcopy(value)
            target = mutated
            for part in where[:-1]:
                target = target[part]
            target[where[-1]] = new
            yield where, mutated
        else:
            yield where, replaced(value, where, new)


_DELETE = object()


@pytest.mark.parametrize("schema", [CARD_SCHEMA])
def test_fast_schema_check_agrees_with_jsonschema_on_every_single_field_change(schema):
    from nomengraph.cards import _fast_validator, _validator

    card = load_card(FIXTURES / "valid" / "every-field.yaml")
    fast, slow = _fast_validator(schema), _validator(schema)
    checked = rejected = 0
    for where, mutated in _mutations(card):
        expected = not any(True for _ in slow.iter_errors(mutated))
        assert fast.is_valid(mutated) == expected, (where, mutated)
        checked += 1
        rejected += not expected
    assert checked > 500 and rejected > 400  # the mutations do exercise the schema


def test_fast_schema_check_accepts_every_real_card_and_data_file():
    from nomengraph.cards import MATRIX_SCHEMA, _fast_validator, parse_data

    cards = resources.CARDS
    for path in sorted(cards.rglob("*.yaml")):
        data = parse_data(path.read_text(encoding="utf-8"), str(path))
        schema = {"ecf": ECF_SCHEMA, "matrix": MATRIX_SCHEMA}.get(path.parent.name, CARD_SCHEMA)
        assert _fast_validator(schema).is_valid(data), path


BAD_CARD = """id: bad-1.1
edition: bad
number: '1.1'
title: Développeur
has_card: true
activities: []
competences:
- code: Z.9
  level: '7'
  level_min: 3
  level_max: 3
mision: Il développe.
"""


def test_messages_say_in_words_what_is_expected_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "1.1.yaml"
    path.write_text(BAD_CARD, encoding="utf-8")
    with pytest.raises(CardError) as info:
        load_card(path)
    problems = info.value.problems
    assert [(p.line, p.field) for p in problems] == [
        (8, "competences[0].code"),
        (9, "competences[0].level"),
        (12, "mision"),
    ]
    assert problems[1].message == "level '7': a level is 1 to 5, or a range such as 2-4"
    assert problems[0].message.startswith("code 'Z.9': an e-CF code is a letter A to E")
    assert problems[2].message == "unknown field 'mision'; did you mean 'mission'?"
    assert not any("^" in p.message or "$" in p.message for p in problems)
