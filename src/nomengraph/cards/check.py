"""Checking data against the card format: the published JSON Schemas, each schema error said in
words in every language with its line and field, and the consistency rules of a card the schema
cannot say.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from typing import Any

import jsonschema
import jsonschema_rs
import yaml

from nomengraph import resources
from nomengraph.texts import Words, both, joined

from .problems import CardProblem, sort_problems
from .yamltext import _node_line, field_path

CARD_SCHEMA = "card.schema.json"
ECF_SCHEMA = "ecf.schema.json"
MATRIX_SCHEMA = "matrix.schema.json"
EDITION_SCHEMA = "edition.schema.json"


@cache
def load_schema(name: str = CARD_SCHEMA) -> dict[str, Any]:
    """Return one of the published JSON Schemas shipped with the package."""
    return json.loads(resources.read_text(resources.schema(name)))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@cache
def _fast_validator(name: str) -> jsonschema_rs.Validator:
    """The same schema compiled by jsonschema-rs: a yes/no answer ~100x faster than
    ``jsonschema``, which is only asked (for its located messages) when the answer is no."""
    return jsonschema_rs.Draft202012Validator(load_schema(name))


PATTERN_MEANINGS: dict[str, str] = {
    r"^[1-5]([-/][1-5])?$": "pattern.level",
    r"^[A-E]\.[0-9]{1,2}$": "pattern.code",
    r"^[A-E]$": "pattern.area",
    r"^[a-z][a-z0-9-]*[a-z0-9]-[0-9]+(\.[0-9]+)*$": "pattern.id",
    r"^[a-z][a-z0-9-]*[a-z0-9]$": "pattern.edition",
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "pattern.edition-id",
    r"^[0-9]+(\.[0-9]+)*$": "pattern.number",
    r"^[0-9]+$": "pattern.family",
    r"^[0-9]+\.[0-9]+$": "pattern.version",
    r"^[KS][0-9]+$": "pattern.ksa",
    r"^\S([\s\S]*\S)?$": "pattern.text",
    r"^\S(.|\n)*\S$|^\S$": "pattern.text",
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": "pattern.language",
}
"""What each pattern of the schemas asks for, in words (the key of its text in
:mod:`nomengraph.texts`): a message names no regular expression."""


def shown_value(value: Any) -> str:
    """A value as a card file writes it: ``'text'``, ``5``, ``true``, ``null``, a short list."""
    if isinstance(value, str):
        return repr(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _field_name(path: list[Any]) -> Words | str:
    """The field a message names: the last field of the path and the list positions after it
    (``level``, ``tasks[2]``), or the file itself."""
    last = max((i for i, p in enumerate(path) if isinstance(p, str)), default=None)
    if last is None:
        return both("schema.the-file")
    return field_path(path[last:])


def _types(limit: str | list[str]) -> list[str]:
    return [limit] if isinstance(limit, str) else list(limit)


def _one_of(err: jsonschema.ValidationError) -> jsonschema.ValidationError | list[str]:
    """The reason a value fits none of the forms of a ``oneOf``: the types it may have when it
    has the type of none of them, else the most telling error of a form of its type."""
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for e in err.context or []:
        branches.setdefault(e.schema_path[0] if e.schema_path else None, []).append(e)
    wrong_type = {
        b for b, errs in branches.items() if any(e.validator == "type" and not e.path for e in errs)
    }
    if branches and wrong_type == set(branches):
        return [
            t
            for b in branches
            for e in branches[b]
            if e.validator == "type"
            for t in _types(e.validator_value)
        ]
    kept = [e for b, errs in branches.items() if b not in wrong_type for e in errs]
    return jsonschema.exceptions.best_match(kept) if kept else err


def _schema_words(err: jsonschema.ValidationError, path: list[Any]) -> Words:
    """What a schema error means, in words in every language: the field and the value, then
    what the card format asks for (no regular expression, no schema keyword)."""
    kind, limit = err.validator, err.validator_value
    name = _field_name(path)
    value = shown_value(err.instance)
    if kind == "type":
        what = joined([both(f"type.{t}") for t in _types(limit)], "or")
        return both("schema.type", name=name, value=value, what=what)
    if kind == "enum":
        choices = ", ".join(shown_value(c) for c in limit)
        return both("schema.enum", name=name, value=value, choices=choices)
    if kind == "const":
        return both("schema.const", name=name, value=value, expected=shown_value(limit))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength"):
        return both(f"schema.{kind}", name=name, value=value, limit=limit)
    if kind == "minLength":
        key = "schema.empty-text" if limit == 1 else "schema.minLength"
        return both(key, name=name, value=value, limit=limit)
    if kind in ("minItems", "maxItems"):
        count = len(err.instance) if isinstance(err.instance, list) else 0
        key = "schema.empty-list" if kind == "minItems" and limit == 1 else f"schema.{kind}"
        return both(key, name=name, count=count, limit=limit)
    if kind == "minProperties":
        return both("schema.empty-mapping", name=name)
    if kind == "uniqueItems":
        return both("schema.uniqueItems", name=name)
    if kind == "pattern":
        meaning = both(PATTERN_MEANINGS.get(str(limit), "pattern.unknown"))
        return both("schema.pattern", name=name, value=value, meaning=meaning)
    return both("schema.other", name=name, value=value)


def _unknown_fields(err: jsonschema.ValidationError) -> list[tuple[str, Words]]:
    """(field, message) for each field a mapping may not have, with the closest known one."""
    known = sorted((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
    extras = [k for k in err.instance if k not in known] if isinstance(err.instance, dict) else []
    out = []
    for key in extras:
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if close:
            out.append((key, both("schema.unknown-close", key=key, close=close[0])))
        else:
            out.append((key, both("schema.unknown", key=key, known=", ".join(known))))
    return out


def _problem(file: str, line: int | None, path: list[Any], words: Words) -> CardProblem:
    return CardProblem(file, line, field_path(path), words["en"], tuple(words.items()))


def schema_problems(data: Any, node: yaml.Node | None, file: str, schema: str) -> list[CardProblem]:
    """The problems of ``data`` against one of the schemas, each with its line and field, in line
    order; messages say in words, in every language, what is expected (no regular expression)."""
    if _fast_validator(schema).is_valid(data):
        return []
    problems = []
    errors = list(_validator(schema).iter_errors(data))
    # An empty text is said empty once: not also "does not start with a letter".
    empty = {tuple(e.absolute_path) for e in errors if e.validator == "minLength"}
    for err in errors:
        if err.validator == "pattern" and err.instance == "" and tuple(err.absolute_path) in empty:
            continue
        if err.validator in ("oneOf", "anyOf") and err.context:
            # The most specific reason rather than "is not valid under any of the schemas".
            found = _one_of(err)
            if isinstance(found, list):
                path = list(err.absolute_path)
                what = joined([both(f"type.{t}") for t in dict.fromkeys(found)], "or")
                words = both(
                    "schema.type",
                    name=_field_name(path),
                    value=shown_value(err.instance),
                    what=what,
                )
                problems.append(_problem(file, _node_line(node, path), path, words))
                continue
            err = found
        path = list(err.absolute_path)
        if err.validator == "additionalProperties":
            for key, words in _unknown_fields(err):
                problems.append(_problem(file, _node_line(node, [*path, key]), [*path, key], words))
            continue
        line = _node_line(node, path)
        if err.validator == "required":
            # Name the missing field itself; the line is that of the enclosing mapping.
            missing = err.message.split("'")[1] if err.message.count("'") >= 2 else ""
            if missing:
                problems.append(
                    _problem(file, line, [*path, missing], both("schema.required", key=missing))
                )
                continue
        problems.append(_problem(file, line, path, _schema_words(err, path)))
    return sort_problems(problems)


def check_card(card: Any, file: str = "<card>", node: yaml.Node | None = None) -> list[CardProblem]:
    """Return the problems of one card (schema, then consistency rules the schema cannot say)."""
    problems = schema_problems(card, node, file, CARD_SCHEMA)
    if problems or not isinstance(card, dict):
        return problems
    expected_id = f"{card['edition']}-{card['number']}"
    if card["id"] != expected_id:
        line = _node_line(node, ["id"])
        problems.append(
            CardProblem.of(file, line, "id", "card.id", value=card["id"], expected=expected_id)
        )
    seen: dict[str, int] = {}
    for i, req in enumerate(card["competences"]):
        path = ["competences", i]
        if req["level_min"] > req["level_max"]:
            problems.append(
                CardProblem.of(
                    file,
                    _node_line(node, [*path, "level_min"]),
                    field_path([*path, "level_min"]),
                    "card.levels-order",
                    low=req["level_min"],
                    high=req["level_max"],
                )
            )
        printed = [int(x) for x in req["level"].replace("/", "-").split("-")]
        if (min(printed), max(printed)) != (req["level_min"], req["level_max"]):
            problems.append(
                CardProblem.of(
                    file,
                    _node_line(node, [*path, "level"]),
                    field_path([*path, "level"]),
                    "card.printed-level",
                    level=req["level"],
                    low=req["level_min"],
                    high=req["level_max"],
                )
            )
        if req["code"] in seen:
            problems.append(
                CardProblem.of(
                    file,
                    _node_line(node, [*path, "code"]),
                    field_path([*path, "code"]),
                    "card.twice",
                    code=req["code"],
                    index=seen[req["code"]],
                )
            )
        seen.setdefault(req["code"], i)
    lines = (card.get("provenance") or {}).get("lines")
    if lines and lines[0] > lines[1]:
        problems.append(
            CardProblem.of(
                file,
                _node_line(node, ["provenance", "lines"]),
                "provenance.lines",
                "card.lines",
                first=lines[0],
                last=lines[1],
            )
        )
    return sort_problems(problems)
